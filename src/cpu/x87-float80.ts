/**
 * Soft-float core of the x87 FPU: 80-bit extended values, exact arithmetic, rounding and the
 * conversions to and from memory formats (Intel SDM Vol. 1 ch. 4 and 8).
 *
 * Design: 80-bit values are exact; printf of long double prints what the CPU prints.
 * A value travels as `Ext` (sign+exponent word `se`, significand halves `hi`/`lo` as int32 with
 * the explicit integer bit in bit 31 of `hi`), the same words the register file holds. Arithmetic
 * converts significands to BigInt, computes the exact result (or an exact significand plus a
 * sticky bit), and rounds once in `roundCore`, honouring precision control (24/53/64 bits),
 * rounding control and the extended exponent range (denormal results included). Moves and the
 * common memory conversions (m32/m64 loads, exact m64 stores, compares) avoid BigInt.
 *
 * Exceptions: operations OR the exception bits they raise (IE DE ZE OE UE PE, plus SF for stack
 * faults) into `fx.flags` and set `fx.up` when the result was rounded up in magnitude (C1);
 * instruction handlers clear them first and commit them to the status word afterwards, so a
 * faulting memory access leaves the FPU untouched. Results are always the masked responses
 * (Intel SDM Vol. 1 4.9.1 and 8.5): see x87.ts for how unmasked exceptions are treated.
 *
 * Hardware details pinned by native runs (AMD EPYC, matching Intel's documentation):
 * - tininess is detected after rounding (UE only if the result rounded with unbounded exponent
 *   is below 2^-16382), as glibc's sysdeps/x86/tininess.h says;
 * - NaN operands: SNaN+QNaN gives the QNaN, two NaNs of the same kind give the one with the
 *   larger significand (on a tie the positive one), quieted (SDM Vol. 1 Table 4-7);
 * - precision control 01 (reserved) behaves as 64 bits;
 * - FPREM/FPREM1 partial remainders reduce the exponent difference D by N = 32 + (D mod 32).
 */

// Status word bits (SDM Vol. 1 8.1.3).
export const IE = 0x1, DE = 0x2, ZE = 0x4, OE = 0x8, UE = 0x10, PE = 0x20, SF = 0x40, ES = 0x80;
export const C0 = 0x100, C1 = 0x200, C2 = 0x400, C3 = 0x4000, BUSY = 0x8000;

// Rounding control (CW bits 10-11).
export const RC_NEAREST = 0, RC_DOWN = 1, RC_UP = 2, RC_ZERO = 3;

/**
 * Exception bits raised and the C1 "rounded up" indication of the operations since the handler
 * reset them. `memDen`: the instruction's m32fp/m64fp operand was a denormal; the operation
 * raises DE for it only if no invalid operation, stack fault or division by zero takes
 * precedence (native: a NaN or an empty register with a denormal memory operand gives IE alone).
 */
export const fx = { flags: 0, up: 0, memDen: false };

export function resetFx(): void {
  fx.flags = 0;
  fx.up = 0;
  fx.memDen = false;
}

/** Raises DE when an operand is denormal (called after the checks that take precedence). */
function denormalCheck(ca: Cls, cb: Cls): void {
  if (ca === Cls.Denormal || cb === Cls.Denormal || fx.memDen) fx.flags |= DE;
}

/** An 80-bit extended value as its three words. Immutable by convention. */
export class Ext {
  constructor(readonly se: number, readonly hi: number, readonly lo: number) {}
}

export const INDEFINITE = new Ext(0xffff, 0xc0000000 | 0, 0);
export const POS_ZERO = new Ext(0, 0, 0);
export const NEG_ZERO = new Ext(0x8000, 0, 0);
export const ONE = new Ext(0x3fff, 0x80000000 | 0, 0);
export const zeroOf = (s: number): Ext => (s ? NEG_ZERO : POS_ZERO);
export const infOf = (s: number): Ext => new Ext(s ? 0xffff : 0x7fff, 0x80000000 | 0, 0);

/** Value classes (what FXAM distinguishes, plus the two NaN kinds). */
export const enum Cls { Zero = 0, Normal = 1, Denormal = 2, Inf = 3, QNaN = 4, SNaN = 5, Unsupported = 6 }

/**
 * Classifies an 80-bit encoding. Exponent 0 with a nonzero significand is a denormal (also the
 * pseudo-denormal with J = 1, which the 387+ reads as exponent 1). A nonzero exponent with J = 0
 * (unnormal, pseudo-NaN, pseudo-infinity) is unsupported: operations on it raise IE.
 */
export function classify(x: Ext): Cls {
  return classifyWords(x.se, x.hi, x.lo);
}

export function classifyWords(se: number, hi: number, lo: number): Cls {
  const exp = se & 0x7fff;
  if (exp === 0) return (hi | lo) === 0 ? Cls.Zero : Cls.Denormal;
  if (hi >= 0) return Cls.Unsupported;
  if (exp === 0x7fff) {
    if ((hi & 0x7fffffff) === 0 && lo === 0) return Cls.Inf;
    return (hi & 0x40000000) !== 0 ? Cls.QNaN : Cls.SNaN;
  }
  return Cls.Normal;
}

export const isNaNCls = (k: Cls): boolean => k === Cls.QNaN || k === Cls.SNaN;
export const signOf = (x: Ext): number => (x.se >>> 15) & 1;

// ------------------------------------------------------------------ BigInt helpers

export function sigOf(x: Ext): bigint {
  return (BigInt(x.hi >>> 0) << 32n) | BigInt(x.lo >>> 0);
}

/** Exponent of the significand's unit: a finite value is sig * 2^unitExp. */
export function unitExp(x: Ext): number {
  return Math.max(x.se & 0x7fff, 1) - 16383 - 63;
}

const blF64 = new Float64Array(1);
const blU32 = new Uint32Array(blF64.buffer);

/** Number of significant bits of m >= 0 (from the exponent of Number(m), corrected for rounding up). */
export function bitLength(m: bigint): number {
  if (m < 0x100000000n) return 32 - Math.clz32(Number(m));
  blF64[0] = Number(m);
  const ex = (blU32[1] >>> 20) & 0x7ff;
  if (ex === 0x7ff) { // >= 2^1024
    const s = m.toString(16);
    return (s.length - 1) * 4 + (32 - Math.clz32(parseInt(s[0], 16)));
  }
  const L = ex - 1022;
  return m >> BigInt(L - 1) === 0n ? L - 1 : L;
}

/** floor(sqrt(n)) for n >= 0. */
export function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = 1n << BigInt((bitLength(n) >> 1) + 1);
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

// ------------------------------------------------------------------ rounding

/** Significand bits selected by precision control (CW bits 8-9; 01 is reserved and acts as 64). */
export function pcBits(cw: number): number {
  const pc = (cw >> 8) & 3;
  return pc === 0 ? 24 : pc === 2 ? 53 : 64;
}
export const rcOf = (cw: number): number => (cw >> 10) & 3;

/** Output of roundCore: q * 2^rL (q = 0: zero), or infinity when rInf. */
let rq = 0n;
let rL = 0;
let rInf = false;

/** q rounded at unit 2^L from m * 2^e (+ sticky): sets roundInexact/roundInc. */
let roundInexact = false;
let roundInc = false;
function roundAt(s: number, m: bigint, e: number, sticky: boolean, L: number, rc: number): bigint {
  const sh = L - e;
  let q: bigint;
  let guard = false;
  let rest = sticky;
  if (sh > 0) {
    const bs = BigInt(sh);
    q = m >> bs;
    const rem = m - (q << bs);
    const half = 1n << (bs - 1n);
    guard = rem >= half;
    if (rem !== 0n && rem !== half) rest = true;
  } else {
    q = m << BigInt(-sh);
  }
  const inexact = guard || rest;
  let inc = false;
  if (inexact) {
    switch (rc) {
      case RC_NEAREST: inc = guard && (rest || (q & 1n) === 1n); break;
      case RC_DOWN: inc = s === 1; break;
      case RC_UP: inc = s === 0; break;
    }
  }
  roundInexact = inexact;
  roundInc = inc;
  return inc ? q + 1n : q;
}

/**
 * Rounds (-1)^s * (m + d) * 2^e, where 0 < d < 1 iff `sticky` (callers pass at least p + 2
 * significant bits in m when sticky is set), to p significant bits in a binary format whose normal
 * exponents are [emin, emax] with gradual underflow. Raises PE, UE (tiny after rounding and
 * inexact, or tiny with UE unmasked), OE; sets fx.up when the magnitude grew. Result in rq/rL/rInf.
 */
function roundCore(s: number, m: bigint, e: number, sticky: boolean, p: number, emin: number, emax: number, rc: number, masks: number): void {
  rInf = false;
  if (m === 0n && !sticky) { rq = 0n; rL = 0; return; }
  const n = bitLength(m);
  const E = e + n - 1;
  let L = Math.max(E, emin) - p + 1;
  let q = roundAt(s, m, e, sticky, L, rc);
  const inexact = roundInexact;
  const inc = roundInc;
  if (q >> BigInt(p) !== 0n) { q >>= 1n; L += 1; }
  if (E < emin) {
    // Tininess after rounding: round to p bits with an unbounded exponent range.
    let tiny = true;
    if (E === emin - 1) {
      const u = roundAt(s, m, e, sticky, E - p + 1, rc);
      if (u >> BigInt(p) !== 0n) tiny = false;
    }
    if (tiny && (inexact || (masks & UE) === 0)) fx.flags |= UE;
  }
  if (q !== 0n && L + bitLength(q) - 1 > emax) {
    fx.flags |= OE | PE;
    const toInf = rc === RC_NEAREST || (rc === RC_DOWN && s === 1) || (rc === RC_UP && s === 0);
    if (toInf) { rInf = true; fx.up = 1; return; }
    rq = (1n << BigInt(p)) - 1n;
    rL = emax - p + 1;
    fx.up = 0;
    return;
  }
  if (inexact) {
    fx.flags |= PE;
    fx.up = inc ? 1 : 0;
  }
  rq = q;
  rL = L;
}

const TWO32N = 0x100000000n;
const MASK32N = 0xffffffffn;

/** Packs q * 2^L (exactly representable in the extended format) with sign s. */
export function pack80(s: number, q: bigint, L: number): Ext {
  if (q === 0n) return zeroOf(s);
  const n = bitLength(q);
  const E = L + n - 1;
  let sig: bigint;
  let exp: number;
  if (E < -16382) {
    sig = q << BigInt(L + 16445);
    exp = 0;
  } else {
    sig = n <= 64 ? q << BigInt(64 - n) : q >> BigInt(n - 64);
    exp = E + 16383;
  }
  return new Ext((s << 15) | exp, Number(sig >> 32n) | 0, Number(sig & MASK32N) | 0);
}

/** Rounds an exact value (-1)^s (m + sticky) 2^e to the extended format with p bits. */
export function roundExt(s: number, m: bigint, e: number, sticky: boolean, p: number, cw: number): Ext {
  roundCore(s, m, e, sticky, p, -16382, 16383, rcOf(cw), cw & 0x3f);
  if (rInf) return infOf(s);
  return pack80(s, rq, rL);
}

// ------------------------------------------------------------------ NaN rules

export function quiet(x: Ext): Ext {
  return (x.hi & 0x40000000) !== 0 ? x : new Ext(x.se, x.hi | 0x40000000, x.lo);
}

/** Result of an operation with a NaN or unsupported operand (b may be null for unary ops). */
export function nanResult(a: Ext, ca: Cls, b: Ext | null, cb: Cls): Ext {
  if (ca === Cls.Unsupported || (b && cb === Cls.Unsupported)) { fx.flags |= IE; return INDEFINITE; }
  const an = isNaNCls(ca);
  const bn = b !== null && isNaNCls(cb);
  if (ca === Cls.SNaN || (bn && cb === Cls.SNaN)) fx.flags |= IE;
  if (an && bn && b) {
    if (ca !== cb) return quiet(ca === Cls.QNaN ? a : b);
    const ah = a.hi >>> 0, bh = b.hi >>> 0, al = a.lo >>> 0, bl = b.lo >>> 0;
    if (ah !== bh) return quiet(ah > bh ? a : b);
    if (al !== bl) return quiet(al > bl ? a : b);
    return quiet(a.se <= b.se ? a : b);
  }
  return quiet(an ? a : (b as Ext));
}

// ------------------------------------------------------------------ arithmetic

/** a + b (or a - b when negB), rounded to the precision control of cw. */
export function add(a: Ext, b: Ext, negB: boolean, cw: number): Ext {
  const ca = classify(a), cb = classify(b);
  if (ca >= Cls.QNaN || cb >= Cls.QNaN) return nanResult(a, ca, b, cb);
  denormalCheck(ca, cb);
  const sa = signOf(a), sb = signOf(b) ^ (negB ? 1 : 0);
  if (ca === Cls.Inf || cb === Cls.Inf) {
    if (ca === Cls.Inf && cb === Cls.Inf && sa !== sb) { fx.flags |= IE; return INDEFINITE; }
    return ca === Cls.Inf ? infOf(sa) : infOf(sb);
  }
  const rc = rcOf(cw);
  if (ca === Cls.Zero && cb === Cls.Zero) return zeroOf(sa === sb ? sa : rc === RC_DOWN ? 1 : 0);
  const p = pcBits(cw);
  if (cb === Cls.Zero) return roundExt(sa, sigOf(a), unitExp(a), false, p, cw);
  if (ca === Cls.Zero) return roundExt(sb, sigOf(b), unitExp(b), false, p, cw);
  let ma = sigOf(a), mb = sigOf(b);
  const ea = unitExp(a), eb = unitExp(b);
  // Far apart: the smaller operand only contributes a sticky bit below the rounding point.
  if (ea - eb > 200 || eb - ea > 200) {
    const bigA = ea > eb;
    const mBig = (bigA ? ma : mb) << 130n;
    const same = sa === sb;
    return roundExt(bigA ? sa : sb, same ? mBig : mBig - 1n, (bigA ? ea : eb) - 130, true, p, cw);
  }
  let e = ea;
  if (ea > eb) { ma <<= BigInt(ea - eb); e = eb; } else if (eb > ea) { mb <<= BigInt(eb - ea); }
  const sum = (sa ? -ma : ma) + (sb ? -mb : mb);
  if (sum === 0n) return zeroOf(rc === RC_DOWN ? 1 : 0);
  return sum < 0n ? roundExt(1, -sum, e, false, p, cw) : roundExt(0, sum, e, false, p, cw);
}

export function mul(a: Ext, b: Ext, cw: number): Ext {
  const ca = classify(a), cb = classify(b);
  if (ca >= Cls.QNaN || cb >= Cls.QNaN) return nanResult(a, ca, b, cb);
  denormalCheck(ca, cb);
  const s = signOf(a) ^ signOf(b);
  if (ca === Cls.Inf || cb === Cls.Inf) {
    if (ca === Cls.Zero || cb === Cls.Zero) { fx.flags |= IE; return INDEFINITE; }
    return infOf(s);
  }
  if (ca === Cls.Zero || cb === Cls.Zero) return zeroOf(s);
  return roundExt(s, sigOf(a) * sigOf(b), unitExp(a) + unitExp(b), false, pcBits(cw), cw);
}

export function div(a: Ext, b: Ext, cw: number): Ext {
  const ca = classify(a), cb = classify(b);
  if (ca >= Cls.QNaN || cb >= Cls.QNaN) return nanResult(a, ca, b, cb);
  const s = signOf(a) ^ signOf(b);
  if ((ca === Cls.Inf && cb === Cls.Inf) || (ca === Cls.Zero && cb === Cls.Zero)) { fx.flags |= IE; return INDEFINITE; }
  if (cb === Cls.Zero && ca !== Cls.Inf) { fx.flags |= ZE; return infOf(s); } // ZE suppresses DE (native)
  denormalCheck(ca, cb);
  if (ca === Cls.Inf) return infOf(s);
  if (cb === Cls.Inf) return zeroOf(s);
  if (ca === Cls.Zero) return zeroOf(s);
  const p = pcBits(cw);
  const ma = sigOf(a), mb = sigOf(b);
  const k = Math.max(0, bitLength(mb) - bitLength(ma) + p + 3);
  const num = ma << BigInt(k);
  const q = num / mb;
  return roundExt(s, q, unitExp(a) - unitExp(b) - k, q * mb !== num, p, cw);
}

export function sqrt(a: Ext, cw: number): Ext {
  const ca = classify(a);
  if (ca >= Cls.QNaN) return nanResult(a, ca, null, Cls.Zero);
  if (ca === Cls.Zero) return a;
  if (signOf(a)) { fx.flags |= IE; return INDEFINITE; }
  if (ca === Cls.Inf) return a;
  if (ca === Cls.Denormal) fx.flags |= DE;
  const p = pcBits(cw);
  let m = sigOf(a);
  let e = unitExp(a);
  if (e & 1) { m <<= 1n; e -= 1; }
  const k = Math.max(0, Math.ceil((2 * p + 4 - bitLength(m)) / 2));
  const M = m << BigInt(2 * k);
  const r = isqrt(M);
  return roundExt(0, r, (e - 2 * k) / 2, r * r !== M, p, cw);
}

/** Rounds to an integral value per RC (FRNDINT; precision control does not apply). */
export function roundInt(a: Ext, cw: number): Ext {
  const ca = classify(a);
  if (ca >= Cls.QNaN) return nanResult(a, ca, null, Cls.Zero);
  if (ca === Cls.Zero || ca === Cls.Inf) return a;
  if (ca === Cls.Denormal) fx.flags |= DE;
  const e = unitExp(a);
  if (e >= 0) return a;
  const s = signOf(a);
  const q = roundAt(s, sigOf(a), e, false, 0, rcOf(cw));
  if (roundInexact) { fx.flags |= PE; fx.up = roundInc ? 1 : 0; }
  return pack80(s, q, 0);
}

// ------------------------------------------------------------------ compares

export const CMP_GT = 0, CMP_LT = 1, CMP_EQ = 2, CMP_UN = 3;
/** C3/C2/C0 for each compare outcome (FCOM, FUCOM, FTST, FICOM). */
export const CMP_CC = [0, C0, C3, C3 | C2 | C0];

/**
 * Compares a with b. NaN operands give unordered and raise IE when signalling (SNaN, or any NaN
 * for FCOM-style compares); unsupported encodings always raise IE. Denormals raise DE.
 */
export function compare(a: Ext, b: Ext, signalQNaN: boolean): number {
  const ca = classify(a), cb = classify(b);
  if (ca >= Cls.QNaN || cb >= Cls.QNaN) {
    if (signalQNaN || ca === Cls.SNaN || cb === Cls.SNaN || ca === Cls.Unsupported || cb === Cls.Unsupported) fx.flags |= IE;
    return CMP_UN;
  }
  denormalCheck(ca, cb);
  if (ca === Cls.Zero && cb === Cls.Zero) return CMP_EQ;
  const sa = signOf(a), sb = signOf(b);
  if (sa !== sb) return ca === Cls.Zero && cb === Cls.Zero ? CMP_EQ : sa ? CMP_LT : CMP_GT;
  // Same sign: compare magnitudes as (effective exponent, significand); a pseudo-denormal
  // (exponent 0, J = 1) has the value of exponent 1.
  const xa = (a.se & 0x7fff) || (a.hi < 0 ? 1 : 0), xb = (b.se & 0x7fff) || (b.hi < 0 ? 1 : 0);
  let d = xa - xb;
  if (d === 0) d = (a.hi >>> 0) - (b.hi >>> 0);
  if (d === 0) d = (a.lo >>> 0) - (b.lo >>> 0);
  if (d === 0) return CMP_EQ;
  return (d > 0) !== (sa === 1) ? CMP_GT : CMP_LT;
}

// ------------------------------------------------------------------ integers

/** Exact conversion of a signed integer (|v| < 2^64). */
export function fromBigInt(v: bigint): Ext {
  if (v === 0n) return POS_ZERO;
  const s = v < 0n ? 1 : 0;
  return pack80(s, s ? -v : v, 0);
}

/** Exact conversion of an int32 without BigInt (FILD m16/m32, FIADD...). */
export function fromInt32(v: number): Ext {
  if (v === 0) return POS_ZERO;
  const s = v < 0 ? 1 : 0;
  const m = s ? -v >>> 0 : v >>> 0;
  const z = Math.clz32(m);
  return new Ext((s << 15) | (16383 + 31 - z), (m << z) | 0, 0);
}

/** Exact conversion of a 64-bit integer given as int32 halves (FILD m64) without BigInt. */
export function fromInt64(lo: number, hi: number): Ext {
  if ((lo | hi) === 0) return POS_ZERO;
  let s = 0;
  let l = lo >>> 0, h = hi >>> 0;
  if (hi < 0) { // negate
    s = 1;
    l = (~l + 1) >>> 0;
    h = (~h + (l === 0 ? 1 : 0)) >>> 0;
  }
  if (h === 0) {
    const z = Math.clz32(l);
    return new Ext((s << 15) | (16383 + 31 - z), (l << z) | 0, 0);
  }
  const z = Math.clz32(h);
  const nh = z === 0 ? h : (h << z) | (l >>> (32 - z));
  const nl = z === 0 ? l : l << z;
  return new Ext((s << 15) | (16383 + 63 - z), nh | 0, nl | 0);
}

/**
 * Rounds to a signed integer of `bits` bits per rc (FIST/FISTP; FISTTP passes RC_ZERO). Returns
 * null after raising IE when the value is a NaN, infinite, unsupported or out of range (the
 * caller stores the integer indefinite); PE and C1 are raised only for in-range results.
 */
export function toInt(a: Ext, bits: number, rc: number): bigint | null {
  const ca = classify(a);
  if (ca >= Cls.Inf) { fx.flags |= IE; return null; }
  if (ca === Cls.Zero) return 0n;
  const s = signOf(a);
  const e = unitExp(a);
  if (e > 0) { fx.flags |= IE; return null; } // |a| >= 2^64
  const q = roundAt(s, sigOf(a), e, false, 0, rc);
  const lim = 1n << BigInt(bits - 1);
  if (s ? q > lim : q >= lim) { fx.flags |= IE; return null; }
  if (roundInexact) { fx.flags |= PE; fx.up = roundInc ? 1 : 0; }
  return s ? -q : q;
}

// ------------------------------------------------------------------ memory formats

/** 64-bit result of toF64 (low/high int32 halves). */
export const w64 = { lo: 0, hi: 0 };

/** Converts a double (int32 halves) to extended, exactly (denormals set fx.memDen); SNaNs stay signalling. */
export function fromF64(lo: number, hi: number): Ext {
  const sign = (hi >>> 31) << 15;
  const exp = (hi >>> 20) & 0x7ff;
  const fh = hi & 0xfffff;
  const fl = lo >>> 0;
  if (exp === 0x7ff) return new Ext(sign | 0x7fff, (0x80000000 | (fh << 11) | (fl >>> 21)) | 0, (fl << 11) | 0);
  if (exp !== 0) return new Ext(sign | (exp + 15360), (0x80000000 | (fh << 11) | (fl >>> 21)) | 0, (fl << 11) | 0);
  if ((fh | fl) === 0) return sign ? NEG_ZERO : POS_ZERO;
  fx.memDen = true;
  // Denormal: value = frac * 2^-1074, normalised into the 64-bit significand.
  if (fh !== 0) {
    // msb of the fraction is bit 63 - sh of fh:fl; shifting by sh puts it in bit 63.
    const sh = Math.clz32(fh); // 12..31
    return new Ext(sign | (16383 + 63 - sh - 1074), ((fh << sh) | (fl >>> (32 - sh))) | 0, (fl << sh) | 0);
  }
  const z = Math.clz32(fl);
  // msb of fl is bit (31 - z) of the fraction: value exponent = 31 - z - 1074
  return new Ext(sign | (16383 + 31 - z - 1074), (fl << z) | 0, 0);
}

/** Converts a float (bits as int32) to extended, exactly. */
export function fromF32(b: number): Ext {
  const sign = (b >>> 31) << 15;
  const exp = (b >>> 23) & 0xff;
  const f = b & 0x7fffff;
  if (exp === 0xff) return new Ext(sign | 0x7fff, (0x80000000 | (f << 8)) | 0, 0);
  if (exp !== 0) return new Ext(sign | (exp + 16256), (0x80000000 | (f << 8)) | 0, 0);
  if (f === 0) return sign ? NEG_ZERO : POS_ZERO;
  fx.memDen = true;
  const z = Math.clz32(f); // f < 2^23, so z >= 9; msb is bit 31 - z, value exponent (31 - z) - 149
  return new Ext(sign | (16383 + 31 - z - 149), (f << z) | 0, 0);
}

/** Rounds to double per rc (FST m64); result in w64. Stores ignore precision control. */
export function toF64(a: Ext, cw: number): void {
  const sign = (a.se & 0x8000) << 16;
  const ca = classify(a);
  switch (ca) {
    case Cls.Zero: w64.lo = 0; w64.hi = sign; return;
    case Cls.Inf: w64.lo = 0; w64.hi = sign | 0x7ff00000; return;
    case Cls.Unsupported: fx.flags |= IE; w64.lo = 0; w64.hi = 0xfff80000 | 0; return;
    case Cls.QNaN: case Cls.SNaN:
      if (ca === Cls.SNaN) fx.flags |= IE;
      w64.hi = sign | 0x7ff80000 | ((a.hi >>> 11) & 0xfffff);
      w64.lo = ((a.hi & 0x7ff) << 21) | (a.lo >>> 11);
      return;
  }
  const exp = a.se & 0x7fff;
  if (exp >= 0x3c01 && exp <= 0x43fe && (a.lo & 0x7ff) === 0) {
    w64.hi = sign | ((exp - 15360) << 20) | ((a.hi >>> 11) & 0xfffff);
    w64.lo = ((a.hi & 0x7ff) << 21) | (a.lo >>> 11);
    return;
  }
  const s = signOf(a);
  roundCore(s, sigOf(a), unitExp(a), false, 53, -1022, 1023, rcOf(cw), cw & 0x3f);
  if (rInf) { w64.lo = 0; w64.hi = sign | 0x7ff00000; return; }
  pack64(sign, rq, rL);
}

function pack64(sign: number, q: bigint, L: number): void {
  if (q === 0n) { w64.lo = 0; w64.hi = sign; return; }
  const n = bitLength(q);
  const E = L + n - 1;
  let bits: bigint;
  if (E < -1022) bits = q << BigInt(L + 1074);
  else bits = (BigInt(E + 1023) << 52n) | ((q << BigInt(53 - n)) & ((1n << 52n) - 1n));
  w64.lo = Number(bits & MASK32N) | 0;
  w64.hi = sign | Number(bits >> 32n);
}

/** Rounds to float per rc (FST m32); returns the bits as int32. */
export function toF32(a: Ext, cw: number): number {
  const sign = (a.se & 0x8000) << 16;
  const ca = classify(a);
  switch (ca) {
    case Cls.Zero: return sign;
    case Cls.Inf: return sign | 0x7f800000;
    case Cls.Unsupported: fx.flags |= IE; return 0xffc00000 | 0;
    case Cls.QNaN: case Cls.SNaN:
      if (ca === Cls.SNaN) fx.flags |= IE;
      return sign | 0x7fc00000 | ((a.hi >>> 8) & 0x3fffff);
  }
  const exp = a.se & 0x7fff;
  if (exp >= 0x3f81 && exp <= 0x407e && a.lo === 0 && (a.hi & 0xff) === 0) {
    return sign | ((exp - 16256) << 23) | ((a.hi >>> 8) & 0x7fffff);
  }
  roundCore(signOf(a), sigOf(a), unitExp(a), false, 24, -126, 127, rcOf(cw), cw & 0x3f);
  if (rInf) return sign | 0x7f800000;
  if (rq === 0n) return sign;
  const n = bitLength(rq);
  const E = rL + n - 1;
  if (E < -126) return sign | Number(rq << BigInt(rL + 149));
  return sign | ((E + 127) << 23) | (Number(rq << BigInt(24 - n)) & 0x7fffff);
}

// ------------------------------------------------------------------ packed BCD (FBLD/FBSTP)

/** 18-digit packed BCD (10 bytes, sign in bit 7 of byte 9) to extended, exactly. */
export function fromBcd(b: Uint8Array): Ext {
  let v = 0n;
  for (let k = 8; k >= 0; k--) v = v * 100n + BigInt(((b[k] >> 4) & 15) * 10 + (b[k] & 15));
  if (v === 0n) return b[9] & 0x80 ? NEG_ZERO : POS_ZERO;
  return pack80(b[9] >> 7, v, 0);
}

/** Rounds to an integer per rc and encodes it as packed BCD; out of range or NaN: IE and the BCD indefinite. */
export function toBcd(a: Ext, rc: number): Uint8Array {
  const out = new Uint8Array(10);
  const ca = classify(a);
  let v: bigint | null = null;
  if (ca < Cls.Inf) {
    const s = signOf(a);
    const e = unitExp(a);
    if (ca === Cls.Zero) v = 0n;
    else if (e <= 0) {
      const q = roundAt(s, sigOf(a), e, false, 0, rc);
      if (q < 10n ** 18n) {
        v = q;
        if (roundInexact) { fx.flags |= PE; fx.up = roundInc ? 1 : 0; }
      }
    }
  }
  if (v === null) {
    fx.flags |= IE;
    out[9] = 0xff; out[8] = 0xff; out[7] = 0xc0;
    return out;
  }
  for (let k = 0; k < 9; k++) {
    const d = Number(v % 100n);
    v /= 100n;
    out[k] = ((d / 10) << 4) | (d % 10);
  }
  out[9] = a.se & 0x8000 ? 0x80 : 0;
  return out;
}

// ------------------------------------------------------------------ FSCALE, FXTRACT, FPREM

/** ST0 * 2^trunc(ST1) (FSCALE), rounded to 64 bits. */
export function scale(a: Ext, b: Ext, cw: number): Ext {
  const ca = classify(a), cb = classify(b);
  if (ca >= Cls.QNaN || cb >= Cls.QNaN) return nanResult(a, ca, b, cb);
  if (ca === Cls.Denormal || cb === Cls.Denormal) fx.flags |= DE;
  const sa = signOf(a);
  if (cb === Cls.Inf) {
    if (signOf(b)) {
      if (ca === Cls.Inf) { fx.flags |= IE; return INDEFINITE; }
      return zeroOf(sa);
    }
    if (ca === Cls.Zero) { fx.flags |= IE; return INDEFINITE; }
    return infOf(sa);
  }
  if (ca === Cls.Zero || ca === Cls.Inf) return a;
  let n = 0;
  if (cb !== Cls.Zero) {
    const eb = unitExp(b);
    if (eb >= -40) n = 0x100000; // |ST1| >= 2^23: the result surely over/underflows
    else n = Number(sigOf(b) >> BigInt(-eb));
    if (n > 0x100000) n = 0x100000;
    if (signOf(b)) n = -n;
  }
  return roundExt(sa, sigOf(a), unitExp(a) + n, false, 64, cw);
}

/** FXTRACT: returns [exponent, significand]. */
export function extract(a: Ext): [Ext, Ext] {
  const ca = classify(a);
  if (ca >= Cls.QNaN) { const r = nanResult(a, ca, null, Cls.Zero); return [r, r]; }
  if (ca === Cls.Zero) { fx.flags |= ZE; return [infOf(1), a]; }
  if (ca === Cls.Inf) return [infOf(0), a];
  if (ca === Cls.Denormal) fx.flags |= DE;
  const m = sigOf(a);
  const E = unitExp(a) + bitLength(m) - 1;
  const sig = pack80(signOf(a), m, -bitLength(m) + 1);
  return [fromInt32(E), sig];
}

/**
 * Condition bits of the last FPREM/FPREM1: C0 = Q2, C3 = Q1, C1 = Q0 for a complete remainder,
 * C2 alone for a partial one, -1 when the operation was invalid (hardware leaves C0-C3 alone).
 */
export const prem = { cc: 0 };

/** FPREM (round = false: truncating quotient) and FPREM1 (IEEE remainder). Exact. */
export function remainder(a: Ext, b: Ext, ieee: boolean): Ext {
  prem.cc = -1;
  const ca = classify(a), cb = classify(b);
  if (ca >= Cls.QNaN || cb >= Cls.QNaN) return nanResult(a, ca, b, cb);
  if (ca === Cls.Inf || cb === Cls.Zero) { fx.flags |= IE; return INDEFINITE; }
  prem.cc = 0;
  if (ca === Cls.Denormal || cb === Cls.Denormal) fx.flags |= DE;
  if (ca === Cls.Zero || cb === Cls.Inf) return a;
  const sa = signOf(a);
  const ma = sigOf(a), mb = sigOf(b);
  const ea = unitExp(a), eb = unitExp(b);
  const D = (ea + bitLength(ma)) - (eb + bitLength(mb));
  const emin = Math.min(ea, eb);
  let A = ma << BigInt(ea - emin);
  let B = mb << BigInt(eb - emin);
  if (D >= 64) {
    const shift = D - (32 + (D % 32));
    B <<= BigInt(shift);
    const qq = A / B;
    A -= qq * B;
    prem.cc = C2;
    return pack80(sa, A, emin);
  }
  let q = A / B;
  let r = A - q * B;
  let s = sa;
  if (ieee && (2n * r > B || (2n * r === B && (q & 1n) === 1n))) {
    q += 1n;
    r = B - r;
    s ^= 1;
  }
  const qb = Number(q & 7n);
  prem.cc = (qb & 4 ? C0 : 0) | (qb & 2 ? C3 : 0) | (qb & 1 ? C1 : 0);
  if (r === 0n) return zeroOf(sa);
  return pack80(s, r, emin);
}

/** Full tag of a non-empty register: 0 valid, 1 zero, 2 special (NaN, infinity, denormal, unsupported). */
export function tagOf(se: number, hi: number, lo: number): number {
  const k = classifyWords(se, hi, lo);
  return k === Cls.Normal ? 0 : k === Cls.Zero ? 1 : 2;
}

void TWO32N;
