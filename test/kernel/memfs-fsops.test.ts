/**
 * The in-memory file system (RunOptions.fs.files) behaves like the host's: the fsops corpus
 * program, whose goldens were recorded natively in an empty host directory, prints the same
 * text when its working directory is an empty directory of an in-memory root.
 */
import { describe, it, expect } from 'vitest';
import * as path from 'node:path';
import { run } from '../../src/index.js';
import { loadGoldens, ROOT } from '../helpers/corpus.js';

describe('fsops in an in-memory root matches the native golden', () => {
  for (const g of loadGoldens((x) => x.name.startsWith('fsops-'))) {
    it(g.name, async () => {
      const r = await run(path.join(ROOT, g.program), [g.program, ...g.args], g.env, {
        fs: { files: { work: {} } }, cwd: '/work', stdout: 'capture', stderr: 'capture', onWarning: () => {},
      });
      expect(r.signal ?? null, r.fault).toBe(null);
      expect(Buffer.from(r.stdout!).toString()).toBe(g.stdout);
      expect(r.exitCode).toBe(g.exitCode);
    }, 60_000);
  }
});
