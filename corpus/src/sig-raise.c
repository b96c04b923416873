/* sig-raise: signals a process sends itself. Mode = argv[1]:
 *
 *   raise     raise(), kill(getpid()), tgkill-style pthread_kill(self), sigqueue: the handler runs
 *             before the call returns; si_code and si_pid per sender; SIG_IGN discards; a default
 *             "ignore" signal (SIGCHLD, SIGURG, SIGWINCH) does nothing; signal() reports the old
 *             handler.
 *   abort     abort(): the process dies by SIGABRT (the golden records the signal).
 *   abort-handler  a SIGABRT handler that returns: abort() still kills with SIGABRT.
 *   abort-blocked  SIGABRT blocked and ignored: abort() still kills with SIGABRT.
 *   term      kill(getpid(), SIGTERM) with the default action: killed by SIGTERM.
 *   exit-handler   a handler calls _exit(7) from inside.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdlib.h>
#include "sig-thr.h"

static volatile int depth;

static void show(int sig, siginfo_t *si, void *ctx)
{
    (void)ctx;
    out("  handler: %s %s pid==self %d value %d depth %d\n", sname(sig), codename(sig, si->si_code),
        si->si_pid == getpid(), si->si_code == SI_QUEUE ? si->si_value.sival_int : -1, ++depth);
    depth--;
}

static void mode_raise(void)
{
    handle(SIGUSR1, show, 0, 0);
    out("raise:\n");
    rep("  raise", raise(SIGUSR1));
    out("kill(getpid()):\n");
    rep("  kill", kill(getpid(), SIGUSR1));
    out("pthread_kill(self):\n");
    prep("  pthread_kill", pthread_kill(pthread_self(), SIGUSR1));
    out("sigqueue:\n");
    union sigval v = { .sival_int = 1234 };
    rep("  sigqueue", sigqueue(getpid(), SIGUSR1, v));
    out("signal 0 checks only:\n");
    rep("  kill(getpid(), 0)", kill(getpid(), 0));
    rep("  kill(bad pid, 0)", kill(0x3fffffff, 0));
    rep("  kill(getpid(), 99)", kill(getpid(), 99));
    out("SIG_IGN:\n");
    signal(SIGUSR2, SIG_IGN);
    rep("  raise(SIGUSR2)", raise(SIGUSR2));
    out("default-ignored signals:\n");
    rep("  raise(SIGCHLD)", raise(SIGCHLD));
    rep("  raise(SIGURG)", raise(SIGURG));
    rep("  raise(SIGWINCH)", raise(SIGWINCH));
    out("signal() returns the previous handler:\n");
    void (*old)(int) = signal(SIGUSR2, SIG_DFL);
    out("  old == SIG_IGN %d\n", old == SIG_IGN);
    old = signal(SIGUSR2, SIG_DFL);
    out("  old == SIG_DFL %d\n", old == SIG_DFL);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_IGN;
    rep("sigaction(SIGKILL)", sigaction(SIGKILL, &sa, NULL));
    rep("sigaction(SIGSTOP)", sigaction(SIGSTOP, &sa, NULL));
    rep("sigaction(0)", sigaction(0, &sa, NULL));
    rep("sigaction(65)", sigaction(65, &sa, NULL));
    out("query SIGUSR1 without changing it:\n");
    struct sigaction cur;
    rep("  sigaction", sigaction(SIGUSR1, NULL, &cur));
    out("  handler==show %d SA_SIGINFO %d SA_RESTORER-free flags %#x\n", cur.sa_sigaction == show,
        !!(cur.sa_flags & SA_SIGINFO), (unsigned)cur.sa_flags & ~0x04000000u);
}

static void abort_ret(int sig, siginfo_t *si, void *ctx)
{
    (void)ctx;
    out("  handler: %s %s, returning\n", sname(sig), codename(sig, si->si_code));
}

static void exit_in(int sig, siginfo_t *si, void *ctx)
{
    (void)si; (void)ctx;
    out("  handler: %s, _exit(7)\n", sname(sig));
    _exit(7);
}

int main(int argc, char **argv)
{
    const char *m = argc > 1 ? argv[1] : "";
    if (!strcmp(m, "raise")) mode_raise();
    else if (!strncmp(m, "abort", 5)) {
        if (!strcmp(m, "abort-handler")) handle(SIGABRT, abort_ret, 0, 0);
        if (!strcmp(m, "abort-blocked")) {
            signal(SIGABRT, SIG_IGN);
            sigset_t s;
            sigemptyset(&s);
            sigaddset(&s, SIGABRT);
            sigprocmask(SIG_BLOCK, &s, NULL);
        }
        out("calling abort\n");
        abort();
    } else if (!strcmp(m, "term")) {
        out("kill(getpid(), SIGTERM)\n");
        kill(getpid(), SIGTERM);
        out("survived\n");
        return 1;
    } else if (!strcmp(m, "exit-handler")) {
        handle(SIGUSR2, exit_in, 0, 0);
        out("raise(SIGUSR2)\n");
        raise(SIGUSR2);
        out("survived\n");
        return 1;
    } else {
        out("usage: sig-raise raise|abort|abort-handler|abort-blocked|term|exit-handler\n");
        return 2;
    }
    out("done\n");
    return 0;
}
