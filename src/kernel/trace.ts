/**
 * strace-style formatting of syscalls, derived from the table's argument types and following
 * strace 6.1's default output (no -v, -s 32):
 *
 *   openat(AT_FDCWD, ".", O_RDONLY|O_NONBLOCK|O_CLOEXEC|O_DIRECTORY) = 3
 *   newfstatat(3, "", {st_mode=S_IFDIR|0755, st_size=4096, ...}, AT_EMPTY_PATH) = 0
 *   getdents64(3, 0x4d57f0 /* 4 entries *\/, 32768) = 104
 *   read(3, "root:x:0:0:root:/root:/bin/bash\n"..., 4096) = 1024
 *   open("/nope", O_RDONLY)                 = -1 ENOENT (No such file or directory)
 *   exit_group(0)                           = ?
 *
 * - " = " starts at column 40 when the call is shorter (strace's -a 40 "alignment column").
 * - Strings show at most 32 bytes, with "..." when longer; bytes are escaped like strace's
 *   string_quote (\t \n \v \f \r \" \\, other non-printable bytes in octal, three digits when
 *   an octal digit follows).
 * - Flag sets print in the order of strace's xlat tables; open flags start with the access
 *   mode; the mode argument of open/openat appears only with O_CREAT or O_TMPFILE.
 * - Structures (stat, getdents64 buffers, rlimit, timespec) use strace's abbreviated forms;
 *   output structures are printed when the call returns, and only when it succeeded.
 */
import type { Thread } from './thread.js';
import type { ArgSpec, FlagTable, StructKind, SyscallDef } from './syscall-table.js';
import { ERRNO_NAMES, ERRNO_TEXT } from './errno.js';
import { WINDOW_SIZE } from '../memory/memory.js';

const MAX_STR = 32;
export const AT_FDCWD = -100;
/** strace's default alignment column for " = result". */
export const TRACE_COLUMN = 40;

/** Quotes bytes like strace (string_quote); `max` bytes at most, "..." appended when cut. */
export function escapeBytes(b: Uint8Array, max = MAX_STR, forceHex = false): string {
  let s = '"';
  const n = Math.min(b.length, max);
  for (let k = 0; k < n; k++) {
    const c = b[k];
    if (forceHex) { s += '\\x' + c.toString(16).padStart(2, '0'); continue; }
    switch (c) {
      case 0x22: s += '\\"'; continue;
      case 0x5c: s += '\\\\'; continue;
      case 0x0c: s += '\\f'; continue;
      case 0x0a: s += '\\n'; continue;
      case 0x0d: s += '\\r'; continue;
      case 0x09: s += '\\t'; continue;
      case 0x0b: s += '\\v'; continue;
    }
    if (c >= 0x20 && c < 0x7f) { s += String.fromCharCode(c); continue; }
    const next = k + 1 < n ? b[k + 1] : -1;
    // \ooo when an octal digit follows (so the escape cannot swallow it), else the shortest form.
    s += '\\' + (next >= 0x30 && next <= 0x37 ? c.toString(8).padStart(3, '0') : c.toString(8));
  }
  s += '"';
  if (b.length > max) s += '...';
  return s;
}

function readMem(t: Thread, addr: number, len: number): Uint8Array | null {
  if (addr === 0 || addr >= WINDOW_SIZE) return null;
  try {
    return t.process.as.mem.readBytes(addr, len);
  } catch {
    return null;
  }
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

function peekBuf(t: Thread, addr: number, len: number, hex = false): string {
  if (addr === 0) return 'NULL';
  const b = readMem(t, addr, Math.min(len, MAX_STR + 1));
  return b ? escapeBytes(b.subarray(0, len), MAX_STR, hex) : `0x${addr.toString(16)}`;
}

function entriesOf(names: FlagTable): readonly (readonly [number, string])[] {
  return Array.isArray(names) ? names : Object.entries(names).map(([k, v]) => [Number(k), v] as const);
}

/**
 * A flag set: names whose bits are all set, in table order (multi-bit names first when the
 * table lists them first), then the remaining bits in hex. With `accessMode`, the low two bits
 * print first as O_RDONLY / O_WRONLY / O_RDWR.
 */
export function formatFlags(v: number, names: FlagTable | undefined, accessMode = false): string {
  if (!names) return `0x${v.toString(16)}`;
  const table = entriesOf(names);
  const zero = table.find(([bit]) => bit === 0);
  const parts: string[] = [];
  let rest = v >>> 0;
  if (accessMode) {
    const acc = rest & 3;
    parts.push(acc === 0 ? 'O_RDONLY' : acc === 1 ? 'O_WRONLY' : acc === 2 ? 'O_RDWR' : 'O_ACCMODE');
    rest = (rest & ~3) >>> 0;
  } else if (v === 0 && zero) return zero[1];
  for (const [bit, name] of table) {
    if (bit !== 0 && (rest & bit) === bit) { parts.push(name); rest = (rest & ~bit) >>> 0; }
  }
  if (rest) parts.push(`0x${rest.toString(16)}`);
  return parts.length ? parts.join('|') : '0';
}

/** print_numeric_umode_t: "%#03o". */
export function formatMode(v: number): string {
  const o = v.toString(8);
  return v === 0 ? '000' : `0${o}`.padStart(3, '0');
}

// ------------------------------------------------------------------ structures

const S_IFMT_NAMES: Record<number, string> = {
  0o140000: 'S_IFSOCK', 0o120000: 'S_IFLNK', 0o100000: 'S_IFREG', 0o060000: 'S_IFBLK', 0o040000: 'S_IFDIR',
  0o020000: 'S_IFCHR', 0o010000: 'S_IFIFO',
};

/** print_symbolic_mode_t: S_IFDIR|0755, S_IFREG|S_ISUID|0755. */
function symbolicMode(mode: number): string {
  const parts: string[] = [];
  const type = S_IFMT_NAMES[mode & 0o170000];
  if (type) parts.push(type);
  if (mode & 0o4000) parts.push('S_ISUID');
  if (mode & 0o2000) parts.push('S_ISGID');
  if (mode & 0o1000) parts.push('S_ISVTX');
  parts.push(formatMode(mode & 0o777));
  return parts.join('|');
}

function u64(b: Uint8Array, off: number): bigint {
  return new DataView(b.buffer, b.byteOffset, b.byteLength).getBigUint64(off, true);
}

/** strace's sprint_rlim64: RLIM64_INFINITY, N*1024 for multiples of 1 KiB, else N. */
function rlim(v: bigint): string {
  if (v === 0xffffffffffffffffn) return 'RLIM64_INFINITY';
  return v > 1024n && v % 1024n === 0n ? `${v / 1024n}*1024` : String(v);
}

/** Prints a structure at `addr`; `result` is the call's result (on exit), `next` the following argument. */
type StructPrinter = (t: Thread, addr: number, result: number, next: number, exit: boolean) => string | null;

const STRUCT_PRINTERS: Record<StructKind, StructPrinter> = {
  // struct stat (144 bytes): mode@24, rdev@40, size@48.
  stat: (t, addr) => {
    const b = readMem(t, addr, 144);
    if (!b) return null;
    const mode = new DataView(b.buffer, b.byteOffset).getUint32(24, true);
    const type = mode & 0o170000;
    let second: string;
    if (type === 0o020000 || type === 0o060000) {
      const dev = Number(u64(b, 40));
      const major = ((dev >>> 8) & 0xfff) | (Math.floor(dev / 2 ** 32) & ~0xfff);
      const minor = (dev & 0xff) | ((dev >>> 12) & ~0xff);
      second = `st_rdev=makedev(0x${major.toString(16)}, 0x${minor.toString(16)})`;
    } else second = `st_size=${u64(b, 48)}`;
    return `{st_mode=${symbolicMode(mode)}, ${second}, ...}`;
  },
  // linux_dirent64 records: the count of entries in the returned bytes.
  dirents: (t, addr, result) => {
    const b = readMem(t, addr, Math.max(0, result));
    if (!b) return null;
    let n = 0;
    for (let off = 0; off + 19 <= b.length; n++) {
      const reclen = b[off + 16] | (b[off + 17] << 8);
      if (reclen === 0) break;
      off += reclen;
    }
    return `0x${addr.toString(16)} /* ${n} entries */`;
  },
  rlimit: (t, addr) => {
    const b = readMem(t, addr, 16);
    return b ? `{rlim_cur=${rlim(u64(b, 0))}, rlim_max=${rlim(u64(b, 8))}}` : null;
  },
  // struct iovec[next]: the data of each element (on exit only the `result` bytes transferred).
  iovec: (t, addr, result, next, exit) => {
    const count = Math.min(next, 1024);
    const b = readMem(t, addr, 16 * count);
    if (!b) return null;
    let left = exit ? Math.max(0, result) : Infinity;
    const items: string[] = [];
    for (let k = 0; k < count; k++) {
      const base = Number(u64(b, 16 * k)), len = Number(u64(b, 16 * k + 8));
      const shown = Math.min(len, left);
      left -= shown;
      items.push(`{iov_base=${base === 0 ? 'NULL' : peekBuf(t, base, shown)}, iov_len=${len}}`);
    }
    return `[${items.join(', ')}]`;
  },
  timespec: (t, addr) => {
    const b = readMem(t, addr, 16);
    if (!b) return null;
    const dv = new DataView(b.buffer, b.byteOffset);
    return `{tv_sec=${dv.getBigInt64(0, true)}, tv_nsec=${dv.getBigInt64(8, true)}}`;
  },
};

function formatArg(t: Thread, spec: ArgSpec, v: number, next: number | undefined, exit: boolean, result: number): string {
  switch (spec.type) {
    case 'fd': return v === AT_FDCWD ? 'AT_FDCWD' : String(v);
    case 'ptr': return v === 0 ? 'NULL' : `0x${v.toString(16)}`;
    case 'hex': return `0x${v.toString(16)}`;
    case 'str': case 'path': return peekString(t, v);
    case 'buf': {
      if (spec.dir === 'out') return exit && result >= 0 ? peekBuf(t, v, result, spec.hex) : `0x${v.toString(16)}`;
      return peekBuf(t, v, next ?? 0, spec.hex);
    }
    case 'struct': {
      if (v === 0) return 'NULL';
      const ok = spec.dir !== 'out' || (exit && result >= 0);
      const text = ok && spec.struct ? STRUCT_PRINTERS[spec.struct](t, v, result, next ?? 0, exit) : null;
      return text ?? `0x${v.toString(16)}`;
    }
    case 'flags':
      if (spec.enumValues) return spec.enumValues[v] ?? String(v);
      return formatFlags(v, spec.flags, spec.accessMode);
    case 'mode': return formatMode(v);
    default:
      if (spec.enumValues && spec.enumValues[v] !== undefined) return spec.enumValues[v];
      return String(v);
  }
}

/** Whether any part of the call's text is only known when it returns. */
function printedOnExit(def: SyscallDef): boolean {
  return def.trace !== undefined || def.args.some((s) => (s.type === 'buf' || s.type === 'struct') && s.dir === 'out');
}

function formatArgs(t: Thread, def: SyscallDef, args: number[], exit: boolean, result: number): string {
  const custom = def.trace?.(t, args, exit, result);
  if (custom !== undefined && custom !== null) return custom;
  return def.args.filter((s) => !s.when || s.when(args))
    .map((s) => { const k = def.args.indexOf(s); return formatArg(t, s, args[k], args[k + 1], exit, result); })
    .join(', ');
}

/** The call part, printed when the syscall enters (buffers written by the kernel are shown on exit). */
export function formatSyscallEntry(t: Thread, def: SyscallDef, args: number[]): string {
  if (printedOnExit(def)) return `${def.name}(\u0000`; // completed on exit
  return `${def.name}(${formatArgs(t, def, args, false, 0)})`;
}

export function formatSyscallExit(t: Thread, def: SyscallDef, args: number[], r: number): string {
  void t; void args;
  return formatResult(def, r);
}

/** Completes entries whose output buffers are only known after the call. */
export function completeEntry(t: Thread, def: SyscallDef, args: number[], entry: string, r: number): string {
  if (!entry.endsWith('\u0000')) return entry;
  return `${def.name}(${formatArgs(t, def, args, true, r)})`;
}

/** A whole trace line: the call, " = " at the alignment column (or after one space), the result. */
export function traceLine(call: string, result: string): string {
  const head = `${call} `;
  return `${head.length < TRACE_COLUMN ? head.padEnd(TRACE_COLUMN) : head}= ${result}`;
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

/** strace's line when a process ends: "+++ exited with 0 +++", "+++ killed by SIGSEGV (core dumped) +++". */
export function formatExit(exit: { code?: number; signal?: number; core?: boolean }, signalName: (n: number) => string): string {
  if (exit.signal) return `+++ killed by ${signalName(exit.signal)}${exit.core ? ' (core dumped)' : ''} +++`;
  return `+++ exited with ${exit.code ?? 0} +++`;
}
