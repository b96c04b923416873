/**
 * strace-style formatting of syscalls, derived from the table's argument types:
 *   openat(AT_FDCWD, "/etc/passwd", O_RDONLY|O_CLOEXEC) = 3
 *   read(3, "root:x:0:0:root:/root:/bin/bash\n"..., 4096) = 1024
 *   open("/nope", O_RDONLY) = -1 ENOENT (No such file or directory)
 * Strings are shown up to 32 bytes with C escapes, as strace does by default.
 */
import type { Thread } from './thread.js';
import type { ArgSpec, SyscallDef } from './syscall-table.js';
import { ERRNO_NAMES, ERRNO_TEXT } from './errno.js';
import { WINDOW_SIZE } from '../memory/memory.js';

const MAX_STR = 32;
export const AT_FDCWD = -100;

export function escapeBytes(b: Uint8Array, max = MAX_STR): string {
  let s = '"';
  const n = Math.min(b.length, max);
  for (let k = 0; k < n; k++) {
    const c = b[k];
    if (c === 0x22) s += '\\"';
    else if (c === 0x5c) s += '\\\\';
    else if (c === 0x0a) s += '\\n';
    else if (c === 0x09) s += '\\t';
    else if (c === 0x0d) s += '\\r';
    else if (c >= 0x20 && c < 0x7f) s += String.fromCharCode(c);
    else s += '\\' + c.toString(8);
  }
  s += '"';
  if (b.length > max) s += '...';
  return s;
}

function peekString(t: Thread, addr: number): string {
  if (addr === 0) return 'NULL';
  if (addr >= WINDOW_SIZE) return `0x${addr.toString(16)}`;
  try {
    const b = t.process.as.mem.readCString(addr, MAX_STR + 1);
    return escapeBytes(b);
  } catch (e) {
    if (e instanceof RangeError) {
      try { return escapeBytes(t.process.as.mem.readBytes(addr, MAX_STR + 1)); } catch { /* fall through */ }
    }
    return `0x${addr.toString(16)}`;
  }
}

function peekBuf(t: Thread, addr: number, len: number): string {
  if (addr === 0) return 'NULL';
  try {
    return escapeBytes(t.process.as.mem.readBytes(addr, Math.min(len, MAX_STR + 1)).subarray(0, len), MAX_STR);
  } catch {
    return `0x${addr.toString(16)}`;
  }
}

export function formatFlags(v: number, names: Record<number, string> | undefined): string {
  if (!names) return `0x${v.toString(16)}`;
  if (v === 0 && names[0] !== undefined) return names[0];
  const parts: string[] = [];
  let rest = v >>> 0;
  // Multi-bit names first (e.g. O_ACCMODE values), then single bits.
  for (const [bitStr, name] of Object.entries(names)) {
    const bit = Number(bitStr);
    if (bit !== 0 && (rest & bit) === bit) { parts.push(name); rest = (rest & ~bit) >>> 0; }
  }
  if (rest) parts.push(`0x${rest.toString(16)}`);
  return parts.length ? parts.join('|') : '0';
}

function formatArg(t: Thread, spec: ArgSpec, v: number, next: number | undefined, exit: boolean, result: number): string {
  switch (spec.type) {
    case 'fd': return v === AT_FDCWD ? 'AT_FDCWD' : String(v);
    case 'ptr': return v === 0 ? 'NULL' : `0x${v.toString(16)}`;
    case 'hex': return `0x${v.toString(16)}`;
    case 'str': case 'path': return peekString(t, v);
    case 'buf': {
      if (spec.dir === 'out') return exit && result >= 0 ? peekBuf(t, v, result) : `0x${v.toString(16)}`;
      return peekBuf(t, v, next ?? 0);
    }
    case 'flags':
      if (spec.enumValues) return spec.enumValues[v] ?? String(v);
      return formatFlags(v, spec.flags);
    case 'mode': return `0${v.toString(8)}`;
    default:
      if (spec.enumValues && spec.enumValues[v] !== undefined) return spec.enumValues[v];
      return String(v);
  }
}

/** The call part, printed when the syscall enters (buffers written by the kernel are shown on exit). */
export function formatSyscallEntry(t: Thread, def: SyscallDef, args: number[]): string {
  if (def.args.some((s) => s.type === 'buf' && s.dir === 'out')) return `${def.name}(\u0000`; // completed on exit
  return `${def.name}(${def.args.map((s, k) => formatArg(t, s, args[k], args[k + 1], false, 0)).join(', ')})`;
}

export function formatSyscallExit(t: Thread, def: SyscallDef, args: number[], r: number): string {
  return formatResult(def, r);
}

/** Completes entries whose output buffers are only known after the call. */
export function completeEntry(t: Thread, def: SyscallDef, args: number[], entry: string, r: number): string {
  if (!entry.endsWith('\u0000')) return entry;
  return `${def.name}(${def.args.map((s, k) => formatArg(t, s, args[k], args[k + 1], true, r)).join(', ')})`;
}

export function formatResult(def: SyscallDef, r: number): string {
  if (r < 0 && r >= -4095) {
    const e = -r;
    return `-1 ${ERRNO_NAMES[e] ?? `E${e}`} (${ERRNO_TEXT[e] ?? `Unknown error ${e}`})`;
  }
  switch (def.ret) {
    case 'ptr': case 'hex': return `0x${r.toString(16)}`;
    case 'void': return '?';
    default: return String(r);
  }
}
