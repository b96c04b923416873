/**
 * Copying between guest memory and the kernel (copy_from_user / copy_to_user). Every helper
 * checks page protections and throws SyscallError(EFAULT) on a bad pointer, which the
 * dispatcher turns into -EFAULT for the guest.
 */
import type { Thread } from './thread.js';
import { SyscallError } from './syscall-table.js';
import { EFAULT, ENAMETOOLONG } from './errno.js';
import { WINDOW_SIZE } from '../memory/memory.js';

const PATH_MAX = 4096;

function checkRange(addr: number, len: number): void {
  if (!(addr >= 0) || addr + len > WINDOW_SIZE) throw new SyscallError(EFAULT);
}

export function copyIn(t: Thread, addr: number, len: number): Uint8Array {
  checkRange(addr, len);
  try {
    return t.process.as.mem.readBytes(addr, len);
  } catch {
    throw new SyscallError(EFAULT);
  }
}

export function copyOut(t: Thread, addr: number, data: Uint8Array): void {
  checkRange(addr, data.length);
  try {
    t.process.as.mem.writeBytes(addr, data);
  } catch {
    throw new SyscallError(EFAULT);
  }
}

/** Reads a NUL-terminated string (ENAMETOOLONG past `max` bytes). */
export function readCString(t: Thread, addr: number, max = PATH_MAX): Uint8Array {
  checkRange(addr, 1);
  const mem = t.process.as.mem;
  try {
    return mem.readCString(addr, max);
  } catch (e) {
    if (e instanceof RangeError) throw new SyscallError(ENAMETOOLONG);
    throw new SyscallError(EFAULT);
  }
}

const decoder = new TextDecoder('utf-8', { fatal: false });
export function readString(t: Thread, addr: number, max = PATH_MAX): string {
  return decoder.decode(readCString(t, addr, max));
}

export function read32(t: Thread, addr: number): number {
  checkRange(addr, 4);
  try { return t.process.as.mem.read32(addr); } catch { throw new SyscallError(EFAULT); }
}

export function write32(t: Thread, addr: number, v: number): void {
  checkRange(addr, 4);
  try { t.process.as.mem.write32(addr, v); } catch { throw new SyscallError(EFAULT); }
}

/** Reads a u64 as a JS number (exact below 2^53). */
export function read64(t: Thread, addr: number): number {
  checkRange(addr, 8);
  try {
    const mem = t.process.as.mem;
    const lo = mem.read64(addr);
    return (mem.hi >>> 0) * 4294967296 + (lo >>> 0);
  } catch { throw new SyscallError(EFAULT); }
}

export function write64(t: Thread, addr: number, v: number | bigint): void {
  checkRange(addr, 8);
  const b = BigInt.asUintN(64, BigInt(v));
  try { t.process.as.mem.write64(addr, Number(b & 0xffffffffn) | 0, Number(b >> 32n) | 0); } catch { throw new SyscallError(EFAULT); }
}
