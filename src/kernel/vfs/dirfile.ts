/**
 * An open directory: getdents64 reads a snapshot of its entries (taken at open and after a
 * rewind), "." and ".." first, with d_off cookies = index of the next entry, so telldir/seekdir
 * and rewinddir (lseek to 0) work.
 */
import { OpenFile, type StatInfo } from '../file.js';
import { EISDIR, EINVAL } from '../errno.js';
import type { Inode, DirEntry } from './types.js';
import type { Thread } from '../thread.js';

export const DT_UNKNOWN = 0, DT_FIFO = 1, DT_CHR = 2, DT_DIR = 4, DT_BLK = 6, DT_REG = 8, DT_LNK = 10, DT_SOCK = 12;
const DT: Record<string, number> = { file: DT_REG, dir: DT_DIR, symlink: DT_LNK, chr: DT_CHR, blk: DT_BLK, fifo: DT_FIFO, sock: DT_SOCK };

export class DirectoryFile extends OpenFile {
  private entries: DirEntry[] | null = null;
  pos = 0;
  /** Inode number of the parent directory (for ".."); set by the opener. */
  parentIno = 0;

  constructor(override readonly inode: Inode, readonly name: string, flags: number) {
    super();
    this.flags = flags;
  }

  override read(_t: Thread): number {
    return -EISDIR;
  }

  override write(): number {
    return -EISDIR;
  }

  stat(): StatInfo | number {
    return this.inode.stat();
  }

  private load(): DirEntry[] | number {
    if (this.entries) return this.entries;
    const list = this.inode.readdir!();
    if (typeof list === 'number') return list;
    const self = this.inode.stat();
    const ino = typeof self === 'number' ? 0 : self.ino;
    this.entries = [{ name: '.', ino, kind: 'dir' }, { name: '..', ino: this.parentIno || ino, kind: 'dir' }, ...list];
    return this.entries;
  }

  /** Serialises linux_dirent64 records {u64 ino, s64 off, u16 reclen, u8 type, name\0} (8-aligned) into at most `size` bytes. */
  getdents64(size: number): Uint8Array | number {
    const list = this.load();
    if (typeof list === 'number') return list;
    const out = new Uint8Array(size);
    const dv = new DataView(out.buffer);
    const enc = new TextEncoder();
    let used = 0;
    while (this.pos < list.length) {
      const e = list[this.pos];
      const name = enc.encode(e.name);
      const reclen = (19 + name.length + 1 + 7) & ~7;
      if (used + reclen > size) {
        if (used === 0) return -EINVAL; // buffer too small for one entry
        break;
      }
      dv.setBigUint64(used, BigInt(e.ino), true);
      dv.setBigInt64(used + 8, BigInt(this.pos + 1), true);
      dv.setUint16(used + 16, reclen, true);
      out[used + 18] = DT[e.kind] ?? DT_UNKNOWN;
      out.set(name, used + 19);
      out[used + 19 + name.length] = 0;
      used += reclen;
      this.pos++;
    }
    return out.subarray(0, used);
  }

  override lseek(off: number, whence: number): number {
    if (whence === 0) {
      if (off < 0) return -EINVAL;
      if (off === 0) this.entries = null; // rewinddir re-reads the directory
      this.pos = off;
      return off;
    }
    if (whence === 1) {
      const n = this.pos + off;
      if (n < 0) return -EINVAL;
      return (this.pos = n);
    }
    return -EINVAL;
  }
}
