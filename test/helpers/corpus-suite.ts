/** One vitest `describe` replaying every corpus golden with the given run options. */
import { describe, it, expect } from 'vitest';
import type { RunOptions } from '../../src/index.js';
import { loadGoldens, runGoldenCase, outputFields, skipReason, type Build } from './corpus.js';

export function describeCorpus(title: string, options: RunOptions, build: Build = 'src'): void {
  const goldens = loadGoldens();
  describe(title, () => {
    it('has goldens to check', () => {
      expect(goldens.length).toBeGreaterThan(10);
    });
    for (const g of goldens) {
      const skip = skipReason(g);
      (skip ? it.skip : it)(skip ? `${g.name} (skipped: ${skip})` : g.name, async () => {
        const { result: r, tree } = await runGoldenCase(g, options, build);
        const out = outputFields('stdout', r.stdout, !!g.sortLines);
        const err = outputFields('stderr', r.stderr);
        expect(r.signal ?? null, r.fault).toBe(g.signal);
        expect(out.stdout ?? out.stdoutBase64).toBe(g.stdout ?? g.stdoutBase64);
        expect(err.stderr ?? err.stderrBase64).toBe(g.stderr ?? g.stderrBase64);
        expect(r.exitCode).toBe(g.exitCode);
        if (g.tree !== undefined) expect(tree).toBe(g.tree);
      }, 180_000);
    }
  });
}
