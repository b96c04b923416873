/**
 * CPU exceptions raised by instruction handlers. The run loop converts them (and MemoryFault)
 * into Cpu.fault, which the kernel delivers as the Linux signal (arch/x86/kernel/traps.c).
 */
export const SIGILL = 4;
export const SIGTRAP = 5;
export const SIGBUS = 7;
export const SIGFPE = 8;
export const SIGSEGV = 11;

export const ILL_ILLOPN = 2;
export const ILL_PRVOPC = 5;
export const FPE_INTDIV = 1;
export const FPE_INTOVF = 2;
export const FPE_FLTDIV = 3;
export const FPE_FLTINV = 7;
export const SEGV_MAPERR = 1;
export const SEGV_ACCERR = 2;
export const TRAP_BRKPT = 1;
export const SI_KERNEL = 0x80;

// x86 trap numbers (for sigcontext.trapno).
export const X86_TRAP_DE = 0;
export const X86_TRAP_BP = 3;
export const X86_TRAP_UD = 6;
/** #SS (stack-segment fault). */
export const X86_TRAP_SS = 12;
export const X86_TRAP_GP = 13;
export const X86_TRAP_PF = 14;
export const X86_TRAP_MF = 16;
export const X86_TRAP_XF = 19;

export class CpuException extends Error {
  constructor(
    readonly signo: number,
    readonly code: number,
    readonly trapno: number,
    reason: string,
    /** si_addr; undefined = the faulting instruction's address. */
    readonly addr?: number,
  ) {
    super(reason);
    this.name = 'CpuException';
  }
}

/** #UD: invalid or unimplemented opcode -> SIGILL/ILL_ILLOPN at the instruction. */
export function invalidOpcode(reason = 'invalid opcode'): never {
  throw new CpuException(SIGILL, ILL_ILLOPN, X86_TRAP_UD, reason);
}

/** #DE: divide error -> SIGFPE/FPE_INTDIV (Linux reports quotient overflow the same way). */
export function divideError(): never {
  throw new CpuException(SIGFPE, FPE_INTDIV, X86_TRAP_DE, 'integer divide error');
}

/** #GP in user mode (hlt, privileged instructions, non-canonical addresses): Linux sends SIGSEGV with SI_KERNEL. */
export function generalProtection(reason: string): never {
  throw new CpuException(SIGSEGV, SI_KERNEL, X86_TRAP_GP, reason, 0);
}

/** int3 -> SIGTRAP/SI_KERNEL (Linux reports int3 as SI_KERNEL with rip after the instruction). */
export function breakpoint(): never {
  throw new CpuException(SIGTRAP, SI_KERNEL, X86_TRAP_BP, 'breakpoint (int3)');
}
