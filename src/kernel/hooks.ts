/**
 * Syscall hooks (RunOptions.syscalls): JavaScript functions interposed on syscalls before the
 * table, a library OS written in JavaScript. A hook sees the decoded arguments and a small,
 * bounds-checked view of guest memory, and either
 *   - answers the call: returns a number, the result (or -errno), which goes to rax;
 *   - passes it on: returns undefined, after changing `call.args` (or `call.nr`) if it likes;
 *   - post-processes it: calls `call.pass()`, which runs x64run's handler now, and returns
 *     something based on the result.
 * A hook may be async (return a Promise): the guest thread then blocks until it settles.
 * Throwing `new SyscallError(errno)` fails the call with -errno; any other exception is a bug
 * in the hook and ends the run with that error.
 *
 * Hooks are keyed by name ("getpid"), by number (39 or "39"), or "syscall_<nr>" for numbers
 * x64run does not know; when both a name and its number are given, the name wins. They are
 * resolved once when the run starts (an unknown name is an error). The vDSO entries
 * (clock_gettime, gettimeofday, time, getcpu, clock_getres) consult the hooks too: a hooked one
 * makes the real syscall, so the hook sees those calls (see vdso.ts).
 */
import type { Thread } from './thread.js';
import { copyIn, copyOut, readString } from './guest-mem.js';
import { SYSCALLS, SyscallError } from './syscall-table.js';
import { ENOSYS } from './errno.js';

export interface GuestMemory {
  read(addr: number, len: number): Uint8Array;
  write(addr: number, data: Uint8Array): void;
  readString(addr: number, max?: number): string;
  /** Writes a NUL-terminated UTF-8 string. */
  writeString(addr: number, s: string): void;
  readU32(addr: number): number;
  writeU32(addr: number, v: number): void;
  readU64(addr: number): bigint;
  writeU64(addr: number, v: bigint): void;
}

export interface SyscallCall {
  /** The syscall number; a hook may change it before passing the call on (redirecting it). */
  nr: number;
  /** Linux name, or `syscall_<nr>` for numbers x64run does not know. */
  name: string;
  /** Arguments decoded per the table's types (up to six); change them to alter the call. */
  args: number[];
  pid: number;
  tid: number;
  /** Guest memory: out-of-range or unmapped accesses throw, which fails the call with -EFAULT. */
  mem: GuestMemory;
  /** Runs x64run's own handler for the current `nr` and `args` and returns its result (-ENOSYS for an unknown number). */
  pass(): number | Promise<number>;
}

export type SyscallHook = (call: SyscallCall) => number | undefined | void | Promise<number | undefined | void>;

/** Hooks keyed by syscall name or number. */
export type SyscallHooks = Record<string | number, SyscallHook>;

export function guestMemory(t: Thread): GuestMemory {
  return {
    read: (addr, len) => copyIn(t, addr, len),
    write: (addr, data) => copyOut(t, addr, data),
    readString: (addr, max) => readString(t, addr, max),
    writeString: (addr, s) => copyOut(t, addr, new TextEncoder().encode(s + '\0')),
    readU32: (addr) => new DataView(copyIn(t, addr, 4).buffer).getUint32(0, true),
    writeU32: (addr, v) => { const b = new Uint8Array(4); new DataView(b.buffer).setUint32(0, v >>> 0, true); copyOut(t, addr, b); },
    readU64: (addr) => new DataView(copyIn(t, addr, 8).buffer).getBigUint64(0, true),
    writeU64: (addr, v) => { const b = new Uint8Array(8); new DataView(b.buffer).setBigUint64(0, BigInt.asUintN(64, v), true); copyOut(t, addr, b); },
  };
}

/**
 * The call object a hook receives. `mem` is created on first use: most hooks never touch guest
 * memory, and a syscall path that allocates nothing is what keeps hooked calls cheap.
 */
export class HookCall implements SyscallCall {
  private view: GuestMemory | null = null;
  constructor(private readonly thread: Thread, public nr: number, public name: string, public args: number[]) {}
  get pid(): number {
    return this.thread.process.pid;
  }
  get tid(): number {
    return this.thread.tid;
  }
  get mem(): GuestMemory {
    return (this.view ??= guestMemory(this.thread));
  }
  pass(): number | Promise<number> {
    const def = SYSCALLS[this.nr];
    if (!def) return -ENOSYS;
    const a = this.args;
    try {
      return def.handler(this.thread, a[0] ?? 0, a[1] ?? 0, a[2] ?? 0, a[3] ?? 0, a[4] ?? 0, a[5] ?? 0);
    } catch (e) {
      if (e instanceof SyscallError) return -e.errno;
      throw e;
    }
  }
}
