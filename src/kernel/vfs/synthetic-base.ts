/**
 * Building blocks for synthetic file systems (/proc, /dev): directories whose children are
 * computed on lookup, files whose content is generated when opened, symlinks with computed
 * targets, and "magic" links that point at a VFS position rather than a path string.
 */
import type { FileSystem, Inode, InodeKind, DirEntry, OpenRequest, StatFs } from './types.js';
import { OpenFile, S_IFREG, S_IFDIR, S_IFLNK, S_IFCHR, type StatInfo } from '../file.js';
import { ENOENT, EACCES, EISDIR, ENOTDIR, EINVAL, EROFS } from '../errno.js';
import { O_ACCMODE, O_PATH } from '../syscalls/flags.js';
import { DirectoryFile } from './dirfile.js';
import { PathFile } from './hostfs.js';
import type { Position, MagicLink } from './vfs.js';
import type { Thread } from '../thread.js';

let inoCounter = 1;
const inoByKey = new Map<string, number>();
/** Stable inode numbers per synthetic path. */
export function synthIno(key: string): number {
  let n = inoByKey.get(key);
  if (n === undefined) inoByKey.set(key, (n = 0x1000 + inoCounter++));
  return n;
}

export abstract class SynthFs implements FileSystem {
  abstract readonly name: string;
  readonly readOnly = false;
  abstract readonly dev: number;
  abstract root(): Inode;
  same(a: Inode, b: Inode): boolean {
    return a instanceof SynthNode && b instanceof SynthNode && a.key === b.key;
  }
  statfs(): StatFs {
    return { type: this.name === 'proc' ? 0x9fa0 : 0x01021994, bsize: 4096, blocks: 0, bfree: 0, bavail: 0, files: 0, ffree: 0, namelen: 255, frsize: 4096, flags: 0 };
  }
}

export abstract class SynthNode implements Inode {
  abstract readonly kind: InodeKind;
  mode = 0o444;
  rdev = 0;
  constructor(readonly fs: SynthFs, readonly key: string) {}

  stat(): StatInfo {
    const type = this.kind === 'dir' ? S_IFDIR : this.kind === 'symlink' ? S_IFLNK : this.kind === 'chr' ? S_IFCHR : S_IFREG;
    return {
      dev: this.fs.dev, ino: synthIno(`${this.fs.name}:${this.key}`), mode: type | this.mode, nlink: this.kind === 'dir' ? 2 : 1,
      uid: 0, gid: 0, rdev: this.rdev, size: 0, blksize: 1024, blocks: 0, atimeNs: 0n, mtimeNs: 0n, ctimeNs: 0n,
    };
  }

  open(req: OpenRequest): OpenFile | number {
    if (req.flags & O_PATH) return new PathFile(this, req.path, req.flags);
    return -EINVAL;
  }
}

/** A directory listing computed on demand. */
export class SynthDir extends SynthNode {
  readonly kind = 'dir' as const;
  override mode = 0o555;
  constructor(fs: SynthFs, key: string, readonly entries: () => Map<string, () => Inode>, readonly owner?: { uid: number; gid: number }) {
    super(fs, key);
  }
  override stat(): StatInfo {
    const s = super.stat();
    if (this.owner) { s.uid = this.owner.uid; s.gid = this.owner.gid; }
    return s;
  }
  lookup(name: string): Inode | number {
    const make = this.entries().get(name);
    return make ? make() : -ENOENT;
  }
  readdir(): DirEntry[] {
    return [...this.entries()].map(([name, make]) => {
      const n = make();
      const st = n.stat();
      return { name, ino: typeof st === 'number' ? 0 : st.ino, kind: n.kind };
    });
  }
  override open(req: OpenRequest): OpenFile | number {
    if (req.flags & O_PATH) return new PathFile(this, req.path, req.flags);
    if ((req.flags & O_ACCMODE) !== 0) return -EISDIR;
    return new DirectoryFile(this, req.path, req.flags);
  }
}

/** A read-only file whose content is produced when it is opened (like seq_file). */
export class SynthFile extends SynthNode {
  readonly kind = 'file' as const;
  constructor(fs: SynthFs, key: string, readonly content: (() => Uint8Array | string) | string, readonly owner?: { uid: number; gid: number }) {
    super(fs, key);
  }
  override stat(): StatInfo {
    const s = super.stat();
    if (this.owner) { s.uid = this.owner.uid; s.gid = this.owner.gid; }
    return s;
  }
  override open(req: OpenRequest): OpenFile | number {
    if (req.flags & O_PATH) return new PathFile(this, req.path, req.flags);
    if ((req.flags & O_ACCMODE) !== 0) return -EACCES;
    const c = typeof this.content === 'string' ? this.content : this.content();
    return new BufferFile(this, req.path, typeof c === 'string' ? new TextEncoder().encode(c) : c);
  }
}

/** A symlink with a computed target text; with `magic` it resolves to a VFS position instead. */
export class SynthLink extends SynthNode implements Partial<MagicLink> {
  readonly kind = 'symlink' as const;
  override mode = 0o777;
  magicTarget?: () => Position | number;
  constructor(fs: SynthFs, key: string, readonly target: () => string | number, magic?: () => Position | number) {
    super(fs, key);
    if (magic) this.magicTarget = magic;
  }
  readlink(): string | number {
    return this.target();
  }
}

/** An open snapshot of generated content. */
export class BufferFile extends OpenFile {
  pos = 0;
  constructor(override readonly inode: Inode, readonly name: string, readonly data: Uint8Array) {
    super();
  }
  override read(_t: Thread, len: number): Uint8Array {
    const r = this.data.slice(this.pos, Math.min(this.data.length, this.pos + len));
    this.pos += r.length;
    return r;
  }
  override pread(len: number, pos: number): Uint8Array {
    return this.data.slice(pos, Math.min(this.data.length, pos + len));
  }
  override write(): number {
    return -EROFS;
  }
  override lseek(off: number, whence: number): number {
    const base = whence === 0 ? 0 : whence === 1 ? this.pos : whence === 2 ? this.data.length : NaN;
    if (Number.isNaN(base) || base + off < 0) return -EINVAL;
    return (this.pos = base + off);
  }
  stat(): StatInfo | number {
    return this.inode.stat();
  }
  mmapBytes(offset: number, len: number): Uint8Array {
    return this.data.slice(offset, offset + len);
  }
}

export { ENOTDIR };
