/**
 * Advisory file locks, kept per file (identified by st_dev:st_ino) in one table per kernel:
 *
 * - flock(2): a shared or exclusive lock on the whole file, owned by the open file
 *   description. Descriptors sharing a description (dup, fork) share the lock; another
 *   open(2) of the same file is another owner. Converting a lock first drops the old one
 *   (flock_lock_inode), so a failed LOCK_NB conversion leaves the caller unlocked, as on Linux.
 *   Released by LOCK_UN or when the description's last descriptor closes.
 * - fcntl(2) record locks on byte ranges: POSIX locks (F_SETLK...) are owned by the process
 *   and released when the process closes *any* descriptor of the file; OFD locks
 *   (F_OFD_SETLK...) are owned by the open file description. Locks of one owner never
 *   conflict with each other; a read lock conflicts only with another owner's write lock.
 *
 * flock locks and record locks do not interact (Linux keeps them apart). Waiting (LOCK_EX
 * without LOCK_NB, F_SETLKW) parks the thread until some lock on the file goes away.
 */
import type { OpenFile } from './file.js';
import type { Process } from './process.js';
import { WaitQueue, internalWait } from './wait.js';
import { EAGAIN } from './errno.js';

export const F_RDLCK = 0, F_WRLCK = 1, F_UNLCK = 2;

export interface RangeLock {
  /** The process (POSIX lock) or the open file description (OFD lock). */
  owner: Process | OpenFile;
  ofd: boolean;
  pid: number;
  type: number;
  start: number;
  /** Last byte, inclusive (Infinity: to the end of the file and beyond). */
  end: number;
}

interface FileLocks {
  flock: Map<OpenFile, 'sh' | 'ex'>;
  ranges: RangeLock[];
  changed: WaitQueue;
}

export class LockTable {
  private readonly files = new Map<string, FileLocks>();
  /** Processes that ever took a POSIX record lock (so close() of the others costs nothing). */
  private readonly posixOwners = new WeakSet<Process>();

  /** The lock state of the file `f` refers to, or null when it has no identity (stat fails). */
  private entry(f: OpenFile): FileLocks | null {
    const st = f.stat();
    if (typeof st === 'number') return null;
    const key = `${st.dev}:${st.ino}`;
    let e = this.files.get(key);
    if (!e) this.files.set(key, (e = { flock: new Map(), ranges: [], changed: new WaitQueue() }));
    return e;
  }

  // ---------------------------------------------------------------- flock

  /** flock(2) with LOCK_SH/LOCK_EX/LOCK_UN (`op`) and LOCK_NB (`wait` = false). */
  flock(f: OpenFile, op: 'sh' | 'ex' | 'un', wait: boolean): number | Promise<number> {
    const e = this.entry(f);
    if (!e) return 0;
    if (e.flock.get(f) === op) return 0;
    if (e.flock.delete(f)) e.changed.wake();
    if (op === 'un') return 0;
    const conflict = (): boolean => {
      for (const [owner, kind] of e.flock) if (owner !== f && (op === 'ex' || kind === 'ex')) return true;
      return false;
    };
    const take = (): number => {
      e.flock.set(f, op);
      this.releaseWithDescription(f, e);
      return 0;
    };
    if (!conflict()) return take();
    if (!wait) return -EAGAIN;
    const retry = (): Promise<number> => internalWait(e.changed.wait().then(() => (conflict() ? retry() : take())));
    return retry();
  }

  // ---------------------------------------------------------------- record locks

  /** The first lock of another owner that conflicts with `want` (F_GETLK), or null. */
  conflicting(f: OpenFile, want: RangeLock): RangeLock | null {
    const e = this.entry(f);
    if (!e) return null;
    return e.ranges.find((l) => conflicts(l, want)) ?? null;
  }

  /** F_SETLK / F_SETLKW and the OFD variants: set or clear `want` for its owner. */
  setRange(f: OpenFile, want: RangeLock, wait: boolean): number | Promise<number> {
    const e = this.entry(f);
    if (!e) return 0;
    const apply = (): number => {
      e.ranges = e.ranges.flatMap((l) => (l.owner === want.owner ? cut(l, want.start, want.end) : [l]));
      if (want.type !== F_UNLCK) {
        e.ranges.push(want);
        if (!want.ofd) this.posixOwners.add(want.owner as Process);
      }
      if (want.ofd) this.releaseWithDescription(f, e);
      e.changed.wake();
      return 0;
    };
    if (want.type === F_UNLCK || !e.ranges.some((l) => conflicts(l, want))) return apply();
    if (!wait) return -EAGAIN;
    const retry = (): Promise<number> =>
      internalWait(e.changed.wait().then(() => (e.ranges.some((l) => conflicts(l, want)) ? retry() : apply())));
    return retry();
  }

  /** A descriptor of `f` was closed by `p`: POSIX locks of `p` on that file go away (fcntl(2) NOTES). */
  closedBy(p: Process, f: OpenFile): void {
    if (!this.posixOwners.has(p)) return;
    const st = f.stat();
    if (typeof st === 'number') return;
    const e = this.files.get(`${st.dev}:${st.ino}`);
    if (!e || !e.ranges.some((l) => l.owner === p)) return;
    e.ranges = e.ranges.filter((l) => l.owner !== p);
    e.changed.wake();
  }

  /** Locks owned by the description `f` end with its last descriptor. */
  private releaseWithDescription(f: OpenFile, e: FileLocks): void {
    const hooks = (f.lastCloseHooks ??= []);
    if (hooks.some((h) => (h as { lockTable?: LockTable }).lockTable === this)) return;
    const hook = Object.assign(() => {
      e.flock.delete(f);
      e.ranges = e.ranges.filter((l) => l.owner !== f);
      e.changed.wake();
    }, { lockTable: this });
    hooks.push(hook);
  }
}

function conflicts(held: RangeLock, want: RangeLock): boolean {
  if (held.owner === want.owner) return false;
  if (held.type !== F_WRLCK && want.type !== F_WRLCK) return false;
  return held.start <= want.end && want.start <= held.end;
}

/** What remains of `l` after removing [start, end]. */
function cut(l: RangeLock, start: number, end: number): RangeLock[] {
  if (l.end < start || l.start > end) return [l];
  const out: RangeLock[] = [];
  if (l.start < start) out.push({ ...l, end: start - 1 });
  if (l.end > end) out.push({ ...l, start: end + 1 });
  return out;
}
