/**
 * A guest thread: its CPU state and the per-thread kernel state Linux keeps in task_struct
 * (tid, clear_child_tid, robust list head, signal mask and pending set, alternate signal stack,
 * comm name) and what the scheduler needs to know while it is blocked.
 */
import { Cpu } from '../cpu/state.js';
import type { Process } from './process.js';
import { ThreadSignals } from './signal.js';
import { SyscallError } from './syscall-table.js';
import { EINTR } from './errno.js';
import type { WaitQueue } from './wait.js';

export class Thread {
  readonly cpu: Cpu;
  /** set_tid_address / CLONE_CHILD_CLEARTID: zeroed and futex-woken at thread exit. */
  clearChildTid = 0;
  robustListHead = 0;
  robustListLen = 0;
  readonly signals = new ThreadSignals();
  /** prctl(PR_SET_NAME) / comm, at most 15 bytes. */
  name: string;
  exited = false;

  // ---- scheduler state
  /** The pending result of a blocking syscall; the thread is not runnable while it is set. */
  blocked: Promise<void> | null = null;
  /** The wait can only end through another guest thread (pipes, futexes): deadlock detection. */
  blockedInternal = false;
  /** Number of the syscall the thread is blocked in (for SA_RESTART). */
  blockedNr = -1;
  /** What the blocked thread waits for, for the deadlock report (e.g. "futex 0x4bb320"), or null. */
  waitingOn: string | null = null;
  /** Rejects the current interruptible wait (a signal arrived). */
  interrupt: (() => void) | null = null;
  /** The syscall was interrupted by a signal: deliver it with restart semantics. */
  interrupted = false;
  /** Syscall number to restart under SA_RESTART after the signal (-1: none). */
  restartNr = -1;
  /**
   * The interrupted wait had a timeout that restarting would not honour (Linux's
   * -ERESTART_RESTARTBLOCK, e.g. a timed FUTEX_WAIT): a handler makes it fail with EINTR even
   * under SA_RESTART. Without a handler the call is restarted anyway.
   */
  restartBlock = false;
  /** The interrupted call restarts after a handler whatever SA_RESTART says (-ERESTARTNOINTR: FUTEX_LOCK_PI). */
  restartAlways = false;
  /** sched_yield asked to give the CPU to another thread. */
  yielded = false;
  /** Deterministic mode: a timed wait that ends when virtual time (CLOCK_MONOTONIC) reaches `atNs`. */
  virtualDeadline: { atNs: bigint; fire: () => void } | null = null;

  constructor(readonly process: Process, readonly tid: number, name: string) {
    this.cpu = new Cpu(process.as.mem);
    this.cpu.owner = this;
    this.name = name.slice(0, 15);
  }

  /**
   * Waits until `settle` is called (by a wake-up) or a signal interrupts the wait, which makes
   * the syscall fail with EINTR (or restart under SA_RESTART). Use for every blocking wait.
   */
  waitFor(register: (settle: () => void) => void, cancel?: () => void): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let done = false;
      const settle = () => {
        if (done) return;
        done = true;
        this.interrupt = null;
        resolve();
      };
      this.interrupt = () => {
        if (done) return;
        done = true;
        this.interrupt = null;
        cancel?.();
        this.interrupted = true;
        reject(new SyscallError(EINTR));
      };
      register(settle);
    });
  }

  /**
   * Waits for a wake-up on `queue` or until CLOCK_MONOTONIC reaches `deadlineNs` (null: no
   * timeout). Resolves true when woken, false on timeout; a signal rejects it (EINTR). The
   * deadline is a host timer, or virtual time in deterministic mode.
   */
  waitEvent(queue: WaitQueue | null, deadlineNs: bigint | null): Promise<boolean> {
    const k = this.process.kernel;
    let woken = false;
    let timer: HostDeadline | null = null;
    let cb: (() => void) | null = null;
    const clear = () => {
      if (cb && queue) queue.remove(cb);
      timer?.cancel();
      timer = null;
      this.virtualDeadline = null;
    };
    return this.waitFor((settle) => {
      cb = () => { woken = true; clear(); settle(); };
      queue?.add(cb);
      if (deadlineNs !== null) {
        if (k.sleep) this.virtualDeadline = { atNs: deadlineNs, fire: () => { clear(); settle(); } };
        else timer = new HostDeadline(k, deadlineNs, () => { timer = null; clear(); settle(); });
      }
    }, clear).then(() => woken);
  }

  /** Interruptible sleep on the host clock (virtual clock in deterministic mode). */
  sleepMs(ms: number): Promise<void> {
    let timer: HostDeadline | null = null;
    const k = this.process.kernel;
    if (k.sleep) {
      // Deterministic mode: the sleep ends when the scheduler advances virtual time to it.
      const atNs = k.config.monotonicNs() + BigInt(Math.round(ms * 1e6));
      return this.waitFor((settle) => { this.virtualDeadline = { atNs, fire: settle }; }, () => { this.virtualDeadline = null; });
    }
    return this.waitFor((settle) => {
      timer = new HostDeadline(k, k.config.monotonicNs() + BigInt(Math.round(ms * 1e6)), () => { timer = null; settle(); });
    }, () => {
      timer?.cancel();
      timer = null;
    });
  }
}

/**
 * A host timer that fires once CLOCK_MONOTONIC has reached `deadlineNs`. Node's timers can fire
 * up to a millisecond early by the high-resolution clock (libuv schedules from its cached loop
 * time, in whole milliseconds), so a guest timing its own select/poll/nanosleep timeout saw
 * short waits: the timer is re-armed for the rest until the deadline has really passed.
 * Counted in `kernel.hostTimers` while armed (the scheduler's deadlock detection reads it).
 */
export class HostDeadline {
  private timer: ReturnType<typeof setTimeout> | null;
  constructor(private readonly k: { hostTimers: number; config: { monotonicNs: () => bigint } }, private readonly deadlineNs: bigint,
    private readonly fire: () => void) {
    k.hostTimers++;
    this.timer = setTimeout(() => this.check(), Math.max(0, Math.ceil(this.leftMs())));
  }
  private leftMs(): number {
    return Number(this.deadlineNs - this.k.config.monotonicNs()) / 1e6;
  }
  private check(): void {
    const left = this.leftMs();
    if (left > 0) { this.timer = setTimeout(() => this.check(), Math.ceil(left)); return; }
    this.timer = null;
    this.k.hostTimers--;
    this.fire();
  }
  cancel(): void {
    if (this.timer === null) return;
    clearTimeout(this.timer);
    this.timer = null;
    this.k.hostTimers--;
  }
}
