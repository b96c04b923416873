/**
 * Syscall hooks: JavaScript functions interposed on syscalls before the table (a library OS
 * written in JavaScript). A hook sees the decoded arguments and a small, bounds-checked view of
 * guest memory, and either answers the call (returns a number: the result, or -errno), or
 * returns undefined to pass the call on to x64run's kernel, possibly after changing `args`.
 * `pass()` runs the kernel's handler now and gives its result, for hooks that post-process.
 */
import type { Thread } from './thread.js';
import { copyIn, copyOut, readString } from './guest-mem.js';

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
  nr: number;
  /** Linux name, or `syscall_<nr>` for numbers x64run does not know. */
  name: string;
  /** Arguments decoded per the table's types (up to six); change them to alter the call. */
  args: number[];
  pid: number;
  tid: number;
  /** Guest memory: out-of-range or unmapped accesses throw, which fails the call with -EFAULT. */
  mem: GuestMemory;
  /** Runs x64run's own handler with the current args and returns its result. */
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
