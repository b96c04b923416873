/**
 * The scheduler: guest threads run cooperatively in this one Node thread (DESIGN "Threads and
 * processes"). Each runnable thread in turn gets a slice: the engine runs it until a syscall, a
 * fault or the end of its instruction budget. A syscall that blocks returns a Promise; the thread
 * is parked on it and the others keep running. Before a thread runs, its pending signals are
 * delivered (handler frame or default action), and timers are polled at every slice boundary.
 *
 * When every thread is blocked, the scheduler waits for one of them to be woken, a timer to
 * expire, or (in deterministic mode) advances virtual time to the earliest deadline. If every
 * blocked wait can only be ended by another guest thread and nothing else can happen, that is a
 * deadlock: the run ends with a clear error instead of hanging.
 *
 * The order of threads is a fixed function of the run (round robin over thread creation order,
 * slices measured in instructions), so deterministic mode also fixes the interleaving.
 */
import { Exit, RAX, type Cpu, type CpuFault } from '../cpu/state.js';
import { EINTR } from './errno.js';
import { Engine, DEFAULT_JIT, type JitOptions } from '../jit/engine.js';
import type { KernelGate } from '../jit/runtime.js';
import type { CodeCache } from '../cpu/code-cache.js';
import type { Kernel } from './kernel.js';
import type { Process } from './process.js';
import type { Thread } from './thread.js';
import { isInternalWait } from './wait.js';
import { SYSCALLS } from './syscall-table.js';
import { deliverOne, hasDeliverable, restartSyscall, NSIG, SIGXCPU, type Interrupted } from './signal.js';

/** Instructions per slice: large enough to amortise the loop, small enough for fair threads and prompt timers. */
export const SLICE_BUDGET = 200_000;

export interface RunLimits {
  /** Stop the guest (SIGXCPU) after this many instructions; 0 = unlimited. */
  maxInstructions: number;
  jit?: JitOptions;
  /** Deterministic mode: advance virtual time when every thread waits. */
  advanceVirtualTime?: (ns: bigint) => void;
}

export interface FaultReport {
  fault: CpuFault;
  rip: number;
  thread: Thread;
}

export class DeadlockError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeadlockError';
  }
}

export class Scheduler implements KernelGate {
  lastFault: FaultReport | null = null;
  /** Set when the run ended in a deadlock (every thread blocked forever). */
  deadlock: string | null = null;
  slices = 0;
  private rr = 0;
  readonly engines = new Map<Process, Engine>();
  private lastYield = 0;

  constructor(readonly kernel: Kernel, readonly limits: RunLimits) {}

  engineFor(proc: Process): Engine {
    let e = this.engines.get(proc);
    if (!e) {
      e = new Engine(proc.cache, this.limits.jit ?? DEFAULT_JIT);
      e.onCompileError = (b, err) => this.kernel.warnOnce(`jit-${b.addr}`,
        `x64run: JIT could not compile the block at 0x${b.addr.toString(16)} (it keeps running in the interpreter): ${err instanceof Error ? err.message : String(err)}`);
      e.rt.kernelGate = this;
      this.engines.set(proc, e);
    }
    return e;
  }

  /** The thread runSlice is running, and where its slice ends (for syscallFromCompiledCode). */
  private current: Thread | null = null;
  private sliceEnd = 0;
  /** A host exception out of a syscall made from compiled code, rethrown by runSlice. */
  private syscallError: unknown = null;

  /**
   * A syscall made by compiled code (JitRuntime.sys): runs it, and returns true when the thread
   * may go on right after it without the scheduler, under the same conditions as runSlice's
   * loop, plus two of the compiled code's own: the call did not replace the register file
   * (rt_sigreturn) and dropped no translated code (munmap, mprotect, a MAP_FIXED mapping over
   * code). Otherwise Exit.SyscallDone ends the slice.
   */
  syscallFromCompiledCode(c: Cpu): boolean {
    const t = this.current!;
    const proc = t.process;
    const cache = proc.cache;
    const invalidations = cache.invalidations;
    const regs = c.regs;
    const def = regs[2 * RAX + 1] === 0 ? SYSCALLS[regs[2 * RAX]] : undefined;
    c.exit = Exit.SyscallDone;
    let pending;
    try {
      pending = this.kernel.syscall(t);
    } catch (e) {
      this.syscallError = e;
      return false;
    }
    if (!this.goesOnAfterSyscall(t, pending, this.sliceEnd, cache) || cache.invalidations !== invalidations ||
      (def !== undefined && def.setsRax)) return false;
    c.exit = Exit.None;
    return true;
  }

  /**
   * After a synchronous syscall: whether the thread keeps its slice (both the engine's loop in
   * runSlice and compiled code ask). A blocking call parks it; sched_yield, the slice's end, an
   * exit, an execve (new code cache) or a deliverable signal hand over to the scheduler.
   */
  private goesOnAfterSyscall(t: Thread, pending: void | Promise<void>, sliceEnd: number, cache: CodeCache): boolean {
    if (pending) { this.park(t, pending); return false; }
    if (t.yielded) { t.yielded = false; return false; }
    const proc = t.process;
    return !(t.cpu.icount >= sliceEnd || proc.exit || t.exited || t.blocked !== null || cache !== proc.cache ||
      ((t.signals.pending !== 0n || proc.signals.pending !== 0n) && hasDeliverable(t)));
  }

  /** Runs until the process exits. */
  async run(proc: Process): Promise<void> {
    while (!proc.exit) {
      const live = proc.threads.filter((t) => !t.exited);
      if (live.length === 0) { proc.exit = { code: 0 }; break; }
      this.kernel.timers.poll(this.kernel);
      if (this.limits.advanceVirtualTime) this.fireVirtualDeadlines(live);
      const t = this.pickRunnable(live);
      if (t) {
        this.runSlice(proc, t);
        if ((++this.slices & 7) === 0 || this.hostIdleDue(t)) await new Promise<void>((r) => setImmediate(r));
        continue;
      }
      await this.waitForEvent(proc, live);
    }
    this.kernel.traceExit(proc);
  }

  /**
   * Deterministic mode: ends the timed waits (sleeps, timed futex waits, poll timeouts) whose
   * deadline virtual time has passed. Virtual time also runs while other threads compute, so
   * this is checked at every slice boundary, not only when every thread waits (a thread sleeping
   * while another spins would otherwise never wake).
   */
  private fireVirtualDeadlines(live: Thread[]): void {
    let now: bigint | null = null;
    for (const t of live) {
      const v = t.virtualDeadline;
      if (v === null) continue;
      now ??= this.kernel.config.monotonicNs();
      if (v.atNs <= now) {
        t.virtualDeadline = null;
        v.fire();
      }
    }
  }

  /** Round robin over runnable threads (not blocked, or blocked but with a signal to take). */
  private pickRunnable(live: Thread[]): Thread | null {
    const n = live.length;
    for (let k = 0; k < n; k++) {
      const t = live[(this.rr + k) % n];
      if (t.blocked === null) {
        this.rr = (this.rr + k + 1) % n;
        return t;
      }
    }
    return null;
  }

  /** Yield to the host event loop regularly so host timers and I/O callbacks run. */
  private hostIdleDue(t: Thread): boolean {
    if (t.cpu.icount - this.lastYield > 20_000_000) {
      this.lastYield = t.cpu.icount;
      return true;
    }
    return false;
  }

  private runSlice(proc: Process, t: Thread): void {
    // Deliver pending signals first (the thread is at an instruction boundary).
    if (!this.deliverSignals(proc, t) || proc.exit || t.exited) return;
    const c = t.cpu;
    const engine = this.engineFor(proc);
    const sliceEnd = c.icount + SLICE_BUDGET;
    this.current = t;
    this.sliceEnd = sliceEnd;
    let exit = engine.run(c, SLICE_BUDGET);
    // A syscall answered synchronously continues the slice when nothing else needs the
    // scheduler: no signal pending, the thread still runnable, the same image (no execve), and
    // budget left. Ending the slice at every syscall cost a scheduler round, and a setImmediate
    // every 8 slices (~4 us), per call: most of an emulated gettid (bench/syscall-hooks.mjs).
    // Timers are still polled, and other threads still run, at slice boundaries, which now fall
    // every SLICE_BUDGET instructions for syscall-heavy threads as for compute-bound ones.
    while (exit === Exit.Syscall) {
      if (!this.goesOnAfterSyscall(t, this.kernel.syscall(t), sliceEnd, engine.cache)) break;
      exit = engine.run(c, sliceEnd - c.icount);
    }
    this.current = null;
    if (this.syscallError !== null) {
      const e = this.syscallError;
      this.syscallError = null;
      throw e;
    }
    if (exit === Exit.Fault) {
      const f = c.fault!;
      c.fault = null;
      this.lastFault = { fault: f, rip: c.rip, thread: t };
      this.kernel.forceSignal(t, { signo: f.signo, errno: 0, code: f.code, addr: f.addr, trapno: f.trapno, err: f.err });
      this.deliverSignals(proc, t);
      if (!proc.exit) this.lastFault = null;
    }
    if (this.limits.maxInstructions && !proc.exit) {
      const total = proc.threads.reduce((s, x) => s + x.cpu.icount, 0);
      if (total >= this.limits.maxInstructions) {
        this.kernel.config.warn(`x64run: instruction limit (${this.limits.maxInstructions}) reached, killing the guest`);
        proc.exit = { signal: SIGXCPU, core: true };
      }
    }
  }

  /** Parks a thread on its blocking syscall. */
  private park(t: Thread, pending: Promise<void>): void {
    t.blockedInternal = isInternalWait(pending);
    const p = pending.then(() => {
      t.blocked = null;
      t.blockedInternal = false;
    }, (e) => {
      t.blocked = null;
      throw e;
    });
    t.blocked = p;
  }

  /**
   * Delivers the thread's pending signals. Returns false if the thread must not run now (the
   * process died). Default actions that kill end the process with that signal.
   *
   * Like Linux (exit_to_user_mode_loop calls arch_do_signal_or_restart while signals are
   * pending), every deliverable signal gets its frame now, each on top of the previous one and
   * each blocking what its handler's mask says: the handler of the last frame runs first. An
   * interrupted syscall is settled by the first frame only (restarted under SA_RESTART, or
   * EINTR); when no handler runs at all (the signal was ignored, stopped nothing, or went to
   * another thread), the call is restarted whatever its kind, as the kernel does for
   * -ERESTARTSYS, -ERESTARTNOHAND and -ERESTART_RESTARTBLOCK without a handler.
   */
  private deliverSignals(proc: Process, t: Thread): boolean {
    // Kernel.finish sets restartNr for calls that SA_RESTART restarts; blockedNr is the call the thread blocked in.
    // Only a call that did fail with EINTR counts: a handler may turn an interrupted wait into a
    // result (io_uring_enter returns what it submitted, rt_sigtimedwait the signal it took).
    const regs = t.cpu.regs;
    const eintr = regs[2 * RAX] === -EINTR && regs[2 * RAX + 1] === -1;
    let interrupted: Interrupted | null = t.interrupted && eintr && t.blockedNr >= 0
      ? { nr: t.restartNr >= 0 ? t.restartNr : t.blockedNr, sa: t.restartNr >= 0 && !t.restartBlock, always: t.restartAlways }
      : null;
    t.restartNr = -1;
    t.interrupted = false;
    t.restartBlock = false;
    t.restartAlways = false;
    let handled = false;
    for (let n = 0; n < NSIG && hasDeliverable(t); n++) {
      let r;
      try {
        r = deliverOne(t, interrupted);
      } catch {
        // The frame could not be written (bad stack): the kernel kills with SIGSEGV.
        proc.exit ??= { signal: 11, core: true };
        return false;
      }
      if (!r) break;
      if (r.kill) {
        proc.exit ??= { signal: r.kill.signal, core: r.kill.core };
        for (const x of proc.threads) { x.exited = true; x.interrupt?.(); }
        return false;
      }
      if (r.handled) {
        handled = true;
        interrupted = null;
      }
    }
    if (interrupted && !handled) {
      // rt_sigsuspend/ppoll swapped the mask for the wait: the restarted call swaps it again.
      if (t.signals.savedMask !== null) {
        t.signals.mask = t.signals.savedMask;
        t.signals.savedMask = null;
      }
      restartSyscall(t, interrupted.nr);
    }
    return true;
  }

  /** Every live thread is blocked: wait for a wake-up, a timer, or report a deadlock. */
  private async waitForEvent(proc: Process, live: Thread[]): Promise<void> {
    const k = this.kernel;
    const blocked = live.filter((t) => t.blocked !== null);
    // Deterministic mode: jump virtual time to the earliest deadline (sleep, timed futex, timer).
    if (this.limits.advanceVirtualTime) {
      const now = k.config.monotonicNs();
      let best: bigint | null = null;
      for (const t of blocked) if (t.virtualDeadline && (best === null || t.virtualDeadline.atNs < best)) best = t.virtualDeadline.atNs;
      const timerNs = k.timers.nextRealDelayNs(k);
      if (timerNs !== null && (best === null || now + timerNs < best)) best = now + timerNs;
      if (best !== null) {
        if (best > now) this.limits.advanceVirtualTime(best - now);
        for (const t of blocked) {
          if (t.virtualDeadline && t.virtualDeadline.atNs <= k.config.monotonicNs()) {
            const v = t.virtualDeadline;
            t.virtualDeadline = null;
            v.fire();
          }
        }
        k.timers.poll(k);
        await settleMicrotasks();
        return;
      }
    }
    const timerMs = k.timers.nextRealDelayMs(k);
    if (k.hostTimers === 0 && timerMs === null && blocked.every((t) => t.blockedInternal)) {
      // Give pending wake-ups (already-settled promises) a chance before calling it a deadlock.
      await settleMicrotasks();
      if (live.some((t) => t.blocked === null) || proc.exit) return;
      this.deadlock = `deadlock: all ${live.length} thread(s) are blocked waiting for each other ` +
        `(${blocked.map((t) => `tid ${t.tid} in ${syscallName(t)}`).join(', ')})`;
      proc.exit = { signal: 9, core: false };
      return;
    }
    const waits: Promise<unknown>[] = blocked.map((t) => t.blocked!.catch(() => undefined));
    let timer: ReturnType<typeof setTimeout> | null = null;
    if (timerMs !== null) waits.push(new Promise<void>((r) => { timer = setTimeout(r, Math.max(1, timerMs)); }));
    waits.push(new Promise<void>((r) => { k.onSignal = r; }));
    await Promise.race(waits);
    k.onSignal = null;
    if (timer) clearTimeout(timer);
  }
}

function syscallName(t: Thread): string {
  if (t.waitingOn !== null) return t.waitingOn;
  return t.blockedNr >= 0 ? SYSCALLS[t.blockedNr]?.name ?? `syscall ${t.blockedNr}` : 'a blocking syscall';
}

/** Lets promise continuations that are already due run (wake-ups propagate through microtasks). */
async function settleMicrotasks(): Promise<void> {
  for (let k = 0; k < 4; k++) await Promise.resolve();
  await new Promise<void>((r) => setImmediate(r));
}
