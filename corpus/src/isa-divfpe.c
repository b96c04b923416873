/* isa-divfpe: integer divide errors (#DE). The operation is chosen by argv[1]:
 *
 *   intmin32   INT_MIN / -1 (idiv r32: the quotient overflows)        -> killed by SIGFPE
 *   intmin64   LONG_MIN / -1 (idiv r64)                                -> killed by SIGFPE
 *   rem64      LONG_MIN % -1 (idiv r64 again: the remainder is 0, but the instruction faults)
 *   zero32     1 / 0 (idiv r32)                                        -> killed by SIGFPE
 *   zero64u    unsigned long / 0 (div r64)                             -> killed by SIGFPE
 *   div8       divb: 0x1000 / 0x10 = 0x100 does not fit in al          -> killed by SIGFPE
 *   handler    a SIGFPE handler (SA_SIGINFO) catches each of the above in turn: prints si_signo,
 *              si_code (FPE_INTDIV for both overflow and zero on x86), whether si_addr is the
 *              address of the dividing instruction, that the registers the handler sees in the
 *              ucontext are the inputs (the instruction did not retire), then siglongjmps out.
 *              Exits 0.
 *
 * Each fatal mode first prints a line (flushed), so the test also checks that output written
 * before the fault survives.
 */
#define _GNU_SOURCE
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>

/* Each division is an asm statement with a global label on the dividing instruction, so the
 * handler can compare si_addr and the saved rip with it. */
extern const char ins_idiv32[], ins_idiv64[], ins_div64[], ins_divb[];

__attribute__((noinline)) static int64_t do_idiv32(int32_t a, int32_t b)
{
    int32_t q, r;
    __asm__ volatile("cltd\n\t.globl ins_idiv32\nins_idiv32: idivl %3" : "=a"(q), "=d"(r) : "a"(a), "r"(b) : "cc");
    return (int64_t)q * 1000 + r;
}

__attribute__((noinline)) static int64_t do_idiv64(int64_t a, int64_t b, int want_rem)
{
    int64_t q, r;
    __asm__ volatile("cqto\n\t.globl ins_idiv64\nins_idiv64: idivq %3" : "=a"(q), "=d"(r) : "a"(a), "r"(b) : "cc");
    return want_rem ? r : q;
}

__attribute__((noinline)) static uint64_t do_div64(uint64_t a, uint64_t b)
{
    uint64_t q, r;
    __asm__ volatile("xorl %%edx, %%edx\n\t.globl ins_div64\nins_div64: divq %3" : "=a"(q), "=d"(r) : "a"(a), "r"(b) : "cc");
    return q + r;
}

__attribute__((noinline)) static unsigned do_divb(unsigned ax, unsigned char b)
{
    unsigned r = ax;
    __asm__ volatile(".globl ins_divb\nins_divb: divb %1" : "+a"(r) : "q"(b) : "cc");
    return r & 0xffff;
}

static sigjmp_buf jb;
static volatile sig_atomic_t expect_rax_set;
static volatile uint64_t expect_rax;
static const char *volatile expect_ins;

static void on_fpe(int sig, siginfo_t *si, void *ctx)
{
    ucontext_t *uc = ctx;
    uint64_t rip = (uint64_t)uc->uc_mcontext.gregs[REG_RIP];
    uint64_t rax = (uint64_t)uc->uc_mcontext.gregs[REG_RAX];
    printf("  caught signo %d (%s) code %d (%s) si_addr==ins %d rip==ins %d rax==input %d\n", si->si_signo,
           sig == SIGFPE ? "SIGFPE" : "?", si->si_code, si->si_code == FPE_INTDIV ? "FPE_INTDIV" : "other",
           si->si_addr == (void *)expect_ins, rip == (uint64_t)(uintptr_t)expect_ins,
           !expect_rax_set || rax == expect_rax);
    siglongjmp(jb, 1);
}

static volatile int32_t v_intmin = INT_MIN, v_m1 = -1, v_one = 1, v_zero = 0;
static volatile int64_t v_lmin = LONG_MIN, v_lm1 = -1;
static volatile uint64_t v_u = 12345, v_uzero = 0;

static void try(const char *what, int which)
{
    printf("%s:\n", what);
    fflush(stdout);
    if (sigsetjmp(jb, 1) == 0) {
        int64_t r = 0;
        expect_rax_set = 1;
        switch (which) {
        case 0: expect_ins = ins_idiv32; expect_rax = (uint32_t)v_intmin; r = do_idiv32(v_intmin, v_m1); break;
        case 1: expect_ins = ins_idiv64; expect_rax = (uint64_t)v_lmin; r = do_idiv64(v_lmin, v_lm1, 0); break;
        case 2: expect_ins = ins_idiv64; expect_rax = (uint64_t)v_lmin; r = do_idiv64(v_lmin, v_lm1, 1); break;
        case 3: expect_ins = ins_idiv32; expect_rax = 1; r = do_idiv32(v_one, v_zero); break;
        case 4: expect_ins = ins_div64; expect_rax = v_u; r = (int64_t)do_div64(v_u, v_uzero); break;
        case 5: expect_ins = ins_divb; expect_rax_set = 0; r = do_divb(0x1000, (unsigned char)(v_one * 16)); break;
        }
        printf("  no fault: %lld\n", (long long)r);
    }
    fflush(stdout);
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "";
    static const char *const modes[] = { "intmin32", "intmin64", "rem64", "zero32", "zero64u", "div8" };
    /* Non-faulting divisions through the same code first. */
    printf("ok: %lld %lld %lld %llu %u\n", (long long)do_idiv32(-7, 2), (long long)do_idiv64(LONG_MIN, 2, 0),
           (long long)do_idiv64(LONG_MIN + 1, -1, 0), (unsigned long long)do_div64(~0ull, 3), do_divb(0xff0, 0x10));
    if (strcmp(mode, "handler") == 0) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_sigaction = on_fpe;
        sa.sa_flags = SA_SIGINFO;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGFPE, &sa, NULL);
        for (int i = 0; i < 6; i++) try(modes[i], i);
        printf("handler: done\n");
        return 0;
    }
    for (int i = 0; i < 6; i++) {
        if (strcmp(mode, modes[i]) == 0) {
            printf("%s: dividing\n", mode);
            fflush(stdout);
            int64_t r = 0;
            switch (i) {
            case 0: r = v_intmin / v_m1; break;          /* compiler-generated idiv */
            case 1: r = v_lmin / v_lm1; break;
            case 2: r = v_lmin % v_lm1; break;
            case 3: r = v_one / v_zero; break;
            case 4: r = (int64_t)(v_u / v_uzero); break;
            case 5: r = do_divb(0x1000, (unsigned char)(v_one * 16)); break;
            }
            printf("%s: survived with %lld\n", mode, (long long)r);
            return 1;
        }
    }
    fprintf(stderr, "usage: isa-divfpe intmin32|intmin64|rem64|zero32|zero64u|div8|handler\n");
    return 2;
}
