/* pipes: pipe/pipe2 inside one process, poll and select on pipes, eventfd, memfd_create.
 *
 * Everything happens in one process with non-blocking descriptors or data already in place,
 * so nothing ever waits. Writing to a pipe without readers (EPIPE/SIGPIPE) is in sigpipe.c:
 * it needs signal dispositions. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include "report.h"

#ifndef F_GETPIPE_SZ
#define F_SETPIPE_SZ 1031
#define F_GETPIPE_SZ 1032
#endif
#ifndef F_ADD_SEALS
#define F_ADD_SEALS 1033
#define F_GET_SEALS 1034
#define F_SEAL_SEAL 1
#define F_SEAL_SHRINK 2
#define F_SEAL_GROW 4
#define F_SEAL_WRITE 8
#endif
#ifndef MFD_CLOEXEC
#define MFD_CLOEXEC 1
#define MFD_ALLOW_SEALING 2
#endif

static char buf[100000];

static void section(const char *name)
{
    printf("== %s\n", name);
}

static void put_revents(const char *label, short r)
{
    printf("%s%srevents=%#x%s%s%s%s%s\n", label, *label ? ": " : "", (unsigned short)r, r & POLLIN ? " IN" : "", r & POLLOUT ? " OUT" : "",
           r & POLLHUP ? " HUP" : "", r & POLLERR ? " ERR" : "", r & POLLNVAL ? " NVAL" : "");
}

static int poll1(const char *label, int fd, short events)
{
    struct pollfd p = { .fd = fd, .events = events };
    int n = poll(&p, 1, 0);
    printf("%s: poll = %d, ", label, n);
    put_revents("", p.revents);
    return n;
}

static void basic(void)
{
    section("pipe");
    int p[2];
    R("pipe", pipe(p));
    printf("fds %d %d\n", p[0], p[1]);
    R("write abc", write(p[1], "abc", 3));
    R("write defgh", write(p[1], "defgh", 5));
    long n = R("read 100", read(p[0], buf, 100));
    put_bytes("  got", buf, n);
    struct stat st;
    fstat(p[0], &st);
    YES("fstat: S_ISFIFO", S_ISFIFO(st.st_mode));
    printf("F_GETFL read end = %#x, write end = %#x\n", fcntl(p[0], F_GETFL), fcntl(p[1], F_GETFL));
    R("F_GETPIPE_SZ", fcntl(p[0], F_GETPIPE_SZ));
    R("read on write end", read(p[1], buf, 1));
    R("write on read end", write(p[0], "x", 1));
    R("lseek on pipe", lseek(p[0], 0, SEEK_SET));
    R("pread on pipe", pread(p[0], buf, 1, 0));
    R("write 0 bytes", write(p[1], "", 0));
    R("write xyz", write(p[1], "xyz", 3));
    R("close write end", close(p[1]));
    n = R("read after writer closed (data)", read(p[0], buf, 100));
    put_bytes("  got", buf, n);
    R("read after writer closed (EOF)", read(p[0], buf, 100));
    R("read again (EOF)", read(p[0], buf, 100));
    close(p[0]);

    R("pipe2 bad flags", pipe2(p, 1));
    R("pipe2(O_NONBLOCK|O_CLOEXEC)", pipe2(p, O_NONBLOCK | O_CLOEXEC));
    printf("F_GETFL read end = %#x, F_GETFD = %d\n", fcntl(p[0], F_GETFL), fcntl(p[0], F_GETFD));
    R("read empty nonblocking", read(p[0], buf, 10));
    memset(buf, 'p', sizeof buf);
    long total = 0, w;
    int writes = 0;
    while ((w = write(p[1], buf, 4096)) > 0) { total += w; writes++; }
    printf("filled with %d writes of 4096: total %ld, last write -1 %s\n", writes, total, errname(errno));
    poll1("write end when full", p[1], POLLOUT);
    poll1("read end when full", p[0], POLLIN);
    R("read 4096", read(p[0], buf, 4096));
    poll1("write end after one page read", p[1], POLLOUT);
    R("write 10 after draining a page", write(p[1], buf, 10));
    long drained = 0;
    while ((n = read(p[0], buf, sizeof buf)) > 0) drained += n;
    printf("drained %ld, then -1 %s\n", drained, errname(errno));
    R("nonblocking write of 100000 into empty pipe", write(p[1], buf, 100000));
    while ((n = read(p[0], buf, sizeof buf)) > 0) {}
    close(p[0]);
    close(p[1]);
}

static void polling(void)
{
    section("poll/select");
    int p[2];
    pipe(p);
    poll1("empty read end", p[0], POLLIN);
    poll1("write end", p[1], POLLOUT);
    write(p[1], "x", 1);
    poll1("read end with data", p[0], POLLIN);
    poll1("read end with data, events=0", p[0], 0);
    struct pollfd two[3] = { { .fd = p[0], .events = POLLIN }, { .fd = p[1], .events = POLLIN | POLLOUT }, { .fd = -1, .events = POLLIN } };
    int n = poll(two, 3, 0);
    printf("poll 3 fds (one -1) = %d\n", n);
    put_revents("  [0]", two[0].revents);
    put_revents("  [1]", two[1].revents);
    put_revents("  [2]", two[2].revents);
    poll1("closed fd 42", 42, POLLIN);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    struct pollfd e = { .fd = p[1], .events = POLLIN };
    n = poll(&e, 1, 30);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
    printf("poll write end for POLLIN, timeout 30ms = %d, waited >= 29ms: %s\n", n, ms >= 29 ? "yes" : "no");

    fd_set r, w;
    struct timeval tv = { 0, 0 };
    FD_ZERO(&r); FD_ZERO(&w);
    FD_SET(p[0], &r);
    FD_SET(p[1], &w);
    n = select(p[1] + 1, &r, &w, NULL, &tv);
    printf("select (data, writable) = %d, read set: %s, write set: %s\n", n, FD_ISSET(p[0], &r) ? "yes" : "no", FD_ISSET(p[1], &w) ? "yes" : "no");
    read(p[0], buf, 1);
    FD_ZERO(&r);
    FD_SET(p[0], &r);
    tv.tv_sec = 0; tv.tv_usec = 0;
    n = select(p[0] + 1, &r, NULL, NULL, &tv);
    printf("select empty pipe, timeout 0 = %d, read set: %s\n", n, FD_ISSET(p[0], &r) ? "yes" : "no");
    FD_ZERO(&r);
    FD_SET(40, &r);
    tv.tv_sec = 0; tv.tv_usec = 0;
    R("select on closed fd 40", select(41, &r, NULL, NULL, &tv));
    tv.tv_sec = 0; tv.tv_usec = 20000;
    FD_ZERO(&r);
    FD_SET(p[0], &r);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    n = select(p[0] + 1, &r, NULL, NULL, &tv);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
    printf("select empty pipe, timeout 20ms = %d, waited >= 19ms: %s\n", n, ms >= 19 ? "yes" : "no");

    close(p[1]);
    poll1("read end, writer closed, empty", p[0], POLLIN);
    close(p[0]);
    pipe(p);
    write(p[1], "y", 1);
    close(p[1]);
    poll1("read end, writer closed, with data", p[0], POLLIN);
    close(p[0]);
    pipe(p);
    close(p[0]);
    poll1("write end, reader closed", p[1], POLLOUT);
    FD_ZERO(&w);
    FD_SET(p[1], &w);
    tv.tv_sec = 0; tv.tv_usec = 0;
    n = select(p[1] + 1, NULL, &w, NULL, &tv);
    printf("select write end, reader closed = %d, write set: %s\n", n, FD_ISSET(p[1], &w) ? "yes" : "no");
    close(p[1]);
}

static void put_u64(const char *label, int fd)
{
    uint64_t v = 0;
    long n = read(fd, &v, 8);
    if (n < 0) printf("%s: read = -1 %s\n", label, errname(errno));
    else printf("%s: read = %ld value %llu\n", label, n, (unsigned long long)v);
}

static void eventfds(void)
{
    section("eventfd");
    int e = R("eventfd(3, 0)", eventfd(3, 0));
    put_u64("  first", e);
    uint64_t v = 5;
    R("write 5", write(e, &v, 8));
    v = 2;
    R("write 2", write(e, &v, 8));
    put_u64("  sum", e);
    printf("F_GETFL = %#x\n", fcntl(e, F_GETFL));
    R("read 4 bytes", read(e, buf, 4));
    R("write 4 bytes", write(e, &v, 4));
    v = UINT64_MAX;
    R("write UINT64_MAX", write(e, &v, 8));
    R("lseek", lseek(e, 0, SEEK_SET));
    poll1("  empty counter", e, POLLIN | POLLOUT);
    v = 1;
    write(e, &v, 8);
    poll1("  counter 1", e, POLLIN | POLLOUT);
    close(e);

    e = R("eventfd(2, EFD_SEMAPHORE|EFD_NONBLOCK)", eventfd(2, EFD_SEMAPHORE | EFD_NONBLOCK));
    put_u64("  sem 1", e);
    put_u64("  sem 2", e);
    put_u64("  sem 3", e);
    v = 0xfffffffffffffffeULL;
    R("write max-1", write(e, &v, 8));
    v = 1;
    R("write 1 more (would overflow)", write(e, &v, 8));
    put_u64("  sem after", e);
    close(e);
    R("eventfd bad flags", syscall(SYS_eventfd2, 0, 0x10));
}

static void memfds(void)
{
    section("memfd");
    int m = R("memfd_create(\"corpus\", MFD_CLOEXEC)", memfd_create("corpus", MFD_CLOEXEC));
    R("write", write(m, "memfd data\n", 11));
    R("lseek 0", lseek(m, 0, SEEK_SET));
    long n = R("read", read(m, buf, 100));
    put_bytes("  got", buf, n);
    printf("F_GETFL = %#x, F_GETFD = %d\n", fcntl(m, F_GETFL), fcntl(m, F_GETFD));
    char path[64], link[128];
    snprintf(path, sizeof path, "/proc/self/fd/%d", m);
    n = readlink(path, link, sizeof link);
    put_bytes("readlink /proc/self/fd/N", link, n < 0 ? 0 : n);
    struct stat st;
    fstat(m, &st);
    printf("fstat: reg=%s size=%ld nlink=%lu mode=%04o\n", S_ISREG(st.st_mode) ? "yes" : "no", (long)st.st_size,
           (unsigned long)st.st_nlink, (unsigned)(st.st_mode & 07777));
    R("ftruncate 8192", ftruncate(m, 8192));
    char *p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, m, 0);
    if (p == MAP_FAILED) printf("mmap shared failed: %s\n", errname(errno));
    else {
        put_bytes("mmap shared [0..11]", p, 11);
        YES("page 2 is zero", p[4096] == 0 && p[8191] == 0);
        munmap(p, 8192);
    }
    p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, m, 0);
    if (p == MAP_FAILED) printf("mmap private failed: %s\n", errname(errno));
    else {
        memcpy(p, "PRIVATE", 7);
        pread(m, buf, 5, 0);
        put_bytes("file after private write", buf, 5);
        munmap(p, 4096);
    }
    R("F_GET_SEALS without MFD_ALLOW_SEALING", fcntl(m, F_GET_SEALS));
    R("F_ADD_SEALS without MFD_ALLOW_SEALING", fcntl(m, F_ADD_SEALS, F_SEAL_WRITE));
    close(m);

    m = R("memfd_create(\"sealed\", MFD_ALLOW_SEALING)", memfd_create("sealed", MFD_ALLOW_SEALING));
    write(m, "0123456789", 10);
    R("F_GET_SEALS", fcntl(m, F_GET_SEALS));
    R("F_ADD_SEALS SHRINK|GROW", fcntl(m, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW));
    R("F_GET_SEALS", fcntl(m, F_GET_SEALS));
    R("ftruncate 5 (shrink)", ftruncate(m, 5));
    R("ftruncate 20 (grow)", ftruncate(m, 20));
    R("pwrite inside", pwrite(m, "ab", 2, 0));
    R("pwrite past end", pwrite(m, "ab", 2, 9));
    R("F_ADD_SEALS SEAL", fcntl(m, F_ADD_SEALS, F_SEAL_SEAL));
    R("F_ADD_SEALS WRITE after SEAL", fcntl(m, F_ADD_SEALS, F_SEAL_WRITE));
    R("F_GET_SEALS", fcntl(m, F_GET_SEALS));
    close(m);
    m = memfd_create("w", MFD_ALLOW_SEALING);
    write(m, "abc", 3);
    R("F_ADD_SEALS WRITE", fcntl(m, F_ADD_SEALS, F_SEAL_WRITE));
    R("write after SEAL_WRITE", write(m, "x", 1));
    R("read still works", pread(m, buf, 3, 0));
    close(m);
    R("memfd_create bad flags", memfd_create("x", 0x100));
    R("F_GET_SEALS on a pipe", ({ int q[2]; pipe(q); int r = fcntl(q[0], F_GET_SEALS); close(q[0]); close(q[1]); r; }));
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    basic();
    polling();
    eventfds();
    memfds();
    return 0;
}
