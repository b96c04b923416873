/**
 * Every corpus case must reproduce its native golden output: stdout, stderr, exit status or
 * killing signal. The goldens were recorded by corpus/record.mjs on x86-64 Linux.
 */
import { describe, it, expect } from 'vitest';
import { loadGoldens, runGolden, text } from './helpers/corpus.js';

const goldens = loadGoldens();

describe('corpus programs match their native goldens', () => {
  it('has goldens to check', () => {
    expect(goldens.length).toBeGreaterThan(10);
  });
  for (const g of goldens) {
    it(g.name, async () => {
      const r = await runGolden(g);
      expect(text(r.stdout)).toBe(g.stdout);
      expect(text(r.stderr)).toBe(g.stderr);
      expect(r.signal ?? null).toBe(g.signal);
      expect(r.exitCode).toBe(g.exitCode);
    }, 60_000);
  }
});
