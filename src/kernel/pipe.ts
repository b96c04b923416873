/**
 * Pipes (pipe(7)): a 64 KiB buffer shared by a read end and a write end. Reads block while the
 * buffer is empty and a writer exists (EOF once every writer is gone); writes block while it is
 * full and fail with EPIPE (and SIGPIPE) once every reader is gone. Writes of at most PIPE_BUF
 * bytes are atomic.
 */
import { OpenFile, S_IFIFO, type StatInfo } from './file.js';
import { EAGAIN, EPIPE } from './errno.js';
import { WaitQueue, internalWait } from './wait.js';
import type { Thread } from './thread.js';
import { O_NONBLOCK } from './syscalls/flags.js';

export const PIPE_BUF = 4096;
export const PIPE_CAPACITY = 65536;
export const POLLIN = 0x1, POLLPRI = 0x2, POLLOUT = 0x4, POLLERR = 0x8, POLLHUP = 0x10, POLLNVAL = 0x20;
export const POLLRDNORM = 0x40, POLLWRNORM = 0x100;

let pipeIno = 50000;

/** Any state change of a pollable object wakes this queue (poll/select re-check their descriptors). */
export const pollWakeup = new WaitQueue();

export class PipeBuffer {
  readonly ino = pipeIno++;
  private chunks: Uint8Array[] = [];
  size = 0;
  readers = 0;
  writers = 0;
  readonly readable = new WaitQueue();
  readonly writable = new WaitQueue();
  readonly ctimeNs = BigInt(Date.now()) * 1_000_000n;

  push(data: Uint8Array): void {
    this.chunks.push(data);
    this.size += data.length;
    this.readable.wake();
    pollWakeup.wake();
  }

  /** The first `len` buffered bytes, left in the pipe (tee(2)). */
  peek(len: number): Uint8Array {
    const out = new Uint8Array(Math.min(len, this.size));
    let off = 0;
    for (const c of this.chunks) {
      if (off >= out.length) break;
      const n = Math.min(c.length, out.length - off);
      out.set(c.subarray(0, n), off);
      off += n;
    }
    return out;
  }

  take(len: number): Uint8Array {
    const out = new Uint8Array(Math.min(len, this.size));
    let off = 0;
    while (off < out.length) {
      const c = this.chunks[0];
      const n = Math.min(c.length, out.length - off);
      out.set(c.subarray(0, n), off);
      off += n;
      if (n === c.length) this.chunks.shift();
      else this.chunks[0] = c.subarray(n);
    }
    this.size -= out.length;
    this.writable.wake();
    pollWakeup.wake();
    return out;
  }
}

/**
 * One open description of a pipe: the read end or the write end made by pipe(2), or a
 * description opened through /proc/self/fd/N (which may be read-write, like a FIFO opened
 * O_RDWR: it then counts as both a reader and a writer).
 */
export class PipeEnd extends OpenFile {
  readonly name: string;
  readonly canRead: boolean;
  readonly canWrite: boolean;
  constructor(readonly pipe: PipeBuffer, readonly isRead: boolean, alsoWrite = false) {
    super();
    this.name = `pipe:[${pipe.ino}]`;
    this.canRead = isRead;
    this.canWrite = !isRead || alsoWrite;
    if (this.canRead) pipe.readers++;
    if (this.canWrite) pipe.writers++;
  }

  override read(t: Thread, len: number): Uint8Array | number | Promise<Uint8Array | number> {
    if (!this.canRead) return -9; // EBADF
    const p = this.pipe;
    if (len === 0) return new Uint8Array(0);
    if (p.size > 0) return p.take(len);
    if (p.writers === 0) return new Uint8Array(0);
    if (this.flags & O_NONBLOCK) return -EAGAIN;
    return internalWait(p.readable.wait(t).then(() => this.read(t, len)));
  }

  override write(t: Thread, data: Uint8Array): number | Promise<number> {
    if (!this.canWrite) return -9;
    const p = this.pipe;
    if (p.readers === 0) {
      t.process.kernel.raiseSignal?.(t, 13 /* SIGPIPE */);
      return -EPIPE;
    }
    if (data.length === 0) return 0;
    const room = PIPE_CAPACITY - p.size;
    // Small writes are atomic: all or nothing.
    const atomic = data.length <= PIPE_BUF;
    if (room >= data.length || (!atomic && room > 0)) {
      const n = Math.min(room, data.length);
      p.push(data.slice(0, n));
      if (n === data.length) return n;
      if (this.flags & O_NONBLOCK) return n;
      return internalWait(p.writable.wait(t).then(async () => {
        const rest = await this.write(t, data.subarray(n));
        return rest < 0 ? n : n + rest;
      }));
    }
    if (this.flags & O_NONBLOCK) return -EAGAIN;
    return internalWait(p.writable.wait(t).then(() => this.write(t, data)));
  }

  stat(): StatInfo {
    return {
      dev: 0xc, ino: this.pipe.ino, mode: S_IFIFO | 0o600, nlink: 1, uid: 0, gid: 0, rdev: 0, size: 0, blksize: 4096, blocks: 0,
      atimeNs: this.pipe.ctimeNs, mtimeNs: this.pipe.ctimeNs, ctimeNs: this.pipe.ctimeNs,
    };
  }

  /**
   * pipe_poll (fs/pipe.c): the read side is readable with data and hung up without writers;
   * the write side is writable while there is room and reports POLLERR (in addition) once
   * every reader is gone.
   */
  override poll(): number {
    const p = this.pipe;
    let m = 0;
    if (this.canRead) m |= (p.size > 0 ? POLLIN | POLLRDNORM : 0) | (p.writers === 0 ? POLLHUP : 0);
    if (this.canWrite) m |= (PIPE_CAPACITY - p.size >= PIPE_BUF ? POLLOUT | POLLWRNORM : 0) | (p.readers === 0 ? POLLERR : 0);
    return m;
  }

  /** open(2) of /proc/self/fd/N: a new description of the same pipe, like opening a FIFO. */
  override reopen(flags: number): OpenFile | number {
    const acc = flags & 3;
    const f = new PipeEnd(this.pipe, acc !== 1, acc === 2);
    f.flags = acc | (flags & O_NONBLOCK);
    return f;
  }

  override release(): void {
    if (this.canRead) this.pipe.readers--;
    if (this.canWrite) this.pipe.writers--;
    this.pipe.readable.wake();
    this.pipe.writable.wake();
    pollWakeup.wake();
  }
}
