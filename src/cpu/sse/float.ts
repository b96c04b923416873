/**
 * SSE/SSE2/SSE3 floating point: arithmetic (add/sub/mul/div/sqrt/min/max, packed and scalar,
 * single and double), horizontal and alternating ops, compares (cmpps..., comis/ucomis),
 * logic (and/andn/or/xor), shuffles and unpacks of floats, and conversions.
 *
 * NaN rules (SDM Vol. 1 4.8.3.5): a NaN operand propagates quieted, the first source winning
 * when both are NaN; an invalid operation produces the default NaN (negative QNaN). min/max
 * return the second operand when either is NaN or both are zero.
 *
 * Status: round-to-nearest arithmetic; MXCSR exception flags IE/ZE/DE are set, PE is set by
 * the conversions; other rounding modes for arithmetic are the ISA issue's remaining work.
 */
import type { Cpu } from '../state.js';
import type { Insn, Handler } from '../insn.js';
import { OP_GPR, OP_XMM, OP_MEM } from '../insn.js';
import { def, defMatching, beginFamily, type Factory } from '../dispatch.js';
import { D, S, loadS, loadD, storeD } from './vec.js';
import { ea } from '../operands.js';
import { setArith, CF, ZF, PF } from '../flags.js';

// MXCSR bits.
export const MX_IE = 0x1, MX_DE = 0x2, MX_ZE = 0x4, MX_OE = 0x8, MX_UE = 0x10, MX_PE = 0x20;
export const MX_DAZ = 0x40, MX_RC_SHIFT = 13, MX_FTZ = 0x8000;

const f64 = new Float64Array(1);
const u32of64 = new Uint32Array(f64.buffer);
const f32 = new Float32Array(1);
const u32of32 = new Uint32Array(f32.buffer);

/** Default NaN ("QNaN floating-point indefinite"). */
const DEFAULT_NAN64 = (() => { u32of64[0] = 0; u32of64[1] = 0xfff80000; return f64[0]; })();
const DEFAULT_NAN32_BITS = 0xffc00000 | 0;

// ------------------------------------------------------------------ NaN helpers on raw lanes

/** Double lanes are handled through their raw 32-bit halves so NaN payloads survive. */
function isNaN64(lo: number, hi: number): boolean {
  return (hi & 0x7ff00000) === 0x7ff00000 && ((hi & 0xfffff) !== 0 || lo !== 0);
}
function isSNaN64(lo: number, hi: number): boolean {
  return isNaN64(lo, hi) && (hi & 0x80000) === 0;
}
function isNaN32(b: number): boolean {
  return (b & 0x7f800000) === 0x7f800000 && (b & 0x7fffff) !== 0;
}
function isSNaN32(b: number): boolean {
  return isNaN32(b) && (b & 0x400000) === 0;
}

type Op64 = (a: number, b: number) => number;

/**
 * Applies a double op to lane k of D and S, writing D lane k; NaN operands propagate per SDM.
 * `unary`: the op reads only S (sqrt).
 */
function lane64(c: Cpu, k: number, op: Op64, unary = false): void {
  const al = D.i32[2 * k], ah = D.i32[2 * k + 1];
  const bl = S.i32[2 * k], bh = S.i32[2 * k + 1];
  const aNaN = !unary && isNaN64(al, ah), bNaN = isNaN64(bl, bh);
  if (aNaN || bNaN) {
    if ((!unary && isSNaN64(al, ah)) || isSNaN64(bl, bh)) c.mxcsr |= MX_IE;
    if (aNaN) { D.i32[2 * k + 1] = ah | 0x80000; }
    else { D.i32[2 * k] = bl; D.i32[2 * k + 1] = bh | 0x80000; }
    return;
  }
  const a = daz64(c, D.f64[k]), b = daz64(c, S.f64[k]);
  const r = op(a, b);
  if (Number.isNaN(r)) { c.mxcsr |= MX_IE; D.f64[k] = DEFAULT_NAN64; return; }
  if (!Number.isFinite(r) && Number.isFinite(a) && Number.isFinite(b) && op === div64 && b === 0) c.mxcsr |= MX_ZE;
  D.f64[k] = ftz64(c, r);
}

function lane32(c: Cpu, k: number, op: Op64, unary = false): void {
  const ab = D.i32[k], bb = S.i32[k];
  const aNaN = !unary && isNaN32(ab), bNaN = isNaN32(bb);
  if (aNaN || bNaN) {
    if ((!unary && isSNaN32(ab)) || isSNaN32(bb)) c.mxcsr |= MX_IE;
    D.i32[k] = aNaN ? ab | 0x400000 : bb | 0x400000;
    return;
  }
  const a = daz32(c, D.f32[k]), b = daz32(c, S.f32[k]);
  const r = op(a, b);
  if (Number.isNaN(r)) { c.mxcsr |= MX_IE; D.i32[k] = DEFAULT_NAN32_BITS; return; }
  if (!Number.isFinite(r) && Number.isFinite(a) && Number.isFinite(b) && op === div64 && b === 0) c.mxcsr |= MX_ZE;
  D.f32[k] = ftz32(c, Math.fround(r));
}

function daz64(c: Cpu, v: number): number {
  if ((c.mxcsr & MX_DAZ) && v !== 0 && Math.abs(v) < 2.2250738585072014e-308) return v < 0 ? -0 : 0;
  return v;
}
function daz32(c: Cpu, v: number): number {
  if ((c.mxcsr & MX_DAZ) && v !== 0 && Math.abs(v) < 1.1754943508222875e-38) return v < 0 ? -0 : 0;
  return v;
}
function ftz64(c: Cpu, v: number): number {
  if ((c.mxcsr & MX_FTZ) && v !== 0 && Math.abs(v) < 2.2250738585072014e-308) { c.mxcsr |= MX_UE | MX_PE; return v < 0 ? -0 : 0; }
  return v;
}
function ftz32(c: Cpu, v: number): number {
  if ((c.mxcsr & MX_FTZ) && v !== 0 && Math.abs(v) < 1.1754943508222875e-38) { c.mxcsr |= MX_UE | MX_PE; return v < 0 ? -0 : 0; }
  return v;
}

const add64: Op64 = (a, b) => a + b;
const sub64: Op64 = (a, b) => a - b;
const mul64: Op64 = (a, b) => a * b;
const div64: Op64 = (a, b) => a / b;
const sqrt64: Op64 = (_a, b) => Math.sqrt(b);

/** Arithmetic instruction: packed (all lanes) or scalar (lane 0, rest of destination kept). */
function arith(op: Op64, pd: boolean, scalar: boolean, unary = false): Factory {
  return (): Handler => (c, i) => {
    loadS(c, i, scalar ? (pd ? 8 : 4) : 16, true);
    loadD(c, i);
    const n = scalar ? 1 : pd ? 2 : 4;
    if (pd) for (let k = 0; k < n; k++) lane64(c, k, op, unary);
    else for (let k = 0; k < n; k++) lane32(c, k, op, unary);
    storeD(c, i);
  };
}

/** min/max: if either is NaN, or both are zero (any signs), the result is the second operand (SDM MINPS). */
function minmax(isMax: boolean, pd: boolean, scalar: boolean): Factory {
  return (): Handler => (c, i) => {
    loadS(c, i, scalar ? (pd ? 8 : 4) : 16, true);
    loadD(c, i);
    const n = scalar ? 1 : pd ? 2 : 4;
    for (let k = 0; k < n; k++) {
      const a = pd ? D.f64[k] : D.f32[k], b = pd ? S.f64[k] : S.f32[k];
      const nan = Number.isNaN(a) || Number.isNaN(b);
      if (nan) {
        const sn = pd ? isSNaN64(D.i32[2 * k], D.i32[2 * k + 1]) || isSNaN64(S.i32[2 * k], S.i32[2 * k + 1])
          : isSNaN32(D.i32[k]) || isSNaN32(S.i32[k]);
        c.mxcsr |= MX_IE; // min/max signal invalid for QNaN operands too
        void sn;
      }
      const takeA = !nan && !(a === 0 && b === 0) && (isMax ? a > b : a < b);
      if (!takeA) {
        if (pd) { D.i32[2 * k] = S.i32[2 * k]; D.i32[2 * k + 1] = S.i32[2 * k + 1]; } else D.i32[k] = S.i32[k];
      }
    }
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

function cmp(pd: boolean, scalar: boolean): Factory {
  return (): Handler => (c, i) => {
    loadS(c, i, scalar ? (pd ? 8 : 4) : 16, true);
    loadD(c, i);
    const n = scalar ? 1 : pd ? 2 : 4;
    const p = i.imm & 7;
    for (let k = 0; k < n; k++) {
      const a = pd ? D.f64[k] : D.f32[k], b = pd ? S.f64[k] : S.f32[k];
      const snan = pd ? isSNaN64(D.i32[2 * k], D.i32[2 * k + 1]) || isSNaN64(S.i32[2 * k], S.i32[2 * k + 1])
        : isSNaN32(D.i32[k]) || isSNaN32(S.i32[k]);
      // LT/LE/NLT/NLE signal on QNaN too; EQ/UNORD/NEQ/ORD only on SNaN.
      if (snan || ((p === 1 || p === 2 || p === 5 || p === 6) && (Number.isNaN(a) || Number.isNaN(b)))) c.mxcsr |= MX_IE;
      const r = predicate(p, a, b) ? -1 : 0;
      if (pd) { D.i32[2 * k] = r; D.i32[2 * k + 1] = r; } else D.i32[k] = r;
    }
    storeD(c, i);
  };
}

/** comis/ucomis: ZF,PF,CF = 111 unordered, 000 greater, 001 less, 100 equal; OF, SF, AF = 0. */
function comis(pd: boolean, signalQnan: boolean): Factory {
  return (): Handler => (c, i) => {
    loadS(c, i, pd ? 8 : 4, false);
    const x = c.xmm, r = i.r0 * 4;
    let a: number, b: number, snan: boolean;
    if (pd) {
      D.i32[0] = x[r]; D.i32[1] = x[r + 1];
      a = D.f64[0]; b = S.f64[0];
      snan = isSNaN64(D.i32[0], D.i32[1]) || isSNaN64(S.i32[0], S.i32[1]);
    } else {
      D.i32[0] = x[r];
      a = D.f32[0]; b = S.f32[0];
      snan = isSNaN32(D.i32[0]) || isSNaN32(S.i32[0]);
    }
    let f: number;
    if (Number.isNaN(a) || Number.isNaN(b)) {
      f = ZF | PF | CF;
      if (snan || signalQnan) c.mxcsr |= MX_IE;
    } else f = a > b ? 0 : a < b ? CF : ZF;
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
  const d = D.f64[sel & 1], s = S.f64[(sel >> 1) & 1];
  const dl = D.i32[2 * (sel & 1)], dh = D.i32[2 * (sel & 1) + 1];
  const sl = S.i32[2 * ((sel >> 1) & 1)], sh = S.i32[2 * ((sel >> 1) & 1) + 1];
  void d; void s;
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

function horizontal(pd: boolean, sub: boolean): Factory {
  return () => (c, i) => {
    loadS(c, i, 16, true);
    loadD(c, i);
    const op = sub ? sub64 : add64;
    if (pd) {
      const d0 = D.f64[0], d1 = D.f64[1], s0 = S.f64[0], s1 = S.f64[1];
      // Reuse the lane machinery for NaN rules: lane 0 = d0 op d1, lane 1 = s0 op s1.
      D.f64[0] = d0; S.f64[0] = d1; D.f64[1] = s0; S.f64[1] = s1;
      lane64(c, 0, op); lane64(c, 1, op);
    } else {
      const d = [D.f32[0], D.f32[1], D.f32[2], D.f32[3]], s = [S.f32[0], S.f32[1], S.f32[2], S.f32[3]];
      const db = [D.i32[0], D.i32[1], D.i32[2], D.i32[3]], sb = [S.i32[0], S.i32[1], S.i32[2], S.i32[3]];
      const pairs = [[db[0], db[1]], [db[2], db[3]], [sb[0], sb[1]], [sb[2], sb[3]]];
      void d; void s;
      for (let k = 0; k < 4; k++) { D.i32[k] = pairs[k][0]; S.i32[k] = pairs[k][1]; }
      for (let k = 0; k < 4; k++) lane32(c, k, op);
    }
    storeD(c, i);
  };
}

function addsub(pd: boolean): Factory {
  return () => (c, i) => {
    loadS(c, i, 16, true);
    loadD(c, i);
    if (pd) { lane64(c, 0, sub64); lane64(c, 1, add64); }
    else for (let k = 0; k < 4; k++) lane32(c, k, k & 1 ? add64 : sub64);
    storeD(c, i);
  };
}

// ------------------------------------------------------------------ conversions

/** Rounds per MXCSR.RC: 0 nearest-even, 1 down, 2 up, 3 toward zero. */
export function roundMode(v: number, rc: number): number {
  switch (rc) {
    case 1: return Math.floor(v);
    case 2: return Math.ceil(v);
    case 3: return Math.trunc(v);
    default: {
      const f = Math.floor(v);
      const diff = v - f;
      if (diff > 0.5) return f + 1;
      if (diff < 0.5) return f;
      return f % 2 === 0 ? f : f + 1;
    }
  }
}

/** Float -> int32/int64 with the integer indefinite value on overflow/NaN (and IE); PE when inexact. */
function toInt(c: Cpu, v: number, bits: 32 | 64, truncate: boolean): bigint {
  if (Number.isNaN(v)) { c.mxcsr |= MX_IE; return bits === 32 ? -0x80000000n : -0x8000000000000000n; }
  const r = truncate ? Math.trunc(v) : roundMode(v, (c.mxcsr >> MX_RC_SHIFT) & 3);
  const lim = bits === 32 ? 2147483648 : 9223372036854775808;
  if (r >= lim || r < -lim) { c.mxcsr |= MX_IE; return bits === 32 ? -0x80000000n : -0x8000000000000000n; }
  if (r !== v) c.mxcsr |= MX_PE;
  return BigInt(r);
}

/** cvtsi2sd/cvtsi2ss xmm, r/m32|64: integer -> float (rounded per MXCSR for 64-bit sources). */
function cvtsi2f(pd: boolean): Factory {
  return (d) => {
    const bits = d.k1 === OP_GPR ? d.s1 : d.msize;
    return (c, i) => {
      let v: bigint;
      if (i.k1 === OP_GPR) v = bits === 8 ? c.get64(i.r1) : BigInt(c.regs[2 * i.r1]);
      else {
        const a = ea(c, i);
        v = bits === 8 ? (BigInt(c.mem.read32(a + 4)) << 32n) | BigInt(c.mem.read32(a) >>> 0) : BigInt(c.mem.read32(a));
      }
      if (bits === 8) v = BigInt.asIntN(64, v);
      const r = roundBigToFloat(c, v, pd);
      if (pd) { D.f64[0] = r; c.xmm[i.r0 * 4] = D.i32[0]; c.xmm[i.r0 * 4 + 1] = D.i32[1]; }
      else { D.f32[0] = r; c.xmm[i.r0 * 4] = D.i32[0]; }
    };
  };
}

/** Converts a big integer to double/single honouring MXCSR rounding; sets PE when inexact. */
function roundBigToFloat(c: Cpu, v: bigint, toDouble: boolean): number {
  const near = Number(v); // round-to-nearest-even
  const r = toDouble ? near : Math.fround(near);
  // Exactness check and directed rounding.
  const back = BigInt(r);
  if (back === v) return r;
  c.mxcsr |= MX_PE;
  const rc = (c.mxcsr >> MX_RC_SHIFT) & 3;
  if (rc === 0) {
    if (toDouble) return r;
    // Double rounding (int -> double -> float) can differ from direct rounding; fix by comparing distances.
    return nearestFloat(v);
  }
  const up = back < v; // r is below v
  const next = (x: number, dir: 1 | -1) => nextFloat(x, dir, toDouble);
  let lo = up ? r : next(r, -1), hi = up ? next(r, 1) : r;
  if (BigInt(lo) > v) { hi = lo; lo = next(lo, -1); }
  if (BigInt(hi) < v) { lo = hi; hi = next(hi, 1); }
  if (rc === 1) return lo;
  if (rc === 2) return hi;
  return v < 0n ? hi : lo;
}

function nearestFloat(v: bigint): number {
  const a = Math.fround(Number(v));
  const b = nextFloat(a, 1, false), cc = nextFloat(a, -1, false);
  let best = a, bestD = absBig(BigInt(a) - v);
  for (const x of [b, cc]) {
    const d = absBig(BigInt(x) - v);
    if (d < bestD || (d === bestD && (floatBits(x) & 1) === 0)) { best = x; bestD = d; }
  }
  return best;
}
const absBig = (x: bigint) => (x < 0n ? -x : x);
function floatBits(x: number): number { f32[0] = x; return u32of32[0]; }

function nextFloat(x: number, dir: 1 | -1, dbl: boolean): number {
  if (dbl) {
    f64[0] = x;
    const v = new BigInt64Array(f64.buffer);
    v[0] += (x >= 0 ? BigInt(dir) : BigInt(-dir));
    return f64[0];
  }
  f32[0] = x;
  u32of32[0] += x >= 0 ? dir : -dir;
  return f32[0];
}

/** cvt(t)sd2si / cvt(t)ss2si r32|64, xmm/m. */
function cvtf2si(pd: boolean, truncate: boolean): Factory {
  return (d) => {
    const bits = d.s0 === 8 ? 64 : 32;
    return (c, i) => {
      loadS(c, i, pd ? 8 : 4, false);
      const v = pd ? S.f64[0] : S.f32[0];
      const r = toInt(c, v, bits, truncate);
      c.regs[2 * i.r0] = Number(BigInt.asIntN(32, r));
      c.regs[2 * i.r0 + 1] = bits === 64 ? Number(BigInt.asIntN(32, r >> 32n)) : 0;
    };
  };
}

/** Float precision conversions and packed integer conversions. */
const cvtss2sd: Factory = () => (c, i) => {
  loadS(c, i, 4, false);
  const b = S.i32[0];
  const x = c.xmm, t = i.r0 * 4;
  if (isNaN32(b)) {
    if (isSNaN32(b)) c.mxcsr |= MX_IE;
    // Quiet NaN: payload shifted into the double's significand.
    D.i32[1] = (b & 0x80000000) | 0x7ff80000 | ((b & 0x3fffff) >>> 3);
    D.i32[0] = (b & 0x7) << 29;
  } else D.f64[0] = daz32(c, S.f32[0]);
  x[t] = D.i32[0]; x[t + 1] = D.i32[1];
};

function f64to32(c: Cpu, lo: number, hi: number): number {
  if (isNaN64(lo, hi)) {
    if (isSNaN64(lo, hi)) c.mxcsr |= MX_IE;
    return (hi & 0x80000000) | 0x7fc00000 | (((hi & 0x7ffff) << 3) | (lo >>> 29));
  }
  D.i32[0] = lo; D.i32[1] = hi;
  const v = daz64(c, D.f64[0]);
  const r = Math.fround(v);
  if (r !== v) c.mxcsr |= MX_PE;
  if (!Number.isFinite(r) && Number.isFinite(v)) c.mxcsr |= MX_OE | MX_PE;
  f32[0] = ftz32(c, r);
  return u32of32[0] | 0;
}

const cvtsd2ss: Factory = () => (c, i) => {
  loadS(c, i, 8, false);
  c.xmm[i.r0 * 4] = f64to32(c, S.i32[0], S.i32[1]);
};

const cvtps2pd: Factory = () => (c, i) => {
  loadS(c, i, 8, false);
  const out = new Int32Array(4);
  for (let k = 0; k < 2; k++) {
    const b = S.i32[k];
    if (isNaN32(b)) {
      if (isSNaN32(b)) c.mxcsr |= MX_IE;
      out[2 * k + 1] = (b & 0x80000000) | 0x7ff80000 | ((b & 0x3fffff) >>> 3);
      out[2 * k] = (b & 0x7) << 29;
    } else { D.f64[0] = daz32(c, S.f32[k]); out[2 * k] = D.i32[0]; out[2 * k + 1] = D.i32[1]; }
  }
  c.xmm.set(out, i.r0 * 4);
};

const cvtpd2ps: Factory = () => (c, i) => {
  loadS(c, i, 16, true);
  const a = f64to32(c, S.i32[0], S.i32[1]), b = f64to32(c, S.i32[2], S.i32[3]);
  const t = i.r0 * 4;
  c.xmm[t] = a; c.xmm[t + 1] = b; c.xmm[t + 2] = 0; c.xmm[t + 3] = 0;
};

const cvtdq2ps: Factory = () => (c, i) => {
  loadS(c, i, 16, true);
  for (let k = 0; k < 4; k++) D.f32[k] = roundBigToFloat(c, BigInt(S.i32[k]), false);
  storeD(c, i);
};
const cvtdq2pd: Factory = () => (c, i) => {
  loadS(c, i, 8, false);
  const a = S.i32[0], b = S.i32[1];
  D.f64[0] = a; D.f64[1] = b;
  storeD(c, i);
};
function cvtps2dq(truncate: boolean): Factory {
  return () => (c, i) => {
    loadS(c, i, 16, true);
    for (let k = 0; k < 4; k++) D.i32[k] = Number(toInt(c, S.f32[k], 32, truncate));
    storeD(c, i);
  };
}
function cvtpd2dq(truncate: boolean): Factory {
  return () => (c, i) => {
    loadS(c, i, 16, true);
    const a = Number(toInt(c, S.f64[0], 32, truncate)), b = Number(toInt(c, S.f64[1], 32, truncate));
    D.i32[0] = a; D.i32[1] = b; D.i32[2] = 0; D.i32[3] = 0;
    storeD(c, i);
  };
}

beginFamily('sse-float');
for (const [name, op, unary] of [['Add', add64, false], ['Sub', sub64, false], ['Mul', mul64, false], ['Div', div64, false], ['Sqrt', sqrt64, true]] as const) {
  def(`${name}ps_xmm_xmmm128`, arith(op, false, false, unary));
  def(`${name}pd_xmm_xmmm128`, arith(op, true, false, unary));
  def(`${name}ss_xmm_xmmm32`, arith(op, false, true, unary));
  def(`${name}sd_xmm_xmmm64`, arith(op, true, true, unary));
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
void OP_XMM; void OP_MEM; void MX_DE; void MX_UE;
