/**
 * Opening and inspecting files: open, openat, openat2, creat, close_range, stat, lstat,
 * newfstatat (path forms), statx, getdents64, readlink, readlinkat, getcwd, chdir, fchdir.
 */
import { sys, a, SyscallError } from '../syscall-table.js';
import type { Thread } from '../thread.js';
import {
  EINVAL, ENOENT, EEXIST, EISDIR, ENOTDIR, ELOOP, ERANGE, EBADF, E2BIG, EFAULT,
} from '../errno.js';
import { copyIn, copyOut, readString } from '../guest-mem.js';
import { encodeStat } from '../layouts.js';
import {
  AT_FDCWD, AT_EMPTY_PATH, AT_SYMLINK_NOFOLLOW, AT_NO_AUTOMOUNT, AT_FLAG_NAMES, OPEN_FLAG_NAMES, O_CREAT, O_EXCL, O_NOFOLLOW,
  O_DIRECTORY, O_PATH, O_CLOEXEC, O_TMPFILE, O_ACCMODE, O_TRUNC, O_LARGEFILE, O_APPEND, O_NONBLOCK, O_NOCTTY, O_DSYNC,
  O_ASYNC, O_DIRECT, O_NOATIME, O_SYNC,
} from './flags.js';
import { resolveAt, existingAt, check, startDir, positionOf, cwdPosition, processCwd } from '../vfs/lookup.js';
import { RESOLVE_NO_XDEV, RESOLVE_NO_MAGICLINKS, RESOLVE_NO_SYMLINKS, RESOLVE_BENEATH, RESOLVE_IN_ROOT, RESOLVE_CACHED } from '../vfs/vfs.js';
import { DirectoryFile } from '../vfs/dirfile.js';
import { AnonInode } from '../vfs/anon.js';
import { fileOf } from './io.js';
import { credentials } from './fs-attr.js';
import type { StatInfo } from '../file.js';
import { encodeStatx, STATX_SIZE } from '../layouts-fs.js';

/** All open(2) flags Linux knows (VALID_OPEN_FLAGS); openat2 rejects anything else. */
const VALID_OPEN_FLAGS = O_ACCMODE | O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_APPEND | O_NONBLOCK | O_DSYNC | O_ASYNC |
  O_DIRECT | O_LARGEFILE | O_DIRECTORY | O_NOFOLLOW | O_NOATIME | O_CLOEXEC | O_SYNC | O_PATH | O_TMPFILE;

/** The shared body of open/openat/openat2/creat. */
export function doOpen(t: Thread, dirfd: number, pathPtr: number, flags: number, mode: number, resolve = 0): number {
  const p = t.process;
  const text = readString(t, pathPtr);
  if (text === '') return -ENOENT;
  if ((flags & O_TMPFILE) === O_TMPFILE) return openTmpfile(t, dirfd, text, flags, mode);
  const creating = (flags & O_CREAT) !== 0;
  const follow = !(flags & O_NOFOLLOW) && !(creating && flags & O_EXCL);
  const r = p.kernel.vfs.resolve(startDir(t, dirfd, text), text, { followFinal: follow, resolve });
  if (typeof r === 'number') return r;
  let node = r.node;
  let path = r.path;
  if (!node) {
    if (!creating) return -ENOENT;
    if (r.trailingSlash) return -EISDIR;
    const parent = r.parent.node;
    if (!parent.create) return -EINVAL;
    const created = parent.create(r.name, mode & ~p.umask & 0o7777);
    if (typeof created === 'number') return created;
    node = created;
  } else {
    if (creating && flags & O_EXCL) return -EEXIST;
    if (node.kind === 'symlink' && !(flags & O_PATH)) return -ELOOP;
    if (creating && node.kind === 'dir') return -EISDIR;
  }
  if (flags & O_DIRECTORY && node.kind !== 'dir') return -ENOTDIR;
  const f = node.open({ flags, mode, path });
  if (typeof f === 'number') return f;
  // A fresh description; /dev/tty and /proc/self/fd/N links to the standard streams hand back
  // an existing one, which keeps its own flags and name.
  if (f.refs === 0) {
    f.flags = fileStatusFlags(flags);
    if (!(node instanceof AnonInode)) {
      f.vfsPath = path;
      f.inode = node;
    }
  }
  if (f instanceof DirectoryFile) {
    const ps = r.parent.node.stat();
    f.parentIno = typeof ps === 'number' ? 0 : ps.ino;
  }
  return p.fds.install(f, (flags & O_CLOEXEC) !== 0);
}

/**
 * The status flags an open description keeps (what F_GETFL reports): x86-64 Linux forces
 * O_LARGEFILE on (build_open_how, force_o_largefile), do_dentry_open drops the open-time-only
 * O_CREAT/O_EXCL/O_NOCTTY/O_TRUNC, O_CLOEXEC belongs to the descriptor, and an O_PATH
 * description keeps only O_PATH, O_DIRECTORY and O_NOFOLLOW (build_open_flags).
 */
export function fileStatusFlags(flags: number): number {
  if (flags & O_PATH) return flags & (O_PATH | O_DIRECTORY | O_NOFOLLOW);
  return (flags | O_LARGEFILE) & ~(O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_CLOEXEC);
}

/** O_TMPFILE: an unnamed regular file in the given directory (created then unlinked). */
function openTmpfile(t: Thread, dirfd: number, text: string, flags: number, mode: number): number {
  const acc = flags & O_ACCMODE;
  if (acc === 0) return -EINVAL;
  const r = t.process.kernel.vfs.resolve(startDir(t, dirfd, text), text, { followFinal: true });
  if (typeof r === 'number') return r;
  if (!r.node) return -ENOENT;
  if (r.node.kind !== 'dir') return -ENOTDIR;
  const dir = r.node;
  if (!dir.create || !dir.unlink) return -95; // EOPNOTSUPP
  const name = `.x64run-tmpfile-${t.process.pid}-${Math.random().toString(36).slice(2)}`;
  const n = dir.create(name, mode & ~t.process.umask & 0o7777);
  if (typeof n === 'number') return n;
  const f = n.open({ flags: flags & ~O_TMPFILE, mode, path: `${r.path === '/' ? '' : r.path}/${name}` });
  dir.unlink(name);
  if (typeof f === 'number') return f;
  f.flags = fileStatusFlags(flags & ~O_TMPFILE);
  f.vfsPath = `${r.path === '/' ? '' : r.path}/${name} (deleted)`;
  f.inode = n;
  return t.process.fds.install(f, (flags & O_CLOEXEC) !== 0);
}

const fd = (n = 'dirfd') => a(n, 'fd');
const openFlags = a('flags', 'flags', { flags: OPEN_FLAG_NAMES, accessMode: true });
/** open's mode is only meaningful (and only traced, like strace does) with O_CREAT or O_TMPFILE. */
const openMode = (flagsIndex: number) => a('mode', 'mode', {
  when: (args) => (args[flagsIndex] & O_CREAT) !== 0 || (args[flagsIndex] & O_TMPFILE) === O_TMPFILE,
});

sys(2, 'open', [a('pathname', 'path'), openFlags, openMode(1)], (t, path, flags, mode) => doOpen(t, AT_FDCWD, path, flags, mode),
  { ret: 'fd' });
sys(257, 'openat', [fd(), a('pathname', 'path'), openFlags, openMode(2)], (t, dirfd, path, flags, mode) =>
  doOpen(t, dirfd, path, flags, mode), { ret: 'fd' });
sys(85, 'creat', [a('pathname', 'path'), a('mode', 'mode')], (t, path, mode) =>
  doOpen(t, AT_FDCWD, path, O_CREAT | 1 | O_TRUNC, mode), { ret: 'fd' });

/** openat2(dirfd, path, struct open_how {u64 flags, u64 mode, u64 resolve}, size). */
sys(437, 'openat2', [fd(), a('pathname', 'path'), a('how', 'ptr'), a('size', 'size')], (t, dirfd, path, howPtr, size) =>
  doOpenat2(t, dirfd, path, howPtr, size), { ret: 'fd' });

/** The body of openat2(2) (also io_uring's OPENAT2). */
export function doOpenat2(t: Thread, dirfd: number, path: number, howPtr: number, size: number): number {
  if (size < 24) return -EINVAL;
  if (size > 4096) return -E2BIG;
  const how = copyIn(t, howPtr, size);
  const dv = new DataView(how.buffer);
  for (let k = 24; k < size; k++) if (how[k] !== 0) return -E2BIG;
  const flags = dv.getBigUint64(0, true), mode = dv.getBigUint64(8, true), resolve = dv.getBigUint64(16, true);
  if (flags & ~BigInt(VALID_OPEN_FLAGS)) return -EINVAL;
  const known = RESOLVE_NO_XDEV | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_SYMLINKS | RESOLVE_BENEATH | RESOLVE_IN_ROOT | RESOLVE_CACHED;
  if (resolve & ~BigInt(known)) return -EINVAL;
  const f = Number(flags);
  // mode must be 0 unless O_CREAT or O_TMPFILE.
  if (mode && !(f & O_CREAT) && (f & O_TMPFILE) !== O_TMPFILE) return -EINVAL;
  if (mode & ~0o7777n) return -EINVAL;
  if ((Number(resolve) & (RESOLVE_BENEATH | RESOLVE_IN_ROOT)) === (RESOLVE_BENEATH | RESOLVE_IN_ROOT)) return -EINVAL;
  return doOpen(t, dirfd, path, f, Number(mode), Number(resolve));
}

const CLOSE_RANGE_UNSHARE = 2, CLOSE_RANGE_CLOEXEC = 4;
sys(436, 'close_range', [a('first', 'uint'), a('last', 'uint'), a('flags', 'flags', { flags: { 2: 'CLOSE_RANGE_UNSHARE', 4: 'CLOSE_RANGE_CLOEXEC' } })],
  (t, first, last, flags) => {
    if (flags & ~(CLOSE_RANGE_UNSHARE | CLOSE_RANGE_CLOEXEC)) return -EINVAL;
    if (first > last) return -EINVAL;
    const fds = t.process.fds;
    for (const n of [...fds.fds.keys()]) {
      if (n < first || n > last) continue;
      if (flags & CLOSE_RANGE_CLOEXEC) fds.fds.get(n)!.cloexec = true;
      else fds.close(n);
    }
    return 0;
  });

// ------------------------------------------------------------------ stat family

function statOut(t: Thread, st: StatInfo | number, buf: number): number {
  if (typeof st === 'number') return st;
  copyOut(t, buf, encodeStat(st));
  return 0;
}

const statBuf = a('statbuf', 'struct', { struct: 'stat', dir: 'out' });
sys(4, 'stat', [a('pathname', 'path'), statBuf], (t, path, buf) => statOut(t, existingAt(t, AT_FDCWD, path, true).node.stat(), buf));
sys(6, 'lstat', [a('pathname', 'path'), statBuf], (t, path, buf) => statOut(t, existingAt(t, AT_FDCWD, path, false).node.stat(), buf));

/** Shared by newfstatat and statx: resolves (dirfd, path, flags) to stat information. */
function statAt(t: Thread, dirfd: number, path: number, flags: number): StatInfo | number {
  if (flags & ~(AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | 0x6000 /* AT_STATX_SYNC_TYPE */)) return -EINVAL;
  const text = readString(t, path);
  if (text === '' && flags & AT_EMPTY_PATH) {
    if (dirfd === AT_FDCWD) return cwdPosition(t).node.stat();
    return fileOf(t, dirfd).stat();
  }
  return existingAt(t, dirfd, path, !(flags & AT_SYMLINK_NOFOLLOW)).node.stat();
}

sys(262, 'newfstatat', [fd(), a('pathname', 'path'), statBuf, a('flags', 'flags', { flags: AT_FLAG_NAMES })],
  (t, dirfd, path, buf, flags) => statOut(t, statAt(t, dirfd, path, flags), buf));

sys(332, 'statx', [fd(), a('pathname', 'path'), a('flags', 'flags', { flags: AT_FLAG_NAMES }), a('mask', 'hex'), a('statxbuf', 'ptr')],
  (t, dirfd, path, flags, mask, buf) => doStatx(t, dirfd, path, flags, mask, buf));

/** The body of statx(2) (also io_uring's STATX). */
export function doStatx(t: Thread, dirfd: number, path: number, flags: number, mask: number, buf: number): number {
  if (mask & 0x80000000) return -EINVAL; // STATX__RESERVED
  const st = statAt(t, dirfd, path, flags);
  if (typeof st === 'number') return st;
  copyOut(t, buf, encodeStatx(st));
  void STATX_SIZE;
  return 0;
}

// ------------------------------------------------------------------ directories

sys(217, 'getdents64', [a('fd', 'fd'), a('dirp', 'struct', { struct: 'dirents', dir: 'out' }), a('count', 'uint')], (t, fdn, dirp, count) => {
  const f = fileOf(t, fdn);
  if (!(f instanceof DirectoryFile)) return f.inode?.kind === 'dir' ? -EBADF : -ENOTDIR;
  const out = f.getdents64(Math.min(count, 1 << 20));
  if (typeof out === 'number') return out;
  copyOut(t, dirp, out);
  return out.length;
});

/** getcwd(2): ENOENT once the current directory has been unlinked. */
sys(79, 'getcwd', [a('buf', 'buf', { dir: 'out' }), a('size', 'size')], (t, buf, size) => {
  if (processCwd(t.process).removed) return -ENOENT;
  const b = new TextEncoder().encode(t.process.cwd + '\0');
  if (b.length > size) return -ERANGE;
  copyOut(t, buf, b);
  return b.length;
});

sys(80, 'chdir', [a('path', 'path')], (t, path) => {
  const r = existingAt(t, AT_FDCWD, path, true);
  if (r.node.kind !== 'dir') return -ENOTDIR;
  const x = r.node.access?.(1, credentials(t));
  if (x && x < 0) return x;
  t.process.cwd = r.path;
  t.process.cwdNode = r.node;
  return 0;
});

sys(81, 'fchdir', [a('fd', 'fd')], (t, fdn) => {
  const pos = positionOf(t, fdn);
  if (pos.node.kind !== 'dir') return -ENOTDIR;
  t.process.cwd = pos.path;
  t.process.cwdNode = pos.node;
  return 0;
});

// ------------------------------------------------------------------ readlink

function doReadlink(t: Thread, dirfd: number, path: number, buf: number, size: number): number {
  if ((size | 0) <= 0) return -EINVAL;
  const r = existingAt(t, dirfd, path, false, true);
  if (r.node.kind !== 'symlink' || !r.node.readlink) return -EINVAL;
  const target = check(r.node.readlink());
  const bytes = new TextEncoder().encode(target).subarray(0, size);
  copyOut(t, buf, bytes);
  return bytes.length;
}

sys(89, 'readlink', [a('pathname', 'path'), a('buf', 'buf', { dir: 'out' }), a('bufsiz', 'size')],
  (t, path, buf, size) => doReadlink(t, AT_FDCWD, path, buf, size));
sys(267, 'readlinkat', [fd(), a('pathname', 'path'), a('buf', 'buf', { dir: 'out' }), a('bufsiz', 'size')],
  (t, dirfd, path, buf, size) => doReadlink(t, dirfd, path, buf, size));

void resolveAt; void SyscallError; void EFAULT;
