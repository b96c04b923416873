/**
 * The initial process stack exactly as Linux's create_elf_tables (fs/binfmt_elf.c) builds it
 * (see ../shared/reference/linux-abi.md §1.1):
 *
 *   top:  8 zero bytes | AT_EXECFN string | env strings | argv strings (argv[0] lowest)
 *         | "x86_64\0" (AT_PLATFORM) | 16 random bytes (AT_RANDOM) | padding
 *   rsp:  argc | argv[] NULL | envp[] NULL | auxv pairs ... AT_NULL       (rsp % 16 == 0)
 *
 * Linux inserts a random gap (up to 8 KiB) below the strings; x64run does not, so addresses are
 * reproducible.
 */
import type { Memory } from '../memory/memory.js';

export const AT_NULL = 0, AT_PHDR = 3, AT_PHENT = 4, AT_PHNUM = 5, AT_PAGESZ = 6, AT_BASE = 7, AT_FLAGS = 8;
export const AT_ENTRY = 9, AT_UID = 11, AT_EUID = 12, AT_GID = 13, AT_EGID = 14, AT_PLATFORM = 15, AT_HWCAP = 16;
export const AT_CLKTCK = 17, AT_SECURE = 23, AT_RANDOM = 25, AT_HWCAP2 = 26, AT_EXECFN = 31, AT_SYSINFO_EHDR = 33;
export const AT_MINSIGSTKSZ = 51;

export const AUXV_NAMES: Record<number, string> = {
  0: 'AT_NULL', 3: 'AT_PHDR', 4: 'AT_PHENT', 5: 'AT_PHNUM', 6: 'AT_PAGESZ', 7: 'AT_BASE', 8: 'AT_FLAGS', 9: 'AT_ENTRY',
  11: 'AT_UID', 12: 'AT_EUID', 13: 'AT_GID', 14: 'AT_EGID', 15: 'AT_PLATFORM', 16: 'AT_HWCAP', 17: 'AT_CLKTCK',
  23: 'AT_SECURE', 25: 'AT_RANDOM', 26: 'AT_HWCAP2', 31: 'AT_EXECFN', 33: 'AT_SYSINFO_EHDR', 51: 'AT_MINSIGSTKSZ',
};

export interface StackInput {
  argv: Uint8Array[];
  envp: Uint8Array[];
  execfn: Uint8Array;
  random16: Uint8Array;
  /** auxv entries in kernel order, without AT_RANDOM/AT_EXECFN/AT_PLATFORM values (filled here) and without AT_NULL. */
  auxv: [number, number][];
}

export interface StackResult {
  rsp: number;
  argvAddrs: number[];
  /** Where the auxv pairs start (for /proc/self/auxv). */
  auxvAddr: number;
  auxv: [number, number][];
  /** [start, end) of the argument and environment strings (for /proc/self/cmdline and environ). */
  argStart: number;
  argEnd: number;
  envStart: number;
  envEnd: number;
}

export function buildInitialStack(mem: Memory, top: number, input: StackInput): StackResult {
  let p = top - 8; // 8 zero bytes at the very top
  const pushString = (s: Uint8Array): number => {
    p -= s.length + 1;
    mem.u8.set(s, p);
    mem.u8[p + s.length] = 0;
    return p;
  };
  const execfnAddr = pushString(input.execfn);
  // Strings are copied from the last one backwards, so argv[0] ends up lowest.
  const envAddrs: number[] = new Array(input.envp.length);
  for (let k = input.envp.length - 1; k >= 0; k--) envAddrs[k] = pushString(input.envp[k]);
  const envEnd = input.envp.length ? envAddrs[input.envp.length - 1] + input.envp[input.envp.length - 1].length + 1 : p;
  const envStart = input.envp.length ? envAddrs[0] : p;
  const argvAddrs: number[] = new Array(input.argv.length);
  for (let k = input.argv.length - 1; k >= 0; k--) argvAddrs[k] = pushString(input.argv[k]);
  const argStart = input.argv.length ? argvAddrs[0] : p;
  const argEnd = input.argv.length ? argvAddrs[input.argv.length - 1] + input.argv[input.argv.length - 1].length + 1 : p;
  p -= p % 16; // arch_align_stack without the random offset (addresses exceed int32: no bit ops)
  const platformAddr = pushString(new TextEncoder().encode('x86_64'));
  p -= 16;
  mem.u8.set(input.random16, p);
  const randomAddr = p;

  const auxv: [number, number][] = input.auxv.map(([k, v]) => {
    switch (k) {
      case AT_RANDOM: return [k, randomAddr];
      case AT_EXECFN: return [k, execfnAddr];
      case AT_PLATFORM: return [k, platformAddr];
      default: return [k, v];
    }
  });
  auxv.push([AT_NULL, 0]);

  const items = 1 + input.argv.length + 1 + input.envp.length + 1 + auxv.length * 2;
  let sp = p - items * 8;
  sp -= sp % 16;
  const w64 = (a: number, v: number) => {
    mem.dv.setUint32(a, v % 4294967296, true);
    mem.dv.setUint32(a + 4, Math.floor(v / 4294967296), true);
  };
  let q = sp;
  w64(q, input.argv.length); q += 8;
  for (const a of argvAddrs) { w64(q, a); q += 8; }
  w64(q, 0); q += 8;
  for (const a of envAddrs) { w64(q, a); q += 8; }
  w64(q, 0); q += 8;
  const auxvAddr = q;
  for (const [k, v] of auxv) { w64(q, k); w64(q + 8, v); q += 16; }
  return { rsp: sp, argvAddrs, auxvAddr, auxv, argStart, argEnd, envStart, envEnd };
}
