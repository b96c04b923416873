/**
 * String instructions: movs, stos, lods, cmps, scas (b/w/d/q) with rep/repe/repne, both
 * directions (Intel SDM Vol. 2 "REP/REPE/REPZ/REPNE/REPNZ", "MOVS", ...).
 *
 * Registers advance after every element, so a fault in the middle of a repeated instruction
 * leaves rsi/rdi/rcx describing the remaining work, exactly like the CPU (the instruction is
 * then restarted by whoever handles the signal). Forward `rep movs`/`rep stos` over ranges that
 * are fully accessible take a bulk path (copyWithin / fill) with identical results.
 */
import type { Cpu } from './state.js';
import { RCX, RSI, RDI, RAX } from './state.js';
import type { Insn, Handler } from './insn.js';
import { REP_NONE, REP_E, REP_NE, SEG_FS, SEG_GS } from './insn.js';
import { DF } from './flags.js';
import { sub, sub64, SZ } from './alu.js';
import { getGpr, setGpr, readMem, writeMem, checkAddress } from './operands.js';
import { defMatching, beginFamily, type Factory } from './dispatch.js';

const TWO32 = 4294967296;

/** Value of rsi/rdi/rcx honouring the address size (a32 = 32-bit registers). */
function reg(c: Cpu, r: number, a32: boolean): number {
  const lo = c.regs[2 * r] >>> 0;
  if (a32) return lo;
  return c.regs[2 * r + 1] * TWO32 + lo; // signed: -1 = all ones for rcx tests
}

function setReg(c: Cpu, r: number, a32: boolean, v: number): void {
  if (a32) { c.regs[2 * r] = v | 0; c.regs[2 * r + 1] = 0; return; }
  c.regs[2 * r] = v % TWO32 | 0;
  c.regs[2 * r + 1] = Math.floor(v / TWO32) | 0;
}

/** Address in the window for rsi/rdi (+ segment base for the source). */
function addrOf(c: Cpu, r: number, a32: boolean, seg: number, write = false): number {
  let a = a32 ? c.regs[2 * r] >>> 0 : c.regs[2 * r + 1] === 0 ? c.regs[2 * r] >>> 0 : -1;
  if (a < 0) a = checkAddress((BigInt(c.regs[2 * r + 1] >>> 0) << 32n) | BigInt(c.regs[2 * r] >>> 0), write);
  if (seg !== 0) a += seg === SEG_FS ? c.fsBase : c.gsBase;
  return a;
}

/**
 * rcx (ecx with 0x67) -= 1 on the register halves, exact for every count (a double loses the low
 * bits of counts above 2^53); returns whether it is still non-zero.
 */
function decRcx(c: Cpu, a32: boolean): boolean {
  const r = c.regs;
  if (a32) {
    const v = (r[2 * RCX] - 1) | 0;
    r[2 * RCX] = v;
    r[2 * RCX + 1] = 0;
    return v !== 0;
  }
  const lo = (r[2 * RCX] - 1) | 0;
  if (lo === -1) r[2 * RCX + 1] = (r[2 * RCX + 1] - 1) | 0;
  r[2 * RCX] = lo;
  return lo !== 0 || r[2 * RCX + 1] !== 0;
}

function count(c: Cpu, a32: boolean): number {
  return a32 ? c.regs[2 * RCX] >>> 0 : (c.regs[2 * RCX + 1] >>> 0) * TWO32 + (c.regs[2 * RCX] >>> 0);
}

function readElem(c: Cpu, a: number, size: number): number {
  if (size === 8) { const lo = c.mem.read64(a); c.hi = c.mem.hi; return lo; }
  return readMem(c, a, size);
}

function writeElem(c: Cpu, a: number, size: number, lo: number, hi: number): void {
  if (size === 8) c.mem.write64(a, lo, hi);
  else writeMem(c, a, size, lo);
}

// ------------------------------------------------------------------ movs

const movs: Factory = (d: Insn): Handler => {
  const size = d.msize;
  return (c, i) => {
    const step = c.rflags & DF ? -size : size;
    if (i.rep === REP_NONE) {
      const v = readElem(c, addrOf(c, RSI, i.a32, i.seg), size);
      writeElem(c, addrOf(c, RDI, i.a32, 0, true), size, v, c.hi);
      setReg(c, RSI, i.a32, reg(c, RSI, i.a32) + step);
      setReg(c, RDI, i.a32, reg(c, RDI, i.a32) + step);
      return;
    }
    let n = count(c, i.a32);
    if (n === 0) return;
    if (step > 0 && bulkMovs(c, i, size, n)) return;
    for (;;) {
      const v = readElem(c, addrOf(c, RSI, i.a32, i.seg), size);
      writeElem(c, addrOf(c, RDI, i.a32, 0, true), size, v, c.hi);
      setReg(c, RSI, i.a32, reg(c, RSI, i.a32) + step);
      setReg(c, RDI, i.a32, reg(c, RDI, i.a32) + step);
      if (!decRcx(c, i.a32)) break;
    }
  };
};

/** Forward rep movs over accessible, non-self-overlapping ranges in one copy. */
function bulkMovs(c: Cpu, i: Insn, size: number, n: number): boolean {
  const len = n * size;
  if (len > 1 << 30) return false;
  const src = addrOf(c, RSI, i.a32, i.seg);
  const dst = addrOf(c, RDI, i.a32, 0);
  if (src + len > TWO32 || dst + len > TWO32) return false;
  // rep movs copies element by element forward: an overlapping dst > src replicates the
  // pattern, which copyWithin (memmove) would not reproduce.
  if (dst > src && dst < src + len) return false;
  try {
    c.mem.checkRead(src, len);
    c.mem.checkWrite(dst, len);
  } catch {
    return false; // let the element loop fault at the exact element
  }
  c.mem.u8.copyWithin(dst, src, src + len);
  setReg(c, RSI, i.a32, reg(c, RSI, i.a32) + len);
  setReg(c, RDI, i.a32, reg(c, RDI, i.a32) + len);
  setReg(c, RCX, i.a32, 0);
  return true;
}

// ------------------------------------------------------------------ stos

const stos: Factory = (d: Insn): Handler => {
  const size = d.msize;
  return (c, i) => {
    const step = c.rflags & DF ? -size : size;
    const lo = size === 8 ? c.regs[0] : getGpr(c, RAX, size);
    const hi = c.regs[1];
    if (i.rep === REP_NONE) {
      writeElem(c, addrOf(c, RDI, i.a32, 0, true), size, lo, hi);
      setReg(c, RDI, i.a32, reg(c, RDI, i.a32) + step);
      return;
    }
    let n = count(c, i.a32);
    if (n === 0) return;
    if (step > 0 && bulkStos(c, i, size, n, lo, hi)) return;
    for (;;) {
      writeElem(c, addrOf(c, RDI, i.a32, 0, true), size, lo, hi);
      setReg(c, RDI, i.a32, reg(c, RDI, i.a32) + step);
      if (!decRcx(c, i.a32)) break;
    }
  };
};

function bulkStos(c: Cpu, i: Insn, size: number, n: number, lo: number, hi: number): boolean {
  const len = n * size;
  if (len > 1 << 30) return false;
  const dst = addrOf(c, RDI, i.a32, 0);
  if (dst + len > TWO32) return false;
  try {
    c.mem.checkWrite(dst, len);
  } catch {
    return false;
  }
  const u8 = c.mem.u8;
  if (size === 1 || (size === 2 && (lo & 0xff) === ((lo >> 8) & 0xff)) ||
      (size >= 4 && lo === Math.imul(lo & 0xff, 0x01010101) && (size === 4 || hi === lo))) {
    u8.fill(lo & 0xff, dst, dst + len);
  } else {
    // write one element then double the filled prefix
    writeElem(c, dst, size, lo, hi);
    let done = size;
    while (done < len) {
      const chunk = Math.min(done, len - done);
      u8.copyWithin(dst + done, dst, dst + chunk);
      done += chunk;
    }
  }
  setReg(c, RDI, i.a32, reg(c, RDI, i.a32) + len);
  setReg(c, RCX, i.a32, 0);
  return true;
}

// ------------------------------------------------------------------ lods

const lods: Factory = (d: Insn): Handler => {
  const size = d.msize;
  return (c, i) => {
    const step = c.rflags & DF ? -size : size;
    if (i.rep !== REP_NONE && count(c, i.a32) === 0) return;
    for (;;) {
      const v = readElem(c, addrOf(c, RSI, i.a32, i.seg), size);
      if (size === 8) { c.regs[0] = v; c.regs[1] = c.hi; } else setGpr(c, RAX, size, v);
      setReg(c, RSI, i.a32, reg(c, RSI, i.a32) + step);
      if (i.rep === REP_NONE || !decRcx(c, i.a32)) break;
    }
  };
};

// ------------------------------------------------------------------ cmps / scas

/** cmps compares [rsi] with [rdi] (flags of [rsi] - [rdi]); scas compares the accumulator with [rdi]. */
function compareFactory(isScas: boolean): Factory {
  return (d: Insn): Handler => {
    const size = d.msize;
    const sz = SZ[size];
    return (c, i) => {
      const step = c.rflags & DF ? -size : size;
      if (i.rep !== REP_NONE && count(c, i.a32) === 0) return;
      for (;;) {
        let al: number, ah = 0;
        if (isScas) { al = size === 8 ? c.regs[0] : getGpr(c, RAX, size); ah = c.regs[1]; }
        else { al = readElem(c, addrOf(c, RSI, i.a32, i.seg), size); ah = c.hi; }
        const bl = readElem(c, addrOf(c, RDI, i.a32, 0), size), bh = c.hi;
        if (size === 8) sub64(c, al, ah, bl, bh); else sub(c, al, bl, sz);
        if (!isScas) setReg(c, RSI, i.a32, reg(c, RSI, i.a32) + step);
        setReg(c, RDI, i.a32, reg(c, RDI, i.a32) + step);
        if (i.rep === REP_NONE) return;
        const more = decRcx(c, i.a32);
        const equal = size === 8 ? al === bl && ah === bh : al === bl;
        if (i.rep === REP_E && !equal) return;
        if (i.rep === REP_NE && equal) return;
        if (!more) return;
      }
    };
  };
}

beginFamily('string');
defMatching(/^Movs[bwdq]_m/, movs);
defMatching(/^Stos[bwdq]_m/, stos);
defMatching(/^Lods[bwdq]_/, lods);
defMatching(/^Cmps[bwdq]_m\d+_m\d+$/, compareFactory(false));
defMatching(/^Scas[bwdq]_/, compareFactory(true));
