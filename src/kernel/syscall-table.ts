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
  | 'struct' // pointer to a structure, decoded by trace.ts according to `struct` (pointer in hex otherwise)
  | 'hex'; // unsigned 64-bit, printed in hex

/** Structures the trace decodes (trace.ts STRUCT_PRINTERS). */
export type StructKind = 'stat' | 'dirents' | 'rlimit' | 'timespec' | 'iovec';

/** Flag names in the order strace prints them (its xlat tables), or by value when order does not matter. */
export type FlagTable = Record<number, string> | readonly (readonly [number, string])[];

export type RetType = 'int' | 'fd' | 'ptr' | 'size' | 'off' | 'hex' | 'void';

export type Support = 'full' | 'partial' | 'ignored-ok' | 'enosys';

export interface ArgSpec {
  name: string;
  type: ArgType;
  /** Symbolic names for 'flags' (bit -> name) or enumerations (value -> name with `enumValues`). */
  flags?: FlagTable;
  enumValues?: Record<number, string>;
  /** 'flags' whose low two bits are an access mode (O_RDONLY/O_WRONLY/O_RDWR), printed first. */
  accessMode?: boolean;
  /** For 'buf' and 'struct' arguments: printed on entry ('in', write) or on exit ('out', read). */
  dir?: 'in' | 'out';
  /** For 'buf': print every byte as \xNN (strace's QUOTE_FORCE_HEX, e.g. getrandom). */
  hex?: boolean;
  /** For 'struct': which structure. */
  struct?: StructKind;
  /** The argument is only printed when this holds (e.g. open's mode only with O_CREAT). */
  when?: (args: readonly number[]) => boolean;
}

/**
 * A custom trace decoder for calls whose arguments depend on each other (prctl): returns the
 * text between the parentheses, or null to use the table's argument types. `exit` is false
 * when called at entry, true (with the result) when the call completed.
 */
export type TraceDecoder = (t: Thread, args: readonly number[], exit: boolean, result: number) => string | null;

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
  /**
   * When a signal handler interrupts the call: 'sys' restarts it under SA_RESTART (Linux
   * -ERESTARTSYS), 'never' always returns -EINTR (-ERESTARTNOHAND: poll, select, sleeps,
   * sigsuspend...).
   */
  restart: 'sys' | 'never';
  /** The handler sets rax itself (rt_sigreturn): the dispatcher must not store a result. */
  setsRax: boolean;
  handler: SyscallHandler;
  /** Custom trace decoder (see TraceDecoder). */
  trace?: TraceDecoder;
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
  restart?: 'sys' | 'never';
  setsRax?: boolean;
  trace?: TraceDecoder;
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
    restart: opts.restart ?? 'sys',
    setsRax: opts.setsRax ?? false,
    ...(opts.trace ? { trace: opts.trace } : {}),
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
