/* sig-mask: signal masks, pending sets and handler flags.
 *
 *   block SIGUSR1, raise it: not delivered, sigpending shows it; sigsuspend with it unblocked
 *   runs the handler and returns EINTR, and the old mask is back afterwards; unblocking with
 *   sigprocmask delivers a pending signal before sigprocmask returns; several pending signals
 *   are delivered lowest number first, real-time signals queue (standard ones do not) in
 *   order; sa_mask blocks a signal raised inside the handler until the handler returns; a
 *   signal not in sa_mask nests; SA_NODEFER lets a handler interrupt itself; SA_RESETHAND
 *   restores SIG_DFL after the first delivery; the mask inside a handler (uc_sigmask = the
 *   interrupted mask) and a handler that changes uc_sigmask to alter the mask it returns to.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <ucontext.h>
#include "sig-thr.h"

static char order[256];
static void note(const char *s)
{
    if (order[0]) strcat(order, " ");
    strcat(order, s);
}

static const char *cur_mask(void)
{
    sigset_t m;
    sigprocmask(SIG_BLOCK, NULL, &m);
    return setnames(&m);
}

static void rec(int sig, siginfo_t *si, void *ctx)
{
    (void)si; (void)ctx;
    note(sname(sig));
}

static void show_mask(int sig, siginfo_t *si, void *ctx)
{
    (void)si;
    ucontext_t *uc = ctx;
    static char in[400];
    strcpy(in, cur_mask());
    out("  in handler %s: mask %s; uc_sigmask %s\n", sname(sig), in, setnames(&uc->uc_sigmask));
}

static void masked_raiser(int sig, siginfo_t *si, void *ctx)
{
    (void)si; (void)ctx;
    note("enter");
    note(sname(sig));
    raise(SIGUSR2); /* in sa_mask: pending until we return */
    sigset_t p;
    sigpending(&p);
    note(sigismember(&p, SIGUSR2) ? "USR2-pending" : "USR2-not-pending");
    raise(SIGHUP); /* not in sa_mask: nests right here */
    note("leave");
}

static volatile int nodefer_depth, nodefer_max, nodefer_calls;
static void nodefer(int sig, siginfo_t *si, void *ctx)
{
    (void)si; (void)ctx;
    nodefer_depth++;
    nodefer_calls++;
    if (nodefer_depth > nodefer_max) nodefer_max = nodefer_depth;
    if (nodefer_calls < 3) raise(sig);
    nodefer_depth--;
}

static void change_uc_mask(int sig, siginfo_t *si, void *ctx)
{
    (void)si;
    ucontext_t *uc = ctx;
    note(sname(sig));
    sigaddset(&uc->uc_sigmask, SIGTERM); /* the mask after sigreturn */
}

int main(void)
{
    sigset_t s, old, pend;
    handle(SIGUSR1, rec, 0, 0);
    handle(SIGUSR2, rec, 0, 0);
    handle(SIGHUP, rec, 0, 0);
    handle(SIGTERM, rec, 0, 0);

    out("block SIGUSR1 and raise it:\n");
    sigemptyset(&s);
    sigaddset(&s, SIGUSR1);
    sigprocmask(SIG_BLOCK, &s, &old);
    raise(SIGUSR1);
    sigpending(&pend);
    out("  delivered: %s; pending: %s; mask: %s\n", order[0] ? order : "(none)", setnames(&pend), cur_mask());
    out("sigsuspend with an empty mask:\n");
    sigset_t none;
    sigemptyset(&none);
    rep("  sigsuspend", sigsuspend(&none));
    sigpending(&pend);
    out("  delivered: %s; pending: %s; mask after: %s\n", order, setnames(&pend), cur_mask());

    out("unblock delivers before sigprocmask returns:\n");
    order[0] = 0;
    raise(SIGUSR1);
    note("raised");
    sigprocmask(SIG_UNBLOCK, &s, NULL);
    note("unblocked");
    out("  order: %s\n", order);

    /* Linux sets up a frame for every deliverable signal before returning to user mode, lowest
     * number first; the handler of the last frame runs first, so the order seen is reversed. */
    out("several pending at once; real-time signals queue in order:\n");
    order[0] = 0;
    sigset_t all;
    sigfillset(&all);
    sigprocmask(SIG_BLOCK, &all, &old);
    handle(SIGRTMIN, rec, 0, 0);
    handle(SIGRTMIN + 1, rec, 0, 0);
    raise(SIGRTMIN + 1);
    raise(SIGUSR2);
    raise(SIGRTMIN);
    raise(SIGRTMIN + 1);
    raise(SIGUSR1);
    raise(SIGUSR1); /* a standard signal does not queue */
    raise(SIGHUP);
    sigpending(&pend);
    out("  pending: %s\n", setnames(&pend));
    sigprocmask(SIG_SETMASK, &old, NULL);
    out("  order: %s\n", order);

    out("sa_mask holds a signal raised in the handler, others nest:\n");
    order[0] = 0;
    handle(SIGUSR1, masked_raiser, 0, SIGUSR2, 0);
    raise(SIGUSR1);
    out("  order: %s\n", order);

    out("the mask inside a handler:\n");
    handle(SIGUSR1, show_mask, 0, SIGTERM, 0);
    sigemptyset(&s);
    sigaddset(&s, SIGHUP);
    sigprocmask(SIG_BLOCK, &s, NULL);
    raise(SIGUSR1);
    out("  mask after: %s\n", cur_mask());
    sigprocmask(SIG_UNBLOCK, &s, NULL);
    order[0] = 0; /* SIGHUP was not pending */
    handle(SIGUSR1, show_mask, SA_NODEFER, 0);
    raise(SIGUSR1);

    out("SA_NODEFER: the handler interrupts itself:\n");
    handle(SIGUSR2, nodefer, SA_NODEFER, 0);
    raise(SIGUSR2);
    out("  max depth %d, calls %d\n", nodefer_max, nodefer_calls);
    nodefer_max = 0;
    nodefer_calls = 0;
    handle(SIGUSR2, nodefer, 0, 0);
    raise(SIGUSR2);
    out("  without SA_NODEFER: max depth %d, calls %d (each re-raise waits until the handler returns)\n", nodefer_max,
        nodefer_calls);

    out("SA_RESETHAND:\n");
    order[0] = 0;
    handle(SIGHUP, rec, SA_RESETHAND, 0);
    raise(SIGHUP);
    struct sigaction sa;
    sigaction(SIGHUP, NULL, &sa);
    out("  delivered %s; now SIG_DFL %d, SA_SIGINFO still set %d\n", order, sa.sa_handler == SIG_DFL,
        !!(sa.sa_flags & SA_SIGINFO));

    out("a handler that edits uc_sigmask:\n");
    order[0] = 0;
    handle(SIGUSR1, change_uc_mask, 0, 0);
    raise(SIGUSR1);
    out("  delivered %s; mask after: %s\n", order, cur_mask());
    raise(SIGTERM);
    out("  SIGTERM raised, delivered so far: %s\n", order);
    sigemptyset(&s);
    sigaddset(&s, SIGTERM);
    sigprocmask(SIG_UNBLOCK, &s, NULL);
    out("  after unblocking: %s\n", order);

    out("SIGKILL and SIGSTOP cannot be blocked:\n");
    sigfillset(&all);
    sigprocmask(SIG_SETMASK, &all, NULL);
    sigprocmask(SIG_SETMASK, NULL, &s);
    out("  SIGKILL %d SIGSTOP %d SIGUSR1 %d\n", sigismember(&s, SIGKILL), sigismember(&s, SIGSTOP), sigismember(&s, SIGUSR1));
    rep("sigprocmask(bad how)", sigprocmask(99, &all, NULL));
    out("done\n");
    return 0;
}
