/**
 * io_uring_register(2) (427): registered buffers and files, the eventfd, the opcode probe,
 * registered ring descriptors, restrictions and enabling a ring created with
 * IORING_SETUP_R_DISABLED (io_uring/register.c, rsrc.c, tctx.c). The checks and their order
 * follow Linux; corpus/src/uring-malformed.c and uring-ops.c pin the errors natively.
 */
import { sys, a, SyscallError } from '../syscall-table.js';
import type { Thread } from '../thread.js';
import type { OpenFile } from '../file.js';
import { copyIn, copyOut, read32 } from '../guest-mem.js';
import { IoRing, dropRef } from './ring.js';
import { ringOf, registeredRings } from './syscalls.js';
import { OPS } from './ops.js';
import { EventFd } from '../syscalls/pipe.js';
import { EINVAL, EFAULT, EBUSY, ENXIO, EBADF, EMFILE, EBADFD, EACCES, EOPNOTSUPP, EEXIST } from '../errno.js';
import { PROT_WRITE, PAGE_SHIFT, WINDOW_SIZE } from '../../memory/memory.js';
import {
  REG_BUFFERS, UNREG_BUFFERS, REG_FILES, UNREG_FILES, REG_EVENTFD, UNREG_EVENTFD, REG_FILES_UPDATE, REG_EVENTFD_ASYNC,
  REG_PROBE, REG_RESTRICTIONS, REG_ENABLE_RINGS, REG_FILES2, REG_FILES_UPDATE2, REG_BUFFERS2, REG_RING_FDS, UNREG_RING_FDS,
  REG_USE_REGISTERED_RING, REGISTER_NAMES, SETUP_SINGLE_ISSUER, RINGFD_REG_MAX, MAX_REG_BUFFERS, MAX_REG_BUFFER_LEN, MAX_FIXED_FILES,
  RESTRICTION_REGISTER_OP, RESTRICTION_SQE_OP, RESTRICTION_SQE_FLAGS_ALLOWED, RESTRICTION_SQE_FLAGS_REQUIRED, RESTRICTION_SIZE,
  RSRC_UPDATE_SIZE, PROBE_HEADER, PROBE_OP_SIZE, IO_URING_OP_SUPPORTED, OP_LAST, REGISTER_FILES_SKIP, ptr,
} from './abi.js';

/** IORING_REGISTER_LAST of the uapi header followed (Linux 6.1): restriction register_op bound. */
const REGISTER_LAST = 26;
/** IORING_RSRC_REGISTER_SPARSE (struct io_uring_rsrc_register flags). */
const RSRC_REGISTER_SPARSE = 1;

// ------------------------------------------------------------------ buffers

/** Registered buffers must be mapped writable (Linux pins them with FOLL_WRITE | FOLL_LONGTERM). */
function pinnable(t: Thread, addr: number, len: number): boolean {
  if (addr + len > WINDOW_SIZE) return false;
  const prot = t.process.as.mem.prot;
  for (let p = addr >>> PAGE_SHIFT; p <= (addr + len - 1) >>> PAGE_SHIFT; p++) if (!(prot[p] & PROT_WRITE)) return false;
  return true;
}

function registerBuffers(t: Thread, ring: IoRing, iovs: { base: number; len: number }[]): number {
  const out: ({ addr: number; len: number } | null)[] = [];
  for (const v of iovs) {
    if (!v.base) {
      if (v.len) return -EFAULT;
      out.push(null);
      continue;
    }
    if (!v.len || v.len > MAX_REG_BUFFER_LEN) return -EFAULT;
    if (!pinnable(t, v.base, v.len)) return -EFAULT;
    out.push({ addr: v.base, len: v.len });
  }
  ring.buffers = out;
  return 0;
}

function readIovecArray(t: Thread, p: number, n: number): { base: number; len: number }[] {
  const dv = new DataView(copyIn(t, p, 16 * n).buffer);
  const out = [];
  for (let k = 0; k < n; k++) out.push({ base: ptr(dv.getBigUint64(16 * k, true)), len: Number(dv.getBigUint64(16 * k + 8, true)) });
  return out;
}

// ------------------------------------------------------------------ files

/** A descriptor that may be registered: it exists and is not a ring. */
function registrable(t: Thread, fd: number): OpenFile {
  const f = t.process.fds.get(fd);
  if (!f || f instanceof IoRing) throw new SyscallError(EBADF);
  return f;
}

function registerFiles(t: Thread, ring: IoRing, fdsPtr: number, n: number, sparse: boolean): number {
  if (ring.files) return -EBUSY;
  if (!n) return -EINVAL;
  if (n > MAX_FIXED_FILES || n > t.process.fds.limit) return -EMFILE;
  const tbl: (OpenFile | null)[] = [];
  try {
    const dv = sparse ? null : new DataView(copyIn(t, fdsPtr, 4 * n).buffer);
    for (let k = 0; k < n; k++) {
      const fd = dv ? dv.getInt32(4 * k, true) : -1;
      if (fd === -1 || fd === REGISTER_FILES_SKIP) { tbl.push(null); continue; }
      const f = registrable(t, fd);
      f.refs++;
      tbl.push(f);
    }
  } catch (e) {
    for (const f of tbl) if (f) dropRef(f);
    throw e;
  }
  ring.files = tbl;
  return 0;
}

/** Updates slots [offset, offset+n) from an fd array: -1 clears, REGISTER_FILES_SKIP keeps. Returns how many were done. */
function updateFiles(t: Thread, ring: IoRing, offset: number, fdsPtr: number, n: number): number {
  const tbl = ring.files;
  if (!tbl) return -ENXIO;
  if (!n) return -EINVAL;
  if (offset + n > tbl.length) return -EINVAL;
  let done = 0, err = 0;
  for (; done < n; done++) {
    let fd: number;
    try {
      fd = read32(t, fdsPtr + 4 * done);
    } catch {
      err = -EFAULT;
      break;
    }
    if (fd === REGISTER_FILES_SKIP) continue;
    const f = fd === -1 ? null : t.process.fds.get(fd);
    if (fd !== -1 && (!f || f instanceof IoRing)) { err = -EBADF; break; }
    const old = tbl[offset + done];
    if (f) f.refs++;
    tbl[offset + done] = f ?? null;
    if (old) dropRef(old);
  }
  return done ? done : err;
}

// ------------------------------------------------------------------ probe, restrictions, ring fds

function probe(t: Thread, p: number, n: number): number {
  const size = PROBE_HEADER + PROBE_OP_SIZE * n;
  const b = copyIn(t, p, size);
  if (b.some((x) => x !== 0)) return -EINVAL;
  b[0] = OP_LAST - 1;
  const count = Math.min(n, OP_LAST);
  for (let k = 0; k < count; k++) {
    b[PROBE_HEADER + PROBE_OP_SIZE * k] = k;
    if (OPS[k]) b[PROBE_HEADER + PROBE_OP_SIZE * k + 2] = IO_URING_OP_SUPPORTED;
  }
  b[1] = count;
  copyOut(t, p, b);
  return 0;
}

function restrict(t: Thread, ring: IoRing, p: number, n: number): number {
  if (!ring.disabled) return -EBADFD;
  if (ring.restrictions) return -EBUSY;
  const dv = new DataView(copyIn(t, p, RESTRICTION_SIZE * n).buffer);
  const r = { registerOps: new Set<number>(), sqeOps: new Set<number>(), flagsAllowed: 0, flagsRequired: 0 };
  for (let k = 0; k < n; k++) {
    const o = RESTRICTION_SIZE * k;
    const kind = dv.getUint16(o, true), v = dv.getUint8(o + 2);
    switch (kind) {
      case RESTRICTION_REGISTER_OP: if (v >= REGISTER_LAST) return -EINVAL; r.registerOps.add(v); break;
      case RESTRICTION_SQE_OP: if (v >= OP_LAST) return -EINVAL; r.sqeOps.add(v); break;
      case RESTRICTION_SQE_FLAGS_ALLOWED: r.flagsAllowed = v; break;
      case RESTRICTION_SQE_FLAGS_REQUIRED: r.flagsRequired = v; break;
      default: return -EINVAL;
    }
  }
  ring.restrictions = r;
  return 0;
}

/** IORING_REGISTER_RING_FDS: {u32 offset (-1: any free slot), u32 resv, u64 data = ring fd}[]; returns how many. */
function registerRingFds(t: Thread, p: number, n: number): number {
  if (n > RINGFD_REG_MAX) return -EINVAL;
  const slots = registeredRings(t);
  let k = 0, err = 0;
  for (; k < n; k++) {
    const at = p + RSRC_UPDATE_SIZE * k;
    let dv: DataView;
    try { dv = new DataView(copyIn(t, at, RSRC_UPDATE_SIZE).buffer); } catch { err = -EFAULT; break; }
    if (dv.getUint32(4, true)) { err = -EINVAL; break; }
    const off = dv.getUint32(0, true);
    let start = 0, end = RINGFD_REG_MAX;
    if (off !== 0xffffffff) {
      if (off >= RINGFD_REG_MAX) { err = -EINVAL; break; }
      start = off;
      end = off + 1;
    }
    let slot = -1;
    for (let s = start; s < end; s++) if (!slots[s]) { slot = s; break; }
    if (slot < 0) { err = -EBUSY; break; }
    const f = t.process.fds.get(Number(dv.getBigUint64(8, true)));
    if (!f) { err = -EBADF; break; }
    if (!(f instanceof IoRing)) { err = -EOPNOTSUPP; break; }
    f.refs++;
    slots[slot] = f;
    dv.setUint32(0, slot, true);
    try {
      copyOut(t, at, new Uint8Array(dv.buffer));
    } catch {
      slots[slot] = null;
      dropRef(f);
      err = -EFAULT;
      break;
    }
  }
  return k ? k : err;
}

function unregisterRingFds(t: Thread, p: number, n: number): number {
  if (n > RINGFD_REG_MAX) return -EINVAL;
  const slots = registeredRings(t);
  let k = 0, err = 0;
  for (; k < n; k++) {
    let dv: DataView;
    try { dv = new DataView(copyIn(t, p + RSRC_UPDATE_SIZE * k, RSRC_UPDATE_SIZE).buffer); } catch { err = -EFAULT; break; }
    const off = dv.getUint32(0, true);
    if (dv.getUint32(4, true) || dv.getBigUint64(8, true) || off >= RINGFD_REG_MAX) { err = -EINVAL; break; }
    const r = slots[off];
    if (r) { slots[off] = null; dropRef(r); }
  }
  return k ? k : err;
}

// ------------------------------------------------------------------ the syscall

function doRegister(t: Thread, fd: number, opcode: number, arg: number, nr: number): number {
  const ring = ringOf(t, fd, (opcode & REG_USE_REGISTERED_RING) !== 0);
  const op = opcode & ~REG_USE_REGISTERED_RING;
  if (ring.submitter && ring.submitter !== t) return -EEXIST; // IORING_SETUP_SINGLE_ISSUER
  if (ring.restricted && !ring.restrictions!.registerOps.has(op)) return -EACCES;
  switch (op) {
    case REG_BUFFERS: {
      if (!arg) return -EFAULT;
      if (ring.buffers) return -EBUSY;
      if (!nr || nr > MAX_REG_BUFFERS) return -EINVAL;
      return registerBuffers(t, ring, readIovecArray(t, arg, nr));
    }
    case REG_BUFFERS2: {
      // struct io_uring_rsrc_register {u32 nr, u32 flags, u64 resv2, u64 data, u64 tags} (tags ignored).
      if (nr !== 32) return -EINVAL;
      const dv = new DataView(copyIn(t, arg, 32).buffer);
      const n = dv.getUint32(0, true), flags = dv.getUint32(4, true);
      if (ring.buffers) return -EBUSY;
      if (flags & ~RSRC_REGISTER_SPARSE || dv.getBigUint64(8, true)) return -EINVAL;
      if (!n || n > MAX_REG_BUFFERS) return -EINVAL;
      if (flags & RSRC_REGISTER_SPARSE) { ring.buffers = new Array(n).fill(null); return 0; }
      return registerBuffers(t, ring, readIovecArray(t, ptr(dv.getBigUint64(16, true)), n));
    }
    case UNREG_BUFFERS:
      if (arg || nr) return -EINVAL;
      if (!ring.buffers) return -ENXIO;
      ring.buffers = null;
      return 0;
    case REG_FILES:
      if (!arg) return -EFAULT;
      return registerFiles(t, ring, arg, nr, false);
    case REG_FILES2: {
      if (nr !== 32) return -EINVAL;
      const dv = new DataView(copyIn(t, arg, 32).buffer);
      const n = dv.getUint32(0, true), flags = dv.getUint32(4, true);
      if (flags & ~RSRC_REGISTER_SPARSE || dv.getBigUint64(8, true)) return -EINVAL;
      return registerFiles(t, ring, ptr(dv.getBigUint64(16, true)), n, (flags & RSRC_REGISTER_SPARSE) !== 0);
    }
    case UNREG_FILES:
      if (arg || nr) return -EINVAL;
      if (!ring.files) return -ENXIO;
      for (const f of ring.files) if (f) dropRef(f);
      ring.files = null;
      return 0;
    case REG_FILES_UPDATE: {
      if (!ring.files) return -ENXIO;
      if (!nr) return -EINVAL;
      const dv = new DataView(copyIn(t, arg, RSRC_UPDATE_SIZE).buffer);
      if (dv.getUint32(4, true)) return -EINVAL;
      return updateFiles(t, ring, dv.getUint32(0, true), ptr(dv.getBigUint64(8, true)), nr);
    }
    case REG_FILES_UPDATE2: {
      // struct io_uring_rsrc_update2 {u32 offset, u32 resv, u64 data, u64 tags, u32 nr, u32 resv2}.
      if (nr !== 32) return -EINVAL;
      const dv = new DataView(copyIn(t, arg, 32).buffer);
      if (dv.getUint32(4, true) || dv.getUint32(28, true)) return -EINVAL;
      return updateFiles(t, ring, dv.getUint32(0, true), ptr(dv.getBigUint64(8, true)), dv.getUint32(24, true));
    }
    case REG_EVENTFD: case REG_EVENTFD_ASYNC: {
      if (nr !== 1) return -EINVAL;
      if (ring.eventfd) return -EBUSY;
      const efd = read32(t, arg);
      const f = t.process.fds.get(efd);
      if (!f) return -EBADF;
      if (!(f instanceof EventFd)) return -EINVAL;
      ring.eventfd = f;
      ring.eventfdAsync = op === REG_EVENTFD_ASYNC;
      return 0;
    }
    case UNREG_EVENTFD:
      if (arg || nr) return -EINVAL;
      if (!ring.eventfd) return -ENXIO;
      ring.eventfd = null;
      return 0;
    case REG_PROBE:
      if (!arg || nr > 256) return -EINVAL;
      return probe(t, arg, nr);
    case REG_RESTRICTIONS:
      return restrict(t, ring, arg, nr);
    case REG_ENABLE_RINGS:
      if (arg || nr) return -EINVAL;
      if (!ring.disabled) return -EBADFD;
      if (ring.restrictions) ring.restricted = true;
      ring.disabled = false;
      if (ring.setupFlags & SETUP_SINGLE_ISSUER && !ring.submitter) ring.submitter = t;
      return 0;
    case REG_RING_FDS:
      return registerRingFds(t, arg, nr);
    case UNREG_RING_FDS:
      return unregisterRingFds(t, arg, nr);
    default:
      if (REGISTER_NAMES[op]) t.process.kernel.warnOnce(`io_uring-register-${op}`, `x64run: io_uring_register ${REGISTER_NAMES[op]} is not supported (-EINVAL)`);
      return -EINVAL;
  }
}

/** strace-like decoding of the opcode and the common argument arrays. */
function registerTrace(t: Thread, args: readonly number[], exit: boolean, result: number): string | null {
  const [fd, opcode, arg, nr] = args;
  const op = opcode & ~REG_USE_REGISTERED_RING;
  const name = (REGISTER_NAMES[op] ?? String(op)) + (opcode & REG_USE_REGISTERED_RING ? '|IORING_REGISTER_USE_REGISTERED_RING' : '');
  const mem = t.process.as.mem;
  let argText = arg ? `0x${arg.toString(16)}` : 'NULL';
  try {
    const n = Math.min(nr, 32);
    if (arg && (op === REG_FILES || op === REG_EVENTFD || op === REG_EVENTFD_ASYNC)) {
      const dv = new DataView(mem.readBytes(arg, 4 * n).buffer);
      argText = `[${Array.from({ length: n }, (_, k) => dv.getInt32(4 * k, true)).join(', ')}${nr > n ? ', ...' : ''}]`;
    } else if (arg && op === REG_BUFFERS) {
      const dv = new DataView(mem.readBytes(arg, 16 * n).buffer);
      argText = `[${Array.from({ length: n }, (_, k) => `{iov_base=0x${dv.getBigUint64(16 * k, true).toString(16)}, iov_len=${dv.getBigUint64(16 * k + 8, true)}}`).join(', ')}${nr > n ? ', ...' : ''}]`;
    } else if (arg && (op === REG_RING_FDS || op === UNREG_RING_FDS) && (!exit || result >= 0)) {
      const dv = new DataView(mem.readBytes(arg, 16 * n).buffer);
      argText = `[${Array.from({ length: n }, (_, k) => `{offset=${dv.getInt32(16 * k, true)}, data=${dv.getBigUint64(16 * k + 8, true)}}`).join(', ')}]`;
    }
  } catch { /* unreadable: print the pointer */ }
  return `${fd}, ${name}, ${argText}, ${nr}`;
}

sys(427, 'io_uring_register', [a('fd', 'fd'), a('opcode', 'uint'), a('arg', 'ptr'), a('nr_args', 'uint')], doRegister,
  { trace: registerTrace, support: 'partial', note: 'no personalities, io-wq tuning, provided buffer rings or sync cancel' });
