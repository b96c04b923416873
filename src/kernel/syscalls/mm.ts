/**
 * Memory management: brk, mmap, munmap, mprotect, mremap, madvise
 * (mm/mmap.c, mm/mprotect.c, mm/mremap.c, mm/madvise.c semantics for the checks).
 */
import { sys, a } from '../syscall-table.js';
import type { Thread } from '../thread.js';
import { EINVAL, ENOMEM, EPERM, EEXIST, EBADF, ENODEV, EACCES, EFAULT } from '../errno.js';
import {
  MAP_SHARED, MAP_PRIVATE, MAP_SHARED_VALIDATE, MAP_TYPE, MAP_FIXED, MAP_ANONYMOUS, MAP_FIXED_NOREPLACE,
  MAP_GROWSDOWN, MAP_DENYWRITE, MAP_EXECUTABLE, MAP_LOCKED, MAP_NORESERVE, MAP_POPULATE, MAP_NONBLOCK, MAP_STACK,
  MAP_HUGETLB, MAP_FLAG_NAMES, PROT_NAMES,
} from './flags.js';
import { PAGE_SIZE, PAGE_MASK, WINDOW_SIZE, PROT_READ, PROT_WRITE, PROT_EXEC } from '../../memory/memory.js';
import { MMAP_MIN_ADDR, pageAlignUp } from '../../memory/address-space.js';
import type { OpenFile } from '../file.js';

/**
 * Files that can be mapped expose their bytes (private mappings copy them). Objects whose
 * pages the kernel shares with the guest instead implement OpenFile.mmapShared (io_uring rings):
 * doMmap maps fresh read-write pages and hands them over, and the object keeps using them.
 */
export interface Mappable {
  mmapBytes(offset: number, len: number): Uint8Array | number;
}
function isMappable(f: OpenFile): f is OpenFile & Mappable {
  return typeof (f as unknown as Mappable).mmapBytes === 'function';
}

const PROT_MASK = PROT_READ | PROT_WRITE | PROT_EXEC;
const PROT_GROWSDOWN = 0x01000000, PROT_GROWSUP = 0x02000000;
const KNOWN_MAP_FLAGS = MAP_TYPE | MAP_FIXED | MAP_ANONYMOUS | MAP_GROWSDOWN | MAP_DENYWRITE | MAP_EXECUTABLE | MAP_LOCKED |
  MAP_NORESERVE | MAP_POPULATE | MAP_NONBLOCK | MAP_STACK | MAP_HUGETLB | MAP_FIXED_NOREPLACE;

sys(12, 'brk', [a('addr', 'ptr')], (t, addr) => t.process.as.brk(addr), { ret: 'ptr' });

/** mmap(2). Returns the address or -errno. */
export function doMmap(t: Thread, addr: number, len: number, prot: number, flags: number, fd: number, off: number): number {
  const as = t.process.as;
  if (len === 0) return -EINVAL;
  if (off % PAGE_SIZE !== 0 || off < 0) return -EINVAL;
  const type = flags & MAP_TYPE;
  if (type !== MAP_SHARED && type !== MAP_PRIVATE && type !== MAP_SHARED_VALIDATE) return -EINVAL;
  if (type === MAP_SHARED_VALIDATE && (flags & ~KNOWN_MAP_FLAGS)) return -EOPNOTSUPP_;
  if (flags & MAP_HUGETLB) return -EINVAL;
  if (prot & ~(PROT_MASK | PROT_GROWSDOWN | PROT_GROWSUP)) return -EINVAL;
  const size = pageAlignUp(len);
  if (size > WINDOW_SIZE) return -ENOMEM;
  const fixed = (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) !== 0;
  let where: number;
  if (fixed) {
    if (addr & PAGE_MASK) return -EINVAL;
    if (addr < MMAP_MIN_ADDR) return -EPERM;
    if (addr + size > WINDOW_SIZE) {
      t.process.kernel.warnOnce('mmap-window', `x64run: MAP_FIXED at 0x${addr.toString(16)} is above the 4 GiB guest window`);
      return -ENOMEM;
    }
    if ((flags & MAP_FIXED_NOREPLACE) && !(flags & MAP_FIXED) && as.isAnyMapped(addr, addr + size)) return -EEXIST;
    where = addr;
  } else {
    const hint = addr & ~PAGE_MASK;
    if (hint >= MMAP_MIN_ADDR && hint + size <= WINDOW_SIZE && !as.isAnyMapped(hint, hint + size) &&
        (hint >= as.brkCur + 0x1000000 || hint + size <= as.brkStart)) {
      where = hint;
    } else {
      const found = as.findFree(size);
      if (found === undefined) return -ENOMEM;
      where = found;
    }
  }
  let data: Uint8Array | null = null;
  let name = '';
  if (!(flags & MAP_ANONYMOUS)) {
    const f = t.process.fds.get(fd);
    if (!f) return -EBADF;
    if (f.mmapShared) {
      if ((f.flags & 3) === 1) return -EACCES; // O_WRONLY
      // Shared kernel pages (io_uring rings): the object places its bytes in the new mapping.
      as.map(where, size, PROT_READ | PROT_WRITE, f.name, true, off);
      const r = f.mmapShared(as, where, size, off);
      if (r < 0) {
        as.unmap(where, size);
        return r;
      }
      as.protect(where, size, prot & PROT_MASK);
      return where;
    }
    if (!isMappable(f)) return -ENODEV;
    if ((f.flags & 3) === 1) return -EACCES; // O_WRONLY
    const bytes = f.mmapBytes(off, size);
    if (typeof bytes === 'number') return bytes;
    data = bytes;
    name = f.name;
    if (type !== MAP_PRIVATE) {
      t.process.kernel.warnOnce('mmap-shared-file', 'x64run: MAP_SHARED file mappings are private copies (writes do not reach the file)');
    }
  }
  const vma = as.map(where, size, PROT_READ | PROT_WRITE, name, type !== MAP_PRIVATE, off);
  if (data) as.mem.u8.set(data.subarray(0, Math.min(data.length, size)), where);
  as.protect(where, size, prot & PROT_MASK);
  void vma;
  return where;
}
const EOPNOTSUPP_ = 95;

sys(9, 'mmap', [a('addr', 'ptr'), a('length', 'size'), a('prot', 'flags', { flags: PROT_NAMES }),
  a('flags', 'flags', { flags: MAP_FLAG_NAMES }), a('fd', 'fd'), a('offset', 'off')], doMmap,
{ ret: 'ptr', support: 'partial', note: 'anonymous and private file mappings; MAP_SHARED files are copied' });

sys(11, 'munmap', [a('addr', 'ptr'), a('length', 'size')], (t, addr, len) => {
  if (addr & PAGE_MASK || len === 0) return -EINVAL;
  const size = pageAlignUp(len);
  if (addr + size > WINDOW_SIZE) return addr >= WINDOW_SIZE ? 0 : -EINVAL;
  t.process.as.unmap(addr, size);
  return 0;
});

sys(10, 'mprotect', [a('addr', 'ptr'), a('length', 'size'), a('prot', 'flags', { flags: PROT_NAMES })], (t, addr, len, prot) => {
  if (addr & PAGE_MASK) return -EINVAL;
  if (prot & ~(PROT_MASK | PROT_GROWSDOWN | PROT_GROWSUP)) return -EINVAL;
  const size = pageAlignUp(len);
  if (size === 0) return 0;
  if (addr + size > WINDOW_SIZE) return -ENOMEM;
  return t.process.as.protect(addr, size, prot & PROT_MASK) ? 0 : -ENOMEM;
});

const MREMAP_MAYMOVE = 1, MREMAP_FIXED = 2, MREMAP_DONTUNMAP = 4;
sys(25, 'mremap', [a('old_address', 'ptr'), a('old_size', 'size'), a('new_size', 'size'),
  a('flags', 'flags', { flags: { 1: 'MREMAP_MAYMOVE', 2: 'MREMAP_FIXED', 4: 'MREMAP_DONTUNMAP' } }), a('new_address', 'ptr')],
(t, oldAddr, oldLen, newLen, flags, newAddr) => {
  const as = t.process.as;
  if (oldAddr & PAGE_MASK) return -EINVAL;
  if (flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP)) return -EINVAL;
  if ((flags & MREMAP_FIXED) && !(flags & MREMAP_MAYMOVE)) return -EINVAL;
  if (flags & MREMAP_DONTUNMAP) return -EINVAL;
  const oldSize = pageAlignUp(oldLen), newSize = pageAlignUp(newLen);
  if (newSize === 0) return -EINVAL;
  const vma = as.findVma(oldAddr);
  if (!vma || oldAddr + oldSize > vma.end) return -EFAULT;
  if (flags & MREMAP_FIXED) {
    if (newAddr & PAGE_MASK) return -EINVAL;
    if (newAddr + newSize > WINDOW_SIZE || newAddr < MMAP_MIN_ADDR) return -EINVAL;
    return move(t, oldAddr, oldSize, newSize, newAddr);
  }
  if (newSize <= oldSize) {
    if (newSize < oldSize) as.unmap(oldAddr + newSize, oldSize - newSize);
    return oldAddr;
  }
  const growEnd = oldAddr + newSize;
  if (oldAddr + oldSize === vma.end && growEnd <= WINDOW_SIZE && !as.isAnyMapped(vma.end, growEnd)) {
    const prot = vma.prot;
    as.map(vma.end, growEnd - vma.end, PROT_READ | PROT_WRITE, vma.name, vma.shared, vma.offset + (vma.end - vma.start));
    as.protect(oldAddr + oldSize, newSize - oldSize, prot);
    return oldAddr;
  }
  if (!(flags & MREMAP_MAYMOVE)) return -ENOMEM;
  const dest = as.findFree(newSize);
  if (dest === undefined) return -ENOMEM;
  return move(t, oldAddr, oldSize, newSize, dest);
}, { ret: 'ptr' });

function move(t: Thread, oldAddr: number, oldSize: number, newSize: number, dest: number): number {
  const as = t.process.as;
  const vma = as.findVma(oldAddr)!;
  const keep = as.mem.u8.slice(oldAddr, oldAddr + Math.min(oldSize, newSize));
  const prot = vma.prot;
  as.unmap(oldAddr, oldSize);
  as.map(dest, newSize, PROT_READ | PROT_WRITE, vma.name, vma.shared, vma.offset);
  as.mem.u8.set(keep, dest);
  as.protect(dest, newSize, prot);
  return dest;
}

const MADV_DONTNEED = 4, MADV_REMOVE = 9, MADV_FREE = 8;
sys(28, 'madvise', [a('addr', 'ptr'), a('length', 'size'), a('advice', 'int')], (t, addr, len, advice) => doMadvise(t, addr, len, advice),
  { support: 'partial', note: 'MADV_DONTNEED zero-fills private pages; other advice is accepted and ignored' });

/** The body of madvise(2) (also io_uring's MADVISE). */
export function doMadvise(t: Thread, addr: number, len: number, advice: number): number {
  if (addr & PAGE_MASK) return -EINVAL;
  const size = pageAlignUp(len);
  if (size === 0) return 0;
  const as = t.process.as;
  if (!as.isFullyMapped(addr, addr + size)) return -ENOMEM;
  if (advice === MADV_DONTNEED || advice === MADV_REMOVE) {
    // Private anonymous pages read back as zero after MADV_DONTNEED.
    for (const v of as.vmas) {
      const s = Math.max(v.start, addr), e = Math.min(v.end, addr + size);
      if (s < e && !v.shared) as.mem.u8.fill(0, s, e);
    }
  }
  void MADV_FREE;
  return 0;
}
