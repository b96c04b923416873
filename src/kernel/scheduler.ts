/**
 * Runs guest threads: an engine executes a thread until a syscall, a fault or the end of its
 * instruction budget; the scheduler then runs the syscall (awaiting it if it blocks) or turns
 * the fault into the signal's action. Every few slices it yields to the host event loop so
 * timers and host I/O make progress.
 */
import { Exit, type CpuFault } from '../cpu/state.js';
import { Engine, DEFAULT_JIT, type JitOptions } from '../jit/engine.js';
import type { Kernel } from './kernel.js';
import type { Process } from './process.js';
import type { Thread } from './thread.js';
import { CORE_SIGNALS } from './signals.js';

/** Instructions per slice: large enough to amortise the loop, small enough to keep timers responsive. */
export const SLICE_BUDGET = 200_000;

export interface RunLimits {
  /** Stop the guest (SIGXCPU-like) after this many instructions; 0 = unlimited. */
  maxInstructions: number;
  jit?: JitOptions;
}

export interface FaultReport {
  fault: CpuFault;
  rip: number;
  thread: Thread;
}

export class Scheduler {
  lastFault: FaultReport | null = null;
  slices = 0;

  constructor(readonly kernel: Kernel, readonly limits: RunLimits) {}

  readonly engines = new Map<Process, Engine>();

  engineFor(proc: Process): Engine {
    let e = this.engines.get(proc);
    if (!e) {
      e = new Engine(proc.cache, this.limits.jit ?? DEFAULT_JIT);
      e.onCompileError = (b, err) => this.kernel.warnOnce(`jit-${b.addr}`,
        `x64run: JIT could not compile the block at 0x${b.addr.toString(16)} (it keeps running in the interpreter): ${err instanceof Error ? err.message : String(err)}`);
      this.engines.set(proc, e);
    }
    return e;
  }

  async run(proc: Process): Promise<void> {
    const t = proc.threads[0];
    const c = t.cpu;
    const engine = this.engineFor(proc);
    while (!proc.exit) {
      const exit = engine.run(c, SLICE_BUDGET);
      if (exit === Exit.Syscall) {
        const pending = this.kernel.syscall(t);
        if (pending) await pending;
      } else if (exit === Exit.Fault) {
        this.fatalSignal(proc, t);
      }
      if (this.limits.maxInstructions && c.icount >= this.limits.maxInstructions && !proc.exit) {
        this.kernel.config.warn(`x64run: instruction limit (${this.limits.maxInstructions}) reached, killing the guest`);
        proc.exit = { signal: 24 /* SIGXCPU */, core: true };
      }
      if ((++this.slices & 15) === 0) await new Promise<void>((r) => setImmediate(r));
    }
  }

  /** Default action for a CPU fault: terminate with the signal (and "core"). Handlers come with the signals issue. */
  private fatalSignal(proc: Process, t: Thread): void {
    const f = t.cpu.fault!;
    this.lastFault = { fault: f, rip: t.cpu.rip, thread: t };
    proc.exit = { signal: f.signo, core: CORE_SIGNALS.has(f.signo) };
  }
}
