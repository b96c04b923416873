/**
 * Maps the vDSO (src/elf/vdso.ts) into a process and serves its entry points natively
 * (CodeCache.natives): a call to __vdso_clock_gettime runs JavaScript inside the engine, with no
 * exit to the scheduler and no trace line (like the real vDSO under strace), then returns to the
 * caller. RunStats.vdsoCalls counts these calls.
 *
 * Each entry behaves like Linux's vDSO function:
 *   clock_gettime(id, tp)   REALTIME(_COARSE), MONOTONIC(_RAW/_COARSE), BOOTTIME and TAI are read
 *                           here without BigInt (KernelConfig.monotonicSplit and
 *                           realtimeOffsetNs); CPU-time and unknown clocks go to the table's
 *                           handler (which answers -EINVAL for invalid ids, as the kernel does).
 *   gettimeofday(tv, tz), time(tloc), getcpu(cpu, node, cache), clock_getres(id, res): likewise;
 *                           NULL pointers are allowed where Linux allows them.
 * Results use the kernel convention (0 or -errno in rax). A bad pointer faults (SIGSEGV at the
 * entry, with the caller's state intact) as it does in the real vDSO, which writes user memory
 * directly; the table's handlers would return -EFAULT instead.
 *
 * Syscall hooks see vDSO calls: when RunOptions.syscalls hooks one of these syscalls, its entry
 * does what the image's own code (`mov $nr,%eax; syscall; ret`) does: it makes the real syscall
 * and continues at the image's `ret`, so the hook answers it and the trace shows it.
 *
 * The image's code is also what runs if something jumps into the middle of an entry. Natives
 * are keyed by address in the process's code cache: a fork must copy them (installVdsoNatives).
 */
import { buildVdso, type VdsoImage, type VdsoSymbol } from '../elf/vdso.js';
import { PROT_READ, PROT_EXEC } from '../memory/memory.js';
import { checkAddress } from '../cpu/operands.js';
import { fromNumber, r64, toBigInt, toNumberUnsigned } from '../cpu/int64.js';
import { SYSCALLS, SyscallError, decodeArg, type SyscallDef } from './syscall-table.js';
import type { Process } from './process.js';
import type { Thread } from './thread.js';
import type { Kernel, KernelConfig } from './kernel.js';
import type { CodeCache } from '../cpu/code-cache.js';
import { RAX, RDI, RSI, RDX, RSP, type Cpu } from '../cpu/state.js';
import { enterSyscall } from '../cpu/system.js';

/** Where the vDSO page lives: right above the stack, below the window's last (guard) page. */
export const VDSO_BASE = 0xffffe000;

let image: VdsoImage | null = null;
export function vdsoImage(): VdsoImage {
  return (image ??= buildVdso());
}

export function mapVdso(proc: Process): number {
  const img = vdsoImage();
  const as = proc.as;
  as.map(VDSO_BASE, img.bytes.length, PROT_READ | PROT_EXEC, '[vdso]');
  as.mem.u8.set(img.bytes, VDSO_BASE);
  installVdsoNatives(proc.cache, proc.kernel);
  return VDSO_BASE;
}

/** Registers the native entry points of the vDSO mapped at VDSO_BASE in a code cache. */
export function installVdsoNatives(cache: CodeCache, kernel: Kernel): void {
  for (const sym of vdsoImage().symbols) {
    const def = SYSCALLS[sym.nr];
    if (!def) continue;
    cache.natives.set(VDSO_BASE + sym.offset, nativeEntry(kernel, sym, def));
  }
}

// Clock ids (include/uapi/linux/time.h).
const CLOCK_REALTIME = 0, CLOCK_MONOTONIC = 1, CLOCK_MONOTONIC_RAW = 4, CLOCK_REALTIME_COARSE = 5;
const CLOCK_MONOTONIC_COARSE = 6, CLOCK_BOOTTIME = 7, CLOCK_TAI = 11;
/** TAI - UTC since 2017 (the kernel's default tai offset is 0 until set; x64run's table uses 37 s). */
const TAI_OFFSET_S = 37;
/** Resolution reported for the coarse clocks (the table's clock_getres uses the same). */
const COARSE_RES_NS = 4_000_000;
const NS = 1_000_000_000;

/** Counter per entry, in Kernel.vdsoCalls. */
function counter(kernel: Kernel, name: string): { count: number } {
  let c = kernel.vdsoCalls.get(name);
  if (!c) kernel.vdsoCalls.set(name, (c = { count: 0 }));
  return c;
}

/**
 * Reads clocks as (seconds, nanoseconds) numbers. Both clocks advance together, so realtime is
 * monotonic plus a constant offset, kept split in seconds and nanoseconds so that the sum is
 * exact (realtime in ns does not fit a double exactly).
 */
class FastClock {
  sec = 0;
  nsec = 0;
  private readonly mono: ((out: { sec: number; nsec: number }) => void) | null;
  private readonly offSec: number;
  private readonly offNs: number;
  constructor(private readonly cfg: KernelConfig) {
    // Both are needed for the number path; without them every read goes through BigInt.
    this.mono = cfg.realtimeOffsetNs !== undefined ? cfg.monotonicSplit ?? null : null;
    const off = cfg.realtimeOffsetNs ?? 0n;
    const s = off >= 0n ? off / 1_000_000_000n : -((-off + 999_999_999n) / 1_000_000_000n);
    this.offSec = Number(s);
    this.offNs = Number(off - s * 1_000_000_000n);
  }

  /** Sets sec/nsec for a clock this class serves and returns true; false for the others. */
  read(id: number): boolean {
    let realtime: boolean;
    switch (id) {
      case CLOCK_REALTIME: case CLOCK_REALTIME_COARSE: case CLOCK_TAI: realtime = true; break;
      case CLOCK_MONOTONIC: case CLOCK_MONOTONIC_RAW: case CLOCK_MONOTONIC_COARSE: case CLOCK_BOOTTIME: realtime = false; break;
      default: return false;
    }
    if (this.mono === null) {
      const ns = realtime ? this.cfg.realtimeNs() : this.cfg.monotonicNs();
      const s = ns / 1_000_000_000n;
      this.sec = Number(s);
      this.nsec = Number(ns - s * 1_000_000_000n);
    } else {
      this.mono(this);
      if (realtime) {
        this.sec += this.offSec;
        this.nsec += this.offNs;
        if (this.nsec >= NS) { this.nsec -= NS; this.sec++; }
      }
    }
    if (id === CLOCK_TAI) this.sec += TAI_OFFSET_S;
    return true;
  }
}

/**
 * Writes a struct timespec/timeval {sec, sub} (two signed 64-bit fields, sub < 2^31) with
 * Memory's stores, field by field: a fault or a code invalidation happens where the real vDSO's
 * two stores would have it.
 */
function storePair(c: Cpu, a: number, sec: number, sub: number): void {
  store64(c, a, sec);
  c.mem.write64(a + 8, sub, 0);
}

/** Writes a signed 64-bit number (exact below 2^53) to guest memory; faults like a store. */
function store64(c: Cpu, addr: number, v: number): void {
  const lo = fromNumber(v);
  c.mem.write64(addr, lo, r64.hi);
}

/**
 * A register as the address of the entry's own access (a pointer argument, the stack), with
 * the CPU's rules for one beyond the 4 GiB window, as the interpreter applies them
 * (operands.ts checkAddress: SIGSEGV at the address, #GP if non-canonical, #SS through rsp):
 * Memory's accessors take addresses inside the window only (above it their page test would
 * wrap around). Inside it Memory faults like the real vDSO's access. NULL passes.
 */
function guestAddress(c: Cpu, reg: number, write: boolean): number {
  const lo = c.regs[2 * reg], hi = c.regs[2 * reg + 1];
  if (hi === 0) return lo >>> 0;
  return checkAddress(toBigInt(lo, hi), write, reg === RSP); // beyond the window: throws
}
const ptrArg = (c: Cpu, reg: number): number => guestAddress(c, reg, true);

/**
 * The entry for one symbol: a distinct function per entry (so each call site stays monomorphic
 * and inlinable) that computes the result, or falls back to the table's handler, then returns.
 * Entries read no register but rdi, rsi, rdx and rsp (code-cache.ts NATIVE_ENTRY_READS: compiled
 * code stores only those before the call).
 */
function servedEntry(name: string, def: SyscallDef, clock: FastClock, calls: { count: number }): (c: Cpu) => void {
  switch (name) {
    case 'clock_gettime':
      return (c) => {
        let r = 0;
        if (clock.read(c.regs[2 * RDI])) storePair(c, ptrArg(c, RSI), clock.sec, clock.nsec);
        else r = viaTable(def, c);
        ret(c, r, calls);
      };
    case 'gettimeofday':
      return (c) => {
        const tv = ptrArg(c, RDI);
        if (tv !== 0) {
          clock.read(CLOCK_REALTIME);
          storePair(c, tv, clock.sec, Math.floor(clock.nsec / 1000));
        }
        const tz = ptrArg(c, RSI); // after tv's stores, as Linux's vDSO writes them
        if (tz !== 0) c.mem.write64(tz, 0, 0); // struct timezone: minuteswest 0, dsttime 0
        ret(c, 0, calls);
      };
    case 'time':
      return (c) => {
        const tloc = ptrArg(c, RDI);
        clock.read(CLOCK_REALTIME);
        if (tloc !== 0) store64(c, tloc, clock.sec);
        ret(c, clock.sec, calls);
      };
    case 'getcpu':
      return (c) => {
        const cpu = ptrArg(c, RDI);
        if (cpu !== 0) c.mem.write32(cpu, 0);
        const node = ptrArg(c, RSI); // after cpu's store, in the kernel's order
        if (node !== 0) c.mem.write32(node, 0);
        ret(c, 0, calls);
      };
    case 'clock_getres':
      return (c) => {
        let res = 0;
        switch (c.regs[2 * RDI]) {
          case CLOCK_REALTIME_COARSE: case CLOCK_MONOTONIC_COARSE: res = COARSE_RES_NS; break;
          case CLOCK_REALTIME: case CLOCK_MONOTONIC: case CLOCK_MONOTONIC_RAW: case CLOCK_BOOTTIME: case CLOCK_TAI: res = 1; break;
        }
        if (res === 0) return ret(c, viaTable(def, c), calls);
        const p = ptrArg(c, RSI);
        if (p !== 0) { c.mem.write64(p, 0, 0); c.mem.write64(p + 8, res, 0); }
        ret(c, 0, calls);
      };
    default:
      return (c) => ret(c, viaTable(def, c), calls);
  }
}

/**
 * The entry's `ret`: rax = result, rip = the return address, rsp += 8. It runs after every
 * store of the entry, so a fault there leaves the caller's state as it was at the call.
 */
function ret(c: Cpu, r: number, calls: { count: number }): void {
  const regs = c.regs, m = c.mem;
  const sp = guestAddress(c, RSP, false);
  const lo = m.read64(sp); // faults if not readable
  const hi = m.hi;
  // rax = r: an int32 (0, -errno) sign-extends in place; anything else (time's seconds beyond
  // 2^31) through int64.ts. Calling fromNumber for every result measured ~9% of the entry.
  if (r === (r | 0)) { regs[2 * RAX] = r; regs[2 * RAX + 1] = r >> 31; } else { regs[2 * RAX] = fromNumber(r); regs[2 * RAX + 1] = r64.hi; }
  // rsp + 8: at most 2^32, as guestAddress put rsp inside the window (add64's general carry
  // measured ~8% of the isolated entry).
  regs[2 * RSP] = (sp + 8) | 0;
  regs[2 * RSP + 1] = sp + 8 >= 4294967296 ? 1 : 0;
  c.rip = hi === 0 ? lo >>> 0 : toNumberUnsigned(lo, hi);
  calls.count++;
}

/** The table's handler, for what the fast paths leave out (CPU-time clocks, invalid ids). */
function viaTable(def: SyscallDef, c: Cpu): number {
  const t = c.owner as Thread;
  const regs = c.regs;
  const a = (k: number, r: number) => decodeArg(def.args[k]?.type ?? 'ulong', regs[2 * r], regs[2 * r + 1]);
  try {
    const v = def.handler(t, a(0, RDI), a(1, RSI), a(2, RDX));
    if (typeof v !== 'number') throw new Error(`x64run: vDSO entry ${def.name} blocked`);
    return v;
  } catch (e) {
    if (!(e instanceof SyscallError)) throw e;
    return -e.errno;
  }
}

function nativeEntry(kernel: Kernel, sym: VdsoSymbol, def: SyscallDef): (c: Cpu) => void {
  const addr = VDSO_BASE + sym.offset;
  if (kernel.hookFor(sym.nr) !== undefined) {
    // Hooked: run the image's `mov $nr,%eax; syscall` and continue at its `ret` (addr + 7).
    return (c) => {
      c.regs[2 * RAX] = sym.nr;
      c.regs[2 * RAX + 1] = 0;
      enterSyscall(c, addr + 7); // the syscall instruction's own semantics (rcx, r11, the exit)
      c.rip = addr + 7;
    };
  }
  return servedEntry(def.name, def, new FastClock(kernel.config), counter(kernel, def.name));
}

