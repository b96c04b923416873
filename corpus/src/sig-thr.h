/* sig-thr.h: helpers shared by the signal and thread corpus programs (sig-*.c, thr-*.c).
 *
 * out() formats into a stack buffer and write()s it at once: no stdio buffering, so the
 * order of lines is the order of the calls even across signal handlers, and lines printed
 * before the process is killed by a signal survive (natively and under x64run alike).
 * Handlers call it too (vsnprintf of integers and strings does not take locks in glibc or musl).
 * Threads never print while other threads run: results are collected and printed after join.
 */
#ifndef SIG_THR_H
#define SIG_THR_H

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

__attribute__((unused, format(printf, 1, 2))) static void out(const char *fmt, ...)
{
    char buf[512];
    int saved = errno;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n > (int)sizeof buf - 1) n = sizeof buf - 1;
    for (int off = 0; off < n;) {
        ssize_t w = write(1, buf + off, (size_t)(n - off));
        if (w <= 0) break;
        off += (int)w;
    }
    errno = saved;
}

__attribute__((unused)) static const char *ename(int e)
{
    switch (e) {
    case 0: return "OK";
    case EPERM: return "EPERM";
    case ESRCH: return "ESRCH";
    case EINTR: return "EINTR";
    case EAGAIN: return "EAGAIN";
    case ENOMEM: return "ENOMEM";
    case EFAULT: return "EFAULT";
    case EBUSY: return "EBUSY";
    case EINVAL: return "EINVAL";
    case EDEADLK: return "EDEADLK";
    case ETIMEDOUT: return "ETIMEDOUT";
    case ENOSYS: return "ENOSYS";
    case EPIPE: return "EPIPE";
    case EOWNERDEAD: return "EOWNERDEAD";
    case ENOTRECOVERABLE: return "ENOTRECOVERABLE";
    default: {
        static char b[16];
        snprintf(b, sizeof b, "E#%d", e);
        return b;
    }
    }
}

/* Prints "what = r" or "what = -1 ENAME" (errno-style calls). */
__attribute__((unused)) static long rep(const char *what, long r)
{
    if (r < 0) out("%s = -1 %s\n", what, ename(errno));
    else out("%s = %ld\n", what, r);
    return r;
}
/* Prints "what = ENAME" for calls that return an error number (pthread_*). */
__attribute__((unused)) static int prep(const char *what, int r)
{
    out("%s = %s\n", what, ename(r));
    return r;
}

/* Signal names that are the same in both libcs; real-time signals relative to SIGRTMIN. */
__attribute__((unused)) static const char *sname(int s)
{
    static char bufs[4][24];
    static int k;
    char *b = bufs[k++ & 3];
    switch (s) {
    case SIGHUP: return "SIGHUP";
    case SIGINT: return "SIGINT";
    case SIGQUIT: return "SIGQUIT";
    case SIGILL: return "SIGILL";
    case SIGTRAP: return "SIGTRAP";
    case SIGABRT: return "SIGABRT";
    case SIGBUS: return "SIGBUS";
    case SIGFPE: return "SIGFPE";
    case SIGKILL: return "SIGKILL";
    case SIGUSR1: return "SIGUSR1";
    case SIGSEGV: return "SIGSEGV";
    case SIGUSR2: return "SIGUSR2";
    case SIGPIPE: return "SIGPIPE";
    case SIGALRM: return "SIGALRM";
    case SIGTERM: return "SIGTERM";
    case SIGCHLD: return "SIGCHLD";
    case SIGCONT: return "SIGCONT";
    case SIGVTALRM: return "SIGVTALRM";
    case SIGPROF: return "SIGPROF";
    }
    if (s >= SIGRTMIN && s <= SIGRTMAX) snprintf(b, 24, "SIGRTMIN+%d", s - SIGRTMIN);
    else snprintf(b, 24, "signal %d", s);
    return b;
}

__attribute__((unused)) static const char *codename(int sig, int code)
{
    static char b[24];
    switch (code) {
    case SI_USER: return "SI_USER";
    case SI_KERNEL: return "SI_KERNEL";
    case SI_QUEUE: return "SI_QUEUE";
    case SI_TIMER: return "SI_TIMER";
    case SI_TKILL: return "SI_TKILL";
    case SI_MESGQ: return "SI_MESGQ";
    case SI_ASYNCIO: return "SI_ASYNCIO";
    }
    if (sig == SIGSEGV && code == SEGV_MAPERR) return "SEGV_MAPERR";
    if (sig == SIGSEGV && code == SEGV_ACCERR) return "SEGV_ACCERR";
    if (sig == SIGFPE && code == FPE_INTDIV) return "FPE_INTDIV";
    if (sig == SIGFPE && code == FPE_INTOVF) return "FPE_INTOVF";
    if (sig == SIGILL && code == ILL_ILLOPN) return "ILL_ILLOPN";
    if (sig == SIGILL && code == ILL_ILLOPC) return "ILL_ILLOPC";
    if (sig == SIGTRAP && code == TRAP_BRKPT) return "TRAP_BRKPT";
    if (sig == SIGBUS && code == BUS_ADRERR) return "BUS_ADRERR";
    snprintf(b, sizeof b, "code %d", code);
    return b;
}

/* sigaction with SA_SIGINFO and the given extra flags and blocked set (0-terminated list). */
__attribute__((unused)) static int handle(int sig, void (*fn)(int, siginfo_t *, void *), int flags, ...)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = fn;
    sa.sa_flags = SA_SIGINFO | flags;
    sigemptyset(&sa.sa_mask);
    va_list ap;
    va_start(ap, flags);
    for (int s; (s = va_arg(ap, int)) != 0;) sigaddset(&sa.sa_mask, s);
    va_end(ap);
    return sigaction(sig, &sa, NULL);
}

/* "SIGUSR1 SIGRTMIN+1 ..." for the members of a set among the first 64 signals. */
__attribute__((unused)) static const char *setnames(const sigset_t *set)
{
    static char bufs[3][400];
    static int k;
    char *b = bufs[k++ % 3];
    b[0] = 0;
    for (int s = 1; s < 65; s++) {
        if (s == 32 || s == 33 || (s > 33 && s < SIGRTMIN)) continue; /* libc-internal signals */
        if (sigismember(set, s) == 1) {
            if (b[0]) strcat(b, " ");
            strcat(b, sname(s));
        }
    }
    return b[0] ? b : "(none)";
}

#endif
