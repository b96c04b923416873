/**
 * io_uring opcodes: for each supported IORING_OP_*, the preparation checks Linux makes when the
 * SQE is submitted (io_uring/opdef.c `prep`, errors end the batch) and the work done when the
 * request runs (`issue`, errors only fail the request). The file operations are the syscalls'
 * own implementations (readFrom, preadFrom, doOpen, doStatx, doRename, ...), so a request does
 * exactly what the matching syscall would.
 *
 * Requests that would block never block a thread: a read from an empty pipe is tried without
 * waiting (O_NONBLOCK for the attempt) and, on EAGAIN, waits for a wake-up of the pollable
 * object and tries again (IORING_FEAT_FAST_POLL). Opcodes not listed here complete with -EINVAL.
 */
import type { Thread } from '../thread.js';
import type { OpenFile } from '../file.js';
import { SyscallError } from '../syscall-table.js';
import { IoRing, Req, PENDING, type Issued, type OpResult, dropRef } from './ring.js';
import {
  Op, OP_LAST, ptr, soff, IOSQE_FIXED_FILE, IOSQE_BUFFER_SELECT, CQE_F_BUFFER, CQE_F_MORE, CQE_BUFFER_SHIFT, FSYNC_DATASYNC,
  TIMEOUT_ABS, TIMEOUT_UPDATE, TIMEOUT_REALTIME, TIMEOUT_CLOCK_MASK, TIMEOUT_ETIME_SUCCESS, LINK_TIMEOUT_UPDATE,
  POLL_ADD_MULTI, POLL_ADD_LEVEL, POLL_UPDATE_EVENTS, POLL_UPDATE_USER_DATA, ASYNC_CANCEL_ALL, ASYNC_CANCEL_FD,
  ASYNC_CANCEL_ANY, ASYNC_CANCEL_FD_FIXED, ASYNC_CANCEL_USERDATA, MSG_DATA, MSG_SEND_FD, MSG_RING_CQE_SKIP, MSG_RING_FLAGS_PASS,
  SPLICE_F_FD_IN_FIXED, SPLICE_F_NONBLOCK, SPLICE_F_ALL, FILE_INDEX_ALLOC,
} from './abi.js';
import {
  EINVAL, EBADF, EFAULT, EAGAIN, ENOENT, ENOBUFS, E2BIG, ESPIPE, EPIPE, ENOTSOCK, EBADFD, ENXIO, EOPNOTSUPP,
  ETIME, EALREADY,
} from '../errno.js';
import { copyIn, readString } from '../guest-mem.js';
import { pollWakeup, PipeEnd, PIPE_CAPACITY, POLLIN, POLLOUT, POLLERR, POLLHUP } from '../pipe.js';
import { readFrom, writeTo, readIovecs } from '../syscalls/io.js';
import { preadFrom, pwriteTo } from '../syscalls/io-positional.js';
import { doOpen, doOpenat2, doStatx } from '../syscalls/fs-open.js';
import { doMkdir, doRmdir, doUnlink, doRename, doLink, doSymlink } from '../syscalls/fs-namespace.js';
import { doFallocate, doFadvise, doSyncFileRange } from '../syscalls/fs-attr.js';
import { doMadvise } from '../syscalls/mm.js';
import { O_NONBLOCK, O_CLOEXEC, O_PATH, O_ACCMODE, O_WRONLY, O_RDWR, O_APPEND, AT_REMOVEDIR } from '../syscalls/flags.js';

export interface OpDef {
  /** Checks and copies done at submission (io_init_req -> def->prep); 0 or -errno. May throw SyscallError. */
  prep?: (ring: IoRing, req: Req, inLink: boolean) => number;
  /** Runs the request: its result, or PENDING. May throw SyscallError. */
  issue: (ring: IoRing, req: Req) => Issued;
  /** Accepts IOSQE_BUFFER_SELECT. */
  bufferSelect?: boolean;
  /** Accepts a non-zero ioprio. */
  ioprio?: boolean;
}

// ------------------------------------------------------------------ helpers

/** The request's file: a registered slot with IOSQE_FIXED_FILE, else the process's descriptor. */
function reqFile(ring: IoRing, req: Req): OpenFile {
  return fileAt(ring, req.t, req.fd, (req.flags & IOSQE_FIXED_FILE) !== 0);
}
function fileAt(ring: IoRing, t: Thread, fd: number, fixed: boolean): OpenFile {
  const f = fixed ? (ring.files && fd >= 0 && fd < ring.files.length ? ring.files[fd] : null) : t.process.fds.get(fd);
  if (!f) throw new SyscallError(EBADF);
  return f;
}

const readable = (f: OpenFile) => (f.flags & O_PATH) === 0 && (f.flags & O_ACCMODE) !== O_WRONLY;
const writable = (f: OpenFile) => (f.flags & O_PATH) === 0 && ((f.flags & O_ACCMODE) === O_WRONLY || (f.flags & O_ACCMODE) === O_RDWR);

/** Runs `fn` with O_NONBLOCK set on the description (the non-blocking first attempt). */
function nonblocking<T>(f: OpenFile, fn: () => T): T {
  const saved = f.flags;
  f.flags |= O_NONBLOCK;
  try {
    return fn();
  } finally {
    f.flags = (f.flags & ~O_NONBLOCK) | (saved & O_NONBLOCK);
  }
}

/**
 * Waits without a thread until `ready()` holds, re-checking after every wake-up of a pollable
 * object when the waking syscall returns; then runs `then` for the request. Cancellable.
 */
function waitReady(ring: IoRing, req: Req, ready: () => boolean, then: () => Issued): typeof PENDING {
  let cb: (() => void) | null = null;
  const check = () => {
    if (req.done || req.cancelled) return;
    if (!ready()) { arm(); return; }
    req.cancel = null;
    ring.runAsync(req, then);
  };
  const arm = () => {
    cb = () => { cb = null; ring.kernel.deferToReturn(check); };
    pollWakeup.add(cb);
  };
  req.cancel = () => { if (cb) pollWakeup.remove(cb); cb = null; };
  arm();
  return PENDING;
}

function timespecNs(t: Thread, p: number): bigint | number {
  const dv = new DataView(copyIn(t, p, 16).buffer);
  const sec = dv.getBigInt64(0, true), nsec = dv.getBigInt64(8, true);
  if (sec < 0n || nsec < 0n) return -EINVAL;
  return sec * 1_000_000_000n + nsec;
}

/** Reads a path argument at preparation time (getname): -EFAULT, -ENAMETOOLONG. */
function checkPath(req: Req, p: bigint): number {
  readString(req.t, ptr(p));
  return 0;
}

function hweight(v: number): number {
  let n = 0;
  for (; v; v &= v - 1) n++;
  return n;
}

// ------------------------------------------------------------------ reads and writes

const RWF_NOWAIT = 8, RWF_APPEND = 16, RWF_KNOWN = 0x1f;
const vectored = (op: number) => op === Op.READV || op === Op.WRITEV;
const isWrite = (op: number) => op === Op.WRITEV || op === Op.WRITE || op === Op.WRITE_FIXED;

function prepRw(_ring: IoRing, req: Req): number {
  const s = req.sqe;
  if (vectored(req.op)) {
    if (req.flags & IOSQE_BUFFER_SELECT) {
      if (s.len !== 1) return -EINVAL;
      const dv = new DataView(copyIn(req.t, ptr(s.addr), 16).buffer);
      req.iovs = [{ base: 0, len: Number(dv.getBigUint64(8, true)) }];
    } else req.iovs = readIovecs(req.t, ptr(s.addr), s.len);
  }
  return 0;
}

/** Takes the first buffer of the request's group (IOSQE_BUFFER_SELECT): -ENOBUFS when empty. */
function selectBuffer(ring: IoRing, req: Req, len: number): { base: number; len: number } | number {
  const group = ring.bufferGroups.get(req.sqe.bufIndex);
  if (!group || group.length === 0) return -ENOBUFS;
  const b = group.shift()!;
  req.buf = { group: req.sqe.bufIndex, bid: b.bid, addr: b.addr, len: b.len };
  return { base: b.addr, len: len === 0 || len > b.len ? b.len : len };
}
/** A failed or retried request gives its selected buffer back (io_kbuf_recycle). */
function recycleBuffer(ring: IoRing, req: Req): void {
  const b = req.buf;
  if (!b) return;
  req.buf = null;
  let group = ring.bufferGroups.get(b.group);
  if (!group) ring.bufferGroups.set(b.group, (group = []));
  group.unshift({ addr: b.addr, len: b.len, bid: b.bid });
}

function issueRw(ring: IoRing, req: Req): Issued {
  const s = req.sqe;
  const write = isWrite(req.op);
  const f = reqFile(ring, req);
  if (write ? !writable(f) : !readable(f)) return -EBADF;
  const rwFlags = s.opFlags;
  if (rwFlags & ~RWF_KNOWN) return -EOPNOTSUPP;
  let pos = soff(s.off);
  if (pos < -1) return -EINVAL;
  if (write && rwFlags & RWF_APPEND) {
    const st = f.stat();
    if (typeof st !== 'number' && f.inode?.kind === 'file') pos = st.size;
  }
  let vecs: { base: number; len: number }[];
  if (req.op === Op.READ_FIXED || req.op === Op.WRITE_FIXED) {
    const b = ring.buffers && s.bufIndex < ring.buffers.length ? ring.buffers[s.bufIndex] : null;
    const addr = ptr(s.addr);
    if (!b || addr < b.addr || addr + s.len > b.addr + b.len) return -EFAULT;
    vecs = [{ base: addr, len: s.len }];
  } else if (vectored(req.op)) vecs = req.iovs!;
  else vecs = [{ base: ptr(s.addr), len: s.len }];

  const attempt = (): Issued => {
    if (req.flags & IOSQE_BUFFER_SELECT) {
      const b = selectBuffer(ring, req, vecs[0].len);
      if (typeof b === 'number') return b;
      vecs = [b];
    }
    const total = vecs.reduce((n, v) => n + v.len, 0);
    let r = transfer(req.t, f, vecs, pos, write);
    if (r === -ESPIPE && pos >= 0) {
      // A stream (pipe, terminal): Linux ignores the offset (FMODE_STREAM).
      pos = -1;
      r = transfer(req.t, f, vecs, -1, write);
    }
    if (r === -EAGAIN && !(f.flags & O_NONBLOCK) && !(rwFlags & RWF_NOWAIT)) {
      recycleBuffer(ring, req);
      const want = write ? POLLOUT | POLLERR | POLLHUP : POLLIN | POLLERR | POLLHUP;
      return waitReady(ring, req, () => (f.poll() & want) !== 0, attempt);
    }
    if (r < 0) {
      recycleBuffer(ring, req);
      return r;
    }
    const flags = req.buf ? CQE_F_BUFFER | (req.buf.bid << CQE_BUFFER_SHIFT) : 0;
    req.buf = null;
    return { res: r, flags, fail: r !== total };
  };
  return attempt();
}

/**
 * One read or write over the buffers, like readv/preadv/writev/pwritev: positional at `pos`,
 * or at the file position when pos is -1 (tried without blocking: -EAGAIN if it would).
 */
function transfer(t: Thread, f: OpenFile, vecs: { base: number; len: number }[], pos: number, write: boolean): number {
  let done = 0;
  for (const v of vecs) {
    let r: number | Promise<number>;
    if (pos >= 0) r = write ? pwriteTo(t, f, v.base, v.len, pos + done) : preadFrom(t, f, v.base, v.len, pos + done);
    else r = nonblocking(f, () => (write ? writeTo(t, f, v.base, v.len) : readFrom(t, f, v.base, v.len)));
    if (r instanceof Promise) {
      // Only objects that ignore O_NONBLOCK get here; treat them as not ready.
      r.catch(() => undefined);
      r = -EAGAIN;
    }
    if (r < 0) return done > 0 ? done : r;
    done += r;
    if (r < v.len) break;
  }
  return done;
}

// ------------------------------------------------------------------ poll

function prepPollAdd(_ring: IoRing, req: Req): number {
  const s = req.sqe;
  if (s.bufIndex || s.off || s.addr) return -EINVAL;
  if (s.len & ~(POLL_ADD_MULTI | POLL_ADD_LEVEL)) return -EINVAL;
  req.pollEvents = (s.opFlags & 0xffff) | POLLERR | POLLHUP;
  req.multishot = (s.len & POLL_ADD_MULTI) !== 0;
  return 0;
}

function issuePollAdd(ring: IoRing, req: Req): Issued {
  const f = reqFile(ring, req);
  const mask = () => f.poll() & req.pollEvents!;
  const m = mask();
  if (!req.multishot) return m ? m : waitReady(ring, req, () => mask() !== 0, () => mask());
  // Multishot: a CQE (with IORING_CQE_F_MORE) each time the ready set changes to a non-empty one.
  req.lastMask = 0;
  let cb: (() => void) | null = null;
  const check = () => {
    if (req.done || req.cancelled) return;
    const now = mask();
    if (now && now !== req.lastMask) {
      ring.post(req.userData, now, CQE_F_MORE);
      ring.commit();
    }
    req.lastMask = now;
    arm();
  };
  const arm = () => {
    cb = () => { cb = null; ring.kernel.deferToReturn(check); };
    pollWakeup.add(cb);
  };
  req.cancel = () => { if (cb) pollWakeup.remove(cb); cb = null; };
  if (m) {
    ring.post(req.userData, m, CQE_F_MORE);
    req.lastMask = m;
  }
  arm();
  return PENDING;
}

function prepPollRemove(_ring: IoRing, req: Req): number {
  const s = req.sqe;
  if (s.bufIndex || s.fileIndex) return -EINVAL;
  if (s.len & ~(POLL_UPDATE_EVENTS | POLL_UPDATE_USER_DATA | POLL_ADD_MULTI)) return -EINVAL;
  if (s.len === POLL_ADD_MULTI) return -EINVAL;
  return 0;
}

function issuePollRemove(ring: IoRing, req: Req): Issued {
  const s = req.sqe;
  const target = [...ring.inflight].find((r) => r.op === Op.POLL_ADD && r.userData === s.addr && !r.cancelled);
  if (!target) return -ENOENT;
  if (!(s.len & (POLL_UPDATE_EVENTS | POLL_UPDATE_USER_DATA))) {
    ring.cancelReq(target);
    return 0;
  }
  if (s.len & POLL_UPDATE_EVENTS) {
    target.pollEvents = (s.opFlags & 0xffff) | POLLERR | POLLHUP;
    target.multishot = (s.len & POLL_ADD_MULTI) !== 0 || target.multishot;
  }
  if (s.len & POLL_UPDATE_USER_DATA) target.userData = s.off;
  pollWakeup.wake(); // re-check the updated poll
  return 0;
}

// ------------------------------------------------------------------ timeouts

/** io_timeout_prep (TIMEOUT and LINK_TIMEOUT). */
function prepTimeout(_ring: IoRing, req: Req, inLink: boolean): number {
  const s = req.sqe;
  const isLink = req.op === Op.LINK_TIMEOUT;
  if (s.bufIndex || s.len !== 1 || s.fileIndex) return -EINVAL;
  if (s.off && isLink) return -EINVAL;
  const flags = s.opFlags;
  if (flags & ~(TIMEOUT_ABS | TIMEOUT_CLOCK_MASK | TIMEOUT_ETIME_SUCCESS)) return -EINVAL;
  if (hweight(flags & TIMEOUT_CLOCK_MASK) > 1) return -EINVAL;
  const ns = timespecNs(req.t, ptr(s.addr));
  if (typeof ns === 'number') return ns;
  if (isLink && !inLink) return -EINVAL;
  req.timeoutNs = ns;
  req.timeoutFlags = flags;
  req.count = Number(s.off & 0xffffffffn);
  if (isLink && flags & TIMEOUT_ABS) req.timeoutNs = relative(req, ns, flags);
  return 0;
}

/** A timeout's expiry on CLOCK_MONOTONIC (ABS timeouts are on their clock: MONOTONIC, BOOTTIME or REALTIME). */
function deadlineOf(ring: IoRing, ns: bigint, flags: number): bigint {
  if (!(flags & TIMEOUT_ABS)) return ring.now() + ns;
  if (flags & TIMEOUT_REALTIME) return ring.now() + (ns - ring.kernel.config.realtimeNs());
  return ns;
}
function relative(req: Req, ns: bigint, flags: number): bigint {
  const d = deadlineOf(req.ring, ns, flags) - req.ring.now();
  return d > 0n ? d : 0n;
}

function armTimeout(ring: IoRing, req: Req): void {
  req.timer = ring.addTimer(deadlineOf(ring, req.timeoutNs!, req.timeoutFlags!), () => {
    const k = ring.timeouts.indexOf(req);
    if (k >= 0) ring.timeouts.splice(k, 1);
    req.timer = null;
    ring.timeoutsFired++;
    ring.complete(req, { res: -ETIME, fail: !(req.timeoutFlags! & TIMEOUT_ETIME_SUCCESS) });
  });
}

function issueTimeout(ring: IoRing, req: Req): Issued {
  req.startEvents = ring.cqEvents;
  ring.timeouts.push(req);
  armTimeout(ring, req);
  req.cancel = () => {
    ring.clearTimer(req.timer);
    const k = ring.timeouts.indexOf(req);
    if (k >= 0) ring.timeouts.splice(k, 1);
  };
  return PENDING;
}

function prepTimeoutRemove(_ring: IoRing, req: Req): number {
  const s = req.sqe;
  if (s.bufIndex || s.len || s.fileIndex) return -EINVAL;
  const flags = s.opFlags;
  if (flags & (TIMEOUT_UPDATE | LINK_TIMEOUT_UPDATE)) {
    if (hweight(flags & TIMEOUT_CLOCK_MASK) > 1) return -EINVAL;
    const ns = timespecNs(req.t, ptr(s.off));
    if (typeof ns === 'number') return ns;
    req.timeoutNs = ns;
  } else if (flags) return -EINVAL;
  req.timeoutFlags = flags;
  return 0;
}

function issueTimeoutRemove(ring: IoRing, req: Req): Issued {
  const s = req.sqe;
  const flags = req.timeoutFlags!;
  if (flags & LINK_TIMEOUT_UPDATE) return -ENOENT; // linked timeouts are not looked up by user_data
  const target = ring.timeouts.find((r) => r.userData === s.addr && !r.cancelled && !r.done);
  if (!target) return -ENOENT;
  if (flags & TIMEOUT_UPDATE) {
    ring.clearTimer(target.timer);
    target.timeoutNs = req.timeoutNs;
    target.timeoutFlags = (flags & (TIMEOUT_ABS | TIMEOUT_CLOCK_MASK)) | (target.timeoutFlags! & TIMEOUT_ETIME_SUCCESS);
    armTimeout(ring, target);
    return 0;
  }
  ring.cancelReq(target);
  return 0;
}

// ------------------------------------------------------------------ cancellation

function prepCancel(_ring: IoRing, req: Req): number {
  const s = req.sqe;
  if (s.off || s.fileIndex) return -EINVAL;
  const flags = s.opFlags;
  if (flags & ~(ASYNC_CANCEL_ALL | ASYNC_CANCEL_FD | ASYNC_CANCEL_ANY | ASYNC_CANCEL_FD_FIXED | ASYNC_CANCEL_USERDATA)) return -EINVAL;
  if (flags & ASYNC_CANCEL_FD && flags & ASYNC_CANCEL_ANY) return -EINVAL;
  if (s.len) return -EINVAL;
  return 0;
}

function issueCancel(ring: IoRing, req: Req): Issued {
  const s = req.sqe;
  const flags = s.opFlags;
  const byFd = (flags & ASYNC_CANCEL_FD) !== 0;
  const match = (r: Req): boolean => {
    if (r === req || r.done || r.cancelled) return false;
    if (flags & ASYNC_CANCEL_ANY) return true;
    if (byFd) {
      const fixed = (flags & ASYNC_CANCEL_FD_FIXED) !== 0;
      if (((r.flags & IOSQE_FIXED_FILE) !== 0) !== fixed || r.fd !== s.fd) return false;
      return !(flags & ASYNC_CANCEL_USERDATA) || r.userData === s.addr;
    }
    return r.userData === s.addr;
  };
  const found = [...ring.inflight].filter(match);
  if (found.length === 0) return -ENOENT;
  if (!(flags & (ASYNC_CANCEL_ALL | ASYNC_CANCEL_ANY))) {
    ring.cancelReq(found[0]);
    return 0;
  }
  for (const r of found) ring.cancelReq(r);
  return found.length;
}

// ------------------------------------------------------------------ files

function prepOpen(_ring: IoRing, req: Req): number {
  const s = req.sqe;
  if (s.bufIndex) return -EINVAL;
  if (req.flags & IOSQE_FIXED_FILE) return -EBADF;
  checkPath(req, s.addr);
  if (req.op === Op.OPENAT2) {
    if (s.len < 24) return -EINVAL;
    if (s.len > 4096) return -E2BIG;
    const how = copyIn(req.t, ptr(s.off), s.len);
    for (let k = 24; k < s.len; k++) if (how[k] !== 0) return -E2BIG;
    if (s.fileIndex && new DataView(how.buffer).getBigUint64(0, true) & BigInt(O_CLOEXEC)) return -EINVAL;
  } else if (s.fileIndex && s.opFlags & O_CLOEXEC) return -EINVAL;
  return 0;
}

function issueOpen(ring: IoRing, req: Req): Issued {
  const s = req.sqe;
  const fd = req.op === Op.OPENAT2
    ? doOpenat2(req.t, req.fd, ptr(s.addr), ptr(s.off), s.len)
    : doOpen(req.t, req.fd, ptr(s.addr), s.opFlags, s.len & 0o7777);
  if (fd < 0 || !s.fileIndex) return fd;
  // A direct descriptor: the new file goes to the registered table instead.
  const fds = req.t.process.fds;
  const f = fds.get(fd)!;
  f.refs++;
  fds.close(fd);
  const r = installFixed(ring, f, s.fileIndex);
  if (r < 0) dropRef(f);
  return r;
}

/** Puts a file in the registered table at file_index - 1, or the first free slot (FILE_INDEX_ALLOC). */
export function installFixed(ring: IoRing, f: OpenFile, fileIndex: number): number {
  const tbl = ring.files;
  if (!tbl) return -ENXIO;
  if (fileIndex === FILE_INDEX_ALLOC) {
    const k = tbl.indexOf(null);
    if (k < 0) return -ENOBUFS;
    tbl[k] = f;
    return k;
  }
  const slot = fileIndex - 1;
  if (slot >= tbl.length) return -EINVAL;
  const old = tbl[slot];
  tbl[slot] = f;
  if (old) dropRef(old);
  return 0;
}

function prepClose(_ring: IoRing, req: Req): number {
  const s = req.sqe;
  if (s.off || s.addr || s.len || s.opFlags || s.bufIndex) return -EINVAL;
  if (req.flags & IOSQE_FIXED_FILE) return -EBADF;
  if (s.fileIndex && s.fd) return -EINVAL;
  return 0;
}

function issueClose(ring: IoRing, req: Req): Issued {
  const s = req.sqe;
  if (s.fileIndex) {
    const tbl = ring.files;
    if (!tbl) return -ENXIO;
    const slot = s.fileIndex - 1;
    if (slot >= tbl.length) return -EINVAL;
    const f = tbl[slot];
    if (!f) return -EBADF;
    tbl[slot] = null;
    dropRef(f);
    return 0;
  }
  const fds = req.t.process.fds;
  const f = fds.get(s.fd);
  if (!f || f instanceof IoRing) return -EBADF;
  return fds.close(s.fd);
}

function prepPathOp(req: Req, bad: boolean, paths: bigint[]): number {
  if (bad || req.sqe.bufIndex || req.sqe.fileIndex) return -EINVAL;
  if (req.flags & IOSQE_FIXED_FILE) return -EBADF;
  for (const p of paths) checkPath(req, p);
  return 0;
}

// ------------------------------------------------------------------ splice and tee

function prepSplice(_ring: IoRing, req: Req): number {
  const s = req.sqe;
  if (s.opFlags & ~(SPLICE_F_ALL | SPLICE_F_FD_IN_FIXED)) return -EINVAL;
  if (req.op === Op.TEE && (s.addr || s.off)) return -EINVAL;
  return 0;
}

/** do_splice / do_tee between a pipe and a file or two pipes; waits for data or room like the blocking calls. */
function issueSplice(ring: IoRing, req: Req): Issued {
  const s = req.sqe;
  const fout = reqFile(ring, req);
  const fin = fileAt(ring, req.t, s.fileIndex | 0, (s.opFlags & SPLICE_F_FD_IN_FIXED) !== 0);
  const tee = req.op === Op.TEE;
  if (!readable(fin) || !writable(fout)) return -EBADF;
  const ip = fin instanceof PipeEnd ? fin : null, op = fout instanceof PipeEnd ? fout : null;
  const offIn = tee ? -1 : soff(s.addr), offOut = tee ? -1 : soff(s.off);
  if (tee) {
    if (!ip || !op || ip.pipe === op.pipe) return -EINVAL;
  } else if (ip && op) {
    if (offIn !== -1 || offOut !== -1) return -ESPIPE;
    if (ip.pipe === op.pipe) return -EINVAL;
  } else if (ip) {
    if (offIn !== -1) return -ESPIPE;
    if (fout.flags & O_APPEND) return -EINVAL;
  } else if (op) {
    if (offOut !== -1) return -ESPIPE;
  } else return -EINVAL;
  if (s.len === 0) return 0;
  const nonblock = (s.opFlags & SPLICE_F_NONBLOCK) !== 0;
  const attempt = (): Issued => {
    // Wait for input in a pipe, and for room in an output pipe.
    if (ip && ip.pipe.size === 0) {
      if (ip.pipe.writers === 0) return 0;
      if (nonblock) return -EAGAIN;
      return waitReady(ring, req, () => ip.pipe.size > 0 || ip.pipe.writers === 0, attempt);
    }
    if (op && PIPE_CAPACITY - op.pipe.size === 0) {
      if (op.pipe.readers === 0) return -EPIPE;
      if (nonblock) return -EAGAIN;
      return waitReady(ring, req, () => PIPE_CAPACITY - op.pipe.size > 0 || op.pipe.readers === 0, attempt);
    }
    if (op && op.pipe.readers === 0) return -EPIPE;
    let n = s.len;
    if (ip) n = Math.min(n, ip.pipe.size);
    if (op) n = Math.min(n, PIPE_CAPACITY - op.pipe.size);
    let data: Uint8Array | number;
    if (tee) data = ip!.pipe.peek(n);
    else if (ip) data = ip.pipe.take(n);
    else data = offIn >= 0 ? fin.pread(n, offIn) : nonblocking(fin, () => fin.read(req.t, n) as Uint8Array | number);
    if (typeof data === 'number') return data;
    if (data.length === 0) return 0;
    if (op) {
      op.pipe.push(data);
      return data.length;
    }
    const w = offOut >= 0 ? fout.pwrite(data, offOut) : fout.write(req.t, data);
    return typeof w === 'number' ? w : -EAGAIN;
  };
  return attempt();
}

// ------------------------------------------------------------------ provided buffers

const MAX_BIDS_PER_BGID = 1 << 16;

function prepProvide(_ring: IoRing, req: Req): number {
  const s = req.sqe;
  if (s.opFlags || s.fileIndex) return -EINVAL;
  const nbufs = s.fd >>> 0;
  if (!nbufs || nbufs > MAX_BIDS_PER_BGID) return -E2BIG;
  const size = s.len * nbufs;
  const addr = ptr(s.addr);
  if (addr + size > 2 ** 47) return -EFAULT; // access_ok
  const bid = Number(s.off);
  if (bid > 0xffff) return -E2BIG;
  if (bid + nbufs > MAX_BIDS_PER_BGID) return -EINVAL;
  return 0;
}

function issueProvide(ring: IoRing, req: Req): Issued {
  const s = req.sqe;
  let group = ring.bufferGroups.get(s.bufIndex);
  if (!group) ring.bufferGroups.set(s.bufIndex, (group = []));
  const addr = ptr(s.addr), bid = Number(s.off);
  for (let k = 0; k < s.fd >>> 0; k++) group.push({ addr: addr + k * s.len, len: s.len, bid: (bid + k) & 0xffff });
  return 0;
}

function prepRemoveBuffers(_ring: IoRing, req: Req): number {
  const s = req.sqe;
  if (s.opFlags || s.addr || s.len || s.off || s.fileIndex) return -EINVAL;
  const n = s.fd >>> 0;
  if (!n || n > MAX_BIDS_PER_BGID) return -EINVAL;
  return 0;
}

function issueRemoveBuffers(ring: IoRing, req: Req): Issued {
  const group = ring.bufferGroups.get(req.sqe.bufIndex);
  if (!group) return -ENOENT;
  return group.splice(0, req.sqe.fd >>> 0).length;
}

// ------------------------------------------------------------------ msg_ring

function prepMsgRing(_ring: IoRing, req: Req): number {
  const s = req.sqe;
  if (s.bufIndex) return -EINVAL;
  if (s.opFlags & ~(MSG_RING_CQE_SKIP | MSG_RING_FLAGS_PASS)) return -EINVAL;
  return 0;
}

/** io_msg_ring: posts a CQE on another ring (MSG_DATA) or passes a registered file (MSG_SEND_FD). */
function issueMsgRing(ring: IoRing, req: Req): Issued {
  const s = req.sqe;
  const f = reqFile(ring, req);
  if (!(f instanceof IoRing)) return -EBADFD;
  const target = f;
  if (target.disabled) return -EBADFD;
  if (target !== ring) target.checkMaps();
  const flags = s.opFlags;
  switch (Number(s.addr)) {
    case MSG_DATA:
      if (s.addr3 || flags & ~MSG_RING_FLAGS_PASS) return -EINVAL;
      if (!(flags & MSG_RING_FLAGS_PASS) && s.fileIndex) return -EINVAL;
      target.post(s.off, s.len | 0, flags & MSG_RING_FLAGS_PASS ? s.fileIndex : 0);
      break;
    case MSG_SEND_FD: {
      if (s.len || target === ring) return -EINVAL;
      const src = Number(s.addr3);
      const file = ring.files && src < ring.files.length ? ring.files[src] : null;
      if (!file) return -EBADF;
      file.refs++;
      const r = installFixed(target, file, s.fileIndex);
      if (r < 0) { dropRef(file); return r; }
      if (!(flags & MSG_RING_CQE_SKIP)) target.post(s.off, s.len | 0, 0);
      break;
    }
    default:
      return -EINVAL;
  }
  if (target !== ring) target.commit();
  return 0;
}

// ------------------------------------------------------------------ the table

const rw: OpDef = { prep: prepRw, issue: issueRw, ioprio: true };
const rwSelect: OpDef = { ...rw, bufferSelect: true };
const timeout: OpDef = { prep: prepTimeout, issue: issueTimeout };

/** Supported opcodes (what IORING_REGISTER_PROBE reports); the rest complete with -EINVAL. */
export const OPS: (OpDef | undefined)[] = new Array<OpDef | undefined>(OP_LAST).fill(undefined);
OPS[Op.NOP] = {
  prep: (_r, req) => (req.sqe.opFlags & ~1 ? -EINVAL : 0), // IORING_NOP_INJECT_RESULT
  issue: (_r, req) => (req.sqe.opFlags & 1 ? req.sqe.len | 0 : 0),
};
OPS[Op.READV] = rwSelect;
OPS[Op.WRITEV] = rw;
OPS[Op.READ] = rwSelect;
OPS[Op.WRITE] = rw;
OPS[Op.READ_FIXED] = rw;
OPS[Op.WRITE_FIXED] = rw;
OPS[Op.FSYNC] = {
  prep: (_r, req) => (req.sqe.addr || req.sqe.bufIndex || req.sqe.fileIndex || req.sqe.opFlags & ~FSYNC_DATASYNC ? -EINVAL : 0),
  issue: (ring, req) => reqFile(ring, req).sync(),
};
OPS[Op.SYNC_FILE_RANGE] = {
  prep: (_r, req) => (req.sqe.addr || req.sqe.bufIndex || req.sqe.fileIndex ? -EINVAL : 0),
  issue: (ring, req) => doSyncFileRange(reqFile(ring, req), soff(req.sqe.off), req.sqe.len, req.sqe.opFlags),
};
OPS[Op.POLL_ADD] = { prep: prepPollAdd, issue: issuePollAdd };
OPS[Op.POLL_REMOVE] = { prep: prepPollRemove, issue: issuePollRemove };
OPS[Op.TIMEOUT] = timeout;
OPS[Op.LINK_TIMEOUT] = { prep: prepTimeout, issue: () => -EALREADY /* armed by the request it guards, never run */ };
OPS[Op.TIMEOUT_REMOVE] = { prep: prepTimeoutRemove, issue: issueTimeoutRemove };
OPS[Op.ASYNC_CANCEL] = { prep: prepCancel, issue: issueCancel };
OPS[Op.FALLOCATE] = {
  prep: (_r, req) => (req.sqe.bufIndex || req.sqe.opFlags || req.sqe.fileIndex ? -EINVAL : 0),
  issue: (ring, req) => {
    const f = reqFile(ring, req);
    if (!writable(f)) return -EBADF;
    return doFallocate(f, req.sqe.len | 0, soff(req.sqe.off), soff(req.sqe.addr));
  },
};
OPS[Op.OPENAT] = { prep: prepOpen, issue: issueOpen };
OPS[Op.OPENAT2] = { prep: prepOpen, issue: issueOpen };
OPS[Op.CLOSE] = { prep: prepClose, issue: issueClose };
OPS[Op.STATX] = {
  prep: (_r, req) => prepPathOp(req, false, [req.sqe.addr]),
  issue: (_r, req) => doStatx(req.t, req.fd, ptr(req.sqe.addr), req.sqe.opFlags, req.sqe.len, ptr(req.sqe.off)),
};
OPS[Op.FADVISE] = {
  prep: (_r, req) => (req.sqe.bufIndex || req.sqe.addr || req.sqe.fileIndex ? -EINVAL : 0),
  issue: (ring, req) => doFadvise(reqFile(ring, req), soff(req.sqe.off), req.sqe.len, req.sqe.opFlags | 0),
};
OPS[Op.MADVISE] = {
  prep: (_r, req) => (req.sqe.bufIndex || req.sqe.off || req.sqe.fileIndex ? -EINVAL : 0),
  issue: (_r, req) => doMadvise(req.t, ptr(req.sqe.addr), req.sqe.len, req.sqe.opFlags | 0),
};
OPS[Op.SPLICE] = { prep: prepSplice, issue: issueSplice };
OPS[Op.TEE] = { prep: prepSplice, issue: issueSplice };
OPS[Op.PROVIDE_BUFFERS] = { prep: prepProvide, issue: issueProvide };
OPS[Op.REMOVE_BUFFERS] = { prep: prepRemoveBuffers, issue: issueRemoveBuffers };
OPS[Op.SHUTDOWN] = {
  prep: (_r, req) => (req.sqe.off || req.sqe.addr || req.sqe.opFlags || req.sqe.bufIndex || req.sqe.fileIndex || req.sqe.addr3 ? -EINVAL : 0),
  issue: (ring, req) => { reqFile(ring, req); return -ENOTSOCK; }, // x64run has no sockets
};
OPS[Op.RENAMEAT] = {
  prep: (_r, req) => prepPathOp(req, false, [req.sqe.addr, req.sqe.off]),
  issue: (_r, req) => doRename(req.t, req.fd, ptr(req.sqe.addr), req.sqe.len | 0, ptr(req.sqe.off), req.sqe.opFlags),
};
OPS[Op.UNLINKAT] = {
  prep: (_r, req) => (req.sqe.opFlags & ~AT_REMOVEDIR ? -EINVAL : prepPathOp(req, req.sqe.off !== 0n || req.sqe.len !== 0, [req.sqe.addr])),
  issue: (_r, req) => (req.sqe.opFlags & AT_REMOVEDIR ? doRmdir : doUnlink)(req.t, req.fd, ptr(req.sqe.addr)),
};
OPS[Op.MKDIRAT] = {
  prep: (_r, req) => prepPathOp(req, req.sqe.off !== 0n || req.sqe.opFlags !== 0, [req.sqe.addr]),
  issue: (_r, req) => doMkdir(req.t, req.fd, ptr(req.sqe.addr), req.sqe.len),
};
OPS[Op.SYMLINKAT] = {
  prep: (_r, req) => prepPathOp(req, req.sqe.len !== 0 || req.sqe.opFlags !== 0, [req.sqe.addr, req.sqe.off]),
  issue: (_r, req) => doSymlink(req.t, ptr(req.sqe.addr), req.fd, ptr(req.sqe.off)),
};
OPS[Op.LINKAT] = {
  prep: (_r, req) => prepPathOp(req, false, [req.sqe.addr, req.sqe.off]),
  issue: (_r, req) => doLink(req.t, req.fd, ptr(req.sqe.addr), req.sqe.len | 0, ptr(req.sqe.off), req.sqe.opFlags),
};
OPS[Op.MSG_RING] = { prep: prepMsgRing, issue: issueMsgRing };

export type { OpResult };
