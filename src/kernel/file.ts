/**
 * Open file descriptions and the per-process descriptor table.
 *
 * An OpenFile is what a file descriptor points to (Linux's `struct file`): dup'ed descriptors
 * share it, and with it the offset and status flags. Concrete kinds live next to the code that
 * creates them (stdio.ts here; host files, pipes, /proc and /dev come with the VFS).
 */
import { EBADF, EINVAL, ENOTTY, ESPIPE, EMFILE, ENXIO } from './errno.js';
import type { Thread } from './thread.js';
import type { AddressSpace } from '../memory/address-space.js';

export const S_IFMT = 0o170000, S_IFSOCK = 0o140000, S_IFLNK = 0o120000, S_IFREG = 0o100000, S_IFBLK = 0o060000;
export const S_IFDIR = 0o040000, S_IFCHR = 0o020000, S_IFIFO = 0o010000;

/** What fstat reports (struct stat fields as numbers; times in nanoseconds since the epoch). */
export interface StatInfo {
  dev: number;
  ino: number;
  mode: number;
  nlink: number;
  uid: number;
  gid: number;
  rdev: number;
  size: number;
  blksize: number;
  blocks: number;
  atimeNs: bigint;
  mtimeNs: bigint;
  ctimeNs: bigint;
}

export abstract class OpenFile {
  /** Status flags (O_ACCMODE, O_APPEND, O_NONBLOCK, ...) as set by open/fcntl(F_SETFL). */
  flags = 0;
  /** Number of descriptors referring to this description. */
  refs = 0;
  /** Path for /proc/self/fd and traces. */
  abstract readonly name: string;
  /** Canonical guest path and inode when the file was opened through the VFS (dirfds, fchdir, /proc/self/fd). */
  vfsPath?: string;
  inode?: import('./vfs/types.js').Inode;

  /** Reads up to `len` bytes: the data (possibly empty at EOF), -errno, or a Promise when it must wait. */
  read(_t: Thread, _len: number): Uint8Array | number | Promise<Uint8Array | number> {
    return -EBADF;
  }
  /** Writes `data`: bytes written, -errno, or a Promise. */
  write(_t: Thread, _data: Uint8Array): number | Promise<number> {
    return -EBADF;
  }
  lseek(_off: number, _whence: number): number {
    return -ESPIPE;
  }
  abstract stat(): StatInfo | number;
  ioctl(_t: Thread, _req: number, _arg: number): number {
    return -ENOTTY;
  }
  /** pread(2)/pwrite(2): -ESPIPE unless the file is seekable. */
  pread(_len: number, _pos: number): Uint8Array | number {
    return -ESPIPE;
  }
  pwrite(_data: Uint8Array, _pos: number): number {
    return -ESPIPE;
  }
  /** ftruncate(2) */
  truncate(_len: number): number {
    return -EINVAL;
  }
  /** fsync(2)/fdatasync(2) */
  sync(): number {
    return 0;
  }
  /** Readiness for poll/select: POLLIN 1, POLLOUT 4 (files are always ready). */
  poll(): number {
    return 1 | 4;
  }
  /**
   * open(2) through a /proc/self/fd/N link of an object that has no path (vfs/anon.ts):
   * a new description (pipes), this same description (standard streams), or -errno.
   * Linux refuses sockets and most anonymous inodes with ENXIO.
   */
  reopen(_flags: number): OpenFile | number {
    return -ENXIO;
  }
  /**
   * mmap(2) of an object whose pages the kernel shares with the guest (io_uring rings). When
   * present, doMmap maps [addr, addr+len) read-write and zero-filled, then calls this: the object
   * places its bytes there and from then on reads and writes them in place. Returns 0, or -errno
   * (doMmap then unmaps the range, like a failing f_op->mmap).
   */
  mmapShared?(as: AddressSpace, addr: number, len: number, offset: number): number;
  /** Called when the last descriptor goes away. */
  release(): void {}
  /** Run after release() when the last descriptor goes away (lock tables register here). */
  lastCloseHooks?: (() => void)[];
}

export interface FdEntry {
  file: OpenFile;
  cloexec: boolean;
}

export const RLIMIT_NOFILE_DEFAULT = 1024;

export class FdTable {
  readonly fds = new Map<number, FdEntry>();
  limit = RLIMIT_NOFILE_DEFAULT;
  /**
   * Called whenever a descriptor of this table is closed (close, dup2 over it, close_range,
   * exit): POSIX record locks of the owning process are released by any close of the file.
   */
  onClose: ((f: OpenFile) => void) | null = null;

  get(fd: number): OpenFile | undefined {
    return this.fds.get(fd)?.file;
  }

  /** Installs `file` at the lowest free descriptor >= min; returns it or -EMFILE. */
  install(file: OpenFile, cloexec = false, min = 0): number {
    let fd = min;
    while (this.fds.has(fd)) fd++;
    if (fd >= this.limit) return -EMFILE;
    this.set(fd, file, cloexec);
    return fd;
  }

  /** Puts `file` at exactly `fd`, closing what was there. */
  set(fd: number, file: OpenFile, cloexec = false): void {
    if (fd < 0) throw new RangeError('negative fd');
    file.refs++;
    const old = this.fds.get(fd);
    this.fds.set(fd, { file, cloexec });
    if (old) this.drop(old.file);
  }

  close(fd: number): number {
    const e = this.fds.get(fd);
    if (!e) return -EBADF;
    this.fds.delete(fd);
    this.drop(e.file);
    return 0;
  }

  private drop(f: OpenFile): void {
    this.onClose?.(f);
    if (--f.refs === 0) {
      f.release();
      if (f.lastCloseHooks) for (const h of f.lastCloseHooks.splice(0)) h();
    }
  }

  /** Copy for fork (descriptions are shared, like Linux). */
  clone(): FdTable {
    const t = new FdTable();
    t.limit = this.limit;
    for (const [fd, e] of this.fds) t.set(fd, e.file, e.cloexec);
    return t;
  }

  closeAll(): void {
    for (const fd of [...this.fds.keys()]) this.close(fd);
  }
}

/** -EINVAL helper for handlers that validate flags. */
export function unsupportedFlags(flags: number, allowed: number): boolean {
  return (flags & ~allowed) !== 0;
}
export { EINVAL };
