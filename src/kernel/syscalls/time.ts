/**
 * Time: clock_gettime, clock_getres, gettimeofday, time, nanosleep, clock_nanosleep.
 * Clocks come from the kernel configuration (host clocks, or virtual time in deterministic mode).
 */
import { sys, a } from '../syscall-table.js';
import type { Thread } from '../thread.js';
import { EINVAL, EFAULT } from '../errno.js';
import { copyIn, copyOut, write64 } from '../guest-mem.js';
import { encodeTimespec, encodeTimeval } from '../layouts.js';
import { CLOCK_NAMES } from './flags.js';

const CLOCK_REALTIME = 0, CLOCK_MONOTONIC = 1, CLOCK_PROCESS_CPUTIME_ID = 2, CLOCK_THREAD_CPUTIME_ID = 3;
const CLOCK_MONOTONIC_RAW = 4, CLOCK_REALTIME_COARSE = 5, CLOCK_MONOTONIC_COARSE = 6, CLOCK_BOOTTIME = 7, CLOCK_TAI = 11;

/** Nanoseconds of a clock id, or null for an invalid id. */
export function clockNs(t: Thread, id: number): bigint | null {
  const cfg = t.process.kernel.config;
  switch (id) {
    case CLOCK_REALTIME: case CLOCK_REALTIME_COARSE: return cfg.realtimeNs();
    case CLOCK_TAI: return cfg.realtimeNs() + 37_000_000_000n;
    case CLOCK_MONOTONIC: case CLOCK_MONOTONIC_RAW: case CLOCK_MONOTONIC_COARSE: case CLOCK_BOOTTIME:
      return cfg.monotonicNs();
    case CLOCK_PROCESS_CPUTIME_ID: case CLOCK_THREAD_CPUTIME_ID:
      return cfg.monotonicNs() - t.process.startNs;
    default: return null;
  }
}

sys(228, 'clock_gettime', [a('clockid', 'flags', { enumValues: CLOCK_NAMES }), a('tp', 'struct', { struct: 'timespec', dir: 'out' })], (t, id, tp) => {
  const ns = clockNs(t, id);
  if (ns === null) return -EINVAL;
  copyOut(t, tp, encodeTimespec(ns));
  return 0;
});

sys(229, 'clock_getres', [a('clockid', 'flags', { enumValues: CLOCK_NAMES }), a('res', 'struct', { struct: 'timespec', dir: 'out' })], (t, id, res) => {
  if (clockNs(t, id) === null) return -EINVAL;
  const coarse = id === CLOCK_REALTIME_COARSE || id === CLOCK_MONOTONIC_COARSE;
  if (res) copyOut(t, res, encodeTimespec(coarse ? 4_000_000n : 1n));
  return 0;
});

sys(96, 'gettimeofday', [a('tv', 'ptr'), a('tz', 'ptr')], (t, tv, tz) => {
  if (tv) copyOut(t, tv, encodeTimeval(t.process.kernel.config.realtimeNs()));
  if (tz) copyOut(t, tz, new Uint8Array(8));
  return 0;
});

sys(201, 'time', [a('tloc', 'ptr')], (t, tloc) => {
  const s = t.process.kernel.config.realtimeNs() / 1_000_000_000n;
  if (tloc) write64(t, tloc, s);
  return Number(s);
});

function readTimespec(t: Thread, p: number): bigint | null {
  const b = copyIn(t, p, 16);
  const dv = new DataView(b.buffer);
  const sec = dv.getBigInt64(0, true), nsec = dv.getBigInt64(8, true);
  if (sec < 0n || nsec < 0n || nsec >= 1_000_000_000n) return null;
  return sec * 1_000_000_000n + nsec;
}

/**
 * Interruptible sleep (a signal ends it with -EINTR); virtual in deterministic mode. When a
 * signal interrupts it and `rem` is given, the time left is stored there (nanosleep(2)).
 */
function sleepNs(t: Thread, ns: bigint, rem = 0): Promise<number> | number {
  const cfg = t.process.kernel.config;
  const end = cfg.monotonicNs() + ns;
  return t.sleepMs(Number(ns) / 1e6).then(() => 0, (e: unknown) => {
    if (rem) {
      const left = end - cfg.monotonicNs();
      copyOut(t, rem, encodeTimespec(left > 0n ? left : 0n));
    }
    throw e;
  });
}

sys(35, 'nanosleep', [a('req', 'struct', { struct: 'timespec', dir: 'in' }), a('rem', 'ptr')], (t, req, rem) => {
  const ns = readTimespec(t, req);
  if (ns === null) return -EINVAL;
  return sleepNs(t, ns, rem);
}, { blocking: true, restart: 'never' });

const TIMER_ABSTIME = 1;
sys(230, 'clock_nanosleep', [a('clockid', 'flags', { enumValues: CLOCK_NAMES }), a('flags', 'flags', { flags: { 1: 'TIMER_ABSTIME' } }),
  a('req', 'struct', { struct: 'timespec', dir: 'in' }), a('rem', 'ptr')], (t, id, flags, req, rem) => {
  const now = clockNs(t, id);
  if (now === null || id === CLOCK_THREAD_CPUTIME_ID) return -EINVAL;
  const ns = readTimespec(t, req);
  if (ns === null) return -EINVAL;
  const wait = flags & TIMER_ABSTIME ? ns - now : ns;
  return wait > 0n ? sleepNs(t, wait, flags & TIMER_ABSTIME ? 0 : rem) : 0;
}, { blocking: true, restart: 'never' });

// ------------------------------------------------------------------ process times and system information

/** Guest CPU time: the process's run time on the monotonic clock (x64run runs one thread at a time). */
function cpuNs(t: Thread): bigint {
  return t.process.kernel.config.monotonicNs() - t.process.startNs;
}

sys(100, 'times', [a('buf', 'ptr')], (t, buf) => {
  const ticks = cpuNs(t) / 10_000_000n; // CLK_TCK = 100
  if (buf) {
    const b = new Uint8Array(32);
    const dv = new DataView(b.buffer);
    dv.setBigInt64(0, ticks, true); // tms_utime
    copyOut(t, buf, b);
  }
  return Number(t.process.kernel.config.monotonicNs() / 10_000_000n);
}, { ret: 'int' });

const RUSAGE_SELF = 0, RUSAGE_CHILDREN = -1, RUSAGE_THREAD = 1;
sys(98, 'getrusage', [a('who', 'int', { enumValues: { 0: 'RUSAGE_SELF', [-1]: 'RUSAGE_CHILDREN', 1: 'RUSAGE_THREAD' } }), a('usage', 'ptr')], (t, who, p) => {
  if (who !== RUSAGE_SELF && who !== RUSAGE_CHILDREN && who !== RUSAGE_THREAD) return -EINVAL;
  const b = new Uint8Array(144); // struct rusage
  const dv = new DataView(b.buffer);
  if (who !== RUSAGE_CHILDREN) {
    const ns = cpuNs(t);
    dv.setBigInt64(0, ns / 1_000_000_000n, true);
    dv.setBigInt64(8, (ns % 1_000_000_000n) / 1000n, true);
    const rssKb = t.process.as.vmas.reduce((n, v) => n + (v.end - v.start), 0) / 1024;
    dv.setBigInt64(32, BigInt(Math.round(rssKb)), true); // ru_maxrss
  }
  copyOut(t, p, b);
  return 0;
});

sys(99, 'sysinfo', [a('info', 'ptr')], (t, p) => {
  const b = new Uint8Array(112); // struct sysinfo
  const dv = new DataView(b.buffer);
  const k = t.process.kernel;
  dv.setBigInt64(0, k.config.monotonicNs() / 1_000_000_000n, true); // uptime
  const total = 4n * 1024n * 1024n * 1024n;
  dv.setBigUint64(32, total, true); // totalram
  dv.setBigUint64(40, total / 2n, true); // freeram
  dv.setUint16(80, k.processes.size, true); // procs
  dv.setUint32(104, 1, true); // mem_unit
  copyOut(t, p, b);
  return 0;
});
void EFAULT;
