/* thr-sync: synchronisation between threads, printed by the main thread after joins.
 *
 *   condvar    a bounded queue (8 slots) with 3 producers and 3 consumers on one mutex and two
 *              condition variables; every item is consumed once (sum and count checked);
 *              pthread_cond_broadcast releases all waiters of a "start" gate.
 *   barrier    5 threads x 20 rounds of pthread_barrier_wait: exactly one
 *              PTHREAD_BARRIER_SERIAL_THREAD per round, and nobody runs ahead a round.
 *   rwlock     4 readers and 2 writers: writers are exclusive (no reader inside while a writer
 *              is), readers overlap; tryrdlock/trywrlock results while held.
 *   sem        producer/consumer over POSIX semaphores (sem_wait/sem_post) through a ring of 4;
 *              sem_trywait EAGAIN, sem_getvalue, sem_timedwait ETIMEDOUT.
 *   timed      pthread_cond_timedwait and pthread_mutex_timedlock time out (ETIMEDOUT) with
 *              CLOCK_REALTIME deadlines; pthread_condattr_setclock(CLOCK_MONOTONIC) too.
 *   mutexes    trylock EBUSY; recursive mutex; error-checking mutex (EDEADLK, EPERM); a
 *              spinlock; atomics.
 *   robust/PI  a robust mutex whose owner thread exits while holding it: the next lock returns
 *              EOWNERDEAD (the kernel walks the dead thread's robust list); a priority-
 *              inheritance mutex (FUTEX_LOCK_PI/UNLOCK_PI) shared by three threads.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>
#include "sig-thr.h"

/* ------------------------------------------------------------------ condvar */
#define QN 8
#define PER_PRODUCER 1000
static pthread_mutex_t qm = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t not_full = PTHREAD_COND_INITIALIZER, not_empty = PTHREAD_COND_INITIALIZER;
static pthread_cond_t gate_cv = PTHREAD_COND_INITIALIZER;
static int gate_open, at_gate;
static int q[QN], qhead, qcount, producers_left;
static long consumed_sum[3], consumed_n[3];

static void gate(void)
{
    pthread_mutex_lock(&qm);
    at_gate++;
    while (!gate_open) pthread_cond_wait(&gate_cv, &qm);
    pthread_mutex_unlock(&qm);
}

static void *producer(void *arg)
{
    int id = (int)(intptr_t)arg;
    gate();
    for (int k = 1; k <= PER_PRODUCER; k++) {
        pthread_mutex_lock(&qm);
        while (qcount == QN) pthread_cond_wait(&not_full, &qm);
        q[(qhead + qcount++) % QN] = id * 100000 + k;
        pthread_cond_signal(&not_empty);
        pthread_mutex_unlock(&qm);
    }
    pthread_mutex_lock(&qm);
    if (--producers_left == 0) pthread_cond_broadcast(&not_empty);
    pthread_mutex_unlock(&qm);
    return NULL;
}

static void *consumer(void *arg)
{
    int id = (int)(intptr_t)arg;
    gate();
    for (;;) {
        pthread_mutex_lock(&qm);
        while (qcount == 0 && producers_left > 0) pthread_cond_wait(&not_empty, &qm);
        if (qcount == 0) {
            pthread_mutex_unlock(&qm);
            return NULL;
        }
        int v = q[qhead];
        qhead = (qhead + 1) % QN;
        qcount--;
        pthread_cond_signal(&not_full);
        pthread_mutex_unlock(&qm);
        consumed_sum[id] += v;
        consumed_n[id]++;
    }
}

static void test_condvar(void)
{
    pthread_t p[3], c[3];
    producers_left = 3;
    for (int i = 0; i < 3; i++) {
        pthread_create(&p[i], NULL, producer, (void *)(intptr_t)(i + 1));
        pthread_create(&c[i], NULL, consumer, (void *)(intptr_t)i);
    }
    /* Wait until all six wait at the gate, then open it with one broadcast. */
    for (;;) {
        pthread_mutex_lock(&qm);
        int n = at_gate;
        if (n == 6) {
            gate_open = 1;
            pthread_cond_broadcast(&gate_cv);
        }
        pthread_mutex_unlock(&qm);
        if (n == 6) break;
        sched_yield();
    }
    for (int i = 0; i < 3; i++) {
        pthread_join(p[i], NULL);
        pthread_join(c[i], NULL);
    }
    long sum = 0, n = 0;
    for (int i = 0; i < 3; i++) { sum += consumed_sum[i]; n += consumed_n[i]; }
    long expect = 0;
    for (int id = 1; id <= 3; id++)
        for (int k = 1; k <= PER_PRODUCER; k++) expect += id * 100000 + k;
    out("condvar: consumed %ld items (expected %d), sum ok %d, queue empty %d\n", n, 3 * PER_PRODUCER, sum == expect, qcount == 0);
}

/* ------------------------------------------------------------------ barrier */
#define BT 5
#define ROUNDS 20
static pthread_barrier_t bar;
static int round_of[BT];
static int serial_per_round[ROUNDS];
static int ahead_violation;

static void *barrier_worker(void *arg)
{
    int id = (int)(intptr_t)arg;
    for (int r = 0; r < ROUNDS; r++) {
        __atomic_store_n(&round_of[id], r, __ATOMIC_SEQ_CST);
        for (int j = 0; j < BT; j++) {
            int o = __atomic_load_n(&round_of[j], __ATOMIC_SEQ_CST);
            if (o < r - 1 || o > r + 1) __atomic_store_n(&ahead_violation, 1, __ATOMIC_SEQ_CST);
        }
        int s = pthread_barrier_wait(&bar);
        if (s == PTHREAD_BARRIER_SERIAL_THREAD) __atomic_add_fetch(&serial_per_round[r], 1, __ATOMIC_SEQ_CST);
        else if (s != 0) __atomic_store_n(&ahead_violation, 2, __ATOMIC_SEQ_CST);
    }
    return NULL;
}

static void test_barrier(void)
{
    pthread_t t[BT];
    pthread_barrier_init(&bar, NULL, BT);
    for (int i = 0; i < BT; i++) pthread_create(&t[i], NULL, barrier_worker, (void *)(intptr_t)i);
    for (int i = 0; i < BT; i++) pthread_join(t[i], NULL);
    int ok = 1;
    for (int r = 0; r < ROUNDS; r++) if (serial_per_round[r] != 1) ok = 0;
    out("barrier: %d rounds, one serial thread per round %d, lockstep %d\n", ROUNDS, ok, !ahead_violation);
    pthread_barrier_destroy(&bar);
}

/* ------------------------------------------------------------------ rwlock */
static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static int readers_in, writers_in, max_readers, rw_violation;
static long shared_val;

static void *rw_reader(void *arg)
{
    (void)arg;
    for (int k = 0; k < 1000; k++) {
        pthread_rwlock_rdlock(&rw);
        int n = __atomic_add_fetch(&readers_in, 1, __ATOMIC_SEQ_CST);
        if (__atomic_load_n(&writers_in, __ATOMIC_SEQ_CST)) rw_violation = 1;
        int m = __atomic_load_n(&max_readers, __ATOMIC_SEQ_CST);
        if (n > m) __atomic_store_n(&max_readers, n, __ATOMIC_SEQ_CST);
        volatile long v = shared_val;
        (void)v;
        if ((k & 63) == 0) sched_yield(); /* let others in while holding the read lock */
        __atomic_sub_fetch(&readers_in, 1, __ATOMIC_SEQ_CST);
        pthread_rwlock_unlock(&rw);
    }
    return NULL;
}

static void *rw_writer(void *arg)
{
    (void)arg;
    for (int k = 0; k < 300; k++) {
        pthread_rwlock_wrlock(&rw);
        if (__atomic_add_fetch(&writers_in, 1, __ATOMIC_SEQ_CST) != 1 || __atomic_load_n(&readers_in, __ATOMIC_SEQ_CST))
            rw_violation = 1;
        shared_val++;
        if ((k & 127) == 0) sched_yield();
        __atomic_sub_fetch(&writers_in, 1, __ATOMIC_SEQ_CST);
        pthread_rwlock_unlock(&rw);
    }
    return NULL;
}

static void test_rwlock(void)
{
    pthread_t r[4], w[2];
    for (int i = 0; i < 4; i++) pthread_create(&r[i], NULL, rw_reader, NULL);
    for (int i = 0; i < 2; i++) pthread_create(&w[i], NULL, rw_writer, NULL);
    for (int i = 0; i < 4; i++) pthread_join(r[i], NULL);
    for (int i = 0; i < 2; i++) pthread_join(w[i], NULL);
    out("rwlock: writes %ld, exclusive %d, readers overlapped %d\n", shared_val, !rw_violation, max_readers > 1);
    pthread_rwlock_rdlock(&rw);
    prep("  tryrdlock while read-locked", pthread_rwlock_tryrdlock(&rw));
    pthread_rwlock_unlock(&rw);
    prep("  trywrlock while read-locked", pthread_rwlock_trywrlock(&rw));
    pthread_rwlock_unlock(&rw);
    pthread_rwlock_wrlock(&rw);
    prep("  tryrdlock while write-locked", pthread_rwlock_tryrdlock(&rw));
    pthread_rwlock_unlock(&rw);
}

/* ------------------------------------------------------------------ semaphores */
#define RING 4
#define ITEMS 2000
static sem_t sem_free, sem_used;
static int ring[RING];
static long sem_sum;

static void *sem_producer(void *arg)
{
    (void)arg;
    for (int k = 1; k <= ITEMS; k++) {
        while (sem_wait(&sem_free) != 0) {}
        ring[k % RING] = k;
        sem_post(&sem_used);
    }
    return NULL;
}

static void *sem_consumer(void *arg)
{
    (void)arg;
    for (int k = 1; k <= ITEMS; k++) {
        while (sem_wait(&sem_used) != 0) {}
        sem_sum += ring[k % RING];
        sem_post(&sem_free);
    }
    return NULL;
}

static void deadline_in(struct timespec *ts, clockid_t c, long ms)
{
    clock_gettime(c, ts);
    ts->tv_sec += ms / 1000;
    ts->tv_nsec += ms % 1000 * 1000000;
    while (ts->tv_nsec >= 1000000000) { ts->tv_sec++; ts->tv_nsec -= 1000000000; }
    while (ts->tv_nsec < 0) { ts->tv_sec--; ts->tv_nsec += 1000000000; }
}

static void test_sem(void)
{
    sem_init(&sem_free, 0, RING);
    sem_init(&sem_used, 0, 0);
    pthread_t p, c;
    pthread_create(&c, NULL, sem_consumer, NULL);
    pthread_create(&p, NULL, sem_producer, NULL);
    pthread_join(p, NULL);
    pthread_join(c, NULL);
    int v1 = -1, v2 = -1;
    sem_getvalue(&sem_free, &v1);
    sem_getvalue(&sem_used, &v2);
    out("sem: sum %ld (expected %ld), free %d used %d\n", sem_sum, (long)ITEMS * (ITEMS + 1) / 2, v1, v2);
    rep("  sem_trywait(empty)", sem_trywait(&sem_used));
    struct timespec ts;
    deadline_in(&ts, CLOCK_REALTIME, 30);
    rep("  sem_timedwait(30ms)", sem_timedwait(&sem_used, &ts));
    sem_post(&sem_used);
    rep("  sem_trywait(1)", sem_trywait(&sem_used));
}

/* ------------------------------------------------------------------ timed waits */
static pthread_mutex_t held = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t tm_lock_m = PTHREAD_MUTEX_INITIALIZER;
static volatile int timedlock_result = -1;
static void *try_timedlock(void *arg)
{
    (void)arg;
    struct timespec ts;
    deadline_in(&ts, CLOCK_REALTIME, 30);
    timedlock_result = pthread_mutex_timedlock(&held, &ts);
    return NULL;
}

static void test_timed(void)
{
    pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
    pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
    struct timespec ts;
    pthread_mutex_lock(&m);
    deadline_in(&ts, CLOCK_REALTIME, 30);
    prep("cond_timedwait(30ms, REALTIME)", pthread_cond_timedwait(&cv, &m, &ts));
    pthread_mutex_unlock(&m);

    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_t cvm;
    pthread_cond_init(&cvm, &ca);
    pthread_mutex_lock(&m);
    deadline_in(&ts, CLOCK_MONOTONIC, 30);
    prep("cond_timedwait(30ms, MONOTONIC)", pthread_cond_timedwait(&cvm, &m, &ts));
    deadline_in(&ts, CLOCK_MONOTONIC, -1000);
    prep("cond_timedwait(deadline in the past)", pthread_cond_timedwait(&cvm, &m, &ts));
    pthread_mutex_unlock(&m);

    pthread_mutex_lock(&held);
    pthread_t t;
    pthread_create(&t, NULL, try_timedlock, NULL);
    pthread_join(t, NULL);
    pthread_mutex_unlock(&held);
    out("mutex_timedlock(30ms) on a held mutex = %s\n", ename(timedlock_result));
    (void)tm_lock_m;
}

/* ------------------------------------------------------------------ mutex kinds */
static pthread_spinlock_t spin;
static long spin_count;
static long atomic_count;
static void *spinner(void *arg)
{
    (void)arg;
    for (int k = 0; k < 5000; k++) {
        pthread_spin_lock(&spin);
        spin_count++;
        pthread_spin_unlock(&spin);
        __atomic_fetch_add(&atomic_count, 1, __ATOMIC_RELAXED);
    }
    return NULL;
}

static void test_mutexes(void)
{
    pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
    pthread_mutex_lock(&m);
    prep("trylock on a locked normal mutex", pthread_mutex_trylock(&m));
    pthread_mutex_unlock(&m);
    prep("trylock on an unlocked mutex", pthread_mutex_trylock(&m));
    pthread_mutex_unlock(&m);

    pthread_mutexattr_t a;
    pthread_mutexattr_init(&a);
    pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_t rm;
    pthread_mutex_init(&rm, &a);
    prep("recursive lock 1", pthread_mutex_lock(&rm));
    prep("recursive lock 2", pthread_mutex_lock(&rm));
    prep("recursive trylock 3", pthread_mutex_trylock(&rm));
    for (int i = 0; i < 3; i++) pthread_mutex_unlock(&rm);
    prep("recursive unlock when free", pthread_mutex_unlock(&rm));

    pthread_mutexattr_settype(&a, PTHREAD_MUTEX_ERRORCHECK);
    pthread_mutex_t em;
    pthread_mutex_init(&em, &a);
    prep("errorcheck lock", pthread_mutex_lock(&em));
    prep("errorcheck relock", pthread_mutex_lock(&em));
    prep("errorcheck unlock", pthread_mutex_unlock(&em));
    prep("errorcheck unlock again", pthread_mutex_unlock(&em));

    pthread_spin_init(&spin, PTHREAD_PROCESS_PRIVATE);
    pthread_t t[3];
    for (int i = 0; i < 3; i++) pthread_create(&t[i], NULL, spinner, NULL);
    for (int i = 0; i < 3; i++) pthread_join(t[i], NULL);
    out("spinlock count %ld, atomic count %ld\n", spin_count, atomic_count);
}

/* ------------------------------------------------------------------ robust and PI mutexes */
static pthread_mutex_t robust, pi;
static void *die_holding(void *arg)
{
    pthread_mutex_lock((pthread_mutex_t *)arg);
    return NULL; /* exits without unlocking */
}
static volatile int pi_inside, pi_overlap;
static long pi_count;
static void *pi_worker(void *arg)
{
    (void)arg;
    for (int k = 0; k < 500; k++) {
        pthread_mutex_lock(&pi);
        if (__atomic_add_fetch(&pi_inside, 1, __ATOMIC_SEQ_CST) != 1) pi_overlap = 1;
        pi_count++;
        if ((k & 31) == 0) sched_yield(); /* others block on the PI futex meanwhile */
        __atomic_sub_fetch(&pi_inside, 1, __ATOMIC_SEQ_CST);
        pthread_mutex_unlock(&pi);
    }
    return NULL;
}

static void test_robust_pi(void)
{
    pthread_mutexattr_t a;
    pthread_mutexattr_init(&a);
    pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
    pthread_mutex_init(&robust, &a);
    pthread_t t;
    pthread_create(&t, NULL, die_holding, &robust);
    pthread_join(t, NULL);
    prep("robust mutex whose owner died: lock", pthread_mutex_lock(&robust));
    prep("  pthread_mutex_consistent", pthread_mutex_consistent(&robust));
    prep("  unlock", pthread_mutex_unlock(&robust));
    prep("  lock again", pthread_mutex_lock(&robust));
    pthread_mutex_unlock(&robust);

    pthread_mutexattr_init(&a);
    int r = pthread_mutexattr_setprotocol(&a, PTHREAD_PRIO_INHERIT);
    pthread_mutex_init(&pi, &a);
    pthread_t w[3];
    for (int i = 0; i < 3; i++) pthread_create(&w[i], NULL, pi_worker, NULL);
    for (int i = 0; i < 3; i++) pthread_join(w[i], NULL);
    out("priority-inheritance mutex (setprotocol %s): count %ld, exclusive %d\n", ename(r), pi_count, !pi_overlap);
    pthread_mutex_lock(&pi);
    prep("  trylock while held", pthread_mutex_trylock(&pi));
    pthread_mutex_unlock(&pi);
}

int main(void)
{
    test_condvar();
    test_barrier();
    test_rwlock();
    test_sem();
    test_timed();
    test_mutexes();
    test_robust_pi();
    out("done\n");
    return 0;
}
