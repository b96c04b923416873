/**
 * Deterministic mode with several guest threads: the interleaving is a fixed function of the
 * run (round robin, slices counted in instructions) and timed waits end in virtual time
 * (Thread.virtualDeadline: timed futex waits, nanosleep, sem_timedwait...), so two runs of a
 * threaded program print the same thing and report the same statistics. The output must also
 * still match the native golden: deterministic scheduling must not change what the program
 * computes (condition variables, barriers, rwlocks, semaphores, timeouts, signals to threads,
 * cancellation).
 */
import { describe, it, expect } from 'vitest';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { run, type RunResult } from '../../src/index.js';

const ROOT = path.resolve(__dirname, '../..');

async function det(program: string, args: string[]): Promise<RunResult> {
  const file = path.join(ROOT, 'corpus/bin', program);
  return run(file, [program, ...args], {}, { stdout: 'capture', stderr: 'capture', onWarning: () => {}, deterministic: true });
}

const cases: [string, string, string[]][] = [
  ['thr-sync-musl', 'thr-sync-musl', []],
  ['thr-signal-cancel-glibc', 'thr-signal-glibc', ['cancel']],
  ['thr-signal-direct-musl', 'thr-signal-musl', ['direct']],
];

describe('threads in deterministic mode', () => {
  for (const [golden, program, args] of cases) {
    it(`${golden}: two runs agree in output and statistics, and match the native output`, async () => {
      const g = JSON.parse(fs.readFileSync(path.join(ROOT, `corpus/golden/${golden}.json`), 'utf8'));
      const a = await det(program, args);
      const b = await det(program, args);
      const out = (r: RunResult) => Buffer.from(r.stdout!).toString();
      expect(out(a)).toBe(g.stdout);
      expect(a.exitCode).toBe(g.exitCode);
      expect(out(b)).toBe(out(a));
      expect(b.stats).toEqual(a.stats);
      expect(a.stats.wallMs).toBe(0);
      expect(Object.keys(a.stats.syscalls)).toContain('futex');
    }, 120_000);
  }
});
