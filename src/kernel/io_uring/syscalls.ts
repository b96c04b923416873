/**
 * The io_uring syscalls io_uring_setup(2) (425) and io_uring_enter(2) (426), and the
 * per-task table of registered ring descriptors (IORING_REGISTER_RING_FDS,
 * IORING_ENTER_REGISTERED_RING). The ring itself is ring.ts; io_uring_register(2) is
 * register.ts.
 */
import { sys, a, SyscallError } from '../syscall-table.js';
import type { Thread } from '../thread.js';
import { internalWait } from '../wait.js';
import { copyIn, copyOut } from '../guest-mem.js';
import { hasDeliverable, UNBLOCKABLE } from '../signal.js';
import { EINVAL, EBADF, EFAULT, EOPNOTSUPP, EBADFD, ENXIO, EINTR, ETIME, EEXIST } from '../errno.js';
import { formatFlags } from '../trace.js';
import { IoRing, FEATURES } from './ring.js';
import {
  PARAMS, PARAMS_SIZE, SQ_OFF, CQ_OFF, RINGS, IORING_MAX_ENTRIES, IORING_MAX_CQ_ENTRIES,
  SETUP_IOPOLL, SETUP_SQPOLL, SETUP_SQ_AFF, SETUP_CQSIZE, SETUP_CLAMP, SETUP_ATTACH_WQ, SETUP_R_DISABLED, SETUP_SUBMIT_ALL,
  SETUP_COOP_TASKRUN, SETUP_TASKRUN_FLAG, SETUP_SINGLE_ISSUER, SETUP_DEFER_TASKRUN, SETUP_NAMES, FEATURE_NAMES,
  ENTER_GETEVENTS, ENTER_SQ_WAKEUP, ENTER_SQ_WAIT, ENTER_EXT_ARG, ENTER_REGISTERED_RING, ENTER_NAMES, GETEVENTS_ARG_SIZE,
  RINGFD_REG_MAX, ptr,
} from './abi.js';

/** Setup flags accepted (IOPOLL needs polled block devices; SQE128/CQE32 are not implemented: -EINVAL). */
const SETUP_SUPPORTED = SETUP_SQPOLL | SETUP_SQ_AFF | SETUP_CQSIZE | SETUP_CLAMP | SETUP_ATTACH_WQ | SETUP_R_DISABLED |
  SETUP_SUBMIT_ALL | SETUP_COOP_TASKRUN | SETUP_TASKRUN_FLAG | SETUP_SINGLE_ISSUER | SETUP_DEFER_TASKRUN;
const ENTER_FLAGS = ENTER_GETEVENTS | ENTER_SQ_WAKEUP | ENTER_SQ_WAIT | ENTER_EXT_ARG | ENTER_REGISTERED_RING;

// ------------------------------------------------------------------ registered ring fds (per task)

const ringFds = new WeakMap<Thread, (IoRing | null)[]>();
/** The thread's registered ring table (IORING_REGISTER_RING_FDS; Linux keeps it per task). */
export function registeredRings(t: Thread): (IoRing | null)[] {
  let v = ringFds.get(t);
  if (!v) ringFds.set(t, (v = new Array<IoRing | null>(RINGFD_REG_MAX).fill(null)));
  return v;
}

/** The ring an io_uring_enter/io_uring_register fd argument names. */
export function ringOf(t: Thread, fd: number, registered: boolean): IoRing {
  if (registered) {
    if (fd < 0 || fd >= RINGFD_REG_MAX) throw new SyscallError(EINVAL);
    const r = registeredRings(t)[fd];
    if (!r) throw new SyscallError(EBADF);
    return r;
  }
  const f = t.process.fds.get(fd);
  if (!f) throw new SyscallError(EBADF);
  if (!(f instanceof IoRing)) throw new SyscallError(EOPNOTSUPP);
  return f;
}

// ------------------------------------------------------------------ io_uring_enter

/** io_uring_enter(2) on a ring: submit, then wait for completions with GETEVENTS. */
function enter(ring: IoRing, t: Thread, toSubmit: number, minComplete: number, flags: number, argp: number, argsz: number): number | Promise<number> {
  if (ring.disabled) return -EBADFD;
  if (flags & ENTER_EXT_ARG && argsz !== GETEVENTS_ARG_SIZE) return -EINVAL;
  ring.checkMaps();
  ring.fireTimers();
  let ret = 0;
  if (ring.setupFlags & SETUP_SQPOLL) {
    ring.submitSqes(t, ring.sqEntries);
    ret = toSubmit;
  } else if (toSubmit) {
    if (ring.submitter && ring.submitter !== t) return -EEXIST; // IORING_SETUP_SINGLE_ISSUER
    ret = ring.submitSqes(t, toSubmit);
    if (ret !== toSubmit) return ret;
  }
  if (!(flags & ENTER_GETEVENTS)) return ret;
  const w = getEvents(ring, t, minComplete, flags, argp, argsz);
  const pick = (r2: number): number => (ret === 0 ? r2 : ret);
  return typeof w === 'number' ? pick(w) : internalWait(w.then(pick));
}

/** io_cqring_wait: 0 once min_complete CQEs are ready, -ETIME / -EINTR (0 if any CQE is ready). */
function getEvents(ring: IoRing, t: Thread, minComplete: number, flags: number, argp: number, argsz: number): number | Promise<number> {
  let sigPtr = argp, sigSize = argsz, tsNs: bigint | null = null;
  try {
    if (flags & ENTER_EXT_ARG) {
      const dv = new DataView(copyIn(t, argp, GETEVENTS_ARG_SIZE).buffer);
      sigPtr = ptr(dv.getBigUint64(0, true));
      sigSize = dv.getUint32(8, true);
      const ts = ptr(dv.getBigUint64(16, true));
      if (ts) {
        const tv = new DataView(copyIn(t, ts, 16).buffer);
        tsNs = tv.getBigInt64(0, true) * 1_000_000_000n + tv.getBigInt64(8, true);
      }
    }
  } catch {
    return -EFAULT;
  }
  ring.flushOverflow();
  ring.commit();
  const min = Math.min(minComplete, ring.cqEntries);
  if (ring.cqReady() >= min) return 0;
  // The temporary signal mask, kept for the handler if a signal ends the wait (like pselect).
  let saved: bigint | null = null;
  if (sigPtr) {
    if (sigSize !== 8) return -EINVAL;
    let m: bigint;
    try {
      m = new DataView(copyIn(t, sigPtr, 8).buffer).getBigUint64(0, true);
    } catch {
      return -EFAULT;
    }
    saved = t.signals.mask;
    t.signals.savedMask = saved;
    t.signals.mask = m & ~UNBLOCKABLE;
  }
  const finish = (r: number): number => {
    if (saved !== null && r !== -EINTR) {
      t.signals.mask = saved;
      t.signals.savedMask = null;
    }
    return r < 0 && ring.cqReady() > 0 ? 0 : r;
  };
  const deadline = tsNs === null ? null : ring.now() + tsNs;
  const head = ring.cqHead();
  const fired = ring.timeoutsFired;
  const satisfied = () => ((ring.cqTail - head) >>> 0) >= min || ring.timeoutsFired !== fired;
  const loop = (): Promise<number> => {
    if (hasDeliverable(t)) return Promise.resolve(finish(-EINTR));
    return t.waitEvent(ring.cqWait, deadline).then(() => {
      ring.fireTimers();
      ring.flushOverflow();
      if (satisfied()) return finish(0);
      if (deadline !== null && ring.now() >= deadline) return finish(-ETIME);
      return loop();
    }, (e: unknown) => {
      if (e instanceof SyscallError && e.errno === EINTR) return finish(-EINTR);
      throw e;
    });
  };
  return loop();
}


// ------------------------------------------------------------------ io_uring_setup

function roundPow2(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

/** io_uring_setup(2): creates a ring and fills io_uring_params (io_uring_create). */
function doSetup(t: Thread, entries: number, paramsPtr: number): number {
  const raw = copyIn(t, paramsPtr, PARAMS_SIZE);
  const dv = new DataView(raw.buffer);
  for (let k = 0; k < 3; k++) if (dv.getUint32(PARAMS.resv + 4 * k, true)) return -EINVAL;
  const flags = dv.getUint32(PARAMS.flags, true);
  if (flags & ~(SETUP_SUPPORTED | SETUP_IOPOLL)) return -EINVAL;
  if (flags & SETUP_IOPOLL) {
    t.process.kernel.warnOnce('io_uring-iopoll', 'x64run: IORING_SETUP_IOPOLL is not supported (-EINVAL)');
    return -EINVAL;
  }
  if (!entries) return -EINVAL;
  if (entries > IORING_MAX_ENTRIES) {
    if (!(flags & SETUP_CLAMP)) return -EINVAL;
    entries = IORING_MAX_ENTRIES;
  }
  const sq = roundPow2(entries);
  let cq: number;
  if (flags & SETUP_CQSIZE) {
    cq = dv.getUint32(PARAMS.cqEntries, true);
    if (!cq) return -EINVAL;
    if (cq > IORING_MAX_CQ_ENTRIES) {
      if (!(flags & SETUP_CLAMP)) return -EINVAL;
      cq = IORING_MAX_CQ_ENTRIES;
    }
    cq = roundPow2(cq);
    if (cq < sq) return -EINVAL;
  } else cq = 2 * sq;
  if (flags & SETUP_DEFER_TASKRUN && !(flags & SETUP_SINGLE_ISSUER)) return -EINVAL;
  if (flags & SETUP_SQPOLL) {
    if (flags & (SETUP_COOP_TASKRUN | SETUP_TASKRUN_FLAG | SETUP_DEFER_TASKRUN)) return -EINVAL;
  } else if (flags & SETUP_TASKRUN_FLAG && !(flags & (SETUP_COOP_TASKRUN | SETUP_DEFER_TASKRUN))) return -EINVAL;
  if (flags & SETUP_ATTACH_WQ) {
    const wq = t.process.fds.get(dv.getInt32(PARAMS.wqFd, true));
    if (!wq) return -ENXIO;
    if (!(wq instanceof IoRing)) return -EINVAL;
  }
  if (flags & SETUP_SQ_AFF) {
    if (!(flags & SETUP_SQPOLL)) return -EINVAL;
    if (dv.getUint32(PARAMS.sqThreadCpu, true) !== 0) return -EINVAL; // one CPU (sched_getaffinity)
  }
  const ring = new IoRing(t.process, sq, cq, flags);
  t.process.kernel.ioRings++;
  if (flags & SETUP_SINGLE_ISSUER && !(flags & SETUP_R_DISABLED)) ring.submitter = t;
  dv.setUint32(PARAMS.sqEntries, sq, true);
  dv.setUint32(PARAMS.cqEntries, cq, true);
  dv.setUint32(PARAMS.features, FEATURES, true);
  const so = PARAMS.sqOff, co = PARAMS.cqOff;
  dv.setUint32(so + SQ_OFF.head, RINGS.sqHead, true);
  dv.setUint32(so + SQ_OFF.tail, RINGS.sqTail, true);
  dv.setUint32(so + SQ_OFF.ringMask, RINGS.sqRingMask, true);
  dv.setUint32(so + SQ_OFF.ringEntries, RINGS.sqRingEntries, true);
  dv.setUint32(so + SQ_OFF.flags, RINGS.sqFlags, true);
  dv.setUint32(so + SQ_OFF.dropped, RINGS.sqDropped, true);
  dv.setUint32(so + SQ_OFF.array, ring.sqArray, true);
  dv.setUint32(so + SQ_OFF.resv1, 0, true);
  dv.setBigUint64(so + SQ_OFF.userAddr, 0n, true);
  dv.setUint32(co + CQ_OFF.head, RINGS.cqHead, true);
  dv.setUint32(co + CQ_OFF.tail, RINGS.cqTail, true);
  dv.setUint32(co + CQ_OFF.ringMask, RINGS.cqRingMask, true);
  dv.setUint32(co + CQ_OFF.ringEntries, RINGS.cqRingEntries, true);
  dv.setUint32(co + CQ_OFF.overflow, RINGS.cqOverflow, true);
  dv.setUint32(co + CQ_OFF.cqes, RINGS.cqes, true);
  dv.setUint32(co + CQ_OFF.flags, RINGS.cqFlags, true);
  dv.setUint32(co + CQ_OFF.resv1, 0, true);
  dv.setBigUint64(co + CQ_OFF.userAddr, 0n, true);
  try {
    copyOut(t, paramsPtr, raw);
  } catch {
    ring.release();
    return -EFAULT;
  }
  ring.flags = 2; // O_RDWR
  const fd = t.process.fds.install(ring, true);
  if (fd < 0) ring.release();
  return fd;
}

/** strace's decoding of io_uring_params: flags and thread fields on entry, the rest on success. */
function setupTrace(t: Thread, args: readonly number[], exit: boolean, result: number): string | null {
  const p = args[1];
  let b: Uint8Array;
  try {
    b = t.process.as.mem.readBytes(p, PARAMS_SIZE);
  } catch {
    return `${args[0]}, 0x${p.toString(16)}`;
  }
  const dv = new DataView(b.buffer);
  const u = (o: number) => dv.getUint32(o, true);
  let s = `${args[0]}, {flags=${formatFlags(u(PARAMS.flags), SETUP_NAMES)}, sq_thread_cpu=${u(PARAMS.sqThreadCpu)}, ` +
    `sq_thread_idle=${u(PARAMS.sqThreadIdle)}`;
  if (exit && result >= 0) {
    const so = PARAMS.sqOff, co = PARAMS.cqOff;
    s += `, sq_entries=${u(PARAMS.sqEntries)}, cq_entries=${u(PARAMS.cqEntries)}, features=${formatFlags(u(PARAMS.features), FEATURE_NAMES)}, ` +
      `sq_off={head=${u(so)}, tail=${u(so + 4)}, ring_mask=${u(so + 8)}, ring_entries=${u(so + 12)}, flags=${u(so + 16)}, ` +
      `dropped=${u(so + 20)}, array=${u(so + 24)}}, cq_off={head=${u(co)}, tail=${u(co + 4)}, ring_mask=${u(co + 8)}, ` +
      `ring_entries=${u(co + 12)}, overflow=${u(co + 16)}, cqes=${u(co + 20)}, flags=${u(co + 24)}}`;
  }
  return `${s}}`;
}

sys(425, 'io_uring_setup', [a('entries', 'uint'), a('params', 'ptr')], doSetup, { ret: 'fd', trace: setupTrace,
  support: 'partial', note: 'no IOPOLL, SQE128, CQE32; SQPOLL without a poller thread (NEED_WAKEUP stays set)' });

sys(426, 'io_uring_enter', [a('fd', 'fd'), a('to_submit', 'uint'), a('min_complete', 'uint'),
  a('flags', 'flags', { flags: ENTER_NAMES }), a('arg', 'ptr'), a('argsz', 'size')],
(t, fd, toSubmit, minComplete, flags, argp, argsz) => {
  if (flags & ~ENTER_FLAGS) return -EINVAL;
  const ring = ringOf(t, fd, (flags & ENTER_REGISTERED_RING) !== 0);
  return enter(ring, t, toSubmit, minComplete, flags, argp, argsz);
}, { blocking: true, restart: 'never', support: 'full' });

