/**
 * The guest's standard streams: either the host's own descriptors passed through ("inherit",
 * what the CLI uses) or in-memory streams (stdin from bytes, stdout/stderr captured), which the
 * library API uses by default.
 *
 * TTY ioctls follow ../shared/reference/linux-abi.md §3: TCGETS/TCSETS* copy exactly the
 * 36-byte kernel termios (glibc keeps a 36-byte struct on its stack), TIOCGWINSZ 8 bytes.
 */
import * as fs from 'node:fs';
import * as tty from 'node:tty';
import { OpenFile, S_IFCHR, S_IFIFO, type StatInfo } from './file.js';
import { EAGAIN, EINVAL, ENOTTY, EFAULT, EPIPE, hostErrno } from './errno.js';
import type { Thread } from './thread.js';

export const TCGETS = 0x5401, TCSETS = 0x5402, TCSETSW = 0x5403, TCSETSF = 0x5404;
export const TIOCGWINSZ = 0x5413, TIOCSWINSZ = 0x5414, TIOCGPGRP = 0x540f, TIOCSPGRP = 0x5410;
export const FIONREAD = 0x541b, FIONBIO = 0x5421, FIOCLEX = 0x5451, FIONCLEX = 0x5450;

/** A cooked-mode terminal as `stty sane` leaves it (kernel struct termios, 36 bytes). */
export function defaultTermios(): Uint8Array {
  const t = new Uint8Array(36);
  const dv = new DataView(t.buffer);
  dv.setUint32(0, 0x4500, true); // c_iflag: ICRNL | IXON | IUTF8
  dv.setUint32(4, 0x5, true); // c_oflag: OPOST | ONLCR
  dv.setUint32(8, 0xbf, true); // c_cflag: B38400 | CS8 | CREAD
  dv.setUint32(12, 0x8a3b, true); // c_lflag: ISIG ICANON ECHO ECHOE ECHOK ECHOCTL ECHOKE IEXTEN
  t[16] = 0; // c_line
  const cc = [3, 0x1c, 0x7f, 0x15, 4, 0, 1, 0, 0x11, 0x13, 0x1a, 0, 0x12, 0x0f, 0x17, 0x16, 0];
  t.set(cc, 17);
  return t;
}

const sleepBuf = new Int32Array(new SharedArrayBuffer(4));
function hostSleep(ms: number): void {
  Atomics.wait(sleepBuf, 0, 0, ms);
}

let inode = 1000;

/** A host descriptor passed through (stdin/stdout/stderr of the x64run process). */
export class HostStream extends OpenFile {
  private termios: Uint8Array | null = null;
  constructor(readonly hostFd: number, readonly name: string) {
    super();
  }

  override read(_t: Thread, len: number): Uint8Array | number {
    const buf = Buffer.alloc(Math.min(len, 1 << 20));
    for (;;) {
      try {
        const n = fs.readSync(this.hostFd, buf, 0, buf.length, null);
        return buf.subarray(0, n);
      } catch (e) {
        const code = (e as { code?: string }).code;
        if (code === 'EAGAIN') { hostSleep(2); continue; }
        if (code === 'EOF') return new Uint8Array(0);
        return -hostErrno(e);
      }
    }
  }

  override write(_t: Thread, data: Uint8Array): number {
    let off = 0;
    while (off < data.length) {
      try {
        off += fs.writeSync(this.hostFd, data, off, data.length - off);
      } catch (e) {
        const code = (e as { code?: string }).code;
        if (code === 'EAGAIN') { hostSleep(1); continue; }
        if (off > 0) return off;
        return code === 'EPIPE' ? -EPIPE : -hostErrno(e);
      }
    }
    return off;
  }

  isTty(): boolean {
    return tty.isatty(this.hostFd);
  }

  /** /dev/stdout, /proc/self/fd/1...: the stream itself (see OpenFile.reopen). */
  override reopen(): OpenFile {
    return this;
  }

  stat(): StatInfo {
    try {
      const s = fs.fstatSync(this.hostFd, { bigint: true });
      return {
        dev: Number(s.dev), ino: Number(s.ino), mode: Number(s.mode), nlink: Number(s.nlink), uid: Number(s.uid),
        gid: Number(s.gid), rdev: Number(s.rdev), size: Number(s.size), blksize: Number(s.blksize), blocks: Number(s.blocks),
        atimeNs: s.atimeNs, mtimeNs: s.mtimeNs, ctimeNs: s.ctimeNs,
      };
    } catch {
      return pipeStat();
    }
  }

  override ioctl(t: Thread, req: number, arg: number): number {
    if (!this.isTty()) return -ENOTTY;
    return ttyIoctl(t, req, arg, this);
  }

  getTermios(): Uint8Array {
    return (this.termios ??= defaultTermios());
  }
  setTermios(v: Uint8Array): void {
    this.termios = v;
  }
  winsize(): [number, number] {
    const s = this.hostFd === 0 ? process.stdin : this.hostFd === 2 ? process.stderr : process.stdout;
    const ws = s as unknown as { rows?: number; columns?: number };
    return [ws.rows ?? 24, ws.columns ?? 80];
  }
}

function ttyIoctl(t: Thread, req: number, arg: number, f: HostStream): number {
  const mem = t.process.as.mem;
  try {
    switch (req) {
      case TCGETS: mem.writeBytes(arg, f.getTermios()); return 0;
      case TCSETS: case TCSETSW: case TCSETSF: f.setTermios(mem.readBytes(arg, 36)); return 0;
      case TIOCGWINSZ: {
        const [rows, cols] = f.winsize();
        const b = new Uint8Array(8);
        const dv = new DataView(b.buffer);
        dv.setUint16(0, rows, true);
        dv.setUint16(2, cols, true);
        mem.writeBytes(arg, b);
        return 0;
      }
      case TIOCSWINSZ: return 0;
      case TIOCGPGRP: mem.write32(arg, t.process.pid); return 0;
      case TIOCSPGRP: return 0;
      default: return -EINVAL;
    }
  } catch {
    return -EFAULT;
  }
}

function pipeStat(): StatInfo {
  return {
    dev: 0xc, ino: inode++, mode: S_IFIFO | 0o600, nlink: 1, uid: hostUid(), gid: hostGid(), rdev: 0, size: 0,
    blksize: 4096, blocks: 0, atimeNs: 0n, mtimeNs: 0n, ctimeNs: 0n,
  };
}

export const hostUid = (): number => (process.getuid ? process.getuid() : 0);
export const hostGid = (): number => (process.getgid ? process.getgid() : 0);

/** stdin fed from bytes (or empty): reads return the data, then EOF. */
export class MemoryInput extends OpenFile {
  private pos = 0;
  readonly name = 'pipe:[stdin]';
  private readonly st = pipeStat();
  constructor(private readonly data: Uint8Array) {
    super();
  }
  override read(_t: Thread, len: number): Uint8Array {
    const out = this.data.subarray(this.pos, Math.min(this.data.length, this.pos + len));
    this.pos += out.length;
    return out.slice();
  }
  /** /dev/stdin, /proc/self/fd/0: the stream itself, sharing the read position (like reopening a pipe). */
  override reopen(): OpenFile {
    return this;
  }
  stat(): StatInfo {
    return this.st;
  }
}

/** stdout/stderr captured into memory (and optionally forwarded to a callback). */
export class CaptureOutput extends OpenFile {
  readonly chunks: Uint8Array[] = [];
  total = 0;
  private readonly st = pipeStat();
  constructor(readonly name: string, private readonly onData?: (chunk: Uint8Array) => void, private readonly keep = true,
              private readonly limit = 1 << 30) {
    super();
  }
  override write(_t: Thread, data: Uint8Array): number {
    if (this.total + data.length > this.limit) return -EAGAIN;
    const copy = data.slice();
    if (this.keep) this.chunks.push(copy);
    this.total += copy.length;
    this.onData?.(copy);
    return data.length;
  }
  stat(): StatInfo {
    return this.st;
  }
  /** /dev/stdout, /dev/stderr, /proc/self/fd/N: the same capture. */
  override reopen(): OpenFile {
    return this;
  }
  bytes(): Uint8Array {
    return Buffer.concat(this.chunks);
  }
}

/** /dev/null-like sink used for stdio: 'ignore'. */
export class NullStream extends OpenFile {
  readonly name = '/dev/null';
  override read(): Uint8Array { return new Uint8Array(0); }
  override write(_t: Thread, data: Uint8Array): number { return data.length; }
  override reopen(): OpenFile { return this; }
  stat(): StatInfo {
    return { dev: 5, ino: 4, mode: S_IFCHR | 0o666, nlink: 1, uid: 0, gid: 0, rdev: 0x103, size: 0, blksize: 4096, blocks: 0,
      atimeNs: 0n, mtimeNs: 0n, ctimeNs: 0n };
  }
}
