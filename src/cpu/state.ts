/**
 * Architectural state of one guest thread (DESIGN "Registers and values").
 *
 * General registers are int32 halves in one Int32Array: register i (x86 encoding order rax, rcx,
 * rdx, rbx, rsp, rbp, rsi, rdi, r8..r15) has its low half at regs[2*i] and its high half at
 * regs[2*i+1]. 32-bit writes zero the high half; 8/16-bit writes merge into the low half.
 * XMM registers are 16 bytes each in `xmm` (with float views over the same bytes).
 */
import type { Memory } from '../memory/memory.js';
import { RFLAGS_FIXED } from './flags.js';
import { X87 } from './x87-state.js';

export const RAX = 0, RCX = 1, RDX = 2, RBX = 3, RSP = 4, RBP = 5, RSI = 6, RDI = 7;
export const R8 = 8, R9 = 9, R10 = 10, R11 = 11, R12 = 12, R13 = 13, R14 = 14, R15 = 15;
export const GPR_NAMES = ['rax', 'rcx', 'rdx', 'rbx', 'rsp', 'rbp', 'rsi', 'rdi',
  'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15'];

/** Why an engine stopped running a thread and handed control back to the scheduler. */
export const enum Exit {
  None = 0,
  Syscall = 1,
  Budget = 2,
  /** A CPU exception: see Cpu.fault for the signal. */
  Fault = 3,
  /**
   * Compiled code ran a syscall itself (JitRuntime.sys) and the scheduler must take over: the
   * call blocked, yielded, or something else needs the scheduler before the thread goes on.
   */
  SyscallDone = 4,
}

/** A CPU exception the kernel turns into a signal (SIGSEGV, SIGILL, SIGFPE, SIGTRAP, SIGBUS). */
export interface CpuFault {
  signo: number;
  code: number;
  /** si_addr: faulting data address for SIGSEGV/SIGBUS, instruction address otherwise. */
  addr: number;
  /** Human-readable reason for diagnostics. */
  reason: string;
  /** Linux trap number and error code for the signal frame (14 = page fault, 13 = #GP, 6 = #UD...). */
  trapno: number;
  err: number;
}

/** Nominal 3 GHz TSC derived from the host's monotonic clock. */
const hostTsc = (): number => Math.floor(performance.now() * 3e6);

export class Cpu {
  readonly regs = new Int32Array(32);
  rip = 0;

  // ---- flags: see flags.ts. `rflags` holds the non-lazy bits (and all bits when fop === 0).
  rflags = RFLAGS_FIXED;
  fop = 0;
  fa = 0;
  fb = 0;
  fr = 0;
  faHi = 0;
  fbHi = 0;
  frHi = 0;
  /** Carry-in of adc/sbb, or the preserved CF of inc/dec. */
  fcf = 0;

  fsBase = 0;
  gsBase = 0;

  // ---- SSE
  readonly xmmBuf = new ArrayBuffer(16 * 16);
  readonly xmm = new Int32Array(this.xmmBuf);
  readonly xmmU8 = new Uint8Array(this.xmmBuf);
  readonly xmmU16 = new Uint16Array(this.xmmBuf);
  readonly xmmF32 = new Float32Array(this.xmmBuf);
  readonly xmmF64 = new Float64Array(this.xmmBuf);
  mxcsr = 0x1f80;

  // ---- x87 / MMX
  readonly x87 = new X87();

  /** Set by an instruction that must leave the engine (syscall); read by the run loop. */
  exit: Exit = Exit.None;
  fault: CpuFault | null = null;

  /** Scratch for helpers that return two halves. */
  hi = 0;

  /** Retired instruction count (the interpreter and JIT both add to it). */
  icount = 0;
  /** Blocks executed (interpreted blocks and blocks run inside compiled regions). */
  blocks = 0;

  /** Opaque back-reference for the kernel (its Thread): the CPU never looks inside. */
  owner: unknown = null;

  /** Time stamp counter source for rdtsc (the kernel installs a virtual one in deterministic mode). */
  readTsc: () => number = hostTsc;

  constructor(readonly mem: Memory) {}

  // ---- register accessors (cold paths; hot code indexes `regs` directly)

  get64(r: number): bigint {
    return (BigInt(this.regs[2 * r + 1] >>> 0) << 32n) | BigInt(this.regs[2 * r] >>> 0);
  }

  set64(r: number, v: bigint): void {
    this.regs[2 * r] = Number(BigInt.asIntN(32, v));
    this.regs[2 * r + 1] = Number(BigInt.asIntN(32, v >> 32n));
  }

  /** Register as an unsigned JS number (exact below 2^53; addresses always are). */
  getNum(r: number): number {
    return (this.regs[2 * r + 1] >>> 0) * 4294967296 + (this.regs[2 * r] >>> 0);
  }

  setNum(r: number, v: number): void {
    this.regs[2 * r] = v % 4294967296 | 0;
    this.regs[2 * r + 1] = Math.floor(v / 4294967296) | 0;
  }

  /** Copies every architectural register (clone() children start as a copy of the parent). */
  copyFrom(o: Cpu): void {
    this.regs.set(o.regs);
    this.rip = o.rip;
    this.rflags = o.rflags;
    this.fop = o.fop; this.fa = o.fa; this.fb = o.fb; this.fr = o.fr;
    this.faHi = o.faHi; this.fbHi = o.fbHi; this.frHi = o.frHi; this.fcf = o.fcf;
    this.fsBase = o.fsBase;
    this.gsBase = o.gsBase;
    this.xmm.set(o.xmm);
    this.mxcsr = o.mxcsr;
    this.x87.copyFrom(o.x87);
  }
}
