/**
 * IEEE 754 binary32/binary64 arithmetic as SSE performs it (Intel SDM Vol. 1 chapter 4.8-4.9 and
 * 11.5): the four rounding modes of MXCSR.RC, the exception flags IE DE ZE OE UE PE, DAZ
 * (denormal operands read as zero) and FTZ (tiny results flushed to zero), default NaN and NaN
 * propagation, and tininess detected after rounding (as x86 does).
 *
 * Values travel as raw bits: binary32 as a uint32 number, binary64 as (lo, hi) int32 halves, so
 * NaN payloads never pass through a JS number. Results are left in `out` (lo, hi; binary32 in lo)
 * and the exception conditions are ORed into `out.flags` (the caller clears it per instruction).
 *
 * Fast path: when the operands are normal (or zero) and the result is comfortably normal, the JS
 * operation gives the round-to-nearest result and an error-free transformation (TwoSum,
 * Dekker's TwoProduct, the division/square-root remainder) gives exactness and the direction of
 * the error, from which PE and the directed roundings follow. binary32 goes through binary64,
 * which is innocuous double rounding for + - * / sqrt since 53 >= 2*24 + 2 (Figueroa 1995).
 * Everything else (denormals, overflow, underflow) takes the exact BigInt path.
 */

export const F_IE = 0x1, F_DE = 0x2, F_ZE = 0x4, F_OE = 0x8, F_UE = 0x10, F_PE = 0x20;
/** Not an MXCSR flag: the result was tiny (underflow when UE is unmasked, even if exact). */
export const F_TINY = 0x40;

export const RC_NEAREST = 0, RC_DOWN = 1, RC_UP = 2, RC_ZERO = 3;

export const OP_ADD = 0, OP_SUB = 1, OP_MUL = 2, OP_DIV = 3, OP_SQRT = 4;

/** Operation context: rounding, DAZ, FTZ (FTZ only acts when underflow is masked). */
export interface Mode { rc: number; daz: boolean; ftz: boolean }

export const out = { lo: 0, hi: 0, flags: 0 };

/** The 16 possible modes, shared (no allocation per instruction). */
const MODES: Mode[] = Array.from({ length: 16 }, (_, k) => ({ rc: k >> 2, daz: (k & 2) !== 0, ftz: (k & 1) !== 0 }));

export function modeOf(mxcsr: number): Mode {
  const ftz = (mxcsr & 0x8000) !== 0 && (mxcsr & 0x800) !== 0;
  return MODES[(((mxcsr >> 13) & 3) << 2) | ((mxcsr & 0x40) !== 0 ? 2 : 0) | (ftz ? 1 : 0)];
}

const f64b = new Float64Array(1);
const u32v = new Uint32Array(f64b.buffer);
const f32b = new Float32Array(1);
const u32f = new Uint32Array(f32b.buffer);

const bitsToF64 = (lo: number, hi: number): number => { u32v[0] = lo; u32v[1] = hi; return f64b[0]; };
const bitsToF32 = (b: number): number => { u32f[0] = b; return f32b[0]; };
function setF64(v: number): void { f64b[0] = v; out.lo = u32v[0] | 0; out.hi = u32v[1] | 0; }
function setF32(v: number): void { f32b[0] = v; out.lo = u32f[0] | 0; out.hi = 0; }

// ------------------------------------------------------------------ classification

export const isNaN32 = (b: number): boolean => (b & 0x7f800000) === 0x7f800000 && (b & 0x7fffff) !== 0;
export const isSNaN32 = (b: number): boolean => isNaN32(b) && (b & 0x400000) === 0;
export const isNaN64 = (lo: number, hi: number): boolean => (hi & 0x7ff00000) === 0x7ff00000 && ((hi & 0xfffff) !== 0 || lo !== 0);
export const isSNaN64 = (lo: number, hi: number): boolean => isNaN64(lo, hi) && (hi & 0x80000) === 0;
export const isDenormal32 = (b: number): boolean => (b & 0x7f800000) === 0 && (b & 0x7fffff) !== 0;
export const isDenormal64 = (lo: number, hi: number): boolean => (hi & 0x7ff00000) === 0 && ((hi & 0xfffff) !== 0 || lo !== 0);
const isInf32 = (b: number): boolean => (b & 0x7fffffff) === 0x7f800000;
const isInf64 = (lo: number, hi: number): boolean => (hi & 0x7fffffff) === 0x7ff00000 && lo === 0;
const isZero32 = (b: number): boolean => (b & 0x7fffffff) === 0;
const isZero64 = (lo: number, hi: number): boolean => (hi & 0x7fffffff) === 0 && lo === 0;

export const DEFAULT_NAN32 = 0xffc00000 | 0;
export const DEFAULT_NAN64_HI = 0xfff80000 | 0;

// ------------------------------------------------------------------ formats

interface Fmt { p: number; emin: number; emax: number; bias: number; fracBits: bigint; big: boolean }
const F32: Fmt = { p: 24, emin: -126, emax: 127, bias: 127, fracBits: 23n, big: false };
const F64: Fmt = { p: 53, emin: -1022, emax: 1023, bias: 1023, fracBits: 52n, big: true };

/** Unpacked finite non-zero value: (-1)^s * m * 2^e. */
interface Unpacked { s: number; m: bigint; e: number }

function unpack64(lo: number, hi: number): Unpacked {
  const s = hi >>> 31;
  const exp = (hi >>> 20) & 0x7ff;
  let m = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo >>> 0);
  let e: number;
  if (exp === 0) e = -1074;
  else { m |= 1n << 52n; e = exp - 1075; }
  return { s, m, e };
}

function unpack32(b: number): Unpacked {
  const s = b >>> 31;
  const exp = (b >>> 23) & 0xff;
  let m = BigInt(b & 0x7fffff);
  let e: number;
  if (exp === 0) e = -149;
  else { m |= 1n << 23n; e = exp - 150; }
  return { s, m, e };
}

function bitLength(m: bigint): number {
  return m === 0n ? 0 : m.toString(2).length;
}

/** Drops `drop` low bits of m with the rounding mode; returns the rounded integer and exactness. */
function roundBits(m: bigint, drop: number, neg: boolean, rc: number): { q: bigint; inexact: boolean } {
  if (drop <= 0) return { q: m << BigInt(-drop), inexact: false };
  const d = BigInt(drop);
  let q = m >> d;
  const rem = m & ((1n << d) - 1n);
  if (rem === 0n) return { q, inexact: false };
  const half = 1n << (d - 1n);
  switch (rc) {
    case RC_NEAREST: if (rem > half || (rem === half && (q & 1n) === 1n)) q += 1n; break;
    case RC_DOWN: if (neg) q += 1n; break;
    case RC_UP: if (!neg) q += 1n; break;
  }
  return { q, inexact: true };
}

/**
 * Rounds the exact value (-1)^s * m * 2^e (m > 0; `sticky`: a non-zero part below m's last bit)
 * to the format, sets out (bits) and ORs the exception flags into out.flags.
 */
function roundPack(s: number, m: bigint, e: number, sticky: boolean, f: Fmt, mode: Mode): void {
  if (sticky) { m = (m << 2n) | 1n; e -= 2; }
  const neg = s === 1;
  const L = bitLength(m);
  // Round with an unbounded exponent first: tininess is detected after rounding (x86).
  let { q, inexact } = roundBits(m, L - f.p, neg, mode.rc);
  let E = e + L - 1;
  if (q === 1n << BigInt(f.p)) { q >>= 1n; E += 1; }
  if (E > f.emax) {
    out.flags |= F_OE | F_PE;
    const toInf = mode.rc === RC_NEAREST || (mode.rc === RC_UP && !neg) || (mode.rc === RC_DOWN && neg);
    if (f.big) {
      if (toInf) { out.lo = 0; out.hi = (s << 31) | 0x7ff00000; } else { out.lo = -1; out.hi = (s << 31) | 0x7fefffff; }
    } else {
      out.lo = toInf ? ((s << 31) | 0x7f800000) : ((s << 31) | 0x7f7fffff); out.hi = 0;
    }
    return;
  }
  if (E >= f.emin) {
    if (inexact) out.flags |= F_PE;
    packBits(s, BigInt(E + f.bias), q & ((1n << f.fracBits) - 1n), f);
    return;
  }
  // Tiny.
  out.flags |= F_TINY;
  if (mode.ftz) {
    out.flags |= F_UE | F_PE;
    packBits(s, 0n, 0n, f);
    return;
  }
  const drop = (f.emin - f.p + 1) - e;
  const r = roundBits(m, drop, neg, mode.rc);
  if (r.inexact) out.flags |= F_UE | F_PE;
  // r.q < 2^(p-1) is a denormal fraction; == 2^(p-1) carries into the smallest normal exponent.
  packBits(s, 0n, r.q, f);
}

function packBits(s: number, exp: bigint, frac: bigint, f: Fmt): void {
  const v = (BigInt(s) << (f.big ? 63n : 31n)) | (exp << f.fracBits) | frac; // frac may carry into exp
  if (f.big) { out.lo = Number(BigInt.asIntN(32, v)); out.hi = Number(BigInt.asIntN(32, v >> 32n)); }
  else { out.lo = Number(BigInt.asIntN(32, v)); out.hi = 0; }
}

/** Exact result of a op b (finite, non-zero where it matters) rounded to f. */
function slowOp(op: number, a: Unpacked | null, b: Unpacked | null, sa: number, sb: number, f: Fmt, mode: Mode): void {
  // a or b null: the operand is zero (sign sa/sb).
  const zeroResult = (s: number) => packBits(s, 0n, 0n, f);
  switch (op) {
    case OP_ADD: case OP_SUB: {
      if (op === OP_SUB) sb ^= 1;
      if (!a && !b) { zeroResult(sa === sb ? sa : mode.rc === RC_DOWN ? 1 : 0); return; }
      if (!a) { roundPack(sb, b!.m, b!.e, false, f, mode); return; }
      if (!b) { roundPack(sa, a.m, a.e, false, f, mode); return; }
      let ma = a.m, mb = b.m, ea = a.e, eb = b.e;
      // A far smaller operand only matters as a sticky bit below the larger one's rounding point.
      const lim = 2 * f.p + 8;
      if (ea - eb > lim + (bitLength(mb) - bitLength(ma))) { mb = 1n; eb = ea + bitLength(ma) - 1 - lim - 1; }
      else if (eb - ea > lim + (bitLength(ma) - bitLength(mb))) { ma = 1n; ea = eb + bitLength(mb) - 1 - lim - 1; }
      const e = Math.min(ea, eb);
      const x = (sa ? -1n : 1n) * (ma << BigInt(ea - e)) + (sb ? -1n : 1n) * (mb << BigInt(eb - e));
      if (x === 0n) { zeroResult(mode.rc === RC_DOWN ? 1 : 0); return; }
      roundPack(x < 0n ? 1 : 0, x < 0n ? -x : x, e, false, f, mode);
      return;
    }
    case OP_MUL: {
      const s = sa ^ sb;
      if (!a || !b) { zeroResult(s); return; }
      roundPack(s, a.m * b.m, a.e + b.e, false, f, mode);
      return;
    }
    case OP_DIV: {
      const s = sa ^ sb;
      if (!a) { zeroResult(s); return; }
      const k = Math.max(0, f.p + 3 - (bitLength(a.m) - bitLength(b!.m)));
      const num = a.m << BigInt(k);
      const q = num / b!.m, rem = num % b!.m;
      roundPack(s, q, a.e - b!.e - k, rem !== 0n, f, mode);
      return;
    }
    default: { // sqrt of b (positive, non-zero)
      let m = b!.m, e = b!.e;
      if (e & 1) { m <<= 1n; e -= 1; }
      let k = Math.max(0, Math.ceil((2 * (f.p + 3) - bitLength(m)) / 2));
      m <<= BigInt(2 * k);
      const r = isqrt(m);
      roundPack(0, r, e / 2 - k, r * r !== m, f, mode);
      void k;
    }
  }
}

function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = BigInt(Math.floor(Math.sqrt(Number(n))));
  // Newton steps to the exact floor (the double estimate is off for large n).
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) break;
    x = y;
  }
  while (x * x > n) x -= 1n;
  while ((x + 1n) * (x + 1n) <= n) x += 1n;
  return x;
}

// ------------------------------------------------------------------ error-free transformations

/** Knuth's TwoSum: the exact error a + b - s of the rounded sum s = a + b (no overflow). */
export function twoSumErr(a: number, b: number, s: number): number {
  const t = s - a;
  return (a - (s - t)) + (b - t);
}

const SPLIT = 134217729; // 2^27 + 1
/** Dekker TwoProduct: returns the low part of a*b (exact when no overflow/underflow). */
export function twoProdErr(a: number, b: number, p: number): number {
  let t = SPLIT * a;
  const ah = t - (t - a), al = a - ah;
  t = SPLIT * b;
  const bh = t - (t - b), bl = b - bh;
  return ((ah * bh - p) + ah * bl + al * bh) + al * bl;
}

function nextAfter64(x: number, up: boolean): number {
  f64b[0] = x;
  const big = new BigInt64Array(f64b.buffer);
  if (x === 0) { u32v[0] = 1; u32v[1] = up ? 0 : 0x80000000; return f64b[0]; }
  big[0] += (x > 0) === up ? 1n : -1n;
  return f64b[0];
}

function nextAfter32(x: number, up: boolean): number {
  f32b[0] = x;
  if (x === 0) { u32f[0] = up ? 1 : 0x80000001; return f32b[0]; }
  u32f[0] += (x > 0) === up ? 1 : -1;
  return f32b[0];
}

/** Applies a directed rounding to the round-to-nearest result r whose exact value lies `dir` (-1/0/1) from it. */
function directed(r: number, dir: number, rc: number, next: (x: number, up: boolean) => number): number {
  if (dir === 0 || rc === RC_NEAREST) return r;
  switch (rc) {
    case RC_DOWN: return dir < 0 ? next(r, false) : r;
    case RC_UP: return dir > 0 ? next(r, true) : r;
    default: return (r > 0 && dir < 0) || (r < 0 && dir > 0) ? next(r, r < 0) : r;
  }
}

export const MIN_FAST64 = 2 ** -960, MAX_FAST64 = 2 ** 995;
const NORMAL64 = 2 ** -1021;
const NORMAL32 = 2 ** -125, MAX32 = 2 ** 127;

// ------------------------------------------------------------------ binary64

/** Results of op64/op32's special cases (module-level: closures in the hot functions were allocated per call). */
function invalid64(): void { out.flags |= F_IE; out.lo = 0; out.hi = DEFAULT_NAN64_HI; }
function inf64(s: number): void { out.lo = 0; out.hi = (s << 31) | 0x7ff00000; }
function invalid32(): void { out.flags |= F_IE; out.lo = DEFAULT_NAN32; out.hi = 0; }
function inf32(s: number): void { out.lo = (s << 31) | 0x7f800000; out.hi = 0; }

/**
 * a op b for binary64 (op OP_SQRT uses b only). Handles NaNs, invalid operations, division by
 * zero, DAZ and the denormal flag, then rounds per mode.
 */
export function op64(op: number, al: number, ah: number, bl: number, bh: number, mode: Mode): void {
  const unary = op === OP_SQRT;
  const aNaN = !unary && isNaN64(al, ah), bNaN = isNaN64(bl, bh);
  if (aNaN || bNaN) {
    if ((!unary && isSNaN64(al, ah)) || isSNaN64(bl, bh)) out.flags |= F_IE;
    if (aNaN) { out.lo = al; out.hi = ah | 0x80000; } else { out.lo = bl; out.hi = bh | 0x80000; }
    return;
  }
  // sqrt of a negative number (a denormal one too, unless DAZ makes it -0) is invalid without DE.
  if (unary && bh < 0 && !isZero64(bl, bh) && !(mode.daz && isDenormal64(bl, bh))) {
    out.flags |= F_IE; out.lo = 0; out.hi = DEFAULT_NAN64_HI; return;
  }
  // Denormal operands: DE, or zero under DAZ. (A denormal divided by zero reports only ZE: oracle.)
  if (!unary && isDenormal64(al, ah)) {
    if (mode.daz) { al = 0; ah &= 0x80000000; } else if (!(op === OP_DIV && isZero64(bl, bh))) out.flags |= F_DE;
  }
  if (isDenormal64(bl, bh)) { if (mode.daz) { bl = 0; bh &= 0x80000000; } else out.flags |= F_DE; }
  const sa = ah >>> 31, sb = bh >>> 31;
  const aInf = !unary && isInf64(al, ah), bInf = isInf64(bl, bh);
  const aZero = !unary && isZero64(al, ah), bZero = isZero64(bl, bh);
  switch (op) {
    case OP_ADD: case OP_SUB: {
      const sbe = op === OP_SUB ? sb ^ 1 : sb;
      if (aInf || bInf) {
        if (aInf && bInf && sa !== sbe) { invalid64(); return; }
        inf64(aInf ? sa : sbe); return;
      }
      break;
    }
    case OP_MUL:
      if (aInf || bInf) { if (aZero || bZero) { invalid64(); return; } inf64(sa ^ sb); return; }
      break;
    case OP_DIV:
      if (aInf) { if (bInf) { invalid64(); return; } inf64(sa ^ sb); return; }
      if (bInf) { out.lo = 0; out.hi = (sa ^ sb) << 31; return; }
      if (bZero) { if (aZero) { invalid64(); return; } out.flags |= F_ZE; inf64(sa ^ sb); return; }
      break;
    default: // sqrt
      if (bZero) { out.lo = 0; out.hi = bh & 0x80000000; return; }
      if (sb) { invalid64(); return; }
      if (bInf) { out.lo = bl; out.hi = bh; return; }
  }
  const a = unary ? 0 : bitsToF64(al, ah), b = bitsToF64(bl, bh);
  // Fast path.
  let r: number, dir = 2;
  switch (op) {
    case OP_ADD: case OP_SUB: {
      const bb = op === OP_SUB ? -b : b;
      r = a + bb;
      if (r === 0) { if (a !== 0 || bb !== 0) { setF64(mode.rc === RC_DOWN ? -0 : 0); return; } if (mode.rc === RC_DOWN && (Object.is(a, -0) || Object.is(bb, -0))) { setF64(-0); return; } setF64(r); return; }
      if (Math.abs(r) > NORMAL64 && Math.abs(r) < 2 ** 1023) {
        const e = twoSumErr(a, bb, r);
        dir = e > 0 ? 1 : e < 0 ? -1 : 0;
      }
      break;
    }
    case OP_MUL:
      r = a * b;
      if (aZero || bZero) { setF64(r); return; }
      if (Math.abs(r) > MIN_FAST64 && Math.abs(r) < 2 ** 1023 && Math.abs(a) < MAX_FAST64 && Math.abs(b) < MAX_FAST64) {
        const e = twoProdErr(a, b, r);
        dir = e > 0 ? 1 : e < 0 ? -1 : 0;
      }
      break;
    case OP_DIV:
      r = a / b;
      if (a === 0) { setF64(r); return; }
      if (Math.abs(r) > MIN_FAST64 && Math.abs(r) < MAX_FAST64 && Math.abs(b) < MAX_FAST64 && Math.abs(b) > MIN_FAST64 &&
          Math.abs(a) > MIN_FAST64 && Math.abs(a) < 2 ** 1020) {
        const p = r * b, pe = twoProdErr(r, b, p);
        const rem = (a - p) - pe; // a - r*b exactly
        const sgn = rem === 0 ? 0 : (rem > 0) === (b > 0) ? 1 : -1;
        dir = sgn;
      }
      break;
    default:
      r = Math.sqrt(b);
      if (b > MIN_FAST64) {
        const p = r * r, pe = twoProdErr(r, r, p);
        const rem = (b - p) - pe;
        dir = rem > 0 ? 1 : rem < 0 ? -1 : 0;
      }
  }
  if (dir !== 2) {
    if (dir !== 0) out.flags |= F_PE;
    setF64(directed(r, dir, mode.rc, nextAfter64));
    return;
  }
  slowOp(op, aZero ? null : unary ? null : unpack64(al, ah), bZero ? null : unpack64(bl, bh), sa, sb, F64, mode);
}

// ------------------------------------------------------------------ binary32

export function op32(op: number, ab: number, bb: number, mode: Mode): void {
  const unary = op === OP_SQRT;
  const aNaN = !unary && isNaN32(ab), bNaN = isNaN32(bb);
  if (aNaN || bNaN) {
    if ((!unary && isSNaN32(ab)) || isSNaN32(bb)) out.flags |= F_IE;
    out.lo = (aNaN ? ab : bb) | 0x400000; out.hi = 0;
    return;
  }
  if (unary && bb < 0 && !isZero32(bb) && !(mode.daz && isDenormal32(bb))) {
    out.flags |= F_IE; out.lo = DEFAULT_NAN32; out.hi = 0; return;
  }
  if (!unary && isDenormal32(ab)) { if (mode.daz) ab &= 0x80000000; else if (!(op === OP_DIV && isZero32(bb))) out.flags |= F_DE; }
  if (isDenormal32(bb)) { if (mode.daz) bb &= 0x80000000; else out.flags |= F_DE; }
  const sa = ab >>> 31, sb = bb >>> 31;
  const aInf = !unary && isInf32(ab), bInf = isInf32(bb);
  const aZero = !unary && isZero32(ab), bZero = isZero32(bb);
  switch (op) {
    case OP_ADD: case OP_SUB: {
      const sbe = op === OP_SUB ? sb ^ 1 : sb;
      if (aInf || bInf) {
        if (aInf && bInf && sa !== sbe) { invalid32(); return; }
        inf32(aInf ? sa : sbe); return;
      }
      break;
    }
    case OP_MUL:
      if (aInf || bInf) { if (aZero || bZero) { invalid32(); return; } inf32(sa ^ sb); return; }
      break;
    case OP_DIV:
      if (aInf) { if (bInf) { invalid32(); return; } inf32(sa ^ sb); return; }
      if (bInf) { out.lo = (sa ^ sb) << 31; out.hi = 0; return; }
      if (bZero) { if (aZero) { invalid32(); return; } out.flags |= F_ZE; inf32(sa ^ sb); return; }
      break;
    default:
      if (bZero) { out.lo = bb & 0x80000000; out.hi = 0; return; }
      if (sb) { invalid32(); return; }
      if (bInf) { out.lo = bb; out.hi = 0; return; }
  }
  const a = unary ? 0 : bitsToF32(ab), b = bitsToF32(bb);
  // Exact or once-rounded binary64 value d, with e = the exact error of d when known.
  let d: number, e = 0;
  switch (op) {
    case OP_ADD: case OP_SUB: {
      const y = op === OP_SUB ? -b : b;
      d = a + y;
      if (d === 0) { if (a !== 0 || y !== 0) { setF32(mode.rc === RC_DOWN ? -0 : 0); return; } if (mode.rc === RC_DOWN && (Object.is(a, -0) || Object.is(y, -0))) { setF32(-0); return; } setF32(d); return; }
      e = twoSumErr(a, y, d);
      break;
    }
    case OP_MUL: d = a * b; if (d === 0) { setF32(d); return; } break; // exact: 24x24 bits
    case OP_DIV: d = a / b; if (a === 0) { setF32(d); return; } break; // d == float(d) only when exact
    default: d = Math.sqrt(b);
  }
  const q = Math.fround(d);
  const aq = Math.abs(q);
  if (aq > NORMAL32 && aq < MAX32) {
    const dir = q !== d ? (d > q ? 1 : -1) : e > 0 ? 1 : e < 0 ? -1 : 0;
    if (dir !== 0) out.flags |= F_PE;
    setF32(directed(q, dir, mode.rc, nextAfter32));
    return;
  }
  slowOp(op, aZero || unary ? null : unpack32(ab), bZero ? null : unpack32(bb), sa, sb, F32, mode);
}

// ------------------------------------------------------------------ conversions

/** Rounds an exact integer to binary64 (lo/hi in out) or binary32 per mode; PE when inexact. */
export function intToFloat(v: bigint, toDouble: boolean, mode: Mode): void {
  if (v === 0n) { out.lo = 0; out.hi = 0; return; }
  const s = v < 0n ? 1 : 0;
  roundPack(s, s ? -v : v, 0, false, toDouble ? F64 : F32, mode); // integers are never tiny: DAZ/FTZ do not apply
}

/**
 * Float (bits) -> integer of `bits` width, rounding per rc (RC_ZERO for the truncating forms).
 * NaN and out-of-range give the integer indefinite (sign bit only) with IE; PE when inexact.
 * DAZ turns denormals into zero first. Returns the value as a BigInt.
 */
export function floatToInt(isDouble: boolean, lo: number, hi: number, bits: number, rc: number, daz: boolean): bigint {
  const indefinite = -(1n << BigInt(bits - 1));
  if (isDouble ? isNaN64(lo, hi) : isNaN32(lo)) { out.flags |= F_IE; return indefinite; }
  if (isDouble ? isInf64(lo, hi) : isInf32(lo)) { out.flags |= F_IE; return indefinite; }
  if (isDouble ? isZero64(lo, hi) : isZero32(lo)) return 0n;
  if (isDouble ? isDenormal64(lo, hi) : isDenormal32(lo)) {
    if (daz) return 0n;
  }
  const u = isDouble ? unpack64(lo, hi) : unpack32(lo);
  let q: bigint, inexact: boolean;
  if (u.e >= 0) { q = u.m << BigInt(u.e); inexact = false; }
  else ({ q, inexact } = roundBits(u.m, -u.e, u.s === 1, rc));
  const v = u.s ? -q : q;
  const lim = 1n << BigInt(bits - 1);
  if (v >= lim || v < -lim) { out.flags |= F_IE; return indefinite; }
  if (inexact) out.flags |= F_PE;
  return v;
}

/** binary32 -> binary64 (exact): SNaN -> IE, NaNs quieted with the payload kept; DE/DAZ on denormals. */
export function f32to64(b: number, daz: boolean): void {
  if (isNaN32(b)) {
    if (isSNaN32(b)) out.flags |= F_IE;
    out.hi = (b & 0x80000000) | 0x7ff80000 | ((b & 0x3fffff) >>> 3);
    out.lo = (b & 0x7) << 29;
    return;
  }
  if (isDenormal32(b)) {
    if (daz) { out.lo = 0; out.hi = b & 0x80000000; return; }
    out.flags |= F_DE;
  }
  setF64(bitsToF32(b));
}

/** binary64 -> binary32 rounded per mode (OE/UE/PE, FTZ); NaNs keep the top of their payload. */
export function f64to32(lo: number, hi: number, mode: Mode): void {
  if (isNaN64(lo, hi)) {
    if (isSNaN64(lo, hi)) out.flags |= F_IE;
    out.lo = (hi & 0x80000000) | 0x7fc00000 | (((hi & 0x7ffff) << 3) | (lo >>> 29)); out.hi = 0;
    return;
  }
  if (isInf64(lo, hi)) { out.lo = (hi & 0x80000000) | 0x7f800000; out.hi = 0; return; }
  if (isDenormal64(lo, hi)) {
    if (mode.daz) { out.lo = hi & 0x80000000; out.hi = 0; return; }
    out.flags |= F_DE;
  }
  if (isZero64(lo, hi)) { out.lo = hi & 0x80000000; out.hi = 0; return; }
  const d = bitsToF64(lo, hi);
  const q = Math.fround(d);
  const aq = Math.abs(q);
  if (aq > NORMAL32 && aq < MAX32) {
    const dir = q === d ? 0 : d > q ? 1 : -1;
    if (dir !== 0) out.flags |= F_PE;
    setF32(directed(q, dir, mode.rc, nextAfter32));
    return;
  }
  const u = unpack64(lo, hi);
  roundPack(u.s, u.m, u.e, false, F32, mode);
}
