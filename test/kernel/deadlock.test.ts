/**
 * Deadlock detection (scheduler.ts waitForEvent): when every guest thread is blocked in a wait
 * that only another guest thread could end (futexes, pipes, sigsuspend...) and no timer or host
 * event is pending, the run ends at once with RunResult.deadlock naming the threads and what
 * they wait on, instead of hanging like the native program does.
 *
 * corpus/src/thr-deadlock.c: two threads lock mutexes a/b and b/a with a barrier in between, and
 * main joins them. It has no golden: natively it never ends.
 */
import { describe, it, expect } from 'vitest';
import * as path from 'node:path';
import { run } from '../../src/index.js';

const ROOT = path.resolve(__dirname, '../..');

describe('deadlock detection', () => {
  for (const libc of ['glibc', 'musl']) {
    for (const jit of [true, false]) {
      it(`ends thr-deadlock-${libc} quickly with a report (${jit ? 'JIT' : 'interpreter'})`, async () => {
        const prog = path.join(ROOT, `corpus/bin/thr-deadlock-${libc}`);
        const started = Date.now();
        const r = await run(prog, [prog], {}, { stdout: 'capture', stderr: 'capture', onWarning: () => {}, jit: { enabled: jit } });
        const ms = Date.now() - started;
        expect(Buffer.from(r.stdout!).toString()).toBe('starting two threads that lock a/b and b/a\n');
        expect(r.deadlock).toBeDefined();
        // All three threads (main in pthread_join, the two lockers in their second lock) are named
        // with the futex each one waits on.
        expect(r.deadlock).toMatch(/all 3 thread\(s\) are blocked/);
        const waits = [...r.deadlock!.matchAll(/tid (\d+) in futex 0x[0-9a-f]+/g)].map((m) => Number(m[1]));
        expect(waits).toHaveLength(3);
        expect(new Set(waits).size).toBe(3);
        // The run is ended with SIGKILL, like a watchdog would.
        expect(r.exitCode).toBeNull();
        expect(r.signal).toBe('SIGKILL');
        expect(ms).toBeLessThan(15_000);
      });
    }
  }

  it('ends quickly in deterministic mode too', async () => {
    const prog = path.join(ROOT, 'corpus/bin/thr-deadlock-glibc');
    const r = await run(prog, [prog], {}, { stdout: 'capture', stderr: 'capture', onWarning: () => {}, deterministic: true });
    expect(r.deadlock).toMatch(/all 3 thread\(s\) are blocked waiting for each other \(tid 1000 in futex 0x[0-9a-f]+, tid 1001 in futex 0x[0-9a-f]+, tid 1002 in futex 0x[0-9a-f]+\)/);
  });
});
