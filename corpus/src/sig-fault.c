/* sig-fault: synchronous signals from CPU faults, caught by handlers. Mode = argv[1]:
 *
 *   segv      SIGSEGV handlers that siglongjmp out: NULL store (SEGV_MAPERR), read of a PROT_NONE
 *             page and store to a PROT_READ page (SEGV_ACCERR), read of an unmapped page, a call
 *             into a non-executable page; si_addr, REG_TRAPNO, REG_ERR's write bit, REG_CR2; the
 *             signal mask after siglongjmp with and without a saved mask.
 *   mprotect  a handler makes the page accessible with mprotect and returns: the faulting load
 *             or store is retried and completes.
 *   fpe       integer division by zero and INT_MIN/-1: SIGFPE with si_code; one handler
 *             siglongjmps, another changes REG_RIP and REG_RAX in the ucontext and returns, so
 *             execution continues after the division with the handler's result.
 *   trap      ud2 (SIGILL, ILL_ILLOPN) and int3 (SIGTRAP, SI_KERNEL) with the handler stepping
 *             over the instruction through REG_RIP.
 *   blocked   SIGSEGV blocked with a handler installed: the fault kills the process anyway.
 *   ignored   SIGSEGV set to SIG_IGN: the fault kills the process anyway.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <ucontext.h>
#include "sig-thr.h"

static sigjmp_buf jb;
static volatile int hits;
static void *volatile expect_addr;

static void segv_jump(int sig, siginfo_t *si, void *ctx)
{
    ucontext_t *uc = ctx;
    greg_t *g = uc->uc_mcontext.gregs;
    hits++;
    out("  %s %s addr==expected %d trapno %lld write %lld cr2==addr %d\n", sname(sig), codename(sig, si->si_code),
        si->si_addr == expect_addr, (long long)g[REG_TRAPNO], (long long)(g[REG_ERR] >> 1 & 1),
        (uintptr_t)g[REG_CR2] == (uintptr_t)si->si_addr);
    siglongjmp(jb, 1);
}

static int blocked_now(int sig)
{
    sigset_t cur;
    sigprocmask(SIG_BLOCK, NULL, &cur);
    return sigismember(&cur, sig);
}

typedef void (*fn_t)(void);

static void mode_segv(void)
{
    handle(SIGSEGV, segv_jump, 0, 0);
    long pg = sysconf(_SC_PAGESIZE);
    char *none = mmap(NULL, pg, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    char *ro = mmap(NULL, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    char *gone = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    char *nx = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    munmap(gone, pg);
    nx[0] = (char)0xc3; /* ret */
    struct { const char *what; int kind; void *addr; } cases[] = {
        { "store to NULL", 0, NULL },
        { "load from PROT_NONE", 1, none + 8 },
        { "store to PROT_READ", 0, ro + 16 },
        { "load from unmapped", 1, gone + 24 },
        { "call into non-exec page", 2, nx },
    };
    for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        out("%s:\n", cases[i].what);
        expect_addr = cases[i].addr;
        if (sigsetjmp(jb, 1) == 0) {
            if (cases[i].kind == 0) *(volatile int *)cases[i].addr = 1;
            else if (cases[i].kind == 1) (void)*(volatile int *)cases[i].addr;
            else ((fn_t)cases[i].addr)();
            out("  no fault\n");
        }
        out("  SIGSEGV blocked after siglongjmp: %d\n", blocked_now(SIGSEGV));
    }
    /* sigsetjmp(jb, 0) does not save the mask: SIGSEGV stays blocked after the jump. */
    out("store to NULL, no saved mask:\n");
    expect_addr = NULL;
    if (sigsetjmp(jb, 0) == 0) *(volatile int *)0 = 2;
    out("  SIGSEGV blocked after siglongjmp: %d\n", blocked_now(SIGSEGV));
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGSEGV);
    sigprocmask(SIG_UNBLOCK, &s, NULL);
    out("hits %d\n", hits);
}

static char *volatile fix_page;   /* the page the handler opens up */
static char *volatile fix_expect; /* the expected fault address */
static volatile int fix_prot;
static void segv_fix(int sig, siginfo_t *si, void *ctx)
{
    ucontext_t *uc = ctx;
    hits++;
    out("  %s %s addr==page %d write %lld -> mprotect\n", sname(sig), codename(sig, si->si_code),
        (char *)si->si_addr == fix_expect, (long long)(uc->uc_mcontext.gregs[REG_ERR] >> 1 & 1));
    mprotect(fix_page, (size_t)sysconf(_SC_PAGESIZE), fix_prot);
}

static void mode_mprotect(void)
{
    long pg = sysconf(_SC_PAGESIZE);
    fix_page = mmap(NULL, pg, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    handle(SIGSEGV, segv_fix, 0, 0);
    volatile int *p = (volatile int *)(fix_page + 64);
    fix_expect = fix_page + 64;
    out("store to PROT_NONE:\n");
    fix_prot = PROT_READ | PROT_WRITE;
    *p = 42;
    out("  value %d, hits %d\n", *p, hits);
    out("store to PROT_READ:\n");
    mprotect(fix_page, pg, PROT_READ);
    *p = 43;
    out("  value %d, hits %d\n", *p, hits);
    out("load from PROT_NONE:\n");
    mprotect(fix_page, pg, PROT_NONE);
    fix_prot = PROT_READ;
    int v = *p;
    out("  value %d, hits %d\n", v, hits);
    out("string store (rep stosb) across into PROT_NONE:\n");
    char *two = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    mprotect(two + pg, pg, PROT_NONE);
    fix_page = two + pg;
    fix_expect = two + pg;
    fix_prot = PROT_READ | PROT_WRITE;
    char *dst = two + pg - 100;
    size_t n = 200;
    __asm__ volatile("rep stosb" : "+D"(dst), "+c"(n) : "a"(0x5a) : "memory");
    out("  hits %d, bytes %d %d %d, rcx %zu\n", hits, two[pg - 100], two[pg], two[pg + 99], n);
}

/* Divisions with labels on the dividing instruction and after it (idivl %ecx is f7 f9). */
extern const char div_ins[], div_after[];
__attribute__((noinline)) static int divide(int a, int b)
{
    int q;
    __asm__ volatile("cltd\n\t.globl div_ins\ndiv_ins: idivl %%ecx\n\t.globl div_after\ndiv_after:"
                     : "=a"(q) : "a"(a), "c"(b) : "rdx", "cc");
    return q;
}

static void fpe_jump(int sig, siginfo_t *si, void *ctx)
{
    (void)ctx;
    out("  %s %s addr==ins %d\n", sname(sig), codename(sig, si->si_code), si->si_addr == (void *)div_ins);
    siglongjmp(jb, 1);
}

static void fpe_skip(int sig, siginfo_t *si, void *ctx)
{
    ucontext_t *uc = ctx;
    greg_t *g = uc->uc_mcontext.gregs;
    out("  %s %s rip==ins %d -> rip = after, rax = 777\n", sname(sig), codename(sig, si->si_code),
        (uintptr_t)g[REG_RIP] == (uintptr_t)div_ins);
    g[REG_RIP] = (greg_t)(uintptr_t)div_after;
    g[REG_RAX] = 777;
}

static volatile int v_zero = 0, v_min = (int)0x80000000, v_m1 = -1, v_seven = 7;

static void mode_fpe(void)
{
    out("7 / 2 = %d\n", divide(v_seven, 2));
    handle(SIGFPE, fpe_jump, 0, 0);
    out("7 / 0:\n");
    if (sigsetjmp(jb, 1) == 0) out("  no fault %d\n", divide(v_seven, v_zero));
    out("INT_MIN / -1:\n");
    if (sigsetjmp(jb, 1) == 0) out("  no fault %d\n", divide(v_min, v_m1));
    out("compiler division 7 / 0:\n");
    expect_addr = NULL;
    if (sigsetjmp(jb, 1) == 0) out("  no fault %d\n", v_seven / v_zero);
    handle(SIGFPE, fpe_skip, 0, 0);
    out("7 / 0 with a fixing handler:\n");
    int q = divide(v_seven, v_zero);
    out("  result %d\n", q);
    out("INT_MIN / -1 with a fixing handler:\n");
    q = divide(v_min, v_m1);
    out("  result %d\n", q);
}

extern const char ud2_ins[], int3_ins[], int3_after[];
static void trap_skip(int sig, siginfo_t *si, void *ctx)
{
    ucontext_t *uc = ctx;
    greg_t *g = uc->uc_mcontext.gregs;
    uintptr_t rip = (uintptr_t)g[REG_RIP];
    if (sig == SIGILL) {
        out("  %s %s addr==ins %d rip==ins %d\n", sname(sig), codename(sig, si->si_code), si->si_addr == (void *)ud2_ins,
            rip == (uintptr_t)ud2_ins);
        g[REG_RIP] += 2;
    } else {
        out("  %s %s rip==after %d trapno %lld\n", sname(sig), codename(sig, si->si_code), rip == (uintptr_t)int3_after,
            (long long)g[REG_TRAPNO]);
    }
}

static void mode_trap(void)
{
    handle(SIGILL, trap_skip, 0, 0);
    handle(SIGTRAP, trap_skip, 0, 0);
    out("ud2:\n");
    __asm__ volatile(".globl ud2_ins\nud2_ins: ud2");
    out("  continued\n");
    out("int3:\n");
    __asm__ volatile(".globl int3_ins\nint3_ins: int3\n.globl int3_after\nint3_after:");
    out("  continued\n");
}

static void never(int sig, siginfo_t *si, void *ctx)
{
    (void)si; (void)ctx;
    out("handler ran for %s (it must not)\n", sname(sig));
    _exit(3);
}

int main(int argc, char **argv)
{
    const char *m = argc > 1 ? argv[1] : "";
    if (!strcmp(m, "segv")) mode_segv();
    else if (!strcmp(m, "mprotect")) mode_mprotect();
    else if (!strcmp(m, "fpe")) mode_fpe();
    else if (!strcmp(m, "trap")) mode_trap();
    else if (!strcmp(m, "blocked") || !strcmp(m, "ignored")) {
        if (m[0] == 'b') {
            handle(SIGSEGV, never, 0, 0);
            sigset_t s;
            sigemptyset(&s);
            sigaddset(&s, SIGSEGV);
            sigprocmask(SIG_BLOCK, &s, NULL);
        } else {
            signal(SIGSEGV, SIG_IGN);
        }
        out("SIGSEGV %s; storing to NULL\n", m);
        *(volatile int *)0 = 1;
        out("survived\n");
        return 1;
    } else {
        out("usage: sig-fault segv|mprotect|fpe|trap|blocked|ignored\n");
        return 2;
    }
    out("done\n");
    return 0;
}
