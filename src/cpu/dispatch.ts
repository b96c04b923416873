/**
 * The instruction table: iced `Code` -> handler factory.
 *
 * Every instruction family file (alu.ts, shift.ts, ...) registers factories for the Codes it
 * implements through `def`. A factory receives the decoded Insn and returns the handler
 * specialised for its operand form (register vs memory, size). The set of registered Codes is
 * what `npm run isa-table` reports as implemented.
 */
import { Code } from './iced.js';
import type { Handler, Insn } from './insn.js';
import { invalidOpcode } from './exceptions.js';
import { disassemble, hexBytes } from './decode-format.js';

export type Factory = (i: Insn) => Handler;

const CODE_COUNT = Object.keys(Code).length / 2;
const factories: (Factory | undefined)[] = new Array(CODE_COUNT).fill(undefined);
const blockEnders = new Uint8Array(CODE_COUNT);
/** Which family file registered each Code (for the coverage table). */
const familyOf: string[] = new Array(CODE_COUNT).fill('');

let currentFamily = '';
export function beginFamily(name: string): void {
  currentFamily = name;
}

/** Registers a factory for one or more Codes given by value or by name (`'Add_rm32_r32'`). */
export function def(codes: Code | string | (Code | string)[], f: Factory, opts?: { endsBlock?: boolean }): void {
  for (const c of Array.isArray(codes) ? codes : [codes]) {
    const code = typeof c === 'string' ? (Code as unknown as Record<string, number>)[c] : c;
    if (code === undefined) throw new Error(`unknown iced Code name ${String(c)}`);
    if (factories[code]) throw new Error(`Code ${Code[code]} registered twice`);
    factories[code] = f;
    familyOf[code] = currentFamily;
    if (opts?.endsBlock) blockEnders[code] = 1;
  }
}

/** Iced's name of every Code (Code[code] is a lookup in a 10,000-key object: read it once). */
const CODE_NAMES: string[] = Array.from({ length: CODE_COUNT }, (_, code) => Code[code]);
/** Codes by the first letter of their name, for patterns anchored on a letter (defMatching). */
const CODES_BY_LETTER = new Map<string, number[]>();
for (let code = 0; code < CODE_COUNT; code++) {
  const letter = CODE_NAMES[code][0];
  let list = CODES_BY_LETTER.get(letter);
  if (list === undefined) CODES_BY_LETTER.set(letter, (list = []));
  list.push(code);
}

/**
 * The Codes whose names `re` can match: when every top-level alternative of the pattern starts
 * with `^` and a letter, only the names starting with those letters. Why: the 78 families'
 * patterns were each tested against all ~4,900 names, 40-60 ms of every process's start.
 */
export function candidates(re: RegExp): number[] | null {
  const alternatives: string[] = [];
  let depth = 0, start = 0, inClass = false;
  const src = re.source;
  for (let k = 0; k < src.length; k++) {
    const ch = src[k];
    if (ch === '\\') k++;
    else if (inClass) inClass = ch !== ']'; // ( ) | are literal inside [...]
    else if (ch === '[') inClass = true;
    else if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (ch === '|' && depth === 0) { alternatives.push(src.slice(start, k)); start = k + 1; }
  }
  alternatives.push(src.slice(start));
  const letters = new Set<string>();
  for (const a of alternatives) {
    if (a[0] !== '^' || !/[A-Za-z]/.test(a[1] ?? '') || re.flags.includes('i')) return null;
    letters.add(a[1]);
  }
  if (letters.size === 1) return CODES_BY_LETTER.get([...letters][0]) ?? [];
  return [...letters].flatMap((l) => CODES_BY_LETTER.get(l) ?? []).sort((x, y) => x - y);
}

/** Registers a factory for every Code whose iced name matches `re`. Returns how many matched. */
export function defMatching(re: RegExp, f: Factory, opts?: { endsBlock?: boolean; except?: RegExp }): number {
  let n = 0;
  const codes = candidates(re);
  const count = codes === null ? CODE_COUNT : codes.length;
  for (let k = 0; k < count; k++) {
    const code = codes === null ? k : codes[k];
    const name = CODE_NAMES[code];
    if (re.test(name) && !(opts?.except && opts.except.test(name)) && !factories[code]) {
      def(code, f, opts);
      n++;
    }
  }
  return n;
}

export function endsBlock(code: number): boolean {
  return blockEnders[code] === 1;
}

export function isImplemented(code: number): boolean {
  return factories[code] !== undefined;
}

export function familyOfCode(code: number): string {
  return familyOf[code];
}

/** Handler for a decoded instruction; unimplemented forms raise SIGILL naming the instruction. */
export function handlerFor(i: Insn): Handler {
  const f = factories[i.code];
  if (f) return f(i);
  const text = `${disassemble(i.bytes, i.addr)} [${hexBytes(i.bytes)}]`;
  const what = i.code === Code.INVALID ? 'invalid opcode' : `unimplemented instruction ${Code[i.code]}`;
  return () => invalidOpcode(`${what}: ${text}`);
}
