/**
 * File attributes and data integrity: access, faccessat, faccessat2, chmod, fchmod, fchmodat,
 * chown, fchown, lchown, fchownat, utimensat, utime, utimes, truncate, ftruncate, fallocate,
 * fsync, fdatasync, sync, syncfs, umask, statfs, fstatfs, flock, fadvise64.
 */
import { sys, a } from '../syscall-table.js';
import type { Thread } from '../thread.js';
import { EINVAL, EROFS, EBADF, EPERM, EOPNOTSUPP, EISDIR, EACCES, EFBIG, ESPIPE } from '../errno.js';
import { copyIn, copyOut, readString } from '../guest-mem.js';
import { AT_FDCWD, AT_EMPTY_PATH, AT_SYMLINK_NOFOLLOW, AT_EACCESS, AT_FLAG_NAMES, O_ACCMODE, O_PATH } from './flags.js';
import { existingAt, positionOf, cwdPosition } from '../vfs/lookup.js';
import { fileOf } from './io.js';
import type { Inode, Credentials } from '../vfs/types.js';
import type { OpenFile } from '../file.js';
import { encodeStatfs } from '../layouts-fs.js';

const fd = (n = 'dirfd') => a(n, 'fd');

/** The calling process's credentials for permission checks. */
export function credentials(t: Thread): Credentials {
  const c = t.process.kernel.config;
  return { uid: c.uid, gid: c.gid, groups: t.process.groups };
}
const F_OK = 0, X_OK = 1, W_OK = 2, R_OK = 4;

function doAccess(t: Thread, dirfd: number, path: number, mode: number, flags: number): number {
  if (mode & ~(R_OK | W_OK | X_OK)) return -EINVAL;
  if (flags & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) return -EINVAL;
  const r = existingAt(t, dirfd, path, !(flags & AT_SYMLINK_NOFOLLOW), (flags & AT_EMPTY_PATH) !== 0);
  if (mode === F_OK) return 0;
  if (mode & W_OK && r.node.fs.readOnly && r.node.kind !== 'chr') return -EROFS;
  return r.node.access ? r.node.access(mode, credentials(t)) : 0;
}

sys(21, 'access', [a('pathname', 'path'), a('mode', 'int', { enumValues: { 0: 'F_OK', 1: 'X_OK', 2: 'W_OK', 4: 'R_OK' } })],
  (t, path, mode) => doAccess(t, AT_FDCWD, path, mode, 0));
sys(269, 'faccessat', [fd(), a('pathname', 'path'), a('mode', 'int')], (t, dirfd, path, mode) => doAccess(t, dirfd, path, mode, 0));
sys(439, 'faccessat2', [fd(), a('pathname', 'path'), a('mode', 'int'), a('flags', 'flags', { flags: AT_FLAG_NAMES })],
  (t, dirfd, path, mode, flags) => doAccess(t, dirfd, path, mode, flags));

// ------------------------------------------------------------------ chmod / chown

function inodeOfFd(t: Thread, n: number): Inode {
  const f = fileOf(t, n);
  if (!f.inode) {
    // Streams without an inode (stdio, pipes): pretend success like tmpfs-backed objects would.
    return { fs: { readOnly: false } } as unknown as Inode;
  }
  return f.inode;
}

sys(90, 'chmod', [a('pathname', 'path'), a('mode', 'mode')], (t, path, mode) => existingAt(t, AT_FDCWD, path, true).node.chmod?.(mode) ?? -EPERM);
sys(91, 'fchmod', [a('fd', 'fd'), a('mode', 'mode')], (t, n, mode) => {
  const f = fileOf(t, n);
  if (f.flags & O_PATH) return -EBADF;
  return inodeOfFd(t, n).chmod?.(mode) ?? 0;
});
// fchmodat(2) takes three arguments in the kernel (SYSCALL_DEFINE3): the libc's flags argument
// never reaches it, so whatever r10 holds is ignored. fchmodat2 (Linux 6.6) adds flags.
sys(268, 'fchmodat', [fd(), a('pathname', 'path'), a('mode', 'mode')],
  (t, dirfd, path, mode) => existingAt(t, dirfd, path, true).node.chmod?.(mode) ?? -EPERM);

const idArg = (n: string) => a(n, 'int');
function chownNode(node: Inode, uid: number, gid: number): number {
  return node.chown?.(uid, gid) ?? -EPERM;
}
sys(92, 'chown', [a('pathname', 'path'), idArg('owner'), idArg('group')], (t, path, uid, gid) => chownNode(existingAt(t, AT_FDCWD, path, true).node, uid, gid));
sys(94, 'lchown', [a('pathname', 'path'), idArg('owner'), idArg('group')], (t, path, uid, gid) => chownNode(existingAt(t, AT_FDCWD, path, false).node, uid, gid));
sys(93, 'fchown', [a('fd', 'fd'), idArg('owner'), idArg('group')], (t, n, uid, gid) => chownNode(inodeOfFd(t, n), uid, gid));
sys(260, 'fchownat', [fd(), a('pathname', 'path'), idArg('owner'), idArg('group'), a('flags', 'flags', { flags: AT_FLAG_NAMES })],
  (t, dirfd, path, uid, gid, flags) => {
    if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) return -EINVAL;
    return chownNode(existingAt(t, dirfd, path, !(flags & AT_SYMLINK_NOFOLLOW), (flags & AT_EMPTY_PATH) !== 0).node, uid, gid);
  });

// ------------------------------------------------------------------ times

const UTIME_NOW = 0x3fffffff, UTIME_OMIT = 0x3ffffffe;

function doUtimens(t: Thread, dirfd: number, pathPtr: number, timesPtr: number, flags: number): number {
  if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) return -EINVAL;
  const now = t.process.kernel.config.realtimeNs();
  let at: bigint | null = now, mt: bigint | null = now;
  if (timesPtr) {
    const b = copyIn(t, timesPtr, 32);
    const dv = new DataView(b.buffer);
    const ts = (o: number): bigint | null | number => {
      const sec = dv.getBigInt64(o, true), nsec = dv.getBigInt64(o + 8, true);
      if (nsec === BigInt(UTIME_NOW)) return now;
      if (nsec === BigInt(UTIME_OMIT)) return null;
      if (nsec < 0n || nsec >= 1_000_000_000n) return -EINVAL;
      return sec * 1_000_000_000n + nsec;
    };
    const x = ts(0), y = ts(16);
    if (typeof x === 'number') return x;
    if (typeof y === 'number') return y;
    at = x; mt = y;
    if (at === null && mt === null) return 0;
  }
  let node: Inode;
  if (pathPtr === 0) {
    // utimensat(fd, NULL, ...) is futimens(fd).
    node = dirfd === AT_FDCWD ? cwdPosition(t).node : inodeOfFd(t, dirfd);
  } else {
    node = existingAt(t, dirfd, pathPtr, !(flags & AT_SYMLINK_NOFOLLOW), (flags & AT_EMPTY_PATH) !== 0).node;
  }
  return node.utimes?.(at, mt) ?? 0;
}

sys(280, 'utimensat', [fd(), a('pathname', 'path'), a('times', 'ptr'), a('flags', 'flags', { flags: AT_FLAG_NAMES })],
  (t, dirfd, path, times, flags) => doUtimens(t, dirfd, path, times, flags));

sys(132, 'utime', [a('filename', 'path'), a('times', 'ptr')], (t, path, times) => {
  const node = existingAt(t, AT_FDCWD, path, true).node;
  if (!times) { const now = t.process.kernel.config.realtimeNs(); return node.utimes?.(now, now) ?? 0; }
  const dv = new DataView(copyIn(t, times, 16).buffer);
  return node.utimes?.(dv.getBigInt64(0, true) * 1_000_000_000n, dv.getBigInt64(8, true) * 1_000_000_000n) ?? 0;
});

sys(235, 'utimes', [a('filename', 'path'), a('times', 'ptr')], (t, path, times) => {
  const node = existingAt(t, AT_FDCWD, path, true).node;
  if (!times) { const now = t.process.kernel.config.realtimeNs(); return node.utimes?.(now, now) ?? 0; }
  const dv = new DataView(copyIn(t, times, 32).buffer);
  const tv = (o: number) => dv.getBigInt64(o, true) * 1_000_000_000n + dv.getBigInt64(o + 8, true) * 1000n;
  return node.utimes?.(tv(0), tv(16)) ?? 0;
});

// ------------------------------------------------------------------ sizes

const MAX_FILE_SIZE = 2 ** 53;
sys(76, 'truncate', [a('path', 'path'), a('length', 'off')], (t, path, len) => {
  if (len < 0) return -EINVAL;
  if (len > MAX_FILE_SIZE) return -EFBIG;
  const r = existingAt(t, AT_FDCWD, path, true);
  if (r.node.kind === 'dir') return -EISDIR;
  if (r.node.kind !== 'file') return -EINVAL;
  return r.node.truncate?.(len) ?? -EPERM;
});

/** ftruncate(2): do_sys_ftruncate gives EINVAL for anything but a regular file open for writing. */
sys(77, 'ftruncate', [a('fd', 'fd'), a('length', 'off')], (t, n, len) => {
  const f = fileOf(t, n);
  if (f.flags & O_PATH) return -EBADF;
  if (len < 0) return -EINVAL;
  if ((f.flags & O_ACCMODE) === 0 || (f.inode && f.inode.kind !== 'file')) return -EINVAL;
  return f.truncate(len);
});

const FALLOC_FL_KEEP_SIZE = 1;
sys(285, 'fallocate', [a('fd', 'fd'), a('mode', 'int'), a('offset', 'off'), a('len', 'off')], (t, n, mode, off, len) =>
  doFallocate(fileOf(t, n), mode, off, len),
{ support: 'partial', note: 'mode 0 and FALLOC_FL_KEEP_SIZE; hole punching is -EOPNOTSUPP' });

/** The body of fallocate(2) on an open file description (also io_uring's FALLOCATE). */
export function doFallocate(f: OpenFile, mode: number, off: number, len: number): number {
  if (off < 0 || len <= 0) return -EINVAL;
  if ((f.flags & O_ACCMODE) === 0) return -EBADF;
  if (!f.inode || f.inode.kind !== 'file') return f.inode?.kind === 'dir' ? -EISDIR : -ESPIPE;
  if (mode & ~FALLOC_FL_KEEP_SIZE) return -EOPNOTSUPP;
  if (mode & FALLOC_FL_KEEP_SIZE) return 0;
  const st = f.stat();
  if (typeof st === 'number') return st;
  return off + len > st.size ? f.truncate(off + len) : 0;
}

sys(74, 'fsync', [a('fd', 'fd')], (t, n) => fileOf(t, n).sync());
sys(75, 'fdatasync', [a('fd', 'fd')], (t, n) => fileOf(t, n).sync());
sys(162, 'sync', [], () => 0);
sys(306, 'syncfs', [a('fd', 'fd')], (t, n) => { fileOf(t, n); return 0; });
sys(277, 'sync_file_range', [a('fd', 'fd'), a('offset', 'off'), a('nbytes', 'off'), a('flags', 'uint')], (t, n, off, len, flags) =>
  doSyncFileRange(fileOf(t, n), off, len, flags));

/** The body of sync_file_range(2) (also io_uring's SYNC_FILE_RANGE): validation only, the data is always stable. */
export function doSyncFileRange(_f: OpenFile, off: number, len: number, flags: number): number {
  if (flags & ~7 || off < 0 || len < 0) return -EINVAL;
  return 0;
}

sys(95, 'umask', [a('mask', 'mode')], (t, mask) => {
  const old = t.process.umask;
  t.process.umask = mask & 0o777;
  return old;
}, { ret: 'int' });

sys(137, 'statfs', [a('path', 'path'), a('buf', 'ptr')], (t, path, buf) => {
  const r = existingAt(t, AT_FDCWD, path, true);
  copyOut(t, buf, encodeStatfs(r.node.fs.statfs()));
  return 0;
});
sys(138, 'fstatfs', [a('fd', 'fd'), a('buf', 'ptr')], (t, n, buf) => {
  const f = fileOf(t, n);
  const fs = f.inode?.fs ?? t.process.kernel.vfs.rootPos().node.fs;
  copyOut(t, buf, encodeStatfs(fs.statfs()));
  return 0;
});

/** flock(2): whole-file advisory locks owned by the open file description (locks.ts). */
const LOCK_SH = 1, LOCK_EX = 2, LOCK_NB = 4, LOCK_UN = 8;
sys(73, 'flock', [a('fd', 'fd'), a('operation', 'flags', { flags: { 1: 'LOCK_SH', 2: 'LOCK_EX', 4: 'LOCK_NB', 8: 'LOCK_UN' } })], (t, n, op) => {
  const f = fileOf(t, n);
  if (f.flags & O_PATH) return -EBADF;
  const kind = op & ~LOCK_NB;
  if (kind !== LOCK_SH && kind !== LOCK_EX && kind !== LOCK_UN) return -EINVAL;
  return t.process.kernel.locks.flock(f, kind === LOCK_SH ? 'sh' : kind === LOCK_EX ? 'ex' : 'un', !(op & LOCK_NB));
}, { blocking: true });

sys(221, 'fadvise64', [a('fd', 'fd'), a('offset', 'off'), a('len', 'off'), a('advice', 'int')], (t, n, off, len, advice) =>
  doFadvise(fileOf(t, n), off, len, advice));

/** The body of fadvise64(2) (also io_uring's FADVISE): validation only. */
export function doFadvise(f: OpenFile, _off: number, len: number, advice: number): number {
  if (!f.inode || f.inode.kind === 'fifo') return -ESPIPE;
  if (advice < 0 || advice > 5 || len < 0) return -EINVAL;
  return 0;
}

void readString; void positionOf; void EACCES;
