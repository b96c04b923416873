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

  it('vDSO clock reads inside compiled code see the instruction count the interpreter sees (hook-bench vdso)', async () => {
    // hook-bench times its loop of 50000 clock_gettime calls with clock_gettime: the loop is a
    // compiled region whose vDSO calls run in place (codegen.ts emitNative), which must publish
    // the instructions retired so far before the clock reads them.
    const loop = async (jit: RunOptions['jit']) => {
      const { r } = await det('hook-bench-glibc', ['vdso', '50000', 'wall'], { jit });
      return { ns: Buffer.from(r.stderr!).toString(), r };
    };
    const interp = await loop({ enabled: false });
    expect(interp.ns).toMatch(/^loop \d+\n$/);
    for (const jit of [{ enabled: true, threshold: 16 }, { enabled: true }]) {
      const j = await loop(jit);
      expect(j.r.stats.jit.blocksCompiled).toBeGreaterThan(0);
      expect(j.ns).toBe(interp.ns);
    }
  });

  it('a hooked vDSO entry inside compiled code: the interpreter\'s output, calls and instruction count (hook-bench vdso)', async () => {
    // With clock_gettime hooked, each vDSO call inside the compiled loop becomes a real syscall:
    // the region leaves from the entry (codegen.ts emitNative; the register write-back on that
    // path has its own test in test/jit/jit.test.ts).
    let calls = 0;
    const syscalls = { clock_gettime: () => { calls++; return undefined; } };
    const loop = async (jit: RunOptions['jit']) => {
      calls = 0;
      const { r, stdout } = await det('hook-bench-glibc', ['vdso', '20000', 'wall'], { jit, syscalls });
      return { out: stdout + Buffer.from(r.stderr!).toString(), calls, r };
    };
    const interp = await loop({ enabled: false });
    expect(interp.out).toMatch(/^vdso n=20000 consistent: yes\nloop \d+\n$/);
    expect(interp.calls).toBe(20002);
    const jit = await loop({ enabled: true, threshold: 16 });
    expect(jit.r.stats.jit.blocksCompiled).toBeGreaterThan(0);
    expect(jit.out).toBe(interp.out);
    expect(jit.calls).toBe(interp.calls);
    expect(jit.r.stats.instructions).toBe(interp.r.stats.instructions);
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
