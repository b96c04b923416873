/**
 * x87 transcendental instructions: FSIN, FCOS, FSINCOS, FPTAN, FPATAN, F2XM1, FYL2X, FYL2XP1
 * (Intel SDM Vol. 2 instruction pages; special-value tables reproduced in the functions).
 *
 * Accuracy: every function is evaluated in binary floating point with a 128-bit significand
 * (`BF`: BigInt significand and integer exponent, so tiny and huge intermediate values keep full
 * relative precision), then rounded once to the 64-bit significand per RC with the inexact bit
 * forced (PE, C1 = rounded up). Results are therefore correctly rounded except in cases closer to
 * a rounding boundary than about 2^-120 relative (never seen; 200 bits gave identical results on
 * every test and were 2.5 times slower). Exact results (zeros, fyl2x of powers of two) are
 * special-cased. Hardware is less precise: native runs show results within ~0.1 ulp of a tie
 * rounded the other way and C1 wrong next to representable values (corpus/src/x87-check.c
 * lists them), so long double libm results can differ from native in the last bit.
 *
 * Argument reduction for FSIN/FCOS/FSINCOS/FPTAN uses the 66-bit approximation of pi that Intel
 * documents for the x87 (0xC90FDAA22168C234C * 2^-66), computed exactly, so results near multiples
 * of pi match hardware (e.g. fsin of the long double nearest pi is -2^-64 natively and here).
 * Operands with |x| >= 2^63 are out of range: C2 = 1 and ST0 is left unchanged.
 */
import {
  Ext, Cls, classify, nanResult, signOf, sigOf, unitExp, bitLength, isqrt, roundExt, fx, pack80,
  INDEFINITE, infOf, zeroOf, IE, DE, ZE, PE, UE, ONE, NEG_ZERO, POS_ZERO,
} from './x87-float80.js';

/** Significand bits kept by intermediate results. */
const P = 128;

/** value = m * 2^e; m is a signed BigInt with at most about P significant bits. */
interface BF { m: bigint; e: number }

const abs = (m: bigint): bigint => (m < 0n ? -m : m);

function norm(m: bigint, e: number): BF {
  const n = bitLength(abs(m));
  if (n > P) {
    const sh = n - P;
    return { m: m < 0n ? -((-m) >> BigInt(sh)) : m >> BigInt(sh), e: e + sh };
  }
  return { m, e };
}

/** Exponent of the most significant bit plus one (-Infinity for zero). */
const mag = (a: BF): number => (a.m === 0n ? -Infinity : a.e + bitLength(abs(a.m)));

const bf = (m: bigint, e = 0): BF => norm(m, e);
const mulB = (a: BF, b: BF): BF => norm(a.m * b.m, a.e + b.e);

function addB(a: BF, b: BF): BF {
  if (a.m === 0n) return b;
  if (b.m === 0n) return a;
  if (mag(a) - mag(b) > P + 8) return a;
  if (mag(b) - mag(a) > P + 8) return b;
  if (a.e >= b.e) return norm((a.m << BigInt(a.e - b.e)) + b.m, b.e);
  return norm(a.m + (b.m << BigInt(b.e - a.e)), a.e);
}
const negB = (a: BF): BF => ({ m: -a.m, e: a.e });

/**
 * Marks which side of `a` the exact value lies on (dir = +1: above, -1: below) by appending one
 * unit 8 bits below its last bit. Series stop when the next term no longer changes the P-bit sum;
 * for tiny arguments the sum is then exactly a representable value (sin x = x, cos x = 1, ...)
 * and the nudge makes the final rounding, PE and C1 come out as for the exact value.
 */
function nudge(a: BF, dir: number): BF {
  if (a.m === 0n || dir === 0) return a;
  const sh = P + 8 - bitLength(abs(a.m));
  return { m: (a.m << BigInt(sh)) + BigInt(dir), e: a.e - sh };
}
const sgn = (m: bigint): number => (m < 0n ? -1 : m > 0n ? 1 : 0);
const subB = (a: BF, b: BF): BF => addB(a, negB(b));

function divB(a: BF, b: BF): BF {
  const k = Math.max(0, P + 2 + bitLength(abs(b.m)) - bitLength(abs(a.m)));
  return norm((a.m << BigInt(k)) / b.m, a.e - b.e - k);
}
const divInt = (a: BF, n: number): BF => divB(a, { m: BigInt(n), e: 0 });

function sqrtB(a: BF): BF {
  let m = a.m, e = a.e;
  if (e & 1) { m <<= 1n; e -= 1; }
  const k = Math.max(0, Math.ceil((2 * P + 4 - bitLength(m)) / 2));
  return norm(isqrt(m << BigInt(2 * k)), (e - 2 * k) / 2);
}

const extToB = (x: Ext): BF => norm(signOf(x) ? -sigOf(x) : sigOf(x), unitExp(x));

/** Rounds a BF (known to be inexact) to extended precision, 64-bit significand, per RC. */
function roundB(a: BF, cw: number): Ext {
  if (a.m === 0n) return POS_ZERO;
  let m = abs(a.m), e = a.e;
  const n = bitLength(m);
  if (n < P) { m <<= BigInt(P - n); e -= P - n; }
  return roundExt(a.m < 0n ? 1 : 0, m, e, true, 64, cw);
}

// ------------------------------------------------------------------ constants

let PI_B: BF | null = null;
let LN2_B: BF | null = null;

/** sum (-1)^k / ((2k+1) n^(2k+1)) in fixed point with F fraction bits (atan(1/n)); atanh when alt = false. */
function arcInv(n: bigint, F: bigint, alt: boolean): bigint {
  const one = 1n << F;
  let pow = one / n;
  let sum = pow;
  const n2 = n * n;
  for (let k = 1n; pow !== 0n; k++) {
    pow /= n2;
    const t = pow / (2n * k + 1n);
    sum += alt && (k & 1n) === 1n ? -t : t;
  }
  return sum;
}

function pi(): BF {
  if (!PI_B) PI_B = norm(16n * arcInv(5n, 300n, true) - 4n * arcInv(239n, 300n, true), -300);
  return PI_B;
}
function ln2(): BF {
  if (!LN2_B) LN2_B = norm(2n * arcInv(3n, 300n, false), -300);
  return LN2_B;
}

/** pi/2 as the x87 reduces arguments: 0xC90FDAA22168C234C * 2^-67. */
const PIH = 0xc90fdaa22168c234cn;

// ------------------------------------------------------------------ series

/** Returns true when `term` no longer affects `sum` at P bits. */
const negligible = (term: BF, sum: BF): boolean => term.m === 0n || mag(term) < mag(sum) - P - 4;

function sinB(r: BF): BF {
  if (r.m === 0n) return r;
  const r2 = mulB(r, r);
  let term = r, sum = r;
  for (let k = 1; ; k++) {
    term = divInt(mulB(term, r2), (2 * k) * (2 * k + 1));
    if (negligible(term, sum)) return nudge(sum, (k & 1 ? -1 : 1) * sgn(term.m));
    sum = k & 1 ? subB(sum, term) : addB(sum, term);
  }
}

function cosB(r: BF): BF {
  const r2 = mulB(r, r);
  let term = bf(1n), sum = bf(1n);
  if (r.m === 0n) return sum;
  for (let k = 1; ; k++) {
    term = divInt(mulB(term, r2), (2 * k - 1) * (2 * k));
    if (negligible(term, sum)) return nudge(sum, (k & 1 ? -1 : 1) * sgn(term.m));
    sum = k & 1 ? subB(sum, term) : addB(sum, term);
  }
}

/** atan(t) for |t| <= 0.45: one halving step, then the Taylor series. */
function atanSmall(t: BF): BF {
  if (t.m === 0n) return t;
  const h = divB(t, addB(bf(1n), sqrtB(addB(bf(1n), mulB(t, t))))); // tan(a/2)
  const h2 = mulB(h, h);
  let pow = h, sum = h;
  for (let k = 1; ; k++) {
    pow = mulB(pow, h2);
    const term = divInt(pow, 2 * k + 1);
    if (negligible(term, sum)) { sum = nudge(sum, (k & 1 ? -1 : 1) * sgn(term.m)); break; }
    sum = k & 1 ? subB(sum, term) : addB(sum, term);
  }
  return { m: sum.m, e: sum.e + 1 };
}

/** atan(z) for 0 <= z <= 1. */
function atan01(z: BF): BF {
  if (subB(mulB(z, bf(5n)), bf(2n)).m > 0n) {
    // z > 0.4: atan(z) = pi/4 + atan((z - 1) / (z + 1))
    const t = divB(subB(z, bf(1n)), addB(z, bf(1n)));
    return addB({ m: pi().m, e: pi().e - 2 }, atanSmall(t));
  }
  return atanSmall(z);
}

/** atanh(t) = t + t^3/3 + t^5/5 + ... for small |t|. */
function atanhB(t: BF): BF {
  if (t.m === 0n) return t;
  const t2 = mulB(t, t);
  let pow = t, sum = t;
  for (let k = 1; ; k++) {
    pow = mulB(pow, t2);
    const term = divInt(pow, 2 * k + 1);
    if (negligible(term, sum)) return nudge(sum, sgn(term.m));
    sum = addB(sum, term);
  }
}

/** ln(1 + x) = 2 atanh(x / (2 + x)) for x > -1 (intended for small |x|). */
function log1pB(x: BF): BF {
  const a = atanhB(divB(x, addB(bf(2n), x)));
  return { m: a.m, e: a.e + 1 };
}

/** log2(x) for x > 0: exponent plus log2 of a significand in [sqrt(1/2), sqrt(2)). */
function log2B(x: BF): BF {
  let k = mag(x) - 1;
  let f: BF = { m: x.m, e: x.e - k }; // [1, 2)
  // f > sqrt(2)  <=>  f^2 > 2
  const f2 = mulB(f, f);
  if (mag(f2) > 2 || (mag(f2) === 2 && subB(f2, bf(2n)).m > 0n)) { f = { m: f.m, e: f.e - 1 }; k += 1; }
  const lf = divB(log1pB(subB(f, bf(1n))), ln2());
  return addB(bf(BigInt(k)), lf);
}

/** e^y - 1 by halving |y| below 1/4, the series, then expm1(2u) = expm1(u) (expm1(u) + 2). */
function expm1B(y: BF): BF {
  if (y.m === 0n) return y;
  let h = 0;
  let u = y;
  while (mag(u) > -2) { u = { m: u.m, e: u.e - 1 }; h++; }
  let term = u, sum = u;
  for (let k = 2; ; k++) {
    term = divInt(mulB(term, u), k);
    if (negligible(term, sum)) { sum = nudge(sum, sgn(term.m)); break; }
    sum = addB(sum, term);
  }
  for (; h > 0; h--) sum = mulB(sum, addB(sum, bf(2n)));
  return sum;
}

// ------------------------------------------------------------------ instructions

/** Outcome of the trig family: `ok` false = out of range (C2 = 1, operand unchanged). */
export const trig = { ok: true };

/** sin and cos of x (each computed only when asked), with the x87 reduction. */
function sinCos(x: Ext, wantSin: boolean, wantCos: boolean, cw: number): [Ext, Ext] {
  const s = signOf(x);
  const m = sigOf(x), e = unitExp(x);
  // |x| as X * 2^-67 when large enough to need reduction.
  let r: BF;
  let k = 0;
  if (e + 67 >= 0) {
    const X = m << BigInt(e + 67);
    if (2n * X > PIH) {
      const q = (2n * X + PIH) / (2n * PIH);
      k = Number(q & 3n);
      r = norm(X - q * PIH, -67);
    } else r = norm(m, e);
  } else r = norm(m, e);
  let sn: BF = bf(0n), cs: BF = bf(0n);
  const needSin = (k & 1) === 0 ? wantSin : wantCos;
  const needCos = (k & 1) === 0 ? wantCos : wantSin;
  const sr = needSin ? sinB(r) : bf(0n);
  const cr = needCos ? cosB(r) : bf(0n);
  switch (k) {
    case 0: sn = sr; cs = cr; break;
    case 1: sn = cr; cs = negB(sr); break;
    case 2: sn = negB(sr); cs = negB(cr); break;
    case 3: sn = negB(cr); cs = sr; break;
  }
  if (s) sn = negB(sn);
  // FSINCOS reports C1 for the sine (native), so round the cosine first.
  const rc = wantCos ? roundB(cs, cw) : POS_ZERO;
  const up = fx.up;
  const rs = wantSin ? roundB(sn, cw) : POS_ZERO;
  if (!wantSin) fx.up = up;
  return [rs, rc];
}

/** Common prologue of FSIN/FCOS/FSINCOS/FPTAN: NaN/inf/zero/out-of-range handling. Returns null to compute. */
function trigSpecial(x: Ext): Ext | null | 'range' {
  const c = classify(x);
  if (c >= Cls.QNaN) return nanResult(x, c, null, Cls.Zero);
  if (c === Cls.Inf) { fx.flags |= IE; return INDEFINITE; }
  if (c === Cls.Denormal) fx.flags |= DE;
  if (c === Cls.Zero) return x;
  if (unitExp(x) >= 0) return 'range';
  return null;
}

/** FSIN. */
export function fsin(x: Ext, cw: number): Ext {
  trig.ok = true;
  const sp = trigSpecial(x);
  if (sp === 'range') { trig.ok = false; return x; }
  if (sp) return sp;
  return sinCos(x, true, false, cw)[0];
}

/** FCOS (cos(±0) = 1 exactly). */
export function fcos(x: Ext, cw: number): Ext {
  trig.ok = true;
  const sp = trigSpecial(x);
  if (sp === 'range') { trig.ok = false; return x; }
  if (sp) return classify(sp) === Cls.Zero ? ONE : sp;
  return sinCos(x, false, true, cw)[1];
}

/** FSINCOS: [sin, cos]. */
export function fsincos(x: Ext, cw: number): [Ext, Ext] {
  trig.ok = true;
  const sp = trigSpecial(x);
  if (sp === 'range') { trig.ok = false; return [x, x]; }
  if (sp) return [sp, classify(sp) === Cls.Zero ? ONE : sp];
  return sinCos(x, true, true, cw);
}

/** FPTAN: tan(x) (the caller pushes 1.0). */
export function fptan(x: Ext, cw: number): Ext {
  trig.ok = true;
  const sp = trigSpecial(x);
  if (sp === 'range') { trig.ok = false; return x; }
  if (sp) return sp;
  const s = signOf(x);
  const m = sigOf(x), e = unitExp(x);
  let r: BF;
  let k = 0;
  const X = e + 67 >= 0 ? m << BigInt(e + 67) : 0n;
  if (e + 67 >= 0 && 2n * X > PIH) {
    const q = (2n * X + PIH) / (2n * PIH);
    k = Number(q & 1n);
    r = norm(X - q * PIH, -67);
  } else r = norm(m, e);
  let t: BF;
  // tan r = r + r^3/3 + ...: when r^2 is below the working precision, tan r is just above |r|.
  if (mag(r) < -(P / 2 + 8)) t = k === 0 ? nudge(r, sgn(r.m)) : negB(divB(bf(1n), nudge(r, sgn(r.m))));
  else t = k === 0 ? divB(sinB(r), cosB(r)) : negB(divB(cosB(r), sinB(r)));
  if (s) t = negB(t);
  return roundB(t, cw);
}

/** FPATAN: atan2(y = ST1, x = ST0), in (-pi, pi]. */
export function fpatan(y: Ext, x: Ext, cw: number): Ext {
  const cy = classify(y), cx = classify(x);
  if (cy >= Cls.QNaN || cx >= Cls.QNaN) return nanResult(x, cx, y, cy);
  if (cy === Cls.Denormal || cx === Cls.Denormal) fx.flags |= DE;
  const sy = signOf(y), sx = signOf(x);
  const withSign = (v: BF): Ext => roundB(sy ? negB(v) : v, cw);
  const PI = pi();
  const halfPi = { m: PI.m, e: PI.e - 1 };
  if (cy === Cls.Zero) return sx ? withSign(PI) : zeroOf(sy);
  if (cy === Cls.Inf) {
    if (cx === Cls.Inf) return withSign(sx ? mulB(PI, bf(3n, -2)) : { m: PI.m, e: PI.e - 2 });
    return withSign(halfPi);
  }
  if (cx === Cls.Inf) return sx ? withSign(PI) : zeroOf(sy);
  if (cx === Cls.Zero) return withSign(halfPi);
  const ay = norm(sigOf(y), unitExp(y)), ax = norm(sigOf(x), unitExp(x));
  let a: BF;
  const ySmaller = (mag(ay) < mag(ax)) || (mag(ay) === mag(ax) && subB(ay, ax).m <= 0n);
  if (ySmaller) a = atan01(divB(ay, ax));
  else a = subB(halfPi, atan01(divB(ax, ay)));
  if (sx) a = subB(PI, a);
  return withSign(a);
}

/** F2XM1: 2^x - 1 (defined for -1 <= x <= 1; other finite x are computed the same way). */
export function f2xm1(x: Ext, cw: number): Ext {
  const c = classify(x);
  if (c >= Cls.QNaN) return nanResult(x, c, null, Cls.Zero);
  if (c === Cls.Zero) return x;
  if (c === Cls.Inf) return signOf(x) ? new Ext(0xbfff, 0x80000000 | 0, 0) : x;
  if (c === Cls.Denormal) fx.flags |= DE;
  // x = 1 and x = -1: the results 1 and -1/2 are exact, but hardware reports them inexact
  // (PE, and C1 for 1). Outside [-1, 1] the result is undefined (SDM); AMD parts return x
  // unchanged with PE, and so does x64run.
  if ((x.se & 0x7fff) >= 0x3fff) {
    fx.flags |= PE;
    if ((x.se & 0x7fff) === 0x3fff && x.hi === (0x80000000 | 0) && x.lo === 0) {
      if (signOf(x)) { fx.up = 0; return new Ext(0xbffe, 0x80000000 | 0, 0); }
      fx.up = 1;
      return ONE;
    }
    fx.up = 0;
    return x;
  }
  return roundB(expm1B(mulB(extToB(x), ln2())), cw);
}

/** FYL2X: y * log2(x) (y = ST1, x = ST0). */
export function fyl2x(y: Ext, x: Ext, cw: number): Ext {
  const cy = classify(y), cx = classify(x);
  if (cy >= Cls.QNaN || cx >= Cls.QNaN) return nanResult(x, cx, y, cy);
  const sy = signOf(y), sx = signOf(x);
  if (sx && cx !== Cls.Zero) { fx.flags |= IE; return INDEFINITE; }
  if (cx === Cls.Zero) {
    if (cy === Cls.Zero) { fx.flags |= IE; return INDEFINITE; }
    if (cy !== Cls.Inf) fx.flags |= ZE; // divide-by-zero suppresses DE (native)
    return infOf(sy ^ 1);
  }
  if (cy === Cls.Denormal || cx === Cls.Denormal) fx.flags |= DE;
  // Sign of log2(x): 0 for x > 1, 1 for x < 1, and x = 1 gives +0.
  const isOne = (x.se & 0x7fff) === 0x3fff && x.hi === (0x80000000 | 0) && x.lo === 0;
  const logNeg = (x.se & 0x7fff) < 0x3fff ? 1 : 0;
  if (cx === Cls.Inf) {
    if (cy === Cls.Zero) { fx.flags |= IE; return INDEFINITE; }
    return infOf(sy);
  }
  if (cy === Cls.Inf) {
    if (isOne) { fx.flags |= IE; return INDEFINITE; }
    return infOf(sy ^ logNeg);
  }
  if (isOne) return zeroOf(sy);
  if (cy === Cls.Zero) return zeroOf(sy ^ logNeg);
  // x a power of two: log2(x) = k exactly, so the result is the product y * k rounded once.
  const mx = sigOf(x);
  const ex = unitExp(x);
  if ((mx & (mx - 1n)) === 0n) {
    // Hardware reports PE (and UE for tiny results) even when the product is exact.
    const k = ex + bitLength(mx) - 1;
    const r = roundExt(sy ^ (k < 0 ? 1 : 0), sigOf(y) * BigInt(Math.abs(k)), unitExp(y), false, 64, cw);
    fx.flags |= PE;
    if ((r.se & 0x7fff) === 0) fx.flags |= UE;
    return r;
  }
  return roundB(mulB(extToB(y), log2B(norm(mx, ex))), cw);
}

/** FYL2XP1: y * log2(x + 1) (y = ST1, x = ST0; defined for |x| < 1 - sqrt(2)/2). */
export function fyl2xp1(y: Ext, x: Ext, cw: number): Ext {
  const cy = classify(y), cx = classify(x);
  if (cy >= Cls.QNaN || cx >= Cls.QNaN) return nanResult(x, cx, y, cy);
  if (cy === Cls.Denormal || cx === Cls.Denormal) fx.flags |= DE;
  const sy = signOf(y), sx = signOf(x);
  if (cx === Cls.Zero) {
    if (cy === Cls.Inf) { fx.flags |= IE; return INDEFINITE; }
    return zeroOf(sx ^ sy);
  }
  if (cx === Cls.Inf) {
    if (sx || cy === Cls.Zero) { fx.flags &= ~DE; fx.flags |= IE; return INDEFINITE; }
    return infOf(sy);
  }
  if (cy === Cls.Inf) return infOf(sy ^ sx);
  if (cy === Cls.Zero) return zeroOf(sy ^ sx);
  const bx = extToB(x);
  // x <= -1 is outside the domain (result undefined, SDM); AMD parts return x with PE.
  if (sx && mag(bx) >= 1 && addB(bx, bf(1n)).m <= 0n) { fx.flags |= PE; return x; }
  // Inside the documented domain the atanh series converges fast; beyond it use log2(1 + x).
  const l2 = mag(bx) <= -1 ? divB(log1pB(bx), ln2()) : log2B(addB(bx, bf(1n)));
  return roundB(mulB(extToB(y), l2), cw);
}

void pack80; void NEG_ZERO; void ZE;
