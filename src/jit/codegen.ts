/**
 * Region -> JavaScript translation (DESIGN "The JIT").
 *
 * The unit of translation is a *region*: a hot block plus the already-decoded blocks reachable
 * from it through direct branches (jcc, jmp, fall-through). A region compiles to one function
 *
 *   function region(c, L) {                 L = guest address of the block to start at
 *     let r0l = R[0], r0h = R[1], ...       registers the region touches live in locals
 *     let fop = c.fop, fa = c.fa, ...       so does the lazy-flags record
 *     let S = IX(L);                        block index: dense, so the switch is a jump table
 *     try {
 *       dispatch: for (;;) switch (S) {
 *         case 0: ...block...; S = 3; continue dispatch;              branches inside the region
 *         case 3: ...; (falls through into the case laid out next)    its last jump (layout.ts)
 *         case 1: for (;;) { ...; continue; }                          a block looping on itself
 *         case 2: ...; S = IX(ret target); continue dispatch;         indirect branches
 *         ...                                                          exits: write back, return successor
 *       }
 *     } catch (e) { write back; c.rip = faulting instruction; ... }
 *   }
 *
 * so loops that span several blocks run inside one JavaScript function, with the guest
 * registers in JavaScript locals that V8 keeps in machine registers.
 *
 * Instructions with a template (templates.ts) become inline JavaScript; their flags are recorded
 * into the local flag record only when some later reader needs them; if a later instruction of
 * the block faults, the catch block writes the skipped record into the Cpu from the operands
 * still held in temporaries, so a signal handler sees the interpreter's exact flags. A
 * cmp/test/sub followed by jcc/setcc/cmovcc becomes a direct JavaScript comparison. Every other
 * instruction calls its interpreter handler with the locals flushed to the Cpu and reloaded
 * afterwards, so both engines share one definition of each instruction. A `syscall` calls the
 * kernel from inside the region and goes on after it when the scheduler allows (emitSyscall);
 * a vDSO entry in the region runs its JavaScript in place (emitNative).
 *
 * Guest bytes never reach the generated source as text: only numbers decoded from them do.
 */
import type { Block } from '../cpu/decode.js';
import type { Insn } from '../cpu/insn.js';
import { OP_GPR, OP_MEM, OP_IMM, OP_XMM, OP_STRMEM, SEG_NONE } from '../cpu/insn.js';
import { NATIVE_ENTRY_READS } from '../cpu/code-cache.js';
import { memoryWritten } from '../cpu/operands.js';
import { ARITH_FLAGS, CF } from '../cpu/flags.js';
import { ONLY_FLAGS_WRITTEN } from '../cpu/bit.js';
import { TEMPLATES, type Template } from './templates.js';
import { readable, writable, lastPage } from './access.js';
import { layOut, type CaseBody } from './layout.js';
import { XmmLocals } from './xmm-locals.js';
import './templates-sse.js';
import './templates-sse-float.js';
import { Mnemonic } from '../cpu/iced.js';

/** What the translator knows about the flags: the last flag writer's operands (JS expressions). */
export interface FlagInfo {
  /**
   * 'sub' (cmp/sub/neg), 'logic' (and/or/xor/test), 'add' (add), 'result' (inc/dec/adc/sbb: only
   * ZF/SF from r), 'bits' (r holds all six flags in RFLAGS layout: comisd/ucomisd).
   */
  kind: 'sub' | 'logic' | 'add' | 'result' | 'bits';
  size: number;
  a: string; b: string; r: string;
  ah?: string; bh?: string; rh?: string;
}

const FLUSH = '\u0001FLUSH';
const RELOAD = '\u0001RELOAD';
const SYNCF = '\u0001SYNCF';
const LOADF = '\u0001LOADF';
const WB = '\u0001WB';
/** Stores of every register the region modifies (the region-wide set, known at the end). */
const FLUSH_DIRTY = '\u0001FLUSHDIRTY';
/** Reloads of rax, rcx and r11 after a syscall, for those the region keeps in locals. */
const SYSCALL_RELOAD = '\u0001SYSRELOAD';
/** Reloads of rax and rsp after a native entry that returned, for those the region keeps in locals. */
const NATIVE_RELOAD = '\u0001NATRELOAD';
/** Stores of the modified registers a native entry reads (emitNative). */
const FLUSH_NATIVE = '\u0001FLUSHNATIVE';
/** Stores of the other modified registers, but those a hooked native entry set (emitNative). */
const WB_NATIVE_EXIT = '\u0001NATEXITWB';
/** Flag-record locals mirroring Cpu.fop/fa/fb/fr/faHi/fbHi/frHi/fcf/rflags. */
const FLAG_LOCALS: [string, string][] = [
  ['fop', 'fop'], ['fa', 'fa'], ['fb', 'fb'], ['fr', 'fr'], ['fah', 'faHi'], ['fbh', 'fbHi'], ['frh', 'frHi'], ['fcf', 'fcf'], ['frf', 'rflags'],
];

export interface Region {
  entry: Block;
  blocks: Block[];
  byAddr: Map<number, Block>;
  /** Formed taking in a switch's cases (engine.ts formRegion `switches`). */
  switched?: boolean;
  /** Retiered with a larger block budget because that closes a loop through the entry (formRegion). */
  closedLoop?: boolean;
}

export class Gen {
  readonly out: string[] = [];
  readonly used = new Set<number>();
  readonly dirty = new Set<number>();
  readonly hiZero: boolean[] = new Array(16).fill(false);
  private tmp = 0;
  readonly temps: string[] = [];
  flags: FlagInfo | null = null;
  /** The flag-record locals are used somewhere in the region. */
  flagLocals = false;
  liveAfter: number[] = [];
  /** Current block and instruction index. */
  block!: Block;
  blockIndex = 0;
  k = 0;
  /** The current block branches to its own start (compiled as an inner loop). */
  selfLoop = false;
  /**
   * The last transfer branchTo emitted to another block of the region: its line in `out`, the
   * block index and the budget test before the jump (generate() may turn it into a fall-through).
   */
  lastTransfer: { line: number; index: number; prefix: string } | null = null;
  anyCall = false;
  /** Static exit targets out of the region -> chaining slot. */
  readonly exitSlots = new Map<number, number>();

  constructor(readonly region: Region) {}

  emit(s: string): void {
    this.xf.seen(s);
    this.out.push(s);
  }

  /** Double lanes of XMM registers kept in locals within the block (xmm-locals.ts). */
  readonly xf = new XmmLocals();

  /** 64-bit lane `lane` of the XMM file (XF index: 2 per register) as a double temp. */
  readXF(lane: number): string {
    const have = this.xf.get(lane);
    if (have !== undefined) return have;
    const d = this.f();
    this.emit(`${d} = XF[${lane}];`);
    this.xf.set(lane, d);
    return d;
  }

  /**
   * Int32 lane `n` of the XMM file (XM index: 4 per register) as an int temp: the block's local
   * for it if it has one (written or read earlier), else a fresh read of the view, kept.
   */
  readXM(n: number): string {
    const have = this.xf.getInt(n);
    if (have !== undefined) return have;
    const t = this.t();
    this.emit(`${t} = XM[${n}];`);
    this.xf.setInt(n, t);
    return t;
  }

  /** Stores the double temp `d` to XMM lane `lane`; `d` keeps the value for the rest of the block. */
  writeXF(lane: number, d: string): void {
    this.emit(`XF[${lane}] = ${d};`);
    this.xf.set(lane, d);
  }

  t(): string {
    const n = `t${this.tmp++}`;
    if (this.tmp > this.temps.length) this.temps.push(n);
    return n;
  }

  /**
   * Temporaries never outlive their block (a compare and its branch, a flags record the
   * block's fault records read), so every block numbers them from t0 again. The function then
   * declares only as many as its largest block needs: V8's graph builder copies the whole
   * register file at every branch, and regions with 450 locals took TurboFan seconds to compile.
   */
  newBlockTemps(): void {
    this.tmp = 0;
    this.ftmp = 0;
  }

  /** A temporary holding a double (its own namespace: a local that is sometimes int32 and sometimes a double would be boxed). */
  f(): string {
    const n = `d${this.ftmp++}`;
    if (this.ftmp > this.ftemps.length) this.ftemps.push(n);
    return n;
  }
  private ftmp = 0;
  readonly ftemps: string[] = [];

  lo(r: number): string {
    this.used.add(r);
    return `r${r}l`;
  }
  hi(r: number): string {
    this.used.add(r);
    return `r${r}h`;
  }

  /** Value of `pc` identifying instruction k of the current block (for fault reporting). */
  pcOf(k: number): number {
    return this.blockIndex * 1024 + k;
  }

  readReg(r: number, size: number): string {
    if (size === 4) return this.lo(r);
    if (size === 2) return `(${this.lo(r)} & 0xffff)`;
    if (r < 16) return `(${this.lo(r)} & 0xff)`;
    return `((${this.lo(r - 16)} >> 8) & 0xff)`;
  }

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

  /** Effective address of the instruction's memory operand into a temp (window-checked); returns its name. */
  ea(i: Insn): string {
    const a = this.t();
    const hasB = i.base >= 0, hasX = i.index >= 0;
    const parts: string[] = [];
    if (hasB) parts.push(`(${this.lo(i.base)} >>> 0)`);
    if (hasX) parts.push(i.scale === 1 ? `(${this.lo(i.index)} >>> 0)` : `(${this.lo(i.index)} >>> 0) * ${i.scale}`);
    if (i.disp !== 0 || parts.length === 0) parts.push(String(i.disp));
    const sum = parts.join(' + ');
    const stack = i.seg === SEG_NONE && (i.base === 4 || i.base === 5);
    const slow = `X.ea(c, ${hasB ? this.lo(i.base) : 0}, ${hasB ? this.hi(i.base) : 0}, ${hasX ? this.lo(i.index) : 0}, ` +
      `${hasX ? this.hi(i.index) : 0}, ${i.scale}, ${i.disp}, ${i.a32}, ${i.seg}, ${memoryWritten(i)}, ${stack})`;
    if (i.a32) {
      this.emit(i.seg !== SEG_NONE ? `${a} = ${slow};` : `${a} = (${sum}) >>> 0;`);
      return a;
    }
    if (i.seg !== SEG_NONE) {
      this.emit(`${a} = ${slow};`);
      return a;
    }
    const hiChecks: string[] = [];
    if (hasB && !this.hiZero[i.base]) hiChecks.push(this.hi(i.base));
    if (hasX && !this.hiZero[i.index]) hiChecks.push(this.hi(i.index));
    this.emit(`${a} = ${sum};`);
    const constant = !hasB && !hasX;
    if (constant && i.disp >= 0 && i.disp <= 4294967295) return a;
    const conds = [...(hiChecks.length ? [`(${hiChecks.join(' | ')}) !== 0`] : []), `${a} > 4294967295`];
    if (i.disp < 0) conds.push(`${a} < 0`);
    this.emit(`if (${conds.join(' || ')}) ${a} = ${slow};`);
    return a;
  }

  src(i: Insn, k: number, r: number, size: number, a: string | null): string {
    if (k === OP_GPR) return this.readReg(r, size);
    if (k === OP_IMM) return String(size === 4 ? i.imm : size === 2 ? i.imm & 0xffff : i.imm & 0xff);
    return this.load(size, a!);
  }

  src64(i: Insn, k: number, r: number, a: string | null): [string, string] {
    if (k === OP_GPR) return [this.lo(r), this.hi(r)];
    if (k === OP_IMM) return [String(i.imm), String(i.immHi)];
    return this.load64(a!);
  }

  /** Before reading a read-modify-write memory destination: fault as a write, before any state changes. */
  probeWrite(a: string, size: number): void {
    const ok = size === 1 ? `(P[${a} >>> 12] & 2) !== 0` : `(P[${a} >>> 12] & P[${lastPage(a, size)}] & 2) !== 0`;
    this.emit(`if (!(${ok})) X.probeWrite(c, ${a}, ${size});`);
  }

  dst(k: number, r: number, size: number, a: string | null, v: string): void {
    if (k === OP_GPR) this.writeReg(r, size, v);
    else this.store(size, a!, v);
  }

  dst64(k: number, r: number, a: string | null, lo: string, hi: string): void {
    if (k === OP_GPR) this.write64(r, lo, hi);
    else this.store64(a!, lo, hi);
  }

  // Memory: the fast path (readable page, no page crossing) is inline; everything else goes
  // through Memory's methods, which fault, handle page-crossing accesses and, for stores into
  // pages holding code, invalidate them (then `sw` makes the instruction's end leave the region).

  load(size: number, a: string): string {
    const v = this.t();
    if (size === 1) this.emit(`${v} = (P[${a} >>> 12] & 1) !== 0 ? U8[${a}] : m.read8(${a});`);
    else {
      const get = size === 2 ? `DV.getUint16(${a}, true)` : `DV.getInt32(${a}, true)`;
      this.emit(`${v} = ${readable(a, size)} ? ${get} : m.read${size * 8}(${a});`);
    }
    return v;
  }

  load64(a: string): [string, string] {
    const lo = this.t(), hi = this.t();
    this.emit(`if (${readable(a, 8)}) { ${lo} = DV.getInt32(${a}, true); ${hi} = DV.getInt32(${a} + 4, true); } else { ${lo} = m.read64(${a}); ${hi} = m.hi; }`);
    return [lo, hi];
  }

  store(size: number, a: string, v: string): void {
    const ok = writable(a, size);
    const put = size === 1 ? `U8[${a}] = ${v};` : size === 2 ? `DV.setUint16(${a}, ${v}, true);` : `DV.setInt32(${a}, ${v}, true);`;
    this.emit(`if (${ok}) ${put} else { m.write${size * 8}(${a}, ${v}); sw = true; }`);
    this.stores = true;
  }

  store64(a: string, lo: string, hi: string): void {
    this.emit(`if (${writable(a, 8)}) { DV.setInt32(${a}, ${lo}, true); DV.setInt32(${a} + 4, ${hi}, true); } else { m.write64(${a}, ${lo}, ${hi}); sw = true; }`);
    this.stores = true;
  }
  /** The region stores to memory (declares `sw`). */
  stores = false;
  /** Templates access the XMM registers (declares `XM`). */
  xmm = false;
  /** The region publishes its instruction count mid-way (emitSyscall, emitNative): `lim` moves. */
  syscalls = false;
  /** Templates compute on XMM floats (declares the views `XF`, `XS`). */
  xmmFloat = false;
  /**
   * The current block's inline SSE arithmetic leaves through a side exit when its fast path
   * does not apply (fpRetry), so the code after it may rely on what the tests established
   * (xmm-locals.ts `normal`, `mxcsrFast`); false once the block was recompiled with Block.fpMerge.
   */
  fpExit = true;

  flagsLive(flags: number): boolean {
    return (this.liveAfter[this.k] & flags) !== 0;
  }

  /**
   * A template wrote the arithmetic flags as the lazy record (fop, a, b, r [, hi halves] [, carry]).
   * If a later instruction reads them the record goes into the flag locals now; otherwise it is
   * only kept for the fault path (pendingFault), where the catch block writes it into the Cpu if
   * a later instruction of the block faults, so a signal handler still sees exact flags.
   */
  lazyFlags(live: boolean, fop: number, a: string, b: string, r: string, ah?: string, bh?: string, rh?: string, cf?: string): void {
    const pairs: [string, string, string][] = [['fop', 'fop', String(fop)], ['fa', 'fa', a], ['fb', 'fb', b], ['fr', 'fr', r]];
    if (ah !== undefined) pairs.push(['fah', 'faHi', ah], ['fbh', 'fbHi', bh!], ['frh', 'frHi', rh!]);
    if (cf !== undefined) pairs.push(['fcf', 'fcf', cf]);
    if (live) {
      this.flagLocals = true;
      for (const [l] of pairs) this.flagsAssigned.add(l);
      this.emit(pairs.map(([l, , v]) => `${l} = ${v};`).join(' '));
      this.pendingFault = null;
    } else {
      this.pendingFault = pairs.map(([, f, v]) => `c.${f} = ${v};`).join(' ');
    }
  }

  /** Like lazyFlags, for records that need the carry flag before the instruction (inc, dec). */
  lazyFlagsWithCarryIn(live: boolean, fop: number, cfLive: () => string, a: string, b: string, r: string, ah?: string, bh?: string, rh?: string): void {
    if (live) {
      this.lazyFlags(true, fop, a, b, r, ah, bh, rh, cfLive());
      return;
    }
    const prev = this.pendingFault ?? '';
    this.lazyFlags(false, fop, a, b, r, ah, bh, rh);
    this.pendingFault = `${prev} c.fcf = X.getCF(c); ${this.pendingFault}`;
  }

  /** Eager flags computed by a semantic function on the Cpu (shifts): `call` is its invocation. */
  eagerFlags(live: boolean, call: string, result: string): string {
    if (live) {
      this.syncFlags();
      this.emit(result ? `${result} = ${call};` : `${call};`);
      this.loadFlags();
      this.pendingFault = null;
      return result;
    }
    // After the record still pending, if any: the call may keep some of the flags it left
    // (bsf keeps all but ZF, a shift keeps AF), so the fault path must apply both, in order.
    this.pendingFault = `${this.pendingFault ?? ''} ${call};`;
    return '';
  }

  /** Record code for the fault path of the instruction being translated (null: the locals are exact). */
  pendingFault: string | null = null;
  /** catch-block cases: pc -> flags record to apply before reporting the fault. */
  readonly faultRecords: string[] = [];

  /** Marks instruction k as a potential fault site (after its `pc = ...`). */
  faultSite(k: number): void {
    if (this.pendingFault) this.faultRecords.push(`case ${this.pcOf(k)}: ${this.pendingFault} break;`);
  }

  /** Flag locals assigned by templates (only these can differ from the Cpu at an exit). */
  readonly flagsAssigned = new Set<string>();
  /** A handler call or runtime helper needs every flag local synchronised. */
  allFlags = false;

  /** Flag locals -> Cpu (before handler calls and runtime helpers that read c's flags). */
  syncFlags(): void {
    this.emit(SYNCF);
  }
  /** Cpu -> flag locals (after something changed c's flags). */
  loadFlags(): void {
    this.flagLocals = true;
    this.allFlags = true;
    this.emit(LOADF);
  }

  flush(): void {
    this.emit(FLUSH);
  }
  reload(): void {
    this.emit(RELOAD);
    this.hiZero.fill(false);
    this.anyCall = true;
  }
  /**
   * Stores the registers the region modifies. Control may have passed through other blocks of
   * the region before reaching an exit, so this is the region-wide set, known only at the end:
   * a placeholder expanded by generate().
   */
  writeBack(): string {
    return WB;
  }

  /** Chaining slot for a static exit target outside the region. */
  slotFor(target: number): number {
    let s = this.exitSlots.get(target);
    if (s === undefined) this.exitSlots.set(target, (s = this.exitSlots.size));
    return s;
  }
}

const SHIFTS = new Set([Mnemonic.Shl, Mnemonic.Sal, Mnemonic.Shr, Mnemonic.Sar, Mnemonic.Rol, Mnemonic.Ror, Mnemonic.Rcl, Mnemonic.Rcr]);

/**
 * `pc = k` before an instruction exists only for the region's catch (which instruction faulted,
 * with which lazy flags), so it is left out where the instruction's code cannot throw: no memory
 * operand, no control transfer, and no call other than Math's in what its template emitted
 * (pure arithmetic on locals). V8 keeps every value of a variable the catch reads alive at each
 * point that may throw; dropping ~half of these stores made the kernels 6% faster (geomean of
 * an alternated A/B, 4 rounds; bytecode 0.76, n-body 0.86).
 */
function isTransfer(i: Insn): boolean {
  return i.mnemonic === Mnemonic.Ret || i.mnemonic === Mnemonic.Jmp || i.mnemonic === Mnemonic.Call;
}
/** A call in generated code (a name or member chain followed by `(`), not a keyword. */
const CALL = /(?<![\w$])(?!if\b|for\b|while\b|switch\b)[\w$.\]\[]+\s*\(/;
const MATH_CALL = /Math\.\w+\(/g;
/** Some line of out[from..] calls a function other than Math's (which cannot throw). */
function callsOut(out: string[], from: number): boolean {
  for (let k = from; k < out.length; k++) {
    if (CALL.test(out[k].replace(MATH_CALL, ''))) return true;
  }
  return false;
}
export function mayFault(i: Insn): boolean {
  // lea and the long nops have a memory operand they never access.
  if (i.mnemonic === Mnemonic.Lea || i.mnemonic === Mnemonic.Nop) return false;
  return i.msize > 0 || i.k0 === OP_MEM || i.k1 === OP_MEM || i.k0 === OP_STRMEM;
}

/**
 * Arithmetic flags that must be recorded before an instruction: those it reads (iced's list,
 * plus CF for inc/dec which carry it over), and all of them before an instruction that may fault
 * or that calls a handler.
 */
function flagsReadBy(i: Insn, tpl: Template | undefined): number {
  let f = i.flagsRead & ARITH_FLAGS;
  if (i.mnemonic === Mnemonic.Inc || i.mnemonic === Mnemonic.Dec) f |= CF;
  if (!tpl) f |= ARITH_FLAGS; // handlers read the Cpu's flags (and may fault)
  return f;
}

function flagsKilledBy(i: Insn, tpl: Template | undefined): number {
  if (!tpl) return 0;
  // A shift by CL leaves the flags alone when CL is 0: it may write them, it never surely does.
  if (i.nops === 2 && i.k1 === OP_GPR && SHIFTS.has(i.mnemonic)) return 0;
  // Undefined flags count as written, except where the semantics keep them (bit.ts).
  const only = ONLY_FLAGS_WRITTEN.get(i.mnemonic);
  return (only ?? (i.flagsWritten | i.flagsUndefined)) & ARITH_FLAGS & ~flagsReadBy(i, tpl);
}

export interface Compiled {
  source: string;
  inline: number;
  calls: number;
}

/** Translates a region to the source of a factory body returning `function (c, L) {...}`. */
export function generate(region: Region): Compiled {
  const g = new Gen(region);
  let inline = 0, calls = 0;
  const bodies: CaseBody[] = [];
  region.blocks.forEach((block, bi) => {
    g.block = block;
    g.blockIndex = bi;
    g.out.length = 0;
    g.hiZero.fill(false);
    g.flags = null;
    g.pendingFault = null;
    g.lastTransfer = null;
    g.newBlockTemps();
    g.xf.clear();
    g.fpExit = !block.fpMerge;
    const insns = block.insns;
    const n = insns.length;
    const tpls = insns.map((i) => TEMPLATES.get(i.mnemonic));
    g.liveAfter = new Array(n);
    let live = ARITH_FLAGS; // everything is live where the block ends
    for (let k = n - 1; k >= 0; k--) {
      g.liveAfter[k] = live;
      live = (live & ~flagsKilledBy(insns[k], tpls[k])) | flagsReadBy(insns[k], tpls[k]);
    }
    const last = insns[n - 1];
    g.selfLoop = loopsOnItself(block);
    for (let k = 0; k < n; k++) {
      g.k = k;
      const i = insns[k];
      const tpl = tpls[k];
      let done = false;
      if (tpl) {
        const mark = g.out.length;
        const saved: FlagInfo | null = g.flags;
        const savedPending: string | null = g.pendingFault, savedRecords = g.faultRecords.length, savedXf = g.xf.snapshot();
        g.emit(`pc = ${g.pcOf(k)};`);
        if (mayFault(i) || isTransfer(i)) g.faultSite(k);
        done = tpl(g, i, k === n - 1);
        if (!done) { g.out.length = mark; g.flags = saved; g.pendingFault = savedPending; g.faultRecords.length = savedRecords; g.xf.restore(savedXf); }
        else if (!mayFault(i) && !isTransfer(i) && !callsOut(g.out, mark + 1)) {
          g.out.splice(mark, 1); // cannot throw: no `pc`
          const lt = g.lastTransfer as Gen['lastTransfer']; // (set by templates: not narrowed to null)
          if (lt !== null && lt.line > mark) lt.line--;
        }
      }
      if (done) inline++;
      else { calls++; fallback(g, i, k, k === n - 1); }
    }
    if (!endsWithExit(g)) branchTo(g, last.next);
    const t = g.lastTransfer as Gen['lastTransfer']; // (set by branchTo: not narrowed to null)
    bodies.push({
      lines: [`case ${bi}: { // 0x${block.addr.toString(16)}`, ...(g.selfLoop ? ['for (;;) {'] : []), 'bc++;', ...g.out, ...(g.selfLoop ? ['}'] : []), '}'],
      selfLoop: g.selfLoop,
      tail: t !== null && t.line === g.out.length - 1 ? { index: t.index, prefix: t.prefix } : null,
    });
  });
  const cases = layOut(bodies);

  // Register write-backs and reloads: the locals of `rs` into the Cpu, or back.
  const store = (rs: Iterable<number>) => [...rs].sort((x, y) => x - y).map((r) => `R[${2 * r}] = r${r}l; R[${2 * r + 1}] = r${r}h;`).join(' ');
  const load = (rs: Iterable<number>) => [...rs].sort((x, y) => x - y).map((r) => `r${r}l = R[${2 * r}]; r${r}h = R[${2 * r + 1}];`).join(' ');
  const regs = [...g.used].sort((x, y) => x - y);
  const flushText = store(regs);
  const reloadText = load(regs);
  // Flag locals: all of them when handlers or helpers read/write the Cpu's record, else only the
  // fields templates assign (the others still equal the Cpu's).
  const flagSet = g.allFlags ? FLAG_LOCALS : FLAG_LOCALS.filter(([l]) => g.flagsAssigned.has(l));
  const syncText = flagSet.map(([l, f]) => `c.${f} = ${l};`).join(' ');
  const loadText = flagSet.map(([l, f]) => `${l} = c.${f};`).join(' ');
  const dirtyText = store(g.dirty);
  const sysReloadText = load(SYSCALL_CHANGED.filter((r) => g.used.has(r)));
  const nativeReloadText = load(NATIVE_CHANGED.filter((r) => g.used.has(r)));
  const flushNativeText = store([...g.dirty].filter((r) => NATIVE_ENTRY_READS.includes(r)));
  const wbNativeExitText = store([...g.dirty].filter((r) => !NATIVE_ENTRY_READS.includes(r) && !NATIVE_HOOKED_SETS.includes(r)));
  const wbText = g.anyCall ? flushText : dirtyText;
  const expand = (line: string): string => {
    if (line === FLUSH) return flushText;
    if (line === RELOAD) return reloadText;
    if (line === SYNCF) return syncText;
    if (line === LOADF) return loadText;
    if (line === FLUSH_DIRTY) return dirtyText;
    if (line === SYSCALL_RELOAD) return sysReloadText;
    if (line === NATIVE_RELOAD) return nativeReloadText;
    if (line === FLUSH_NATIVE) return flushNativeText;
    // Every exit also publishes the number of blocks executed in this call (`bc`).
    return line.replaceAll(SYNCF, syncText).replaceAll(WB_NATIVE_EXIT, wbNativeExitText).replaceAll(WB, wbText).replaceAll('c.icount += ic', 'c.blocks += bc; c.icount += ic');
  };
  const decl = regs.map((r) => `r${r}l = R[${2 * r}], r${r}h = R[${2 * r + 1}]`);
  const flagDecl = flagSet.length ? `let ${flagSet.map(([l, f]) => `${l} = c.${f}`).join(', ')};` : '';
  const allTemps = [...g.temps.map((t) => `${t} = 0`), ...g.ftemps.map((t) => `${t} = 0.5`)];
  const temps = allTemps.length ? `let ${allTemps.join(', ')};` : '';
  const catchWriteBack = wbText;
  const src = [
    // One slot more than the exits: the last is primeExit's (engine.ts), reached with L = -2 (S = -2).
    `const EX = new Array(${g.exitSlots.size + 1}).fill(null);`,
    'const P = m.prot, U8 = m.u8, DV = m.dv;',
    // Guest address -> block index, for entries and indirect branches (sparse: a binary search).
    // (Addresses as int32: no heap numbers for those from 2^31 up, exitDynamic.)
    `function IX(a) { switch (a) { ${region.blocks.map((b, k) => `case ${b.addr | 0}: return ${k};`).join(' ')} } return -1; }`,
    `return function region_${region.entry.addr.toString(16)}(c, L) {`,
    'const R = c.regs;',
    g.xmm ? 'const XM = c.xmm;' : '',
    g.xmmFloat ? 'const XF = c.xmmF64, XS = c.xmmF32;' : '',
    g.stores ? 'let sw = false;' : '',
    regs.length ? `let ${decl.join(', ')};` : '',
    flagDecl,
    temps,
    // ie: the instructions of the block an exit leaves from, added once at the common exit.
    // An `ic += n` on each exit path was an operation V8 had no type feedback for until that
    // exit first ran (a loop's end), and it deoptimised the whole region there (qsort: 4 of
    // its 16 region deopts).
    'let pc = 0, ic = 0, ie = 0, bc = 0, xs = -1;',
    // A syscall continuing in the region moves the budget's origin (emitSyscall).
    `${g.syscalls ? 'let' : 'const'} lim = X.limit - c.icount;`,
    // L < 0: engine.ts primeExit's pseudo-addresses -1 and -2, which reach the default case.
    // (S stays a small integer, as the switch wants: `S = L` made the inner loop ~15% slower.)
    'let S = L < 0 ? (L === -2 ? -2 : -1) : IX(L | 0), J = 0;',
    'try {',
    'dispatch: for (;;) switch (S) {',
    ...cases.map(expand),
    // S, not L: L holds addresses from 2^31 up as doubles (the vDSO's), and a test on it that
    // had only seen small integers deoptimised the region when a slice ended on such a jump.
    `default: xs = S === -2 ? ${g.exitSlots.size} : -1; break dispatch;`,
    '}',
    // The one exit of the region: every leaving path sets L (next guest address) and xs
    // (how to find its block: a chaining slot, -1 lookup, -2 none after self-modifying code).
    `${wbText} ${syncText} c.blocks += bc; c.icount += ic + ie; c.rip = L;`,
    'if (xs >= 0) return EX[xs] || (EX[xs] = X.link(L));',
    'return xs === -1 ? X.lookup(L) : null;',
    '} catch (e) {',
    `${catchWriteBack} ${syncText} c.blocks += bc; c.icount += ic;`,
    ...(g.faultRecords.length ? ['switch (pc) {', ...g.faultRecords, '}'] : []),
    'return X.fault(c, e, BLOCKS[pc >> 10], pc & 1023);',
    '}',
    '};',
  ].filter((l) => l !== '').join('\n');
  return { source: src, inline, calls };
}

/**
 * The block's last instruction branches back to its own start: generate() compiles it as an
 * inner `for` loop, and region forming (engine.ts growRegion) keeps it, once compiled, out of
 * later regions.
 */
export function loopsOnItself(b: Block): boolean {
  const last = b.insns[b.insns.length - 1];
  return last.target === b.addr && (last.cc >= 0 || last.mnemonic === Mnemonic.Jmp);
}

function endsWithExit(g: Gen): boolean {
  const lastLine = g.out[g.out.length - 1] ?? '';
  return lastLine.includes('/*exit*/');
}

/**
 * Control transfer to a static guest address: inside the region it is a jump to that case (the
 * current block's own start continues its inner loop); outside it leaves the function.
 * Instructions executed so far are counted, and the slice budget is checked at every transfer.
 */
export function branchTo(g: Gen, target: number): void {
  const n = g.k + 1;
  const budgetExit = `{ L = ${target}; xs = -1; break dispatch; }`;
  if (g.selfLoop && target === g.block.addr) {
    g.emit(`ic += ${n}; if (ic >= lim) ${budgetExit} continue; /*exit*/`);
    return;
  }
  const index = g.region.blocks.indexOf(g.region.byAddr.get(target)!);
  if (index >= 0) {
    const prefix = `ic += ${n}; if (ic >= lim) ${budgetExit}`;
    g.emit(`${prefix} S = ${index}; continue dispatch; /*exit*/`);
    g.lastTransfer = { line: g.out.length - 1, index, prefix };
    return;
  }
  const slot = g.slotFor(target);
  g.emit(`ie = ${n}; L = ${target}; xs = ${slot}; break dispatch; /*exit*/`);
}

/**
 * Exit to a dynamic target held in a JS expression (ret, indirect jmp/call): through the
 * dispatch switch, so a target inside the region (a return site, a jump-table case) continues
 * in this function and anything else leaves it in the `default:` case. The target goes to L
 * only when it leaves: L is live around the whole loop, where V8 keeps it as a tagged value,
 * so a target from 2^31 up (the vDSO's) stored there on every iteration was a heap number
 * allocated per iteration (the vDSO benchmark loop: 16 of its 96 bytes per call). IX takes
 * the address as an int32 for the same reason; a target beyond the 4 GiB window is in no region.
 */
export function exitDynamic(g: Gen, target: string): void {
  const n = g.k + 1;
  g.emit(`ic += ${n}; J = ${target}; S = ic >= lim || J > 4294967295 ? -1 : IX(J | 0); if (S < 0) L = J; continue dispatch; /*exit*/`);
}

/**
 * SSE instructions (operands xmm/memory/immediate, plus a general register as a source or as
 * the destination) that neither read nor write flags: their handler reads only the registers of
 * the address and the GPR operands, and writes at most the GPR destination. Such a call needs
 * no full flush/reload of the region's locals and flags (memcpy/strlen/libm run on these).
 */
function lightCallRegs(i: Insn): { reads: number[]; writes: number } | null {
  if ((i.flagsRead | i.flagsWritten | i.flagsUndefined) !== 0 || i.nops === 0) return null;
  const kinds = [i.k0, i.k1, i.k2, i.k3].slice(0, i.nops);
  const regs = [i.r0, i.r1, i.r2, i.r3];
  if (!kinds.includes(OP_XMM)) return null;
  const reads: number[] = [];
  let writes = -1;
  for (let n = 0; n < kinds.length; n++) {
    const kind = kinds[n];
    if (kind === OP_GPR) {
      if (regs[n] >= 16) return null; // AH..BH: never an SSE operand
      if (n === 0) writes = regs[n];
      else reads.push(regs[n]);
    } else if (kind !== OP_XMM && kind !== OP_MEM && kind !== OP_IMM) return null;
  }
  if (i.msize > 0 || kinds.includes(OP_MEM)) {
    if (i.base >= 0) reads.push(i.base);
    if (i.index >= 0) reads.push(i.index);
  }
  if (i.mnemonic === Mnemonic.Maskmovdqu) reads.push(7); // stores to [rdi]
  return { reads, writes };
}

/**
 * The handler call of a flag-free SSE instruction (lightCallRegs), after its `pc`: writes back
 * only the GPRs it reads, reloads only the one it writes. Also the slow path of the inline SSE
 * floating-point templates (templates-sse-float.ts). Returns false for other instructions.
 */
export function emitLightCall(g: Gen, i: Insn, k: number): boolean {
  const light = lightCallRegs(i);
  if (!light) return false;
  if (FALLBACK_PROFILE) g.emit(`X.countFallback(I[${g.blockIndex}][${k}], 0);`);
  g.emit([...new Set(light.reads)].map((r) => `R[${2 * r}] = ${g.lo(r)}; R[${2 * r + 1}] = ${g.hi(r)};`).join(' '));
  g.emit(`I[${g.blockIndex}][${k}].exec(c, I[${g.blockIndex}][${k}]);`);
  if (light.writes >= 0) {
    const r = light.writes;
    g.emit(`${g.lo(r)} = R[${2 * r}]; ${g.hi(r)} = R[${2 * r + 1}];`);
    g.dirty.add(r);
    g.hiZero[r] = false;
  }
  if (mayFault(i)) smcCheckAfterCall(g, i.next, k);
  return true;
}

/**
 * X64RUN_JIT_PROFILE=1: generated code counts the instructions it hands to their interpreter
 * handler, and the process prints the hottest at exit (runtime.ts countFallback). A tuning aid:
 * it shows which templates a workload is missing.
 */
const FALLBACK_PROFILE = typeof process !== 'undefined' && process.env.X64RUN_JIT_PROFILE === '1';

/** Calls the interpreter's handler for an instruction without a template. */
function fallback(g: Gen, i: Insn, k: number, isLast: boolean): void {
  if (!isLast && lightCallRegs(i)) {
    g.emit(`pc = ${g.pcOf(k)};`);
    g.faultSite(k);
    emitLightCall(g, i, k);
    return;
  }
  g.emit(`pc = ${g.pcOf(k)};`);
  if (isLast && i.mnemonic === Mnemonic.Syscall) {
    emitSyscall(g, i, k);
    return;
  }
  if (g.block.native) {
    emitNative(g, i, k);
    return;
  }
  if (isLast) {
    if (FALLBACK_PROFILE) g.emit(`X.countFallback(I[${g.blockIndex}][${k}], 1);`);
    callWithState(g);
    g.emit(`c.rip = ${i.next};`);
    g.emit(`I[${g.blockIndex}][${k}].exec(c, I[${g.blockIndex}][${k}]);`);
    g.flags = null;
    // The handler may stop the engine (syscall) or branch: leave the region either way.
    g.emit(`c.icount += ic + ${k + 1}; return c.exit !== 0 ? null : X.lookup(c.rip); /*exit*/`);
    return;
  }
  emitHandlerCall(g, i, k);
}

/**
 * `syscall` (system.ts enterSyscall: rcx, r11, the request for the kernel) and the kernel itself,
 * both through X.sys, and, when the scheduler lets the thread go on (the call did not block, no
 * signal is pending, the slice has budget left: Scheduler.syscallFromCompiledCode), the code
 * after it, in this region. Leaving the region for every syscall and entering it again cost
 * about half of an emulated gettid (bench/syscall-hooks.mjs). The retired instructions are
 * published first: the kernel reads them (deterministic time, the slice's end).
 */
function emitSyscall(g: Gen, i: Insn, k: number): void {
  if (FALLBACK_PROFILE) g.emit(`X.countFallback(I[${g.blockIndex}][${k}], 1);`);
  // The kernel may read any register (clone copies them all, signal frames save them): every
  // register the region modifies goes to the Cpu, with the flags (r11 gets RFLAGS).
  g.syscalls = true;
  g.emit(FLUSH_DIRTY);
  g.syncFlags();
  g.emit(`c.rip = ${i.next};`);
  g.flags = null;
  // ic restarts so that branchTo's `ic += k + 1` below counts nothing twice.
  g.emit(`ic += ${k + 1}; c.icount += ic; lim -= ic; ic = ${-(k + 1)}; bc = 0;`);
  g.emit(`if (!X.sys(c, ${i.next})) return null;`);
  // Going on, only rax (the result), rcx and r11 (the instruction's) can differ from the
  // locals: the calls that replace the register file (rt_sigreturn, execve) make X.sys false,
  // and the flags stay as they were.
  g.emit(SYSCALL_RELOAD);
  for (const r of SYSCALL_CHANGED) g.hiZero[r] = false;
  branchTo(g, i.next);
}

/** Registers a syscall that lets compiled code go on may change (emitSyscall). */
const SYSCALL_CHANGED = [0, 1, 11];

/**
 * A native entry block (the vDSO's functions, Block.native): its JavaScript reads the argument
 * registers and the stack, writes memory, rax and rsp (its `ret`), and sets rip to the return
 * address, which usually is a block of this region: the call then never leaves the region.
 * A hooked entry asks for the real syscall instead (c.exit): it sets rax, rcx and r11 (the
 * syscall instruction's) and rip to the image's `ret`, and the region leaves, as the
 * interpreter would, writing back the other registers first. Only the registers the entries
 * read are stored before the call (code-cache.ts NATIVE_ENTRY_READS), not all those the region
 * modified (18 in the syscall benchmark's vDSO loop); a fault in the entry writes back
 * everything in the region's catch.
 */
function emitNative(g: Gen, i: Insn, k: number): void {
  g.emit(FLUSH_NATIVE);
  g.syncFlags(); // a hooked entry puts RFLAGS in r11
  // The retired instructions are published first, as for a syscall: deterministic mode's clock
  // is the instruction count, and reads it here as it does under the interpreter.
  g.syscalls = true;
  g.emit(`${k ? `ic += ${k}; ` : ''}c.icount += ic; lim -= ic; ic = ${-k}; bc = 0;`);
  g.emit(`I[${g.blockIndex}][${k}].exec(c, I[${g.blockIndex}][${k}]);`);
  g.emit(`if (c.exit !== 0) { ${WB_NATIVE_EXIT} c.icount += ic + ${k + 1}; return null; }`);
  g.emit(NATIVE_RELOAD);
  for (const r of NATIVE_CHANGED) g.hiZero[r] = false;
  // A store of the entry's into decoded code (a timespec next to code) leaves the region at
  // the return address, not at i.next (the entry's address + 1, where it used to go on).
  smcCheckAfterCall(g, 'c.rip', k);
  exitDynamic(g, 'c.rip');
}

/** Registers a native entry that returns changes: rax and rsp (emitNative). */
const NATIVE_CHANGED = [0, 4];
/** Registers a hooked native entry sets before the region leaves: rax, rcx, r11 (emitNative). */
const NATIVE_HOOKED_SETS = [0, 1, 11];

/** Before a handler that may read or write anything: the Cpu gets every register and the flags. */
function callWithState(g: Gen): void {
  g.flush();
  g.syncFlags();
  g.flagLocals = true;
  g.allFlags = true;
  for (const r of g.used) g.dirty.add(r);
  g.anyCall = true;
}

/**
 * A full call of instruction k's handler in the middle of a block (after its `pc`): registers
 * and flags written back before, reloaded after. Also the slow path of templates whose
 * instruction writes flags (comisd/ucomisd in templates-sse-float.ts).
 */
export function emitHandlerCall(g: Gen, i: Insn, k: number): void {
  if (FALLBACK_PROFILE) g.emit(`X.countFallback(I[${g.blockIndex}][${k}], 0);`);
  callWithState(g);
  g.emit(`I[${g.blockIndex}][${k}].exec(c, I[${g.blockIndex}][${k}]);`);
  g.flags = null;
  g.reload();
  g.loadFlags();
  if (mayFault(i)) smcCheckAfterCall(g, i.next, k);
}

/**
 * At the end of an instruction that stored through the slow path: if decoded code was
 * invalidated, leave the region at the next instruction (the code after it may be stale).
 */
export function smcCheck(g: Gen, next: number, k: number): void {
  g.stores = true;
  g.emit(`if (sw) { sw = false; if (m.codeWritten) { ie = ${k + 1}; L = ${next}; xs = -2; break dispatch; } }`);
}

/**
 * After a handler call that may have stored: same check, unconditionally. `next`: where the
 * guest goes on (a native entry's is its return address, `c.rip`).
 */
function smcCheckAfterCall(g: Gen, next: number | string, k: number): void {
  g.emit(`if (m.codeWritten) { ie = ${k + 1}; L = ${next}; xs = -2; break dispatch; }`);
}
