/**
 * Descriptor I/O: read, write, readv, writev, close, lseek, fstat, ioctl, dup, dup2, dup3, fcntl.
 * Path-based calls are in fs-*.ts.
 */
import { sys, a, SyscallError } from '../syscall-table.js';
import type { Thread } from '../thread.js';
import { EBADF, EINVAL, EPERM } from '../errno.js';
import { copyIn, copyOut } from '../guest-mem.js';
import { encodeStat } from '../layouts.js';
import { IOCTL_NAMES, SEEK_NAMES, O_CLOEXEC, O_PATH } from './flags.js';
import type { OpenFile } from '../file.js';
import { F_RDLCK, F_WRLCK, F_UNLCK, type RangeLock } from '../locks.js';
import { MemInode } from '../vfs/memfs.js';
import { FIOCLEX, FIONCLEX, FIONBIO } from '../stdio.js';

/** Upper bound on one read/write transfer (Linux MAX_RW_COUNT = INT_MAX & PAGE_MASK). */
const MAX_RW = 0x7ffff000;
const IOV_MAX = 1024;

export function fileOf(t: Thread, fd: number) {
  const f = t.process.fds.get(fd);
  if (!f) throw new SyscallError(EBADF);
  return f;
}

/** read(2) */
function doRead(t: Thread, fd: number, buf: number, count: number): number | Promise<number> {
  return readFrom(t, fileOf(t, fd), buf, count);
}

/** The body of read(2) on an open file description (also io_uring's READ on registered files). */
export function readFrom(t: Thread, f: OpenFile, buf: number, count: number): number | Promise<number> {
  if ((f.flags & 3) === 1) return -EBADF; // O_WRONLY
  const r = f.read(t, Math.min(count, MAX_RW));
  const deliver = (res: Uint8Array | number): number => {
    if (typeof res === 'number') return res;
    copyOut(t, buf, res);
    return res.length;
  };
  return r instanceof Promise ? r.then(deliver) : deliver(r);
}

/** write(2) */
function doWrite(t: Thread, fd: number, buf: number, count: number): number | Promise<number> {
  return writeTo(t, fileOf(t, fd), buf, count, fd);
}

/** The body of write(2) on an open file description; `fd` is -1 when there is none (io_uring fixed files). */
export function writeTo(t: Thread, f: OpenFile, buf: number, count: number, fd = -1): number | Promise<number> {
  if ((f.flags & 3) === 0 && !(fd >= 0 && fd <= 2)) return -EBADF; // O_RDONLY (stdio streams are opened read-write)
  const data = copyIn(t, buf, Math.min(count, MAX_RW));
  return f.write(t, data);
}

export function readIovecs(t: Thread, iov: number, cnt: number): { base: number; len: number }[] {
  if (cnt < 0 || cnt > IOV_MAX) throw new SyscallError(EINVAL);
  const raw = copyIn(t, iov, cnt * 16);
  const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const out = [];
  for (let k = 0; k < cnt; k++) {
    const base = Number(dv.getBigUint64(k * 16, true));
    const len = Number(dv.getBigUint64(k * 16 + 8, true));
    if (len > MAX_RW) throw new SyscallError(EINVAL);
    out.push({ base, len });
  }
  return out;
}

function doWritev(t: Thread, fd: number, iov: number, cnt: number): number | Promise<number> {
  const f = fileOf(t, fd);
  const vecs = readIovecs(t, iov, cnt);
  const parts = vecs.map((v) => copyIn(t, v.base, v.len));
  const data = Buffer.concat(parts);
  return f.write(t, data);
}

async function readvAsync(t: Thread, fd: number, vecs: { base: number; len: number }[]): Promise<number> {
  let total = 0;
  for (const v of vecs) {
    if (v.len === 0) continue;
    let r = doRead(t, fd, v.base, v.len);
    if (r instanceof Promise) r = await r;
    if (r < 0) return total > 0 ? total : r;
    total += r;
    if (r < v.len) break;
  }
  return total;
}

function doReadv(t: Thread, fd: number, iov: number, cnt: number): number | Promise<number> {
  fileOf(t, fd);
  return readvAsync(t, fd, readIovecs(t, iov, cnt));
}

sys(0, 'read', [a('fd', 'fd'), a('buf', 'buf', { dir: 'out' }), a('count', 'size')], doRead, { blocking: true });
sys(1, 'write', [a('fd', 'fd'), a('buf', 'buf', { dir: 'in' }), a('count', 'size')], doWrite, { blocking: true });
sys(19, 'readv', [a('fd', 'fd'), a('iov', 'struct', { struct: 'iovec', dir: 'out' }), a('iovcnt', 'int')], doReadv, { blocking: true });
sys(20, 'writev', [a('fd', 'fd'), a('iov', 'struct', { struct: 'iovec', dir: 'in' }), a('iovcnt', 'int')], doWritev, { blocking: true });

sys(3, 'close', [a('fd', 'fd')], (t, fd) => t.process.fds.close(fd));

sys(8, 'lseek', [a('fd', 'fd'), a('offset', 'off'), a('whence', 'flags', { enumValues: SEEK_NAMES })],
  (t, fd, off, whence) => fileOf(t, fd).lseek(off, whence), { ret: 'off' });

sys(5, 'fstat', [a('fd', 'fd'), a('statbuf', 'struct', { struct: 'stat', dir: 'out' })], (t, fd, buf) => {
  const st = fileOf(t, fd).stat();
  if (typeof st === 'number') return st;
  copyOut(t, buf, encodeStat(st));
  return 0;
});

sys(16, 'ioctl', [a('fd', 'fd'), a('request', 'flags', { enumValues: IOCTL_NAMES }), a('arg', 'ptr')], (t, fd, req, arg) => {
  const f = fileOf(t, fd);
  const entry = t.process.fds.fds.get(fd)!;
  switch (req) {
    case FIOCLEX: entry.cloexec = true; return 0;
    case FIONCLEX: entry.cloexec = false; return 0;
    case FIONBIO: return 0;
  }
  return f.ioctl(t, req, arg);
}, { support: 'partial', note: 'terminal ioctls (TCGETS/TCSETS*/TIOCGWINSZ...), FIOCLEX/FIONCLEX/FIONBIO; -ENOTTY otherwise' });

sys(32, 'dup', [a('oldfd', 'fd')], (t, fd) => t.process.fds.install(fileOf(t, fd)));

sys(33, 'dup2', [a('oldfd', 'fd'), a('newfd', 'fd')], (t, oldfd, newfd) => {
  const f = fileOf(t, oldfd);
  if (oldfd === newfd) return newfd;
  if (newfd < 0 || newfd >= t.process.fds.limit) return -EBADF;
  t.process.fds.set(newfd, f);
  return newfd;
});

sys(292, 'dup3', [a('oldfd', 'fd'), a('newfd', 'fd'), a('flags', 'flags', { flags: { [O_CLOEXEC]: 'O_CLOEXEC' } })],
  (t, oldfd, newfd, flags) => {
    if (flags & ~O_CLOEXEC) return -EINVAL;
    const f = fileOf(t, oldfd);
    if (oldfd === newfd) return -EINVAL;
    if (newfd < 0 || newfd >= t.process.fds.limit) return -EBADF;
    t.process.fds.set(newfd, f, (flags & O_CLOEXEC) !== 0);
    return newfd;
  });

const F_DUPFD = 0, F_GETFD = 1, F_SETFD = 2, F_GETFL = 3, F_SETFL = 4, F_DUPFD_CLOEXEC = 1030;
const F_GETLK = 5, F_SETLK = 6, F_SETLKW = 7, F_SETOWN = 8, F_GETOWN = 9, F_OFD_GETLK = 36, F_OFD_SETLK = 37, F_OFD_SETLKW = 38;
const F_SETPIPE_SZ = 1031, F_GETPIPE_SZ = 1032, F_ADD_SEALS = 1033, F_GET_SEALS = 1034;
const F_SEAL_SEAL = 1, F_ALL_SEALS = 0x1f; // SEAL, SHRINK, GROW, WRITE, FUTURE_WRITE
const FCNTL_NAMES: Record<number, string> = {
  0: 'F_DUPFD', 1: 'F_GETFD', 2: 'F_SETFD', 3: 'F_GETFL', 4: 'F_SETFL', 5: 'F_GETLK', 6: 'F_SETLK', 7: 'F_SETLKW', 8: 'F_SETOWN',
  9: 'F_GETOWN', 36: 'F_OFD_GETLK', 37: 'F_OFD_SETLK', 38: 'F_OFD_SETLKW', 1030: 'F_DUPFD_CLOEXEC', 1031: 'F_SETPIPE_SZ',
  1032: 'F_GETPIPE_SZ', 1033: 'F_ADD_SEALS', 1034: 'F_GET_SEALS',
};
/** Status flags F_SETFL may change (Linux SETFL_MASK). */
const SETFL_MASK = 0o2000 | 0o4000 | 0o20000 | 0o40000 | 0o1000000;

/** struct flock (include/uapi/asm-generic/fcntl.h, 32 bytes on x86-64): l_type@0 i16, l_whence@2 i16, l_start@8, l_len@16, l_pid@24 i32. */
function readFlock(t: Thread, f: OpenFile, ptr: number, owner: RangeLock['owner'], ofd: boolean): RangeLock | number {
  const dv = new DataView(copyIn(t, ptr, 32).buffer);
  const type = dv.getInt16(0, true), whence = dv.getInt16(2, true);
  const start = Number(dv.getBigInt64(8, true)), len = Number(dv.getBigInt64(16, true));
  if (type !== F_RDLCK && type !== F_WRLCK && type !== F_UNLCK) return -EINVAL;
  if (ofd && dv.getInt32(24, true) !== 0) return -EINVAL; // OFD requests must pass l_pid = 0
  let base: number;
  if (whence === 0) base = 0;
  else if (whence === 1) base = Math.max(0, f.lseek(0, 1));
  else if (whence === 2) {
    const st = f.stat();
    base = typeof st === 'number' ? 0 : st.size;
  } else return -EINVAL;
  // flock_to_posix_lock: l_len > 0 covers [start, start+len-1], 0 runs to EOF and beyond, < 0 covers [start+len, start-1].
  let from = base + start, to = len > 0 ? from + len - 1 : len === 0 ? Infinity : from - 1;
  if (len < 0) from += len;
  if (from < 0 || to < from) return -EINVAL;
  return { owner, ofd, pid: t.process.pid, type, start: from, end: to };
}

function doSetLock(t: Thread, f: OpenFile, ptr: number, cmd: number): number | Promise<number> {
  const ofd = cmd === F_OFD_SETLK || cmd === F_OFD_SETLKW;
  const want = readFlock(t, f, ptr, ofd ? f : t.process, ofd);
  if (typeof want === 'number') return want;
  const acc = f.flags & 3;
  if ((want.type === F_RDLCK && acc === 1) || (want.type === F_WRLCK && acc === 0)) return -EBADF;
  return t.process.kernel.locks.setRange(f, want, cmd === F_SETLKW || cmd === F_OFD_SETLKW);
}

function doGetLock(t: Thread, f: OpenFile, ptr: number, cmd: number): number {
  const ofd = cmd === F_OFD_GETLK;
  const want = readFlock(t, f, ptr, ofd ? f : t.process, ofd);
  if (typeof want === 'number') return want;
  if (want.type === F_UNLCK) return -EINVAL;
  const raw = copyIn(t, ptr, 32);
  const dv = new DataView(raw.buffer);
  const held = t.process.kernel.locks.conflicting(f, want);
  if (!held) dv.setInt16(0, F_UNLCK, true);
  else {
    dv.setInt16(0, held.type, true);
    dv.setInt16(2, 0, true);
    dv.setBigInt64(8, BigInt(held.start), true);
    dv.setBigInt64(16, held.end === Infinity ? 0n : BigInt(held.end - held.start + 1), true);
    dv.setInt32(24, held.ofd ? -1 : held.pid, true);
  }
  copyOut(t, ptr, raw);
  return 0;
}

/** memfd seals (F_ADD_SEALS, F_GET_SEALS), memfd_create(2) and fcntl(2) "File sealing". */
function doSeals(f: OpenFile, cmd: number, arg: number): number {
  const n = f.inode;
  if (!(n instanceof MemInode) || n.seals === null) return -EINVAL;
  if (cmd === F_GET_SEALS) return n.seals;
  if ((f.flags & 3) === 0) return -EPERM;
  if (arg & ~F_ALL_SEALS) return -EINVAL;
  if (n.seals & F_SEAL_SEAL) return -EPERM;
  n.seals |= arg;
  return 0;
}

/** fcntl(2). Descriptors opened with O_PATH allow only the descriptor-level commands. */
sys(72, 'fcntl', [a('fd', 'fd'), a('cmd', 'flags', { enumValues: FCNTL_NAMES }), a('arg', 'ulong')], (t, fd, cmd, arg) => {
  const fds = t.process.fds;
  const f = fileOf(t, fd);
  if (f.flags & O_PATH && ![F_DUPFD, F_DUPFD_CLOEXEC, F_GETFD, F_SETFD, F_GETFL].includes(cmd)) return -EBADF;
  switch (cmd) {
    case F_DUPFD: case F_DUPFD_CLOEXEC:
      if (arg >= fds.limit) return -EINVAL;
      return fds.install(f, cmd === F_DUPFD_CLOEXEC, arg);
    case F_GETFD: return fds.fds.get(fd)!.cloexec ? 1 : 0;
    case F_SETFD: fds.fds.get(fd)!.cloexec = (arg & 1) !== 0; return 0;
    case F_GETFL: return f.flags;
    case F_SETFL: f.flags = (f.flags & ~SETFL_MASK) | (arg & SETFL_MASK); return 0;
    case F_GETLK: case F_OFD_GETLK: return doGetLock(t, f, arg, cmd);
    case F_SETLK: case F_SETLKW: case F_OFD_SETLK: case F_OFD_SETLKW: return doSetLock(t, f, arg, cmd);
    case F_GETOWN: return 0;
    case F_SETOWN: return 0;
    case F_GETPIPE_SZ: return f.name.startsWith('pipe:') ? 65536 : -EINVAL;
    case F_SETPIPE_SZ: return f.name.startsWith('pipe:') ? Math.max(arg, 65536) : -EINVAL;
    case F_ADD_SEALS: case F_GET_SEALS: return doSeals(f, cmd, arg);
    default: return -EINVAL;
  }
}, { blocking: true, support: 'partial', note: 'no F_SETOWN/F_SETSIG signals; pipe size is fixed at 64 KiB' });
