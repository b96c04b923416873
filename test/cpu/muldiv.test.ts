/**
 * muldiv.ts's imul64Flags against the definition (Intel SDM "IMUL": CF = OF = the signed
 * product, truncated to 64 bits, differs from the full product), computed with BigInt. The
 * ISA goldens hold few products near 2^63, where imul64Flags leaves its double estimate for
 * the 128-bit product.
 */
import { describe, it, expect } from 'vitest';
import { imul64Flags } from '../../src/cpu/muldiv.js';
import { CF, OF, ZF, SF } from '../../src/cpu/flags.js';
import { fromBigInt, r64 } from '../../src/cpu/int64.js';

const P63 = 1n << 63n;
/** The low and high int32 halves of v modulo 2^64 (int64.ts fromBigInt). */
const halves = (v: bigint): [number, number] => {
  const lo = fromBigInt(BigInt.asIntN(64, v));
  return [lo, r64.hi];
};

function check(x: bigint, y: bigint): void {
  const full = x * y;
  const [xl, xh] = halves(x), [yl, yh] = halves(y);
  const [lo, hi] = halves(full); // the truncated product
  const f = imul64Flags(xl, xh, yl, yh, lo, hi);
  const over = full < -P63 || full >= P63;
  expect(f & (CF | OF), `${x} * ${y}`).toBe(over ? CF | OF : 0);
  expect(f & ZF).toBe(BigInt.asUintN(64, full) === 0n ? ZF : 0);
  expect(f & SF).toBe(BigInt.asIntN(64, full) < 0n ? SF : 0);
}

describe('imul64Flags (two- and three-operand imul r64)', () => {
  it('overflow exactly when the signed product leaves 64 bits, at and around 2^63 and elsewhere', () => {
    // Pairs whose product lands within a few units of +-2^63: a * b with b = floor(2^63 / a) + d.
    const as = [2n, 3n, 5n, 7n, 3037000493n, 3037000499n, 3037000500n, 4294967296n, 4294967295n, 6074001000n, 1n << 31n, (1n << 62n) + 1n];
    for (const a of as) {
      for (let d = -2n; d <= 2n; d++) {
        const b = P63 / a + d;
        for (const [x, y] of [[a, b], [-a, b], [a, -b], [-a, -b], [b, a]]) check(x, y);
      }
    }
    check(-P63, 1n); check(-P63, -1n); check(P63 - 1n, 1n); check(P63 - 1n, -1n); check(-P63, 0n);
    let seed = 99;
    const rnd = () => BigInt((seed = (Math.imul(seed, 1103515245) + 12345) | 0) >>> 0);
    for (let n = 0; n < 3000; n++) {
      const bits = BigInt(n % 64);
      const x = BigInt.asIntN(64, (rnd() << 32n) | rnd()) >> bits;
      const y = BigInt.asIntN(64, (rnd() << 32n) | rnd()) >> (63n - bits);
      check(x, y);
    }
  });
});
