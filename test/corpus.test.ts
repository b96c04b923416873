/**
 * Every corpus case must reproduce its native golden output: stdout, stderr, exit status or
 * killing signal, and (for cases run in a fixture directory) the directory tree left behind.
 * The goldens were recorded by corpus/record.mjs on x86-64 Linux.
 */
import { describe, it, expect } from 'vitest';
import { loadGoldens, runGoldenCase, outputFields, skipReason } from './helpers/corpus.js';

const goldens = loadGoldens();

describe('corpus programs match their native goldens', () => {
  it('has goldens to check', () => {
    expect(goldens.length).toBeGreaterThan(10);
  });
  for (const g of goldens) {
    const skip = skipReason(g);
    (skip ? it.skip : it)(skip ? `${g.name} (skipped: ${skip})` : g.name, async () => {
      const { result: r, tree } = await runGoldenCase(g);
      const out = outputFields('stdout', r.stdout, !!g.sortLines);
      const err = outputFields('stderr', r.stderr);
      expect(r.signal ?? null, r.fault).toBe(g.signal);
      expect(out.stdout ?? out.stdoutBase64).toBe(g.stdout ?? g.stdoutBase64);
      expect(err.stderr ?? err.stderrBase64).toBe(g.stderr ?? g.stderrBase64);
      expect(r.exitCode).toBe(g.exitCode);
      if (g.tree !== undefined) expect(tree).toBe(g.tree);
    }, 60_000);
  }
});
