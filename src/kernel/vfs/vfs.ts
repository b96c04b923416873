/**
 * Path resolution over the mount table (Linux's namei, fs/namei.c, in miniature).
 *
 * Every guest path is resolved here, one component at a time, from the root, the current
 * directory or a directory descriptor: "." and ".." are handled on a stack of canonical
 * directories (".." never climbs above the root), symlinks are read and expanded by us (at most
 * 40 per resolution, ELOOP beyond), mount points switch file systems. A file system is only
 * ever asked to look up a single name inside a directory it owns, so no guest string reaches
 * the host as a path: with a host directory mounted at "/", the guest cannot name anything
 * outside it.
 */
import type { FileSystem, Inode } from './types.js';
import { ENOENT, ENOTDIR, ELOOP, ENAMETOOLONG, EXDEV } from '../errno.js';

export const MAX_SYMLINKS = 40;
export const PATH_MAX = 4096;
export const NAME_MAX = 255;

// openat2 RESOLVE_* flags (include/uapi/linux/openat2.h).
export const RESOLVE_NO_XDEV = 0x01, RESOLVE_NO_MAGICLINKS = 0x02, RESOLVE_NO_SYMLINKS = 0x04;
export const RESOLVE_BENEATH = 0x08, RESOLVE_IN_ROOT = 0x10, RESOLVE_CACHED = 0x20;

export interface Position {
  path: string; // canonical guest path ('/' for the root)
  node: Inode;
}

export interface ResolveOptions {
  /** Follow a symlink in the final component (false for lstat, O_NOFOLLOW, unlink...). */
  followFinal: boolean;
  /**
   * The final component names the directory entry the call acts on (unlink, rmdir, rename):
   * it is never followed, not even with a trailing slash, and a trailing slash does not make
   * a non-directory an error here; the caller applies its own rule (Linux looks the last
   * component up with LOOKUP_PARENT semantics in do_unlinkat/do_rmdir/do_renameat2).
   */
  entry?: boolean;
  /** openat2 RESOLVE_* flags. */
  resolve?: number;
}

export interface Resolved {
  /** The final inode, or null if the final component does not exist (the parent does). */
  node: Inode | null;
  parent: Position;
  /** Final component name ('' when the path names the root or ends in '.'/'..'). */
  name: string;
  /** Canonical guest path of the result. */
  path: string;
  /** The path ended with '/' (the result must be a directory). */
  trailingSlash: boolean;
}

interface Mount {
  path: string;
  fs: FileSystem;
}

/** Symlinks whose readlink is not a path in the guest namespace ("pipe:[3]", "anon_inode:..."). */
export interface MagicLink {
  magicTarget(): Position | number;
}
function isMagic(n: Inode): n is Inode & MagicLink {
  return typeof (n as unknown as MagicLink).magicTarget === 'function';
}

export class Vfs {
  private mounts: Mount[] = [];

  constructor(rootFs: FileSystem) {
    this.mounts.push({ path: '/', fs: rootFs });
  }

  mount(path: string, fs: FileSystem): void {
    this.mounts = this.mounts.filter((m) => m.path !== path);
    this.mounts.push({ path, fs });
  }

  mountAt(path: string): FileSystem | undefined {
    return this.mounts.find((m) => m.path === path)?.fs;
  }

  rootPos(): Position {
    return { path: '/', node: this.mounts[0].fs.root() };
  }

  /** Mount point paths (for /proc/self/mounts). */
  mountList(): { path: string; fs: FileSystem }[] {
    return [...this.mounts];
  }

  /** Re-walks a canonical path from the root into a stack of positions (no symlinks expected). */
  walkCanonical(path: string): Position[] | number {
    const stack: Position[] = [this.rootPos()];
    for (const comp of path.split('/').filter((c) => c.length > 0)) {
      const top = stack[stack.length - 1];
      const next = this.step(top, comp);
      if (typeof next === 'number') return next;
      stack.push(next);
    }
    return stack;
  }

  /** Resolves an absolute guest path (following symlinks) to a position, or -errno. */
  walkPosition(path: string): Position | number {
    if (!path.startsWith('/')) return -ENOENT;
    const r = this.resolve(this.rootPos(), path, { followFinal: true });
    if (typeof r === 'number') return r;
    if (!r.node) return -ENOENT;
    return { path: r.path, node: r.node };
  }

  /** Looks up one name in a directory position, switching to a mounted fs where one is mounted. */
  private step(dir: Position, name: string): Position | number {
    const childPath = dir.path === '/' ? `/${name}` : `${dir.path}/${name}`;
    const mounted = this.mountAt(childPath);
    if (mounted) return { path: childPath, node: mounted.root() };
    if (dir.node.kind !== 'dir' || !dir.node.lookup) return -ENOTDIR;
    const n = dir.node.lookup(name);
    if (typeof n === 'number') return n;
    return { path: childPath, node: n };
  }

  /**
   * Resolves `path` starting at `start` (the cwd or a dirfd's directory; absolute paths start at
   * the root). Returns -errno for failures before the final component; a missing final component
   * yields node = null with its parent.
   */
  resolve(start: Position, path: string, opts: ResolveOptions): Resolved | number {
    if (path.length === 0) return -ENOENT;
    if (path.length >= PATH_MAX) return -ENAMETOOLONG;
    const rflags = opts.resolve ?? 0;
    const beneath = (rflags & (RESOLVE_BENEATH | RESOLVE_IN_ROOT)) !== 0;
    // The stack holds the directories from the resolution root down to the current directory.
    let base: Position[];
    if (path.startsWith('/') && !(rflags & RESOLVE_IN_ROOT)) {
      if (rflags & RESOLVE_BENEATH) return -EXDEV;
      base = [this.rootPos()];
    } else {
      const w = this.walkCanonical(start.path);
      // A start directory that no longer has a path (a removed cwd, a dirfd of a removed
      // directory) still works for names below it; ".." cannot climb out of it.
      base = typeof w === 'number' ? [start] : w;
    }
    const floor = beneath ? base.length - 1 : 0; // ".." may not climb below this index
    const stack = base;
    const comps = path.split('/');
    let trailingSlash = path.endsWith('/');
    let links = 0;
    // Work list of remaining components (symlink targets are spliced in front).
    const todo = comps.filter((c) => c.length > 0).reverse();
    let lastName = '';
    let missing = false;
    while (todo.length > 0) {
      const name = todo.pop()!;
      const isLast = todo.length === 0;
      if (name.length > NAME_MAX) return -ENAMETOOLONG;
      const cur = stack[stack.length - 1];
      if (name === '.') {
        if (cur.node.kind !== 'dir') return -ENOTDIR;
        lastName = '';
        continue;
      }
      if (name === '..') {
        if (cur.node.kind !== 'dir') return -ENOTDIR;
        if (stack.length - 1 > floor) stack.pop();
        else if (beneath && rflags & RESOLVE_BENEATH) return -EXDEV;
        lastName = '';
        continue;
      }
      const next = this.step(cur, name);
      if (typeof next === 'number') {
        if (next === -ENOENT && isLast) {
          lastName = name;
          missing = true;
          break;
        }
        return next;
      }
      if (rflags & RESOLVE_NO_XDEV && next.node.fs !== cur.node.fs) return -EXDEV;
      if (next.node.kind === 'symlink' && (!isLast || opts.followFinal || (trailingSlash && !opts.entry))) {
        if (rflags & RESOLVE_NO_SYMLINKS) return -ELOOP;
        if (++links > MAX_SYMLINKS) return -ELOOP;
        if (isMagic(next.node)) {
          if (rflags & RESOLVE_NO_MAGICLINKS) return -ELOOP;
          const target = next.node.magicTarget();
          if (typeof target === 'number') return target;
          const w = this.walkCanonical(target.path);
          if (typeof w === 'number') {
            // Magic links to objects without a path (pipes, deleted files) resolve to the object itself.
            stack.push(target);
          } else {
            stack.length = 0;
            stack.push(...w);
          }
          lastName = '';
          continue;
        }
        const target = next.node.readlink!();
        if (typeof target === 'number') return target;
        if (target.length === 0) return -ENOENT;
        if (target.startsWith('/')) {
          if (rflags & RESOLVE_BENEATH) return -EXDEV;
          if (rflags & RESOLVE_IN_ROOT) stack.length = floor + 1;
          else { stack.length = 0; stack.push(this.rootPos()); }
        }
        const parts = target.split('/').filter((c) => c.length > 0);
        for (let k = parts.length - 1; k >= 0; k--) todo.push(parts[k]);
        if (isLast && target.endsWith('/')) trailingSlash = true;
        lastName = '';
        continue;
      }
      stack.push(next);
      lastName = name;
    }
    if (missing) {
      const parent = stack[stack.length - 1];
      const path2 = parent.path === '/' ? `/${lastName}` : `${parent.path}/${lastName}`;
      return { node: null, parent, name: lastName, path: path2, trailingSlash };
    }
    const top = stack[stack.length - 1];
    if (trailingSlash && top.node.kind !== 'dir' && !opts.entry) return -ENOTDIR;
    const parent = stack.length > 1 ? stack[stack.length - 2] : top;
    return { node: top.node, parent, name: lastName, path: top.path, trailingSlash };
  }
}
