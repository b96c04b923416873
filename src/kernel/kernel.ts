/**
 * The emulated kernel: syscall dispatch through the typed table, process and thread bookkeeping,
 * statistics, the syscall trace and once-only warnings. The scheduler (scheduler.ts) drives
 * engines and calls `syscall()` when a thread executes the `syscall` instruction.
 */
import { SYSCALLS, SyscallError, decodeArg, type SyscallDef } from './syscall-table.js';
import { ENOSYS, EFAULT } from './errno.js';
import type { Thread } from './thread.js';
import { Process } from './process.js';
import { RAX, RDI, RSI, RDX, R10, R8, R9 } from '../cpu/state.js';
import { formatSyscallEntry, formatResult, completeEntry } from './trace.js';
import './syscalls/index.js';

export interface SyscallStat {
  count: number;
  /** Total host time spent in the handler, nanoseconds. */
  ns: number;
}

export interface KernelConfig {
  uid: number;
  gid: number;
  hostname: string;
  /** Trace sink (strace-like lines without trailing newline), or null. */
  trace: ((line: string) => void) | null;
  /** Diagnostics sink for once-only warnings (unimplemented syscalls...). */
  warn: (msg: string) => void;
  /** Realtime and monotonic clocks in nanoseconds. */
  realtimeNs: () => bigint;
  monotonicNs: () => bigint;
  /** Random bytes for AT_RANDOM and getrandom. */
  randomBytes: (n: number) => Uint8Array;
}

const ARG_REGS = [RDI, RSI, RDX, R10, R8, R9];

export class Kernel {
  readonly processes = new Map<number, Process>();
  private nextPid = 1000;
  readonly syscallStats = new Map<string, SyscallStat>();
  private readonly warned = new Set<string>();
  /** Virtual sleep (deterministic mode): advances the clock instead of waiting. */
  sleep: ((ns: bigint) => Promise<void>) | null = null;

  constructor(readonly config: KernelConfig) {}

  allocPid(): number {
    return this.nextPid++;
  }

  newProcess(ppid: number): Process {
    const p = new Process(this.allocPid(), ppid);
    p.kernel = this;
    this.processes.set(p.pid, p);
    return p;
  }

  warnOnce(key: string, msg: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.config.warn(msg);
  }

  /**
   * Executes the syscall the thread just trapped with: rax = number, args in rdi, rsi, rdx, r10,
   * r8, r9; the result goes to rax. Returns a Promise when the handler blocks.
   */
  syscall(t: Thread): void | Promise<void> {
    const regs = t.cpu.regs;
    const nr = regs[2 * RAX + 1] === 0 ? regs[2 * RAX] : -1;
    const def = nr >= 0 ? SYSCALLS[nr] : undefined;
    if (!def) {
      this.unknownSyscall(t, nr);
      return;
    }
    const args: number[] = new Array(6);
    for (let k = 0; k < 6; k++) {
      const r = ARG_REGS[k];
      const spec = def.args[k];
      args[k] = decodeArg(spec ? spec.type : 'ulong', regs[2 * r], regs[2 * r + 1]);
    }
    const trace = this.config.trace;
    const entryText = trace ? formatSyscallEntry(t, def, args) : '';
    const start = process.hrtime.bigint();
    let result: number | Promise<number>;
    try {
      result = def.handler(t, args[0], args[1], args[2], args[3], args[4], args[5]);
    } catch (e) {
      result = errnoOf(e, def);
    }
    if (typeof result === 'number') {
      this.finish(t, def, args, result, start, entryText);
      return;
    }
    return result.then(
      (r) => this.finish(t, def, args, r, start, entryText),
      (e) => this.finish(t, def, args, errnoOf(e, def), start, entryText),
    );
  }

  private finish(t: Thread, def: SyscallDef, args: number[], r: number, start: bigint, entryText: string): void {
    const ns = Number(process.hrtime.bigint() - start);
    let st = this.syscallStats.get(def.name);
    if (!st) this.syscallStats.set(def.name, (st = { count: 0, ns: 0 }));
    st.count++;
    st.ns += ns;
    setResult(t, r);
    const trace = this.config.trace;
    if (trace) {
      const text = completeEntry(t, def, args, entryText, r);
      trace(t.process.exit ? `${text} = ?` : `${text} = ${formatResult(def, r)}`);
    }
  }

  private unknownSyscall(t: Thread, nr: number): void {
    this.warnOnce(`sys${nr}`, `x64run: unimplemented syscall ${nr}, returning -ENOSYS`);
    this.config.trace?.(`syscall_${nr}(...) = -1 ENOSYS (Function not implemented)`);
    let st = this.syscallStats.get(`syscall_${nr}`);
    if (!st) this.syscallStats.set(`syscall_${nr}`, (st = { count: 0, ns: 0 }));
    st.count++;
    setResult(t, -ENOSYS);
  }
}

function errnoOf(e: unknown, def: SyscallDef): number {
  if (e instanceof SyscallError) return -e.errno;
  throw new Error(`x64run: internal error in ${def.name}: ${e instanceof Error ? e.stack : String(e)}`);
}

/** Stores a syscall result (negative = -errno) into rax as a 64-bit value. */
export function setResult(t: Thread, r: number): void {
  const regs = t.cpu.regs;
  regs[2 * RAX] = r % 4294967296 | 0;
  regs[2 * RAX + 1] = Math.floor(r / 4294967296) | 0;
}
void EFAULT;
