/* sig-restart: blocking calls interrupted by a signal handler.
 *
 *   A read on an empty pipe is interrupted by SIGALRM from a 20 ms interval timer. Without
 *   SA_RESTART the read fails with EINTR after the first signal. With SA_RESTART the kernel
 *   restarts it: the handler runs at every tick, and on the third one writes a byte into the
 *   pipe, which the restarted read then returns. The same for a write to a full pipe (the
 *   third handler drains it), for sem_wait/futex waits (restarted or EINTR), and for calls
 *   that are never restarted whatever the flag says (nanosleep, which reports the time left,
 *   sigsuspend/pause, poll, select, epoll_wait is left out). An ignored signal does not
 *   interrupt anything.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#ifndef FUTEX_WAIT_PRIVATE
#define FUTEX_WAIT_PRIVATE 128
#define FUTEX_WAKE_PRIVATE 129
#endif
#include "sig-thr.h"

static int pfd[2];
static volatile int ticks;
static volatile int action; /* what the third tick does: 1 write a byte, 2 drain the pipe, 3 wake the futex */
static volatile int futex_word;

static void stop_timer(void)
{
    struct itimerval z = { { 0, 0 }, { 0, 0 } };
    setitimer(ITIMER_REAL, &z, NULL);
}

static void tick(int sig, siginfo_t *si, void *ctx)
{
    (void)sig; (void)si; (void)ctx;
    if (++ticks < 3) return;
    stop_timer();
    if (action == 1) {
        char c = 'x';
        if (write(pfd[1], &c, 1) != 1) out("tick: write failed\n");
    } else if (action == 2) {
        char buf[4096];
        int fl = fcntl(pfd[0], F_GETFL);
        fcntl(pfd[0], F_SETFL, fl | O_NONBLOCK);
        while (read(pfd[0], buf, sizeof buf) > 0) {}
        fcntl(pfd[0], F_SETFL, fl);
    } else if (action == 3) {
        futex_word = 1;
        syscall(SYS_futex, &futex_word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
    }
}

static void start(int restart, int what)
{
    ticks = 0;
    action = what;
    handle(SIGALRM, tick, restart ? SA_RESTART : 0, 0);
    struct itimerval it = { { 0, 20000 }, { 0, 20000 } };
    setitimer(ITIMER_REAL, &it, NULL);
}

static void fill_pipe(void)
{
    int fl = fcntl(pfd[1], F_GETFL);
    fcntl(pfd[1], F_SETFL, fl | O_NONBLOCK);
    char buf[4096];
    memset(buf, 'f', sizeof buf);
    while (write(pfd[1], buf, sizeof buf) > 0) {}
    fcntl(pfd[1], F_SETFL, fl);
}

int main(void)
{
    char c;
    if (pipe(pfd)) return 1;
    for (int restart = 0; restart < 2; restart++) {
        const char *how = restart ? "SA_RESTART" : "no SA_RESTART";
        out("%s:\n", how);
        start(restart, 1);
        long r = read(pfd[0], &c, 1);
        int e = errno;
        stop_timer();
        out("  read: %ld %s, ticks %d\n", r, r < 0 ? ename(e) : "OK", ticks);
        /* empty the pipe for the next test */
        fcntl(pfd[0], F_SETFL, O_NONBLOCK);
        while (read(pfd[0], &c, 1) > 0) {}
        fcntl(pfd[0], F_SETFL, 0);

        fill_pipe();
        start(restart, 2);
        char big[100];
        memset(big, 'w', sizeof big);
        r = write(pfd[1], big, sizeof big);
        e = errno;
        stop_timer();
        out("  write to a full pipe: %ld %s, ticks %d\n", r, r < 0 ? ename(e) : "OK", ticks);
        fcntl(pfd[0], F_SETFL, O_NONBLOCK);
        while (read(pfd[0], big, sizeof big) > 0) {}
        fcntl(pfd[0], F_SETFL, 0);

        futex_word = 0;
        start(restart, 3);
        r = syscall(SYS_futex, &futex_word, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
        e = errno;
        stop_timer();
        /* FUTEX_WAIT is restarted only when a handler with SA_RESTART ran (ERESTARTSYS). */
        out("  futex wait: %ld %s, ticks %d, word %d\n", r, r < 0 ? ename(e) : "OK", ticks, futex_word);

        start(restart, 0);
        struct timespec req = { 5, 0 }, rem = { 0, 0 };
        r = nanosleep(&req, &rem);
        e = errno;
        stop_timer();
        out("  nanosleep(5s): %ld %s, ticks %d, rem in (4s, 5s] %d\n", r, r < 0 ? ename(e) : "OK", ticks,
            rem.tv_sec == 4 || (rem.tv_sec == 5 && rem.tv_nsec == 0));

        start(restart, 0);
        struct pollfd p = { .fd = pfd[0], .events = POLLIN };
        r = poll(&p, 1, 5000);
        e = errno;
        stop_timer();
        out("  poll(5s): %ld %s, ticks %d\n", r, r < 0 ? ename(e) : "OK", ticks);

        start(restart, 0);
        fd_set rf;
        FD_ZERO(&rf);
        FD_SET(pfd[0], &rf);
        struct timeval tv = { 5, 0 };
        r = select(pfd[0] + 1, &rf, NULL, NULL, &tv);
        e = errno;
        stop_timer();
        out("  select(5s): %ld %s, ticks %d\n", r, r < 0 ? ename(e) : "OK", ticks);

        start(restart, 0);
        r = pause();
        e = errno;
        stop_timer();
        out("  pause: %ld %s, ticks %d\n", r, r < 0 ? ename(e) : "OK", ticks);
    }

    out("ignored SIGALRM does not interrupt:\n");
    signal(SIGALRM, SIG_IGN);
    struct itimerval it = { { 0, 5000 }, { 0, 5000 } };
    setitimer(ITIMER_REAL, &it, NULL);
    struct timespec req = { 0, 60000000 };
    long r = nanosleep(&req, NULL);
    stop_timer();
    out("  nanosleep(60ms): %ld\n", r);
    out("done\n");
    return 0;
}
