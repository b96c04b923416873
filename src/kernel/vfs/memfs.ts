/**
 * An in-memory file system (tmpfs-like): directories, regular files, symlinks, hard links.
 * Used for `options.fs` trees supplied as bytes, for memfd_create, and as a scratch root.
 */
import type { FileSystem, Inode, InodeKind, DirEntry, OpenRequest, StatFs, Credentials } from './types.js';
import { OpenFile, S_IFREG, S_IFDIR, S_IFLNK, S_IFCHR, S_IFIFO, type StatInfo } from '../file.js';
import { EEXIST, ENOENT, ENOTEMPTY, EISDIR, ENOTDIR, EROFS, EXDEV, EINVAL, EFBIG, ELOOP, EPERM, EACCES } from '../errno.js';
import { O_ACCMODE, O_WRONLY, O_RDWR, O_APPEND, O_TRUNC, O_DIRECTORY, O_PATH, O_CREAT, O_EXCL } from '../syscalls/flags.js';
import { DirectoryFile } from './dirfile.js';
import { PathFile } from './hostfs.js';
import type { Thread } from '../thread.js';

let nextDev = 0x30;
export const F_SEAL_SEAL = 1, F_SEAL_SHRINK = 2, F_SEAL_GROW = 4, F_SEAL_WRITE = 8, F_SEAL_FUTURE_WRITE = 0x10;
const MAX_FILE = 2 ** 31;

export class MemFs implements FileSystem {
  readonly name = 'tmpfs';
  readonly dev = nextDev++;
  private nextIno = 2;
  private readonly rootInode: MemInode;
  /** Clock for timestamps (the kernel's realtime clock when available). */
  now: () => bigint = () => BigInt(Date.now()) * 1_000_000n;

  constructor(readonly readOnly = false, readonly uid = 0, readonly gid = 0) {
    this.rootInode = new MemInode(this, 'dir', 0o755);
  }

  allocIno(): number {
    return this.nextIno++;
  }

  root(): MemInode {
    return this.rootInode;
  }

  same(a: Inode, b: Inode): boolean {
    return a === b;
  }

  statfs(): StatFs {
    return { type: 0x01021994, bsize: 4096, blocks: 262144, bfree: 262144, bavail: 262144, files: 65536, ffree: 65536, namelen: 255, frsize: 4096, flags: this.readOnly ? 1 : 0 };
  }

  /** Adds files from a plain description: { "etc/passwd": "root:x:0:0::/root:/bin/sh\n", "bin": {...} }. */
  populate(tree: MemTree, dir: MemInode = this.rootInode): void {
    for (const [name, v] of Object.entries(tree)) {
      const parts = name.split('/').filter((p) => p);
      let d = dir;
      for (const p of parts.slice(0, -1)) {
        let next = d.children!.get(p);
        if (!next) { next = new MemInode(this, 'dir', 0o755); next.parent = d; d.children!.set(p, next); }
        d = next;
      }
      const leaf = parts[parts.length - 1];
      if (v instanceof Uint8Array || typeof v === 'string') {
        const f = new MemInode(this, 'file', 0o644);
        f.data = typeof v === 'string' ? new TextEncoder().encode(v) : v.slice();
        f.size = f.data.length;
        d.children!.set(leaf, f);
      } else if ('symlink' in v && typeof v.symlink === 'string') {
        const l = new MemInode(this, 'symlink', 0o777);
        l.target = v.symlink;
        d.children!.set(leaf, l);
      } else {
        let sub = d.children!.get(leaf);
        if (!sub) { sub = new MemInode(this, 'dir', 0o755); sub.parent = d; d.children!.set(leaf, sub); }
        this.populate(v as MemTree, sub);
      }
    }
  }
}

export interface MemTree {
  [name: string]: string | Uint8Array | MemTree | { symlink: string };
}

export class MemInode implements Inode {
  readonly ino: number;
  mode: number;
  uid: number;
  gid: number;
  nlink = 1;
  atimeNs: bigint;
  mtimeNs: bigint;
  ctimeNs: bigint;
  // file
  data: Uint8Array = new Uint8Array(0);
  size = 0;
  // dir
  children: Map<string, MemInode> | null = null;
  parent: MemInode | null = null;
  // symlink
  target = '';
  rdev = 0;
  /** memfd seals (F_SEAL_*); null for files that cannot be sealed (only memfds can). */
  seals: number | null = null;

  constructor(readonly fs: MemFs, readonly kind: InodeKind, perm: number) {
    this.ino = fs.allocIno();
    const type = kind === 'dir' ? S_IFDIR : kind === 'symlink' ? S_IFLNK : kind === 'chr' ? S_IFCHR : kind === 'fifo' ? S_IFIFO : S_IFREG;
    this.mode = type | (perm & 0o7777);
    this.uid = fs.uid;
    this.gid = fs.gid;
    this.atimeNs = this.mtimeNs = this.ctimeNs = fs.now();
    if (kind === 'dir') { this.children = new Map(); this.nlink = 2; }
  }

  private ro(): number | null {
    return this.fs.readOnly ? -EROFS : null;
  }
  touch(): void {
    this.mtimeNs = this.ctimeNs = this.fs.now();
  }

  stat(): StatInfo {
    return {
      dev: this.fs.dev, ino: this.ino, mode: this.mode, nlink: this.nlink, uid: this.uid, gid: this.gid, rdev: this.rdev,
      size: this.kind === 'dir' ? 4096 : this.kind === 'symlink' ? this.target.length : this.size,
      blksize: 4096, blocks: Math.ceil(this.size / 512), atimeNs: this.atimeNs, mtimeNs: this.mtimeNs, ctimeNs: this.ctimeNs,
    };
  }

  lookup(name: string): Inode | number {
    if (!this.children) return -ENOTDIR;
    return this.children.get(name) ?? -ENOENT;
  }

  readdir(): DirEntry[] {
    return [...this.children!].map(([name, n]) => ({ name, ino: n.ino, kind: n.kind }));
  }

  private add(name: string, n: MemInode): number {
    if (this.children!.has(name)) return -EEXIST;
    if (this.nlink === 0) return -ENOENT; // a removed directory takes no new entries
    this.children!.set(name, n);
    if (n.kind === 'dir') { n.parent = this; this.nlink++; }
    this.touch();
    return 0;
  }

  create(name: string, mode: number): Inode | number {
    const e = this.ro();
    if (e) return e;
    const f = new MemInode(this.fs, 'file', mode);
    const r = this.add(name, f);
    return r < 0 ? r : f;
  }

  mkdir(name: string, mode: number): number {
    return this.ro() ?? this.add(name, new MemInode(this.fs, 'dir', mode));
  }

  mknod(name: string, mode: number): number {
    const e = this.ro();
    if (e) return e;
    const type = mode & 0o170000;
    if (type === S_IFIFO) return this.add(name, new MemInode(this.fs, 'fifo', mode));
    if (type === S_IFREG || type === 0) return this.add(name, new MemInode(this.fs, 'file', mode));
    return -EPERM;
  }

  symlink(name: string, target: string): number {
    const e = this.ro();
    if (e) return e;
    const l = new MemInode(this.fs, 'symlink', 0o777);
    l.target = target;
    return this.add(name, l);
  }

  link(name: string, target: Inode): number {
    const e = this.ro();
    if (e) return e;
    if (!(target instanceof MemInode) || target.fs !== this.fs) return -EXDEV;
    if (target.kind === 'dir') return -EPERM;
    const r = this.add(name, target);
    if (r === 0) { target.nlink++; target.ctimeNs = this.fs.now(); }
    return r;
  }

  unlink(name: string): number {
    const e = this.ro();
    if (e) return e;
    const n = this.children!.get(name);
    if (!n) return -ENOENT;
    if (n.kind === 'dir') return -EISDIR;
    this.children!.delete(name);
    n.nlink--;
    n.ctimeNs = this.fs.now();
    this.touch();
    return 0;
  }

  rmdir(name: string): number {
    const e = this.ro();
    if (e) return e;
    const n = this.children!.get(name);
    if (!n) return -ENOENT;
    if (n.kind !== 'dir') return -ENOTDIR;
    if (n.children!.size > 0) return -ENOTEMPTY;
    this.children!.delete(name);
    this.nlink--;
    n.nlink = 0;
    this.touch();
    return 0;
  }

  rename(name: string, newDir: Inode, newName: string, flags: number): number {
    const e = this.ro();
    if (e) return e;
    if (!(newDir instanceof MemInode) || newDir.fs !== this.fs) return -EXDEV;
    const n = this.children!.get(name);
    if (!n) return -ENOENT;
    // Moving a directory into its own subtree is EINVAL.
    for (let d: MemInode | null = newDir; d; d = d.parent) if (d === n) return -EINVAL;
    const existing = newDir.children!.get(newName);
    const RENAME_NOREPLACE = 1, RENAME_EXCHANGE = 2;
    if (flags & RENAME_EXCHANGE) {
      if (!existing) return -ENOENT;
      this.children!.set(name, existing);
      newDir.children!.set(newName, n);
      if (existing.kind === 'dir') existing.parent = this;
      if (n.kind === 'dir') n.parent = newDir;
      return 0;
    }
    if (existing) {
      if (flags & RENAME_NOREPLACE) return -EEXIST;
      if (existing === n) return 0;
      if (existing.kind === 'dir') {
        if (n.kind !== 'dir') return -EISDIR;
        if (existing.children!.size) return -ENOTEMPTY;
        newDir.nlink--;
      } else if (n.kind === 'dir') return -ENOTDIR;
      existing.nlink--;
    }
    this.children!.delete(name);
    newDir.children!.set(newName, n);
    if (n.kind === 'dir') { this.nlink--; newDir.nlink++; n.parent = newDir; }
    this.touch();
    newDir.touch();
    return 0;
  }

  readlink(): string | number {
    return this.kind === 'symlink' ? this.target : -EINVAL;
  }

  open(req: OpenRequest): OpenFile | number {
    const acc = req.flags & O_ACCMODE;
    if (req.flags & O_PATH) return new PathFile(this, req.path, req.flags);
    if (this.kind === 'dir') {
      if (acc !== 0) return -EISDIR;
      return new DirectoryFile(this, req.path, req.flags);
    }
    if (req.flags & O_DIRECTORY) return -ENOTDIR;
    if (this.kind === 'symlink') return -ELOOP;
    const writes = acc === O_WRONLY || acc === O_RDWR;
    if ((writes || req.flags & O_TRUNC) && this.fs.readOnly) return -EROFS;
    if (req.flags & O_TRUNC && writes) this.truncate(0);
    const f = new MemFile(this, req.path);
    f.flags = req.flags & ~(O_CREAT | O_EXCL | O_TRUNC | 0o2000000);
    return f;
  }

  truncate(len: number): number {
    if (this.kind === 'dir') return -EISDIR;
    if (len > MAX_FILE) return -EFBIG;
    // memfd_create(2): F_SEAL_SHRINK / F_SEAL_GROW refuse size changes with EPERM.
    if (this.seals && ((len < this.size && this.seals & F_SEAL_SHRINK) || (len > this.size && this.seals & F_SEAL_GROW))) return -EPERM;
    this.ensure(len);
    if (len < this.size) this.data.fill(0, len, this.size);
    this.size = len;
    this.touch();
    return 0;
  }

  ensure(len: number): void {
    if (len <= this.data.length) return;
    const n = new Uint8Array(Math.max(len, this.data.length * 2, 4096));
    n.set(this.data.subarray(0, this.size));
    this.data = n;
  }

  chmod(mode: number): number {
    const e = this.ro();
    if (e) return e;
    this.mode = (this.mode & 0o170000) | (mode & 0o7777);
    this.ctimeNs = this.fs.now();
    return 0;
  }

  chown(uid: number, gid: number): number {
    const e = this.ro();
    if (e) return e;
    if (uid !== -1 && uid !== 0xffffffff) this.uid = uid;
    if (gid !== -1 && gid !== 0xffffffff) this.gid = gid;
    this.ctimeNs = this.fs.now();
    return 0;
  }

  utimes(atimeNs: bigint | null, mtimeNs: bigint | null): number {
    const e = this.ro();
    if (e) return e;
    if (atimeNs !== null) this.atimeNs = atimeNs;
    if (mtimeNs !== null) this.mtimeNs = mtimeNs;
    this.ctimeNs = this.fs.now();
    return 0;
  }

  /**
   * generic_permission (fs/namei.c): the owner, group or other triple decides; root may read
   * and write anything and execute what has an execute bit somewhere (or is a directory).
   */
  access(mode: number, cred: Credentials): number {
    const want = mode & 7;
    if (!want) return 0;
    const perm = this.mode & 0o777;
    if (cred.uid === 0) return want & 1 && this.kind !== 'dir' && !(perm & 0o111) ? -EACCES : 0;
    const bits = cred.uid === this.uid ? perm >> 6 : cred.gid === this.gid || cred.groups.includes(this.gid) ? (perm >> 3) & 7 : perm & 7;
    return (bits & want) === want ? 0 : -EACCES;
  }
}

export class MemFile extends OpenFile {
  pos = 0;
  constructor(override readonly inode: MemInode, readonly name: string) {
    super();
  }
  override read(_t: Thread, len: number): Uint8Array {
    const r = this.pread(len, this.pos);
    this.pos += r.length;
    return r;
  }
  override pread(len: number, pos: number): Uint8Array {
    const n = this.inode;
    if (pos >= n.size) return new Uint8Array(0);
    return n.data.slice(pos, Math.min(n.size, pos + len));
  }
  override write(_t: Thread, data: Uint8Array): number {
    if (this.flags & O_APPEND) this.pos = this.inode.size;
    const r = this.pwrite(data, this.pos);
    if (r > 0) this.pos += r;
    return r;
  }
  override pwrite(data: Uint8Array, pos: number): number {
    const n = this.inode;
    if (pos + data.length > MAX_FILE) return -EFBIG;
    if (n.seals && (n.seals & (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE) || (n.seals & F_SEAL_GROW && pos + data.length > n.size))) return -EPERM;
    n.ensure(pos + data.length);
    n.data.set(data, pos);
    if (pos + data.length > n.size) n.size = pos + data.length;
    n.touch();
    return data.length;
  }
  override lseek(off: number, whence: number): number {
    const base = whence === 0 ? 0 : whence === 1 ? this.pos : whence === 2 ? this.inode.size : -1;
    if (base < 0) {
      if (whence === 3 || whence === 4) {
        if (off < 0 || off >= this.inode.size) return -6;
        return (this.pos = whence === 3 ? off : this.inode.size);
      }
      return -EINVAL;
    }
    if (base + off < 0) return -EINVAL;
    return (this.pos = base + off);
  }
  stat(): StatInfo {
    return this.inode.stat();
  }
  override truncate(len: number): number {
    return this.inode.truncate(len);
  }
  mmapBytes(offset: number, len: number): Uint8Array {
    return this.pread(len, offset);
  }
}
