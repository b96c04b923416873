/**
 * Positional and in-kernel transfers: pread64, pwrite64, preadv, pwritev, preadv2, pwritev2,
 * sendfile, copy_file_range.
 */
import { sys, a, SyscallError } from '../syscall-table.js';
import type { Thread } from '../thread.js';
import { EINVAL, EBADF, ESPIPE, EISDIR, EXDEV } from '../errno.js';
import { copyIn, copyOut, read64, write64 } from '../guest-mem.js';
import { fileOf } from './io.js';
import { O_ACCMODE, O_APPEND, O_WRONLY, O_RDWR } from './flags.js';
import type { OpenFile } from '../file.js';

const MAX_RW = 0x7ffff000;

function readable(f: OpenFile): boolean {
  return (f.flags & O_ACCMODE) !== O_WRONLY;
}
function writable(f: OpenFile): boolean {
  const m = f.flags & O_ACCMODE;
  return m === O_WRONLY || m === O_RDWR;
}

function doPread(t: Thread, fd: number, buf: number, count: number, off: number): number {
  return preadFrom(t, fileOf(t, fd), buf, count, off);
}

/** The body of pread64(2) on an open file description (also io_uring's positional reads). */
export function preadFrom(t: Thread, f: OpenFile, buf: number, count: number, off: number): number {
  if (!readable(f)) return -EBADF;
  if (off < 0) return -EINVAL;
  if (f.inode?.kind === 'dir') return -EISDIR;
  const r = f.pread(Math.min(count, MAX_RW), off);
  if (typeof r === 'number') return r;
  copyOut(t, buf, r);
  return r.length;
}

function doPwrite(t: Thread, fd: number, buf: number, count: number, off: number): number {
  return pwriteTo(t, fileOf(t, fd), buf, count, off);
}

/** The body of pwrite64(2) on an open file description (also io_uring's positional writes). */
export function pwriteTo(t: Thread, f: OpenFile, buf: number, count: number, off: number): number {
  if (!writable(f)) return -EBADF;
  if (off < 0) return -EINVAL;
  const data = copyIn(t, buf, Math.min(count, MAX_RW));
  // Linux quirk (pwrite(2) BUGS): with O_APPEND, pwrite appends regardless of the offset.
  if (f.flags & O_APPEND) return f.write(t, data) as number;
  return f.pwrite(data, off);
}

sys(17, 'pread64', [a('fd', 'fd'), a('buf', 'buf', { dir: 'out' }), a('count', 'size'), a('offset', 'off')],
  (t, fd, buf, count, off) => doPread(t, fd, buf, count, off));
sys(18, 'pwrite64', [a('fd', 'fd'), a('buf', 'buf', { dir: 'in' }), a('count', 'size'), a('offset', 'off')],
  (t, fd, buf, count, off) => doPwrite(t, fd, buf, count, off));

function iovecs(t: Thread, iov: number, cnt: number): { base: number; len: number }[] {
  if (cnt < 0 || cnt > 1024) throw new SyscallError(EINVAL);
  const raw = copyIn(t, iov, cnt * 16);
  const dv = new DataView(raw.buffer);
  const out = [];
  for (let k = 0; k < cnt; k++) out.push({ base: Number(dv.getBigUint64(k * 16, true)), len: Number(dv.getBigUint64(k * 16 + 8, true)) });
  return out;
}

function doPreadv(t: Thread, fd: number, iov: number, cnt: number, off: number): number {
  const f = fileOf(t, fd);
  if (off === -1) {
    // preadv2 with offset -1 uses (and advances) the file position.
    let total = 0;
    for (const v of iovecs(t, iov, cnt)) {
      const r = f.read(t, v.len);
      if (typeof r === 'number') return total || r;
      if (r instanceof Promise) throw new SyscallError(ESPIPE);
      copyOut(t, v.base, r);
      total += r.length;
      if (r.length < v.len) break;
    }
    return total;
  }
  let total = 0;
  for (const v of iovecs(t, iov, cnt)) {
    const r = doPread(t, fd, v.base, v.len, off + total);
    if (r < 0) return total || r;
    total += r;
    if (r < v.len) break;
  }
  return total;
}

function doPwritev(t: Thread, fd: number, iov: number, cnt: number, off: number): number {
  const f = fileOf(t, fd);
  const parts = iovecs(t, iov, cnt).map((v) => copyIn(t, v.base, v.len));
  const data = Buffer.concat(parts);
  if (off === -1) {
    const r = f.write(t, data);
    if (r instanceof Promise) throw new SyscallError(ESPIPE);
    return r;
  }
  return doPwrite2(t, fd, data, off);
}

function doPwrite2(t: Thread, fd: number, data: Uint8Array, off: number): number {
  const f = fileOf(t, fd);
  if (!writable(f)) return -EBADF;
  if (off < 0) return -EINVAL;
  if (f.flags & O_APPEND) return f.write(t, data) as number;
  return f.pwrite(data, off);
}

sys(295, 'preadv', [a('fd', 'fd'), a('iov', 'ptr'), a('iovcnt', 'int'), a('offset', 'off')], (t, fd, iov, cnt, off) => off < 0 ? -EINVAL : doPreadv(t, fd, iov, cnt, off));
sys(296, 'pwritev', [a('fd', 'fd'), a('iov', 'ptr'), a('iovcnt', 'int'), a('offset', 'off')], (t, fd, iov, cnt, off) => off < 0 ? -EINVAL : doPwritev(t, fd, iov, cnt, off));
const RWF_KNOWN = 0x1f; // HIPRI DSYNC SYNC NOWAIT APPEND
sys(327, 'preadv2', [a('fd', 'fd'), a('iov', 'ptr'), a('iovcnt', 'int'), a('offset', 'off'), a('pos_h', 'ulong'), a('flags', 'hex')],
  (t, fd, iov, cnt, off, _h, flags) => (flags & ~RWF_KNOWN ? -95 : off < -1 ? -EINVAL : doPreadv(t, fd, iov, cnt, off)));
sys(328, 'pwritev2', [a('fd', 'fd'), a('iov', 'ptr'), a('iovcnt', 'int'), a('offset', 'off'), a('pos_h', 'ulong'), a('flags', 'hex')],
  (t, fd, iov, cnt, off, _h, flags) => (flags & ~RWF_KNOWN ? -95 : off < -1 ? -EINVAL : doPwritev(t, fd, iov, cnt, off)));

// ------------------------------------------------------------------ sendfile / copy_file_range

/** Moves up to `count` bytes from `in` (at *offPtr or its position) to `out`. */
function transfer(t: Thread, outFd: number, inFd: number, offPtr: number, count: number, outOffPtr = 0): number {
  const fin = fileOf(t, inFd), fout = fileOf(t, outFd);
  if (!readable(fin) || !writable(fout)) return -EBADF;
  if (fin.inode?.kind === 'dir' || fout.inode?.kind === 'dir') return -EISDIR;
  let total = 0;
  let inOff = offPtr ? read64(t, offPtr) : -1;
  let outOff = outOffPtr ? read64(t, outOffPtr) : -1;
  const CHUNK = 1 << 20;
  while (total < count) {
    const n = Math.min(CHUNK, count - total);
    let data: Uint8Array | number;
    if (inOff >= 0) data = fin.pread(n, inOff);
    else {
      const r = fin.read(t, n);
      if (r instanceof Promise) return total || -11; // would block: report what moved
      data = r;
    }
    if (typeof data === 'number') return total || data;
    if (data.length === 0) break;
    const w = outOff >= 0 ? fout.pwrite(data, outOff) : fout.write(t, data);
    if (w instanceof Promise) return total || -11;
    if (w < 0) return total || w;
    total += w;
    if (inOff >= 0) inOff += w;
    if (outOff >= 0) outOff += w;
    if (w < data.length) break;
  }
  if (offPtr) write64(t, offPtr, inOff);
  if (outOffPtr) write64(t, outOffPtr, outOff);
  return total;
}

sys(40, 'sendfile', [a('out_fd', 'fd'), a('in_fd', 'fd'), a('offset', 'ptr'), a('count', 'size')], (t, out, inn, off, count) => {
  const fin = fileOf(t, inn);
  if (fin.inode && fin.inode.kind !== 'file' && fin.inode.kind !== 'chr') return -EINVAL;
  return transfer(t, out, inn, off, Math.min(count, MAX_RW));
});

sys(326, 'copy_file_range', [a('fd_in', 'fd'), a('off_in', 'ptr'), a('fd_out', 'fd'), a('off_out', 'ptr'), a('len', 'size'), a('flags', 'uint')],
  (t, inn, offIn, out, offOut, len, flags) => {
    if (flags !== 0) return -EINVAL;
    const fin = fileOf(t, inn), fout = fileOf(t, out);
    if (fin.inode?.kind !== 'file' || fout.inode?.kind !== 'file') return fin.inode?.kind === 'dir' || fout.inode?.kind === 'dir' ? -EISDIR : -EINVAL;
    if (fout.flags & O_APPEND) return -EBADF;
    void EXDEV;
    return transfer(t, out, inn, offIn, Math.min(len, MAX_RW), offOut);
  });
