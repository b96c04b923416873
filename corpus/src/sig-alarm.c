/* sig-alarm: timer signals. Mode = argv[1]:
 *
 *   alarm     alarm() return values (the seconds left on the previous alarm), alarm(0) cancels,
 *             then alarm(1) + pause(): SIGALRM (SI_KERNEL) ends pause with EINTR.
 *   itimer    setitimer(ITIMER_REAL) with a 20 ms interval: five SIGALRMs counted with
 *             sigsuspend, getitimer (interval read back, value in range), then disarmed; an
 *             ITIMER_VIRTUAL one-shot fires during a busy loop (SIGVTALRM).
 *   posix     timer_create (SIGEV_SIGNAL with SIGRTMIN and a sigev_value), timer_settime
 *             periodic, SI_TIMER and si_value in the handler, timer_gettime, timer_delete; a
 *             SIGEV_NONE timer that expires without a signal; sigwaitinfo on a timer signal.
 *   default   alarm(1) with SIGALRM at its default action: the process dies by SIGALRM.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdlib.h>
#include <sys/time.h>
#include <time.h>
#include "sig-thr.h"

static volatile int count;
static volatile int last_code, last_value, last_signo;

static void on_sig(int sig, siginfo_t *si, void *ctx)
{
    (void)ctx;
    count++;
    last_signo = sig;
    last_code = si->si_code;
    last_value = si->si_code == SI_TIMER ? si->si_value.sival_int : -1;
}

static void mode_alarm(void)
{
    handle(SIGALRM, on_sig, 0, 0);
    rep("alarm(5)", alarm(5));
    rep("alarm(3) returns the previous", alarm(3));
    rep("alarm(0) cancels, returns", alarm(0));
    rep("alarm(0) again", alarm(0));
    rep("alarm(1)", alarm(1));
    rep("pause", pause());
    out("count %d signo %s code %s\n", count, sname(last_signo), codename(last_signo, last_code));
    rep("alarm(0) after it fired", alarm(0));
}

static void mode_itimer(void)
{
    handle(SIGALRM, on_sig, 0, 0);
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGALRM);
    sigprocmask(SIG_BLOCK, &block, &old);
    struct itimerval it = { .it_interval = { 0, 20000 }, .it_value = { 0, 20000 } };
    rep("setitimer(ITIMER_REAL, 20ms)", setitimer(ITIMER_REAL, &it, NULL));
    struct itimerval cur;
    rep("getitimer", getitimer(ITIMER_REAL, &cur));
    out("  interval %ld.%06ld, value in (0, 20ms] %d\n", (long)cur.it_interval.tv_sec, (long)cur.it_interval.tv_usec,
        (cur.it_value.tv_sec == 0 && cur.it_value.tv_usec > 0 && cur.it_value.tv_usec <= 20000));
    sigset_t wait;
    sigemptyset(&wait);
    while (count < 5) {
        int r = sigsuspend(&wait);
        if (r != -1 || errno != EINTR) out("sigsuspend: unexpected %d %s\n", r, ename(errno));
    }
    struct itimerval zero = { { 0, 0 }, { 0, 0 } };
    rep("setitimer(ITIMER_REAL, 0) disarms", setitimer(ITIMER_REAL, &zero, &cur));
    out("  old interval %ld.%06ld\n", (long)cur.it_interval.tv_sec, (long)cur.it_interval.tv_usec);
    rep("getitimer", getitimer(ITIMER_REAL, &cur));
    out("  value %ld.%06ld interval %ld.%06ld\n", (long)cur.it_value.tv_sec, (long)cur.it_value.tv_usec,
        (long)cur.it_interval.tv_sec, (long)cur.it_interval.tv_usec);
    sigprocmask(SIG_SETMASK, &old, NULL);
    out("SIGALRMs: %d (%s)\n", count, codename(SIGALRM, last_code));
    rep("setitimer(3) invalid", setitimer(3, &zero, NULL));
    struct itimerval bad = { { 0, 0 }, { 0, 1000000 } };
    rep("setitimer usec 1000000", setitimer(ITIMER_REAL, &bad, NULL));

    /* ITIMER_VIRTUAL counts the process's user CPU time: burn CPU until it fires. */
    count = 0;
    handle(SIGVTALRM, on_sig, 0, 0);
    struct itimerval v = { .it_interval = { 0, 0 }, .it_value = { 0, 10000 } };
    rep("setitimer(ITIMER_VIRTUAL, 10ms)", setitimer(ITIMER_VIRTUAL, &v, NULL));
    volatile unsigned long spin = 0;
    while (count == 0) spin++;
    out("SIGVTALRM: %d (%s) after spinning\n", count, sname(last_signo));
}

static void mode_posix(void)
{
    handle(SIGRTMIN, on_sig, 0, 0);
    timer_t tid;
    struct sigevent sev;
    memset(&sev, 0, sizeof sev);
    sev.sigev_notify = SIGEV_SIGNAL;
    sev.sigev_signo = SIGRTMIN;
    sev.sigev_value.sival_int = 4242;
    rep("timer_create(CLOCK_MONOTONIC, SIGRTMIN)", timer_create(CLOCK_MONOTONIC, &sev, &tid));
    struct itimerspec its = { .it_interval = { 0, 15000000 }, .it_value = { 0, 15000000 } };
    rep("timer_settime(15ms periodic)", timer_settime(tid, 0, &its, NULL));
    struct itimerspec cur;
    rep("timer_gettime", timer_gettime(tid, &cur));
    out("  interval %ld.%09ld, value in (0, 15ms] %d\n", (long)cur.it_interval.tv_sec, cur.it_interval.tv_nsec,
        cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec > 0 && cur.it_value.tv_nsec <= 15000000);
    while (count < 3) pause();
    struct itimerspec zero = { { 0, 0 }, { 0, 0 } };
    rep("timer_settime(0) disarms", timer_settime(tid, 0, &zero, NULL));
    out("signals %d: %s %s value %d\n", count, sname(last_signo), codename(last_signo, last_code), last_value);
    rep("timer_delete", timer_delete(tid));
    /* musl returns -EINVAL without setting errno here; glibc returns -1 with errno EINVAL. */
    out("timer_delete again: %s\n", timer_delete(tid) == 0 ? "0" : "fails");

    /* SIGEV_NONE: the timer runs and expires, observable only through timer_gettime. */
    sev.sigev_notify = SIGEV_NONE;
    rep("timer_create(CLOCK_REALTIME, SIGEV_NONE)", timer_create(CLOCK_REALTIME, &sev, &tid));
    struct itimerspec once = { .it_interval = { 0, 0 }, .it_value = { 0, 5000000 } };
    rep("timer_settime(5ms)", timer_settime(tid, 0, &once, NULL));
    struct timespec ts = { 0, 20000000 };
    nanosleep(&ts, NULL);
    rep("timer_gettime", timer_gettime(tid, &cur));
    out("  expired: value %ld.%09ld\n", (long)cur.it_value.tv_sec, cur.it_value.tv_nsec);
    timer_delete(tid);

    /* A blocked timer signal taken with sigwaitinfo; absolute expiry with TIMER_ABSTIME. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGRTMIN + 1);
    sigprocmask(SIG_BLOCK, &set, NULL);
    sev.sigev_notify = SIGEV_SIGNAL;
    sev.sigev_signo = SIGRTMIN + 1;
    sev.sigev_value.sival_int = 77;
    rep("timer_create(CLOCK_MONOTONIC, SIGRTMIN+1)", timer_create(CLOCK_MONOTONIC, &sev, &tid));
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    now.tv_nsec += 10000000;
    if (now.tv_nsec >= 1000000000) { now.tv_sec++; now.tv_nsec -= 1000000000; }
    struct itimerspec abs = { .it_interval = { 0, 0 }, .it_value = now };
    rep("timer_settime(TIMER_ABSTIME, now + 10ms)", timer_settime(tid, TIMER_ABSTIME, &abs, NULL));
    siginfo_t si;
    int s = sigwaitinfo(&set, &si);
    out("sigwaitinfo: %s %s value %d overrun %d\n", sname(s), codename(s, si.si_code), si.si_value.sival_int,
        timer_getoverrun(tid));
    timer_delete(tid);
    rep("timer_create(bad clock)", timer_create(12345, &sev, &tid));
}

int main(int argc, char **argv)
{
    const char *m = argc > 1 ? argv[1] : "";
    if (!strcmp(m, "alarm")) mode_alarm();
    else if (!strcmp(m, "itimer")) mode_itimer();
    else if (!strcmp(m, "posix")) mode_posix();
    else if (!strcmp(m, "default")) {
        out("alarm(1), then pause\n");
        alarm(1);
        pause();
        out("survived\n");
        return 1;
    } else {
        out("usage: sig-alarm alarm|itimer|posix|default\n");
        return 2;
    }
    out("done\n");
    return 0;
}
