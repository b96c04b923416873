/**
 * A guest process: address space, decoded-code cache, descriptor table, brk, program identity
 * (path, argv, environment, auxv) and its threads.
 */
import { AddressSpace } from '../memory/address-space.js';
import { CodeCache } from '../cpu/code-cache.js';
import { FdTable } from './file.js';
import { Thread } from './thread.js';
import type { Kernel } from './kernel.js';
import { ProcessSignals } from './signal.js';
import type { Timer } from './timers.js';
import type { Inode } from './vfs/types.js';

export interface ExitStatus {
  /** Exit code when the process called exit/exit_group. */
  code?: number;
  /** Signal that killed the process. */
  signal?: number;
  /** A core dump would have been written (default action "core"). */
  core?: boolean;
}

export class Process {
  readonly as = new AddressSpace();
  readonly cache: CodeCache;
  fds = new FdTable();
  readonly threads: Thread[] = [];
  exit: ExitStatus | null = null;
  /** The guest program path as the guest sees it (readlink /proc/self/exe, AT_EXECFN). */
  exePath = '';
  argv: string[] = [];
  envp: string[] = [];
  auxv: [number, number][] = [];
  cwd = '/';
  /**
   * The directory chdir/fchdir made current (null: the initial cwd, found by its path). Kept
   * so that a removed cwd stays usable ("." still opens, getcwd fails with ENOENT) instead of
   * silently becoming another directory that later takes the path.
   */
  cwdNode: Inode | null = null;
  /** Supplementary group ids (getgroups/setgroups). */
  groups: number[] = [];
  /** Set by Kernel.newProcess. */
  kernel!: Kernel;
  umask = 0o022;
  /** Resource limits changed with setrlimit/prlimit64 (defaults otherwise). */
  rlimits?: Map<number, [bigint, bigint]>;
  /** Futex waiters by guest address (syscalls/thread.ts). */
  futexes?: Map<number, { bitset: number; settle: () => void; addr: number }[]>;
  /** ITIMER_REAL/VIRTUAL/PROF (created on first use) and the next timer_create id. */
  itimers?: Timer[];
  nextTimerId?: number;
  /** Signal dispositions (shared by all threads) and the process-wide pending set. */
  readonly signals = new ProcessSignals();
  /** Monotonic time of process start (CPU-time clocks count from here). */
  startNs = 0n;

  constructor(readonly pid: number, readonly ppid: number) {
    this.cache = new CodeCache(this.as.mem);
  }

  newThread(tid: number, name: string): Thread {
    const t = new Thread(this, tid, name);
    this.threads.push(t);
    return t;
  }
}
