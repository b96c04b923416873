/**
 * Seeded randomness and the pools of "interesting" values the generator draws operands from:
 * integer edge values per width (0, ±1, sign boundaries, all-ones, single bits, random), floats
 * (±0, ±inf, QNaN/SNaN with payloads, denormals, 1.0, -1.5, min/max normal, rounding ties, values
 * at the int32/int64 conversion limits, random), x87 extended values and MXCSR settings.
 */

/** sfc32: small, fast, deterministic across platforms. */
export class Rng {
  private a: number; private b: number; private c: number; private d: number;
  constructor(seed: number) {
    this.a = 0x9e3779b9; this.b = 0x243f6a88; this.c = 0xb7e15162; this.d = seed >>> 0;
    for (let i = 0; i < 16; i++) this.u32();
  }
  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }
  /** Uniform integer in [0, n). */
  int(n: number): number { return Math.floor((this.u32() / 4294967296) * n); }
  /** Uniform integer in [lo, hi]. */
  range(lo: number, hi: number): number { return lo + this.int(hi - lo + 1); }
  chance(p: number): boolean { return this.u32() / 4294967296 < p; }
  pick<T>(a: readonly T[]): T { return a[this.int(a.length)]; }
  u64(): bigint { return (BigInt(this.u32()) << 32n) | BigInt(this.u32()); }
  bytes(n: number): Uint8Array { const b = new Uint8Array(n); for (let i = 0; i < n; i++) b[i] = this.u32() & 0xff; return b; }
  /** Picks an index by weights. */
  weighted(w: readonly number[]): number {
    const total = w.reduce((a, b) => a + b, 0);
    let r = (this.u32() / 4294967296) * total;
    for (let i = 0; i < w.length; i++) { r -= w[i]; if (r < 0) return i; }
    return w.length - 1;
  }
}

const mask = (bits: number): bigint => (1n << BigInt(bits)) - 1n;

/** An interesting `bits`-wide integer (unsigned representation). */
export function intValue(rng: Rng, bits: number): bigint {
  const m = mask(bits);
  const sign = 1n << BigInt(bits - 1);
  switch (rng.int(16)) {
    case 0: return 0n;
    case 1: return 1n;
    case 2: return m; // -1
    case 3: return sign - 1n; // max signed
    case 4: return sign; // min signed
    case 5: return rng.pick([2n, m - 1n, sign + 1n, sign - 2n, 3n, 0x10n]) & m;
    case 6: return (1n << BigInt(rng.int(bits))) & m; // one bit
    case 7: return m ^ ((1n << BigInt(rng.int(bits))) & m); // all but one bit
    case 8: return BigInt(rng.int(64)) & m; // small
    case 9: return (m - BigInt(rng.int(64))) & m; // small negative
    case 10: return rng.pick([0x7fn, 0x80n, 0xffn, 0x7fffn, 0x8000n, 0xffffn, 0x7fffffffn, 0x80000000n, 0xffffffffn, 0x100n, 0x10000n, 0x100000000n]) & m;
    case 11: return rng.pick([0x5555555555555555n, 0xaaaaaaaaaaaaaaaan, 0x0f0f0f0f0f0f0f0fn, 0x0123456789abcdefn, 0xfedcba9876543210n]) & m;
    default: return rng.u64() & m;
  }
}

/** A 64-bit register value whose bits [shift, shift+bits) hold an interesting value and the rest random/zero/ones. */
export function regValue(rng: Rng, bits: number, shift = 0): bigint {
  if (bits >= 64) return intValue(rng, 64);
  const bg = rng.pick([0n, -1n, rng.u64(), rng.u64(), rng.u64()]);
  const m = mask(bits) << BigInt(shift);
  return BigInt.asUintN(64, (bg & ~m) | (intValue(rng, bits) << BigInt(shift)));
}

// ------------------------------------------------------------------ floats

const F32_SPECIAL = [
  0x00000000, 0x80000000, 0x3f800000, 0xbf800000, 0xbfc00000, 0x3fc00000, 0x3f000000, 0xbf000000, 0x40200000, 0x40400000,
  0x7f800000, 0xff800000, 0x7fc00000, 0xffc00000, 0x7fc12345, 0xffe00001, 0x7fa00000, 0x7f800001, 0xff812345,
  0x00000001, 0x80000001, 0x007fffff, 0x807fffff, 0x00400000, 0x00800000, 0x80800000, 0x7f7fffff, 0xff7fffff,
  0x4f000000, 0xcf000000, 0x4effffff, 0xcf000001, 0x5f000000, 0xdf000000, 0x5effffff, 0x4b000001, 0x4b7fffff, 0x3f7fffff,
  0x40490fdb, 0x3eaaaaab, 0x47800000, 0x477fff00, 0xc7000080, 0x3f800001,
];
const F64_SPECIAL = [
  0x0000000000000000n, 0x8000000000000000n, 0x3ff0000000000000n, 0xbff0000000000000n, 0xbff8000000000000n, 0x3ff8000000000000n,
  0x3fe0000000000000n, 0xbfe0000000000000n, 0x4004000000000000n, 0x400c000000000000n,
  0x7ff0000000000000n, 0xfff0000000000000n, 0x7ff8000000000000n, 0xfff8000000000000n, 0x7ff8000012345678n, 0xfffc000000000001n,
  0x7ff4000000000000n, 0x7ff0000000000001n, 0xfff0000087654321n,
  0x0000000000000001n, 0x8000000000000001n, 0x000fffffffffffffn, 0x800fffffffffffffn, 0x0010000000000000n, 0x8010000000000000n,
  0x7fefffffffffffffn, 0xffefffffffffffffn,
  0x41dfffffffc00000n, 0x41dfffffffe00000n, 0xc1e0000000000000n, 0xc1e0000000100000n, 0x41e0000000000000n, 0x43e0000000000000n,
  0xc3e0000000000000n, 0x43dfffffffffffffn, 0x4330000000000001n, 0x3fefffffffffffffn, 0x400921fb54442d18n, 0x3fd5555555555555n,
  0x47efffffe0000000n, 0x47efffffffffffffn, 0x36a0000000000000n, 0x3810000000000000n, 0x380fffffffffffffn, 0xb6a0000000000000n,
];

/** Random finite float of moderate magnitude, sometimes a tie (x.5) for rounding. */
function moderate(rng: Rng): number {
  switch (rng.int(4)) {
    case 0: return (rng.int(2000) - 1000) + 0.5;
    case 1: return (rng.u32() / 4294967296 - 0.5) * Math.pow(2, rng.range(-20, 40));
    case 2: return rng.int(1 << 20) - (1 << 19);
    default: return (rng.u32() - 2147483648) * (rng.chance(0.5) ? 1 : 4294967296) + rng.pick([0, 0.25, 0.5, 0.75]);
  }
}

export function f32Bits(rng: Rng): number {
  const r = rng.int(10);
  if (r < 4) return rng.pick(F32_SPECIAL) >>> 0;
  if (r < 8) { const f = new Float32Array([moderate(rng)]); return new Uint32Array(f.buffer)[0]; }
  return rng.u32();
}

export function f64Bits(rng: Rng): bigint {
  const r = rng.int(10);
  if (r < 4) return rng.pick(F64_SPECIAL);
  if (r < 8) { const f = new Float64Array([moderate(rng)]); return new BigUint64Array(f.buffer)[0]; }
  return rng.u64();
}

export type Lane = 'i8' | 'i16' | 'i32' | 'i64' | 'f32' | 'f64' | 'any';

/** `n` bytes of lanes of the given type. */
export function laneBytes(rng: Rng, n: number, lane: Lane): Uint8Array {
  const b = new Uint8Array(n);
  const dv = new DataView(b.buffer);
  const kind = lane === 'any' ? rng.pick<Lane>(['i8', 'i16', 'i32', 'i64', 'f32', 'f64']) : lane;
  // Occasionally make all lanes equal or mirror a pattern (helps compares and shuffles).
  const same = rng.chance(0.1);
  const step = kind === 'i8' ? 1 : kind === 'i16' ? 2 : kind === 'i32' || kind === 'f32' ? 4 : 8;
  let first: bigint | number | null = null;
  for (let o = 0; o + step <= n; o += step) {
    let v: bigint | number;
    if (same && first !== null) v = first;
    else if (kind === 'f32') v = f32Bits(rng);
    else if (kind === 'f64') v = f64Bits(rng);
    else v = intValue(rng, step * 8);
    first ??= v;
    switch (step) {
      case 1: dv.setUint8(o, Number(v)); break;
      case 2: dv.setUint16(o, Number(v), true); break;
      case 4: dv.setUint32(o, Number(v) >>> 0, true); break;
      default: dv.setBigUint64(o, BigInt(v), true);
    }
  }
  if (n % step) for (let o = n - (n % step); o < n; o++) b[o] = rng.u32() & 0xff;
  return b;
}

/** MXCSR: all exceptions masked, random rounding mode, sometimes FTZ/DAZ and sticky flags. */
export function mxcsrValue(rng: Rng, unmasked = false): number {
  let v = 0x1f80;
  v |= rng.pick([0, 0, 1, 2, 3]) << 13;
  if (rng.chance(0.15)) v |= 0x8000; // FTZ
  if (rng.chance(0.15)) v |= 0x40; // DAZ
  if (rng.chance(0.2)) v |= rng.int(64); // sticky exception flags already set
  if (unmasked) v &= ~(1 << (7 + rng.int(6)));
  return v;
}

// ------------------------------------------------------------------ x87 extended values

/** 80-bit extended value: [significand (64 bits), sign+exponent (16 bits)] as 10 bytes. */
export function f80Bytes(rng: Rng): Uint8Array {
  const b = new Uint8Array(10);
  const dv = new DataView(b.buffer);
  let mant: bigint, se: number;
  switch (rng.int(12)) {
    case 0: mant = 0n; se = rng.pick([0, 0x8000]); break; // ±0
    case 1: mant = 0x8000000000000000n; se = 0x3fff | (rng.int(2) << 15); break; // ±1
    case 2: mant = 0x8000000000000000n; se = 0x7fff | (rng.int(2) << 15); break; // ±inf
    case 3: mant = 0xc000000000000000n | BigInt(rng.int(1000)); se = 0x7fff | (rng.int(2) << 15); break; // QNaN
    case 4: mant = 0x8000000000000001n + BigInt(rng.int(1000)); se = 0x7fff; break; // SNaN
    case 5: mant = BigInt(rng.u32()) + 1n; se = rng.int(2) << 15; break; // denormal
    case 6: mant = 0xc000000000000000n; se = 0x3fff | 0x8000; break; // -1.5
    case 7: mant = rng.u64() | 0x8000000000000000n; se = rng.range(0x3fff - 70, 0x3fff + 70) | (rng.int(2) << 15); break;
    case 8: mant = rng.u64() | 0x8000000000000000n; se = rng.range(1, 0x7ffe) | (rng.int(2) << 15); break;
    case 9: { // an exact double
      const f = new Float64Array([moderate(rng)]);
      return f64ToF80(new BigUint64Array(f.buffer)[0]);
    }
    case 10: mant = rng.u64() & 0x7fffffffffffffffn; se = rng.range(1, 0x7ffe); break; // unnormal (invalid operand)
    default: mant = rng.u64(); se = rng.int(65536); break;
  }
  dv.setBigUint64(0, mant, true);
  dv.setUint16(8, se, true);
  return b;
}

/** Exact conversion of a double's bits to the 80-bit format. */
export function f64ToF80(bits: bigint): Uint8Array {
  const b = new Uint8Array(10);
  const dv = new DataView(b.buffer);
  const sign = Number(bits >> 63n);
  const exp = Number((bits >> 52n) & 0x7ffn);
  const frac = bits & 0xfffffffffffffn;
  let mant: bigint, e: number;
  if (exp === 0 && frac === 0n) { mant = 0n; e = 0; }
  else if (exp === 0x7ff) { mant = (1n << 63n) | (frac << 11n); e = 0x7fff; }
  else if (exp === 0) { // denormal double: normalise
    let f = frac, ee = 1 - 1023;
    while ((f & (1n << 52n)) === 0n) { f <<= 1n; ee--; }
    mant = f << 11n; e = ee + 16383;
  } else { mant = (1n << 63n) | (frac << 11n); e = exp - 1023 + 16383; }
  dv.setBigUint64(0, mant, true);
  dv.setUint16(8, e | (sign << 15), true);
  return b;
}
