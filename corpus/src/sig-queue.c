/* sig-queue: queued signals and synchronous acceptance.
 *
 *   sigqueue carries a value (SI_QUEUE, si_pid, si_uid); with the signals blocked, three
 *   real-time signals queue in order with their values while a standard signal sent twice is
 *   pending once; sigtimedwait takes them (timeout 0 polls: EAGAIN when nothing is pending; a
 *   10 ms timeout expires with EAGAIN); sigwaitinfo returns the lowest pending signal first;
 *   sigwait; rt_sigqueueinfo refuses a positive si_code (EPERM) and accepts SI_QUEUE; a
 *   handler installed with SA_SIGINFO receives the queued value when the signal is unblocked;
 *   sigtimedwait is interrupted (EINTR) by a handled signal outside its set. glibc's wrappers
 *   report SI_TKILL (raise) as SI_USER.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include "sig-thr.h"

static char log_[512];
static void on_rt(int sig, siginfo_t *si, void *ctx)
{
    (void)ctx;
    char b[64];
    snprintf(b, sizeof b, "%s%s=%d", log_[0] ? " " : "", sname(sig), si->si_value.sival_int);
    strcat(log_, b);
}

static void show(const char *what, int s, siginfo_t *si)
{
    if (s < 0) {
        out("%s: -1 %s\n", what, ename(errno));
        return;
    }
    out("%s: %s %s value %d pid==self %d uid==getuid %d\n", what, sname(s), codename(s, si->si_code),
        si->si_code == SI_QUEUE ? si->si_value.sival_int : -1, si->si_pid == getpid(), si->si_uid == getuid());
}

static void alarm_handler(int sig, siginfo_t *si, void *ctx)
{
    (void)sig; (void)si; (void)ctx;
}

int main(void)
{
    sigset_t set, old;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigaddset(&set, SIGRTMIN);
    sigaddset(&set, SIGRTMIN + 2);
    sigprocmask(SIG_BLOCK, &set, &old);
    struct timespec zero = { 0, 0 }, ten = { 0, 10000000 };
    siginfo_t si;

    rep("sigtimedwait(nothing pending, 0)", sigtimedwait(&set, &si, &zero));
    rep("sigtimedwait(nothing pending, 10ms)", sigtimedwait(&set, &si, &ten));
    for (int v = 1; v <= 3; v++) rep("sigqueue(SIGRTMIN+2)", sigqueue(getpid(), SIGRTMIN + 2, (union sigval){ .sival_int = v * 10 }));
    rep("sigqueue(SIGRTMIN)", sigqueue(getpid(), SIGRTMIN, (union sigval){ .sival_int = 5 }));
    rep("sigqueue(SIGUSR1)", sigqueue(getpid(), SIGUSR1, (union sigval){ .sival_int = 100 }));
    rep("sigqueue(SIGUSR1) again", sigqueue(getpid(), SIGUSR1, (union sigval){ .sival_int = 200 }));
    sigset_t pend;
    sigpending(&pend);
    out("pending: %s\n", setnames(&pend));
    for (int k = 0; k < 6; k++) {
        int s = sigtimedwait(&set, &si, &zero);
        show("sigtimedwait", s, &si);
    }

    out("sigwaitinfo takes the lowest signal first:\n");
    raise(SIGRTMIN + 2);
    raise(SIGUSR1);
    int s = sigwaitinfo(&set, &si);
    show("  sigwaitinfo", s, &si);
    s = sigwaitinfo(&set, &si);
    show("  sigwaitinfo", s, &si);
    out("sigwait:\n");
    kill(getpid(), SIGRTMIN);
    int got = 0;
    int r = sigwait(&set, &got);
    out("  sigwait = %d, %s\n", r, sname(got));

    out("a NULL info pointer:\n");
    raise(SIGUSR1);
    rep("  sigtimedwait(NULL info)", sigtimedwait(&set, NULL, &zero) == SIGUSR1 ? 1 : -1);

    out("rt_sigqueueinfo:\n");
    siginfo_t qi;
    memset(&qi, 0, sizeof qi);
    qi.si_signo = SIGRTMIN;
    qi.si_code = SI_USER;
    qi.si_value.sival_int = 9;
    qi.si_pid = getpid();
    qi.si_uid = getuid();
    rep("  si_code SI_USER", syscall(SYS_rt_sigqueueinfo, getpid(), SIGRTMIN, &qi));
    qi.si_code = SI_QUEUE;
    rep("  si_code SI_QUEUE", syscall(SYS_rt_sigqueueinfo, getpid(), SIGRTMIN, &qi));
    s = sigtimedwait(&set, &si, &zero);
    show("  sigtimedwait", s, &si);

    out("queued values reach an SA_SIGINFO handler on unblock:\n");
    handle(SIGRTMIN + 2, on_rt, 0, 0);
    handle(SIGRTMIN, on_rt, 0, 0);
    for (int v = 1; v <= 3; v++) sigqueue(getpid(), SIGRTMIN + 2, (union sigval){ .sival_int = v });
    sigqueue(getpid(), SIGRTMIN, (union sigval){ .sival_int = 7 });
    sigprocmask(SIG_SETMASK, &old, NULL);
    out("  handled (last frame first): %s\n", log_);

    out("sigtimedwait interrupted by a handled signal outside its set:\n");
    sigprocmask(SIG_BLOCK, &set, NULL);
    handle(SIGALRM, alarm_handler, 0, 0);
    ualarm(20000, 0);
    /* glibc returns EINTR; musl's wrapper retries after EINTR and times out (EAGAIN). */
    struct timespec t200 = { 0, 200000000 };
    rep("  sigtimedwait(200ms)", sigtimedwait(&set, &si, &t200));
    out("done\n");
    return 0;
}
