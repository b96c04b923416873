/**
 * Block -> JavaScript translation (DESIGN "The JIT").
 *
 * A compiled block is `function (c) { ... }` closing over the runtime X, memory m, the register
 * file R and the block's decoded instructions I/handlers H. Shape of the generated code:
 *
 *   let r0l = R[0], r0h = R[1], ...        registers the block touches live in locals
 *   let pc = 0;
 *   try {
 *     [for (;;) {]                         a block that branches to its own start is a loop
 *       pc = k; ...instruction k...       pc is set before instructions that can fault
 *       ...
 *       exit: write back dirty locals, count instructions, set c.rip, return the successor
 *     [}]
 *   } catch (e) { write back; c.rip = I[pc].addr; return X.fault(...) }
 *
 * Instructions with a template (templates.ts) become inline JavaScript that calls the same
 * semantic functions as the interpreter (alu.add, shift.shl, ...) when their flags are live, and
 * computes only the value when a later instruction of the block overwrites those flags before
 * anyone reads them. A cmp/test/sub followed by jcc/setcc/cmovcc becomes a direct JavaScript
 * comparison of the operands. Every other instruction calls its interpreter handler with the
 * locals flushed to the register file and reloaded afterwards, so both engines share one
 * definition of each instruction.
 *
 * Guest bytes never reach the generated source as text: only numbers decoded from them do.
 */
import type { Block } from '../cpu/decode.js';
import type { Insn } from '../cpu/insn.js';
import { OP_GPR, OP_MEM, OP_IMM, SEG_NONE } from '../cpu/insn.js';
import { ARITH_FLAGS, CF } from '../cpu/flags.js';
import { TEMPLATES, type Template } from './templates.js';
import { Mnemonic } from 'iced-x86';

/** Flag state known at translation time: the last flag writer's operands, for direct comparisons. */
export interface FlagInfo {
  /** 'sub' (cmp/sub/neg), 'logic' (and/or/xor/test), 'add' (add/inc/dec result-only conditions). */
  kind: 'sub' | 'logic' | 'add';
  size: number;
  /** JS expressions (temporaries) holding the operands and the result. For size 8: lo/hi pairs. */
  a: string; b: string; r: string;
  ah?: string; bh?: string; rh?: string;
}

const FLUSH = '\u0001FLUSH';
const RELOAD = '\u0001RELOAD';

export class Gen {
  readonly out: string[] = [];
  /** Registers whose locals are loaded at entry (read or written anywhere in the block). */
  readonly used = new Set<number>();
  /** Registers written by the block (written back at exits). */
  readonly dirty = new Set<number>();
  /** Statically known: the register's high half is zero (after a 32-bit write in this block). */
  readonly hiZero: boolean[] = new Array(16).fill(false);
  private tmp = 0;
  readonly temps: string[] = [];
  /** Flags known from the last flag-writing template, null when unknown. */
  flags: FlagInfo | null = null;
  /** liveAfter[k]: arithmetic flags read after instruction k (before being overwritten). */
  liveAfter: number[] = [];
  k = 0;
  /** Whether the block is compiled as a loop (its last instruction may branch to its start). */
  loop = false;

  constructor(readonly block: Block) {}

  emit(s: string): void {
    this.out.push(s);
  }

  t(): string {
    const n = `t${this.tmp++}`;
    this.temps.push(n);
    return n;
  }

  lo(r: number): string {
    this.used.add(r);
    return `r${r}l`;
  }
  hi(r: number): string {
    this.used.add(r);
    return `r${r}h`;
  }

  /** Reads a GPR operand of size 1/2/4 as an expression (1/2 zero-extended, 4 int32). */
  readReg(r: number, size: number): string {
    if (size === 4) return this.lo(r);
    if (size === 2) return `(${this.lo(r)} & 0xffff)`;
    if (r < 16) return `(${this.lo(r)} & 0xff)`;
    return `((${this.lo(r - 16)} >> 8) & 0xff)`;
  }

  /** Writes a GPR of size 1/2/4 (32-bit writes zero the high half). */
  writeReg(r: number, size: number, v: string): void {
    if (size === 4) {
      this.dirty.add(r);
      this.emit(`${this.lo(r)} = ${v}; ${this.hi(r)} = 0;`);
      this.hiZero[r] = true;
    } else if (size === 2) {
      this.dirty.add(r);
      this.emit(`${this.lo(r)} = (${this.lo(r)} & ~0xffff) | ((${v}) & 0xffff);`);
    } else if (r < 16) {
      this.dirty.add(r);
      this.emit(`${this.lo(r)} = (${this.lo(r)} & ~0xff) | ((${v}) & 0xff);`);
    } else {
      this.dirty.add(r - 16);
      this.emit(`${this.lo(r - 16)} = (${this.lo(r - 16)} & ~0xff00) | (((${v}) & 0xff) << 8);`);
    }
  }

  write64(r: number, lo: string, hi: string): void {
    this.dirty.add(r);
    this.emit(`${this.lo(r)} = ${lo}; ${this.hi(r)} = ${hi};`);
    this.hiZero[r] = hi === '0';
  }

  /** Emits the effective-address computation of the instruction's memory operand into a temp; returns its name. */
  ea(i: Insn): string {
    const a = this.t();
    const hasB = i.base >= 0, hasX = i.index >= 0;
    const parts: string[] = [];
    if (hasB) parts.push(`(${this.lo(i.base)} >>> 0)`);
    if (hasX) parts.push(i.scale === 1 ? `(${this.lo(i.index)} >>> 0)` : `(${this.lo(i.index)} >>> 0) * ${i.scale}`);
    if (i.disp !== 0 || parts.length === 0) parts.push(String(i.disp));
    const sum = parts.join(' + ');
    const slow = `X.ea(c, ${hasB ? this.lo(i.base) : 0}, ${hasB ? this.hi(i.base) : 0}, ${hasX ? this.lo(i.index) : 0}, ` +
      `${hasX ? this.hi(i.index) : 0}, ${i.scale}, ${i.disp}, ${i.a32}, ${i.seg})`;
    if (i.a32) {
      this.emit(`${a} = (${sum}) >>> 0;`);
      if (i.seg !== SEG_NONE) this.emit(`${a} = ${slow};`);
      return a;
    }
    const hiChecks: string[] = [];
    if (hasB && !this.hiZero[i.base]) hiChecks.push(this.hi(i.base));
    if (hasX && !this.hiZero[i.index]) hiChecks.push(this.hi(i.index));
    const conds = [...(hiChecks.length ? [`(${hiChecks.join(' | ')}) !== 0`] : []), `${a} > 4294967295`];
    if (i.disp < 0) conds.push(`${a} < 0`);
    this.emit(`${a} = ${sum};`);
    if (!(parts.length === 1 && !hasB && !hasX && i.disp >= 0 && i.disp <= 4294967295 && hiChecks.length === 0)) {
      this.emit(`if (${conds.join(' || ')}) ${a} = ${slow};`);
    }
    if (i.seg !== SEG_NONE) this.emit(`${a} = ${slow};`);
    return a;
  }

  /** Reads a size-1/2/4 operand (register, immediate, or memory at `a`). */
  src(i: Insn, k: number, r: number, size: number, a: string | null): string {
    if (k === OP_GPR) return this.readReg(r, size);
    if (k === OP_IMM) return String(size === 4 ? i.imm : size === 2 ? i.imm & 0xffff : i.imm & 0xff);
    const v = this.t();
    this.emit(`${v} = m.read${size * 8}(${a});`);
    return v;
  }

  /** Reads a 64-bit operand into [lo, hi] expressions. */
  src64(i: Insn, k: number, r: number, a: string | null): [string, string] {
    if (k === OP_GPR) return [this.lo(r), this.hi(r)];
    if (k === OP_IMM) return [String(i.imm), String(i.immHi)];
    const lo = this.t(), hi = this.t();
    this.emit(`${lo} = m.read64(${a}); ${hi} = m.hi;`);
    return [lo, hi];
  }

  /** Stores a size-1/2/4 value to a register or memory operand. */
  dst(k: number, r: number, size: number, a: string | null, v: string): void {
    if (k === OP_GPR) this.writeReg(r, size, v);
    else this.emit(`m.write${size * 8}(${a}, ${v});`);
  }

  dst64(k: number, r: number, a: string | null, lo: string, hi: string): void {
    if (k === OP_GPR) this.write64(r, lo, hi);
    else this.emit(`m.write64(${a}, ${lo}, ${hi});`);
  }

  /** Are any of `flags` read after the current instruction? */
  flagsLive(flags: number): boolean {
    return (this.liveAfter[this.k] & flags) !== 0;
  }

  /**
   * Stores the locals to the register file before a handler call (and reloads them after). The
   * set of locals is only known once the whole block is translated, so these are placeholders
   * expanded by generate().
   */
  flush(): void {
    this.emit(FLUSH);
  }
  reload(): void {
    this.emit(RELOAD);
    this.hiZero.fill(false);
    this.anyCall = true;
  }
  anyCall = false;
  writeBack(): string {
    return [...this.dirty].sort((x, y) => x - y).map((r) => `R[${2 * r}] = r${r}l; R[${2 * r + 1}] = r${r}h;`).join(' ');
  }
}

/**
 * Per-instruction arithmetic flags the translation must have recorded before it: iced's list,
 * plus CF for inc/dec (which carry it over lazily), plus every flag before an instruction that
 * can fault or that calls a handler, so a signal handler sees exactly the interpreter's flags.
 */
function flagsReadBy(i: Insn, tpl: Template | undefined): number {
  let f = i.flagsRead & ARITH_FLAGS;
  if (i.mnemonic === Mnemonic.Inc || i.mnemonic === Mnemonic.Dec) f |= CF;
  if (!tpl || i.msize > 0 || i.k0 === OP_MEM || i.k1 === OP_MEM) f |= ARITH_FLAGS;
  return f;
}

/** Flags an instruction certainly overwrites (all of them when they become undefined too). */
function flagsKilledBy(i: Insn, tpl: Template | undefined): number {
  if (!tpl) return 0; // handlers called through the fallback path may leave flags partially defined: be conservative
  return (i.flagsWritten | i.flagsUndefined) & ARITH_FLAGS & ~flagsReadBy(i, tpl);
}

export interface Compiled {
  source: string;
  /** Instructions handled inline vs through handler calls (statistics). */
  inline: number;
  calls: number;
}

/** Translates a block to the source of `function (c) {...}`. */
export function generate(block: Block): Compiled {
  const g = new Gen(block);
  const insns = block.insns;
  const n = insns.length;
  const tpls = insns.map((i) => TEMPLATES.get(i.mnemonic));
  // Backward liveness of the arithmetic flags; everything is live at the block exit.
  g.liveAfter = new Array(n);
  let live = ARITH_FLAGS;
  for (let k = n - 1; k >= 0; k--) {
    g.liveAfter[k] = live;
    live = (live & ~flagsKilledBy(insns[k], tpls[k])) | flagsReadBy(insns[k], tpls[k]);
  }
  const last = insns[n - 1];
  g.loop = last.target === block.addr && (last.cc >= 0 || last.mnemonic === Mnemonic.Jmp) && last.mnemonic !== Mnemonic.Call;

  let inline = 0, calls = 0;
  const body: string[] = [];
  for (let k = 0; k < n; k++) {
    g.k = k;
    const i = insns[k];
    const tpl = tpls[k];
    const start = g.out.length;
    let done = false;
    if (tpl) {
      const mark = g.out.length;
      const saved = g.flags;
      g.emit(`pc = ${k};`);
      done = tpl(g, i, k === n - 1);
      if (!done) { g.out.length = mark; g.flags = saved; }
    }
    if (done) inline++;
    else {
      calls++;
      fallback(g, i, k, k === n - 1);
    }
    void start;
  }
  // A block that ends without a control transfer (page boundary, size limit) falls through.
  if (!endsWithExit(g)) exitTo(g, String(last.next), 1);
  const regs = [...g.used].sort((x, y) => x - y);
  const flushText = regs.map((r) => `R[${2 * r}] = r${r}l; R[${2 * r + 1}] = r${r}h;`).join(' ');
  const reloadText = regs.map((r) => `r${r}l = R[${2 * r}]; r${r}h = R[${2 * r + 1}];`).join(' ');
  for (const line of g.out) body.push(line === FLUSH ? flushText : line === RELOAD ? reloadText : line);

  const decl = regs.map((r) => `r${r}l = R[${2 * r}], r${r}h = R[${2 * r + 1}]`);
  const temps = g.temps.length ? `let ${g.temps.map((t) => `${t} = 0`).join(', ')};` : '';
  const src = [
    `return function blk_${block.addr.toString(16)}(c) {`,
    'const R = c.regs;',
    regs.length ? `let ${decl.join(', ')};` : '',
    temps,
    'let pc = 0;',
    'try {',
    g.loop ? 'for (;;) {' : '',
    ...body,
    g.loop ? '}' : '',
    '} catch (e) {',
    `${writeBackAll(g)}`,
    'return X.fault(c, e, B, pc);',
    '}',
    '};',
  ].filter((l) => l !== '').join('\n');
  return { source: src, inline, calls };
}

function writeBackAll(g: Gen): string {
  // After a handler call every local may differ from R only by later template writes: write back all of them.
  if (g.anyCall) return [...g.used].sort((x, y) => x - y).map((r) => `R[${2 * r}] = r${r}l; R[${2 * r + 1}] = r${r}h;`).join(' ');
  return g.writeBack();
}

function endsWithExit(g: Gen): boolean {
  const lastLine = g.out[g.out.length - 1] ?? '';
  return lastLine.startsWith('return ') || lastLine.includes('/*exit*/');
}

/**
 * Emits an exit to a static target (`slot` = chaining slot 0 or 1): write back, count the
 * instructions executed in this pass, set rip and return the successor block.
 */
export function exitTo(g: Gen, target: string, slot: number): void {
  const n = g.k + 1;
  g.emit(`${g.writeBack()} c.icount += ${n}; c.rip = ${target}; return B.exits[${slot}] || X.link(B, ${slot}, ${target}); /*exit*/`);
}

/** Exit to a dynamic target held in a JS expression (ret, indirect jmp/call). */
export function exitDynamic(g: Gen, target: string): void {
  const n = g.k + 1;
  g.emit(`${g.writeBack()} c.icount += ${n}; c.rip = ${target}; return X.lookup(c.rip); /*exit*/`);
}

/** Loop back-edge: count one pass and continue, unless the slice budget is spent. */
export function loopBack(g: Gen): void {
  const n = g.k + 1;
  g.emit(`c.icount += ${n}; if (c.icount < X.limit) continue; ${g.writeBack()} c.rip = ${g.block.addr}; return B; /*exit*/`);
}

/** Calls the interpreter's handler for an instruction without a template. */
function fallback(g: Gen, i: Insn, k: number, isLast: boolean): void {
  g.emit(`pc = ${k};`);
  g.flush();
  for (const r of g.used) g.dirty.add(r); // the handler may write any register
  if (isLast) g.emit(`c.rip = ${i.next};`);
  g.emit(`I[${k}].exec(c, I[${k}]);`);
  g.flags = null;
  if (isLast) {
    // syscall (and anything that stops the engine) returns to the dispatcher; otherwise the
    // handler may have branched: continue wherever it left rip.
    g.emit(`if (c.exit !== 0) { c.icount += ${k + 1}; return null; }`);
    g.reload();
    g.emit(`c.icount += ${k + 1}; return X.lookup(c.rip); /*exit*/`);
    return;
  }
  g.reload();
  if (i.k0 === OP_MEM || i.k1 === OP_MEM || i.msize > 0) smcCheck(g, i.next, k);
}

/** After a store: if decoded code was invalidated, leave the block at the next instruction. */
export function smcCheck(g: Gen, next: number, k: number): void {
  g.emit(`if (m.codeWritten) { ${g.writeBack()} c.icount += ${k + 1}; c.rip = ${next}; return null; }`);
}
