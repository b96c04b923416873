/**
 * The one 64-bit arithmetic policy (CONVENTIONS 3): 64-bit values are (lo, hi) int32 pairs.
 * Functions return the low half and leave the high half (and, for 128-bit results, the upper
 * 64 bits) in the scratch object `r64`. Nothing else in the CPU may invent its own carry tricks.
 */

/** Scratch outputs of the helpers below (read immediately after the call). */
export const r64 = { hi: 0, hi2lo: 0, hi2hi: 0, rem: 0, remHi: 0 };

const TWO32 = 4294967296;

/** Unsigned value of an int32 half. */
export const u32 = (x: number): number => x >>> 0;

/** (lo,hi) -> signed JS number (exact when |v| < 2^53). */
export const toNumberSigned = (lo: number, hi: number): number => hi * TWO32 + (lo >>> 0);
/** (lo,hi) -> unsigned JS number (exact when v < 2^53). */
export const toNumberUnsigned = (lo: number, hi: number): number => (hi >>> 0) * TWO32 + (lo >>> 0);

/** JS number (integer, |n| < 2^63 but exact only below 2^53) -> lo; hi in r64.hi. Negative numbers are two's complement. */
export function fromNumber(n: number): number {
  if (n === (n | 0)) { r64.hi = n >> 31; return n; } // int32: no division
  const lo = n % TWO32 | 0; // ToInt32 of the remainder gives the low 32 bits for both signs
  r64.hi = Math.floor(n / TWO32) | 0;
  return lo;
}

export function toBigInt(lo: number, hi: number): bigint {
  return (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
}
export function toBigIntSigned(lo: number, hi: number): bigint {
  return BigInt.asIntN(64, toBigInt(lo, hi));
}
export function fromBigInt(v: bigint): number {
  r64.hi = Number(BigInt.asIntN(32, v >> 32n));
  return Number(BigInt.asIntN(32, v));
}

export function add64(alo: number, ahi: number, blo: number, bhi: number, carryIn = 0): number {
  const s = (alo >>> 0) + (blo >>> 0) + carryIn;
  r64.hi = (ahi + bhi + (s >= TWO32 ? 1 : 0)) | 0;
  return s | 0;
}

export function sub64(alo: number, ahi: number, blo: number, bhi: number, borrowIn = 0): number {
  const d = (alo >>> 0) - (blo >>> 0) - borrowIn;
  r64.hi = (ahi - bhi - (d < 0 ? 1 : 0)) | 0;
  return d | 0;
}

export function neg64(lo: number, hi: number): number {
  return sub64(0, 0, lo, hi);
}

/**
 * Unsigned 32x32 -> 64 multiply; returns lo, hi in r64.hi. The high word from 16-bit halves
 * (Hacker's Delight 8-2, mulhu): every partial sum stays below 2^32, so it needs no division
 * or modulo (the JIT calls this for imul r64 in hashing loops).
 */
export function mulU32(a: number, b: number): number {
  const a0 = a & 0xffff, a1 = a >>> 16, b0 = b & 0xffff, b1 = b >>> 16;
  const t = a1 * b0 + ((a0 * b0) >>> 16);
  const w = (t & 0xffff) + a0 * b1;
  r64.hi = (a1 * b1 + (t >>> 16) + (w >>> 16)) | 0;
  return Math.imul(a, b);
}

/** Signed 32x32 -> 64 multiply; returns lo, hi in r64.hi. */
export function mulS32(a: number, b: number): number {
  const p = a * b; // exact: |p| < 2^62 is not exact in doubles, so split when large
  if (p >= -9007199254740991 && p <= 9007199254740991) return fromNumber(p);
  const lo = mulU32(a, b);
  let hi = r64.hi;
  if (a < 0) hi = (hi - b) | 0;
  if (b < 0) hi = (hi - a) | 0;
  r64.hi = hi;
  return lo;
}

/**
 * Unsigned 64x64 -> 128 multiply. Returns bits 0..31; r64.hi = bits 32..63,
 * r64.hi2lo = bits 64..95, r64.hi2hi = bits 96..127.
 */
export function mulU64(alo: number, ahi: number, blo: number, bhi: number): number {
  // Four 32x32 partial products, each exact through mulU32.
  const p0lo = mulU32(alo, blo), p0hi = r64.hi >>> 0;
  const p1lo = mulU32(alo, bhi) >>> 0, p1hi = r64.hi >>> 0;
  const p2lo = mulU32(ahi, blo) >>> 0, p2hi = r64.hi >>> 0;
  const p3lo = mulU32(ahi, bhi) >>> 0, p3hi = r64.hi >>> 0;
  const w1 = p0hi + p1lo + p2lo; // < 3*2^32
  const w2 = p1hi + p2hi + p3lo + Math.floor(w1 / TWO32);
  const w3 = p3hi + Math.floor(w2 / TWO32);
  r64.hi = w1 | 0;
  r64.hi2lo = w2 | 0;
  r64.hi2hi = w3 | 0;
  return p0lo;
}

/** Signed 64x64 -> 128 multiply (same outputs as mulU64). */
export function mulS64(alo: number, ahi: number, blo: number, bhi: number): number {
  const lo = mulU64(alo, ahi, blo, bhi);
  let h2lo = r64.hi2lo, h2hi = r64.hi2hi;
  const mid = r64.hi;
  if (ahi < 0) { h2lo = sub64(h2lo, h2hi, blo, bhi); h2hi = r64.hi; }
  if (bhi < 0) { h2lo = sub64(h2lo, h2hi, alo, ahi); h2hi = r64.hi; }
  r64.hi = mid;
  r64.hi2lo = h2lo;
  r64.hi2hi = h2hi;
  return lo;
}

/**
 * Unsigned 128/64 division of (n3:n2:n1:n0) by (dhi:dlo). Caller guarantees d != 0 and that the
 * quotient fits 64 bits (x86 raises #DE otherwise). Returns quotient lo; r64.hi = quotient hi;
 * r64.rem / r64.remHi = remainder.
 */
export function divU128(n0: number, n1: number, n2: number, n3: number, dlo: number, dhi: number): number {
  if (n2 === 0 && n3 === 0 && (n1 >>> 0) < 0x200000 && dhi === 0) {
    // Fast path: dividend < 2^53 and divisor < 2^32.
    const n = (n1 >>> 0) * TWO32 + (n0 >>> 0);
    const d = dlo >>> 0;
    let q = Math.floor(n / d);
    let r = n - q * d;
    if (r < 0) { q -= 1; r += d; } else if (r >= d) { q += 1; r -= d; }
    r64.rem = r | 0;
    r64.remHi = 0;
    return fromNumber(q);
  }
  const n = (BigInt(n3 >>> 0) << 96n) | (BigInt(n2 >>> 0) << 64n) | (BigInt(n1 >>> 0) << 32n) | BigInt(n0 >>> 0);
  const d = toBigInt(dlo, dhi);
  const q = n / d;
  const r = n % d;
  const rl = fromBigInt(r);
  r64.rem = rl;
  r64.remHi = r64.hi;
  return fromBigInt(q);
}

/** Shift left of (lo,hi) by 0..63. */
export function shl64(lo: number, hi: number, n: number): number {
  if (n === 0) { r64.hi = hi; return lo; }
  if (n < 32) { r64.hi = (hi << n) | (lo >>> (32 - n)); return lo << n; }
  r64.hi = lo << (n - 32);
  return 0;
}

/** Logical shift right of (lo,hi) by 0..63. */
export function shr64(lo: number, hi: number, n: number): number {
  if (n === 0) { r64.hi = hi; return lo; }
  if (n < 32) { r64.hi = hi >>> n | 0; return (lo >>> n) | (hi << (32 - n)); }
  r64.hi = 0;
  return (hi >>> (n - 32)) | 0;
}

/** Arithmetic shift right of (lo,hi) by 0..63. */
export function sar64(lo: number, hi: number, n: number): number {
  if (n === 0) { r64.hi = hi; return lo; }
  if (n < 32) { r64.hi = hi >> n; return (lo >>> n) | (hi << (32 - n)); }
  r64.hi = hi >> 31;
  return hi >> (n - 32);
}

/** Count of trailing zeros of a non-zero int32. */
export const ctz32 = (x: number): number => 31 - Math.clz32(x & -x);
