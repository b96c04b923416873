/**
 * Deterministic mode (RunOptions.deterministic, `--deterministic`, src/kernel/determinism.ts):
 * virtual time from retired instructions, seeded randomness, fixed identity and scheduling.
 * Two runs of the same program print the same output and report the same statistics (host
 * times are reported as 0), whatever the engine: instruction counts, and therefore virtual
 * time, are the same with the JIT and in the interpreter.
 */
import { describe, it, expect } from 'vitest';
import * as path from 'node:path';
import { run, type RunOptions, type RunResult } from '../../src/index.js';

const ROOT = path.resolve(__dirname, '../..');

async function det(program: string, args: string[] = [], options: RunOptions = {}): Promise<{ r: RunResult; stdout: string }> {
  const file = path.join(ROOT, 'corpus/bin', program);
  const r = await run(file, [program, ...args], {}, { stdout: 'capture', stderr: 'capture', onWarning: () => {}, deterministic: true, ...options });
  expect(r.exitCode, Buffer.from(r.stderr ?? []).toString()).toBe(0);
  return { r, stdout: Buffer.from(r.stdout!).toString() };
}

describe('deterministic mode', () => {
  for (const libc of ['glibc', 'musl']) {
    it(`time and randomness are stable across runs (vdso-entropy-${libc})`, async () => {
      const a = await det(`vdso-entropy-${libc}`);
      const b = await det(`vdso-entropy-${libc}`);
      expect(b.stdout).toBe(a.stdout);
      expect(b.r.stats).toEqual(a.r.stats);
      // Virtual clocks: the wall clock starts at 2024-01-01T00:00:00Z, the monotonic one at 1000 s,
      // and both advance with the instructions retired (1 ns each), as rdtsc does.
      const rt = [...a.stdout.matchAll(/realtime (\d+)\.(\d{9}) monotonic (\d+)\.(\d{9})/g)];
      expect(rt).toHaveLength(2);
      for (const m of rt) {
        expect(m[1]).toBe('1704067200');
        expect(m[3]).toBe('1000');
        expect(Number(m[4]) - Number(m[2])).toBeGreaterThan(0);
        expect(Number(m[4]) - Number(m[2])).toBeLessThan(100); // the two reads are a few instructions apart
      }
      expect(Number(rt[1][2]) - Number(rt[0][2])).toBeGreaterThan(100_000 * 3); // the spin loop in between
      expect(a.stdout).toMatch(/\npid 1000\n$/);
      expect(a.stdout).toMatch(/getrandom returned 16\n {2}bytes [0-9a-f]{32}\n/);
      // The second getrandom differs from the first: the generator is a stream, not a constant.
      const bytes = [...a.stdout.matchAll(/ {2}bytes ([0-9a-f]{32})/g)].map((m) => m[1]);
      expect(bytes[0]).not.toBe(bytes[1]);
      // No host time leaks into the statistics.
      expect(a.r.stats.wallMs).toBe(0);
      expect(a.r.stats.jit.compileMs).toBe(0);
      expect(Object.values(a.r.stats.syscalls).every((s) => s.ns === 0)).toBe(true);
      // clock_gettime x2 per round; musl's gettimeofday and time are clock_gettime too.
      expect(a.r.stats.vdsoCalls.clock_gettime).toBe(libc === 'glibc' ? 4 : 8);
    });
  }

  it('prints the same with the JIT, with a zero threshold and in the interpreter (same instruction counts)', async () => {
    const jit = await det('vdso-entropy-glibc');
    const hot = await det('vdso-entropy-glibc', [], { jit: { enabled: true, threshold: 0 } });
    const interp = await det('vdso-entropy-glibc', [], { jit: { enabled: false } });
    expect(hot.stdout).toBe(jit.stdout);
    expect(interp.stdout).toBe(jit.stdout);
    expect(interp.r.stats.instructions).toBe(jit.r.stats.instructions);
    expect(hot.r.stats.instructions).toBe(jit.r.stats.instructions);
    expect(interp.r.stats.blocksExecuted).toBe(jit.r.stats.blocksExecuted);
  });

  it('the seed selects the random stream (AT_RANDOM, getrandom, /dev/urandom)', async () => {
    const a = await det('vdso-entropy-glibc', [], { deterministic: { seed: 1 } });
    const b = await det('vdso-entropy-glibc', [], { deterministic: { seed: 1 } });
    const c = await det('vdso-entropy-glibc', [], { deterministic: { seed: 2 } });
    const random = (s: string) => s.split('\n').filter((l) => /bytes|urandom|AT_RANDOM/.test(l));
    expect(random(b.stdout)).toEqual(random(a.stdout));
    expect(random(c.stdout)).not.toEqual(random(a.stdout));
    expect(random(c.stdout)).toHaveLength(5);
  });

  it('a program that sleeps, reads every clock and its credentials: identical output and stats (timeid-glibc)', async () => {
    const a = await det('timeid-glibc');
    const b = await det('timeid-glibc');
    expect(b.stdout).toBe(a.stdout);
    expect(b.r.stats).toEqual(a.r.stats);
    expect(a.stdout).toContain('clock_nanosleep relative 10ms = 0');
  });

  it('in-memory file systems take their times from the virtual clock', async () => {
    const stat = async () => {
      const r = await run(path.join(ROOT, 'corpus/bin/busybox'), ['busybox', 'stat', '-c', '%Y %X %Z', '/f'], { TZ: 'UTC' },
        { fs: { files: { f: 'x' } }, deterministic: true, stdout: 'capture', stderr: 'capture', onWarning: () => {} });
      return Buffer.from(r.stdout!).toString();
    };
    expect(await stat()).toBe('1704067200 1704067200 1704067200\n');
  });

  it('syscall-heavy loops count exactly: N gettid calls retire 9 instructions each (hook-bench inline)', async () => {
    const one = await det('hook-bench-glibc', ['inline', '1000']);
    const two = await det('hook-bench-glibc', ['inline', '2000']);
    expect(two.r.stats.syscalls.gettid.count - one.r.stats.syscalls.gettid.count).toBe(1000);
    expect((two.r.stats.instructions - one.r.stats.instructions) / 1000).toBe(9);
    const again = await det('hook-bench-glibc', ['inline', '2000']);
    expect(again.r.stats).toEqual(two.r.stats);
  });
});
