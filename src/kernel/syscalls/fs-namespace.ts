/**
 * Changing the name space: mkdir, mkdirat, mknod, mknodat, rmdir, unlink, unlinkat, rename,
 * renameat, renameat2, link, linkat, symlink, symlinkat.
 */
import { sys, a } from '../syscall-table.js';
import type { Thread } from '../thread.js';
import { EINVAL, ENOENT, EEXIST, EISDIR, ENOTDIR, ENOTEMPTY, EBUSY, EXDEV, EPERM, ENOTEMPTY as E_NOTEMPTY } from '../errno.js';
import { readString } from '../guest-mem.js';
import { AT_FDCWD, AT_REMOVEDIR, AT_SYMLINK_FOLLOW, AT_EMPTY_PATH, AT_FLAG_NAMES } from './flags.js';
import { resolveAt, existingAt, positionOf } from '../vfs/lookup.js';
import type { Resolved } from '../vfs/vfs.js';

const fd = (n = 'dirfd') => a(n, 'fd');

/** For calls that create a new name: the parent must exist, the name must not. */
function newName(t: Thread, dirfd: number, pathPtr: number): Resolved | number {
  const r = resolveAt(t, dirfd, pathPtr, { followFinal: false });
  if (r.node) return -EEXIST;
  if (r.name === '') return -EEXIST;
  return r;
}

export function doMkdir(t: Thread, dirfd: number, path: number, mode: number): number {
  const r = newName(t, dirfd, path);
  if (typeof r === 'number') return r;
  const dir = r.parent.node;
  if (!dir.mkdir) return -EPERM;
  return dir.mkdir(r.name, mode & ~t.process.umask & 0o7777);
}

sys(83, 'mkdir', [a('pathname', 'path'), a('mode', 'mode')], (t, path, mode) => doMkdir(t, AT_FDCWD, path, mode));
sys(258, 'mkdirat', [fd(), a('pathname', 'path'), a('mode', 'mode')], (t, dirfd, path, mode) => doMkdir(t, dirfd, path, mode));

function doMknod(t: Thread, dirfd: number, path: number, mode: number, dev: number): number {
  const r = newName(t, dirfd, path);
  if (typeof r === 'number') return r;
  const dir = r.parent.node;
  if (!dir.mknod) return -EPERM;
  const type = mode & 0o170000;
  const m = (mode & 0o7777 & ~t.process.umask) | type;
  return dir.mknod(r.name, m, dev);
}
sys(133, 'mknod', [a('pathname', 'path'), a('mode', 'mode'), a('dev', 'hex')], (t, path, mode, dev) => doMknod(t, AT_FDCWD, path, mode, dev));
sys(259, 'mknodat', [fd(), a('pathname', 'path'), a('mode', 'mode'), a('dev', 'hex')], (t, dirfd, path, mode, dev) => doMknod(t, dirfd, path, mode, dev));

export function doRmdir(t: Thread, dirfd: number, path: number): number {
  const text = readString(t, path);
  const r = resolveAt(t, dirfd, path, { followFinal: false, entry: true });
  if (!r.node) return -ENOENT;
  if (r.name === '') {
    // "." as the last component is EINVAL, ".." is ENOTEMPTY, "/" is EBUSY (rmdir(2)).
    const last = text.replace(/\/+$/, '').split('/').pop();
    if (last === '.') return -EINVAL;
    if (last === '..') return -E_NOTEMPTY;
    return -EBUSY;
  }
  if (r.node.kind !== 'dir') return -ENOTDIR;
  if (t.process.kernel.vfs.mountAt(r.path)) return -EBUSY;
  const dir = r.parent.node;
  if (!dir.rmdir) return -EPERM;
  return dir.rmdir(r.name);
}

export function doUnlink(t: Thread, dirfd: number, path: number): number {
  const r = resolveAt(t, dirfd, path, { followFinal: false, entry: true });
  if (!r.node) return -ENOENT;
  // do_unlinkat: "." / ".." and directories are EISDIR; a trailing slash on anything else
  // (a symlink to a directory included: it is not followed) is ENOTDIR.
  if (r.name === '' || r.node.kind === 'dir') return -EISDIR;
  if (r.trailingSlash) return -ENOTDIR;
  const dir = r.parent.node;
  if (!dir.unlink) return -EPERM;
  return dir.unlink(r.name);
}

sys(84, 'rmdir', [a('pathname', 'path')], (t, path) => doRmdir(t, AT_FDCWD, path));
sys(87, 'unlink', [a('pathname', 'path')], (t, path) => doUnlink(t, AT_FDCWD, path));
sys(263, 'unlinkat', [fd(), a('pathname', 'path'), a('flags', 'flags', { flags: AT_FLAG_NAMES })], (t, dirfd, path, flags) => {
  if (flags & ~AT_REMOVEDIR) return -EINVAL;
  return flags & AT_REMOVEDIR ? doRmdir(t, dirfd, path) : doUnlink(t, dirfd, path);
});

const RENAME_NOREPLACE = 1, RENAME_EXCHANGE = 2, RENAME_WHITEOUT = 4;
export function doRename(t: Thread, olddirfd: number, oldPath: number, newdirfd: number, newPath: number, flags: number): number {
  if (flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE | RENAME_WHITEOUT)) return -EINVAL;
  if ((flags & RENAME_NOREPLACE) && (flags & RENAME_EXCHANGE)) return -EINVAL;
  if (flags & RENAME_WHITEOUT) return -EINVAL;
  const from = resolveAt(t, olddirfd, oldPath, { followFinal: false, entry: true });
  if (!from.node) return -ENOENT;
  if (from.name === '') return -EBUSY;
  const to = resolveAt(t, newdirfd, newPath, { followFinal: false, entry: true });
  if (to.name === '') return -EBUSY;
  if (from.parent.node.fs !== to.parent.node.fs) return -EXDEV;
  const vfs = t.process.kernel.vfs;
  if (vfs.mountAt(from.path) || vfs.mountAt(to.path)) return -EBUSY;
  if (from.node.kind !== 'dir' && (from.trailingSlash || to.trailingSlash)) return -ENOTDIR;
  if (to.node && !(flags & RENAME_EXCHANGE)) {
    if (flags & RENAME_NOREPLACE) return -EEXIST;
    if (to.node.kind === 'dir' && from.node.kind !== 'dir') return -EISDIR;
    if (to.node.kind !== 'dir' && from.node.kind === 'dir') return -ENOTDIR;
  }
  if (from.node.kind === 'dir' && (to.path + '/').startsWith(from.path + '/') && to.path !== from.path) return -EINVAL;
  if (to.node && to.node.fs.same(to.node, from.node) && !(flags & RENAME_EXCHANGE)) return 0;
  const dir = from.parent.node;
  if (!dir.rename) return -EPERM;
  return dir.rename(from.name, to.parent.node, to.name, flags);
}

sys(82, 'rename', [a('oldpath', 'path'), a('newpath', 'path')], (t, o, n) => doRename(t, AT_FDCWD, o, AT_FDCWD, n, 0));
sys(264, 'renameat', [fd('olddirfd'), a('oldpath', 'path'), fd('newdirfd'), a('newpath', 'path')],
  (t, od, o, nd, n) => doRename(t, od, o, nd, n, 0));
sys(316, 'renameat2', [fd('olddirfd'), a('oldpath', 'path'), fd('newdirfd'), a('newpath', 'path'),
  a('flags', 'flags', { flags: { 1: 'RENAME_NOREPLACE', 2: 'RENAME_EXCHANGE', 4: 'RENAME_WHITEOUT' } })],
(t, od, o, nd, n, flags) => doRename(t, od, o, nd, n, flags));

export function doLink(t: Thread, olddirfd: number, oldPath: number, newdirfd: number, newPath: number, flags: number): number {
  if (flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH)) return -EINVAL;
  let target;
  if (flags & AT_EMPTY_PATH && readString(t, oldPath) === '') target = positionOf(t, olddirfd).node;
  else target = existingAt(t, olddirfd, oldPath, (flags & AT_SYMLINK_FOLLOW) !== 0).node;
  if (target.kind === 'dir') return -EPERM;
  const to = newName(t, newdirfd, newPath);
  if (typeof to === 'number') return to;
  if (to.parent.node.fs !== target.fs) return -EXDEV;
  const dir = to.parent.node;
  if (!dir.link) return -EPERM;
  return dir.link(to.name, target);
}

sys(86, 'link', [a('oldpath', 'path'), a('newpath', 'path')], (t, o, n) => doLink(t, AT_FDCWD, o, AT_FDCWD, n, 0));
sys(265, 'linkat', [fd('olddirfd'), a('oldpath', 'path'), fd('newdirfd'), a('newpath', 'path'), a('flags', 'flags', { flags: AT_FLAG_NAMES })],
  (t, od, o, nd, n, flags) => doLink(t, od, o, nd, n, flags));

export function doSymlink(t: Thread, targetPtr: number, newdirfd: number, newPath: number): number {
  const target = readString(t, targetPtr);
  if (target === '') return -ENOENT;
  const to = newName(t, newdirfd, newPath);
  if (typeof to === 'number') return to;
  const dir = to.parent.node;
  if (!dir.symlink) return -EPERM;
  return dir.symlink(to.name, target);
}

sys(88, 'symlink', [a('target', 'path'), a('linkpath', 'path')], (t, target, link) => doSymlink(t, target, AT_FDCWD, link));
sys(266, 'symlinkat', [a('target', 'path'), fd('newdirfd'), a('linkpath', 'path')], (t, target, dirfd, link) => doSymlink(t, target, dirfd, link));
void ENOTEMPTY;
