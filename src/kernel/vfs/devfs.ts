/**
 * Synthetic /dev: null, zero, full, random, urandom, tty, and the stdin/stdout/stderr/fd links
 * into /proc/self/fd.
 */
import { SynthFs, SynthDir, SynthNode, SynthLink } from './synthetic-base.js';
import type { Inode, OpenRequest } from './types.js';
import { OpenFile, S_IFCHR, type StatInfo } from '../file.js';
import { ENXIO, ENOSPC } from '../errno.js';
import type { Kernel } from '../kernel.js';
import type { Thread } from '../thread.js';
import { O_PATH } from '../syscalls/flags.js';
import { PathFile } from './hostfs.js';
import { HostStream } from '../stdio.js';

type DevKind = 'null' | 'zero' | 'full' | 'random' | 'urandom';
const DEV_NUMBERS: Record<DevKind, number> = { null: 0x103, zero: 0x105, full: 0x107, random: 0x108, urandom: 0x109 };

export class DevFs extends SynthFs {
  readonly name = 'devtmpfs';
  readonly dev = 0x5;
  private readonly rootDir: SynthDir;

  constructor(readonly kernel: Kernel, readonly currentThread: () => Thread | null) {
    super();
    const dev = (k: DevKind) => () => new CharDevice(this, k);
    this.rootDir = new SynthDir(this, '/', () => new Map<string, () => Inode>([
      ['null', dev('null')], ['zero', dev('zero')], ['full', dev('full')], ['random', dev('random')], ['urandom', dev('urandom')],
      ['tty', () => new TtyNode(this)],
      ['stdin', () => new SynthLink(this, 'stdin', () => '/proc/self/fd/0')],
      ['stdout', () => new SynthLink(this, 'stdout', () => '/proc/self/fd/1')],
      ['stderr', () => new SynthLink(this, 'stderr', () => '/proc/self/fd/2')],
      ['fd', () => new SynthLink(this, 'fd', () => '/proc/self/fd')],
    ]));
    this.rootDir.mode = 0o755;
  }

  root(): Inode {
    return this.rootDir;
  }
}

class CharDevice extends SynthNode {
  readonly kind = 'chr' as const;
  override mode = 0o666;
  constructor(fs: DevFs, readonly dev: DevKind) {
    super(fs, dev);
    this.rdev = DEV_NUMBERS[dev];
  }
  override open(req: OpenRequest): OpenFile | number {
    if (req.flags & O_PATH) return new PathFile(this, req.path, req.flags);
    const f = new DeviceFile(this, req.path, (this.fs as DevFs).kernel);
    f.flags = req.flags & ~0o2000000;
    return f;
  }
}

class DeviceFile extends OpenFile {
  constructor(override readonly inode: CharDevice, readonly name: string, readonly kernel: Kernel) {
    super();
  }
  override read(_t: Thread, len: number): Uint8Array {
    switch (this.inode.dev) {
      case 'null': return new Uint8Array(0);
      case 'zero': case 'full': return new Uint8Array(Math.min(len, 1 << 20));
      default: return this.kernel.config.randomBytes(Math.min(len, 1 << 20));
    }
  }
  override pread(len: number): Uint8Array {
    return this.read(null as unknown as Thread, len);
  }
  override write(_t: Thread, data: Uint8Array): number {
    return this.inode.dev === 'full' ? -ENOSPC : data.length;
  }
  override pwrite(data: Uint8Array): number {
    return this.write(null as unknown as Thread, data);
  }
  override lseek(): number {
    return 0;
  }
  stat(): StatInfo {
    return this.inode.stat();
  }
  mmapBytes(_offset: number, len: number): Uint8Array {
    return new Uint8Array(len); // mapping /dev/zero gives zero pages
  }
}

/** /dev/tty: the controlling terminal is the host terminal when stdin is an inherited TTY. */
class TtyNode extends SynthNode {
  readonly kind = 'chr' as const;
  override mode = 0o666;
  constructor(fs: DevFs) {
    super(fs, 'tty');
    this.rdev = 0x500;
  }
  override open(req: OpenRequest): OpenFile | number {
    if (req.flags & O_PATH) return new PathFile(this, req.path, req.flags);
    const t = (this.fs as DevFs).currentThread();
    const f = t?.process.fds.get(0);
    if (f instanceof HostStream && f.isTty()) return f;
    return -ENXIO;
  }
}
void S_IFCHR;
