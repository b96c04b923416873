/**
 * Runtime support called from generated block code (the `X` object every compiled block closes
 * over). Everything here is cold or shared: exact effective addresses outside the fast path,
 * fault conversion, successor linking, and the instruction semantics the templates call.
 */
import type { Cpu } from '../cpu/state.js';
import type { Block } from '../cpu/decode.js';
import type { Insn } from '../cpu/insn.js';
import { disassemble } from '../cpu/decode-format.js';
import type { CodeCache } from '../cpu/code-cache.js';
import { checkAddress, probeWrite } from '../cpu/operands.js';
import { generalProtection } from '../cpu/exceptions.js';
import { fault, runBlockFrom } from '../cpu/interpreter.js';
import { enterSyscall } from '../cpu/system.js';
import { cond, getCF } from '../cpu/flags.js';
import * as alu from '../cpu/alu.js';
import * as shift from '../cpu/shift.js';
import { scanFlags } from '../cpu/bit.js';
import { imul64Flags } from '../cpu/muldiv.js';
import { mulU32, r64, ctz32, shl64, shr64, sar64 } from '../cpu/int64.js';
import { misalignedSse } from '../cpu/sse/vec.js';
import { twoSumErr, twoProdErr, MIN_FAST64, MAX_FAST64 } from '../cpu/sse/softfloat.js';

/** What compiled code calls for a syscall (implemented by the Scheduler). */
export interface KernelGate {
  syscallFromCompiledCode(c: Cpu): boolean;
}

/**
 * V8 type feedback for imul64Flags's rare path (products within 0.3% of 2^63 multiply out in
 * full), which compiled regions inline: a region optimised before any such product deoptimised
 * at its first one ("insufficient type feedback for call"), and after such a deopt V8 could keep
 * entering the region's loop through its on-stack-replacement code at every slice instead of
 * optimising the function again (bytecode kernel, traced: 8418 OSR entries, one per slice, and
 * 1.5x the time of runs with ~100).
 */
for (let k = 0; k < 256; k++) {
  const x = k & 1 ? 3037000500 | 0 : 3037000499 | 0; // x * x is just above (below) 2^63
  imul64Flags(x, 0, x, 0, 0, 0);
  imul64Flags(k, 0, 31, 0, k * 31, 0);
}

/** What fpRetry has compiled code throw (a constant: no allocation, no stack trace). */
export const FP_RETRY = { fpRetry: true } as const;
/**
 * Fast-path misses of a block's inline SSE arithmetic before it is compiled again with the slow
 * path inline (Block.fpMerge). A miss costs a region exit and an interpreted block tail; a
 * recompile, a new region V8 must optimise again. Code that misses at all usually misses in
 * every iteration (denormal data, FTZ/DAZ), so a few dozen tell.
 */
export const FP_RETRY_LIMIT = 64;

const scratch = new ArrayBuffer(8);
const SCRATCH = { i32: new Int32Array(scratch), f32: new Float32Array(scratch), f64: new Float64Array(scratch) };

export class JitRuntime {
  /** Instruction count at which compiled loops must return to the dispatcher. */
  limit = 0;
  /** Semantic functions shared with the interpreter (one definition per instruction). */
  readonly alu = alu;
  readonly shift = shift;
  readonly cond = cond;
  readonly scanFlags = scanFlags;
  /** softfloat.ts's TwoProduct, for the inline SSE multiplication's PE test. */
  readonly twoProdErr = twoProdErr;
  /** int64.ts's trailing-zero count (bsf). */
  readonly ctz32 = ctz32;
  /** int64.ts's 64-bit shift values (shifts by cl with dead flags): low half returned, high half in r64.hi. */
  readonly shiftValue64 = { shl: shl64, shr: shr64, sar: sar64 };
  readonly r64 = r64;

  /** Second result of helpers returning 64-bit values (the high half). */
  hi = 0;

  constructor(readonly cache: CodeCache) {}

  /**
   * Runs the syscall compiled code just trapped with (codegen.ts emitSyscall): the scheduler,
   * which answers true when the thread may go on in compiled code. Without it (an Engine driven
   * by something else) the compiled code leaves with Exit.Syscall as the interpreter does. An
   * object with a method rather than a closure: every run has its own scheduler, and a call
   * site that saw several closures would stop being inlined; one class stays monomorphic.
   */
  kernelGate: KernelGate | null = null;

  /** The `syscall` instruction at its end (`next`: its return address), then the kernel. */
  sys(c: Cpu, next: number): boolean {
    enterSyscall(c, next);
    const k = this.kernelGate;
    return k !== null && k.syscallFromCompiledCode(c);
  }

  /** #GP of a misaligned 16-byte SSE operand (the same fault the handlers raise). */
  misalignedSse(): never {
    return misalignedSse();
  }

  /**
   * The inline SSE arithmetic's answer to "was this result rounded?" while MXCSR.PE is still
   * clear (templates-sse-float.ts): sets PE when the exact result of `a op b` (op 0 add, 1 sub,
   * 2 mul, 3 div, 4 sqrt of b) differs from r, and returns true; returns false when it cannot
   * tell cheaply (the template then runs the handler). Operands and r are finite normals or
   * zeros. Error-free transformations: TwoSum for add/sub, Dekker's TwoProduct for the others
   * (valid away from overflow and underflow, hence the range checks). `single`: r is the float
   * rounding of the double result (inexact if either rounding lost something).
   */
  pe(c: Cpu, op: number, a: number, b: number, r: number, single: boolean): boolean {
    let d = r;
    if (single) {
      // The double result, before Math.fround (recomputed: exact for mul).
      d = op === 0 ? a + b : op === 1 ? a - b : op === 2 ? a * b : op === 3 ? a / b : Math.sqrt(b);
      if (Math.fround(d) !== d) { c.mxcsr |= 0x20; return true; }
    }
    let inexact: boolean;
    if (op === 0 || op === 1) {
      inexact = twoSumErr(a, op === 1 ? -b : b, d) !== 0;
    } else if (op === 2) {
      if (a === 0 || b === 0) return true;
      const ma = Math.abs(a), mb = Math.abs(b), md = Math.abs(d);
      if (ma >= MAX_FAST64 || mb >= MAX_FAST64 || md <= MIN_FAST64 || md >= MAX_FAST64) return false;
      inexact = twoProdErr(a, b, d) !== 0;
    } else {
      // div: d*b == a exactly; sqrt: d*d == b exactly.
      const x = op === 3 ? b : d, want = op === 3 ? a : b;
      if (want === 0) return true;
      const md = Math.abs(d), mx = Math.abs(x);
      if (md >= MAX_FAST64 || mx >= MAX_FAST64 || md <= MIN_FAST64 || mx <= MIN_FAST64) return false;
      const p = d * x;
      if (!(Math.abs(p) > MIN_FAST64 && Math.abs(p) < MAX_FAST64)) return false;
      inexact = p !== want || twoProdErr(d, x, p) !== 0;
    }
    if (inexact) c.mxcsr |= 0x20;
    return true;
  }

  /** A double / float from guest memory outside the fast path (page boundary, protections: faults like a load). */
  readF64(a: number): number {
    const m = this.cache.mem;
    SCRATCH.i32[0] = m.read64(a);
    SCRATCH.i32[1] = m.hi;
    return SCRATCH.f64[0];
  }
  readF32(a: number): number {
    SCRATCH.i32[0] = this.cache.mem.read32(a);
    return SCRATCH.f32[0];
  }

  /** imul r64's flags (muldiv.ts), in RFLAGS layout, from its operands and truncated product. */
  readonly imul64Flags = imul64Flags;

  /** Low 64 bits of a 64x64 multiply (imul r64 with dead flags, pmuludq's lanes): low half returned, high in `hi`. */
  mulLo64(al: number, ah: number, bl: number, bh: number): number {
    const lo = mulU32(al, bl);
    this.hi = (r64.hi + Math.imul(al, bh) + Math.imul(ah, bl)) | 0;
    return lo;
  }

  /**
   * Exact effective address when the fast path cannot decide: registers with non-zero high
   * halves, wrap-around, or results outside [0, 2^32). Faults like the interpreter's eaSlow.
   */
  ea(c: Cpu, bl: number, bh: number, xl: number, xh: number, scale: number, disp: number, a32: boolean, seg: number,
    write = false, stack = false): number {
    let v = BigInt(disp);
    v += (BigInt(bh) << 32n) | BigInt(bl >>> 0);
    v += ((BigInt(xh) << 32n) | BigInt(xl >>> 0)) * BigInt(scale);
    v = a32 ? BigInt.asUintN(32, v) : BigInt.asUintN(64, v);
    if (seg !== 0) v = BigInt.asUintN(64, v + BigInt(seg === 1 ? c.fsBase : c.gsBase));
    // Same fault rules as the interpreter's eaPlus: stores fault as writes, rsp/rbp-based
    // non-canonical addresses are #SS.
    return checkAddress(v, write, stack);
  }

  /** Read-modify-write destinations are accessed as writes first (see operands.probeWrite). */
  probeWrite(c: Cpu, a: number, size: number): void {
    probeWrite(c, a, size);
  }

  /** Branch target with a non-zero high half: canonical ones are kept (the fetch faults), others #GP. */
  target64(lo: number, hi: number): number {
    const top = hi >> 15;
    if (top !== 0 && top !== -1) generalProtection('branch to a non-canonical address');
    return (hi >>> 0) * 4294967296 + (lo >>> 0);
  }

  /**
   * A fault inside compiled code: the region wrote back its registers; report it at instruction k of block b.
   * FP_RETRY is no fault: the interpreter runs the block on from instruction k (fpRetry).
   */
  fault(c: Cpu, e: unknown, b: Block, k: number): null {
    c.icount += k;
    if (e === FP_RETRY) {
      const before = c.icount;
      runBlockFrom(c, b, k);
      this.stats.interpretedInstructions += c.icount - before;
      return null;
    }
    fault(c, e, b.insns[k]);
    return null;
  }

  /**
   * An inline SSE operation's fast-path tests failed (templates-sse-float.ts): the value to
   * throw, which leaves the region through its catch like a fault before the instruction (the
   * registers and exact flags written back), and the interpreter runs the rest of the block
   * from it (fault). Nothing the instruction does has happened yet. A block that does this
   * FP_RETRY_LIMIT times is compiled again with the slow path inline (Block.fpMerge;
   * `onFpMerge` drops its regions).
   */
  fpRetry(b: Block): unknown {
    if (++b.fpRetries === FP_RETRY_LIMIT) {
      b.fpMerge = true;
      this.onFpMerge(b);
    }
    return FP_RETRY;
  }
  onFpMerge: (b: Block) => void = () => {};
  /** The engine's statistics (the instructions the interpreter runs after a fpRetry count as interpreted). */
  stats: { interpretedInstructions: number } = { interpretedInstructions: 0 };

  /** Resolves the successor block of a direct exit (remembered by the caller: chaining). */
  link(target: number): Block | null {
    if (target < 0) return null; // engine.ts primeExit's pseudo-address
    const s = this.cache.blocks.get(target);
    if (s) return s;
    try {
      return this.cache.get(target);
    } catch {
      return null; // fetch fault: the dispatcher reports it at c.rip
    }
  }

  /** X64RUN_JIT_PROFILE=1 (codegen.ts fallback): counts a compiled instruction run by its handler. */
  countFallback(i: Insn, blockEnd: number): void {
    let n = fallbackCounts.get(i);
    if (n === undefined) {
      if (fallbackCounts.size === 0) process.once('exit', printFallbackProfile);
      n = { count: 0, blockEnd };
      fallbackCounts.set(i, n);
    }
    n.count++;
  }

  getCF(c: Cpu): number {
    return getCF(c);
  }

  /** Successor for an indirect exit (ret, jmp/call through registers or memory). */
  lookup(target: number): Block | null {
    return this.cache.blocks.get(target) ?? null;
  }
}

const fallbackCounts = new Map<Insn, { count: number; blockEnd: number }>();

/** The hottest compiled instructions that ran through their interpreter handler, by form. */
function printFallbackProfile(): void {
  const byForm = new Map<string, { count: number; example: string; blockEnd: number }>();
  for (const [i, { count, blockEnd }] of fallbackCounts) {
    const text = disassemble(i.bytes, i.addr);
    // The form: mnemonic and operand kinds, with register names and numbers abstracted.
    const form = text.replace(/0x[0-9a-f]+|\b\d+\b/g, 'N').replace(/%[a-z0-9]+/g, 'r');
    const e = byForm.get(form) ?? { count: 0, example: text, blockEnd: 0 };
    e.count += count;
    e.blockEnd += blockEnd ? count : 0;
    byForm.set(form, e);
  }
  const rows = [...byForm.entries()].sort((a, b) => b[1].count - a[1].count).slice(0, 40);
  const lines = rows.map(([form, e]) => `${String(e.count).padStart(12)}  ${form.padEnd(36)} e.g. ${e.example}${e.blockEnd ? ` (${e.blockEnd} ending a block)` : ''}`);
  process.stderr.write(`x64run: compiled instructions run by their interpreter handler (X64RUN_JIT_PROFILE):\n${lines.join('\n')}\n`);
}
