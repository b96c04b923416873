/* thr-signal: signals in a multi-threaded process. Mode = argv[1]:
 *
 *   direct    pthread_kill to a thread blocked in pthread_cond_wait runs the handler on that
 *             thread, which then keeps waiting until the condition is signalled; a read on an
 *             empty pipe in another thread fails with EINTR (no SA_RESTART) or completes after
 *             the signal (SA_RESTART); sem_wait interrupted returns EINTR; a process-directed
 *             signal (kill) blocked by every thread but one is taken by that one (sigwait);
 *             a SIGSEGV in a worker runs the handler on the worker, which siglongjmps.
 *   cancel    pthread_cancel of threads blocked in read(), pthread_cond_wait and nanosleep
 *             (deferred cancellation: the cleanup handlers run, join returns PTHREAD_CANCELED);
 *             asynchronous cancellation of a busy loop; a thread that disables cancellation.
 *   setxid    setuid/setgid to the current ids while other threads block (glibc broadcasts an
 *             internal signal to every thread for these).
 *   exit      exit(3) from main while other threads block in a futex, a pipe read and a sleep:
 *             the process ends with status 3 at once.
 *   thread-exit  a worker calls exit(4) while main waits in pthread_join.
 *   main-exit  main calls pthread_exit; the last worker ends the process with status 0.
 *   thread-segv  an unhandled SIGSEGV in a worker kills the whole process.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include "sig-thr.h"

static int gettid_(void) { return (int)syscall(SYS_gettid); }

static volatile int handler_tid, handler_calls;
static void on_usr1(int sig, siginfo_t *si, void *ctx)
{
    (void)sig; (void)si; (void)ctx;
    handler_tid = gettid_();
    handler_calls++;
}

/* Spin (yielding) until *flag becomes nonzero. */
static void await_flag(volatile int *flag)
{
    while (!__atomic_load_n(flag, __ATOMIC_SEQ_CST)) sched_yield();
}
/* Give a thread that announced it is about to block time to really block. */
static void settle(void)
{
    struct timespec ts = { 0, 30000000 };
    nanosleep(&ts, NULL);
}

/* ---------------------------------------------------------------- direct */
static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int go;
static volatile int waiter_tid, waiter_ready;
static int waiter_wakeups;

static void *cond_waiter(void *arg)
{
    (void)arg;
    waiter_tid = gettid_();
    pthread_mutex_lock(&m);
    waiter_ready = 1;
    while (!go) {
        pthread_cond_wait(&cv, &m);
        waiter_wakeups++;
    }
    pthread_mutex_unlock(&m);
    return NULL;
}

static int pfd[2];
static volatile int reader_ready, reader_tid;
static void *pipe_reader(void *arg)
{
    (void)arg;
    char c;
    reader_tid = gettid_();
    reader_ready = 1;
    long r = read(pfd[0], &c, 1);
    return (void *)(r < 0 ? (intptr_t)-errno : (intptr_t)r);
}

static sem_t sem;
static volatile int sem_ready;
static void *sem_waiter(void *arg)
{
    (void)arg;
    sem_ready = 1;
    int r = sem_wait(&sem);
    return (void *)(intptr_t)(r < 0 ? -errno : r);
}

static volatile int sigwait_ready;
static void *sig_waiter(void *arg)
{
    (void)arg;
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGUSR2);
    sigwait_ready = 1;
    int got = 0;
    sigwait(&s, &got);
    return (void *)(intptr_t)got;
}

static __thread sigjmp_buf tjb;
static volatile int segv_tid;
static void on_segv(int sig, siginfo_t *si, void *ctx)
{
    (void)sig; (void)si; (void)ctx;
    segv_tid = gettid_();
    siglongjmp(tjb, 1);
}
static void *segv_thread(void *arg)
{
    (void)arg;
    int me = gettid_();
    if (sigsetjmp(tjb, 1) == 0) {
        volatile int *volatile bad = (volatile int *)8;
        *bad = 1;
        return (void *)0;
    }
    return (void *)(intptr_t)(segv_tid == me ? 1 : 2);
}

static void mode_direct(void)
{
    handle(SIGUSR1, on_usr1, 0, 0);
    pthread_t t;
    pthread_create(&t, NULL, cond_waiter, NULL);
    await_flag(&waiter_ready);
    pthread_mutex_lock(&m); /* the waiter is inside pthread_cond_wait once we get the mutex */
    pthread_mutex_unlock(&m);
    settle();
    prep("pthread_kill(cond waiter, SIGUSR1)", pthread_kill(t, SIGUSR1));
    while (!handler_calls) sched_yield();
    out("  handler ran on the waiter %d\n", handler_tid == waiter_tid);
    settle();
    pthread_mutex_lock(&m);
    go = 1;
    pthread_cond_signal(&cv);
    pthread_mutex_unlock(&m);
    pthread_join(t, NULL);
    out("  waiter finished after the condition, wakeups counted >= 1: %d\n", waiter_wakeups >= 1);

    if (pipe(pfd)) return;
    for (int restart = 0; restart < 2; restart++) {
        handle(SIGUSR1, on_usr1, restart ? SA_RESTART : 0, 0);
        handler_calls = 0;
        reader_ready = 0;
        pthread_create(&t, NULL, pipe_reader, NULL);
        await_flag(&reader_ready);
        settle();
        pthread_kill(t, SIGUSR1);
        while (!handler_calls) sched_yield();
        settle();
        if (restart) {
            if (write(pfd[1], "z", 1) != 1) out("write failed\n");
        }
        void *ret;
        pthread_join(t, &ret);
        long r = (long)(intptr_t)ret;
        out("read in a thread, pthread_kill %s: %s, handler on the reader %d\n", restart ? "with SA_RESTART" : "without SA_RESTART",
            r < 0 ? ename((int)-r) : "1 byte", handler_tid == reader_tid);
    }

    sem_init(&sem, 0, 0);
    handle(SIGUSR1, on_usr1, SA_RESTART, 0);
    pthread_create(&t, NULL, sem_waiter, NULL);
    await_flag(&sem_ready);
    settle();
    handler_calls = 0;
    pthread_kill(t, SIGUSR1);
    while (!handler_calls) sched_yield();
    settle();
    sem_post(&sem); /* in case sem_wait went back to sleep */
    void *ret;
    pthread_join(t, &ret);
    out("sem_wait interrupted (SA_RESTART): %s\n", (intptr_t)ret < 0 ? ename((int)-(intptr_t)ret) : "0");

    /* Block SIGUSR2 here (threads created afterwards inherit the mask); only the sigwait thread takes it. */
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGUSR2);
    pthread_sigmask(SIG_BLOCK, &s, NULL);
    pthread_create(&t, NULL, sig_waiter, NULL);
    await_flag(&sigwait_ready);
    settle();
    rep("kill(getpid(), SIGUSR2)", kill(getpid(), SIGUSR2));
    pthread_join(t, &ret);
    out("  sigwait in the worker got %s\n", sname((int)(intptr_t)ret));

    handle(SIGSEGV, on_segv, 0, 0);
    pthread_create(&t, NULL, segv_thread, NULL);
    pthread_join(t, &ret);
    out("SIGSEGV in a worker: handled on the worker %d\n", (int)(intptr_t)ret == 1);
}

/* ---------------------------------------------------------------- cancel */
static int cleanups[4];
static void cleanup(void *arg)
{
    int i = (int)(intptr_t)arg;
    cleanups[i]++;
    if (i == 1) pthread_mutex_unlock(&m); /* pthread_cond_wait re-acquired it */
}

static volatile int c_ready[4];
static void *cancel_read(void *arg)
{
    (void)arg;
    char c;
    pthread_cleanup_push(cleanup, (void *)0);
    c_ready[0] = 1;
    if (read(pfd[0], &c, 1) < 0) cleanups[0] += 100;
    pthread_cleanup_pop(0);
    return (void *)1;
}

static void *cancel_cond(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&m);
    pthread_cleanup_push(cleanup, (void *)1);
    c_ready[1] = 1;
    for (;;) pthread_cond_wait(&cv, &m);
    pthread_cleanup_pop(0);
    return (void *)1;
}

static void *cancel_sleep(void *arg)
{
    (void)arg;
    pthread_cleanup_push(cleanup, (void *)2);
    c_ready[2] = 1;
    struct timespec ts = { 100, 0 };
    nanosleep(&ts, NULL);
    pthread_cleanup_pop(0);
    return (void *)1;
}

static volatile unsigned long spins;
static void *cancel_async(void *arg)
{
    (void)arg;
    pthread_setcanceltype(PTHREAD_CANCEL_ASYNCHRONOUS, NULL);
    c_ready[3] = 1;
    for (;;) spins++;
    return (void *)1;
}

static volatile int nocancel_ready;
static void *no_cancel(void *arg)
{
    (void)arg;
    int old;
    pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &old);
    nocancel_ready = 1;
    struct timespec ts = { 0, 100000000 };
    nanosleep(&ts, NULL);
    pthread_setcancelstate(PTHREAD_CANCEL_ENABLE, &old);
    pthread_testcancel();
    return (void *)2;
}

static void mode_cancel(void)
{
    if (pipe(pfd)) return;
    void *(*fns[4])(void *) = { cancel_read, cancel_cond, cancel_sleep, cancel_async };
    const char *names[4] = { "read", "pthread_cond_wait", "nanosleep", "asynchronous busy loop" };
    for (int i = 0; i < 4; i++) {
        pthread_t t;
        pthread_create(&t, NULL, fns[i], NULL);
        await_flag(&c_ready[i]);
        settle();
        int r = pthread_cancel(t);
        void *ret;
        int j = pthread_join(t, &ret);
        out("cancel in %s: cancel %s, join %s, canceled %d, cleanup ran %d\n", names[i], ename(r), ename(j),
            ret == PTHREAD_CANCELED, i < 3 ? cleanups[i] : -1);
    }
    pthread_t t;
    pthread_create(&t, NULL, no_cancel, NULL);
    await_flag(&nocancel_ready);
    pthread_cancel(t);
    void *ret;
    pthread_join(t, &ret);
    out("cancel with cancellation disabled, acted on at pthread_testcancel: canceled %d\n", ret == PTHREAD_CANCELED);
    /* The mutex the cond_wait cleanup released is free again. */
    prep("trylock the condvar mutex", pthread_mutex_trylock(&m));
    pthread_mutex_unlock(&m);
}

/* ---------------------------------------------------------------- setxid, exit */
static volatile int blockers_ready;
static void *block_cond(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&m);
    __atomic_add_fetch(&blockers_ready, 1, __ATOMIC_SEQ_CST);
    while (!go) pthread_cond_wait(&cv, &m);
    pthread_mutex_unlock(&m);
    return (void *)1;
}
static void *block_read(void *arg)
{
    (void)arg;
    char c;
    __atomic_add_fetch(&blockers_ready, 1, __ATOMIC_SEQ_CST);
    long r = read(pfd[0], &c, 1);
    return (void *)(intptr_t)r;
}
static void *block_sleep(void *arg)
{
    long ms = (long)(intptr_t)arg;
    __atomic_add_fetch(&blockers_ready, 1, __ATOMIC_SEQ_CST);
    struct timespec ts = { ms / 1000, ms % 1000 * 1000000 };
    while (nanosleep(&ts, &ts) < 0) {}
    return (void *)3;
}

static pthread_t start_blockers(long sleep_ms)
{
    if (pipe(pfd)) _exit(9);
    pthread_t t[3];
    pthread_create(&t[0], NULL, block_cond, NULL);
    pthread_create(&t[1], NULL, block_read, NULL);
    pthread_create(&t[2], NULL, block_sleep, (void *)(intptr_t)sleep_ms);
    while (__atomic_load_n(&blockers_ready, __ATOMIC_SEQ_CST) < 3) sched_yield();
    settle();
    return t[0];
}

static void mode_setxid(void)
{
    start_blockers(300);
    rep("setgid(getgid())", setgid(getgid()));
    rep("setuid(getuid())", setuid(getuid()));
    rep("setresuid(-1, -1, -1)", setresuid(-1, -1, -1));
    pthread_mutex_lock(&m);
    go = 1;
    pthread_cond_broadcast(&cv);
    pthread_mutex_unlock(&m);
    if (write(pfd[1], "q", 1) != 1) out("write failed\n");
    out("threads released\n");
}

static void *exit_worker(void *arg)
{
    (void)arg;
    settle();
    out("worker: exit(4)\n");
    exit(4);
}

static void *last_worker(void *arg)
{
    (void)arg;
    struct timespec ts = { 0, 50000000 };
    nanosleep(&ts, NULL);
    out("last worker: main has exited, returning\n");
    return NULL;
}

static void *segv_worker(void *arg)
{
    (void)arg;
    out("worker: storing to NULL\n");
    volatile int *volatile bad = NULL;
    *bad = 1;
    return NULL;
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "";
    if (!strcmp(mode, "direct")) mode_direct();
    else if (!strcmp(mode, "cancel")) mode_cancel();
    else if (!strcmp(mode, "setxid")) mode_setxid();
    else if (!strcmp(mode, "exit")) {
        start_blockers(100000);
        out("main: exit(3) with three blocked threads\n");
        exit(3);
    } else if (!strcmp(mode, "thread-exit")) {
        pthread_t t;
        pthread_create(&t, NULL, exit_worker, NULL);
        pthread_join(t, NULL);
        out("join returned\n");
        return 1;
    } else if (!strcmp(mode, "main-exit")) {
        pthread_t t;
        pthread_create(&t, NULL, last_worker, NULL);
        out("main: pthread_exit\n");
        pthread_exit(NULL);
    } else if (!strcmp(mode, "thread-segv")) {
        pthread_t t;
        pthread_create(&t, NULL, segv_worker, NULL);
        pthread_join(t, NULL);
        out("join returned\n");
        return 1;
    } else {
        out("usage: thr-signal direct|cancel|setxid|exit|thread-exit|main-exit|thread-segv\n");
        return 2;
    }
    out("done\n");
    return 0;
}
