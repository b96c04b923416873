/**
 * The typed syscall table (DESIGN "The kernel", CONVENTIONS 4): one entry per syscall with its
 * number, name, argument types, return type, support level, note and handler. The same types
 * drive argument decoding, the strace-like trace and `npm run syscalls`.
 *
 * Family files (syscalls/*.ts) add entries with `sys(...)`. Handlers receive decoded arguments
 * (numbers) and return the result or -errno, or a Promise of it when they block. A handler may
 * also throw SyscallError(errno) from deep inside a helper (e.g. EFAULT while copying).
 */
import type { Thread } from './thread.js';

/** How an argument is decoded from its 64-bit register and how the trace prints it. */
export type ArgType =
  | 'int' // signed 32-bit
  | 'uint' // unsigned 32-bit
  | 'long' // signed 64-bit (exact to 2^53)
  | 'ulong' // unsigned 64-bit (exact to 2^53)
  | 'fd' // signed 32-bit file descriptor (AT_FDCWD printed by name)
  | 'ptr' // guest address, printed in hex (NULL for 0)
  | 'size' // unsigned 64-bit count
  | 'off' // signed 64-bit file offset
  | 'str' // pointer to a NUL-terminated string, printed quoted
  | 'path' // same, a file name
  | 'buf' // pointer to a buffer whose length is the next 'size' argument (printed as a string for writes)
  | 'flags' // unsigned 32-bit bit set, printed with the entry's flag names
  | 'mode' // octal
  | 'pid'
  | 'signal'
  | 'hex'; // unsigned 64-bit, printed in hex

export type RetType = 'int' | 'fd' | 'ptr' | 'size' | 'off' | 'hex' | 'void';

export type Support = 'full' | 'partial' | 'ignored-ok' | 'enosys';

export interface ArgSpec {
  name: string;
  type: ArgType;
  /** Symbolic names for 'flags' (bit -> name) or enumerations (value -> name with `enumValues`). */
  flags?: Record<number, string>;
  enumValues?: Record<number, string>;
  /** For 'buf' arguments: printed only on entry ('in', write) or on exit ('out', read). */
  dir?: 'in' | 'out';
}

export type SyscallResult = number | Promise<number>;
export type SyscallHandler = (t: Thread, ...args: number[]) => SyscallResult;

export interface SyscallDef {
  nr: number;
  name: string;
  args: ArgSpec[];
  ret: RetType;
  support: Support;
  note: string;
  /** May wait (the scheduler parks the thread on the returned Promise). */
  blocking: boolean;
  handler: SyscallHandler;
}

/** Thrown by helpers to return -errno from the current syscall. */
export class SyscallError extends Error {
  constructor(readonly errno: number) {
    super(`errno ${errno}`);
    this.name = 'SyscallError';
  }
}

export const SYSCALLS: (SyscallDef | undefined)[] = [];
export const SYSCALLS_BY_NAME = new Map<string, SyscallDef>();

/** Shorthand for argument specs: `a('fd', 'fd')`. */
export function a(name: string, type: ArgType, extra: Partial<ArgSpec> = {}): ArgSpec {
  return { name, type, ...extra };
}

export interface SysOptions {
  ret?: RetType;
  support?: Support;
  note?: string;
  blocking?: boolean;
}

/** Registers a syscall. */
export function sys(nr: number, name: string, args: ArgSpec[], handler: SyscallHandler, opts: SysOptions = {}): void {
  if (SYSCALLS[nr]) throw new Error(`syscall ${nr} (${name}) registered twice`);
  const def: SyscallDef = {
    nr, name, args, handler,
    ret: opts.ret ?? 'int',
    support: opts.support ?? 'full',
    note: opts.note ?? '',
    blocking: opts.blocking ?? false,
  };
  SYSCALLS[nr] = def;
  SYSCALLS_BY_NAME.set(name, def);
}

const TWO32 = 4294967296;

/** Decodes a raw (lo, hi) register pair for an argument type. */
export function decodeArg(type: ArgType, lo: number, hi: number): number {
  switch (type) {
    case 'int': case 'fd': case 'pid': case 'signal':
      return lo | 0;
    case 'uint': case 'flags': case 'mode':
      return lo >>> 0;
    case 'long': case 'off':
      return hi * TWO32 + (lo >>> 0);
    default:
      return (hi >>> 0) * TWO32 + (lo >>> 0);
  }
}
