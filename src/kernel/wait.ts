/**
 * Wait queues for blocking syscalls (pipe reads, eventfd, poll, futex). A blocked handler
 * returns a Promise from `queue.wait(thread)`; `wake()` settles it, and a signal for the thread
 * interrupts it (the syscall then fails with EINTR or restarts). The scheduler distinguishes
 * waits that only another guest thread can end ("internal") from host events (timers, host
 * I/O), so it can report a deadlock instead of hanging when every thread waits internally.
 */
import type { Thread } from './thread.js';

export class WaitQueue {
  private waiters: (() => void)[] = [];

  /**
   * A promise settled by the next wake(), or rejected with EINTR when a signal interrupts `t`.
   * Without a thread the wait is not interruptible.
   */
  wait(t?: Thread): Promise<void> {
    if (!t) return new Promise<void>((resolve) => this.waiters.push(resolve));
    let settleRef: (() => void) | null = null;
    return t.waitFor((settle) => {
      settleRef = settle;
      this.waiters.push(settle);
    }, () => {
      this.waiters = this.waiters.filter((w) => w !== settleRef);
    });
  }

  /** Registers a raw callback for the next wake() (see Thread.waitEvent); `remove` undoes it. */
  add(f: () => void): void {
    this.waiters.push(f);
  }
  remove(f: () => void): void {
    this.waiters = this.waiters.filter((w) => w !== f);
  }

  get size(): number {
    return this.waiters.length;
  }

  wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** Wakes at most `n` waiters (futex); returns how many. */
  wakeSome(n: number): number {
    const w = this.waiters.splice(0, n);
    for (const f of w) f();
    return w.length;
  }
}

/** Marks a blocking result as waiting on guest-internal events only. */
export interface InternalWait {
  internal: true;
}

export function internalWait<T>(p: Promise<T>): Promise<T> & InternalWait {
  return Object.assign(p, { internal: true as const });
}

export function isInternalWait(p: unknown): boolean {
  return typeof p === 'object' && p !== null && (p as Partial<InternalWait>).internal === true;
}
