/**
 * Descriptor I/O: read, write, readv, writev, close, lseek, fstat, ioctl, dup, dup2, dup3, fcntl.
 * Path-based calls are in fs-*.ts.
 */
import { sys, a, SyscallError } from '../syscall-table.js';
import type { Thread } from '../thread.js';
import { EBADF, EINVAL } from '../errno.js';
import { copyIn, copyOut } from '../guest-mem.js';
import { encodeStat } from '../layouts.js';
import { IOCTL_NAMES, SEEK_NAMES, O_CLOEXEC } from './flags.js';
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
  const f = fileOf(t, fd);
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
  const f = fileOf(t, fd);
  if ((f.flags & 3) === 0 && fd > 2) return -EBADF; // O_RDONLY (stdio streams are opened read-write)
  const data = copyIn(t, buf, Math.min(count, MAX_RW));
  return f.write(t, data);
}

function readIovecs(t: Thread, iov: number, cnt: number): { base: number; len: number }[] {
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
sys(19, 'readv', [a('fd', 'fd'), a('iov', 'ptr'), a('iovcnt', 'int')], doReadv, { blocking: true });
sys(20, 'writev', [a('fd', 'fd'), a('iov', 'ptr'), a('iovcnt', 'int')], doWritev, { blocking: true });

sys(3, 'close', [a('fd', 'fd')], (t, fd) => t.process.fds.close(fd));

sys(8, 'lseek', [a('fd', 'fd'), a('offset', 'off'), a('whence', 'flags', { enumValues: SEEK_NAMES })],
  (t, fd, off, whence) => fileOf(t, fd).lseek(off, whence), { ret: 'off' });

sys(5, 'fstat', [a('fd', 'fd'), a('statbuf', 'ptr')], (t, fd, buf) => {
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
const F_RDLCK = 0, F_WRLCK = 1, F_UNLCK = 2;
const FCNTL_NAMES: Record<number, string> = {
  0: 'F_DUPFD', 1: 'F_GETFD', 2: 'F_SETFD', 3: 'F_GETFL', 4: 'F_SETFL', 5: 'F_GETLK', 6: 'F_SETLK', 7: 'F_SETLKW', 8: 'F_SETOWN',
  9: 'F_GETOWN', 36: 'F_OFD_GETLK', 37: 'F_OFD_SETLK', 38: 'F_OFD_SETLKW', 1030: 'F_DUPFD_CLOEXEC', 1031: 'F_SETPIPE_SZ',
  1032: 'F_GETPIPE_SZ', 1033: 'F_ADD_SEALS', 1034: 'F_GET_SEALS',
};
/** Status flags F_SETFL may change (Linux SETFL_MASK). */
const SETFL_MASK = 0o2000 | 0o4000 | 0o20000 | 0o40000 | 0o1000000;

sys(72, 'fcntl', [a('fd', 'fd'), a('cmd', 'flags', { enumValues: FCNTL_NAMES }), a('arg', 'ulong')], (t, fd, cmd, arg) => {
  const fds = t.process.fds;
  const f = fileOf(t, fd);
  switch (cmd) {
    case F_DUPFD: case F_DUPFD_CLOEXEC:
      if (arg >= fds.limit) return -EINVAL;
      return fds.install(f, cmd === F_DUPFD_CLOEXEC, arg);
    case F_GETFD: return fds.fds.get(fd)!.cloexec ? 1 : 0;
    case F_SETFD: fds.fds.get(fd)!.cloexec = (arg & 1) !== 0; return 0;
    case F_GETFL: return f.flags;
    case F_SETFL: f.flags = (f.flags & ~SETFL_MASK) | (arg & SETFL_MASK); return 0;
    case F_GETLK: case F_OFD_GETLK: {
      // Nobody else holds locks on guest files: report the region as unlocked.
      const raw = copyIn(t, arg, 32);
      const type = new DataView(raw.buffer).getInt16(0, true);
      if (type !== F_RDLCK && type !== F_WRLCK && type !== F_UNLCK) return -EINVAL;
      new DataView(raw.buffer).setInt16(0, F_UNLCK, true);
      copyOut(t, arg, raw);
      return 0;
    }
    case F_SETLK: case F_SETLKW: case F_OFD_SETLK: case F_OFD_SETLKW: {
      const type = new DataView(copyIn(t, arg, 32).buffer).getInt16(0, true);
      if (type !== F_RDLCK && type !== F_WRLCK && type !== F_UNLCK) return -EINVAL;
      const acc = f.flags & 3;
      if ((type === F_RDLCK && acc === 1) || (type === F_WRLCK && acc === 0)) return -EBADF;
      return 0;
    }
    case F_GETOWN: return 0;
    case F_SETOWN: return 0;
    case F_GETPIPE_SZ: return f.name.startsWith('pipe:') ? 65536 : -EINVAL;
    case F_SETPIPE_SZ: return f.name.startsWith('pipe:') ? Math.max(arg, 65536) : -EINVAL;
    case F_ADD_SEALS: return f.name.startsWith('/memfd:') ? 0 : -EINVAL;
    case F_GET_SEALS: return f.name.startsWith('/memfd:') ? 0 : -EINVAL;
    default: return -EINVAL;
  }
}, { support: 'partial', note: 'record locks are granted (no other lock holders exist); F_GETLK reports unlocked' });

