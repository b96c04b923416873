/**
 * The vDSO (src/elf/vdso.ts image, src/kernel/vdso.ts native entries; reference
 * shared/reference/linux-abi.md §4 and §2(f)):
 *   - the generated image has what glibc and musl look up (PT_DYNAMIC read-only, DT_HASH and
 *     DT_GNU_HASH, symbols with a real section index, LINUX_2.6 versions, `mov; syscall; ret`);
 *   - glibc (static, static-pie) and musl programs calling the time functions make no
 *     clock_gettime/gettimeofday/time/getcpu syscalls (musl's clock_getres is always one), and
 *     RunStats.vdsoCalls counts the calls served natively;
 *   - without the vDSO the same programs make the syscalls and print the same thing;
 *   - a syscall hook on a vDSO syscall sees the vDSO calls.
 */
import { describe, it, expect } from 'vitest';
import * as path from 'node:path';
import { run, type RunOptions } from '../../src/index.js';
import { buildVdso, elfHash, gnuHash } from '../../src/elf/vdso.js';
import { loadGoldens } from '../helpers/corpus.js';
import { Memory, PROT_READ, PROT_WRITE, PROT_EXEC } from '../../src/memory/memory.js';
import { Cpu, RAX, RDI, RSI, RSP } from '../../src/cpu/state.js';
import { CodeCache } from '../../src/cpu/code-cache.js';
import { MemoryFault } from '../../src/memory/fault.js';
import { CpuException, SIGSEGV, SIGBUS, SI_KERNEL, X86_TRAP_GP, X86_TRAP_SS } from '../../src/cpu/exceptions.js';
import { installVdsoNatives, VDSO_BASE } from '../../src/kernel/vdso.js';
import type { Kernel } from '../../src/kernel/kernel.js';
import '../../src/kernel/syscalls/index.js';

const ROOT = path.resolve(__dirname, '../..');
const bin = (name: string) => path.join(ROOT, 'corpus/bin', name);
const golden = (name: string) => loadGoldens((g) => g.name === name)[0];

const TIME_SYSCALLS = ['clock_gettime', 'gettimeofday', 'time', 'getcpu', 'clock_getres'];

async function traced(program: string, args: string[], options: RunOptions = {}) {
  const lines: string[] = [];
  const r = await run(bin(program), [program, ...args], {}, {
    stdout: 'capture', stderr: 'capture', onWarning: () => {}, trace: (l) => lines.push(l), ...options,
  });
  const calls = (name: string) => lines.filter((l) => l.startsWith(`${name}(`)).length;
  return { r, lines, calls, stdout: Buffer.from(r.stdout!).toString() };
}

describe('the generated vDSO image', () => {
  const { bytes, symbols } = buildVdso();
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u64 = (o: number) => Number(dv.getBigUint64(o, true));
  const phdrs = Array.from({ length: dv.getUint16(56, true) }, (_, k) => {
    const o = u64(32) + 56 * k;
    return { type: dv.getUint32(o, true), flags: dv.getUint32(o + 4, true), offset: u64(o + 8), vaddr: u64(o + 16), filesz: u64(o + 32) };
  });
  const dyn = new Map<number, number>();
  const pdyn = phdrs.find((p) => p.type === 2)!;
  for (let o = pdyn.offset; dv.getBigInt64(o, true) !== 0n; o += 16) dyn.set(Number(dv.getBigInt64(o, true)), u64(o + 8));
  const cstr = (o: number) => { let e = o; while (bytes[e]) e++; return new TextDecoder().decode(bytes.subarray(o, e)); };
  const strtab = dyn.get(5)!, symtab = dyn.get(6)!;

  it('is an ET_DYN x86-64 image with one R+X PT_LOAD and a read-only PT_DYNAMIC, no PT_TLS', () => {
    expect([...bytes.subarray(0, 4)]).toEqual([0x7f, 0x45, 0x4c, 0x46]);
    expect(dv.getUint16(16, true)).toBe(3);
    expect(dv.getUint16(18, true)).toBe(62);
    const loads = phdrs.filter((p) => p.type === 1);
    expect(loads).toHaveLength(1);
    expect(loads[0].flags).toBe(5);
    expect(loads[0].vaddr).toBe(0);
    expect(pdyn.flags).toBe(4); // glibc relocates a writable .dynamic in place (§4.1)
    expect(phdrs.some((p) => p.type === 7)).toBe(false);
    expect(bytes.length).toBe(4096);
  });

  it('has DT_HASH (musl), DT_GNU_HASH (glibc), SONAME and version definitions', () => {
    for (const tag of [4, 0x6ffffef5, 5, 6, 10, 11, 14, 0x6ffffff0, 0x6ffffffc]) expect(dyn.has(tag), `tag 0x${tag.toString(16)}`).toBe(true);
    expect(cstr(strtab + dyn.get(14)!)).toBe('linux-vdso.so.1');
    expect(dyn.get(11)).toBe(24);
    const verdef = dyn.get(0x6ffffffc)!;
    const names: string[] = [];
    for (let o = verdef, n = 0; n < dyn.get(0x6ffffffd)!; n++) {
      const name = cstr(strtab + dv.getUint32(o + dv.getUint32(o + 12, true), true));
      expect(dv.getUint32(o + 8, true)).toBe(elfHash(name));
      names.push(name);
      o += dv.getUint32(o + 16, true);
    }
    expect(names).toEqual(['linux-vdso.so.1', 'LINUX_2.6']);
    expect(elfHash('LINUX_2.6')).toBe(61765110); // the hash glibc's dl_vdso_vsym looks up
  });

  it('exports the five entries, found through both hash tables, as kernel-style `mov $nr,%eax; syscall; ret`', () => {
    const hash = dyn.get(4)!, gnu = dyn.get(0x6ffffef5)!;
    const nbucket = dv.getUint32(hash, true);
    const symName = (i: number) => cstr(strtab + dv.getUint32(symtab + 24 * i, true));
    const sysv = (name: string) => {
      for (let i = dv.getUint32(hash + 8 + 4 * (elfHash(name) % nbucket), true); i; i = dv.getUint32(hash + 8 + 4 * nbucket + 4 * i, true)) {
        if (symName(i) === name) return i;
      }
      return 0;
    };
    const gnuLookup = (name: string) => {
      const nb = dv.getUint32(gnu, true), symoff = dv.getUint32(gnu + 4, true), bloomSize = dv.getUint32(gnu + 8, true);
      const buckets = gnu + 16 + 8 * bloomSize, chain = buckets + 4 * nb;
      const h = gnuHash(name);
      for (let i = dv.getUint32(buckets + 4 * (h % nb), true); i >= symoff; i++) {
        const h2 = dv.getUint32(chain + 4 * (i - symoff), true);
        if ((h | 1) === (h2 | 1) && symName(i) === name) return i;
        if (h2 & 1) break;
      }
      return 0;
    };
    const expected = { __vdso_clock_gettime: 228, __vdso_gettimeofday: 96, __vdso_time: 201, __vdso_getcpu: 309, __vdso_clock_getres: 229 };
    expect(symbols.map((s) => s.name).sort()).toEqual(Object.keys(expected).sort());
    for (const [name, nr] of Object.entries(expected)) {
      const i = sysv(name);
      expect(i, name).toBeGreaterThan(0);
      expect(gnuLookup(name), name).toBe(i);
      const o = symtab + 24 * i;
      expect(bytes[o + 4]).toBe(0x12); // GLOBAL FUNC
      const shndx = dv.getUint16(o + 6, true);
      expect(shndx).not.toBe(0); // musl skips undefined symbols
      expect(shndx).toBeLessThan(0xff00); // glibc does not relocate SHN_ABS
      expect(dv.getUint16(dyn.get(0x6ffffff0)! + 2 * i, true)).toBe(2); // LINUX_2.6
      const value = u64(o + 8);
      expect([...bytes.subarray(value, value + 8)]).toEqual([0xb8, nr & 0xff, nr >> 8, 0, 0, 0x0f, 0x05, 0xc3]);
      expect(symbols.find((s) => s.name === name)!.offset).toBe(value);
    }
  });
});

const N = 1000;
describe('time functions go through the vDSO without syscalls', () => {
  for (const variant of ['glibc', 'glibc-pie', 'musl'] as const) {
    it(`vdso-time-${variant}`, async () => {
      const { r, calls, stdout } = await traced(`vdso-time-${variant}`, [String(N)]);
      expect(r.exitCode).toBe(0);
      expect(stdout).toBe(golden(`vdso-time-${variant}`).stdout);
      for (const name of ['clock_gettime', 'gettimeofday', 'time', 'getcpu']) {
        expect(calls(name), name).toBe(0);
        expect(r.stats.syscalls[name], name).toBeUndefined();
      }
      if (variant === 'musl') {
        // musl: gettimeofday and time call clock_gettime; clock_getres is always a syscall (§2(f)).
        expect(r.stats.vdsoCalls).toEqual({ clock_gettime: 5 * N + 2, getcpu: N });
        expect(calls('clock_getres')).toBe(N);
        expect(r.stats.syscalls.clock_getres.count).toBe(N);
      } else {
        expect(r.stats.vdsoCalls).toEqual({ clock_gettime: 3 * N + 2, gettimeofday: N, time: N, getcpu: N, clock_getres: N });
        expect(calls('clock_getres')).toBe(0);
      }
    });
  }

  it('served natively in the interpreter too (--no-jit), and the entries answer like the kernel (vdso-syms)', async () => {
    for (const variant of ['glibc', 'musl']) {
      const { r, stdout, lines } = await traced(`vdso-syms-${variant}`, [], { jit: { enabled: false } });
      expect(stdout).toBe(golden(`vdso-syms-${variant}`).stdout);
      expect(lines.filter((l) => TIME_SYSCALLS.some((n) => l.startsWith(`${n}(`)))).toEqual([]);
      expect(r.stats.vdsoCalls.clock_gettime).toBeGreaterThan(0);
    }
  });

  it('without the vDSO (vdso: false) the libcs make the syscalls and print the same', async () => {
    for (const variant of ['glibc', 'musl']) {
      const { r, calls, stdout } = await traced(`vdso-time-${variant}`, ['100'], { vdso: false });
      expect(stdout).toBe(golden(`vdso-time-${variant}`).stdout!.replace(/1000/g, '100'));
      expect(r.stats.vdsoCalls).toEqual({});
      expect(calls('clock_gettime')).toBeGreaterThanOrEqual(300);
      expect(calls('clock_getres')).toBe(100);
    }
  });

  it('a syscall hook on a vDSO syscall sees the vDSO calls (they become real syscalls)', async () => {
    let seen = 0;
    const { r, calls, stdout } = await traced('vdso-time-glibc', ['100'], {
      syscalls: { clock_gettime: () => { seen++; return undefined; }, time: () => 1234567890 },
    });
    expect(seen).toBe(302);
    expect(calls('clock_gettime')).toBe(302);
    expect(r.stats.vdsoCalls.clock_gettime).toBeUndefined();
    expect(r.stats.vdsoCalls.gettimeofday).toBe(100); // not hooked: still served natively
    // time() now answers 1234567890 (and, as the hook ignores tloc, *tloc stays 0: "result != *tloc").
    expect(stdout).toContain('time x100: result != *tloc 100, went backwards 0, agrees with REALTIME within 1s no');
    expect(stdout).toContain('clock_gettime(MONOTONIC) x100: failures 0, went backwards 0');
  });
});

// The entry writes the timespec itself (vdso.ts storePair) and reads the return address
// itself (ret): outside one writable data page it must fault or invalidate like the real
// vDSO's stores, and a fault must leave rax, rsp and rip as they were at the call.
// (Also the entry the next describe's non-canonical-pointer test calls.)
const setup = () => {
  const mem = new Memory();
  mem.setProt(0x10000, 0x2000, PROT_READ | PROT_WRITE);
  const c = new Cpu(mem);
  const cache = new CodeCache(mem);
  const kernel = {
    hookFor: () => undefined, vdsoCalls: new Map(),
    config: { monotonicSplit: (o: { sec: number; nsec: number }) => { o.sec = 5; o.nsec = 123; }, realtimeOffsetNs: 0n, realtimeNs: () => 5_000_000_123n, monotonicNs: () => 5_000_000_123n },
  } as unknown as Kernel;
  installVdsoNatives(cache, kernel);
  const sym = buildVdso().symbols.find((s) => s.name === '__vdso_clock_gettime')!;
  const entry = cache.natives.get(VDSO_BASE + sym.offset)!;
  const set = (r: number, v: number) => { c.regs[2 * r] = v; c.regs[2 * r + 1] = 0; };
  set(RDI, 1); // CLOCK_MONOTONIC
  set(RSP, 0x11000);
  mem.write64(0x11000, 0x401000, 0); // return address
  c.rip = VDSO_BASE + sym.offset;
  return { mem, c, cache, entry, set };
};

describe('the native clock_gettime entry and guest memory', () => {
  it('stores {5, 123}, returns 0 to the return address and pops it', () => {
    const { mem, c, entry, set } = setup();
    set(RSI, 0x10100);
    entry(c);
    expect([mem.read64(0x10100), mem.read64(0x10108), c.regs[2 * RAX], c.rip, c.regs[2 * RSP]]).toEqual([5, 123, 0, 0x401000, 0x11008]);
  });
  it('a timespec across the end of the mapping writes tv_sec, then faults with the caller state intact', () => {
    const { mem, c, entry, set } = setup();
    set(RSI, 0x11ff8);
    set(RAX, 77);
    expect(() => entry(c)).toThrow();
    expect(mem.read64(0x11ff8)).toBe(5);
    expect([c.regs[2 * RAX], c.rip, c.regs[2 * RSP]]).toEqual([77, VDSO_BASE + buildVdso().symbols.find((s) => s.name === '__vdso_clock_gettime')!.offset, 0x11000]);
  });
  it('a timespec on an unmapped page faults; one on a page holding decoded code invalidates it', () => {
    const { mem, c, cache, entry, set } = setup();
    set(RSI, 0x30000);
    expect(() => entry(c)).toThrow();
    // A writable page with a decoded block on it (code written at run time).
    mem.u8[0x10800] = 0x90; mem.u8[0x10801] = 0xc3;
    mem.setProt(0x10000, 0x1000, PROT_READ | PROT_WRITE | PROT_EXEC);
    const b = cache.get(0x10800);
    set(RSI, 0x10810);
    entry(c);
    expect(b.valid).toBe(false);
    expect(mem.read64(0x10818)).toBe(123);
  });
});

describe('the clock_gettime entry on a host up for 200 days', () => {
  // The host clock comes as seconds and nanoseconds (KernelConfig.monotonicSplit): one number
  // of nanoseconds is not exact beyond 2^53 ns (104 days), and 17280000.999999999 s rounded to
  // 17280001.000000000.
  it('MONOTONIC and REALTIME keep every nanosecond (and REALTIME carries into the seconds)', () => {
    const mem = new Memory();
    mem.setProt(0x10000, 0x2000, PROT_READ | PROT_WRITE);
    const c = new Cpu(mem);
    const cache = new CodeCache(mem);
    installVdsoNatives(cache, {
      hookFor: () => undefined, vdsoCalls: new Map(),
      config: { monotonicSplit: (o: { sec: number; nsec: number }) => { o.sec = 17_280_000; o.nsec = 999_999_999; }, realtimeOffsetNs: 1_700_000_000_000_000_001n },
    } as unknown as Kernel);
    const entry = cache.natives.get(VDSO_BASE + buildVdso().symbols.find((s) => s.name === '__vdso_clock_gettime')!.offset)!;
    const read = (clock: number) => {
      c.regs[2 * RDI] = clock; c.regs[2 * RSI] = 0x10100; c.regs[2 * RSP] = 0x11000;
      mem.write64(0x11000, 0x401000, 0);
      entry(c);
      return [mem.read64(0x10100), mem.read64(0x10108)];
    };
    expect(read(1)).toEqual([17_280_000, 999_999_999]); // CLOCK_MONOTONIC
    expect(read(0)).toEqual([17_280_000 + 1_700_000_000 + 1, 0]); // CLOCK_REALTIME
  });
});

describe('vDSO entries given pointers outside the guest window', () => {
  // Memory's accessors expect addresses below 4 GiB (their page test wraps above it): a pointer
  // or stack pointer beyond the window must fault like an unmapped address, not reach them
  // (it used to throw a host RangeError out of a DataView).
  it('every entry faults at the pointer (SEGV_MAPERR) and leaves rax, rsp and rip alone', () => {
    for (const name of ['__vdso_clock_gettime', '__vdso_gettimeofday', '__vdso_time', '__vdso_getcpu', '__vdso_clock_getres']) {
      const mem = new Memory();
      mem.setProt(0x10000, 0x10000, PROT_READ | PROT_WRITE);
      const c = new Cpu(mem);
      const cache = new CodeCache(mem);
      installVdsoNatives(cache, { hookFor: () => undefined, vdsoCalls: new Map(), config: { monotonicSplit: (o: { sec: number; nsec: number }) => { o.sec = 5; o.nsec = 0; }, realtimeOffsetNs: 0n } } as unknown as Kernel);
      const entry = cache.natives.get(VDSO_BASE + buildVdso().symbols.find((s) => s.name === name)!.offset)!;
      const clockFirst = name.includes('clock');
      // The pointer argument: rsi for the clock_* entries (rdi is the clock id), rdi otherwise.
      const ptrReg = clockFirst ? RSI : RDI;
      c.regs[2 * RDI] = clockFirst ? 1 : 0;
      c.regs[2 * ptrReg] = 0x10100; c.regs[2 * ptrReg + 1] = 1; // 0x1_0001_0100
      c.regs[2 * RSP] = 0x18000;
      c.regs[2 * RAX] = 77;
      c.rip = 0x1234;
      let caught: unknown = null;
      try { entry(c); } catch (e) { caught = e; }
      expect(caught, name).toBeInstanceOf(MemoryFault);
      expect((caught as MemoryFault).address, name).toBe(0x100010100);
      expect((caught as MemoryFault).mapped, name).toBe(false);
      expect([c.regs[2 * RAX], c.regs[2 * RSP], c.rip], name).toEqual([77, 0x18000, 0x1234]);
    }
  });
  it('non-canonical pointers fault as the interpreter\'s accesses do: #GP (SIGSEGV, SI_KERNEL), #SS through rsp (SIGBUS)', () => {
    // The entries use operands.ts checkAddress beyond the window, the rules the interpreter
    // applies to a `mov %rax,(%rsi)` or a `ret` with such registers.
    const thrown = (f: () => void) => { try { f(); } catch (e) { return e; } return null; };
    const a = setup();
    a.set(RSI, 0x10100);
    a.c.regs[2 * RSI + 1] = 0x00800000; // 0x0080_0000_0001_0100: bit 55 set, not sign-extended
    const gp = thrown(() => a.entry(a.c)) as CpuException;
    expect(gp).toBeInstanceOf(CpuException);
    expect([gp.signo, gp.code, gp.trapno]).toEqual([SIGSEGV, SI_KERNEL, X86_TRAP_GP]);
    const b = setup();
    b.set(RSI, 0x10100);
    b.c.regs[2 * RSP + 1] = 0x00800000;
    const ss = thrown(() => b.entry(b.c)) as CpuException;
    expect(ss).toBeInstanceOf(CpuException);
    expect([ss.signo, ss.trapno]).toEqual([SIGBUS, X86_TRAP_SS]);
  });
  it('a stack pointer beyond the window faults at the return address read', () => {
    const mem = new Memory();
    mem.setProt(0x10000, 0x10000, PROT_READ | PROT_WRITE);
    const c = new Cpu(mem);
    const cache = new CodeCache(mem);
    installVdsoNatives(cache, { hookFor: () => undefined, vdsoCalls: new Map(), config: { monotonicSplit: (o: { sec: number; nsec: number }) => { o.sec = 5; o.nsec = 0; }, realtimeOffsetNs: 0n } } as unknown as Kernel);
    const entry = cache.natives.get(VDSO_BASE + buildVdso().symbols.find((s) => s.name === '__vdso_clock_gettime')!.offset)!;
    c.regs[2 * RDI] = 1; c.regs[2 * RSI] = 0x10100;
    c.regs[2 * RSP] = 0x18000; c.regs[2 * RSP + 1] = 1;
    let caught: unknown = null;
    try { entry(c); } catch (e) { caught = e; }
    expect(caught).toBeInstanceOf(MemoryFault);
    expect([(caught as MemoryFault).address, (caught as MemoryFault).write]).toEqual([0x100018000, false]);
  });
});
