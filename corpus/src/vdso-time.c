/* vdso-time: the libc time calls that go through the vDSO (shared/reference/linux-abi.md §2(f)),
 * each called N times (argv[1], default 1000), printing only validated properties.
 *
 *   clock_gettime(REALTIME, MONOTONIC, BOOTTIME), gettimeofday, time, sched_getcpu, and
 *   clock_getres (a vDSO call for glibc, always a real syscall for musl).
 *
 * With glibc (static and static-pie) none of these make a syscall; with musl only clock_getres
 * does. test/kernel/vdso.test.ts runs this under x64run with the syscall trace and checks that,
 * and that RunStats.vdsoCalls counts the calls. */
#define _GNU_SOURCE
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/time.h>
#include <time.h>

static int64_t ns_of(struct timespec t) { return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec; }

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 1000;
    printf("iterations: %ld\n", n);

    static const struct { clockid_t id; const char *name; } clocks[] = {
        { CLOCK_REALTIME, "REALTIME" }, { CLOCK_MONOTONIC, "MONOTONIC" }, { CLOCK_BOOTTIME, "BOOTTIME" },
    };
    for (unsigned c = 0; c < sizeof clocks / sizeof clocks[0]; c++) {
        long fails = 0, backwards = 0, badnsec = 0;
        struct timespec prev = { 0, 0 }, t;
        for (long k = 0; k < n; k++) {
            if (clock_gettime(clocks[c].id, &t) != 0) { fails++; continue; }
            if (t.tv_nsec < 0 || t.tv_nsec >= 1000000000) badnsec++;
            if (k > 0 && ns_of(t) < ns_of(prev)) backwards++;
            prev = t;
        }
        printf("clock_gettime(%s) x%ld: failures %ld, went backwards %ld, nsec out of range %ld\n", clocks[c].name, n, fails,
               backwards, badnsec);
    }

    long fails = 0, backwards = 0, badusec = 0, disagree = 0;
    struct timeval prevtv = { 0, 0 }, tv;
    for (long k = 0; k < n; k++) {
        if (gettimeofday(&tv, NULL) != 0) { fails++; continue; }
        if (tv.tv_usec < 0 || tv.tv_usec >= 1000000) badusec++;
        if (k > 0 && (tv.tv_sec < prevtv.tv_sec || (tv.tv_sec == prevtv.tv_sec && tv.tv_usec < prevtv.tv_usec))) backwards++;
        prevtv = tv;
    }
    struct timespec rt;
    clock_gettime(CLOCK_REALTIME, &rt);
    int64_t d = ns_of(rt) - ((int64_t)tv.tv_sec * 1000000000 + (int64_t)tv.tv_usec * 1000);
    if (d < 0 || d > 1000000000) disagree = 1;
    printf("gettimeofday x%ld: failures %ld, went backwards %ld, usec out of range %ld, disagrees with REALTIME %ld\n", n, fails,
           backwards, badusec, disagree);

    long tback = 0, tmismatch = 0;
    time_t prevt = 0;
    for (long k = 0; k < n; k++) {
        time_t out = 0;
        time_t r = time(&out);
        if (r != out) tmismatch++;
        if (k > 0 && r < prevt) tback++;
        prevt = r;
    }
    clock_gettime(CLOCK_REALTIME, &rt);
    printf("time x%ld: result != *tloc %ld, went backwards %ld, agrees with REALTIME within 1s %s\n", n, tmismatch, tback,
           rt.tv_sec - prevt >= 0 && rt.tv_sec - prevt <= 1 ? "yes" : "no");

    long badcpu = 0;
    for (long k = 0; k < n; k++) {
        int cpu = sched_getcpu();
        if (cpu < 0 || cpu >= 4096) badcpu++;
    }
    printf("sched_getcpu x%ld: out of range %ld\n", n, badcpu);

    long rfails = 0, rodd = 0;
    for (long k = 0; k < n; k++) {
        struct timespec res;
        if (clock_getres(CLOCK_MONOTONIC, &res) != 0) { rfails++; continue; }
        if (res.tv_sec != 0 || res.tv_nsec != 1) rodd++;
    }
    printf("clock_getres(MONOTONIC) x%ld: failures %ld, not 1ns %ld\n", n, rfails, rodd);
    return 0;
}
