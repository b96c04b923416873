/**
 * Wait queues for blocking syscalls (pipe reads, eventfd, poll, futex later). A blocked handler
 * returns a Promise; `wake()` settles it. The scheduler distinguishes waits that only another
 * guest thread can end ("internal") from host events (timers, host I/O), so it can report a
 * deadlock instead of hanging when every thread waits on an internal queue.
 */
export class WaitQueue {
  private waiters: (() => void)[] = [];

  /** A promise settled by the next wake(). */
  wait(): Promise<void> {
    return new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  get size(): number {
    return this.waiters.length;
  }

  wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
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
