/**
 * Effective addresses and generic operand access for the interpreter.
 *
 * Effective address: base + index*scale + disp (+ FS/GS base) computed modulo 2^64. Guest
 * addresses live in [0, WINDOW_SIZE); the fast path handles registers whose high halves are zero
 * and falls back to exact BigInt arithmetic otherwise (negative 64-bit indexes, wrap-around),
 * raising the fault Linux would for an address outside the window.
 *
 * Operand access: sizes 1, 2 and 4 travel as one number (1 and 2 zero-extended, 4 as int32);
 * size 8 as (lo, hi) with hi in `c.hi`.
 */
import type { Cpu } from './state.js';
import type { Insn } from './insn.js';
import { OP_GPR, OP_IMM, OP_MEM, SEG_FS, SEG_GS } from './insn.js';
import { MemoryFault } from '../memory/fault.js';
import { WINDOW_SIZE, PAGE_SHIFT, PAGE_MASK, PAGE_SIZE, PROT_WRITE } from '../memory/memory.js';
import { generalProtection, CpuException, SIGBUS, SI_KERNEL, X86_TRAP_SS } from './exceptions.js';
import { Decoder, DecoderOptions, InstructionInfoFactory, OpAccess, OpKind } from './iced.js';

const TWO32 = 4294967296;

export function ea(c: Cpu, i: Insn): number {
  const regs = c.regs;
  let lo = i.disp;
  let hi = 0;
  const b = i.base;
  if (b >= 0) {
    lo += regs[2 * b] >>> 0;
    hi = regs[2 * b + 1];
  }
  const x = i.index;
  if (x >= 0) {
    lo += (regs[2 * x] >>> 0) * i.scale;
    hi += regs[2 * x + 1] * i.scale;
  }
  if (i.a32) {
    lo = lo >>> 0;
  } else if (hi !== 0 || lo < 0 || lo >= TWO32) {
    return eaSlow(c, i);
  }
  if (i.seg !== 0) {
    lo += i.seg === SEG_FS ? c.fsBase : c.gsBase;
    if (lo >= WINDOW_SIZE) return eaSlow(c, i);
  }
  return lo;
}

/** Exact 64-bit effective address; faults if it falls outside the guest window. */
export function eaSlow(c: Cpu, i: Insn): number {
  return eaPlus(c, i, 0n);
}

/**
 * Exact effective address plus a byte offset (bit strings: bt [m], r), wrapping at 2^32 with a
 * 0x67 prefix and at 2^64 otherwise; faults like the CPU when it falls outside the window.
 */
export function eaPlus(c: Cpu, i: Insn, extra: bigint): number {
  const reg = (r: number) => (BigInt(c.regs[2 * r + 1]) << 32n) | BigInt(c.regs[2 * r] >>> 0);
  let a = BigInt(i.disp) + extra;
  if (i.base >= 0) a += reg(i.base);
  if (i.index >= 0) a += reg(i.index) * BigInt(i.scale);
  a = i.a32 ? BigInt.asUintN(32, a) : BigInt.asUintN(64, a);
  if (i.seg !== 0) a = BigInt.asUintN(64, a + BigInt(i.seg === SEG_FS ? c.fsBase : c.gsBase));
  if (a < BigInt(WINDOW_SIZE)) return Number(a);
  // Out of the window: fault as the access would (a store faults with the write bit; SDM Vol. 3
  // 6.15: a non-canonical address through rsp/rbp is #SS, which Linux reports as SIGBUS).
  return checkAddress(a, memoryWritten(i), i.seg === 0 && (i.base === 4 || i.base === 5));
}

const writesMemory = new Map<number, boolean>();
const infoFactory = new InstructionInfoFactory();

/** Whether the instruction writes its memory operand (from iced's operand access; cached per Code). */
export function memoryWritten(i: Insn): boolean {
  let w = writesMemory.get(i.code);
  if (w === undefined) {
    w = false;
    const dec = new Decoder(64, i.bytes, DecoderOptions.None);
    const ins = dec.decode();
    const info = infoFactory.info(ins);
    // The explicit memory operand's access (not the stack slot a call also writes).
    for (let k = 0; k < ins.opCount; k++) {
      if (ins.opKind(k) !== OpKind.Memory) continue;
      const acc = info.opAccess(k);
      if (acc !== OpAccess.Read && acc !== OpAccess.CondRead && acc !== OpAccess.NoMemAccess) w = true;
    }
    info.free(); ins.free(); dec.free();
    writesMemory.set(i.code, w);
  }
  return w;
}

/** A register's value used as an address (rsp, rbp for leave, rsi/rdi for strings): faults outside the window. */
export function regAddress(c: Cpu, r: number, write = false): number {
  const hi = c.regs[2 * r + 1];
  if (hi === 0) return c.regs[2 * r] >>> 0;
  return checkAddress((BigInt(hi >>> 0) << 32n) | BigInt(c.regs[2 * r] >>> 0), write, r === 4 || r === 5);
}

/**
 * Converts an exact 64-bit address to a window offset, or raises the fault Linux raises:
 * non-canonical -> #GP (SIGSEGV, si_addr 0), or #SS (SIGBUS) for stack references; canonical but
 * outside the window -> page fault (SIGSEGV SEGV_MAPERR at the address, W bit for stores).
 */
export function checkAddress(a: bigint, write = false, stack = false): number {
  if (a < BigInt(WINDOW_SIZE)) return Number(a);
  const top = a >> 47n;
  if (top !== 0n && top !== 0x1ffffn) {
    if (stack) throw new CpuException(SIGBUS, SI_KERNEL, X86_TRAP_SS, 'non-canonical stack address (#SS)', 0);
    generalProtection('non-canonical address');
  }
  throw new MemoryFault(Number(a), write, false);
}

// ------------------------------------------------------------------ registers

/** Reads a GPR operand of size 1, 2 or 4 (r = 16..19 are AH, CH, DH, BH). */
export function getGpr(c: Cpu, r: number, size: number): number {
  const regs = c.regs;
  switch (size) {
    case 4: return regs[2 * r];
    case 2: return regs[2 * r] & 0xffff;
    default: return r < 16 ? regs[2 * r] & 0xff : (regs[2 * (r - 16)] >> 8) & 0xff;
  }
}

/** Writes a GPR operand of size 1, 2 or 4; 32-bit writes zero the upper half (SDM 3.4.1.1). */
export function setGpr(c: Cpu, r: number, size: number, v: number): void {
  const regs = c.regs;
  switch (size) {
    case 4: regs[2 * r] = v; regs[2 * r + 1] = 0; return;
    case 2: regs[2 * r] = (regs[2 * r] & ~0xffff) | (v & 0xffff); return;
    default:
      if (r < 16) regs[2 * r] = (regs[2 * r] & ~0xff) | (v & 0xff);
      else regs[2 * (r - 16)] = (regs[2 * (r - 16)] & ~0xff00) | ((v & 0xff) << 8);
  }
}

// ------------------------------------------------------------------ memory by size

export function readMem(c: Cpu, a: number, size: number): number {
  switch (size) {
    case 4: return c.mem.read32(a);
    case 2: return c.mem.read16(a);
    default: return c.mem.read8(a);
  }
}

export function writeMem(c: Cpu, a: number, size: number, v: number): void {
  switch (size) {
    case 4: c.mem.write32(a, v); return;
    case 2: c.mem.write16(a, v); return;
    default: c.mem.write8(a, v);
  }
}

/**
 * Read-modify-write destinations: the CPU reads them with a write access (SDM Vol. 3 4.7: the
 * page-fault error code of `add [m], r` on a read-only or absent page has W=1), and a fault leaves
 * every register and flag as it was. Handlers call this before reading such an operand, so the
 * fault is raised as a write and before anything was computed.
 */
export function probeWrite(c: Cpu, a: number, size: number): void {
  const m = c.mem;
  if ((a & PAGE_MASK) > PAGE_SIZE - size || (m.prot[a >>> PAGE_SHIFT] & PROT_WRITE) === 0) m.checkWrite(a, size);
}

// ------------------------------------------------------------------ generic operands (sizes 1/2/4)

const MASKS = [0, 0xff, 0xffff, 0, -1];

/** Reads operand (kind k, register r) of the given size; memory operands use `a` as address. */
export function readOperand(c: Cpu, i: Insn, k: number, r: number, size: number, a: number): number {
  if (k === OP_GPR) return getGpr(c, r, size);
  if (k === OP_IMM) return size === 4 ? i.imm : i.imm & MASKS[size];
  return readMem(c, a, size);
}

export function writeOperand(c: Cpu, k: number, r: number, size: number, a: number, v: number): void {
  if (k === OP_GPR) setGpr(c, r, size, v);
  else writeMem(c, a, size, v);
}

// ------------------------------------------------------------------ 64-bit operands

/** Reads a 64-bit operand; returns lo, hi in c.hi. Immediates are already sign-extended. */
export function readOperand64(c: Cpu, i: Insn, k: number, r: number, a: number): number {
  if (k === OP_GPR) {
    c.hi = c.regs[2 * r + 1];
    return c.regs[2 * r];
  }
  if (k === OP_IMM) {
    c.hi = i.immHi;
    return i.imm;
  }
  const lo = c.mem.read64(a);
  c.hi = c.mem.hi;
  return lo;
}

export function writeOperand64(c: Cpu, k: number, r: number, a: number, lo: number, hi: number): void {
  if (k === OP_GPR) {
    c.regs[2 * r] = lo;
    c.regs[2 * r + 1] = hi;
  } else {
    c.mem.write64(a, lo, hi);
  }
}

/** Address of the instruction's memory operand, or 0 when it has none (cheap to call unconditionally). */
export function eaIfMem(c: Cpu, i: Insn, k: number): number {
  return k === OP_MEM ? ea(c, i) : 0;
}
