/**
 * Threads: clone (thread flag sets), clone3, exit (one thread) and exit_group, futex, robust
 * futex cleanup, sched_yield, sched_getaffinity/sched_setaffinity, getcpu, membarrier.
 * Facts: ../shared/reference/linux-abi.md §7 (glibc uses clone3 with 0x3d0f00, musl clone with
 * 0x7d0f00; CHILD_CLEARTID + futex wake is what pthread_join waits on).
 */
import { sys, a, SyscallError } from '../syscall-table.js';
import { type Thread, HostDeadline } from '../thread.js';
import type { Process } from '../process.js';
import { EINVAL, EAGAIN, ETIMEDOUT, ENOSYS, EFAULT, ESRCH, EPERM, EDEADLK } from '../errno.js';
import { copyIn, copyOut, read32, write32 } from '../guest-mem.js';
import { WaitQueue, internalWait } from '../wait.js';
import { RAX, RSP } from '../../cpu/state.js';
import { clockNs } from './time.js';

// ------------------------------------------------------------------ clone

const CLONE_VM = 0x100, CLONE_FS = 0x200, CLONE_FILES = 0x400, CLONE_SIGHAND = 0x800, CLONE_PIDFD = 0x1000;
const CLONE_PTRACE = 0x2000, CLONE_VFORK = 0x4000, CLONE_PARENT = 0x8000, CLONE_THREAD = 0x10000, CLONE_NEWNS = 0x20000;
const CLONE_SYSVSEM = 0x40000, CLONE_SETTLS = 0x80000, CLONE_PARENT_SETTID = 0x100000, CLONE_CHILD_CLEARTID = 0x200000;
const CLONE_DETACHED = 0x400000, CLONE_UNTRACED = 0x800000, CLONE_CHILD_SETTID = 0x1000000, CLONE_IO = 0x80000000;
const CSIGNAL = 0xff;

export const CLONE_FLAG_NAMES: Record<number, string> = {
  [CLONE_VM]: 'CLONE_VM', [CLONE_FS]: 'CLONE_FS', [CLONE_FILES]: 'CLONE_FILES', [CLONE_SIGHAND]: 'CLONE_SIGHAND',
  [CLONE_PIDFD]: 'CLONE_PIDFD', [CLONE_VFORK]: 'CLONE_VFORK', [CLONE_PARENT]: 'CLONE_PARENT', [CLONE_THREAD]: 'CLONE_THREAD',
  [CLONE_SYSVSEM]: 'CLONE_SYSVSEM', [CLONE_SETTLS]: 'CLONE_SETTLS', [CLONE_PARENT_SETTID]: 'CLONE_PARENT_SETTID',
  [CLONE_CHILD_CLEARTID]: 'CLONE_CHILD_CLEARTID', [CLONE_DETACHED]: 'CLONE_DETACHED', [CLONE_CHILD_SETTID]: 'CLONE_CHILD_SETTID',
};

interface CloneArgs {
  flags: number;
  stack: number; // initial rsp for the child (0 = same as the parent)
  ptid: number;
  ctid: number;
  tls: number;
  exitSignal: number;
}

function doClone(t: Thread, args: CloneArgs): number {
  const f = args.flags;
  const threadFlags = CLONE_VM | CLONE_SIGHAND | CLONE_THREAD;
  if ((f & threadFlags) !== threadFlags) {
    // Processes (fork, vfork, posix_spawn) are not emulated yet.
    t.process.kernel.warnOnce('clone-fork', `x64run: clone without CLONE_VM|CLONE_SIGHAND|CLONE_THREAD (a new process, flags 0x${f.toString(16)}) is not supported yet: -ENOSYS`);
    return -ENOSYS;
  }
  if (f & (CLONE_NEWNS | CLONE_PIDFD | CLONE_VFORK)) return -EINVAL;
  const p = t.process;
  const k = p.kernel;
  const tid = k.allocPid();
  const child = p.newThread(tid, t.name);
  child.cpu.copyFrom(t.cpu);
  child.cpu.readTsc = t.cpu.readTsc;
  // The child starts after the syscall with rax = 0 and its own stack (reference §7).
  child.cpu.regs[2 * RAX] = 0;
  child.cpu.regs[2 * RAX + 1] = 0;
  if (args.stack) child.cpu.setNum(RSP, args.stack);
  if (f & CLONE_SETTLS) child.cpu.fsBase = args.tls;
  child.signals.mask = t.signals.mask;
  child.signals.altFlags = 2; // SS_DISABLE: the alternate stack is not inherited by threads
  if (f & CLONE_PARENT_SETTID) write32(t, args.ptid, tid);
  if (f & CLONE_CHILD_SETTID) write32(t, args.ctid, tid);
  if (f & CLONE_CHILD_CLEARTID) child.clearChildTid = args.ctid;
  k.threadCreated?.(child);
  return tid;
}

sys(56, 'clone', [a('flags', 'flags', { flags: CLONE_FLAG_NAMES }), a('stack', 'ptr'), a('parent_tid', 'ptr'), a('child_tid', 'ptr'), a('tls', 'ptr')],
  (t, flags, stack, ptid, ctid, tls) => doClone(t, { flags: flags & ~CSIGNAL, stack, ptid, ctid, tls, exitSignal: flags & CSIGNAL }),
  { support: 'partial', note: 'threads (CLONE_VM|CLONE_SIGHAND|CLONE_THREAD); a new process (fork-style clone) is -ENOSYS' });

/** clone3(struct clone_args *, size): flags 0, pidfd 8, child_tid 16, parent_tid 24, exit_signal 32, stack 40, stack_size 48, tls 56, set_tid 64... */
sys(435, 'clone3', [a('cl_args', 'ptr'), a('size', 'size')], (t, p, size) => {
  if (size < 64 || size > 4096) return -EINVAL;
  const b = copyIn(t, p, Math.min(size, 88));
  const dv = new DataView(b.buffer);
  const u = (o: number) => Number(dv.getBigUint64(o, true));
  const flags = dv.getBigUint64(0, true);
  if (flags >> 32n) return -EINVAL;
  if (size >= 72 && u(64) !== 0) return -EINVAL; // set_tid needs CAP_SYS_ADMIN in a pid namespace
  const stack = u(40), stackSize = u(48);
  return doClone(t, {
    flags: Number(flags), stack: stack ? stack + stackSize : 0, ptid: u(24), ctid: u(16), tls: u(56), exitSignal: u(32),
  });
}, { support: 'partial', note: 'threads only, like clone; set_tid is -EINVAL' });

// ------------------------------------------------------------------ exit

const FUTEX_WAITERS = 0x80000000, FUTEX_OWNER_DIED = 0x40000000, FUTEX_TID_MASK = 0x3fffffff;

/** Thread exit: robust-futex cleanup, CHILD_CLEARTID (write 0, wake one waiter), and the process ends with its last thread. */
export function exitThread(t: Thread, code: number): void {
  if (t.exited) return;
  robustCleanup(t);
  piOwnerDied(t);
  if (t.clearChildTid) {
    try {
      write32(t, t.clearChildTid, 0);
      futexWake(t.process, t.clearChildTid, 1, 0xffffffff);
    } catch { /* unmapped: Linux ignores the failure too */ }
  }
  t.exited = true;
  t.interrupt = null;
  const p = t.process;
  if (p.threads.every((x) => x.exited)) p.exit ??= { code: code & 0xff };
}

/**
 * Walks the robust list (kernel/futex/core.c exit_robust_list): every futex the dead thread
 * still owns gets FUTEX_OWNER_DIED (keeping FUTEX_WAITERS) and one waiter is woken, which then
 * sees EOWNERDEAD from pthread_mutex_lock. List entries have bit 0 set for PI futexes, whose
 * waiters are handed the lock directly (see piHandOff). The list head is {next, long
 * futex_offset (signed: the lock word usually precedes the list node), list_op_pending}.
 */
function robustCleanup(t: Thread): void {
  if (!t.robustListHead) return;
  try {
    const mem = t.process.as.mem;
    const r64 = (addr: number) => { const lo = mem.read64(addr); return (mem.hi >>> 0) * 4294967296 + (lo >>> 0); };
    const s64 = (addr: number) => { const lo = mem.read64(addr); return (mem.hi | 0) * 4294967296 + (lo >>> 0); };
    const head = t.robustListHead;
    const offset = s64(head + 8);
    const pending = r64(head + 16);
    const handle = (entry: number, isPending: boolean) => {
      const pi = (entry & 1) !== 0;
      const uaddr = entry - (entry & 1) + offset;
      const v = mem.read32(uaddr) >>> 0;
      // An unlock that was in progress: wake a waiter that may have missed it (handle_futex_death).
      if (isPending && !pi && v === 0) { futexWake(t.process, uaddr, 1, 0xffffffff); return; }
      if ((v & FUTEX_TID_MASK) !== t.tid) return;
      if (pi && piHandOff(t.process, uaddr, FUTEX_OWNER_DIED)) return;
      mem.write32(uaddr, ((v & FUTEX_WAITERS) | FUTEX_OWNER_DIED) | 0);
      if (!pi && v & FUTEX_WAITERS) futexWake(t.process, uaddr, 1, 0xffffffff);
    };
    let entry = r64(head);
    for (let n = 0; entry !== head && entry !== 0 && n < 2048; n++) {
      const next = r64(entry - (entry & 1));
      if (entry !== pending) handle(entry, false);
      entry = next;
    }
    if (pending) handle(pending, true);
  } catch { /* a bad list is ignored, as in Linux */ }
}

sys(60, 'exit', [a('status', 'int')], (t, code) => { exitThread(t, code); return 0; },
  { ret: 'void', note: 'ends the calling thread (CHILD_CLEARTID, robust list); the last thread ends the process' });
sys(231, 'exit_group', [a('status', 'int')], (t, code) => {
  for (const th of t.process.threads) {
    if (th === t) continue;
    th.exited = true;
    th.interrupt?.();
  }
  t.exited = true;
  t.process.exit ??= { code: code & 0xff };
  return 0;
}, { ret: 'void' });

// ------------------------------------------------------------------ futex

const FUTEX_WAIT = 0, FUTEX_WAKE = 1, FUTEX_FD = 2, FUTEX_REQUEUE = 3, FUTEX_CMP_REQUEUE = 4, FUTEX_WAKE_OP = 5;
const FUTEX_LOCK_PI = 6, FUTEX_UNLOCK_PI = 7, FUTEX_TRYLOCK_PI = 8, FUTEX_WAIT_BITSET = 9, FUTEX_WAKE_BITSET = 10;
const FUTEX_WAIT_REQUEUE_PI = 11, FUTEX_CMP_REQUEUE_PI = 12, FUTEX_LOCK_PI2 = 13;
const FUTEX_PRIVATE_FLAG = 128, FUTEX_CLOCK_REALTIME = 256;

export const FUTEX_OP_NAMES: Record<number, string> = {
  0: 'FUTEX_WAIT', 1: 'FUTEX_WAKE', 3: 'FUTEX_REQUEUE', 4: 'FUTEX_CMP_REQUEUE', 5: 'FUTEX_WAKE_OP', 9: 'FUTEX_WAIT_BITSET',
  10: 'FUTEX_WAKE_BITSET', 128: 'FUTEX_WAIT_PRIVATE', 129: 'FUTEX_WAKE_PRIVATE', 131: 'FUTEX_REQUEUE_PRIVATE',
  132: 'FUTEX_CMP_REQUEUE_PRIVATE', 133: 'FUTEX_WAKE_OP_PRIVATE', 137: 'FUTEX_WAIT_BITSET_PRIVATE', 138: 'FUTEX_WAKE_BITSET_PRIVATE',
  393: 'FUTEX_WAIT_BITSET_PRIVATE|FUTEX_CLOCK_REALTIME', 265: 'FUTEX_WAIT_BITSET|FUTEX_CLOCK_REALTIME',
  6: 'FUTEX_LOCK_PI', 7: 'FUTEX_UNLOCK_PI', 8: 'FUTEX_TRYLOCK_PI', 13: 'FUTEX_LOCK_PI2', 134: 'FUTEX_LOCK_PI_PRIVATE',
  135: 'FUTEX_UNLOCK_PI_PRIVATE', 136: 'FUTEX_TRYLOCK_PI_PRIVATE', 141: 'FUTEX_LOCK_PI2_PRIVATE',
};

interface FutexWaiter {
  bitset: number;
  settle: () => void;
  /** Where the waiter currently waits (REQUEUE moves it). */
  addr: number;
}

/** Futex waiters by guest address (private and shared futexes alike: one address space per process). */
function waiters(p: Process): Map<number, FutexWaiter[]> {
  p.futexes ??= new Map();
  return p.futexes;
}

function futexWake(p: Process, addr: number, n: number, bitset: number): number {
  const map = waiters(p);
  const list = map.get(addr);
  if (!list) return 0;
  let woken = 0;
  for (let k = 0; k < list.length && woken < n;) {
    if (list[k].bitset & bitset) {
      const w = list.splice(k, 1)[0];
      w.settle();
      woken++;
    } else k++;
  }
  if (list.length === 0) map.delete(addr);
  return woken;
}

function futexWait(t: Thread, addr: number, val: number, deadlineNs: bigint | null, clock: number, bitset: number): number | Promise<number> {
  if (addr & 3) return -EINVAL;
  if (bitset === 0) return -EINVAL;
  if ((read32(t, addr) | 0) !== (val | 0)) return -EAGAIN;
  const p = t.process;
  const map = waiters(p);
  const w: FutexWaiter = { bitset, settle: () => {}, addr };
  let timedOut = false;
  let timer: HostDeadline | null = null;
  const k = p.kernel;
  const remove = () => {
    const list = map.get(w.addr);
    if (list) {
      const i = list.indexOf(w);
      if (i >= 0) list.splice(i, 1);
      if (list.length === 0) map.delete(w.addr);
    }
    timer?.cancel();
    timer = null;
    t.virtualDeadline = null;
  };
  const wait = t.waitFor((settle) => {
    w.settle = () => { timer?.cancel(); timer = null; t.virtualDeadline = null; settle(); };
    const list = map.get(addr) ?? [];
    list.push(w);
    map.set(addr, list);
    if (deadlineNs !== null) {
      const now = clockNs(t, clock);
      // The deadline on CLOCK_MONOTONIC (the futex's clock may be CLOCK_REALTIME).
      const atNs = k.config.monotonicNs() + (now === null ? 0n : deadlineNs - now);
      const fire = () => { timer = null; timedOut = true; remove(); settle(); };
      // Deterministic mode: the timeout elapses in virtual time when the thread is the only way forward.
      if (k.sleep) t.virtualDeadline = { atNs, fire };
      else timer = new HostDeadline(k, atNs, fire);
    }
  }, () => {
    remove();
    // A timed wait is -ERESTART_RESTARTBLOCK in Linux: a handler makes it EINTR even under SA_RESTART.
    if (deadlineNs !== null) t.restartBlock = true;
  });
  t.waitingOn = `futex 0x${addr.toString(16)}`;
  const done = wait.then(() => { t.waitingOn = null; return timedOut ? -ETIMEDOUT : 0; }, (e: unknown) => { t.waitingOn = null; throw e; });
  return deadlineNs === null ? internalWait(done) : done;
}

// ------------------------------------------------------------------ PI futexes

/**
 * Priority-inheritance futexes (kernel/futex/pi.c), as glibc's PTHREAD_PRIO_INHERIT mutexes and
 * musl's use them: the lock word holds the owner's tid (| FUTEX_WAITERS when someone waits);
 * FUTEX_LOCK_PI takes a free lock or queues the caller, FUTEX_UNLOCK_PI hands the lock straight
 * to the first waiter (the word becomes its tid | FUTEX_WAITERS). One guest thread runs at a
 * time and there are no priorities, so "inheritance" is only this hand-off.
 */
interface PiWaiter {
  t: Thread;
  settle: () => void;
}
const piQueues = new WeakMap<Process, Map<number, PiWaiter[]>>();
function piQueue(p: Process, addr: number): PiWaiter[] {
  let m = piQueues.get(p);
  if (!m) piQueues.set(p, (m = new Map()));
  let q = m.get(addr);
  if (!q) m.set(addr, (q = []));
  return q;
}

/** Gives the PI lock at addr to its first live waiter (extra bits: FUTEX_OWNER_DIED). False if nobody waits. */
function piHandOff(p: Process, addr: number, extra: number): boolean {
  const q = piQueues.get(p)?.get(addr);
  while (q && q.length) {
    const w = q.shift()!;
    if (w.t.exited) continue;
    p.as.mem.write32(addr, (w.t.tid | FUTEX_WAITERS | extra) | 0);
    w.settle();
    return true;
  }
  return false;
}

/** PI locks still owned by an exiting thread go to their first waiter with FUTEX_OWNER_DIED (exit_pi_state_list). */
function piOwnerDied(t: Thread): void {
  const m = piQueues.get(t.process);
  if (!m) return;
  const mem = t.process.as.mem;
  for (const [addr, q] of m) {
    if (q.length === 0) continue;
    try {
      if (((mem.read32(addr) >>> 0) & FUTEX_TID_MASK) === t.tid) piHandOff(t.process, addr, FUTEX_OWNER_DIED);
    } catch { /* unmapped */ }
  }
}

function lockPi(t: Thread, addr: number, deadlineNs: bigint | null, clock: number, trylock: boolean): number | Promise<number> {
  if (addr & 3) return -EINVAL;
  const v = read32(t, addr) >>> 0;
  const owner = v & FUTEX_TID_MASK;
  if (owner === 0) {
    // Free (possibly with OWNER_DIED from a dead owner): take it, keeping OWNER_DIED and WAITERS.
    const waiting = (piQueues.get(t.process)?.get(addr)?.length ?? 0) > 0;
    write32(t, addr, (t.tid | (v & FUTEX_OWNER_DIED) | (waiting ? FUTEX_WAITERS : 0)) | 0);
    return 0;
  }
  if (owner === t.tid) return -EDEADLK;
  if (!t.process.threads.some((x) => x.tid === owner && !x.exited)) {
    // The owner is gone without a robust-list cleanup: Linux refuses (attach_to_pi_owner).
    return (v & FUTEX_OWNER_DIED) ? -EAGAIN : -ESRCH;
  }
  if (trylock) return -EAGAIN;
  write32(t, addr, (v | FUTEX_WAITERS) | 0);
  const q = piQueue(t.process, addr);
  const w: PiWaiter = { t, settle: () => {} };
  let timedOut = false;
  const k = t.process.kernel;
  let timer: HostDeadline | null = null;
  const leave = () => {
    const i = q.indexOf(w);
    if (i >= 0) q.splice(i, 1);
    timer?.cancel();
    timer = null;
    t.virtualDeadline = null;
  };
  const wait = t.waitFor((settle) => {
    w.settle = () => { timer?.cancel(); timer = null; t.virtualDeadline = null; settle(); };
    q.push(w);
    if (deadlineNs !== null) {
      const now = clockNs(t, clock) ?? 0n;
      const atNs = k.config.monotonicNs() + (deadlineNs - now);
      const fire = () => { timer = null; timedOut = true; leave(); settle(); };
      if (k.sleep) t.virtualDeadline = { atNs, fire };
      else timer = new HostDeadline(k, atNs, fire);
    }
  }, () => {
    leave();
    // FUTEX_LOCK_PI is restarted after a handler whatever SA_RESTART says (-ERESTARTNOINTR).
    t.restartAlways = true;
  });
  t.waitingOn = `futex (PI) 0x${addr.toString(16)}`;
  const done = wait.then(() => {
    t.waitingOn = null;
    // The unlocker made us the owner; on timeout, drop FUTEX_WAITERS if nobody waits any more.
    if (timedOut) {
      if (q.length === 0) { try { write32(t, addr, (read32(t, addr) & ~FUTEX_WAITERS) | 0); } catch { /* unmapped */ } }
      return -ETIMEDOUT;
    }
    return 0;
  }, (e: unknown) => { t.waitingOn = null; throw e; });
  return deadlineNs === null ? internalWait(done) : done;
}

function unlockPi(t: Thread, addr: number): number {
  if (addr & 3) return -EINVAL;
  const v = read32(t, addr) >>> 0;
  if ((v & FUTEX_TID_MASK) !== t.tid) return -EPERM;
  if (piHandOff(t.process, addr, 0)) return 0;
  write32(t, addr, 0);
  return 0;
}

function readTimespec(t: Thread, p: number): bigint | null {
  const dv = new DataView(copyIn(t, p, 16).buffer);
  const s = dv.getBigInt64(0, true), ns = dv.getBigInt64(8, true);
  if (s < 0n || ns < 0n || ns >= 1_000_000_000n) throw new SyscallError(EINVAL);
  return s * 1_000_000_000n + ns;
}

/** FUTEX_WAKE_OP: *uaddr2 = op(*uaddr2, oparg); wake uaddr; if cmp(old, cmparg) also wake uaddr2. */
function wakeOp(t: Thread, addr: number, n: number, addr2: number, n2: number, op: number): number {
  const oldv = read32(t, addr2) | 0;
  let oparg = (op << 8) >> 20; // sign-extended 12 bits
  const cmparg = (op << 20) >> 20;
  const kind = (op >>> 28) & 7, cmp = (op >>> 24) & 15;
  if (op & 0x80000000) oparg = 1 << (oparg & 31); // FUTEX_OP_OPARG_SHIFT
  let nv: number;
  switch (kind) {
    case 0: nv = oparg; break;
    case 1: nv = oldv + oparg; break;
    case 2: nv = oldv | oparg; break;
    case 3: nv = oldv & ~oparg; break;
    case 4: nv = oldv ^ oparg; break;
    default: return -ENOSYS;
  }
  write32(t, addr2, nv | 0);
  let r = futexWake(t.process, addr, n, 0xffffffff);
  let hit: boolean;
  switch (cmp) {
    case 0: hit = oldv === cmparg; break;
    case 1: hit = oldv !== cmparg; break;
    case 2: hit = oldv < cmparg; break;
    case 3: hit = oldv <= cmparg; break;
    case 4: hit = oldv > cmparg; break;
    case 5: hit = oldv >= cmparg; break;
    default: return -ENOSYS;
  }
  if (hit) r += futexWake(t.process, addr2, n2, 0xffffffff);
  return r;
}

function requeue(t: Thread, addr: number, nWake: number, addr2: number, nMove: number): number {
  const woken = futexWake(t.process, addr, nWake, 0xffffffff);
  const map = waiters(t.process);
  const from = map.get(addr);
  let moved = 0;
  if (from && nMove > 0) {
    const to = map.get(addr2) ?? [];
    while (from.length && moved < nMove) {
      const w = from.shift()!;
      w.addr = addr2;
      to.push(w);
      moved++;
    }
    if (from.length === 0) map.delete(addr);
    if (to.length) map.set(addr2, to);
  }
  return woken + moved;
}

sys(202, 'futex', [a('uaddr', 'ptr'), a('futex_op', 'flags', { enumValues: FUTEX_OP_NAMES }), a('val', 'uint'), a('timeout', 'ptr'), a('uaddr2', 'ptr'), a('val3', 'hex')],
  (t, addr, op, val, timeout, addr2, val3) => {
    const cmd = op & ~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);
    const realtime = (op & FUTEX_CLOCK_REALTIME) !== 0;
    if (realtime && cmd !== FUTEX_WAIT && cmd !== FUTEX_WAIT_BITSET && cmd !== FUTEX_WAIT_REQUEUE_PI && cmd !== FUTEX_LOCK_PI2) return -ENOSYS;
    switch (cmd) {
      case FUTEX_WAIT: {
        // Relative timeout on CLOCK_MONOTONIC (or REALTIME with the flag).
        const clock = realtime ? 0 : 1;
        const rel = timeout ? readTimespec(t, timeout) : null;
        const now = clockNs(t, clock) ?? 0n;
        return futexWait(t, addr, val, rel === null ? null : now + rel, clock, 0xffffffff);
      }
      case FUTEX_WAIT_BITSET: {
        const clock = realtime ? 0 : 1;
        return futexWait(t, addr, val, timeout ? readTimespec(t, timeout) : null, clock, val3 >>> 0);
      }
      case FUTEX_WAKE: return futexWake(t.process, addr, (val | 0) < 0 ? 0x7fffffff : val, 0xffffffff);
      case FUTEX_WAKE_BITSET: return (val3 >>> 0) === 0 ? -EINVAL : futexWake(t.process, addr, val, val3 >>> 0);
      case FUTEX_REQUEUE: return requeue(t, addr, val, addr2, timeout);
      case FUTEX_CMP_REQUEUE:
        if ((read32(t, addr) | 0) !== (val3 | 0)) return -EAGAIN;
        return requeue(t, addr, val, addr2, timeout);
      case FUTEX_WAKE_OP: return wakeOp(t, addr, val, addr2, timeout, val3 >>> 0);
      // LOCK_PI's timeout is absolute on CLOCK_REALTIME; LOCK_PI2's on CLOCK_MONOTONIC unless FUTEX_CLOCK_REALTIME.
      case FUTEX_LOCK_PI: return lockPi(t, addr, timeout ? readTimespec(t, timeout) : null, 0, false);
      case FUTEX_LOCK_PI2: return lockPi(t, addr, timeout ? readTimespec(t, timeout) : null, realtime ? 0 : 1, false);
      case FUTEX_TRYLOCK_PI: return lockPi(t, addr, null, 0, true);
      case FUTEX_UNLOCK_PI: return unlockPi(t, addr);
      case FUTEX_WAIT_REQUEUE_PI: case FUTEX_CMP_REQUEUE_PI:
        return -ENOSYS;
      case FUTEX_FD: return -ENOSYS;
      default: return -ENOSYS;
    }
  }, { blocking: true, support: 'partial', note: 'WAIT/WAKE/REQUEUE/CMP_REQUEUE/WAKE_OP/*_BITSET, LOCK_PI/LOCK_PI2/TRYLOCK_PI/UNLOCK_PI (hand-off, no priorities), private and realtime flags; *_REQUEUE_PI -ENOSYS' });

// ------------------------------------------------------------------ scheduling

sys(24, 'sched_yield', [], (t) => { t.yielded = true; return 0; });

/** One CPU: the affinity mask has bit 0 set; the kernel's cpumask size is 8 bytes. */
sys(204, 'sched_getaffinity', [a('pid', 'pid'), a('cpusetsize', 'size'), a('mask', 'ptr')], (t, pid, size, mask) => {
  if (pid !== 0 && !t.process.threads.some((x) => x.tid === pid) && !t.process.kernel.processes.has(pid)) return -ESRCH;
  if (size < 8 || size & 7) return -EINVAL;
  const b = new Uint8Array(8);
  b[0] = 1;
  copyOut(t, mask, b);
  return 8;
});

sys(203, 'sched_setaffinity', [a('pid', 'pid'), a('cpusetsize', 'size'), a('mask', 'ptr')], (t, pid, size, mask) => {
  if (pid !== 0 && !t.process.threads.some((x) => x.tid === pid) && !t.process.kernel.processes.has(pid)) return -ESRCH;
  const b = copyIn(t, mask, Math.min(size, 128));
  return b[0] & 1 ? 0 : -EINVAL; // CPU 0 must stay in the set
});

sys(309, 'getcpu', [a('cpu', 'ptr'), a('node', 'ptr'), a('tcache', 'ptr')], (t, cpu, node) => {
  if (cpu) write32(t, cpu, 0);
  if (node) write32(t, node, 0);
  return 0;
});

/** membarrier: every guest thread runs in one host thread, so every barrier is trivially complete. */
const MEMBARRIER_CMD_QUERY = 0, MEMBARRIER_CMD_GLOBAL = 1, MEMBARRIER_CMD_PRIVATE_EXPEDITED = 8, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED = 16;
sys(324, 'membarrier', [a('cmd', 'int'), a('flags', 'uint'), a('cpu_id', 'int')], (t, cmd, flags) => {
  if (flags !== 0) return -EINVAL;
  switch (cmd) {
    case MEMBARRIER_CMD_QUERY: return MEMBARRIER_CMD_GLOBAL | MEMBARRIER_CMD_PRIVATE_EXPEDITED | MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED;
    case MEMBARRIER_CMD_GLOBAL: case MEMBARRIER_CMD_PRIVATE_EXPEDITED: case MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED: return 0;
    default: return -EINVAL;
  }
});
void EFAULT; void EPERM; void CLONE_FS; void CLONE_FILES; void CLONE_SYSVSEM; void CLONE_PTRACE; void CLONE_PARENT; void CLONE_UNTRACED; void CLONE_IO; void WaitQueue;
