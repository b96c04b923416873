/* sig-layout: the x86-64 signal frame as the C library and the kernel lay it out. Pins the
 * constants of x64run's rt_sigframe (src/kernel/signal.ts FRAME; test/kernel/sigframe.test.ts
 * reads this program's golden output and compares).
 *
 * Every line is "name = value". First the libc's view of the structures (offsetof/sizeof of
 * ucontext_t, mcontext_t, gregs REG_*, stack_t, siginfo_t, the fpstate), then what a handler
 * sees at entry: rsp % 16, ucontext - rsp (the return address = sa_restorer lies at rsp),
 * siginfo - ucontext, fpregs - siginfo (the FP state is right above the frame), the restorer's
 * code bytes, the registers of the interrupted context (set to known values around a raw tkill
 * syscall), the saved FP state (MXCSR, x87 control word, XMM registers), the handler's own
 * fresh FP state, and that changes to gregs and fpregs in the ucontext take effect on return.
 */
#define _GNU_SOURCE
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include "sig-thr.h"

#define P(name, v) out("%s = %lld\n", name, (long long)(v))
#define OFF(type, field) P("offsetof(" #type ", " #field ")", offsetof(type, field))
#define GREG(r) P("gregs[" #r "]", r)

/* Captured by handler_entry before anything else runs. */
uintptr_t entry_rsp;
extern void handler_entry(int, siginfo_t *, void *);
__asm__(".text\n.globl handler_entry\nhandler_entry:\n\tmovq %rsp, entry_rsp(%rip)\n\tjmp real_handler\n");

static volatile uint64_t seen[32];
static volatile unsigned seen_mxcsr, seen_cwd, handler_mxcsr, handler_fcw;
static volatile uintptr_t seen_rsp_entry, seen_uc, seen_info, seen_fpregs, seen_ret0, seen_ret1;
static volatile int seen_efl_cf, seen_uc_flags, seen_oldmask_eq, seen_csgsfs_hex_ok;
static volatile uint64_t seen_csgsfs, seen_xmm7_lo, seen_xmm7_hi, seen_mask0;
static volatile int modify;

__attribute__((used)) void real_handler(int sig, siginfo_t *si, void *ctx)
{
    (void)sig;
    ucontext_t *uc = ctx;
    greg_t *g = uc->uc_mcontext.gregs;
    seen_rsp_entry = entry_rsp;
    seen_uc = (uintptr_t)uc;
    seen_info = (uintptr_t)si;
    seen_fpregs = (uintptr_t)uc->uc_mcontext.fpregs;
    const uint8_t *ret = *(const uint8_t **)entry_rsp;
    seen_ret0 = ret[0] | ret[1] << 8 | ret[2] << 16 | (uintptr_t)ret[3] << 24;
    seen_ret1 = ret[4] | ret[5] << 8 | ret[6] << 16 | (uintptr_t)ret[7] << 24 | (uintptr_t)ret[8] << 32;
    for (unsigned k = 0; k < (unsigned)NGREG; k++) seen[k] = (uint64_t)g[k];
    seen_efl_cf = (int)(g[REG_EFL] & 1);
    seen_uc_flags = (int)uc->uc_flags;
    seen_mask0 = *(uint64_t *)&uc->uc_sigmask;
    seen_oldmask_eq = (uint64_t)g[REG_OLDMASK] == (seen_mask0 & 0xffffffffu);
    seen_csgsfs = (uint64_t)g[REG_CSGSFS];
    seen_mxcsr = uc->uc_mcontext.fpregs->mxcsr;
    seen_cwd = uc->uc_mcontext.fpregs->cwd;
    memcpy((void *)&seen_xmm7_lo, &uc->uc_mcontext.fpregs->_xmm[7], 8);
    memcpy((void *)&seen_xmm7_hi, (char *)&uc->uc_mcontext.fpregs->_xmm[7] + 8, 8);
    unsigned m;
    unsigned short fcw;
    __asm__ volatile("stmxcsr %0\n\tfnstcw %1" : "=m"(m), "=m"(fcw));
    handler_mxcsr = m;
    handler_fcw = fcw;
    if (modify) {
        g[REG_RBX] = 0x5151515151515151;
        g[REG_R12] = 0x1212121212121212;
        uint64_t pat[2] = { 0x0123456789abcdefull, 0xfedcba9876543210ull };
        memcpy(&uc->uc_mcontext.fpregs->_xmm[6], pat, 16);
        uc->uc_mcontext.fpregs->mxcsr = 0x3f80; /* round down, exceptions masked */
    }
}

static const uint64_t xmm7_pat[2] = { 0x1122334455667788ull, 0x99aabbccddeeff00ull };

/* Loads known values, sets CF, MXCSR = 0x7f80 (round toward zero), x87 CW = 0x27f, xmm7 = a
 * pattern, then calls tkill(tid, SIGUSR1) with a raw syscall; the signal is delivered on the
 * syscall's return. Afterwards rbx, r12, xmm6 and mxcsr are stored for the caller. */
static uint64_t after_rbx, after_r12, after_xmm6[2];
static unsigned after_mxcsr;
extern const char after_syscall[];
static void raise_with_known_registers(int tid)
{
    /* Static operands only: they are addressed RIP-relative, so the pushes below cannot move them. */
    static unsigned new_mxcsr = 0x7f80, old_mxcsr;
    static unsigned short new_cw = 0x27f, old_cw;
    static int the_tid;
    the_tid = tid;
    __asm__ volatile(
        "stmxcsr %[om]\n\t"
        "fnstcw %[ocw]\n\t"
        "ldmxcsr %[nm]\n\t"
        "fldcw %[ncw]\n\t"
        "movdqu %[x7], %%xmm7\n\t"
        "pushq %%rbx\n\tpushq %%rbp\n\tpushq %%r12\n\tpushq %%r13\n\tpushq %%r14\n\tpushq %%r15\n\t"
        "movabsq $0x0808080808080808, %%r8\n\t"
        "movabsq $0x0909090909090909, %%r9\n\t"
        "movabsq $0x0a0a0a0a0a0a0a0a, %%r10\n\t"
        "movabsq $0x1212121212121200, %%r12\n\t"
        "movabsq $0x1313131313131313, %%r13\n\t"
        "movabsq $0x1414141414141414, %%r14\n\t"
        "movabsq $0x1515151515151515, %%r15\n\t"
        "movabsq $0x0b0b0b0b0b0b0b0b, %%rbx\n\t"
        "movabsq $0x0d0d0d0d0d0d0d0d, %%rbp\n\t"
        "movabsq $0x0303030303030303, %%rdx\n\t"
        "movl %[tid], %%edi\n\t"
        "movl $10, %%esi\n\t" /* SIGUSR1 */
        "movl $200, %%eax\n\t" /* tkill */
        "stc\n\t"
        "syscall\n\t"
        ".globl after_syscall\nafter_syscall:\n\t"
        "movq %%rbx, %[arbx]\n\t"
        "movq %%r12, %[ar12]\n\t"
        "movdqu %%xmm6, %[ax6]\n\t"
        "stmxcsr %[am]\n\t"
        "popq %%r15\n\tpopq %%r14\n\tpopq %%r13\n\tpopq %%r12\n\tpopq %%rbp\n\tpopq %%rbx\n\t"
        "ldmxcsr %[om]\n\t"
        "fldcw %[ocw]\n\t"
        : [om] "=m"(old_mxcsr), [ocw] "=m"(old_cw), [arbx] "=m"(after_rbx), [ar12] "=m"(after_r12),
          [ax6] "=m"(after_xmm6), [am] "=m"(after_mxcsr)
        : [nm] "m"(new_mxcsr), [ncw] "m"(new_cw), [x7] "m"(xmm7_pat), [tid] "m"(the_tid)
        : "rax", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11", "xmm6", "xmm7", "memory", "cc");
}

extern const char after_fault[];
static void segv_handler(int sig, siginfo_t *si, void *ctx)
{
    (void)sig;
    ucontext_t *uc = ctx;
    greg_t *g = uc->uc_mcontext.gregs;
    P("segv: gregs[REG_TRAPNO]", g[REG_TRAPNO]);
    P("segv: gregs[REG_ERR] & 6 (write, user)", g[REG_ERR] & 6);
    P("segv: gregs[REG_CR2] == si_addr", (uintptr_t)g[REG_CR2] == (uintptr_t)si->si_addr);
    P("segv: si_addr", (uintptr_t)si->si_addr);
    P("segv: si_code", si->si_code);
    g[REG_RIP] = (greg_t)(uintptr_t)after_fault; /* step over the faulting store */
}

int main(void)
{
    /* --- the libc's structures */
    P("sizeof(ucontext_t)", sizeof(ucontext_t));
    P("sizeof(mcontext_t)", sizeof(mcontext_t));
    P("sizeof(gregset_t)", sizeof(gregset_t));
    P("NGREG", NGREG);
    OFF(ucontext_t, uc_flags);
    OFF(ucontext_t, uc_link);
    OFF(ucontext_t, uc_stack);
    OFF(ucontext_t, uc_stack.ss_sp);
    OFF(ucontext_t, uc_stack.ss_flags);
    OFF(ucontext_t, uc_stack.ss_size);
    OFF(ucontext_t, uc_mcontext);
    OFF(ucontext_t, uc_mcontext.gregs);
    OFF(ucontext_t, uc_mcontext.fpregs);
    OFF(ucontext_t, uc_sigmask);
    GREG(REG_R8); GREG(REG_R9); GREG(REG_R10); GREG(REG_R11); GREG(REG_R12); GREG(REG_R13); GREG(REG_R14);
    GREG(REG_R15); GREG(REG_RDI); GREG(REG_RSI); GREG(REG_RBP); GREG(REG_RBX); GREG(REG_RDX); GREG(REG_RAX);
    GREG(REG_RCX); GREG(REG_RSP); GREG(REG_RIP); GREG(REG_EFL); GREG(REG_CSGSFS); GREG(REG_ERR);
    GREG(REG_TRAPNO); GREG(REG_OLDMASK); GREG(REG_CR2);
    P("sizeof(stack_t)", sizeof(stack_t));
    OFF(stack_t, ss_sp);
    OFF(stack_t, ss_flags);
    OFF(stack_t, ss_size);
    P("sizeof(siginfo_t)", sizeof(siginfo_t));
    OFF(siginfo_t, si_signo);
    OFF(siginfo_t, si_errno);
    OFF(siginfo_t, si_code);
    OFF(siginfo_t, si_pid);
    OFF(siginfo_t, si_uid);
    OFF(siginfo_t, si_addr);
    OFF(siginfo_t, si_status);
    OFF(siginfo_t, si_value);
    P("fpstate: offsetof cwd", offsetof(struct _libc_fpstate, cwd));
    P("fpstate: offsetof mxcsr", offsetof(struct _libc_fpstate, mxcsr));
    P("fpstate: offsetof _st", offsetof(struct _libc_fpstate, _st));
    P("fpstate: offsetof _xmm", offsetof(struct _libc_fpstate, _xmm));
    P("fpstate: sizeof", sizeof(struct _libc_fpstate));

    /* --- a handler's view */
    handle(SIGUSR1, handler_entry, 0, 0);
    int tid = (int)syscall(SYS_gettid);
    raise_with_known_registers(tid);
    P("handler: entry rsp % 16", seen_rsp_entry % 16);
    P("handler: ucontext - entry rsp", seen_uc - seen_rsp_entry);
    P("handler: siginfo - ucontext", seen_info - seen_uc);
    P("handler: fpregs - siginfo", seen_fpregs - seen_info);
    P("handler: fpregs % 64", seen_fpregs % 64);
    P("handler: interrupted rsp - fpregs >= 128 + 512", (uintptr_t)seen[REG_RSP] - seen_fpregs >= 128 + 512);
    out("handler: restorer code = %08llx %010llx\n", (unsigned long long)seen_ret0, (unsigned long long)seen_ret1);
    P("handler: uc_flags & ~UC_FP_XSTATE", seen_uc_flags & ~1);
    out("handler: gregs[REG_R8..REG_R10] = %016llx %016llx %016llx\n", (unsigned long long)seen[REG_R8],
        (unsigned long long)seen[REG_R9], (unsigned long long)seen[REG_R10]);
    out("handler: gregs[REG_R12..REG_R15] = %016llx %016llx %016llx %016llx\n", (unsigned long long)seen[REG_R12],
        (unsigned long long)seen[REG_R13], (unsigned long long)seen[REG_R14], (unsigned long long)seen[REG_R15]);
    out("handler: gregs[REG_RBX], [REG_RBP], [REG_RDX] = %016llx %016llx %016llx\n", (unsigned long long)seen[REG_RBX],
        (unsigned long long)seen[REG_RBP], (unsigned long long)seen[REG_RDX]);
    P("handler: gregs[REG_RDI] == tid", seen[REG_RDI] == (uint64_t)tid);
    P("handler: gregs[REG_RSI]", seen[REG_RSI]);
    P("handler: gregs[REG_RAX] (tkill's result)", seen[REG_RAX]);
    P("handler: gregs[REG_RIP] == after the syscall", seen[REG_RIP] == (uintptr_t)after_syscall);
    P("handler: gregs[REG_RCX] == after the syscall (syscall's rcx)", seen[REG_RCX] == (uintptr_t)after_syscall);
    P("handler: gregs[REG_R11] == gregs[REG_EFL] (syscall's r11)", (seen[REG_R11] & 0xcd5) == (seen[REG_EFL] & 0xcd5));
    P("handler: gregs[REG_EFL] CF", seen_efl_cf);
    P("handler: gregs[REG_EFL] & 0x202 (IF, reserved bit 1)", seen[REG_EFL] & 0x202);
    out("handler: gregs[REG_CSGSFS] = %#llx\n", (unsigned long long)seen_csgsfs);
    P("handler: gregs[REG_OLDMASK] == low word of uc_sigmask", seen_oldmask_eq);
    P("handler: uc_sigmask has SIGUSR1", (seen_mask0 >> (SIGUSR1 - 1)) & 1);
    out("handler: saved mxcsr %#x cwd %#x, xmm7 %016llx%016llx\n", seen_mxcsr, seen_cwd,
        (unsigned long long)seen_xmm7_hi, (unsigned long long)seen_xmm7_lo);
    out("handler: own mxcsr %#x fcw %#x\n", handler_mxcsr, handler_fcw);

    modify = 1;
    raise_with_known_registers(tid);
    out("after return: rbx %016llx r12 %016llx xmm6 %016llx%016llx mxcsr %#x\n", (unsigned long long)after_rbx,
        (unsigned long long)after_r12, (unsigned long long)after_xmm6[1], (unsigned long long)after_xmm6[0], after_mxcsr);

    /* --- a fault's trap number, error code and cr2 */
    handle(SIGSEGV, segv_handler, 0, 0);
    __asm__ volatile("movl $1, 0x10\n\t.globl after_fault\nafter_fault:" ::: "memory");
    out("done\n");
    return 0;
}
