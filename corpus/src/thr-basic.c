/* thr-basic: pthreads basics. Everything is printed by the main thread after pthread_join,
 * so the output does not depend on the interleaving.
 *
 *   8 threads add to a shared counter under a mutex (100000 increments each) and return
 *   i*i + 1 through pthread_join; __thread variables (an initialised one and a zero one) are
 *   per thread and the main thread's stay untouched; thread-specific data with destructors
 *   (pthread_key_create) run at thread exit with the thread's value, including one that sets
 *   the value again (a second destructor round); pthread_exit from a nested call; pthread_once
 *   runs once; detached threads finish (counted with an atomic and a semaphore-free spin on
 *   sched_yield); gettid values are distinct and differ from the process id; a thread with a
 *   small explicit stack (pthread_attr_setstacksize) recurses on it.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include "sig-thr.h"

#define N 8
#define ITER 20000

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static long counter;
static __thread int tls_init = 42;
static __thread long tls_zero;
static int tids[N + 1];
static int tls_seen[N][2];

static pthread_key_t key, key2;
static int dtor_seen[N];
static int dtor_rounds[N];
static pthread_once_t once = PTHREAD_ONCE_INIT;
static int once_runs;

static void once_fn(void)
{
    once_runs++;
}

static void dtor(void *v)
{
    int i = (int)(intptr_t)v - 1;
    pthread_mutex_lock(&mu);
    dtor_seen[i]++;
    pthread_mutex_unlock(&mu);
}

/* Sets its value again on the first call: POSIX runs the destructors again (up to
 * PTHREAD_DESTRUCTOR_ITERATIONS). */
static void dtor2(void *v)
{
    int i = (int)(intptr_t)v - 1;
    pthread_mutex_lock(&mu);
    int round = ++dtor_rounds[i];
    pthread_mutex_unlock(&mu);
    if (round == 1) pthread_setspecific(key2, v);
}

__attribute__((noinline)) static void leave(long v)
{
    pthread_exit((void *)v);
}

static void *worker(void *arg)
{
    int i = (int)(intptr_t)arg;
    tids[i] = (int)syscall(SYS_gettid);
    pthread_once(&once, once_fn);
    for (int k = 0; k < ITER; k++) {
        pthread_mutex_lock(&mu);
        counter++;
        pthread_mutex_unlock(&mu);
        tls_init++;
        tls_zero += 2;
        if ((k & 4095) == 0) sched_yield();
    }
    tls_seen[i][0] = tls_init; /* 42 + ITER */
    tls_seen[i][1] = (int)tls_zero; /* 2 * ITER */
    pthread_setspecific(key, (void *)(intptr_t)(i + 1));
    pthread_setspecific(key2, (void *)(intptr_t)(i + 1));
    if (i % 2) leave((long)i * i + 1);
    return (void *)((long)i * i + 1);
}

static volatile int detached_done;
static void *detached(void *arg)
{
    (void)arg;
    __atomic_add_fetch(&detached_done, 1, __ATOMIC_SEQ_CST);
    return NULL;
}

static int depth_reached;
__attribute__((noinline)) static int deep(int n)
{
    volatile char pad[512];
    pad[0] = (char)n;
    if (n == 0) return pad[0];
    return deep(n - 1) + pad[0];
}
static void *small_stack(void *arg)
{
    (void)arg;
    depth_reached = deep(100) >= 0 ? 100 : -1; /* about 60 KiB of a 256 KiB stack */
    return NULL;
}

int main(void)
{
    pthread_t th[N];
    pthread_key_create(&key, dtor);
    pthread_key_create(&key2, dtor2);
    tids[N] = (int)syscall(SYS_gettid);
    for (int i = 0; i < N; i++) {
        int r = pthread_create(&th[i], NULL, worker, (void *)(intptr_t)i);
        if (r) out("pthread_create %d: %s\n", i, ename(r));
    }
    long sum = 0;
    for (int i = 0; i < N; i++) {
        void *ret;
        int r = pthread_join(th[i], &ret);
        out("join %d: %s, returned %ld\n", i, ename(r), (long)ret);
        sum += (long)ret;
    }
    out("counter %ld (expected %d), sum of returns %ld\n", counter, N * ITER, sum);
    for (int i = 0; i < N; i++)
        out("thread %d: tls %d %d, key destructor calls %d, key2 destructor rounds %d\n", i, tls_seen[i][0], tls_seen[i][1], dtor_seen[i],
            dtor_rounds[i]);
    out("main: tls_init %d tls_zero %ld, pthread_getspecific NULL %d\n", tls_init, tls_zero, pthread_getspecific(key) == NULL);
    out("pthread_once ran %d time(s)\n", once_runs);
    int distinct = 1;
    for (int i = 0; i <= N; i++)
        for (int j = i + 1; j <= N; j++)
            if (tids[i] == tids[j]) distinct = 0;
    out("tids distinct %d, main tid == pid %d, worker tid != pid %d\n", distinct, tids[N] == getpid(), tids[0] != getpid());

    pthread_attr_t at;
    pthread_attr_init(&at);
    pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
    for (int i = 0; i < 4; i++) {
        pthread_t d;
        pthread_create(&d, &at, detached, NULL);
    }
    while (__atomic_load_n(&detached_done, __ATOMIC_SEQ_CST) < 4) sched_yield();
    out("detached threads done: %d\n", detached_done);
    pthread_attr_destroy(&at);

    pthread_attr_init(&at);
    prep("pthread_attr_setstacksize(256K)", pthread_attr_setstacksize(&at, 256 * 1024));
    pthread_t s;
    pthread_create(&s, &at, small_stack, NULL);
    pthread_join(s, NULL);
    size_t ss = 0;
    pthread_attr_getstacksize(&at, &ss);
    out("small stack thread recursed %d deep, stacksize %zu\n", depth_reached, ss);
    pthread_attr_destroy(&at);

    pthread_key_delete(key);
    pthread_key_delete(key2);
    out("done\n");
    return 0;
}
