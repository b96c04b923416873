/**
 * SSE/SSE2/SSE3 floating point: arithmetic (add/sub/mul/div/sqrt/min/max, packed and scalar,
 * single and double), horizontal and alternating ops, compares (cmpps..., comis/ucomis), logic
 * (and/andn/or/xor), shuffles and unpacks of floats, rcp/rsqrt, and conversions (including the
 * MMX forms cvtpi2ps, cvtps2pi, ...).
 *
 * Arithmetic and conversions go through softfloat.ts: every MXCSR rounding mode, DAZ/FTZ and the
 * exception flags. Exceptions (Intel SDM Vol. 1 11.5): the conditions of all elements are
 * collected first; if one that is unmasked in MXCSR occurred, nothing is written, MXCSR records
 * the conditions (pre-computation ones -- invalid, denormal, divide-by-zero -- take precedence
 * over overflow, underflow and precision) and #XM is raised, which Linux delivers as SIGFPE
 * with the si_code of the highest-priority unmasked flag (arch/x86/kernel/fpu: fpu__exception_code).
 *
 * NaN rules (SDM Vol. 1 4.8.3.5): a NaN operand propagates quieted, the first source winning
 * when both are NaN; an invalid operation produces the default NaN (negative QNaN). min/max
 * return the second operand when either is NaN or both are zero.
 */
import type { Cpu } from '../state.js';
import type { Insn, Handler } from '../insn.js';
import { OP_GPR, OP_XMM, OP_MMX, OP_MEM } from '../insn.js';
import { def, defMatching, beginFamily, type Factory } from '../dispatch.js';
import { D, S, loadS, loadD, storeD, mmxState, writeMmx } from './vec.js';
import { ea } from '../operands.js';
import { setArith, CF, ZF, PF } from '../flags.js';
import { CpuException, SIGFPE } from '../exceptions.js';
import {
  out, op32, op64, modeOf, intToFloat, floatToInt, f32to64, f64to32, type Mode,
  OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_SQRT, RC_ZERO, F_IE, F_DE, F_ZE, F_OE, F_UE, F_PE, F_TINY,
  isNaN32, isSNaN32, isNaN64, isSNaN64, isDenormal32, isDenormal64, DEFAULT_NAN32,
} from './softfloat.js';

// MXCSR bits.
export const MX_IE = 0x1, MX_DE = 0x2, MX_ZE = 0x4, MX_OE = 0x8, MX_UE = 0x10, MX_PE = 0x20;
export const MX_DAZ = 0x40, MX_RC_SHIFT = 13, MX_FTZ = 0x8000;

const X86_TRAP_XF = 19;
const FPE_FLTDIV = 3, FPE_FLTOVF = 4, FPE_FLTUND = 5, FPE_FLTRES = 6, FPE_FLTINV = 7;

/**
 * Commits the exception conditions `f` of an instruction to MXCSR, or raises #XM (before anything
 * is written) when one of them is unmasked.
 */
function simdExceptions(c: Cpu, f: number): void {
  const masks = (c.mxcsr >> 7) & 0x3f;
  if ((f & F_TINY) && !(masks & F_UE)) f |= F_UE; // unmasked underflow: a tiny result, exact or not
  f &= 0x3f;
  const pre = f & (F_IE | F_DE | F_ZE);
  if (pre & ~masks) raiseXM(c, pre);
  if (f & ~masks) raiseXM(c, f);
  c.mxcsr |= f;
}

function raiseXM(c: Cpu, flags: number): never {
  c.mxcsr |= flags;
  const err = c.mxcsr & ~(c.mxcsr >> 7) & 0x3f;
  const code = err & F_IE ? FPE_FLTINV : err & F_ZE ? FPE_FLTDIV : err & F_OE ? FPE_FLTOVF
    : err & (F_DE | F_UE) ? FPE_FLTUND : err & F_PE ? FPE_FLTRES : 0;
  throw new CpuException(SIGFPE, code, X86_TRAP_XF, 'SIMD floating-point exception (#XM)');
}

// ------------------------------------------------------------------ arithmetic

function lane64(k: number, op: number, mode: Mode): void {
  op64(op, D.i32[2 * k], D.i32[2 * k + 1], S.i32[2 * k], S.i32[2 * k + 1], mode);
  D.i32[2 * k] = out.lo; D.i32[2 * k + 1] = out.hi;
}
function lane32(k: number, op: number, mode: Mode): void {
  op32(op, D.i32[k], S.i32[k], mode);
  D.i32[k] = out.lo;
}

/** Arithmetic instruction: packed (all lanes) or scalar (lane 0, rest of destination kept). */
function arith(op: number, pd: boolean, scalar: boolean): Factory {
  return (): Handler => (c, i) => {
    loadS(c, i, scalar ? (pd ? 8 : 4) : 16, true);
    loadD(c, i);
    const mode = modeOf(c.mxcsr);
    out.flags = 0;
    const n = scalar ? 1 : pd ? 2 : 4;
    if (pd) for (let k = 0; k < n; k++) lane64(k, op, mode);
    else for (let k = 0; k < n; k++) lane32(k, op, mode);
    simdExceptions(c, out.flags);
    storeD(c, i);
  };
}

/** NaN in lane k (either operand)? */
function nanLane(k: number, pd: boolean): boolean {
  return pd ? isNaN64(D.i32[2 * k], D.i32[2 * k + 1]) || isNaN64(S.i32[2 * k], S.i32[2 * k + 1]) : isNaN32(D.i32[k]) || isNaN32(S.i32[k]);
}

/**
 * Lane k of a compare/min/max operand as a comparable number. A denormal becomes a signed zero
 * under DAZ (in the vector too: min/max then return the zero), or reports DE -- only when no
 * operand of the lane is a NaN (observed on the oracle's CPU: the invalid case wins).
 */
function laneValue(v: typeof D, k: number, pd: boolean, daz: boolean, flags: { f: number }, nan: boolean): number {
  if (pd) {
    const lo = v.i32[2 * k], hi = v.i32[2 * k + 1];
    if (isDenormal64(lo, hi)) { if (daz) { v.i32[2 * k] = 0; v.i32[2 * k + 1] = hi & 0x80000000; } else if (!nan) flags.f |= F_DE; }
    return v.f64[k];
  }
  const b = v.i32[k];
  if (isDenormal32(b)) { if (daz) v.i32[k] = b & 0x80000000; else if (!nan) flags.f |= F_DE; }
  return v.f32[k];
}

const fl = { f: 0 };

/** min/max: if either is NaN (invalid, quiet or not), or both are zero, the result is the second operand (SDM MINPS). */
function minmax(isMax: boolean, pd: boolean, scalar: boolean): Factory {
  return (): Handler => (c, i) => {
    loadS(c, i, scalar ? (pd ? 8 : 4) : 16, true);
    loadD(c, i);
    const daz = (c.mxcsr & MX_DAZ) !== 0;
    const n = scalar ? 1 : pd ? 2 : 4;
    fl.f = 0;
    for (let k = 0; k < n; k++) {
      const nan = nanLane(k, pd);
      const a = laneValue(D, k, pd, daz, fl, nan), b = laneValue(S, k, pd, daz, fl, nan);
      if (nan) fl.f |= F_IE;
      const takeA = !nan && !(a === 0 && b === 0) && (isMax ? a > b : a < b);
      if (!takeA) {
        if (pd) { D.i32[2 * k] = S.i32[2 * k]; D.i32[2 * k + 1] = S.i32[2 * k + 1]; } else D.i32[k] = S.i32[k];
      }
    }
    simdExceptions(c, fl.f);
    storeD(c, i);
  };
}

// ------------------------------------------------------------------ compares

/** cmpps/pd/ss/sd predicate (imm8 & 7): EQ LT LE UNORD NEQ NLT NLE ORD. */
function predicate(p: number, a: number, b: number): boolean {
  const un = Number.isNaN(a) || Number.isNaN(b);
  switch (p & 7) {
    case 0: return !un && a === b;
    case 1: return !un && a < b;
    case 2: return !un && a <= b;
    case 3: return un;
    case 4: return un || a !== b;
    case 5: return un || !(a < b);
    case 6: return un || !(a <= b);
    default: return !un;
  }
}

function snanLane(v: typeof D, k: number, pd: boolean): boolean {
  return pd ? isSNaN64(v.i32[2 * k], v.i32[2 * k + 1]) : isSNaN32(v.i32[k]);
}

function cmp(pd: boolean, scalar: boolean): Factory {
  return (): Handler => (c, i) => {
    loadS(c, i, scalar ? (pd ? 8 : 4) : 16, true);
    loadD(c, i);
    const daz = (c.mxcsr & MX_DAZ) !== 0;
    const n = scalar ? 1 : pd ? 2 : 4;
    const p = i.imm & 7;
    fl.f = 0;
    for (let k = 0; k < n; k++) {
      const snan = snanLane(D, k, pd) || snanLane(S, k, pd);
      const nan = nanLane(k, pd);
      const a = laneValue(D, k, pd, daz, fl, nan), b = laneValue(S, k, pd, daz, fl, nan);
      // LT/LE/NLT/NLE signal on QNaN too; EQ/UNORD/NEQ/ORD only on SNaN.
      if (snan || ((p === 1 || p === 2 || p === 5 || p === 6) && (Number.isNaN(a) || Number.isNaN(b)))) fl.f |= F_IE;
      const r = predicate(p, a, b) ? -1 : 0;
      if (pd) { D.i32[2 * k] = r; D.i32[2 * k + 1] = r; } else D.i32[k] = r;
    }
    simdExceptions(c, fl.f);
    storeD(c, i);
  };
}

/** comis/ucomis: ZF,PF,CF = 111 unordered, 000 greater, 001 less, 100 equal; OF, SF, AF = 0. */
function comis(pd: boolean, signalQnan: boolean): Factory {
  return (): Handler => (c, i) => {
    loadS(c, i, pd ? 8 : 4, false);
    const x = c.xmm, r = i.r0 * 4;
    D.i32[0] = x[r]; D.i32[1] = x[r + 1];
    const daz = (c.mxcsr & MX_DAZ) !== 0;
    fl.f = 0;
    const snan = snanLane(D, 0, pd) || snanLane(S, 0, pd);
    const nan = nanLane(0, pd);
    const a = laneValue(D, 0, pd, daz, fl, nan), b = laneValue(S, 0, pd, daz, fl, nan);
    let f: number;
    if (Number.isNaN(a) || Number.isNaN(b)) {
      f = ZF | PF | CF;
      if (snan || signalQnan) fl.f |= F_IE;
    } else f = a > b ? 0 : a < b ? CF : ZF;
    simdExceptions(c, fl.f);
    setArith(c, f);
  };
}

// ------------------------------------------------------------------ logic, shuffles, unpacks

function logic(f: (a: number, b: number) => number): Factory {
  return (): Handler => (c, i) => {
    loadS(c, i, 16, true);
    loadD(c, i);
    for (let k = 0; k < 4; k++) D.i32[k] = f(D.i32[k], S.i32[k]);
    storeD(c, i);
  };
}

const shufps: Factory = () => (c, i) => {
  loadS(c, i, 16, true);
  loadD(c, i);
  const sel = i.imm & 0xff;
  const d0 = D.i32[sel & 3], d1 = D.i32[(sel >> 2) & 3], s2 = S.i32[(sel >> 4) & 3], s3 = S.i32[(sel >> 6) & 3];
  D.i32[0] = d0; D.i32[1] = d1; D.i32[2] = s2; D.i32[3] = s3;
  storeD(c, i);
};

const shufpd: Factory = () => (c, i) => {
  loadS(c, i, 16, true);
  loadD(c, i);
  const sel = i.imm & 3;
  const dl = D.i32[2 * (sel & 1)], dh = D.i32[2 * (sel & 1) + 1];
  const sl = S.i32[2 * ((sel >> 1) & 1)], sh = S.i32[2 * ((sel >> 1) & 1) + 1];
  D.i32[0] = dl; D.i32[1] = dh; D.i32[2] = sl; D.i32[3] = sh;
  storeD(c, i);
};

function unpckps(high: boolean): Factory {
  return () => (c, i) => {
    loadS(c, i, 16, true);
    loadD(c, i);
    const o = high ? 2 : 0;
    const d0 = D.i32[o], d1 = D.i32[o + 1], s0 = S.i32[o], s1 = S.i32[o + 1];
    D.i32[0] = d0; D.i32[1] = s0; D.i32[2] = d1; D.i32[3] = s1;
    storeD(c, i);
  };
}
function unpckpd(high: boolean): Factory {
  return () => (c, i) => {
    loadS(c, i, 16, true);
    loadD(c, i);
    const o = high ? 2 : 0;
    const dl = D.i32[o], dh = D.i32[o + 1], sl = S.i32[o], sh = S.i32[o + 1];
    D.i32[0] = dl; D.i32[1] = dh; D.i32[2] = sl; D.i32[3] = sh;
    storeD(c, i);
  };
}

// ------------------------------------------------------------------ SSE3 horizontal / addsub

const pairA = new Int32Array(8), pairB = new Int32Array(8);

/** haddps/hsubps/haddpd/hsubpd: adjacent pairs of the destination, then of the source. */
function horizontal(pd: boolean, sub: boolean): Factory {
  const op = sub ? OP_SUB : OP_ADD;
  return () => (c, i) => {
    loadS(c, i, 16, true);
    loadD(c, i);
    const mode = modeOf(c.mxcsr);
    out.flags = 0;
    if (pd) {
      op64(op, D.i32[0], D.i32[1], D.i32[2], D.i32[3], mode); pairA[0] = out.lo; pairA[1] = out.hi;
      op64(op, S.i32[0], S.i32[1], S.i32[2], S.i32[3], mode); pairA[2] = out.lo; pairA[3] = out.hi;
      simdExceptions(c, out.flags);
      for (let k = 0; k < 4; k++) D.i32[k] = pairA[k];
    } else {
      op32(op, D.i32[0], D.i32[1], mode); pairB[0] = out.lo;
      op32(op, D.i32[2], D.i32[3], mode); pairB[1] = out.lo;
      op32(op, S.i32[0], S.i32[1], mode); pairB[2] = out.lo;
      op32(op, S.i32[2], S.i32[3], mode); pairB[3] = out.lo;
      simdExceptions(c, out.flags);
      for (let k = 0; k < 4; k++) D.i32[k] = pairB[k];
    }
    storeD(c, i);
  };
}

/** addsubps/addsubpd: even lanes subtract, odd lanes add. */
function addsub(pd: boolean): Factory {
  return () => (c, i) => {
    loadS(c, i, 16, true);
    loadD(c, i);
    const mode = modeOf(c.mxcsr);
    out.flags = 0;
    if (pd) { lane64(0, OP_SUB, mode); lane64(1, OP_ADD, mode); }
    else for (let k = 0; k < 4; k++) lane32(k, k & 1 ? OP_ADD : OP_SUB, mode);
    simdExceptions(c, out.flags);
    storeD(c, i);
  };
}

// ------------------------------------------------------------------ rcp / rsqrt

const f32v = new Float32Array(1);
const u32v = new Uint32Array(f32v.buffer);
const fbits = (x: number): number => { f32v[0] = x; return u32v[0] | 0; };

/**
 * rcpps/rcpss: 1/x to about 12 bits (SDM: |relative error| <= 1.5 * 2^-12). The exact rounded
 * quotient is within that bound; CPUs return their own table approximations, which the oracle
 * compares with that tolerance. Denormal inputs read as zero; tiny results flush to zero. No flags.
 */
function rcp(b: number): number {
  if (isNaN32(b)) return b | 0x400000;
  const s = b & 0x80000000;
  if ((b & 0x7f800000) === 0) return s | 0x7f800000;
  if ((b & 0x7fffffff) === 0x7f800000) return s;
  f32v[0] = 0; u32v[0] = b;
  const r = Math.fround(1 / f32v[0]);
  return Math.abs(r) < 1.1754943508222875e-38 ? s : fbits(r);
}

/** rsqrtps/rsqrtss: 1/sqrt(x) to about 12 bits; negative inputs give the default NaN. */
function rsqrt(b: number): number {
  if (isNaN32(b)) return b | 0x400000;
  const s = b & 0x80000000;
  if ((b & 0x7f800000) === 0) return s | 0x7f800000;
  if (s) return DEFAULT_NAN32;
  if (b === 0x7f800000) return 0;
  u32v[0] = b;
  return fbits(Math.fround(1 / Math.sqrt(f32v[0])));
}

function approx(f: (b: number) => number, scalar: boolean): Factory {
  return () => (c, i) => {
    loadS(c, i, scalar ? 4 : 16, true);
    loadD(c, i);
    const n = scalar ? 1 : 4;
    for (let k = 0; k < n; k++) D.i32[k] = f(S.i32[k]);
    storeD(c, i);
  };
}

// ------------------------------------------------------------------ conversions

/** cvtsi2sd/cvtsi2ss xmm, r/m32|64: integer -> float rounded per MXCSR (PE when inexact). */
function cvtsi2f(pd: boolean): Factory {
  return (d) => {
    const bits = d.k1 === OP_GPR ? d.s1 : d.msize;
    return (c, i) => {
      let v: bigint;
      if (i.k1 === OP_GPR) v = bits === 8 ? BigInt.asIntN(64, c.get64(i.r1)) : BigInt(c.regs[2 * i.r1]);
      else {
        const a = ea(c, i);
        const lo = c.mem.read32(a);
        v = bits === 8 ? (BigInt(c.mem.read32(a + 4)) << 32n) | BigInt(lo >>> 0) : BigInt(lo);
      }
      out.flags = 0;
      intToFloat(v, pd, modeOf(c.mxcsr));
      simdExceptions(c, out.flags);
      c.xmm[i.r0 * 4] = out.lo;
      if (pd) c.xmm[i.r0 * 4 + 1] = out.hi;
    };
  };
}

/** cvt(t)sd2si / cvt(t)ss2si r32|64, xmm/m: indefinite integer and IE on NaN/overflow, PE when inexact. */
function cvtf2si(pd: boolean, truncate: boolean): Factory {
  return (d) => {
    const bits = d.s0 === 8 ? 64 : 32;
    return (c, i) => {
      loadS(c, i, pd ? 8 : 4, false);
      out.flags = 0;
      const rc = truncate ? RC_ZERO : (c.mxcsr >> MX_RC_SHIFT) & 3;
      const r = floatToInt(pd, S.i32[0], S.i32[1], bits, rc, (c.mxcsr & MX_DAZ) !== 0);
      simdExceptions(c, out.flags);
      c.regs[2 * i.r0] = Number(BigInt.asIntN(32, r));
      c.regs[2 * i.r0 + 1] = bits === 64 ? Number(BigInt.asIntN(32, r >> 32n)) : 0;
    };
  };
}

const cvtss2sd: Factory = () => (c, i) => {
  loadS(c, i, 4, false);
  out.flags = 0;
  f32to64(S.i32[0], (c.mxcsr & MX_DAZ) !== 0);
  simdExceptions(c, out.flags);
  c.xmm[i.r0 * 4] = out.lo; c.xmm[i.r0 * 4 + 1] = out.hi;
};

const cvtsd2ss: Factory = () => (c, i) => {
  loadS(c, i, 8, false);
  out.flags = 0;
  f64to32(S.i32[0], S.i32[1], modeOf(c.mxcsr));
  simdExceptions(c, out.flags);
  c.xmm[i.r0 * 4] = out.lo;
};

const tmp4 = new Int32Array(4);

const cvtps2pd: Factory = () => (c, i) => {
  loadS(c, i, 8, false);
  out.flags = 0;
  const daz = (c.mxcsr & MX_DAZ) !== 0;
  for (let k = 0; k < 2; k++) { f32to64(S.i32[k], daz); tmp4[2 * k] = out.lo; tmp4[2 * k + 1] = out.hi; }
  simdExceptions(c, out.flags);
  c.xmm.set(tmp4, i.r0 * 4);
};

const cvtpd2ps: Factory = () => (c, i) => {
  loadS(c, i, 16, true);
  out.flags = 0;
  const mode = modeOf(c.mxcsr);
  f64to32(S.i32[0], S.i32[1], mode); tmp4[0] = out.lo;
  f64to32(S.i32[2], S.i32[3], mode); tmp4[1] = out.lo;
  simdExceptions(c, out.flags);
  const t = i.r0 * 4;
  c.xmm[t] = tmp4[0]; c.xmm[t + 1] = tmp4[1]; c.xmm[t + 2] = 0; c.xmm[t + 3] = 0;
};

const cvtdq2ps: Factory = () => (c, i) => {
  loadS(c, i, 16, true);
  out.flags = 0;
  const mode = modeOf(c.mxcsr);
  for (let k = 0; k < 4; k++) { intToFloat(BigInt(S.i32[k]), false, mode); tmp4[k] = out.lo; }
  simdExceptions(c, out.flags);
  c.xmm.set(tmp4, i.r0 * 4);
};

const cvtdq2pd: Factory = () => (c, i) => {
  loadS(c, i, 8, false);
  const a = S.i32[0], b = S.i32[1];
  D.f64[0] = a; D.f64[1] = b; // exact
  storeD(c, i);
};

/** Two or four float lanes of S -> int32 lanes in tmp4 (IE/PE). */
function floatsToInts(c: Cpu, pd: boolean, n: number, truncate: boolean): void {
  out.flags = 0;
  const rc = truncate ? RC_ZERO : (c.mxcsr >> MX_RC_SHIFT) & 3;
  const daz = (c.mxcsr & MX_DAZ) !== 0;
  for (let k = 0; k < n; k++) {
    const r = pd ? floatToInt(true, S.i32[2 * k], S.i32[2 * k + 1], 32, rc, daz) : floatToInt(false, S.i32[k], 0, 32, rc, daz);
    tmp4[k] = Number(r);
  }
  simdExceptions(c, out.flags);
}

function cvtps2dq(truncate: boolean): Factory {
  return () => (c, i) => {
    loadS(c, i, 16, true);
    floatsToInts(c, false, 4, truncate);
    c.xmm.set(tmp4, i.r0 * 4);
  };
}
function cvtpd2dq(truncate: boolean): Factory {
  return () => (c, i) => {
    loadS(c, i, 16, true);
    floatsToInts(c, true, 2, truncate);
    const t = i.r0 * 4;
    c.xmm[t] = tmp4[0]; c.xmm[t + 1] = tmp4[1]; c.xmm[t + 2] = 0; c.xmm[t + 3] = 0;
  };
}

// ---- MMX-operand conversions (SDM CVTPI2PS, CVTPS2PI, ...): an mm register operand puts the x87
// unit in MMX state (TOP = 0, all tags valid).

/** cvtpi2ps xmm, mm/m64: two int32 -> two floats in lanes 0-1; lanes 2-3 kept. */
const cvtpi2ps: Factory = () => (c, i) => {
  loadS(c, i, 8, false);
  out.flags = 0;
  const mode = modeOf(c.mxcsr);
  for (let k = 0; k < 2; k++) { intToFloat(BigInt(S.i32[k]), false, mode); tmp4[k] = out.lo; }
  simdExceptions(c, out.flags);
  c.xmm[i.r0 * 4] = tmp4[0]; c.xmm[i.r0 * 4 + 1] = tmp4[1];
  if (i.k1 === OP_MMX) mmxState(c);
};

/** cvtpi2pd xmm, mm/m64: two int32 -> two doubles (exact). */
const cvtpi2pd: Factory = () => (c, i) => {
  loadS(c, i, 8, false);
  const a = S.i32[0], b = S.i32[1];
  D.f64[0] = a; D.f64[1] = b;
  c.xmm[i.r0 * 4] = D.i32[0]; c.xmm[i.r0 * 4 + 1] = D.i32[1]; c.xmm[i.r0 * 4 + 2] = D.i32[2]; c.xmm[i.r0 * 4 + 3] = D.i32[3];
  if (i.k1 === OP_MMX) mmxState(c);
};

/** cvt(t)ps2pi mm, xmm/m64 and cvt(t)pd2pi mm, xmm/m128: two int32 into an mm register. */
function cvtToPi(pd: boolean, truncate: boolean): Factory {
  return () => (c, i) => {
    loadS(c, i, pd ? 16 : 8, pd);
    floatsToInts(c, pd, 2, truncate);
    mmxState(c);
    writeMmx(c, i.r0, tmp4[0], tmp4[1]);
  };
}

beginFamily('sse-float');
for (const [name, op] of [['Add', OP_ADD], ['Sub', OP_SUB], ['Mul', OP_MUL], ['Div', OP_DIV], ['Sqrt', OP_SQRT]] as const) {
  def(`${name}ps_xmm_xmmm128`, arith(op, false, false));
  def(`${name}pd_xmm_xmmm128`, arith(op, true, false));
  def(`${name}ss_xmm_xmmm32`, arith(op, false, true));
  def(`${name}sd_xmm_xmmm64`, arith(op, true, true));
}
for (const [name, isMax] of [['Min', false], ['Max', true]] as const) {
  def(`${name}ps_xmm_xmmm128`, minmax(isMax, false, false));
  def(`${name}pd_xmm_xmmm128`, minmax(isMax, true, false));
  def(`${name}ss_xmm_xmmm32`, minmax(isMax, false, true));
  def(`${name}sd_xmm_xmmm64`, minmax(isMax, true, true));
}
def('Cmpps_xmm_xmmm128_imm8', cmp(false, false));
def('Cmppd_xmm_xmmm128_imm8', cmp(true, false));
def('Cmpss_xmm_xmmm32_imm8', cmp(false, true));
def('Cmpsd_xmm_xmmm64_imm8', cmp(true, true));
def('Comiss_xmm_xmmm32', comis(false, true));
def('Comisd_xmm_xmmm64', comis(true, true));
def('Ucomiss_xmm_xmmm32', comis(false, false));
def('Ucomisd_xmm_xmmm64', comis(true, false));
def(['Andps_xmm_xmmm128', 'Andpd_xmm_xmmm128'], logic((a, b) => a & b));
def(['Andnps_xmm_xmmm128', 'Andnpd_xmm_xmmm128'], logic((a, b) => ~a & b));
def(['Orps_xmm_xmmm128', 'Orpd_xmm_xmmm128'], logic((a, b) => a | b));
def(['Xorps_xmm_xmmm128', 'Xorpd_xmm_xmmm128'], logic((a, b) => a ^ b));
def('Shufps_xmm_xmmm128_imm8', shufps);
def('Shufpd_xmm_xmmm128_imm8', shufpd);
def('Unpcklps_xmm_xmmm128', unpckps(false));
def('Unpckhps_xmm_xmmm128', unpckps(true));
def('Unpcklpd_xmm_xmmm128', unpckpd(false));
def('Unpckhpd_xmm_xmmm128', unpckpd(true));
def('Haddps_xmm_xmmm128', horizontal(false, false));
def('Haddpd_xmm_xmmm128', horizontal(true, false));
def('Hsubps_xmm_xmmm128', horizontal(false, true));
def('Hsubpd_xmm_xmmm128', horizontal(true, true));
def('Addsubps_xmm_xmmm128', addsub(false));
def('Addsubpd_xmm_xmmm128', addsub(true));
def('Rcpps_xmm_xmmm128', approx(rcp, false));
def('Rcpss_xmm_xmmm32', approx(rcp, true));
def('Rsqrtps_xmm_xmmm128', approx(rsqrt, false));
def('Rsqrtss_xmm_xmmm32', approx(rsqrt, true));
defMatching(/^Cvtsi2sd_xmm_rm(32|64)$/, cvtsi2f(true));
defMatching(/^Cvtsi2ss_xmm_rm(32|64)$/, cvtsi2f(false));
defMatching(/^Cvttsd2si_r(32|64)_xmmm64$/, cvtf2si(true, true));
defMatching(/^Cvtsd2si_r(32|64)_xmmm64$/, cvtf2si(true, false));
defMatching(/^Cvttss2si_r(32|64)_xmmm32$/, cvtf2si(false, true));
defMatching(/^Cvtss2si_r(32|64)_xmmm32$/, cvtf2si(false, false));
def('Cvtss2sd_xmm_xmmm32', cvtss2sd);
def('Cvtsd2ss_xmm_xmmm64', cvtsd2ss);
def('Cvtps2pd_xmm_xmmm64', cvtps2pd);
def('Cvtpd2ps_xmm_xmmm128', cvtpd2ps);
def('Cvtdq2ps_xmm_xmmm128', cvtdq2ps);
def('Cvtdq2pd_xmm_xmmm64', cvtdq2pd);
def('Cvtps2dq_xmm_xmmm128', cvtps2dq(false));
def('Cvttps2dq_xmm_xmmm128', cvtps2dq(true));
def('Cvtpd2dq_xmm_xmmm128', cvtpd2dq(false));
def('Cvttpd2dq_xmm_xmmm128', cvtpd2dq(true));
def('Cvtpi2ps_xmm_mmm64', cvtpi2ps);
def('Cvtpi2pd_xmm_mmm64', cvtpi2pd);
def('Cvtps2pi_mm_xmmm64', cvtToPi(false, false));
def('Cvttps2pi_mm_xmmm64', cvtToPi(false, true));
def('Cvtpd2pi_mm_xmmm128', cvtToPi(true, false));
def('Cvttpd2pi_mm_xmmm128', cvtToPi(true, true));
void OP_XMM; void OP_MEM; void MX_IE; void MX_DE; void MX_ZE; void MX_OE; void MX_UE; void MX_PE; void MX_FTZ; void isNaN64; void F_OE;
