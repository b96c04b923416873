/* sig-altstack: alternate signal stacks. Mode = argv[1]:
 *
 *   overflow  infinite recursion overflows the stack; the SIGSEGV handler (SA_ONSTACK) runs on the
 *             alternate stack, checks where it runs and what sigaltstack reports, and _exit(0)s.
 *   overflow-nostack  the same without an alternate stack: the handler cannot be entered and the
 *             process dies by SIGSEGV.
 *   query     sigaltstack errors and read-back; a handler with SA_ONSTACK runs on it (uc_stack
 *             and sigaltstack inside), a nested signal stays on it, a handler without
 *             SA_ONSTACK does not use it; SS_AUTODISARM disarms it inside the handler and
 *             rt_sigreturn re-arms it.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <ucontext.h>
#include "sig-thr.h"

#ifndef SS_AUTODISARM
#define SS_AUTODISARM (1u << 31) /* linux/signal.h; musl's headers lack it */
#endif
#define ALT_SIZE (64 * 1024)
static char *alt;

static int on_alt(const void *p)
{
    return (const char *)p >= alt && (const char *)p < alt + ALT_SIZE;
}

static const char *ssflags(int f)
{
    static char bufs[4][64];
    static int k;
    char *b = bufs[k++ & 3];
    b[0] = 0;
    if (f & SS_ONSTACK) strcat(b, "SS_ONSTACK ");
    if (f & SS_DISABLE) strcat(b, "SS_DISABLE ");
    if ((unsigned)f & SS_AUTODISARM) strcat(b, "SS_AUTODISARM ");
    if (!b[0]) return "0";
    b[strlen(b) - 1] = 0;
    return b;
}

static void overflow_handler(int sig, siginfo_t *si, void *ctx)
{
    ucontext_t *uc = ctx;
    int local;
    stack_t cur;
    sigaltstack(NULL, &cur);
    out("handler: %s %s on alt stack %d\n", sname(sig), codename(sig, si->si_code), on_alt(&local));
    out("  sigaltstack flags %s, sp==alt %d size %zu\n", ssflags(cur.ss_flags), cur.ss_sp == alt, cur.ss_size);
    out("  uc_stack flags %s, sp==alt %d\n", ssflags(uc->uc_stack.ss_flags), uc->uc_stack.ss_sp == alt);
    out("  fault address below the interrupted rsp %d\n",
        (uintptr_t)si->si_addr < (uintptr_t)uc->uc_mcontext.gregs[REG_RSP] + 4096);
    stack_t ss = { .ss_sp = alt, .ss_size = ALT_SIZE, .ss_flags = 0 };
    rep("  sigaltstack change while on it", sigaltstack(&ss, NULL));
    _exit(0);
}

static volatile int deepest;
#pragma GCC diagnostic ignored "-Winfinite-recursion"
__attribute__((noinline)) static int recurse(int n)
{
    volatile char pad[256];
    pad[0] = (char)n;
    deepest = n;
    return recurse(n + 1) + pad[0];
}

static void mode_overflow(int with_stack)
{
    if (with_stack) {
        stack_t ss = { .ss_sp = alt, .ss_size = ALT_SIZE, .ss_flags = 0 };
        rep("sigaltstack", sigaltstack(&ss, NULL));
    }
    handle(SIGSEGV, overflow_handler, SA_ONSTACK, 0);
    out("recursing\n");
    recurse(0);
    out("returned\n");
}

static volatile int nested_on_alt = -1;
static void inner(int sig, siginfo_t *si, void *ctx)
{
    (void)sig; (void)si; (void)ctx;
    int local;
    nested_on_alt = on_alt(&local);
}

static void outer(int sig, siginfo_t *si, void *ctx)
{
    (void)si;
    ucontext_t *uc = ctx;
    int local;
    stack_t cur;
    sigaltstack(NULL, &cur);
    out("  handler %s: on alt stack %d, sigaltstack flags %s, uc_stack flags %s sp==alt %d size %zu\n", sname(sig),
        on_alt(&local), ssflags(cur.ss_flags), ssflags(uc->uc_stack.ss_flags), uc->uc_stack.ss_sp == alt,
        uc->uc_stack.ss_size);
    out("  interrupted rsp on alt stack %d\n", on_alt((void *)uc->uc_mcontext.gregs[REG_RSP]));
    raise(SIGUSR2);
    out("  nested SIGUSR2 handler on alt stack %d\n", nested_on_alt);
}

static void plain(int sig, siginfo_t *si, void *ctx)
{
    (void)si; (void)ctx;
    int local;
    out("  handler %s without SA_ONSTACK: on alt stack %d\n", sname(sig), on_alt(&local));
}

static void mode_query(void)
{
    stack_t old, ss;
    rep("sigaltstack(NULL, &old)", sigaltstack(NULL, &old));
    out("  initial flags %s size %zu\n", ssflags(old.ss_flags), old.ss_size);
    ss = (stack_t){ .ss_sp = alt, .ss_size = 1024, .ss_flags = 0 };
    rep("size 1024", sigaltstack(&ss, NULL));
    ss = (stack_t){ .ss_sp = alt, .ss_size = ALT_SIZE, .ss_flags = 0x10 };
    rep("bad flags", sigaltstack(&ss, NULL));
    ss = (stack_t){ .ss_sp = alt, .ss_size = ALT_SIZE, .ss_flags = 0 };
    rep("set", sigaltstack(&ss, &old));
    out("  old flags %s\n", ssflags(old.ss_flags));
    rep("read back", sigaltstack(NULL, &old));
    out("  flags %s sp==alt %d size %zu\n", ssflags(old.ss_flags), old.ss_sp == alt, old.ss_size);
    handle(SIGUSR1, outer, SA_ONSTACK, 0);
    handle(SIGUSR2, inner, SA_ONSTACK, 0);
    handle(SIGHUP, plain, 0, 0);
    out("raise(SIGUSR1) with SA_ONSTACK:\n");
    raise(SIGUSR1);
    out("raise(SIGHUP) without SA_ONSTACK:\n");
    raise(SIGHUP);
    out("SS_AUTODISARM:\n");
    ss = (stack_t){ .ss_sp = alt, .ss_size = ALT_SIZE, .ss_flags = (int)SS_AUTODISARM };
    rep("  set", sigaltstack(&ss, NULL));
    rep("  read back", sigaltstack(NULL, &old));
    out("  flags %s\n", ssflags(old.ss_flags));
    raise(SIGUSR1);
    rep("  after the handler", sigaltstack(NULL, &old));
    out("  flags %s sp==alt %d\n", ssflags(old.ss_flags), old.ss_sp == alt);
    out("SS_DISABLE:\n");
    ss = (stack_t){ .ss_sp = NULL, .ss_size = 0, .ss_flags = SS_DISABLE };
    rep("  disable", sigaltstack(&ss, NULL));
    rep("  read back", sigaltstack(NULL, &old));
    out("  flags %s size %zu\n", ssflags(old.ss_flags), old.ss_size);
    raise(SIGUSR1);
}

int main(int argc, char **argv)
{
    const char *m = argc > 1 ? argv[1] : "";
    alt = mmap(NULL, ALT_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (!strcmp(m, "overflow")) mode_overflow(1);
    else if (!strcmp(m, "overflow-nostack")) mode_overflow(0);
    else if (!strcmp(m, "query")) mode_query();
    else {
        out("usage: sig-altstack overflow|overflow-nostack|query\n");
        return 2;
    }
    out("done\n");
    return 0;
}
