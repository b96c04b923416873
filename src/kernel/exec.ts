/**
 * Program start-up: load the ELF into a fresh address space, build the initial stack and auxv
 * (../shared/reference/linux-abi.md §1) and set the registers a new process starts with.
 */
import { parseElf } from '../elf/elf.js';
import { loadElf } from '../elf/load.js';
import {
  buildInitialStack, AT_SYSINFO_EHDR, AT_MINSIGSTKSZ, AT_HWCAP, AT_PAGESZ, AT_CLKTCK, AT_PHDR, AT_PHENT, AT_PHNUM,
  AT_BASE, AT_FLAGS, AT_ENTRY, AT_UID, AT_EUID, AT_GID, AT_EGID, AT_SECURE, AT_RANDOM, AT_HWCAP2, AT_EXECFN, AT_PLATFORM,
} from '../elf/initial-stack.js';
import { STACK_TOP, STACK_SIZE } from '../memory/address-space.js';
import { PROT_READ, PROT_WRITE, PROT_EXEC } from '../memory/memory.js';
import { PF_X } from '../elf/elf.js';
import { CPUID1_EDX } from '../cpu/cpuid.js';
import { RFLAGS_FIXED } from '../cpu/flags.js';
import { RSP } from '../cpu/state.js';
import type { Process } from './process.js';
import type { Thread } from './thread.js';
import { mapVdso } from './vdso.js';

/** Signal-frame minimum the kernel advertises for FXSAVE-format frames (reference §1.3, §6). */
export const MINSIGSTKSZ = 2048;

export interface ExecInput {
  elf: Uint8Array;
  /** Path as given (AT_EXECFN, argv[0] default) and absolute path (/proc/self/exe). */
  path: string;
  exePath: string;
  argv: string[];
  envp: string[];
  /** Map the vDSO and announce it with AT_SYSINFO_EHDR (default true). */
  vdso?: boolean;
}

const enc = new TextEncoder();

export function execProgram(proc: Process, thread: Thread, input: ExecInput): void {
  const image = parseElf(input.elf);
  const as = proc.as;
  const loaded = loadElf(as, image, input.elf, input.exePath);
  as.setBrkStart(loaded.end);
  const stackProt = PROT_READ | PROT_WRITE | (image.stackFlags & PF_X ? PROT_EXEC : 0);
  as.map(STACK_TOP - STACK_SIZE, STACK_SIZE, stackProt, '[stack]');
  const vdsoBase = input.vdso === false ? 0 : mapVdso(proc);

  const cfg = proc.kernel.config;
  const auxv: [number, number][] = [];
  if (vdsoBase) auxv.push([AT_SYSINFO_EHDR, vdsoBase]);
  auxv.push(
    [AT_MINSIGSTKSZ, MINSIGSTKSZ],
    [AT_HWCAP, CPUID1_EDX],
    [AT_PAGESZ, 4096],
    [AT_CLKTCK, 100],
    [AT_PHDR, loaded.phdrAddr],
    [AT_PHENT, 56],
    [AT_PHNUM, image.phnum],
    [AT_BASE, 0],
    [AT_FLAGS, 0],
    [AT_ENTRY, loaded.entry],
    [AT_UID, cfg.uid],
    [AT_EUID, cfg.uid],
    [AT_GID, cfg.gid],
    [AT_EGID, cfg.gid],
    [AT_SECURE, 0],
    [AT_RANDOM, 0],
    [AT_HWCAP2, 0],
    [AT_EXECFN, 0],
    [AT_PLATFORM, 0],
  );
  const stack = buildInitialStack(as.mem, STACK_TOP, {
    argv: input.argv.map((s) => enc.encode(s)),
    envp: input.envp.map((s) => enc.encode(s)),
    execfn: enc.encode(input.path),
    random16: cfg.randomBytes(16),
    auxv,
  });
  proc.exePath = input.exePath;
  proc.argv = input.argv;
  proc.envp = input.envp;
  proc.auxv = stack.auxv;

  // Every register zero except rsp (rdx = 0 matters: glibc registers it with atexit).
  const c = thread.cpu;
  c.owner = thread;
  c.regs.fill(0);
  c.regs[2 * RSP] = stack.rsp;
  c.rip = loaded.entry;
  c.rflags = RFLAGS_FIXED;
  c.fop = 0;
  c.fsBase = 0;
  c.gsBase = 0;
  c.xmm.fill(0);
  c.mxcsr = 0x1f80;
  c.x87.reset();
}
