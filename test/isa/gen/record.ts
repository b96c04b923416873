/**
 * `npm run isa-record`: generates every oracle case with a fixed seed, runs them on this CPU
 * through the native harness (test/isa/native/harness.c, built here with gcc), and writes the
 * golden files test/isa/golden/<group>.jsonl.gz. Only runs on x86-64 Linux.
 *
 *   node test/isa/native/build/js/test/isa/gen/record.js [--only=group,group] [--dry]
 *
 * --only re-records the named groups and leaves the other golden files alone; --dry generates and
 * runs the cases but writes nothing (prints the counts).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { arch, platform, release } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { CodeExt, OpAccess } from 'iced-x86';
import {
  FORMAT_VERSION, FX_BYTES, type CaseOut, type GoldenCase, type GoldenHeader, type FullState,
  cloneState, fromFxsave, gprDelta, xmmDelta, fpuDelta, hex, hex64, toFxsave, INSN_OFF,
} from '../format.js';
import { CaseBuilder, Retry, assemble, type BuiltCase } from './build.js';
import { templates, type Template } from './families.js';
import { Rng } from './values.js';

void OpAccess;

/** The one seed every golden file is generated from. */
export const SEED = 0x15a0c1e;

const here = dirname(fileURLToPath(import.meta.url));
/** Repo root: this file runs from test/isa/native/build/js/test/isa/gen. */
const root = resolve(here, '../../../../../../../..');
const isaDir = join(root, 'test/isa');
const buildDir = join(isaDir, 'native/build');
const goldenDir = join(isaDir, 'golden');

function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) { h ^= s.charCodeAt(i); h = Math.imul(h, 0x01000193) >>> 0; }
  return h;
}

interface Pending { group: string; id: string; built: BuiltCase }

/** FWAIT forms (fstsw, fclex, finit, ...) assemble to wait + the no-wait form: two instructions. */
function fwaitForm(code: number): boolean {
  const oc = CodeExt.opCode(code);
  try { return oc.fwait; } finally { oc.free(); }
}

const lockOk = new Map<number, boolean>();
function canLock(code: number): boolean {
  let v = lockOk.get(code);
  if (v === undefined) { const oc = CodeExt.opCode(code); v = oc.canUseLockPrefix; oc.free(); lockOk.set(code, v); }
  return v;
}

/** Generates one case of a template for a Code (retrying operand choices that do not fit). */
export function genCase(t: Template, code: number, rng: Rng): BuiltCase {
  let last: unknown = null;
  for (let attempt = 0; attempt < 60; attempt++) {
    const b = new CaseBuilder(rng, code, t.hooks);
    let ins;
    try {
      t.hooks.pre?.(b);
      ins = t.hooks.create ? t.hooks.create(b) : b.createGeneric();
      const lockShare = t.hooks.lockShare ?? 0.1;
      if (canLock(code) && (b.useMem || t.hooks.allowInvalid) && rng.chance(lockShare)) ins.hasLockPrefix = true;
    } catch (e) {
      last = e;
      if (e instanceof Retry || (e instanceof Error && /register|immediate|displ|operand/i.test(e.message))) continue;
      throw e;
    }
    let asm;
    try {
      asm = assemble(ins);
    } catch (e) {
      last = e; // e.g. AH..BH together with a REX prefix
      ins.free();
      continue;
    }
    ins.free();
    const d = asm.decoded;
    try {
      if (d.isInvalid && !t.hooks.allowInvalid) throw new Error(`${t.id}: ${CodeName(code)} encodes to an invalid instruction ${hex(asm.bytes)}`);
      if (!d.isInvalid && d.code !== code && !(d.code === Code.Wait && fwaitForm(code))) throw new Retry(`${t.id}: ${CodeName(code)} decodes as ${CodeName(d.code)} (${hex(asm.bytes)})`);
      b.analyze(d);
      b.assignValues(t.group);
      b.fillMemOperand();
      t.hooks.post?.(b);
      return b.finish(asm.bytes, d);
    } catch (e) {
      last = e;
      if (e instanceof Retry) continue;
      throw e;
    } finally {
      d.free();
    }
  }
  throw new Error(`${t.id}: cannot build a case for ${CodeName(code)}: ${String(last)}`);
}

import { Code } from 'iced-x86';
const CodeName = (c: number): string => Code[c];

// ------------------------------------------------------------------ native interface

const IN_REC = 600;
const OUT_REC = 604;

function inputRecord(index: number, c: BuiltCase): Buffer {
  const patches: Buffer[] = [];
  for (const [off, h] of c.in.m ?? []) {
    const bytes = Buffer.from(h, 'hex');
    for (let k = 0; k < bytes.length; k += 0xffff) {
      const part = bytes.subarray(k, k + 0xffff);
      const hd = Buffer.alloc(4);
      hd.writeUInt16LE(off + k, 0); hd.writeUInt16LE(part.length, 2);
      patches.push(hd, part);
    }
  }
  const pb = Buffer.concat(patches);
  const r = Buffer.alloc(IN_REC);
  r.writeUInt32LE(0x31415349, 0);
  r.writeUInt32LE(index, 4);
  for (let i = 0; i < 16; i++) r.writeBigUInt64LE(c.state.gpr[i], 8 + 8 * i);
  r.writeBigUInt64LE(BigInt(c.state.rflags), 136);
  r.writeBigUInt64LE(BigInt(INSN_OFF), 144);
  if (c.bytes.length > 16) throw new Error('instruction longer than 16 bytes');
  Buffer.from(c.bytes).copy(r, 152);
  r.writeUInt32LE(c.bytes.length, 168);
  r.writeUInt32LE(c.seed >>> 0, 172);
  r.writeUInt32LE(pb.length, 176);
  Buffer.from(toFxsave(c.state)).copy(r, 184);
  return Buffer.concat([r, pb]);
}

interface NativeResult { state: FullState; sig: CaseOut['sig']; runs: [number, string][] }

function parseResults(buf: Buffer, cases: Pending[]): NativeResult[] {
  const out: NativeResult[] = [];
  let p = 0;
  for (let k = 0; k < cases.length; k++) {
    if (buf.readUInt32LE(p) !== 0x3154554f) throw new Error(`bad result record ${k}`);
    if (buf.readUInt32LE(p + 4) !== k) throw new Error(`result ${k} out of order`);
    const s = cloneState(cases[k].built.state);
    for (let i = 0; i < 16; i++) s.gpr[i] = buf.readBigUInt64LE(p + 8 + 8 * i);
    s.rip = Number(buf.readBigUInt64LE(p + 136));
    s.rflags = Number(buf.readBigUInt64LE(p + 144));
    const signo = buf.readInt32LE(p + 152);
    const code = buf.readInt32LE(p + 156);
    const addr = buf.readBigUInt64LE(p + 160);
    const trapno = Number(buf.readBigUInt64LE(p + 168));
    const err = Number(buf.readBigUInt64LE(p + 176));
    fromFxsave(new Uint8Array(buf.buffer, buf.byteOffset + p + 184, FX_BYTES), s);
    const nd = buf.readUInt32LE(p + 184 + FX_BYTES);
    p += OUT_REC;
    const runs: [number, string][] = [];
    const end = p + nd;
    while (p < end) {
      const off = buf.readUInt16LE(p), len = buf.readUInt16LE(p + 2);
      runs.push([off, buf.subarray(p + 4, p + 4 + len).toString('hex')]);
      p += 4 + len;
    }
    out.push({ state: s, sig: [signo, code, addr.toString(16), trapno, err], runs });
  }
  if (p !== buf.length) throw new Error('trailing bytes in the results');
  return out;
}

function buildHarness(): string {
  mkdirSync(buildDir, { recursive: true });
  const exe = join(buildDir, 'harness');
  execFileSync('gcc', ['-O2', '-Wall', '-Wextra', '-Werror', '-o', exe, join(isaDir, 'native/harness.c')], { stdio: 'inherit' });
  return exe;
}

function hostDescription(): string {
  let model = 'unknown CPU';
  try { model = /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? model; } catch { /* not Linux */ }
  return `${model}; Linux ${release()}`;
}

// ------------------------------------------------------------------ main

function main(): void {
  if (platform() !== 'linux' || arch() !== 'x64') {
    console.error('isa-record: the native recorder needs an x86-64 Linux host');
    process.exit(1);
  }
  const args = process.argv.slice(2);
  const only = args.find((a) => a.startsWith('--only='))?.slice(7).split(',');
  const dry = args.includes('--dry');

  const t0 = Date.now();
  const pending: Pending[] = [];
  for (const t of templates()) {
    if (only && !only.includes(t.group)) continue;
    for (const code of t.codes) {
      const rng = new Rng(hash(`${SEED}:${t.id}:${CodeName(code)}`));
      for (let k = 0; k < t.perCode; k++) {
        pending.push({ group: t.group, id: `${t.id}/${CodeName(code)}/${k}`, built: genCase(t, code, rng) });
      }
    }
  }
  console.log(`generated ${pending.length} cases in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

  const exe = buildHarness();
  const inFile = join(buildDir, 'cases.bin');
  const outFile = join(buildDir, 'results.bin');
  writeFileSync(inFile, Buffer.concat(pending.map((p, i) => inputRecord(i, p.built))));
  const t1 = Date.now();
  execFileSync(exe, [inFile, outFile], { stdio: 'inherit' });
  console.log(`ran natively in ${((Date.now() - t1) / 1000).toFixed(1)} s`);
  const results = parseResults(readFileSync(outFile), pending);

  const groups = new Map<string, GoldenCase[]>();
  for (let k = 0; k < pending.length; k++) {
    const { group, id, built } = pending[k];
    const res = results[k];
    const inp = built.state;
    const fin = res.state;
    const out: CaseOut = { rip: fin.rip, f: fin.rflags, sig: res.sig };
    const g = gprDelta(inp.gpr, fin.gpr); if (g) out.g = g;
    if (built.flagsUndefined) out.fu = built.flagsUndefined;
    const x = xmmDelta(inp.xmm, fin.xmm); if (x) out.x = x;
    if (fin.mxcsr !== inp.mxcsr) out.mx = fin.mxcsr;
    const fp = fpuDelta(inp, fin); if (fp) out.fpu = fp;
    if (built.swUndefined) out.swu = built.swUndefined;
    if (res.runs.length) out.m = res.runs;
    const gc: GoldenCase = { id, code: built.code, b: hex(built.bytes), asm: built.asm, in: built.in, out };
    let list = groups.get(group);
    if (!list) groups.set(group, (list = []));
    list.push(gc);
  }

  const host = hostDescription();
  let total = 0, bytes = 0;
  if (!dry) mkdirSync(goldenDir, { recursive: true });
  for (const [group, list] of [...groups].sort((a, b) => a[0].localeCompare(b[0]))) {
    const header: GoldenHeader = { format: FORMAT_VERSION, family: group, count: list.length, seed: SEED, host };
    const text = [JSON.stringify(header), ...list.map((c) => JSON.stringify(c))].join('\n') + '\n';
    const gz = gzipSync(text, { level: 9 });
    total += list.length;
    bytes += gz.length;
    const sigs = new Map<number, number>();
    for (const c of list) sigs.set(c.out.sig[0], (sigs.get(c.out.sig[0]) ?? 0) + 1);
    console.log(`${group.padEnd(10)} ${String(list.length).padStart(6)} cases  ${(gz.length / 1024).toFixed(0).padStart(5)} KiB  signals ${[...sigs].map(([s, n]) => `${s}:${n}`).join(' ')}`);
    if (!dry) writeFileSync(join(goldenDir, `${group}.jsonl.gz`), gz);
  }
  console.log(`total ${total} cases, ${(bytes / 1048576).toFixed(2)} MiB${dry ? ' (dry run: nothing written)' : ''}`);
  void existsSync; void hex64;
}

main();
