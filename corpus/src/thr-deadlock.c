/* thr-deadlock: two threads take two mutexes in opposite orders, with a barrier in between so
 * that each holds its first mutex when it asks for the second: a certain deadlock. main then
 * waits in pthread_join. Natively this HANGS (it is not a golden case); under x64run every
 * thread ends up blocked in a futex that only another guest thread could release, and the run
 * ends with RunResult.deadlock (test/kernel/deadlock.test.ts).
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdint.h>
#include "sig-thr.h"

static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER, b = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t bar;

static void *one(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&a);
    pthread_barrier_wait(&bar);
    pthread_mutex_lock(&b);
    return NULL;
}

static void *two(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&b);
    pthread_barrier_wait(&bar);
    pthread_mutex_lock(&a);
    return NULL;
}

int main(void)
{
    pthread_t t1, t2;
    pthread_barrier_init(&bar, NULL, 2);
    out("starting two threads that lock a/b and b/a\n");
    pthread_create(&t1, NULL, one, NULL);
    pthread_create(&t2, NULL, two, NULL);
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);
    out("no deadlock?\n");
    return 1;
}
