/**
 * A host directory passed through to the guest (like qemu-user's default view of "/", or a
 * sandbox root with --root DIR). Each inode is a host path that the VFS built by joining the
 * mount's host directory with names it looked up one at a time (never with ".", ".." or a
 * symlink target), and every host open uses O_NOFOLLOW, so the host kernel never resolves a
 * guest-controlled path on our behalf.
 *
 * Known limit: an *external* host process swapping a directory for a symlink between our lookup
 * and our use could redirect one access; the guest itself cannot, since x64run runs guest
 * threads one at a time and each syscall resolves and acts synchronously.
 */
import * as fs from 'node:fs';
import * as nodePath from 'node:path';
import type { FileSystem, Inode, InodeKind, DirEntry, OpenRequest, StatFs } from './types.js';
import { OpenFile, S_IFMT, S_IFREG, S_IFDIR, S_IFLNK, S_IFCHR, S_IFBLK, S_IFIFO, S_IFSOCK, type StatInfo } from '../file.js';
import { EROFS, EISDIR, ENOTDIR, EINVAL, EEXIST, hostErrno, EBADF, EXDEV, ESPIPE } from '../errno.js';
import type { Thread } from '../thread.js';
import { O_ACCMODE, O_WRONLY, O_RDWR, O_APPEND, O_TRUNC, O_DIRECTORY, O_NONBLOCK, O_SYNC, O_DSYNC, O_PATH, O_CREAT, O_EXCL } from '../syscalls/flags.js';
import { DirectoryFile } from './dirfile.js';

const C = fs.constants;

export function kindOfMode(mode: number): InodeKind {
  switch (mode & S_IFMT) {
    case S_IFDIR: return 'dir';
    case S_IFLNK: return 'symlink';
    case S_IFCHR: return 'chr';
    case S_IFBLK: return 'blk';
    case S_IFIFO: return 'fifo';
    case S_IFSOCK: return 'sock';
    default: return 'file';
  }
}

export function statFromHost(s: fs.BigIntStats): StatInfo {
  return {
    dev: Number(s.dev), ino: Number(s.ino), mode: Number(s.mode), nlink: Number(s.nlink), uid: Number(s.uid), gid: Number(s.gid),
    rdev: Number(s.rdev), size: Number(s.size), blksize: Number(s.blksize), blocks: Number(s.blocks),
    atimeNs: s.atimeNs, mtimeNs: s.mtimeNs, ctimeNs: s.ctimeNs,
  };
}

/**
 * The guest already applied its own umask to `mode` (open(2), mkdir(2)); the host process's
 * umask must not strip more. Restores the permission bits the guest asked for when the host
 * created the entry with fewer (other bits, e.g. an inherited S_ISGID, are kept).
 */
function exactPermissions(st: fs.Stats, mode: number, chmod: (m: number) => void): void {
  if ((st.mode & 0o777) !== (mode & 0o777)) chmod((st.mode & 0o7000) | (mode & 0o777));
}

/**
 * Runs a host call, mapping a thrown host error to -errno. Careful: for calls that themselves
 * return numbers (openSync, readSync, writeSync) test `< 0`, not `typeof === 'number'`.
 */
function host<T>(f: () => T): T | number {
  try {
    return f();
  } catch (e) {
    return -hostErrno(e);
  }
}

/** Times the guest set, kept at full precision (see HostFs.setTimes). */
interface ExactTimes {
  atimeNs: bigint;
  mtimeNs: bigint;
  /** What the host stored for them: the exact values apply while the host still reports these. */
  hostAtimeNs: bigint;
  hostMtimeNs: bigint;
}

/**
 * A time in seconds for Node's utimes family such that libuv's conversion back
 * (uv__fs_to_timespec: tv_sec = trunc(t), tv_nsec = (t - tv_sec) * 1e9 rounded down to whole
 * microseconds) yields exactly the microsecond of `ns`: the half-microsecond offset absorbs
 * the double's rounding error (about 0.12 us for present-day times).
 */
export function nodeTimeSeconds(ns: bigint): number {
  const us = ns >= 0n ? ns / 1000n : -((-ns + 999n) / 1000n);
  const sec = us >= 0n ? us / 1_000_000n : -((-us + 999_999n) / 1_000_000n);
  const frac = us - sec * 1_000_000n;
  return Number(sec) + (Number(frac) + 0.5) / 1e6;
}

export class HostFs implements FileSystem {
  readonly name = 'hostfs';
  private readonly rootInode: HostInode;
  /**
   * Node sets file times with microsecond precision only (utimensat(2) takes nanoseconds).
   * The nanoseconds the guest asked for are remembered per host inode and reported by stat
   * for as long as the host still shows the microsecond value we stored.
   */
  private readonly exactTimes = new Map<string, ExactTimes>();

  constructor(readonly hostRoot: string, readonly readOnly = false) {
    this.hostRoot = nodePath.resolve(hostRoot);
    this.rootInode = new HostInode(this, this.hostRoot, 'dir');
  }

  root(): Inode {
    return this.rootInode;
  }

  same(a: Inode, b: Inode): boolean {
    return a instanceof HostInode && b instanceof HostInode && a.hostPath === b.hostPath;
  }

  /** struct stat of a host file as the guest sees it. */
  statOf(s: fs.BigIntStats): StatInfo {
    const st = statFromHost(s);
    const exact = this.exactTimes.get(`${s.dev}:${s.ino}`);
    if (exact) {
      if (st.atimeNs === exact.hostAtimeNs) st.atimeNs = exact.atimeNs;
      if (st.mtimeNs === exact.hostMtimeNs) st.mtimeNs = exact.mtimeNs;
    }
    return st;
  }

  /** Sets atime/mtime (null = leave as is) of a host path without following a final symlink. */
  setTimes(hostPath: string, atimeNs: bigint | null, mtimeNs: bigint | null): number {
    const cur = host(() => fs.lstatSync(hostPath, { bigint: true }));
    if (typeof cur === 'number') return cur;
    const old = this.statOf(cur);
    const at = atimeNs ?? old.atimeNs, mt = mtimeNs ?? old.mtimeNs;
    const r = host(() => fs.lutimesSync(hostPath, nodeTimeSeconds(at), nodeTimeSeconds(mt)));
    if (typeof r === 'number') return r;
    const now = host(() => fs.lstatSync(hostPath, { bigint: true }));
    if (typeof now !== 'number') {
      this.exactTimes.set(`${now.dev}:${now.ino}`, { atimeNs: at, mtimeNs: mt, hostAtimeNs: now.atimeNs, hostMtimeNs: now.mtimeNs });
    }
    return 0;
  }

  statfs(): StatFs {
    const r = host(() => fs.statfsSync(this.hostRoot, { bigint: false }));
    if (typeof r === 'number') {
      return { type: 0xef53, bsize: 4096, blocks: 0, bfree: 0, bavail: 0, files: 0, ffree: 0, namelen: 255, frsize: 4096, flags: 0 };
    }
    return {
      type: r.type, bsize: r.bsize, blocks: r.blocks, bfree: r.bfree, bavail: r.bavail, files: r.files, ffree: r.ffree,
      namelen: 255, frsize: r.bsize, flags: this.readOnly ? 1 : 0,
    };
  }
}

export class HostInode implements Inode {
  constructor(readonly fs: HostFs, readonly hostPath: string, readonly kind: InodeKind) {}

  private child(name: string): string {
    return this.hostPath === '/' ? `/${name}` : `${this.hostPath}/${name}`;
  }

  private ro(): number | null {
    return this.fs.readOnly ? -EROFS : null;
  }

  stat(): StatInfo | number {
    return host(() => this.fs.statOf(fs.lstatSync(this.hostPath, { bigint: true })));
  }

  lookup(name: string): Inode | number {
    const p = this.child(name);
    const s = host(() => fs.lstatSync(p, { bigint: true }));
    if (typeof s === 'number') return s;
    return new HostInode(this.fs, p, kindOfMode(Number(s.mode)));
  }

  readdir(): DirEntry[] | number {
    // opendir/readSync returns entries in the host file system's own order (what getdents gives
    // natively); readdirSync would return them sorted by libuv's scandir.
    const list = host(() => {
      const dir = fs.opendirSync(this.hostPath);
      const names: { name: string }[] = [];
      try {
        for (let d = dir.readSync(); d !== null; d = dir.readSync()) names.push({ name: d.name });
      } finally {
        dir.closeSync();
      }
      return names;
    });
    if (typeof list === 'number') return list;
    const out: DirEntry[] = [];
    for (const d of list) {
      const s = host(() => fs.lstatSync(this.child(d.name), { bigint: true }));
      if (typeof s === 'number') continue; // vanished meanwhile
      out.push({ name: d.name, ino: Number(s.ino), kind: kindOfMode(Number(s.mode)) });
    }
    return out;
  }

  create(name: string, mode: number): Inode | number {
    const e = this.ro();
    if (e) return e;
    const p = this.child(name);
    // host() returns -errno for failures; descriptors and byte counts are >= 0.
    const fd = host(() => fs.openSync(p, C.O_CREAT | C.O_EXCL | C.O_WRONLY | C.O_NOFOLLOW, mode));
    if (fd < 0) return fd;
    try {
      exactPermissions(fs.fstatSync(fd), mode, (m) => fs.fchmodSync(fd, m));
    } catch { /* keep what the host made */ }
    fs.closeSync(fd);
    return new HostInode(this.fs, p, 'file');
  }

  mkdir(name: string, mode: number): number {
    const e = this.ro();
    if (e) return e;
    const p = this.child(name);
    const r = host(() => fs.mkdirSync(p, { mode }));
    if (typeof r === 'number') return r;
    try {
      exactPermissions(fs.lstatSync(p), mode, (m) => fs.chmodSync(p, m));
    } catch { /* keep what the host made */ }
    return 0;
  }

  mknod(name: string, mode: number): number {
    const e = this.ro();
    if (e) return e;
    // Node has no mknod: regular files are created, FIFOs and devices are refused.
    if ((mode & S_IFMT) === S_IFREG || (mode & S_IFMT) === 0) {
      const r = this.create(name, mode & 0o7777);
      return typeof r === 'number' ? r : 0;
    }
    return -1; // EPERM, as for an unprivileged user creating devices
  }

  symlink(name: string, target: string): number {
    const e = this.ro();
    if (e) return e;
    // The host link stores the guest's target text verbatim; the VFS resolves it in the guest namespace.
    const r = host(() => fs.symlinkSync(target, this.child(name)));
    return typeof r === 'number' ? r : 0;
  }

  link(name: string, target: Inode): number {
    const e = this.ro();
    if (e) return e;
    if (!(target instanceof HostInode) || target.fs !== this.fs) return -EXDEV;
    const r = host(() => fs.linkSync(target.hostPath, this.child(name)));
    return typeof r === 'number' ? r : 0;
  }

  unlink(name: string): number {
    const e = this.ro();
    if (e) return e;
    const r = host(() => fs.unlinkSync(this.child(name)));
    return typeof r === 'number' ? r : 0;
  }

  rmdir(name: string): number {
    const e = this.ro();
    if (e) return e;
    const r = host(() => fs.rmdirSync(this.child(name)));
    return typeof r === 'number' ? r : 0;
  }

  rename(name: string, newDir: Inode, newName: string, flags: number): number {
    const e = this.ro();
    if (e) return e;
    if (!(newDir instanceof HostInode) || newDir.fs !== this.fs) return -EXDEV;
    const from = this.child(name), to = newDir.child(newName);
    const RENAME_NOREPLACE = 1, RENAME_EXCHANGE = 2;
    if (flags & RENAME_EXCHANGE) {
      // Emulated with a temporary name (not atomic on the host).
      const tmp = `${to}.x64run-exchange-${process.pid}`;
      const r = host(() => { fs.renameSync(to, tmp); fs.renameSync(from, to); fs.renameSync(tmp, from); });
      return typeof r === 'number' ? r : 0;
    }
    if (flags & RENAME_NOREPLACE) {
      const exists = host(() => fs.lstatSync(to));
      if (typeof exists !== 'number') return -EEXIST;
    }
    const r = host(() => fs.renameSync(from, to));
    return typeof r === 'number' ? r : 0;
  }

  readlink(): string | number {
    return host(() => fs.readlinkSync(this.hostPath, { encoding: 'utf8' }));
  }

  open(req: OpenRequest): OpenFile | number {
    const acc = req.flags & O_ACCMODE;
    const writes = acc === O_WRONLY || acc === O_RDWR || (req.flags & O_TRUNC) !== 0;
    if (req.flags & O_PATH) return new PathFile(this, req.path, req.flags);
    if (this.kind === 'dir') {
      if (acc !== 0) return -EISDIR;
      return new DirectoryFile(this, req.path, req.flags);
    }
    if (req.flags & O_DIRECTORY) return -ENOTDIR;
    if (writes && this.fs.readOnly) return -EROFS;
    if (this.kind === 'symlink') return -40; // ELOOP: O_NOFOLLOW on a symlink
    let hf = acc === O_WRONLY ? C.O_WRONLY : acc === O_RDWR ? C.O_RDWR : C.O_RDONLY;
    hf |= C.O_NOFOLLOW;
    if (req.flags & O_APPEND) hf |= C.O_APPEND;
    if (req.flags & O_TRUNC) hf |= C.O_TRUNC;
    if (req.flags & O_NONBLOCK || this.kind === 'fifo') hf |= C.O_NONBLOCK;
    if (req.flags & O_SYNC) hf |= C.O_SYNC;
    else if (req.flags & O_DSYNC) hf |= C.O_DSYNC;
    void O_CREAT; void O_EXCL;
    const fd = host(() => fs.openSync(this.hostPath, hf));
    if (fd < 0) return fd;
    const f = new HostFile(this, fd, req.path);
    f.flags = req.flags & ~(O_CREAT | O_EXCL | O_TRUNC | 0o2000000 /* O_CLOEXEC */);
    return f;
  }

  truncate(len: number): number {
    const e = this.ro();
    if (e) return e;
    if (this.kind === 'dir') return -EISDIR;
    const r = host(() => fs.truncateSync(this.hostPath, len));
    return typeof r === 'number' ? r : 0;
  }

  chmod(mode: number): number {
    const e = this.ro();
    if (e) return e;
    if (this.kind === 'symlink') return -95; // EOPNOTSUPP (fchmodat AT_SYMLINK_NOFOLLOW)
    const r = host(() => fs.chmodSync(this.hostPath, mode & 0o7777));
    return typeof r === 'number' ? r : 0;
  }

  chown(uid: number, gid: number): number {
    const e = this.ro();
    if (e) return e;
    const r = host(() => fs.lchownSync(this.hostPath, uid, gid));
    return typeof r === 'number' ? r : 0;
  }

  utimes(atimeNs: bigint | null, mtimeNs: bigint | null): number {
    const e = this.ro();
    if (e) return e;
    return this.fs.setTimes(this.hostPath, atimeNs, mtimeNs);
  }

  access(mode: number): number {
    const r = host(() => fs.accessSync(this.hostPath, mode));
    return typeof r === 'number' ? r : 0;
  }
}

/** An open regular file (or FIFO/device) on the host, with the offset kept here so dup()s share it. */
export class HostFile extends OpenFile {
  pos = 0;
  constructor(override readonly inode: HostInode, readonly fd: number, readonly name: string) {
    super();
  }

  override read(_t: Thread, len: number): Uint8Array | number {
    const r = this.pread(len, this.inode.kind === 'file' ? this.pos : -1);
    if (typeof r !== 'number' && this.inode.kind === 'file') this.pos += r.length;
    return r;
  }

  override pread(len: number, pos: number): Uint8Array | number {
    const buf = Buffer.allocUnsafe(Math.min(len, 1 << 24));
    const n = host(() => fs.readSync(this.fd, buf, 0, buf.length, pos < 0 ? null : pos));
    if (typeof n === 'number' && n < 0) return n;
    return buf.subarray(0, n as number);
  }

  override write(_t: Thread, data: Uint8Array): number {
    if (this.flags & O_APPEND) {
      const n = host(() => fs.writeSync(this.fd, data, 0, data.length, null));
      if (n < 0) return n;
      const st = host(() => fs.fstatSync(this.fd));
      if (typeof st !== 'number') this.pos = st.size;
      return n;
    }
    const n = this.pwrite(data, this.inode.kind === 'file' ? this.pos : -1);
    if (n > 0 && this.inode.kind === 'file') this.pos += n;
    return n;
  }

  override pwrite(data: Uint8Array, pos: number): number {
    return host(() => fs.writeSync(this.fd, data, 0, data.length, pos < 0 ? null : pos));
  }

  override lseek(off: number, whence: number): number {
    if (this.inode.kind !== 'file' && this.inode.kind !== 'blk') return -ESPIPE;
    let base: number;
    switch (whence) {
      case 0: base = 0; break;
      case 1: base = this.pos; break;
      case 2: case 3: case 4: {
        const st = host(() => fs.fstatSync(this.fd));
        if (typeof st === 'number') return st;
        if (whence === 2) { base = st.size; break; }
        // SEEK_DATA / SEEK_HOLE: the whole file is data, the hole is at EOF.
        if (off < 0 || off >= st.size) return -6; // ENXIO
        return (this.pos = whence === 3 ? off : st.size);
      }
      default: return -EINVAL;
    }
    const n = base + off;
    if (n < 0) return -EINVAL;
    this.pos = n;
    return n;
  }

  stat(): StatInfo | number {
    return host(() => this.inode.fs.statOf(fs.fstatSync(this.fd, { bigint: true })));
  }

  override truncate(len: number): number {
    const r = host(() => fs.ftruncateSync(this.fd, len));
    return typeof r === 'number' ? r : 0;
  }

  override sync(): number {
    const r = host(() => fs.fsyncSync(this.fd));
    return typeof r === 'number' ? r : 0;
  }

  /** Private file mappings copy the file's bytes (see mm.ts). */
  mmapBytes(offset: number, len: number): Uint8Array | number {
    const r = this.pread(len, offset);
    return r;
  }

  override release(): void {
    try { fs.closeSync(this.fd); } catch { /* already closed */ }
  }
}

/** O_PATH descriptors: usable as dirfds and for fstat, not for I/O. */
export class PathFile extends OpenFile {
  constructor(override readonly inode: Inode, readonly name: string, flags: number) {
    super();
    this.flags = flags;
  }
  override read(): number { return -EBADF; }
  override write(): number { return -EBADF; }
  stat(): StatInfo | number {
    return this.inode.stat();
  }
}
void S_IFCHR; void S_IFBLK; void S_IFIFO; void S_IFSOCK; void S_IFLNK; void S_IFDIR;
