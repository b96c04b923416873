/**
 * Objects without a name in the guest's namespace (pipes, eventfds, memfds' deleted files,
 * the standard streams x64run captures) seen through /proc/self/fd/N, which Linux makes
 * "magic links" (proc(5)): stat(2) through the link describes the object itself (what
 * fstat(2) of the descriptor says), and open(2) through it reopens the object: a pipe gets a
 * new description with the requested access mode, the standard streams are handed back as
 * they are, and other anonymous objects refuse with ENXIO (OpenFile.reopen).
 */
import type { FileSystem, Inode, InodeKind, OpenRequest, StatFs } from './types.js';
import { OpenFile, S_IFMT, type StatInfo } from '../file.js';
import { kindOfMode } from './hostfs.js';
import { ENOTDIR } from '../errno.js';

class AnonFs implements FileSystem {
  readonly name = 'anon_inodefs';
  readonly readOnly = false;
  root(): Inode {
    throw new Error('anon_inodefs is never mounted');
  }
  same(a: Inode, b: Inode): boolean {
    return a instanceof AnonInode && b instanceof AnonInode && a.file === b.file;
  }
  statfs(): StatFs {
    return { type: 0x09041934, bsize: 4096, blocks: 0, bfree: 0, bavail: 0, files: 0, ffree: 0, namelen: 255, frsize: 4096, flags: 0 };
  }
}
const anonFs = new AnonFs();

export class AnonInode implements Inode {
  readonly fs: FileSystem = anonFs;
  readonly kind: InodeKind;
  constructor(readonly file: OpenFile) {
    const st = file.stat();
    this.kind = typeof st === 'number' || (st.mode & S_IFMT) === 0 ? 'file' : kindOfMode(st.mode);
  }
  stat(): StatInfo | number {
    return this.file.stat();
  }
  lookup(): number {
    return -ENOTDIR;
  }
  open(req: OpenRequest): OpenFile | number {
    return this.file.reopen(req.flags);
  }
}
