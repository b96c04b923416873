/**
 * Shifts and rotates: shl/sal, shr, sar, rol, ror, rcl, rcr (by 1, imm8, cl) and shld/shrd
 * (Intel SDM Vol. 2B "SAL/SAR/SHL/SHR", "RCL/RCR/ROL/ROR", "SHLD", "SHRD").
 *
 * Flags are computed eagerly. A masked count of 0 changes neither the destination nor any flag
 * (but a 32-bit register destination is still zero-extended, as every 32-bit write is).
 * Rotates change only CF and OF. OF is architecturally defined only for a count of 1 and AF is
 * undefined for a non-zero count; we produce the values Intel's pseudo-code gives for count 1 and
 * AF = 0, and the instruction oracle masks the undefined bits.
 */
import type { Cpu } from './state.js';
import type { Insn, Handler } from './insn.js';
import { OP_GPR, OP_IMM, OP_MEM } from './insn.js';
import { setArith, materialize, szp, CF, OF, SZ64 } from './flags.js';
import { ea, readOperand, writeOperand, readOperand64, writeOperand64, probeWrite } from './operands.js';
import { defMatching, beginFamily, type Factory } from './dispatch.js';
import { SZ, MASK } from './alu.js';
import { shl64 as i64shl, shr64 as i64shr, sar64 as i64sar, r64, toBigInt, fromBigInt } from './int64.js';

const SIGN = [0x80, 0x8000, 0x80000000 | 0];
const BITS = [8, 16, 32];

type Shift32 = (c: Cpu, a: number, n: number, sz: number) => number;
type Shift64 = (c: Cpu, lo: number, hi: number, n: number) => number;

// ------------------------------------------------------------------ 8/16/32-bit semantics (n = masked count, > 0)

export function shl(c: Cpu, a: number, n: number, sz: number): number {
  const w = BITS[sz];
  const r = n < 32 ? (a << n) & MASK[sz] : 0;
  const cf = n <= w ? (a >>> (w - n)) & 1 : 0;
  const of = ((r & SIGN[sz]) !== 0 ? 1 : 0) ^ cf;
  setArith(c, szp(r, sz) | cf | (of ? OF : 0));
  return r;
}

export function shr(c: Cpu, a: number, n: number, sz: number): number {
  const w = BITS[sz];
  const u = a >>> 0;
  const r = n < 32 ? (u >>> n) & MASK[sz] : 0;
  const cf = n <= w ? (u >>> (n - 1)) & 1 : 0;
  const of = n === 1 && (a & SIGN[sz]) !== 0 ? OF : 0;
  setArith(c, szp(r, sz) | cf | of);
  return r;
}

export function sar(c: Cpu, a: number, n: number, sz: number): number {
  const s = sz === 0 ? (a << 24) >> 24 : sz === 1 ? (a << 16) >> 16 : a | 0;
  const r = (s >> Math.min(n, 31)) & MASK[sz];
  const cf = (s >> Math.min(n - 1, 31)) & 1;
  setArith(c, szp(r, sz) | cf);
  return r;
}

export function rol(c: Cpu, a: number, n: number, sz: number): number {
  const w = BITS[sz];
  const t = n % w;
  const r = t === 0 ? a & MASK[sz] : ((a << t) | ((a & MASK[sz]) >>> (w - t))) & MASK[sz];
  const cf = r & 1;
  materialize(c);
  let f = (c.rflags & ~(CF | OF)) | cf;
  if (n === 1 && (((r & SIGN[sz]) !== 0 ? 1 : 0) ^ cf)) f |= OF;
  c.rflags = f;
  return r;
}

export function ror(c: Cpu, a: number, n: number, sz: number): number {
  const w = BITS[sz];
  const t = n % w;
  const m = a & MASK[sz];
  const r = t === 0 ? m : ((m >>> t) | (m << (w - t))) & MASK[sz];
  const msb = (r & SIGN[sz]) !== 0 ? 1 : 0;
  const msb1 = (r & (SIGN[sz] >>> 1)) !== 0 ? 1 : 0;
  materialize(c);
  let f = (c.rflags & ~(CF | OF)) | msb;
  if (n === 1 && (msb ^ msb1)) f |= OF;
  c.rflags = f;
  return r;
}

export function rcl(c: Cpu, a: number, n: number, sz: number): number {
  const w = BITS[sz];
  materialize(c);
  let cf = c.rflags & CF;
  let r = a & MASK[sz];
  const t = sz === 2 ? n : n % (w + 1);
  for (let k = 0; k < t; k++) {
    const out = (r & SIGN[sz]) !== 0 ? 1 : 0;
    r = ((r << 1) | cf) & MASK[sz];
    cf = out;
  }
  let f = (c.rflags & ~(CF | OF)) | cf;
  // OF = MSB(result) ^ CF for count 1; AMD computes it the same way when the count is a multiple
  // of 9 (17) for 8 (16)-bit operands, which rotates nothing (iced reports OF defined there).
  if ((n === 1 || t === 0) && (((r & SIGN[sz]) !== 0 ? 1 : 0) ^ cf)) f |= OF;
  c.rflags = f;
  return r;
}

export function rcr(c: Cpu, a: number, n: number, sz: number): number {
  const w = BITS[sz];
  materialize(c);
  let cf = c.rflags & CF;
  let r = a & MASK[sz];
  const t = sz === 2 ? n : n % (w + 1);
  for (let k = 0; k < t; k++) {
    const out = r & 1;
    r = ((r >>> 1) | (cf ? SIGN[sz] : 0)) & MASK[sz];
    cf = out;
  }
  // OF = the two top bits of the result XORed (for count 1 that is MSB(dest) ^ CF before rotating);
  // AMD also computes it when the count is a multiple of 9 (17) for 8 (16)-bit operands (see rcl).
  const msb = (r & SIGN[sz]) !== 0 ? 1 : 0, msb1 = (r & (SIGN[sz] >>> 1)) !== 0 ? 1 : 0;
  const of = (n === 1 || t === 0) && (msb ^ msb1) ? OF : 0;
  c.rflags = (c.rflags & ~(CF | OF)) | cf | of;
  return r;
}

// ------------------------------------------------------------------ 64-bit semantics (lo returned, hi in c.hi)

export function shl64(c: Cpu, lo: number, hi: number, n: number): number {
  const rl = i64shl(lo, hi, n), rh = r64.hi;
  const cf = bit64(lo, hi, 64 - n);
  setArith(c, szp(rl, SZ64, rh) | cf | ((rh < 0 ? 1 : 0) ^ cf ? OF : 0));
  c.hi = rh;
  return rl;
}

export function shr64(c: Cpu, lo: number, hi: number, n: number): number {
  const rl = i64shr(lo, hi, n), rh = r64.hi;
  const cf = bit64(lo, hi, n - 1);
  setArith(c, szp(rl, SZ64, rh) | cf | (n === 1 && hi < 0 ? OF : 0));
  c.hi = rh;
  return rl;
}

export function sar64(c: Cpu, lo: number, hi: number, n: number): number {
  const rl = i64sar(lo, hi, n), rh = r64.hi;
  const cf = bit64(lo, hi, n - 1);
  setArith(c, szp(rl, SZ64, rh) | cf);
  c.hi = rh;
  return rl;
}

export function rol64(c: Cpu, lo: number, hi: number, n: number): number {
  const a = i64shl(lo, hi, n), ah = r64.hi;
  const b = n === 0 ? 0 : i64shr(lo, hi, 64 - n), bh = n === 0 ? 0 : r64.hi;
  const rl = a | b, rh = ah | bh;
  const cf = rl & 1;
  materialize(c);
  let f = (c.rflags & ~(CF | OF)) | cf;
  if (n === 1 && ((rh < 0 ? 1 : 0) ^ cf)) f |= OF;
  c.rflags = f;
  c.hi = rh;
  return rl;
}

export function ror64(c: Cpu, lo: number, hi: number, n: number): number {
  const a = i64shr(lo, hi, n), ah = r64.hi;
  const b = n === 0 ? 0 : i64shl(lo, hi, 64 - n), bh = n === 0 ? 0 : r64.hi;
  const rl = a | b, rh = ah | bh;
  const msb = rh < 0 ? 1 : 0, msb1 = (rh >>> 30) & 1;
  materialize(c);
  let f = (c.rflags & ~(CF | OF)) | msb;
  if (n === 1 && (msb ^ msb1)) f |= OF;
  c.rflags = f;
  c.hi = rh;
  return rl;
}

export function rcl64(c: Cpu, lo: number, hi: number, n: number): number {
  materialize(c);
  let v = toBigInt(lo, hi);
  let cf = BigInt(c.rflags & CF);
  for (let k = 0; k < n; k++) {
    const out = v >> 63n;
    v = BigInt.asUintN(64, (v << 1n) | cf);
    cf = out;
  }
  const rl = fromBigInt(v), rh = r64.hi;
  let f = (c.rflags & ~(CF | OF)) | Number(cf);
  if (n === 1 && ((rh < 0 ? 1 : 0) ^ Number(cf))) f |= OF;
  c.rflags = f;
  c.hi = rh;
  return rl;
}

export function rcr64(c: Cpu, lo: number, hi: number, n: number): number {
  materialize(c);
  let v = toBigInt(lo, hi);
  let cf = BigInt(c.rflags & CF);
  const of = n === 1 && ((hi < 0 ? 1n : 0n) ^ cf) ? OF : 0;
  for (let k = 0; k < n; k++) {
    const out = v & 1n;
    v = (v >> 1n) | (cf << 63n);
    cf = out;
  }
  const rl = fromBigInt(v), rh = r64.hi;
  c.rflags = (c.rflags & ~(CF | OF)) | Number(cf) | of;
  c.hi = rh;
  return rl;
}


/** Bit k (0..63) of (lo, hi); 0 for k outside the range. */
function bit64(lo: number, hi: number, k: number): number {
  if (k < 0 || k > 63) return 0;
  return k < 32 ? (lo >>> k) & 1 : (hi >>> (k - 32)) & 1;
}

// ------------------------------------------------------------------ shld / shrd

/** shld dst, src, n: dst = (dst:src) << n, upper half (SDM SHLD). 16-bit counts > 16 are undefined. */
export function shld(c: Cpu, d: number, s: number, n: number, sz: number): number {
  const w = BITS[sz];
  const big = (BigInt((d & MASK[sz]) >>> 0) << BigInt(w)) | BigInt((s & MASK[sz]) >>> 0);
  const wide = BigInt.asUintN(2 * w, big << BigInt(n));
  const r = Number(BigInt.asUintN(w, wide >> BigInt(w))) | 0;
  const cf = Number((big >> BigInt(2 * w - n)) & 1n);
  const rm = sz === 2 ? r : r & MASK[sz];
  const of = ((rm & SIGN[sz]) !== 0) !== ((d & SIGN[sz]) !== 0) ? OF : 0;
  setArith(c, szp(rm, sz) | cf | of);
  return rm;
}

export function shrd(c: Cpu, d: number, s: number, n: number, sz: number): number {
  const w = BITS[sz];
  const big = (BigInt((s & MASK[sz]) >>> 0) << BigInt(w)) | BigInt((d & MASK[sz]) >>> 0);
  const r = Number(BigInt.asUintN(w, big >> BigInt(n)));
  const cf = Number((big >> BigInt(n - 1)) & 1n);
  const rm = sz === 2 ? r | 0 : r & MASK[sz];
  const of = ((rm & SIGN[sz]) !== 0) !== ((d & SIGN[sz]) !== 0) ? OF : 0;
  setArith(c, szp(rm, sz) | cf | of);
  return rm;
}

export function shld64(c: Cpu, dl: number, dh: number, sl: number, sh: number, n: number): number {
  const d = toBigInt(dl, dh), s = toBigInt(sl, sh);
  const big = (d << 64n) | s;
  const r = BigInt.asUintN(64, (big << BigInt(n)) >> 64n);
  const cf = Number((big >> BigInt(128 - n)) & 1n);
  const rl = fromBigInt(r), rh = r64.hi;
  const of = (rh < 0) !== (dh < 0) ? OF : 0;
  setArith(c, szp(rl, SZ64, rh) | cf | of);
  c.hi = rh;
  return rl;
}

export function shrd64(c: Cpu, dl: number, dh: number, sl: number, sh: number, n: number): number {
  const d = toBigInt(dl, dh), s = toBigInt(sl, sh);
  const big = (s << 64n) | d;
  const r = BigInt.asUintN(64, big >> BigInt(n));
  const cf = Number((big >> BigInt(n - 1)) & 1n);
  const rl = fromBigInt(r), rh = r64.hi;
  const of = (rh < 0) !== (dh < 0) ? OF : 0;
  setArith(c, szp(rl, SZ64, rh) | cf | of);
  c.hi = rh;
  return rl;
}

// ------------------------------------------------------------------ operand plumbing

/** Count operand: 1 (implicit, "_1" forms), imm8, or CL. */
function countOf(c: Cpu, i: Insn, opIndex: number): number {
  const k = opIndex === 1 ? i.k1 : i.k2;
  if (k === OP_IMM) return i.imm & 0xff;
  if (k === OP_GPR) return c.regs[2] & 0xff; // CL
  return 1;
}

function shiftFactory(op: Shift32, op64: Shift64): Factory {
  return (d: Insn): Handler => {
    const one = d.nops === 1 || (d.k1 !== OP_IMM && d.k1 !== OP_GPR);
    if (d.s0 === 8) {
      return (c, i) => {
        const n = (one ? 1 : countOf(c, i, 1)) & 63;
        const a = i.msize !== 0 ? ea(c, i) : 0;
        if (i.k0 === OP_MEM) probeWrite(c, a, i.s0);
        const lo = readOperand64(c, i, i.k0, i.r0, a);
        if (n === 0) return;
        const rl = op64(c, lo, c.hi, n);
        writeOperand64(c, i.k0, i.r0, a, rl, c.hi);
      };
    }
    const sz = SZ[d.s0];
    return (c, i) => {
      const n = (one ? 1 : countOf(c, i, 1)) & 31;
      const a = i.msize !== 0 ? ea(c, i) : 0;
        if (i.k0 === OP_MEM) probeWrite(c, a, i.s0);
      const v = readOperand(c, i, i.k0, i.r0, i.s0, a);
      if (n === 0) {
        if (i.k0 === OP_GPR && i.s0 === 4) c.regs[2 * i.r0 + 1] = 0;
        return;
      }
      writeOperand(c, i.k0, i.r0, i.s0, a, op(c, v, n, sz));
    };
  };
}

type Dbl = (c: Cpu, d: number, s: number, n: number, sz: number) => number;
type Dbl64 = (c: Cpu, dl: number, dh: number, sl: number, sh: number, n: number) => number;

function doubleShift(op: Dbl, op64: Dbl64): Factory {
  return (d: Insn): Handler => {
    if (d.s0 === 8) {
      return (c, i) => {
        const n = countOf(c, i, 2) & 63;
        const a = i.msize !== 0 ? ea(c, i) : 0;
        if (i.k0 === OP_MEM) probeWrite(c, a, i.s0);
        const dl = readOperand64(c, i, i.k0, i.r0, a), dh = c.hi;
        if (n === 0) return;
        const rl = op64(c, dl, dh, c.regs[2 * i.r1], c.regs[2 * i.r1 + 1], n);
        writeOperand64(c, i.k0, i.r0, a, rl, c.hi);
      };
    }
    const sz = SZ[d.s0];
    return (c, i) => {
      const n = countOf(c, i, 2) & 31;
      const a = i.msize !== 0 ? ea(c, i) : 0;
        if (i.k0 === OP_MEM) probeWrite(c, a, i.s0);
      const v = readOperand(c, i, i.k0, i.r0, i.s0, a);
      if (n === 0) {
        if (i.k0 === OP_GPR && i.s0 === 4) c.regs[2 * i.r0 + 1] = 0;
        return;
      }
      const s = readOperand(c, i, OP_GPR, i.r1, i.s0, 0);
      writeOperand(c, i.k0, i.r0, i.s0, a, op(c, v, s, n, sz));
    };
  };
}

beginFamily('shift');
defMatching(/^(Shl|Sal)_rm/, shiftFactory(shl, shl64));
defMatching(/^Shr_rm/, shiftFactory(shr, shr64));
defMatching(/^Sar_rm/, shiftFactory(sar, sar64));
defMatching(/^Rol_rm/, shiftFactory(rol, rol64));
defMatching(/^Ror_rm/, shiftFactory(ror, ror64));
defMatching(/^Rcl_rm/, shiftFactory(rcl, rcl64));
defMatching(/^Rcr_rm/, shiftFactory(rcr, rcr64));
defMatching(/^Shld_/, doubleShift(shld, shld64));
defMatching(/^Shrd_/, doubleShift(shrd, shrd64));
