/**
 * Anonymous objects: pipe, pipe2, eventfd, eventfd2, memfd_create.
 */
import { sys, a } from '../syscall-table.js';
import type { Thread } from '../thread.js';
import { EINVAL, EFAULT, EAGAIN, EMFILE } from '../errno.js';
import { copyOut, readString } from '../guest-mem.js';
import { O_CLOEXEC, O_NONBLOCK, O_DIRECT, O_RDWR, O_LARGEFILE } from './flags.js';
import { PipeBuffer, PipeEnd, pollWakeup, POLLIN, POLLOUT, POLLERR } from '../pipe.js';
import { OpenFile, type StatInfo } from '../file.js';
import { WaitQueue, internalWait } from '../wait.js';
import { MemFs, MemInode, F_SEAL_SEAL } from '../vfs/memfs.js';

function doPipe(t: Thread, fdsPtr: number, flags: number): number {
  if (flags & ~(O_CLOEXEC | O_NONBLOCK | O_DIRECT)) return -EINVAL;
  const buf = new PipeBuffer();
  const r = new PipeEnd(buf, true), w = new PipeEnd(buf, false);
  r.flags = flags & O_NONBLOCK;
  w.flags = (flags & O_NONBLOCK) | 1;
  const fds = t.process.fds;
  const cloexec = (flags & O_CLOEXEC) !== 0;
  const rfd = fds.install(r, cloexec);
  if (rfd < 0) { r.release(); w.release(); return rfd; }
  const wfd = fds.install(w, cloexec);
  if (wfd < 0) { fds.close(rfd); w.release(); return wfd; }
  const out = new Uint8Array(8);
  const dv = new DataView(out.buffer);
  dv.setInt32(0, rfd, true);
  dv.setInt32(4, wfd, true);
  try {
    copyOut(t, fdsPtr, out);
  } catch {
    fds.close(rfd);
    fds.close(wfd);
    return -EFAULT;
  }
  return 0;
}

sys(22, 'pipe', [a('pipefd', 'ptr')], (t, p) => doPipe(t, p, 0));
sys(293, 'pipe2', [a('pipefd', 'ptr'), a('flags', 'flags', { flags: { [O_CLOEXEC]: 'O_CLOEXEC', [O_NONBLOCK]: 'O_NONBLOCK', [O_DIRECT]: 'O_DIRECT' } })],
  (t, p, flags) => doPipe(t, p, flags));

// ------------------------------------------------------------------ eventfd

const EFD_SEMAPHORE = 1, EFD_CLOEXEC = O_CLOEXEC, EFD_NONBLOCK = O_NONBLOCK;
const MAX_COUNT = 0xfffffffffffffffen;

export class EventFd extends OpenFile {
  readonly name = 'anon_inode:[eventfd]';
  count: bigint;
  private readonly changed = new WaitQueue();
  constructor(initval: number, readonly semaphore: boolean) {
    super();
    this.count = BigInt(initval);
  }

  override read(t: Thread, len: number): Uint8Array | number | Promise<Uint8Array | number> {
    if (len < 8) return -EINVAL;
    if (this.count === 0n) {
      if (this.flags & O_NONBLOCK) return -EAGAIN;
      return internalWait(this.changed.wait(t).then(() => this.read(t, len)));
    }
    const v = this.semaphore ? 1n : this.count;
    this.count -= v;
    this.notify();
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, v, true);
    return b;
  }

  override write(t: Thread, data: Uint8Array): number | Promise<number> {
    if (data.length < 8) return -EINVAL;
    const v = new DataView(data.buffer, data.byteOffset, 8).getBigUint64(0, true);
    if (v === 0xffffffffffffffffn) return -EINVAL;
    if (this.count + v > MAX_COUNT) {
      if (this.flags & O_NONBLOCK) return -EAGAIN;
      return internalWait(this.changed.wait(t).then(() => this.write(t, data)));
    }
    this.add(v);
    return 8;
  }

  /** Also used by io_uring's registered eventfd. */
  add(v: bigint): void {
    this.count += v;
    this.notify();
  }

  private notify(): void {
    this.changed.wake();
    pollWakeup.wake();
  }

  /** eventfd files use noop_llseek: lseek "succeeds" and reports position 0. */
  override lseek(): number {
    return 0;
  }

  override poll(): number {
    return (this.count > 0n ? POLLIN : 0) | (this.count < MAX_COUNT ? POLLOUT : 0) | (this.count === MAX_COUNT + 1n ? POLLERR : 0);
  }

  stat(): StatInfo {
    return { dev: 0xe, ino: 1, mode: 0o600, nlink: 1, uid: 0, gid: 0, rdev: 0, size: 0, blksize: 4096, blocks: 0, atimeNs: 0n, mtimeNs: 0n, ctimeNs: 0n };
  }
}

function doEventfd(t: Thread, initval: number, flags: number): number {
  if (flags & ~(EFD_SEMAPHORE | EFD_CLOEXEC | EFD_NONBLOCK)) return -EINVAL;
  const e = new EventFd(initval >>> 0, (flags & EFD_SEMAPHORE) !== 0);
  e.flags = O_RDWR | (flags & EFD_NONBLOCK);
  return t.process.fds.install(e, (flags & EFD_CLOEXEC) !== 0);
}

sys(284, 'eventfd', [a('initval', 'uint')], (t, v) => doEventfd(t, v, 0));
sys(290, 'eventfd2', [a('initval', 'uint'), a('flags', 'flags', { flags: { 1: 'EFD_SEMAPHORE', [O_CLOEXEC]: 'EFD_CLOEXEC', [O_NONBLOCK]: 'EFD_NONBLOCK' } })],
  (t, v, flags) => doEventfd(t, v, flags));

// ------------------------------------------------------------------ memfd_create

const MFD_CLOEXEC = 1, MFD_ALLOW_SEALING = 2, MFD_HUGETLB = 4, MFD_NOEXEC_SEAL = 8, MFD_EXEC = 0x10;
let memfdFs: MemFs | null = null;

sys(319, 'memfd_create', [a('name', 'str'), a('flags', 'flags', { flags: { 1: 'MFD_CLOEXEC', 2: 'MFD_ALLOW_SEALING', 4: 'MFD_HUGETLB' } })],
  (t, namePtr, flags) => {
    if (flags & ~(MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_HUGETLB | MFD_NOEXEC_SEAL | MFD_EXEC)) return -EINVAL;
    if (flags & MFD_HUGETLB) return -EINVAL;
    const name = readString(t, namePtr, 250);
    if (name.length > 249) return -EINVAL;
    memfdFs ??= new MemFs(false, t.process.kernel.config.uid, t.process.kernel.config.gid);
    const root = memfdFs.root();
    const tmp = `memfd-${Math.random().toString(36).slice(2)}`;
    const node = root.create(tmp, 0o777);
    if (typeof node === 'number') return node;
    if (!(node instanceof MemInode)) return -EINVAL;
    root.unlink(tmp);
    // Without MFD_ALLOW_SEALING the file is born sealed against further seals.
    node.seals = flags & MFD_ALLOW_SEALING ? 0 : F_SEAL_SEAL;
    const f = node.open({ flags: O_RDWR, mode: 0, path: `/memfd:${name}` });
    if (typeof f === 'number') return f;
    f.flags = O_RDWR | O_LARGEFILE;
    f.vfsPath = `/memfd:${name} (deleted)`;
    f.inode = node;
    return t.process.fds.install(f, (flags & MFD_CLOEXEC) !== 0);
  }, { ret: 'fd', support: 'partial', note: 'seals are enforced for write/truncate; MAP_SHARED mappings are private copies' });
void EMFILE;
