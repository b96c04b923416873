/**
 * io_uring: the ring object and its request engine. The syscalls io_uring_setup(2) and
 * io_uring_enter(2) are in syscalls.ts, io_uring_register(2) in register.ts,
 * the opcodes in ops.ts, the ABI in abi.ts. Facts: ../shared/reference/linux-abi.md §5; behaviour pinned against Linux
 * 6.18 by corpus/src/uring-*.c and test/kernel/io_uring.test.ts.
 *
 * Ring memory. The rings (heads, tails, masks, flags, the CQE array and the SQ index array) and
 * the SQE array live in guest memory, laid out like Linux's struct io_rings, so liburing reads
 * and writes them without syscalls. Until the guest maps them they sit in a kernel buffer; the
 * mmap of the ring fd (OpenFile.mmapShared, used by doMmap) copies them into the new shared
 * pages and from then on the kernel accesses them in place. The SQ_RING mapping serves both
 * rings (IORING_FEAT_SINGLE_MMAP); a program that also maps CQ_RING gets the CQ fields there.
 * A guest mapping cannot alias another one in x64run's flat memory: a second mapping of the
 * same part starts as a copy and receives the kernel's writes, but the kernel reads the guest's
 * writes from the first (RingPart). If the guest unmaps every mapping of a part, the kernel
 * falls back to a private buffer holding only its own fields.
 *
 * Submission (io_submit_sqes): SQEs are taken from SQ head to tail (at most sq_entries, at most
 * to_submit), each copied once (IORING_FEAT_SUBMIT_STABLE). An index array entry out of range
 * is dropped (sq_dropped) and ends the batch. Preparation errors (bad opcode, flags or fields)
 * consume the SQE, post its error and end the batch unless SETUP_SUBMIT_ALL; errors found when
 * the request runs (bad descriptor, bad buffer) only fail that request.
 *
 * Execution mirrors Linux's ordering, which programs can observe: chain heads and independent
 * requests run inline during submission; the next request of a chain, the cancellation of a
 * failed chain's rest, cancelled and timed-out requests complete as "task work", run in FIFO
 * order after the batch (or after the asynchronous event that caused them). A request that
 * would block (pipe read, poll, timeout) waits without a thread: on the pollable object's
 * wake-ups (pipe.ts pollWakeup), re-checked when the waking syscall returns (Kernel.deferToReturn,
 * like Linux's task_work), or on the ring's timers, which the kernel's polled TimerTable drives
 * (so deterministic mode advances virtual time to them and deadlock detection sees them).
 *
 * Completion: CQEs go to cqes[tail & mask]; when the CQ is full they wait in an overflow list
 * (IORING_FEAT_NODROP), IORING_SQ_CQ_OVERFLOW is set, and io_uring_enter(GETEVENTS) flushes
 * them. Links (IOSQE_IO_LINK) cancel the rest of the chain with -ECANCELED after any failure,
 * including a short read or write; IOSQE_IO_HARDLINK does not; IOSQE_IO_DRAIN waits for every
 * earlier request; IOSQE_CQE_SKIP_SUCCESS suppresses successful CQEs.
 *
 * SQPOLL is emulated without a poller thread: IORING_SQ_NEED_WAKEUP stays set, so liburing
 * enters the kernel for every submission, and any io_uring_enter consumes the whole SQ.
 */
import { SyscallError } from '../syscall-table.js';
import type { Thread } from '../thread.js';
import type { Process } from '../process.js';
import type { Kernel } from '../kernel.js';
import { OpenFile, type StatInfo } from '../file.js';
import type { AddressSpace } from '../../memory/address-space.js';
import { WaitQueue } from '../wait.js';
import { pollWakeup, POLLIN, POLLOUT, POLLRDNORM, POLLWRNORM } from '../pipe.js';
import type { Timer } from '../timers.js';
import type { EventFd } from '../syscalls/pipe.js';
import { EINVAL, EOPNOTSUPP, ECANCELED, ETIME, EACCES, EIO } from '../errno.js';
import { formatFlags } from '../trace.js';
import {
  RINGS, CQE_SIZE, SQE_SIZE, sqArrayOffset, IORING_OFF_SQ_RING, IORING_OFF_CQ_RING, IORING_OFF_SQES, IORING_OFF_MMAP_MASK,
  SETUP_SQPOLL, SETUP_R_DISABLED, SETUP_SUBMIT_ALL,
  FEAT_SINGLE_MMAP, FEAT_NODROP, FEAT_SUBMIT_STABLE, FEAT_RW_CUR_POS, FEAT_CUR_PERSONALITY, FEAT_FAST_POLL, FEAT_POLL_32BITS,
  FEAT_SQPOLL_NONFIXED, FEAT_EXT_ARG, FEAT_NATIVE_WORKERS, FEAT_RSRC_TAGS, FEAT_CQE_SKIP, FEAT_LINKED_FILE,
  SQ_NEED_WAKEUP, SQ_CQ_OVERFLOW, CQ_EVENTFD_DISABLED, IOSQE_IO_DRAIN, IOSQE_IO_LINK,
  IOSQE_IO_HARDLINK, IOSQE_BUFFER_SELECT, IOSQE_CQE_SKIP_SUCCESS, SQE_VALID_FLAGS, SQE_FLAG_NAMES, Op, OP_LAST, opName,
  readSqe, writeCqe, type Sqe,
} from './abi.js';
import { OPS } from './ops.js';

/** What a request's issue function returns: its result, or PENDING (it completes later). */
export const PENDING = Symbol('io_uring pending');
/** A result: res, optionally CQE flags and whether it fails a link (default: res < 0). */
export type OpResult = number | { res: number; flags?: number; fail?: boolean };
export type Issued = OpResult | typeof PENDING;

/** Everything x64run implements (see abi.ts FEAT_*). */
export const FEATURES = FEAT_SINGLE_MMAP | FEAT_NODROP | FEAT_SUBMIT_STABLE | FEAT_RW_CUR_POS | FEAT_CUR_PERSONALITY |
  FEAT_FAST_POLL | FEAT_POLL_32BITS | FEAT_SQPOLL_NONFIXED | FEAT_EXT_ARG | FEAT_NATIVE_WORKERS | FEAT_RSRC_TAGS |
  FEAT_CQE_SKIP | FEAT_LINKED_FILE;
const LINK_FLAGS = IOSQE_IO_LINK | IOSQE_IO_HARDLINK;
/** Overflowed CQEs kept before new ones are dropped (Linux: until kmalloc fails). */
const MAX_OVERFLOW = 1 << 20;

/** A submitted request (Linux's io_kiocb). Op-specific state lives in the optional fields. */
export class Req {
  readonly op: number;
  flags: number;
  userData: bigint;
  readonly fd: number;
  /** The next request of its chain. */
  link: Req | null = null;
  failed = false;
  /** The result a request failed with before it ran (preparation errors, cancelled chain heads). */
  failRes = 0;
  skipSuccess: boolean;
  drain = false;
  /** Requests submitted before this one (drain compares it with the completion count). */
  seq = 0;
  done = false;
  cancelled = false;
  /** Detaches a pending request from what it waits on (set by the op while PENDING). */
  cancel: (() => void) | null = null;
  // ---- op state (ops.ts)
  iovs?: { base: number; len: number }[];
  timeoutNs?: bigint;
  timeoutFlags?: number;
  count?: number;
  startEvents?: number;
  timer?: RingTimer | null;
  /** For a LINK_TIMEOUT: the request it guards. */
  target?: Req | null;
  pollEvents?: number;
  multishot?: boolean;
  lastMask?: number;
  buf?: { group: number; bid: number; addr: number; len: number } | null;

  constructor(readonly ring: IoRing, readonly t: Thread, readonly sqe: Sqe) {
    this.op = sqe.opcode;
    this.flags = sqe.flags;
    this.userData = sqe.userData;
    this.fd = sqe.fd;
    this.skipSuccess = (sqe.flags & IOSQE_CQE_SKIP_SUCCESS) !== 0;
  }
}

/** One of the ring's timers (TIMEOUT, LINK_TIMEOUT): CLOCK_MONOTONIC nanoseconds. */
export interface RingTimer {
  deadline: bigint;
  fire: () => void;
  active: boolean;
}

/**
 * Where one part of the ring memory lives: a kernel buffer until the guest maps it, then the
 * guest mapping (`base` in the window). A second mapping of the same part cannot alias the
 * first in the flat window: it starts as a copy, receives the kernel's writes too, and takes
 * over if the first one is unmapped; guest writes are read from the first live mapping only.
 */
class RingPart {
  dv: DataView;
  base = 0;
  /** Guest addresses of the live mappings (the first is where the kernel reads); empty: kernel buffer. */
  views: number[] = [];
  as: AddressSpace | null = null;
  constructor(readonly size: number) {
    this.dv = new DataView(new ArrayBuffer(size));
  }
  get mapped(): boolean {
    return this.views.length > 0;
  }
  bytes(): Uint8Array {
    return new Uint8Array(this.dv.buffer, this.dv.byteOffset + this.base, this.size);
  }
  /** A new mapping at `addr` (already mapped read-write) gets the current bytes. */
  attach(as: AddressSpace, addr: number): void {
    this.check();
    as.mem.u8.set(this.bytes().slice(), addr);
    this.views.push(addr);
    if (this.views.length === 1) {
      this.dv = as.mem.dv;
      this.base = addr;
      this.as = as;
    }
  }
  /** Drops mappings the guest removed; false if the one the kernel read from went away. */
  check(): boolean {
    const as = this.as;
    if (!as || !this.views.length) return true;
    const live = this.views.filter((addr) => {
      const v = as.findVma(addr);
      return v !== undefined && v.name === RING_NAME && as.isFullyMapped(addr, addr + this.size);
    });
    if (live.length === this.views.length) return true;
    const primaryLost = live[0] !== this.views[0];
    this.views = live;
    if (!primaryLost) return true;
    if (live.length) this.base = live[0];
    else {
      this.dv = new DataView(new ArrayBuffer(this.size));
      this.base = 0;
      this.as = null;
    }
    return false;
  }
  u32(off: number): number {
    return this.dv.getUint32(this.base + off, true);
  }
  set32(off: number, v: number): void {
    this.dv.setUint32(this.base + off, v >>> 0, true);
    for (let k = 1; k < this.views.length; k++) this.dv.setUint32(this.views[k] + off, v >>> 0, true);
  }
  /** Kernel writes of larger items (CQEs) go to every mapping. */
  each(f: (dv: DataView, base: number) => void): void {
    f(this.dv, this.base);
    for (let k = 1; k < this.views.length; k++) f(this.dv, this.views[k]);
  }
}

const RING_NAME = 'anon_inode:[io_uring]';

/**
 * The ring's timers as one entry of the kernel's polled TimerTable: `deadline` reads as the
 * earliest pending timer, and when the scheduler finds it expired it sets it to 0, which fires
 * every expired timer.
 */
class RingClock implements Timer {
  readonly clock = 'mono' as const;
  interval = 0n;
  signo = 0;
  thread = null;
  id = -1;
  value = 0n;
  overrun = 0;
  notify = 'none' as const;
  constructor(readonly ring: IoRing, readonly process: Process) {}
  get deadline(): bigint {
    return this.ring.nextDeadline();
  }
  set deadline(v: bigint) {
    if (v === 0n) this.ring.fireTimers();
  }
}

export interface Overflowed { userData: bigint; res: number; flags: number }

export class IoRing extends OpenFile {
  readonly name = RING_NAME;
  readonly features = FEATURES;
  readonly rings: RingPart;
  /** Where the CQ fields are read and written (the SQ_RING mapping unless CQ_RING was mapped too). */
  cqPart: RingPart;
  readonly sqes: RingPart;
  readonly sqArray: number;
  // ---- kernel-owned ring state (Linux: cached_sq_head, cached_cq_tail, ...)
  sqHead = 0;
  cqTail = 0;
  sqFlags = 0;
  dropped = 0;
  cqOverflowCount = 0;
  readonly overflow: Overflowed[] = [];
  disabled: boolean;
  // ---- registered resources (register.ts)
  buffers: ({ addr: number; len: number } | null)[] | null = null;
  files: (OpenFile | null)[] | null = null;
  eventfd: EventFd | null = null;
  eventfdAsync = false;
  readonly bufferGroups = new Map<number, { addr: number; len: number; bid: number }[]>();
  restrictions: { registerOps: Set<number>; sqeOps: Set<number>; flagsAllowed: number; flagsRequired: number } | null = null;
  restricted = false;
  /** IORING_SETUP_SINGLE_ISSUER: the only thread allowed to submit and register (-EEXIST for others). */
  submitter: Thread | null = null;
  // ---- requests
  private linkHead: Req | null = null;
  private linkLast: Req | null = null;
  readonly inflight = new Set<Req>();
  /** Pending TIMEOUT requests (count and timer), in submission order. */
  readonly timeouts: Req[] = [];
  private readonly deferred: Req[] = [];
  private drainActive = false;
  private drainNext = false;
  private drainDisabled = false;
  private submitted = 0;
  private completed = 0;
  /** CQEs posted other than timer expiries (what count timeouts count). */
  cqEvents = 0;
  /** Expired TIMEOUTs (Linux cq_timeouts): a waiter wakes when this changes. */
  timeoutsFired = 0;
  private taskWork: (() => void)[] = [];
  private runningTaskWork = false;
  private postedSinceCommit = 0;
  private readonly timers: RingTimer[] = [];
  private readonly clock: RingClock;
  readonly cqWait = new WaitQueue();
  readonly kernel: Kernel;

  constructor(readonly process: Process, readonly sqEntries: number, readonly cqEntries: number, readonly setupFlags: number) {
    super();
    this.kernel = process.kernel;
    this.sqArray = sqArrayOffset(cqEntries);
    this.rings = new RingPart(this.sqArray + 4 * sqEntries);
    this.cqPart = this.rings;
    this.sqes = new RingPart(SQE_SIZE * sqEntries);
    this.disabled = (setupFlags & SETUP_R_DISABLED) !== 0;
    if (setupFlags & SETUP_SQPOLL) this.sqFlags |= SQ_NEED_WAKEUP;
    this.writeKernelFields();
    this.clock = new RingClock(this, process);
    this.kernel.timers.timers.push(this.clock);
  }

  /** Fields the kernel owns, written at setup and whenever a part moves. */
  private writeKernelFields(): void {
    const r = this.rings, c = this.cqPart;
    r.set32(RINGS.sqHead, this.sqHead);
    r.set32(RINGS.sqRingMask, this.sqEntries - 1);
    r.set32(RINGS.sqRingEntries, this.sqEntries);
    r.set32(RINGS.sqFlags, this.sqFlags);
    r.set32(RINGS.sqDropped, this.dropped);
    c.set32(RINGS.cqTail, this.cqTail);
    c.set32(RINGS.cqRingMask, this.cqEntries - 1);
    c.set32(RINGS.cqRingEntries, this.cqEntries);
    c.set32(RINGS.cqOverflow, this.cqOverflowCount);
  }

  /** Re-checks that the guest still maps the parts it mapped (see the file overview). */
  checkMaps(): void {
    const r = this.rings.check();
    const c = this.cqPart === this.rings ? r : this.cqPart.check();
    const s = this.sqes.check();
    if (!r || !c) {
      // The mapping the kernel read from is gone; if no other mapping took over, the guest's
      // indices went with it: nothing is pending, everything was seen.
      if (!this.rings.mapped) this.rings.set32(RINGS.sqTail, this.sqHead);
      if (!this.cqPart.mapped) this.cqPart.set32(RINGS.cqHead, this.cqTail);
      this.writeKernelFields();
    }
    void s;
  }

  // ------------------------------------------------------------------ OpenFile

  /**
   * mmap(2) of the ring fd: IORING_OFF_SQ_RING / CQ_RING / SQES (offset masked like Linux 6.x).
   * The SQ_RING mapping holds both rings unless CQ_RING is mapped too, which then gets the CQ
   * fields (a program that maps both uses each for its own ring).
   */
  override mmapShared(as: AddressSpace, addr: number, len: number, offset: number): number {
    switch (offset & IORING_OFF_MMAP_MASK) {
      case IORING_OFF_SQ_RING:
        if (len < this.rings.size) return this.partialMap(as, addr, len, this.rings);
        this.rings.attach(as, addr);
        return 0;
      case IORING_OFF_CQ_RING: {
        const need = RINGS.cqes + CQE_SIZE * this.cqEntries;
        if (len < need) return this.partialMap(as, addr, len, this.cqPart);
        if (this.cqPart === this.rings) {
          const part = new RingPart(need);
          new Uint8Array(part.dv.buffer).set(this.rings.bytes().subarray(0, need));
          this.cqPart = part;
        }
        this.cqPart.attach(as, addr);
        return 0;
      }
      case IORING_OFF_SQES:
        if (len < this.sqes.size) return this.partialMap(as, addr, len, this.sqes);
        this.sqes.attach(as, addr);
        return 0;
      default:
        return -EINVAL;
    }
  }

  /** A mapping shorter than the part: Linux maps what fits; x64run shows a copy it does not update. */
  private partialMap(as: AddressSpace, addr: number, len: number, part: RingPart): number {
    as.mem.u8.set(part.bytes().subarray(0, len), addr);
    this.kernel.warnOnce('io_uring-partial-mmap', 'x64run: io_uring ring mapped shorter than its size: that mapping is a snapshot');
    return 0;
  }

  override read(): number {
    return -EINVAL;
  }
  override write(): number {
    return -EINVAL;
  }
  stat(): StatInfo {
    return { dev: 0xe, ino: 2, mode: 0o600, nlink: 1, uid: 0, gid: 0, rdev: 0, size: 0, blksize: 4096, blocks: 0, atimeNs: 0n, mtimeNs: 0n, ctimeNs: 0n };
  }
  /** io_uring_poll: readable with CQEs (or a backlog), writable while the SQ has room. */
  override poll(): number {
    let m = 0;
    if (this.cqReady() > 0 || this.overflow.length) m |= POLLIN | POLLRDNORM;
    if (((this.rings.u32(RINGS.sqTail) - this.sqHead) >>> 0) < this.sqEntries) m |= POLLOUT | POLLWRNORM;
    return m;
  }

  /** The last descriptor is gone: cancel everything, drop registrations and timers. */
  override release(): void {
    for (const r of [...this.inflight]) { r.cancel?.(); r.cancel = null; r.done = true; }
    this.inflight.clear();
    for (const tm of this.timers) tm.active = false;
    this.timers.length = 0;
    this.timeouts.length = 0;
    this.deferred.length = 0;
    this.taskWork = [];
    const list = this.kernel.timers.timers;
    const k = list.indexOf(this.clock);
    if (k >= 0) list.splice(k, 1);
    if (this.files) for (const f of this.files) if (f) dropRef(f);
    this.files = null;
    this.buffers = null;
    this.eventfd = null;
    this.cqWait.wake();
  }

  // ------------------------------------------------------------------ completion queue

  cqHead(): number {
    return this.cqPart.u32(RINGS.cqHead);
  }
  /** CQEs the guest has not consumed yet. */
  cqReady(): number {
    return (this.cqTail - this.cqHead()) >>> 0;
  }

  /** Posts a CQE (or queues it in the overflow list). `countable`: counts for count timeouts. */
  post(userData: bigint, res: number, flags: number, countable = true): void {
    if (countable) this.cqEvents++;
    this.postedSinceCommit++;
    this.traceCqe(userData, res, flags);
    if (this.overflow.length === 0 && this.cqReady() < this.cqEntries) {
      this.writeCqe(userData, res, flags);
      return;
    }
    if (this.overflow.length >= MAX_OVERFLOW) {
      this.cqOverflowCount++;
      this.cqPart.set32(RINGS.cqOverflow, this.cqOverflowCount);
      return;
    }
    this.overflow.push({ userData, res, flags });
    this.setSqFlag(SQ_CQ_OVERFLOW, true);
  }

  private writeCqe(userData: bigint, res: number, flags: number): void {
    const off = RINGS.cqes + CQE_SIZE * (this.cqTail & (this.cqEntries - 1));
    const c = this.cqPart;
    c.each((dv, base) => writeCqe(dv, base + off, userData, res, flags));
    this.cqTail = (this.cqTail + 1) >>> 0;
    c.set32(RINGS.cqTail, this.cqTail);
  }

  /** Moves overflowed CQEs into the ring while there is room (io_cqring_overflow_flush). */
  flushOverflow(): void {
    let moved = 0;
    while (this.overflow.length && this.cqReady() < this.cqEntries) {
      const o = this.overflow.shift()!;
      this.writeCqe(o.userData, o.res, o.flags);
      moved++;
    }
    if (this.overflow.length === 0) this.setSqFlag(SQ_CQ_OVERFLOW, false);
    if (moved) this.postedSinceCommit++;
  }

  setSqFlag(bit: number, on: boolean): void {
    this.sqFlags = on ? this.sqFlags | bit : this.sqFlags & ~bit;
    this.rings.set32(RINGS.sqFlags, this.sqFlags);
  }

  /**
   * After a batch of completions: signal the eventfd (IORING_REGISTER_EVENTFD_ASYNC: only for
   * completions outside submission) and wake waiters and pollers of the ring fd.
   */
  commit(inline = false): void {
    if (this.postedSinceCommit === 0) return;
    this.postedSinceCommit = 0;
    if (this.eventfd && !(this.cqPart.u32(RINGS.cqFlags) & CQ_EVENTFD_DISABLED) && !(this.eventfdAsync && inline)) {
      this.eventfd.add(1n);
    }
    this.cqWait.wake();
    pollWakeup.wake();
  }

  // ------------------------------------------------------------------ task work

  /** Queues work that runs after the current batch (Linux: io_req_task_work_add). */
  tw(f: () => void): void {
    this.taskWork.push(f);
  }

  runTaskWork(): void {
    if (this.runningTaskWork) return;
    this.runningTaskWork = true;
    try {
      while (this.taskWork.length) this.taskWork.shift()!();
    } finally {
      this.runningTaskWork = false;
    }
  }

  // ------------------------------------------------------------------ timers

  addTimer(deadline: bigint, fire: () => void): RingTimer {
    const tm: RingTimer = { deadline, fire, active: true };
    this.timers.push(tm);
    return tm;
  }
  clearTimer(tm: RingTimer | null | undefined): void {
    if (!tm || !tm.active) return;
    tm.active = false;
    const k = this.timers.indexOf(tm);
    if (k >= 0) this.timers.splice(k, 1);
  }
  nextDeadline(): bigint {
    let best = 0n;
    for (const tm of this.timers) if (best === 0n || tm.deadline < best) best = tm.deadline;
    return best;
  }
  now(): bigint {
    return this.kernel.config.monotonicNs();
  }
  /** Fires every expired timer (earliest first), then runs the work they queued. */
  fireTimers(): void {
    const now = this.now();
    const due = this.timers.filter((tm) => tm.deadline <= now).sort((x, y) => (x.deadline < y.deadline ? -1 : x.deadline > y.deadline ? 1 : 0));
    if (!due.length) return;
    this.checkMaps();
    for (const tm of due) {
      if (!tm.active) continue;
      this.clearTimer(tm);
      tm.fire();
    }
    this.runTaskWork();
    this.commit();
  }

  // ------------------------------------------------------------------ submission

  /** Consumes up to `n` SQEs (io_submit_sqes); returns how many were consumed. */
  submitSqes(t: Thread, n: number): number {
    const tail = this.rings.u32(RINGS.sqTail);
    const entries = Math.min((tail - this.sqHead) >>> 0, this.sqEntries);
    if (entries === 0) return 0;
    let left = Math.min(n, entries);
    const want = left;
    try {
      while (left) {
        const idx = this.rings.u32(this.sqArray + 4 * (this.sqHead & (this.sqEntries - 1)));
        this.sqHead = (this.sqHead + 1) >>> 0;
        if (idx >= this.sqEntries) {
          this.dropped = (this.dropped + 1) >>> 0;
          this.rings.set32(RINGS.sqDropped, this.dropped);
          break;
        }
        const sqe = readSqe(this.sqes.dv, this.sqes.base + SQE_SIZE * idx);
        this.traceSqe(sqe);
        const err = this.submitOne(t, sqe);
        left--;
        if (err && !(this.setupFlags & SETUP_SUBMIT_ALL)) break;
      }
      // A chain still open at the end of the batch ends there.
      const head = this.linkHead;
      this.linkHead = this.linkLast = null;
      if (head) this.queue(head);
      this.rings.set32(RINGS.sqHead, this.sqHead);
    } finally {
      this.runTaskWork();
    }
    this.commit(true);
    return want - left;
  }

  /** io_submit_sqe: prepares the request and queues it, or links it into the open chain. */
  private submitOne(t: Thread, sqe: Sqe): number {
    const req = new Req(this, t, sqe);
    req.seq = this.submitted++;
    const err = this.initReq(req);
    if (err) return this.failInit(req, err);
    if (this.linkHead) {
      this.linkLast!.link = req;
      this.linkLast = req;
      if (req.flags & LINK_FLAGS) return 0;
      const head = this.linkHead;
      this.linkHead = this.linkLast = null;
      this.queue(head);
      return 0;
    }
    if (req.flags & LINK_FLAGS) {
      this.linkHead = this.linkLast = req;
      return 0;
    }
    this.queue(req);
    return 0;
  }

  /** io_init_req: the checks every SQE goes through, then the opcode's own preparation. */
  private initReq(req: Req): number {
    const def = req.op < OP_LAST ? OPS[req.op] : undefined;
    if (!def) return -EINVAL;
    const f = req.flags;
    if (f & ~SQE_VALID_FLAGS) return -EINVAL;
    if (f & IOSQE_BUFFER_SELECT && !def.bufferSelect) return -EOPNOTSUPP;
    if (f & IOSQE_CQE_SKIP_SUCCESS) this.drainDisabled = true;
    if (f & IOSQE_IO_DRAIN) {
      if (this.drainDisabled) return -EOPNOTSUPP;
      this.drainActive = true;
      if (this.linkHead) {
        this.linkHead.drain = true;
        this.drainNext = true;
      } else req.drain = true;
    }
    if (this.restricted && !this.allowedSqe(req)) return -EACCES;
    if (this.drainNext && !this.linkHead && !(f & IOSQE_IO_DRAIN)) {
      this.drainNext = false;
      this.drainActive = true;
      req.drain = true;
    }
    if (!def.ioprio && req.sqe.ioprio) return -EINVAL;
    if (req.sqe.personality) return -EINVAL; // no personalities are ever registered
    if (!def.prep) return 0;
    try {
      return def.prep(this, req, this.linkHead !== null);
    } catch (e) {
      return this.errnoOf(req, e); // EFAULT / ENAMETOOLONG / EINVAL while copying arguments
    }
  }

  private allowedSqe(req: Req): boolean {
    const r = this.restrictions!;
    if (!r.sqeOps.has(req.op)) return false;
    if ((req.flags & r.flagsRequired) !== r.flagsRequired) return false;
    return (req.flags & ~(r.flagsAllowed | r.flagsRequired)) === 0;
  }

  /** io_submit_fail_init: the request fails with `err`; an open chain is failed with it. */
  private failInit(req: Req, err: number): number {
    req.failed = true;
    req.failRes = err;
    const head = this.linkHead;
    if (head && !head.failed) {
      head.failed = true;
      head.failRes = -ECANCELED;
    }
    if (!(req.flags & LINK_FLAGS)) {
      let first = req;
      if (head) {
        this.linkLast!.link = req;
        this.linkHead = this.linkLast = null;
        first = head;
      }
      this.queue(first);
      return err;
    }
    if (head) this.linkLast!.link = req;
    else this.linkHead = req;
    this.linkLast = req;
    return 0;
  }

  /** io_queue_sqe: run now, or wait behind a drain. */
  private queue(req: Req): void {
    if (req.failed) {
      this.complete(req, { res: req.failRes, fail: true });
      return;
    }
    if (this.drainActive) {
      if (!(req.drain && this.completed < req.seq) && this.deferred.length === 0) {
        this.drainActive = false;
        this.tw(() => this.issue(req));
      } else this.deferred.push(req);
      return;
    }
    this.issue(req);
  }

  /** Drained requests whose predecessors have all completed run now (io_queue_deferred). */
  private queueDeferred(): void {
    while (this.deferred.length) {
      const r = this.deferred[0];
      if (r.drain && this.completed < r.seq) break;
      this.deferred.shift();
      this.tw(() => (r.failed ? this.complete(r, { res: r.failRes, fail: true }) : this.issue(r)));
    }
  }

  /** Runs a request's opcode (io_issue_sqe). A following LINK_TIMEOUT is armed first. */
  issue(req: Req): void {
    const lt = req.link;
    if (lt && lt.op === Op.LINK_TIMEOUT && !lt.failed) {
      lt.target = req;
      lt.timer = this.addTimer(this.now() + (lt.timeoutNs ?? 0n), () => this.linkTimeoutFired(lt));
    }
    this.run(req, () => OPS[req.op]!.issue(this, req));
  }

  /** Runs `f` for the request: completes it with the result unless it is PENDING. */
  run(req: Req, f: () => Issued): void {
    let r: Issued;
    try {
      r = f();
    } catch (e) {
      r = this.errnoOf(req, e);
    }
    if (r === PENDING) {
      if (!req.done) this.inflight.add(req);
      return;
    }
    this.complete(req, r);
  }

  /** A pending request finished outside submission (a wake-up, a timer). */
  runAsync(req: Req, f: () => Issued): void {
    if (req.done) return;
    this.checkMaps();
    this.run(req, f);
    this.runTaskWork();
    this.commit();
  }

  errnoOf(req: Req, e: unknown): number {
    if (e instanceof SyscallError) return -e.errno;
    this.kernel.warnOnce(`io_uring-internal-${req.op}`,
      `x64run: internal error in io_uring ${opName(req.op)}: ${e instanceof Error ? e.stack : String(e)}`);
    return -EIO;
  }

  /** Completes a request: CQE, linked timeout, then the rest of its chain as task work. */
  complete(req: Req, r: OpResult): void {
    if (req.done) return;
    req.done = true;
    this.inflight.delete(req);
    req.cancel = null;
    const res = typeof r === 'number' ? r : r.res;
    const cflags = typeof r === 'number' ? 0 : r.flags ?? 0;
    const fail = typeof r === 'number' ? r < 0 : r.fail ?? r.res < 0;
    if (fail) req.failed = true;
    this.completed++;
    this.disarmLinkTimeout(req);
    if (!(req.skipSuccess && !req.failed)) this.post(req.userData, res, cflags, !(req.op === Op.TIMEOUT && res === -ETIME));
    const next = req.link;
    req.link = null;
    if (next) {
      if (req.failed && !(req.flags & IOSQE_IO_HARDLINK)) {
        const ignore = req.skipSuccess;
        this.tw(() => this.failLinks(next, ignore));
      } else {
        this.tw(() => (next.failed ? this.complete(next, { res: next.failRes, fail: true }) : this.issue(next)));
      }
    }
    this.checkCountTimeouts();
    if (this.deferred.length) this.queueDeferred();
  }

  /** io_fail_links: the rest of a failed chain, -ECANCELED (or their own preparation error). */
  private failLinks(first: Req, ignoreCqes: boolean): void {
    for (let r: Req | null = first; r; ) {
      const next: Req | null = r.link;
      r.link = null;
      const res = r.failed ? r.failRes : -ECANCELED;
      r.done = true;
      r.failed = true;
      this.completed++;
      if (!ignoreCqes) this.post(r.userData, res, 0);
      r = next;
    }
    if (this.deferred.length) this.queueDeferred();
  }

  // ------------------------------------------------------------------ linked timeouts

  /** The guarded request finished first: the LINK_TIMEOUT completes with -ECANCELED. */
  private disarmLinkTimeout(req: Req): void {
    const lt = req.link;
    if (!lt || lt.op !== Op.LINK_TIMEOUT || lt.failed) return;
    this.clearTimer(lt.timer);
    lt.timer = null;
    req.link = lt.link;
    lt.link = null;
    lt.target = null;
    this.tw(() => this.complete(lt, -ECANCELED));
  }

  /** The LINK_TIMEOUT expired first: the guarded request is cancelled, the timeout posts -ETIME. */
  private linkTimeoutFired(lt: Req): void {
    const target = lt.target;
    lt.target = null;
    if (!target || target.done) return;
    target.link = lt.link;
    lt.link = null;
    this.cancelReq(target);
    this.tw(() => this.complete(lt, -ETIME));
  }

  // ------------------------------------------------------------------ cancellation and count timeouts

  /** Cancels a pending request: it completes with -ECANCELED as task work. */
  cancelReq(req: Req): void {
    if (req.done || req.cancelled) return;
    req.cancelled = true;
    req.cancel?.();
    req.cancel = null;
    this.clearTimer(req.timer);
    const k = this.timeouts.indexOf(req);
    if (k >= 0) this.timeouts.splice(k, 1);
    this.tw(() => this.complete(req, -ECANCELED));
  }

  private checkCountTimeouts(): void {
    for (const r of [...this.timeouts]) {
      if (!r.count || r.cancelled || r.done) continue;
      if (this.cqEvents - r.startEvents! < r.count) continue;
      this.timeouts.splice(this.timeouts.indexOf(r), 1);
      this.clearTimer(r.timer);
      r.cancelled = true;
      this.tw(() => this.complete(r, 0));
    }
  }

  // ------------------------------------------------------------------ trace

  private traceSqe(s: Sqe): void {
    const trace = this.kernel.config.trace;
    if (!trace) return;
    trace(`--- io_uring sqe {opcode=${opName(s.opcode)}, flags=${formatFlags(s.flags, SQE_FLAG_NAMES)}, fd=${s.fd}, ` +
      `off=${BigInt.asIntN(64, s.off)}, addr=0x${s.addr.toString(16)}, len=${s.len}, user_data=0x${s.userData.toString(16)}} ---`);
  }
  private traceCqe(userData: bigint, res: number, flags: number): void {
    const trace = this.kernel.config.trace;
    if (!trace) return;
    trace(`--- io_uring cqe {user_data=0x${userData.toString(16)}, res=${res}, flags=0x${(flags >>> 0).toString(16)}} ---`);
  }
}

/** Drops a reference held by the ring (registered files): the last one releases the file. */
export function dropRef(f: OpenFile): void {
  if (--f.refs === 0) {
    f.release();
    if (f.lastCloseHooks) for (const h of f.lastCloseHooks.splice(0)) h();
  }
}
