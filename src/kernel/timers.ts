/**
 * Interval timers and POSIX timers: alarm, setitimer, getitimer (ITIMER_REAL, ITIMER_VIRTUAL,
 * ITIMER_PROF), timer_create, timer_settime, timer_gettime, timer_getoverrun, timer_delete.
 *
 * Timers are polled, not driven by host callbacks: the scheduler calls `pollTimers()` at every
 * slice boundary and, when all threads are blocked, sleeps until the next deadline. Real-time
 * timers follow the kernel's realtime/monotonic clock (virtual in deterministic mode); CPU-time
 * timers (ITIMER_VIRTUAL/PROF, CLOCK_PROCESS_CPUTIME_ID) follow the process's retired
 * instructions at one nanosecond each, so they are deterministic everywhere.
 */
import { sys, a } from './syscall-table.js';
import type { Thread } from './thread.js';
import type { Process } from './process.js';
import type { Kernel } from './kernel.js';
import { EINVAL, EFAULT, EAGAIN } from './errno.js';
import { copyIn, copyOut } from './guest-mem.js';
import { sendToProcess, sendToThread, SIGALRM, SIGVTALRM, SIGPROF, SI_TIMER, NSIG, type SigInfo } from './signal.js';

export type TimerClock = 'real' | 'mono' | 'cpu';

export interface Timer {
  process: Process;
  clock: TimerClock;
  /** Absolute expiry on its clock, in ns; 0 = disarmed. */
  deadline: bigint;
  interval: bigint;
  signo: number;
  /** SIGEV_THREAD_ID target, or null for the whole process. */
  thread: Thread | null;
  /** timer_create id, or -1 for the itimers. */
  id: number;
  value: bigint;
  overrun: number;
  notify: 'signal' | 'none';
}

/** Current time of a timer clock for a process. */
export function clockNow(k: Kernel, p: Process, clock: TimerClock): bigint {
  switch (clock) {
    case 'real': return k.config.realtimeNs();
    case 'mono': return k.config.monotonicNs();
    default: return BigInt(p.threads.reduce((n, t) => n + t.cpu.icount, 0));
  }
}

export class TimerTable {
  readonly timers: Timer[] = [];

  /** Fires every expired timer. */
  poll(k: Kernel): void {
    for (const t of this.timers) {
      if (t.deadline === 0n || t.process.exit) continue;
      const now = clockNow(k, t.process, t.clock);
      if (now < t.deadline) continue;
      if (t.interval > 0n) {
        const missed = (now - t.deadline) / t.interval;
        t.overrun = Number(missed);
        t.deadline += (missed + 1n) * t.interval;
      } else {
        t.deadline = 0n;
      }
      if (t.notify === 'signal') {
        const info: SigInfo = t.id >= 0
          ? { signo: t.signo, errno: 0, code: SI_TIMER, timerId: t.id, overrun: t.overrun, value: t.value }
          : { signo: t.signo, errno: 0, code: 0x80 /* SI_KERNEL */ };
        if (t.thread) sendToThread(t.thread, info);
        else sendToProcess(t.process, info);
      }
    }
  }

  /** Milliseconds until the next real-time deadline (for the idle scheduler), or null if none is armed. */
  nextRealDelayMs(k: Kernel): number | null {
    let best: number | null = null;
    for (const t of this.timers) {
      if (t.deadline === 0n || t.clock === 'cpu' || t.process.exit) continue;
      const d = Number(t.deadline - clockNow(k, t.process, t.clock)) / 1e6;
      if (best === null || d < best) best = d;
    }
    return best === null ? null : Math.max(0, best);
  }

  /** Nanoseconds until the next real-time deadline (deterministic mode advances virtual time by it). */
  nextRealDelayNs(k: Kernel): bigint | null {
    let best: bigint | null = null;
    for (const t of this.timers) {
      if (t.deadline === 0n || t.clock === 'cpu' || t.process.exit) continue;
      const d = t.deadline - clockNow(k, t.process, t.clock);
      if (best === null || d < best) best = d;
    }
    return best === null ? null : best < 0n ? 0n : best;
  }
}

// ------------------------------------------------------------------ itimers (one of each kind per process)

const ITIMER_REAL = 0, ITIMER_VIRTUAL = 1, ITIMER_PROF = 2;

function itimer(t: Thread, which: number): Timer {
  const p = t.process;
  p.itimers ??= [];
  let tm = p.itimers[which];
  if (!tm) {
    tm = {
      process: p, clock: which === ITIMER_REAL ? 'real' : 'cpu', deadline: 0n, interval: 0n,
      signo: which === ITIMER_REAL ? SIGALRM : which === ITIMER_VIRTUAL ? SIGVTALRM : SIGPROF,
      thread: null, id: -1, value: 0n, overrun: 0, notify: 'signal',
    };
    p.itimers[which] = tm;
    p.kernel.timers.timers.push(tm);
  }
  return tm;
}

/**
 * Time until the timer's next expiry. A deadline that has passed but was not polled yet counts
 * as fired: a periodic timer reports the time to its next period (as Linux's hrtimer, which
 * would have been forwarded already), a one-shot timer the smallest non-zero value.
 */
function remaining(k: Kernel, tm: Timer): bigint {
  if (tm.deadline === 0n) return 0n;
  const r = tm.deadline - clockNow(k, tm.process, tm.clock);
  if (r > 0n) return r;
  if (tm.interval > 0n) return tm.interval - (-r % tm.interval);
  return 1n;
}

/** struct itimerval {timeval it_interval; timeval it_value} (32 bytes). */
function encodeItimerval(interval: bigint, value: bigint): Uint8Array {
  const b = new Uint8Array(32);
  const dv = new DataView(b.buffer);
  const tv = (o: number, ns: bigint) => { dv.setBigInt64(o, ns / 1_000_000_000n, true); dv.setBigInt64(o + 8, (ns % 1_000_000_000n) / 1000n, true); };
  tv(0, interval);
  tv(16, value);
  return b;
}

sys(36, 'getitimer', [a('which', 'int', { enumValues: { 0: 'ITIMER_REAL', 1: 'ITIMER_VIRTUAL', 2: 'ITIMER_PROF' } }), a('curr_value', 'ptr')], (t, which, p) => {
  if (which < 0 || which > 2) return -EINVAL;
  const tm = itimer(t, which);
  copyOut(t, p, encodeItimerval(tm.interval, remaining(t.process.kernel, tm)));
  return 0;
});

sys(38, 'setitimer', [a('which', 'int', { enumValues: { 0: 'ITIMER_REAL', 1: 'ITIMER_VIRTUAL', 2: 'ITIMER_PROF' } }), a('new_value', 'ptr'), a('old_value', 'ptr')],
  (t, which, nv, ov) => {
    if (which < 0 || which > 2) return -EINVAL;
    const k = t.process.kernel;
    const tm = itimer(t, which);
    const old = encodeItimerval(tm.interval, remaining(k, tm));
    if (nv) {
      const dv = new DataView(copyIn(t, nv, 32).buffer);
      const tv = (o: number): bigint | null => {
        const s = dv.getBigInt64(o, true), us = dv.getBigInt64(o + 8, true);
        if (s < 0n || us < 0n || us >= 1_000_000n) return null;
        return s * 1_000_000_000n + us * 1000n;
      };
      const interval = tv(0), value = tv(16);
      if (interval === null || value === null) return -EINVAL;
      tm.interval = interval;
      tm.deadline = value === 0n ? 0n : clockNow(k, t.process, tm.clock) + value;
    }
    if (ov) copyOut(t, ov, old);
    return 0;
  });

sys(37, 'alarm', [a('seconds', 'uint')], (t, seconds) => {
  const k = t.process.kernel;
  const tm = itimer(t, ITIMER_REAL);
  const left = remaining(k, tm);
  tm.interval = 0n;
  tm.deadline = seconds === 0 ? 0n : clockNow(k, t.process, 'real') + BigInt(seconds) * 1_000_000_000n;
  // alarm returns the seconds left on the previous alarm, rounded to the nearest (at least 1 if any).
  if (left === 0n) return 0;
  const s = Number((left + 500_000_000n) / 1_000_000_000n);
  return s === 0 ? 1 : s;
});

// ------------------------------------------------------------------ POSIX timers

const CLOCK_REALTIME = 0, CLOCK_MONOTONIC = 1, CLOCK_PROCESS_CPUTIME_ID = 2, CLOCK_THREAD_CPUTIME_ID = 3, CLOCK_BOOTTIME = 7;
const SIGEV_SIGNAL = 0, SIGEV_NONE = 1, SIGEV_THREAD_ID = 4;
const TIMER_ABSTIME = 1;

function timerById(t: Thread, id: number): Timer | undefined {
  return t.process.kernel.timers.timers.find((x) => x.process === t.process && x.id === id && x.deadline !== -1n);
}

/** struct sigevent: sigev_value (8) @0, sigev_signo @8, sigev_notify @12, _tid @16. */
sys(222, 'timer_create', [a('clockid', 'int'), a('sevp', 'ptr'), a('timerid', 'ptr')], (t, clockid, sevp, idPtr) => {
  let clock: TimerClock;
  switch (clockid) {
    case CLOCK_REALTIME: clock = 'real'; break;
    case CLOCK_MONOTONIC: case CLOCK_BOOTTIME: clock = 'mono'; break;
    case CLOCK_PROCESS_CPUTIME_ID: case CLOCK_THREAD_CPUTIME_ID: clock = 'cpu'; break;
    default: return -EINVAL;
  }
  const p = t.process;
  p.nextTimerId ??= 0;
  const id = p.nextTimerId++;
  let signo = SIGALRM, notify: Timer['notify'] = 'signal', thread: Thread | null = null, value = BigInt(id);
  if (sevp) {
    const dv = new DataView(copyIn(t, sevp, 64).buffer);
    value = dv.getBigUint64(0, true);
    signo = dv.getInt32(8, true);
    const how = dv.getInt32(12, true);
    if (how === SIGEV_NONE) notify = 'none';
    else if (how === SIGEV_SIGNAL || how === SIGEV_THREAD_ID) {
      if (signo < 1 || signo > NSIG) return -EINVAL;
      if (how === SIGEV_THREAD_ID) {
        const tid = dv.getInt32(16, true);
        thread = p.threads.find((x) => x.tid === tid && !x.exited) ?? null;
        if (!thread) return -EINVAL;
      }
    } else return -EINVAL;
  }
  const tm: Timer = { process: p, clock, deadline: 0n, interval: 0n, signo, thread, id, value, overrun: 0, notify };
  p.kernel.timers.timers.push(tm);
  const b = new Uint8Array(4);
  new DataView(b.buffer).setInt32(0, id, true);
  copyOut(t, idPtr, b);
  return 0;
});

function readItimerspec(t: Thread, p: number): [bigint, bigint] | null {
  const dv = new DataView(copyIn(t, p, 32).buffer);
  const ts = (o: number): bigint | null => {
    const s = dv.getBigInt64(o, true), ns = dv.getBigInt64(o + 8, true);
    if (s < 0n || ns < 0n || ns >= 1_000_000_000n) return null;
    return s * 1_000_000_000n + ns;
  };
  const interval = ts(0), value = ts(16);
  if (interval === null || value === null) return null;
  return [interval, value];
}

function encodeItimerspec(interval: bigint, value: bigint): Uint8Array {
  const b = new Uint8Array(32);
  const dv = new DataView(b.buffer);
  dv.setBigInt64(0, interval / 1_000_000_000n, true);
  dv.setBigInt64(8, interval % 1_000_000_000n, true);
  dv.setBigInt64(16, value / 1_000_000_000n, true);
  dv.setBigInt64(24, value % 1_000_000_000n, true);
  return b;
}

sys(223, 'timer_settime', [a('timerid', 'int'), a('flags', 'int'), a('new_value', 'ptr'), a('old_value', 'ptr')], (t, id, flags, nv, ov) => {
  const tm = timerById(t, id);
  if (!tm) return -EINVAL;
  if (flags & ~TIMER_ABSTIME) return -EINVAL;
  const k = t.process.kernel;
  const spec = readItimerspec(t, nv);
  if (!spec) return -EINVAL;
  if (ov) copyOut(t, ov, encodeItimerspec(tm.interval, remaining(k, tm)));
  tm.interval = spec[0];
  const now = clockNow(k, t.process, tm.clock);
  tm.deadline = spec[1] === 0n ? 0n : flags & TIMER_ABSTIME ? (spec[1] > now ? spec[1] : now) : now + spec[1];
  tm.overrun = 0;
  return 0;
});

sys(224, 'timer_gettime', [a('timerid', 'int'), a('curr_value', 'ptr')], (t, id, p) => {
  const tm = timerById(t, id);
  if (!tm) return -EINVAL;
  copyOut(t, p, encodeItimerspec(tm.interval, remaining(t.process.kernel, tm)));
  return 0;
});

sys(225, 'timer_getoverrun', [a('timerid', 'int')], (t, id) => {
  const tm = timerById(t, id);
  return tm ? tm.overrun : -EINVAL;
});

sys(226, 'timer_delete', [a('timerid', 'int')], (t, id) => {
  const list = t.process.kernel.timers.timers;
  const k = list.findIndex((x) => x.process === t.process && x.id === id);
  if (k < 0) return -EINVAL;
  list.splice(k, 1);
  return 0;
});
void EFAULT; void EAGAIN;
