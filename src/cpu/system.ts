/**
 * System and flag-control instructions: syscall, cpuid, rdtsc/rdtscp, int3, ud2, hlt and
 * privileged instructions (SIGSEGV in user mode, like Linux), lahf/sahf, clc/stc/cmc/cld/std.
 */
import { Exit, RAX, RBX, RCX, RDX, R11, type Cpu } from './state.js';
import { getRflags, materialize, CF, DF, PF, AF, ZF, SF } from './flags.js';
import { def, beginFamily, type Factory } from './dispatch.js';
import { cpuid } from './cpuid.js';
import { CpuException, generalProtection, invalidOpcode, SIGTRAP, SI_KERNEL, X86_TRAP_BP } from './exceptions.js';
import { Code } from './iced.js';

/**
 * syscall: rcx = return rip, r11 = rflags (RF cleared); the kernel runs when the engine exits
 * (or, in compiled code, right away: JitRuntime.sys calls this too).
 */
export function enterSyscall(c: Cpu, next: number): void {
  const regs = c.regs;
  regs[2 * RCX] = next | 0;
  regs[2 * RCX + 1] = 0;
  regs[2 * R11] = getRflags(c) & ~0x10000;
  regs[2 * R11 + 1] = 0;
  c.exit = Exit.Syscall;
}
const syscall: Factory = () => (c, i) => enterSyscall(c, i.next);

const cpuidOp: Factory = () => (c) => {
  const r = cpuid(c.regs[2 * RAX], c.regs[2 * RCX]);
  const regs = c.regs;
  regs[2 * RAX] = r[0] | 0; regs[2 * RAX + 1] = 0;
  regs[2 * RBX] = r[1] | 0; regs[2 * RBX + 1] = 0;
  regs[2 * RCX] = r[2] | 0; regs[2 * RCX + 1] = 0;
  regs[2 * RDX] = r[3] | 0; regs[2 * RDX + 1] = 0;
};

const rdtsc: Factory = () => (c) => {
  const t = c.readTsc();
  c.regs[2 * RAX] = t % 4294967296 | 0; c.regs[2 * RAX + 1] = 0;
  c.regs[2 * RDX] = Math.floor(t / 4294967296) | 0; c.regs[2 * RDX + 1] = 0;
};

/** rdtscp also returns IA32_TSC_AUX (Linux stores the cpu number there: we run on cpu 0). */
const rdtscp: Factory = () => (c) => {
  const t = c.readTsc();
  c.regs[2 * RAX] = t % 4294967296 | 0; c.regs[2 * RAX + 1] = 0;
  c.regs[2 * RDX] = Math.floor(t / 4294967296) | 0; c.regs[2 * RDX + 1] = 0;
  c.regs[2 * RCX] = 0; c.regs[2 * RCX + 1] = 0;
};

/** int3: SIGTRAP with si_code SI_KERNEL and si_addr 0 (Linux do_int3_user -> force_sig(SIGTRAP)). */
const int3: Factory = () => () => {
  throw new CpuException(SIGTRAP, SI_KERNEL, X86_TRAP_BP, 'breakpoint (int3)', 0);
};
const ud: Factory = (d) => () => invalidOpcode(Code[d.code].toLowerCase());
const privileged: Factory = (d) => () => generalProtection(`privileged instruction ${Code[d.code]}`);

// ------------------------------------------------------------------ flags

/** lahf: AH = SF:ZF:0:AF:0:PF:1:CF. */
const lahf: Factory = () => (c) => {
  const f = getRflags(c) & 0xff;
  c.regs[0] = (c.regs[0] & ~0xff00) | ((f | 2) << 8);
};
/** sahf: SF, ZF, AF, PF, CF from AH. */
const sahf: Factory = () => (c) => {
  materialize(c);
  const ah = (c.regs[0] >> 8) & 0xff;
  const m = SF | ZF | AF | PF | CF;
  c.rflags = (c.rflags & ~m) | (ah & m);
};
const clc: Factory = () => (c) => { materialize(c); c.rflags &= ~CF; };
const stc: Factory = () => (c) => { materialize(c); c.rflags |= CF; };
const cmc: Factory = () => (c) => { materialize(c); c.rflags ^= CF; };
const cld: Factory = () => (c) => { c.rflags &= ~DF; };
const std: Factory = () => (c) => { c.rflags |= DF; };

beginFamily('system');
def('Syscall', syscall, { endsBlock: true });
def('Cpuid', cpuidOp);
def('Rdtsc', rdtsc);
def('Rdtscp', rdtscp);
def('Int3', int3);
def('Ud2', ud);
// ud0/ud1 (with or without ModRM): #UD like ud2.
def(['Ud0', 'Ud0_r16_rm16', 'Ud0_r32_rm32', 'Ud0_r64_rm64', 'Ud1_r16_rm16', 'Ud1_r32_rm32', 'Ud1_r64_rm64'], ud);
def(['Hlt', 'Cli', 'Sti', 'Invd', 'Wbinvd', 'Rdmsr', 'Wrmsr', 'Clts', 'Lgdt_m1664', 'Lidt_m1664', 'In_AL_imm8', 'In_AL_DX', 'Out_imm8_AL', 'Out_DX_AL', 'Int_imm8'], privileged);
def('Lahf', lahf);
def('Sahf', sahf);
def('Clc', clc);
def('Stc', stc);
def('Cmc', cmc);
def('Cld', cld);
def('Std', std);
