/**
 * defMatching narrows the ~4,900 iced Code names to those starting with a pattern's anchored
 * letters (dispatch.ts candidates). The narrowing must never drop a name the pattern matches.
 */
import { describe, it, expect } from 'vitest';
import { Code } from '../../src/cpu/iced.js';
import { candidates } from '../../src/cpu/dispatch.js';

const COUNT = Object.keys(Code).length / 2;
const allMatching = (re: RegExp) => Array.from({ length: COUNT }, (_, c) => c).filter((c) => re.test(Code[c]));

describe('defMatching candidates', () => {
  const patterns = [
    /^Add_/, /^Movsx_|^Movsxd_/, /^Nop[wdq]$|^Endbr64$|^Pause$|^Lfence|^Reservednop_/, /^(Shl|Sal)_rm/,
    /^Cmov[a-z]+_/, /^A[(]|^Bt_rm/, /^A(dd|nd)_|^Xor_/, /_rm64$/, /^add_/i, /^Pslld_(xmm|mm)_imm8$/,
  ];
  for (const re of patterns) {
    it(`${re} keeps every matching name`, () => {
      const c = candidates(re);
      const narrowed = (c ?? Array.from({ length: COUNT }, (_, k) => k)).filter((k) => re.test(Code[k]));
      expect(narrowed).toEqual(allMatching(re));
      expect(allMatching(re).length).toBeGreaterThan(0);
    });
  }
  it('narrows anchored patterns and leaves others to the full scan', () => {
    expect(candidates(/^Add_/)!.length).toBeLessThan(COUNT / 4);
    expect(candidates(/^Nop[wdq]$|^Endbr64$/)!.every((k) => 'NE'.includes(Code[k][0]))).toBe(true);
    expect(candidates(/_rm64$/)).toBeNull();
    expect(candidates(/^(Shl|Sal)_rm/)).toBeNull();
    expect(candidates(/^add_/i)).toBeNull();
  });
});
