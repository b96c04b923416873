/* vdso-entropy: prints the raw values a program sees from every source of time and randomness:
 * clock_gettime (vDSO), gettimeofday, time, rdtsc, getrandom, AT_RANDOM, /dev/urandom, getpid.
 *
 * Natively the output differs on every run (so it has no golden case). Under x64run with
 * --deterministic it must be identical from run to run (test/kernel/determinism.test.ts). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/auxv.h>
#include <sys/random.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static void hex(const char *label, const unsigned char *p, int n)
{
    printf("%s ", label);
    for (int k = 0; k < n; k++) printf("%02x", p[k]);
    printf("\n");
}

int main(int argc, char **argv)
{
    long spin = argc > 1 ? atol(argv[1]) : 100000;
    for (int round = 0; round < 2; round++) {
        struct timespec rt, mono;
        clock_gettime(CLOCK_REALTIME, &rt);
        clock_gettime(CLOCK_MONOTONIC, &mono);
        printf("round %d: realtime %lld.%09ld monotonic %lld.%09ld\n", round, (long long)rt.tv_sec, rt.tv_nsec,
               (long long)mono.tv_sec, mono.tv_nsec);
        struct timeval tv;
        gettimeofday(&tv, NULL);
        printf("round %d: gettimeofday %lld.%06ld time %lld\n", round, (long long)tv.tv_sec, (long)tv.tv_usec,
               (long long)time(NULL));
        uint32_t lo, hi;
        __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
        printf("round %d: rdtsc %llu\n", round, (unsigned long long)hi << 32 | lo);
        unsigned char buf[16];
        long r = getrandom(buf, sizeof buf, 0);
        printf("round %d: getrandom returned %ld\n", round, r);
        hex("  bytes", buf, 16);
        int fd = open("/dev/urandom", O_RDONLY);
        if (fd >= 0 && read(fd, buf, sizeof buf) == (long)sizeof buf) hex("  /dev/urandom", buf, 16);
        if (fd >= 0) close(fd);
        for (volatile long k = 0; k < spin; k++) {}
    }
    hex("AT_RANDOM", (const unsigned char *)getauxval(AT_RANDOM), 16);
    printf("pid %d\n", (int)getpid());
    return 0;
}
