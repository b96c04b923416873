/**
 * Syscall-side helpers around the VFS: starting directories for *at() calls (AT_FDCWD, dirfds,
 * AT_EMPTY_PATH), reading a path argument, and the common "resolve or fail" patterns.
 */
import type { Thread } from '../thread.js';
import type { Process } from '../process.js';
import type { Position, Resolved, ResolveOptions } from './vfs.js';
import { SyscallError } from '../syscall-table.js';
import { EBADF, ENOTDIR, ENOENT } from '../errno.js';
import { readString } from '../guest-mem.js';
import { AT_FDCWD } from '../syscalls/flags.js';
import type { Inode } from './types.js';

/** The VFS position of an open file (directories opened through the VFS record theirs). */
export function positionOf(t: Thread, fd: number): Position {
  const f = t.process.fds.get(fd);
  if (!f) throw new SyscallError(EBADF);
  if (!f.inode || f.vfsPath === undefined) throw new SyscallError(ENOTDIR);
  return { path: f.vfsPath, node: f.inode };
}

/** Starting directory for a relative path: the cwd for AT_FDCWD, else the directory fd. */
export function startDir(t: Thread, dirfd: number, path: string): Position {
  const k = t.process.kernel;
  if (path.startsWith('/')) return k.vfs.rootPos();
  if (dirfd === AT_FDCWD) return cwdPosition(t);
  const p = positionOf(t, dirfd);
  if (p.node.kind !== 'dir') throw new SyscallError(ENOTDIR);
  return p;
}

export function cwdPosition(t: Thread): Position {
  return processCwd(t.process).pos;
}

/**
 * The current directory of a process, and whether it was removed (or replaced by another
 * directory) since chdir: its path then no longer leads to it. Relative lookups keep using
 * the removed directory itself, like Linux keeps the dentry; getcwd reports ENOENT.
 */
export function processCwd(p: Process): { pos: Position; removed: boolean } {
  const vfs = p.kernel.vfs;
  const w = vfs.walkCanonical(p.cwd);
  if (typeof w !== 'number') {
    const top = w[w.length - 1];
    if (!p.cwdNode || top.node.fs.same(top.node, p.cwdNode)) return { pos: top, removed: false };
  }
  if (p.cwdNode) return { pos: { path: p.cwd, node: p.cwdNode }, removed: true };
  // The initial cwd does not exist: lookups start at the root.
  return { pos: vfs.rootPos(), removed: true };
}

/** Reads the path argument and resolves it; throws SyscallError on failure. */
export function resolveAt(t: Thread, dirfd: number, pathPtr: number, opts: ResolveOptions, allowEmpty = false): Resolved & { text: string } {
  const text = readString(t, pathPtr);
  if (text === '') {
    if (!allowEmpty) throw new SyscallError(ENOENT);
    const pos = dirfd === AT_FDCWD ? cwdPosition(t) : positionOf(t, dirfd);
    return { node: pos.node, parent: pos, name: '', path: pos.path, trailingSlash: false, text };
  }
  const r = t.process.kernel.vfs.resolve(startDir(t, dirfd, text), text, opts);
  if (typeof r === 'number') throw new SyscallError(-r);
  return { ...r, text };
}

/** Like resolveAt, but the final component must exist. */
export function existingAt(t: Thread, dirfd: number, pathPtr: number, follow: boolean, allowEmpty = false): Resolved & { node: Inode; text: string } {
  const r = resolveAt(t, dirfd, pathPtr, { followFinal: follow }, allowEmpty);
  if (!r.node) throw new SyscallError(ENOENT);
  return r as Resolved & { node: Inode; text: string };
}

/** Unwraps an inode operation result (number < 0 = -errno). */
export function check<T>(v: T | number): T {
  if (typeof v === 'number' && v < 0) throw new SyscallError(-v);
  return v as T;
}
