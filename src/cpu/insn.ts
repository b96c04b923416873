/**
 * A decoded instruction as both engines see it: plain numbers extracted once from iced-x86's
 * Instruction (which lives in WebAssembly memory and is freed right after decoding).
 */
import type { Cpu } from './state.js';

export type Handler = (c: Cpu, i: Insn) => void;

// Operand kinds.
export const OP_NONE = 0;
/** General-purpose register; rN = 0..15, or 16..19 for AH/CH/DH/BH when the size is 1. */
export const OP_GPR = 1;
export const OP_MEM = 2;
export const OP_IMM = 3;
export const OP_XMM = 4;
export const OP_MMX = 5;
export const OP_ST = 6;
export const OP_SEG = 7;
/** Implicit memory operand of string instructions ([rsi], [rdi]); handlers use the registers. */
export const OP_STRMEM = 8;
export const OP_BRANCH = 9;
export const OP_OTHER = 10;

// Segment overrides that matter in 64-bit mode.
export const SEG_NONE = 0;
export const SEG_FS = 1;
export const SEG_GS = 2;

// Repeat prefixes.
export const REP_NONE = 0;
export const REP_E = 1; // rep / repe / repz
export const REP_NE = 2; // repne / repnz

export class Insn {
  /** Address of the instruction and of the next one. */
  addr = 0;
  next = 0;
  len = 0;
  /** iced-x86 Code and Mnemonic. */
  code = 0;
  mnemonic = 0;
  /** Semantic handler chosen at decode time for this operand form. */
  exec: Handler = unimplemented;

  nops = 0;
  k0 = OP_NONE; k1 = OP_NONE; k2 = OP_NONE; k3 = OP_NONE;
  r0 = 0; r1 = 0; r2 = 0; r3 = 0;
  /** Operand sizes in bytes (register width, memory operand size, or immediate's operand size). */
  s0 = 0; s1 = 0; s2 = 0; s3 = 0;

  // Memory operand (at most one per instruction in the baseline ISA).
  base = -1;
  index = -1;
  scale = 1;
  /** Displacement (signed). For RIP-relative operands: the absolute address, with base = -1. */
  disp = 0;
  seg = SEG_NONE;
  /** 32-bit address size (0x67 prefix): the effective address wraps at 2^32. */
  a32 = false;
  /** Memory operand size in bytes (0 if none). */
  msize = 0;

  // Immediates: the first one as (imm, immHi) sign-extended to 64 bits, the second (enter) in imm2.
  imm = 0;
  immHi = 0;
  imm2 = 0;

  /** Near branch target. */
  target = 0;
  /** Condition code 0..15 for jcc/setcc/cmovcc (x86 encoding order), -1 otherwise. */
  cc = -1;
  rep = REP_NONE;
  lock = false;
  /** RFLAGS bits this instruction leaves architecturally undefined (x86 bit layout). */
  flagsUndefined = 0;
  flagsRead = 0;
  flagsWritten = 0;
  /** Raw bytes for diagnostics (SIGILL messages, traces). */
  bytes: Uint8Array = new Uint8Array(0);
}

/** Placeholder handler: replaced for every implemented Code. */
export function unimplemented(c: Cpu, i: Insn): void {
  void c;
  void i;
  throw new Error('unimplemented handler called');
}
