/**
 * A guest thread: its CPU state and the per-thread kernel state Linux keeps in task_struct
 * (tid, clear_child_tid, robust list head, signal mask, comm name).
 */
import { Cpu } from '../cpu/state.js';
import type { Process } from './process.js';

export class Thread {
  readonly cpu: Cpu;
  /** set_tid_address / CLONE_CHILD_CLEARTID: zeroed and futex-woken at thread exit. */
  clearChildTid = 0;
  robustListHead = 0;
  robustListLen = 0;
  /** Blocked signals (bit n-1 for signal n). */
  sigmask = 0n;
  /** prctl(PR_SET_NAME) / comm, at most 15 bytes. */
  name: string;
  exited = false;

  constructor(readonly process: Process, readonly tid: number, name: string) {
    this.cpu = new Cpu(process.as.mem);
    this.cpu.owner = this;
    this.name = name.slice(0, 15);
  }
}
