/* timeid: clocks, sleeps, process times, system information and credentials.
 *
 * Times and ids depend on the host and the moment, so only validated properties are printed:
 * return codes, monotonicity, ranges, relations between calls ("setuid(getuid()) == 0").
 * The goldens were recorded as root; lines about privilege print the same text for root
 * and non-root callers when the behaviour matches the caller's privilege. */
#define _GNU_SOURCE
#include <grp.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/time.h>
#include <sys/times.h>
#include <time.h>
#include <unistd.h>
#include "report.h"

static int64_t ns_of(struct timespec t) { return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec; }

static int64_t now_ns(clockid_t id)
{
    struct timespec t;
    if (clock_gettime(id, &t) < 0) return -1;
    return ns_of(t);
}

static void clocks(void)
{
    printf("== clocks\n");
    struct { clockid_t id; const char *name; } ids[] = {
        { CLOCK_REALTIME, "REALTIME" }, { CLOCK_MONOTONIC, "MONOTONIC" }, { CLOCK_PROCESS_CPUTIME_ID, "PROCESS_CPUTIME" },
        { CLOCK_THREAD_CPUTIME_ID, "THREAD_CPUTIME" }, { CLOCK_MONOTONIC_RAW, "MONOTONIC_RAW" }, { CLOCK_REALTIME_COARSE, "REALTIME_COARSE" },
        { CLOCK_MONOTONIC_COARSE, "MONOTONIC_COARSE" }, { CLOCK_BOOTTIME, "BOOTTIME" },
    };
    for (unsigned k = 0; k < sizeof ids / sizeof ids[0]; k++) {
        struct timespec a, b, res;
        int r1 = clock_gettime(ids[k].id, &a);
        for (volatile int spin = 0; spin < 100000; spin++) {}
        int r2 = clock_gettime(ids[k].id, &b);
        int r3 = clock_getres(ids[k].id, &res);
        int coarse = ids[k].id == CLOCK_REALTIME_COARSE || ids[k].id == CLOCK_MONOTONIC_COARSE;
        printf("%-16s gettime %d %d, non-decreasing %s, nsec in range %s, getres %d, res %s\n", ids[k].name, r1, r2,
               ns_of(b) >= ns_of(a) ? "yes" : "no", a.tv_nsec >= 0 && a.tv_nsec < 1000000000 ? "yes" : "no", r3,
               coarse ? (res.tv_sec == 0 && res.tv_nsec > 0 && res.tv_nsec <= 10000000 ? "(0, 10ms]" : "odd")
                      : (res.tv_sec == 0 && res.tv_nsec == 1 ? "1ns" : "odd"));
    }
    struct timespec t;
    R("clock_gettime(invalid id 99)", clock_gettime(99, &t));
    R("clock_getres(invalid id 99)", clock_getres(99, &t));
    R("clock_getres(MONOTONIC, NULL)", clock_getres(CLOCK_MONOTONIC, NULL));
    int64_t rt = now_ns(CLOCK_REALTIME);
    YES("realtime after 2020-01-01", rt / 1000000000 > 1577836800);
    struct timeval tv;
    R("gettimeofday", gettimeofday(&tv, NULL));
    YES("  usec in range", tv.tv_usec >= 0 && tv.tv_usec < 1000000);
    YES("  agrees with CLOCK_REALTIME within 1s", llabs((int64_t)tv.tv_sec * 1000000000 - rt) < 2000000000LL);
    time_t t1 = time(NULL), t2;
    time(&t2);
    YES("time(NULL) == time(&t) within 1s", t2 - t1 <= 1 && t2 >= t1);
    YES("time agrees with gettimeofday within 1s", llabs((long long)t1 - tv.tv_sec) <= 1);
    YES("monotonic > 0", now_ns(CLOCK_MONOTONIC) > 0);
}

static void sleeps(void)
{
    printf("== sleeps\n");
    struct timespec req = { 0, 20000000 }, rem = { 7, 7 };
    int64_t a = now_ns(CLOCK_MONOTONIC);
    R("nanosleep 20ms", nanosleep(&req, &rem));
    int64_t b = now_ns(CLOCK_MONOTONIC);
    YES("  slept >= 20ms", b - a >= 20000000);
    YES("  slept < 2s", b - a < 2000000000LL);
    struct timespec bad = { 0, 1000000000 };
    R("nanosleep nsec=1e9", nanosleep(&bad, NULL));
    struct timespec neg = { -1, 0 };
    R("nanosleep sec=-1", nanosleep(&neg, NULL));
    a = now_ns(CLOCK_MONOTONIC);
    struct timespec rel = { 0, 10000000 };
    printf("clock_nanosleep relative 10ms = %d\n", clock_nanosleep(CLOCK_MONOTONIC, 0, &rel, NULL));
    b = now_ns(CLOCK_MONOTONIC);
    YES("  slept >= 10ms", b - a >= 10000000);
    struct timespec abs;
    clock_gettime(CLOCK_MONOTONIC, &abs);
    abs.tv_nsec += 15000000;
    if (abs.tv_nsec >= 1000000000) { abs.tv_sec++; abs.tv_nsec -= 1000000000; }
    printf("clock_nanosleep TIMER_ABSTIME +15ms = %d\n", clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &abs, NULL));
    YES("  woke at or after the deadline", now_ns(CLOCK_MONOTONIC) >= ns_of(abs));
    struct timespec past = { 1, 0 };
    printf("clock_nanosleep TIMER_ABSTIME in the past = %d\n", clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &past, NULL));
    printf("clock_nanosleep REALTIME relative 1ms = %d\n", clock_nanosleep(CLOCK_REALTIME, 0, &(struct timespec){ 0, 1000000 }, NULL));
    printf("clock_nanosleep THREAD_CPUTIME = %d\n", clock_nanosleep(CLOCK_THREAD_CPUTIME_ID, 0, &rel, NULL));
    printf("clock_nanosleep invalid clock 99 = %d\n", clock_nanosleep(99, 0, &rel, NULL));
    printf("clock_nanosleep nsec=1e9 = %d\n", clock_nanosleep(CLOCK_MONOTONIC, 0, &bad, NULL));
}

static void usage(void)
{
    printf("== times/getrusage/sysinfo\n");
    for (volatile long spin = 0; spin < 3000000; spin++) {}
    struct tms t;
    clock_t c = times(&t);
    YES("times() != -1", c != (clock_t)-1);
    YES("tms fields >= 0", t.tms_utime >= 0 && t.tms_stime >= 0 && t.tms_cutime >= 0 && t.tms_cstime >= 0);
    YES("sysconf(_SC_CLK_TCK) == 100", sysconf(_SC_CLK_TCK) == 100);
    struct rusage ru;
    R("getrusage(RUSAGE_SELF)", getrusage(RUSAGE_SELF, &ru));
    YES("  utime+stime > 0", ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + ru.ru_utime.tv_usec + ru.ru_stime.tv_usec > 0);
    YES("  usec fields < 1e6", ru.ru_utime.tv_usec < 1000000 && ru.ru_stime.tv_usec < 1000000);
    YES("  maxrss > 0", ru.ru_maxrss > 0);
    R("getrusage(RUSAGE_CHILDREN)", getrusage(RUSAGE_CHILDREN, &ru));
    YES("  children utime == 0", ru.ru_utime.tv_sec == 0 && ru.ru_utime.tv_usec == 0);
    R("getrusage(RUSAGE_THREAD)", getrusage(RUSAGE_THREAD, &ru));
    R("getrusage(7)", getrusage(7, &ru));
    int64_t cpu1 = now_ns(CLOCK_PROCESS_CPUTIME_ID);
    for (volatile long spin = 0; spin < 1000000; spin++) {}
    int64_t cpu2 = now_ns(CLOCK_PROCESS_CPUTIME_ID);
    YES("process CPU clock advances over a busy loop", cpu2 > cpu1);
    struct sysinfo si;
    R("sysinfo", sysinfo(&si));
    YES("  uptime > 0", si.uptime > 0);
    YES("  totalram > 0, freeram <= totalram", si.totalram > 0 && si.freeram <= si.totalram);
    YES("  mem_unit >= 1", si.mem_unit >= 1);
    YES("  procs >= 1", si.procs >= 1);
    struct timespec boot;
    clock_gettime(CLOCK_BOOTTIME, &boot);
    YES("  uptime agrees with CLOCK_BOOTTIME within 2s", llabs((long long)si.uptime - (long long)boot.tv_sec) <= 2);
}

static void ids(void)
{
    printf("== identity\n");
    uid_t uid = getuid();
    gid_t gid = getgid();
    YES("getuid() == geteuid()", uid == geteuid());
    YES("getgid() == getegid()", gid == getegid());
    uid_t r, e, s;
    R("getresuid", getresuid(&r, &e, &s));
    YES("  all == getuid()", r == uid && e == uid && s == uid);
    gid_t rg, eg, sg;
    R("getresgid", getresgid(&rg, &eg, &sg));
    YES("  all == getgid()", rg == gid && eg == gid && sg == gid);
    int n = getgroups(0, NULL);
    YES("getgroups(0, NULL) >= 0", n >= 0);
    gid_t list[256];
    int m = getgroups(256, list);
    YES("getgroups(256, list) == getgroups(0, NULL)", m == n);
    gid_t one[1];
    int small = n > 1 ? getgroups(1, one) : 0;
    YES("getgroups with a too-small list fails with EINVAL (or fits)", n > 1 ? small < 0 && errno == EINVAL : 1);
    volatile int minus1 = -1;
    R("getgroups(-1)", getgroups(minus1, list));
    R("setuid(getuid())", setuid(uid));
    R("setgid(getgid())", setgid(gid));
    R("setreuid(-1, -1)", setreuid(-1, -1));
    R("setresuid(-1, getuid(), -1)", setresuid(-1, uid, -1));
    int rr = setuid(0);
    int err = errno;
    YES("setuid(0): 0 for root, EPERM otherwise", uid == 0 ? rr == 0 : (rr < 0 && err == EPERM));
    rr = setgroups(0, NULL);
    err = errno;
    YES("setgroups(0, NULL): 0 for root, EPERM otherwise", uid == 0 ? rr == 0 : (rr < 0 && err == EPERM));
    YES("getgroups after setgroups", getgroups(0, NULL) == (uid == 0 ? 0 : n));
    YES("getpid() > 0 and != getppid()", getpid() > 0 && getpid() != getppid());
    YES("gettid() == getpid()", syscall(SYS_gettid) == getpid());
    char host[256];
    R("gethostname", gethostname(host, sizeof host));
    YES("  non-empty", host[0] != 0);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    clocks();
    sleeps();
    usage();
    ids();
    return 0;
}
