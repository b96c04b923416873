/**
 * A guest process: address space, decoded-code cache, descriptor table, brk, program identity
 * (path, argv, environment, auxv) and its threads.
 */
import { AddressSpace } from '../memory/address-space.js';
import { CodeCache } from '../cpu/code-cache.js';
import { FdTable } from './file.js';
import { Thread } from './thread.js';
import type { Kernel } from './kernel.js';

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
  /** Set by Kernel.newProcess. */
  kernel!: Kernel;
  umask = 0o022;
  /** Resource limits changed with setrlimit/prlimit64 (defaults otherwise). */
  rlimits?: Map<number, [bigint, bigint]>;
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
