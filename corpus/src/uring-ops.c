/* uring-ops: io_uring through liburing 2.3, one scenario per run (argv[1]).
 *
 * Runs in an empty temporary directory ("cwd": "tmp"). Prints submission counts and each
 * completion as "user_data res flags". Completions whose relative order Linux does not fix
 * (independent requests finishing in io-wq workers) are sorted by user_data before printing
 * ("sorted:"); chains, inline completions and timers are printed in arrival order.
 *
 * Feature bits and opcodes newer than what x64run emulates are masked: the probe scenario
 * prints only the opcodes of x64run's list.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <liburing.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>
#include <linux/openat2.h>
#include "uring.h"

struct done { unsigned long long ud; int res; unsigned flags; };

static struct io_uring ring;

static void check(const char *what, int r)
{
    if (r < 0) {
        printf("%s failed: %s\n", what, ures(r));
        exit(1);
    }
}

static struct io_uring_sqe *sqe_ud(unsigned long long ud)
{
    struct io_uring_sqe *s = io_uring_get_sqe(&ring);
    if (!s) { printf("no sqe\n"); exit(1); }
    io_uring_sqe_set_data64(s, ud);
    return s;
}

static void print_cqe(const char *tag, struct done *d)
{
    printf("%s ud=%llu res=%s flags=0x%x\n", tag, d->ud, ures(d->res), d->flags);
}

/* Waits for n completions; prints them in arrival order, or sorted by user_data. */
static void reap(struct io_uring *r, int n, int sorted)
{
    struct done d[64];
    for (int k = 0; k < n; k++) {
        struct io_uring_cqe *c;
        int e = io_uring_wait_cqe(r, &c);
        if (e < 0) { printf("wait_cqe: %s\n", ures(e)); exit(1); }
        d[k].ud = c->user_data; d[k].res = c->res; d[k].flags = c->flags;
        io_uring_cqe_seen(r, c);
    }
    if (sorted) {
        for (int i = 1; i < n; i++)
            for (int j = i; j > 0 && d[j - 1].ud > d[j].ud; j--) { struct done x = d[j]; d[j] = d[j - 1]; d[j - 1] = x; }
    }
    for (int k = 0; k < n; k++) print_cqe(sorted ? "sorted:" : "cqe", &d[k]);
}

/* Prints whether any completion is still pending (none should be). */
static void none_left(struct io_uring *r)
{
    struct io_uring_cqe *c;
    int e = io_uring_peek_cqe(r, &c);
    printf("pending after: %s\n", e == 0 ? "yes" : "no");
}

static void submit(const char *what, int expect)
{
    int n = io_uring_submit(&ring);
    printf("%s: submitted %s%s\n", what, ures(n), n == expect ? "" : " (unexpected)");
}

static int mkfile(const char *name, const char *text)
{
    int fd = open(name, O_CREAT | O_RDWR | O_TRUNC, 0644);
    if (fd < 0) { printf("open %s: %s\n", name, uerr(errno)); exit(1); }
    if (text && write(fd, text, strlen(text)) != (ssize_t)strlen(text)) exit(1);
    return fd;
}

/* ------------------------------------------------------------------ scenarios */

static void s_nop(void)
{
    struct io_uring_params p;
    memset(&p, 0, sizeof p);
    check("init", io_uring_queue_init_params(8, &ring, &p));
    printf("sq_entries=%u cq_entries=%u\n", p.sq_entries, p.cq_entries);
    printf("sq_off head=%u tail=%u mask=%u entries=%u flags=%u dropped=%u array=%u\n", p.sq_off.head, p.sq_off.tail,
           p.sq_off.ring_mask, p.sq_off.ring_entries, p.sq_off.flags, p.sq_off.dropped, p.sq_off.array);
    printf("cq_off head=%u tail=%u mask=%u entries=%u overflow=%u cqes=%u flags=%u\n", p.cq_off.head, p.cq_off.tail,
           p.cq_off.ring_mask, p.cq_off.ring_entries, p.cq_off.overflow, p.cq_off.cqes, p.cq_off.flags);
    printf("features (x64run's set) = 0x%x\n", p.features & 0x1fff);
    printf("ring mask=%u entries=%u cq mask=%u entries=%u\n", *ring.sq.kring_mask, *ring.sq.kring_entries,
           *ring.cq.kring_mask, *ring.cq.kring_entries);
    for (int k = 1; k <= 8; k++) {
        struct io_uring_sqe *s = sqe_ud(k);
        io_uring_prep_nop(s);
        if (k == 5) s->flags |= IOSQE_CQE_SKIP_SUCCESS;
    }
    printf("sq ready before submit: %u\n", io_uring_sq_ready(&ring));
    submit("8 nops", 8);
    printf("cq ready: %u\n", io_uring_cq_ready(&ring));
    reap(&ring, 7, 0);
    none_left(&ring);
    /* a second, bigger batch than the SQ: get_sqe runs dry after 8 */
    int got = 0;
    while (io_uring_get_sqe(&ring)) got++;
    printf("sqes available: %d\n", got);
    for (unsigned k = 0; k < 8; k++) io_uring_prep_nop(&ring.sq.sqes[(ring.sq.sqe_tail - 8 + k) & *ring.sq.kring_mask]);
    for (unsigned k = 0; k < 8; k++) ring.sq.sqes[(ring.sq.sqe_tail - 8 + k) & *ring.sq.kring_mask].user_data = 100 + k;
    int n = io_uring_submit_and_wait(&ring, 8);
    printf("submit_and_wait: %s, cq ready %u\n", ures(n), io_uring_cq_ready(&ring));
    reap(&ring, 8, 0);
    io_uring_queue_exit(&ring);
}

static void s_rw(void)
{
    check("init", io_uring_queue_init(8, &ring, 0));
    int fd = mkfile("data", NULL);
    static const char msg[] = "hello io_uring\n";
    char buf[64];
    io_uring_prep_write(sqe_ud(1), fd, msg, sizeof msg - 1, 0);
    submit("write", 1);
    reap(&ring, 1, 0);
    memset(buf, 0, sizeof buf);
    io_uring_prep_read(sqe_ud(2), fd, buf, sizeof buf, 0);
    submit("read", 1);
    reap(&ring, 1, 0);
    printf("read back: %s", buf);
    /* offset -1: the file position (IORING_FEAT_RW_CUR_POS) */
    printf("lseek before: %ld\n", (long)lseek(fd, 0, SEEK_CUR));
    io_uring_prep_write(sqe_ud(3), fd, "abc", 3, -1);
    io_uring_prep_write(sqe_ud(4), fd, "def", 3, -1);
    io_uring_prep_nop(sqe_ud(5));
    submit("write -1 x2 + nop", 3);
    reap(&ring, 3, 1);
    printf("lseek after: %ld\n", (long)lseek(fd, 0, SEEK_CUR));
    lseek(fd, 2, SEEK_SET);
    memset(buf, 0, sizeof buf);
    io_uring_prep_read(sqe_ud(6), fd, buf, 5, -1);
    submit("read -1", 1);
    reap(&ring, 1, 0);
    printf("read at pos 2: %s, pos now %ld\n", buf, (long)lseek(fd, 0, SEEK_CUR));
    /* beyond EOF */
    io_uring_prep_read(sqe_ud(7), fd, buf, 10, 1000);
    /* zero-length */
    io_uring_prep_write(sqe_ud(8), fd, buf, 0, 0);
    submit("eof read + empty write", 2);
    reap(&ring, 2, 1);
    struct stat st;
    fstat(fd, &st);
    printf("size=%ld\n", (long)st.st_size);
    /* fsync + datasync */
    io_uring_prep_fsync(sqe_ud(9), fd, 0);
    io_uring_prep_fsync(sqe_ud(10), fd, IORING_FSYNC_DATASYNC);
    submit("fsync x2", 2);
    reap(&ring, 2, 1);
    /* reading a write-only descriptor, writing a read-only one */
    int wo = open("data", O_WRONLY), ro = open("data", O_RDONLY);
    io_uring_prep_read(sqe_ud(11), wo, buf, 4, 0);
    io_uring_prep_write(sqe_ud(12), ro, buf, 4, 0);
    io_uring_prep_read(sqe_ud(13), -1, buf, 4, 0);
    io_uring_prep_read(sqe_ud(14), 999, buf, 4, 0);
    submit("bad descriptors", 4);
    reap(&ring, 4, 1);
    io_uring_queue_exit(&ring);
}

static void s_vec(void)
{
    check("init", io_uring_queue_init(4, &ring, 0));
    int fd = mkfile("vec", NULL);
    char a[] = "first-", b[] = "second-", c[] = "third";
    struct iovec w[3] = { { a, 6 }, { b, 7 }, { c, 5 } };
    io_uring_prep_writev(sqe_ud(1), fd, w, 3, 0);
    submit("writev", 1);
    reap(&ring, 1, 0);
    char x[4] = {0}, y[20] = {0};
    struct iovec r[2] = { { x, 3 }, { y, 19 } };
    io_uring_prep_readv(sqe_ud(2), fd, r, 2, 2);
    submit("readv", 1);
    reap(&ring, 1, 0);
    printf("x=%.3s y=%s\n", x, y);
    /* readv2/writev2 with RWF_APPEND */
    struct iovec t = { "+tail", 5 };
    io_uring_prep_writev2(sqe_ud(3), fd, &t, 1, 0, RWF_APPEND);
    submit("writev2 append", 1);
    reap(&ring, 1, 0);
    char all[40] = {0};
    pread(fd, all, sizeof all - 1, 0);
    printf("file: %s\n", all);
    /* too many iovecs, bad iovec pointer */
    io_uring_prep_readv(sqe_ud(4), fd, r, 2000, 0);
    io_uring_prep_readv(sqe_ud(5), fd, (struct iovec *)8, 1, 0);
    submit("bad readv", 1);
    submit("bad readv (rest)", 1);
    reap(&ring, 2, 0);
    io_uring_queue_exit(&ring);
}

static void s_link(void)
{
    check("init", io_uring_queue_init(8, &ring, 0));
    int fd = mkfile("linked", NULL);
    char buf[32] = {0};
    struct io_uring_sqe *s = sqe_ud(1);
    io_uring_prep_write(s, fd, "linked data", 11, 0);
    s->flags |= IOSQE_IO_LINK;
    s = sqe_ud(2);
    io_uring_prep_fsync(s, fd, 0);
    s->flags |= IOSQE_IO_LINK;
    s = sqe_ud(3);
    io_uring_prep_read(s, fd, buf, 11, 0);
    submit("write->fsync->read", 3);
    reap(&ring, 3, 0);
    printf("read: %s\n", buf);
    /* a chain that ends at the end of the batch (last SQE keeps IO_LINK) */
    s = sqe_ud(4); io_uring_prep_nop(s); s->flags |= IOSQE_IO_LINK;
    s = sqe_ud(5); io_uring_prep_nop(s); s->flags |= IOSQE_IO_LINK;
    submit("dangling link", 2);
    reap(&ring, 2, 0);
    /* drain: waits for the earlier timeout */
    struct __kernel_timespec ts = { 0, 20 * 1000 * 1000 };
    io_uring_prep_timeout(sqe_ud(6), &ts, 0, 0);
    s = sqe_ud(7); io_uring_prep_nop(s); s->flags |= IOSQE_IO_DRAIN;
    io_uring_prep_nop(sqe_ud(8));
    submit("timeout, drain nop, nop", 3);
    reap(&ring, 3, 0);
    /* CQE_SKIP_SUCCESS in a chain */
    s = sqe_ud(9); io_uring_prep_nop(s); s->flags |= IOSQE_IO_LINK | IOSQE_CQE_SKIP_SUCCESS;
    s = sqe_ud(10); io_uring_prep_nop(s);
    submit("skip-success chain", 2);
    reap(&ring, 1, 0);
    none_left(&ring);
    /* drain after CQE_SKIP_SUCCESS was used */
    s = sqe_ud(11); io_uring_prep_nop(s); s->flags |= IOSQE_IO_DRAIN;
    submit("drain after skip", 1);
    reap(&ring, 1, 0);
    io_uring_queue_exit(&ring);
}

static void s_linkfail(void)
{
    check("init", io_uring_queue_init(16, &ring, 0));
    int fd = mkfile("short", "0123456789");
    char buf[128];
    /* short read breaks the chain */
    struct io_uring_sqe *s = sqe_ud(1);
    io_uring_prep_read(s, fd, buf, 100, 0); s->flags |= IOSQE_IO_LINK;
    s = sqe_ud(2); io_uring_prep_write(s, fd, "X", 1, 0); s->flags |= IOSQE_IO_LINK;
    s = sqe_ud(3); io_uring_prep_nop(s);
    submit("short read chain", 3);
    reap(&ring, 3, 0);
    /* failing first member */
    s = sqe_ud(4); io_uring_prep_read(s, 77, buf, 1, 0); s->flags |= IOSQE_IO_LINK;
    s = sqe_ud(5); io_uring_prep_nop(s); s->flags |= IOSQE_IO_LINK;
    s = sqe_ud(6); io_uring_prep_nop(s);
    io_uring_prep_nop(sqe_ud(7)); /* not part of the chain */
    submit("bad fd chain", 4);
    reap(&ring, 4, 0);
    /* hard links keep going */
    s = sqe_ud(8); io_uring_prep_read(s, fd, buf, 100, 0); s->flags |= IOSQE_IO_HARDLINK;
    s = sqe_ud(9); io_uring_prep_read(s, 77, buf, 1, 0); s->flags |= IOSQE_IO_HARDLINK;
    s = sqe_ud(10); io_uring_prep_nop(s);
    submit("hardlink chain", 3);
    reap(&ring, 3, 0);
    /* failure in the middle */
    s = sqe_ud(11); io_uring_prep_nop(s); s->flags |= IOSQE_IO_LINK;
    s = sqe_ud(12); io_uring_prep_write(s, 77, "x", 1, 0); s->flags |= IOSQE_IO_LINK;
    s = sqe_ud(13); io_uring_prep_nop(s); s->flags |= IOSQE_IO_LINK;
    s = sqe_ud(14); io_uring_prep_nop(s);
    submit("middle failure", 4);
    reap(&ring, 4, 0);
    /* an invalid SQE (bad opcode) inside a chain */
    s = sqe_ud(15); io_uring_prep_nop(s); s->flags |= IOSQE_IO_LINK;
    s = sqe_ud(16); io_uring_prep_nop(s); s->opcode = 200; s->flags |= IOSQE_IO_LINK;
    s = sqe_ud(17); io_uring_prep_nop(s);
    submit("bad opcode in chain", 3);
    reap(&ring, 3, 0);
    /* skip-success member that fails: its CQE appears */
    s = sqe_ud(18); io_uring_prep_read(s, 77, buf, 1, 0); s->flags |= IOSQE_IO_LINK | IOSQE_CQE_SKIP_SUCCESS;
    s = sqe_ud(19); io_uring_prep_nop(s);
    submit("failing skip-success", 2);
    reap(&ring, 1, 0);
    none_left(&ring);
    io_uring_queue_exit(&ring);
}

static void s_timeout(void)
{
    check("init", io_uring_queue_init(8, &ring, 0));
    struct __kernel_timespec t10 = { 0, 10 * 1000 * 1000 }, t10s = { 10, 0 };
    /* a pure timer */
    io_uring_prep_timeout(sqe_ud(1), &t10, 0, 0);
    submit("timer", 1);
    reap(&ring, 1, 0);
    /* completion count reached: two NOPs complete it with 0 */
    io_uring_prep_timeout(sqe_ud(2), &t10s, 2, 0);
    io_uring_prep_nop(sqe_ud(3));
    io_uring_prep_nop(sqe_ud(4));
    submit("count timeout + 2 nops", 3);
    reap(&ring, 3, 0);
    /* removed early */
    io_uring_prep_timeout(sqe_ud(5), &t10s, 0, 0);
    submit("long timeout", 1);
    io_uring_prep_timeout_remove(sqe_ud(6), 5, 0);
    submit("timeout_remove", 1);
    reap(&ring, 2, 0);
    io_uring_prep_timeout_remove(sqe_ud(7), 12345, 0);
    submit("remove missing", 1);
    reap(&ring, 1, 0);
    /* updated to fire sooner */
    io_uring_prep_timeout(sqe_ud(8), &t10s, 0, 0);
    submit("long timeout 2", 1);
    io_uring_prep_timeout_update(sqe_ud(9), &t10, 8, 0);
    submit("timeout_update", 1);
    reap(&ring, 2, 0);
    /* absolute */
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    struct __kernel_timespec abs = { now.tv_sec, now.tv_nsec + 5 * 1000 * 1000 };
    if (abs.tv_nsec >= 1000000000) { abs.tv_sec++; abs.tv_nsec -= 1000000000; }
    io_uring_prep_timeout(sqe_ud(10), &abs, 0, IORING_TIMEOUT_ABS);
    submit("abs timeout", 1);
    reap(&ring, 1, 0);
    /* ETIME_SUCCESS lets a chain continue */
    struct io_uring_sqe *s = sqe_ud(11);
    io_uring_prep_timeout(s, &t10, 0, IORING_TIMEOUT_ETIME_SUCCESS); s->flags |= IOSQE_IO_LINK;
    io_uring_prep_nop(sqe_ud(12));
    s = sqe_ud(13);
    io_uring_prep_timeout(s, &t10, 0, 0); s->flags |= IOSQE_IO_LINK;
    io_uring_prep_nop(sqe_ud(14));
    submit("timeout chains", 4);
    reap(&ring, 4, 1);
    /* linked timeout: on a read that would block forever, and on a NOP */
    int p[2];
    pipe(p);
    char buf[8];
    s = sqe_ud(15); io_uring_prep_read(s, p[0], buf, 8, 0); s->flags |= IOSQE_IO_LINK;
    io_uring_prep_link_timeout(sqe_ud(16), &t10, 0);
    submit("read + link_timeout", 2);
    reap(&ring, 2, 1);
    s = sqe_ud(17); io_uring_prep_nop(s); s->flags |= IOSQE_IO_LINK;
    io_uring_prep_link_timeout(sqe_ud(18), &t10s, 0);
    submit("nop + link_timeout", 2);
    reap(&ring, 2, 0);
    /* wait with a timeout and nothing in flight (EXT_ARG) */
    struct io_uring_cqe *c;
    int e = io_uring_wait_cqe_timeout(&ring, &c, &t10);
    printf("wait_cqe_timeout: %s\n", ures(e));
    /* bad timeout SQEs */
    s = sqe_ud(19); io_uring_prep_timeout(s, &t10, 0, 0); s->len = 2;
    s = sqe_ud(20); io_uring_prep_timeout(s, (struct __kernel_timespec *)8, 0, 0);
    submit("bad timeouts", 1);
    submit("bad timeouts (rest)", 1);
    reap(&ring, 2, 0);
    io_uring_queue_exit(&ring);
}

static void s_files(void)
{
    check("init", io_uring_queue_init(8, &ring, 0));
    io_uring_prep_openat(sqe_ud(1), AT_FDCWD, "made", O_CREAT | O_RDWR, 0640);
    submit("openat", 1);
    struct io_uring_cqe *c;
    io_uring_wait_cqe(&ring, &c);
    int fd = c->res;
    printf("openat res is a descriptor: %s\n", fd >= 0 ? "yes" : ures(fd));
    io_uring_cqe_seen(&ring, c);
    printf("cloexec: %d\n", fcntl(fd, F_GETFD));
    write(fd, "twelve bytes", 12);
    struct statx sx;
    memset(&sx, 0, sizeof sx);
    io_uring_prep_statx(sqe_ud(2), AT_FDCWD, "made", 0, STATX_BASIC_STATS, &sx);
    io_uring_prep_statx(sqe_ud(3), AT_FDCWD, "missing", 0, STATX_BASIC_STATS, &sx);
    submit("statx x2", 2);
    reap(&ring, 2, 1);
    printf("statx size=%llu mode=%o\n", (unsigned long long)sx.stx_size, sx.stx_mode);
    io_uring_prep_close(sqe_ud(4), fd);
    submit("close", 1);
    reap(&ring, 1, 0);
    printf("fcntl after close: %s\n", ucall(fcntl(fd, F_GETFD)));
    io_uring_prep_close(sqe_ud(5), fd);
    submit("close again", 1);
    reap(&ring, 1, 0);
    struct open_how how;
    memset(&how, 0, sizeof how);
    how.flags = O_RDONLY | O_CLOEXEC;
    io_uring_prep_openat2(sqe_ud(6), AT_FDCWD, "made", &how);
    io_uring_prep_openat(sqe_ud(7), AT_FDCWD, "nope", O_RDONLY, 0);
    io_uring_prep_openat(sqe_ud(8), AT_FDCWD, "made", O_CREAT | O_EXCL | O_RDWR, 0600);
    submit("openat2 + failing openats", 3);
    struct done d[3];
    for (int k = 0; k < 3; k++) {
        io_uring_wait_cqe(&ring, &c);
        d[k].ud = c->user_data; d[k].res = c->res; d[k].flags = c->flags;
        io_uring_cqe_seen(&ring, c);
    }
    for (int k = 0; k < 3; k++) {
        if (d[k].ud == 6) { printf("openat2 gave a descriptor: %s\n", d[k].res >= 0 ? "yes" : ures(d[k].res)); close(d[k].res); }
        else print_cqe("cqe", &d[k]);
    }
    /* closing the ring itself through the ring */
    io_uring_prep_close(sqe_ud(9), ring.ring_fd);
    submit("close ring fd", 1);
    reap(&ring, 1, 0);
    io_uring_queue_exit(&ring);
}

static void *page_buf(size_t len)
{
    void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) exit(1);
    return p;
}

static void s_fixedbuf(void)
{
    check("init", io_uring_queue_init(8, &ring, 0));
    int fd = mkfile("fixed", NULL);
    char *b0 = page_buf(4096), *b1 = page_buf(8192);
    struct iovec iov[2] = { { b0, 4096 }, { b1, 8192 } };
    printf("register: %s\n", ures(io_uring_register_buffers(&ring, iov, 2)));
    printf("register again: %s\n", ures(io_uring_register_buffers(&ring, iov, 2)));
    strcpy(b0, "registered buffer zero");
    io_uring_prep_write_fixed(sqe_ud(1), fd, b0, 22, 0, 0);
    submit("write_fixed", 1);
    reap(&ring, 1, 0);
    io_uring_prep_read_fixed(sqe_ud(2), fd, b1 + 100, 22, 0, 1);
    submit("read_fixed", 1);
    reap(&ring, 1, 0);
    printf("read into buffer 1: %.22s\n", b1 + 100);
    io_uring_prep_read_fixed(sqe_ud(3), fd, b1, 22, 0, 2);       /* no such buffer */
    io_uring_prep_read_fixed(sqe_ud(4), fd, b0 + 4090, 22, 0, 0); /* runs past the buffer */
    io_uring_prep_read_fixed(sqe_ud(5), fd, b1, 22, 0, 0);       /* address of another buffer */
    submit("bad fixed reads", 3);
    reap(&ring, 3, 1);
    printf("unregister: %s\n", ures(io_uring_unregister_buffers(&ring)));
    printf("unregister again: %s\n", ures(io_uring_unregister_buffers(&ring)));
    io_uring_prep_read_fixed(sqe_ud(6), fd, b0, 22, 0, 0);
    submit("read_fixed unregistered", 1);
    reap(&ring, 1, 0);
    struct iovec bad = { (void *)0x1000, 4096 };
    printf("register unmapped: %s\n", ures(io_uring_register_buffers(&ring, &bad, 1)));
    io_uring_queue_exit(&ring);
}

static void s_fixedfile(void)
{
    check("init", io_uring_queue_init(8, &ring, 0));
    int a = mkfile("fa", NULL), b = mkfile("fb", "content of b");
    int fds[3] = { a, -1, b };
    printf("register files: %s\n", ures(io_uring_register_files(&ring, fds, 3)));
    printf("register again: %s\n", ures(io_uring_register_files(&ring, fds, 3)));
    close(a);  /* the table keeps its own reference */
    struct io_uring_sqe *s = sqe_ud(1);
    io_uring_prep_write(s, 0, "via slot 0", 10, 0); s->flags |= IOSQE_FIXED_FILE;
    char buf[32] = {0};
    s = sqe_ud(2); io_uring_prep_read(s, 2, buf, 12, 0); s->flags |= IOSQE_FIXED_FILE;
    s = sqe_ud(3); io_uring_prep_read(s, 1, buf, 1, 0); s->flags |= IOSQE_FIXED_FILE;
    s = sqe_ud(4); io_uring_prep_read(s, 10, buf, 1, 0); s->flags |= IOSQE_FIXED_FILE;
    submit("fixed file ops", 4);
    reap(&ring, 4, 1);
    printf("read via slot 2: %s\n", buf);
    int fd2 = open("fa", O_RDONLY);
    printf("update slot 1: %s\n", ures(io_uring_register_files_update(&ring, 1, &fd2, 1)));
    memset(buf, 0, sizeof buf);
    s = sqe_ud(5); io_uring_prep_read(s, 1, buf, 10, 0); s->flags |= IOSQE_FIXED_FILE;
    submit("read slot 1", 1);
    reap(&ring, 1, 0);
    printf("slot 1 reads: %s\n", buf);
    printf("update out of range: %s\n", ures(io_uring_register_files_update(&ring, 5, &fd2, 1)));
    printf("unregister: %s\n", ures(io_uring_unregister_files(&ring)));
    printf("unregister again: %s\n", ures(io_uring_unregister_files(&ring)));
    int badfds[1] = { 500 };
    printf("register bad fd: %s\n", ures(io_uring_register_files(&ring, badfds, 1)));
    io_uring_queue_exit(&ring);
}

static void s_pbuf(void)
{
    check("init", io_uring_queue_init(8, &ring, 0));
    int fd = mkfile("src", "AAAAAAAABBBBBBBBCCCCCCCCDDDDDDDDEEEEEEEE");
    char *pool = page_buf(4096);
    memset(pool, '.', 64);
    io_uring_prep_provide_buffers(sqe_ud(1), pool, 8, 4, 7, 10);
    submit("provide 4x8 in group 7 from bid 10", 1);
    reap(&ring, 1, 0);
    for (int k = 0; k < 5; k++) {
        struct io_uring_sqe *s = sqe_ud(2 + k);
        io_uring_prep_read(s, fd, NULL, 8, k * 8);
        s->flags |= IOSQE_BUFFER_SELECT;
        s->buf_group = 7;
        io_uring_submit(&ring);
        struct io_uring_cqe *c;
        io_uring_wait_cqe(&ring, &c);
        int bid = c->flags & IORING_CQE_F_BUFFER ? (int)(c->flags >> IORING_CQE_BUFFER_SHIFT) : -1;
        printf("read %d: res=%s buffer=%s bid=%d", k, ures(c->res), c->flags & IORING_CQE_F_BUFFER ? "yes" : "no", bid);
        if (bid >= 10) printf(" data=%.8s at slot %d", pool + (bid - 10) * 8, bid - 10);
        printf("\n");
        io_uring_cqe_seen(&ring, c);
    }
    io_uring_prep_provide_buffers(sqe_ud(10), pool, 8, 2, 7, 20);
    submit("provide 2 more", 1);
    reap(&ring, 1, 0);
    io_uring_prep_remove_buffers(sqe_ud(11), 5, 7);
    submit("remove up to 5", 1);
    reap(&ring, 1, 0);
    io_uring_prep_remove_buffers(sqe_ud(12), 1, 7);
    io_uring_prep_remove_buffers(sqe_ud(13), 1, 99);
    submit("remove from empty/missing groups", 2);
    reap(&ring, 2, 1);
    /* readv with buffer select, and a NOP with BUFFER_SELECT */
    io_uring_prep_provide_buffers(sqe_ud(14), pool, 16, 1, 3, 0);
    submit("provide 1x16 in group 3", 1);
    reap(&ring, 1, 0);
    struct iovec v = { NULL, 16 };
    struct io_uring_sqe *s = sqe_ud(15);
    io_uring_prep_readv(s, fd, &v, 1, 16);
    s->flags |= IOSQE_BUFFER_SELECT;
    s->buf_group = 3;
    submit("readv select", 1);
    reap(&ring, 1, 0);
    printf("pool: %.16s\n", pool);
    s = sqe_ud(16); io_uring_prep_nop(s); s->flags |= IOSQE_BUFFER_SELECT;
    submit("nop with buffer select", 1);
    reap(&ring, 1, 0);
    io_uring_queue_exit(&ring);
}

static const struct { int op; const char *name; } OPS[] = {
    { IORING_OP_NOP, "NOP" }, { IORING_OP_READV, "READV" }, { IORING_OP_WRITEV, "WRITEV" }, { IORING_OP_FSYNC, "FSYNC" },
    { IORING_OP_READ_FIXED, "READ_FIXED" }, { IORING_OP_WRITE_FIXED, "WRITE_FIXED" }, { IORING_OP_POLL_ADD, "POLL_ADD" },
    { IORING_OP_POLL_REMOVE, "POLL_REMOVE" }, { IORING_OP_SYNC_FILE_RANGE, "SYNC_FILE_RANGE" }, { IORING_OP_TIMEOUT, "TIMEOUT" },
    { IORING_OP_TIMEOUT_REMOVE, "TIMEOUT_REMOVE" }, { IORING_OP_LINK_TIMEOUT, "LINK_TIMEOUT" },
    { IORING_OP_ASYNC_CANCEL, "ASYNC_CANCEL" }, { IORING_OP_FALLOCATE, "FALLOCATE" }, { IORING_OP_OPENAT, "OPENAT" },
    { IORING_OP_OPENAT2, "OPENAT2" }, { IORING_OP_CLOSE, "CLOSE" }, { IORING_OP_STATX, "STATX" }, { IORING_OP_READ, "READ" },
    { IORING_OP_WRITE, "WRITE" }, { IORING_OP_FADVISE, "FADVISE" }, { IORING_OP_MADVISE, "MADVISE" },
    { IORING_OP_SPLICE, "SPLICE" }, { IORING_OP_TEE, "TEE" }, { IORING_OP_PROVIDE_BUFFERS, "PROVIDE_BUFFERS" },
    { IORING_OP_REMOVE_BUFFERS, "REMOVE_BUFFERS" }, { IORING_OP_SHUTDOWN, "SHUTDOWN" }, { IORING_OP_RENAMEAT, "RENAMEAT" },
    { IORING_OP_UNLINKAT, "UNLINKAT" }, { IORING_OP_MKDIRAT, "MKDIRAT" }, { IORING_OP_SYMLINKAT, "SYMLINKAT" },
    { IORING_OP_LINKAT, "LINKAT" }, { IORING_OP_MSG_RING, "MSG_RING" },
};

static void s_probe(void)
{
    check("init", io_uring_queue_init(4, &ring, 0));
    struct io_uring_probe *p = io_uring_get_probe_ring(&ring);
    if (!p) { printf("no probe\n"); exit(1); }
    printf("last_op >= MSG_RING: %s\n", p->last_op >= IORING_OP_MSG_RING ? "yes" : "no");
    for (unsigned k = 0; k < sizeof OPS / sizeof OPS[0]; k++)
        printf("%2d %-16s %s\n", OPS[k].op, OPS[k].name, io_uring_opcode_supported(p, OPS[k].op) ? "supported" : "NOT supported");
    io_uring_free_probe(p);
    /* the kernel insists on a zeroed buffer */
    struct { struct io_uring_probe h; struct io_uring_probe_op ops[4]; } raw;
    memset(&raw, 0, sizeof raw);
    raw.h.resv = 1;
    printf("probe into dirty buffer: %s\n", ures(io_uring_register_probe(&ring, &raw.h, 4)));
    memset(&raw, 0, sizeof raw);
    int pr = io_uring_register_probe(&ring, &raw.h, 4);
    printf("probe with 4 slots: %s ops_len=%u op3=%u flags3=%u\n", ures(pr), raw.h.ops_len, raw.ops[3].op, raw.ops[3].flags);
    io_uring_queue_exit(&ring);
}

static void s_overflow(void)
{
    struct io_uring_params p;
    memset(&p, 0, sizeof p);
    p.flags = IORING_SETUP_CQSIZE;
    p.cq_entries = 4;
    check("init", io_uring_queue_init_params(4, &ring, &p));
    printf("sq=%u cq=%u nodrop=%s\n", p.sq_entries, p.cq_entries, p.features & IORING_FEAT_NODROP ? "yes" : "no");
    for (int k = 1; k <= 4; k++) io_uring_prep_nop(sqe_ud(k));
    submit("4 nops", 4);
    for (int k = 5; k <= 8; k++) io_uring_prep_nop(sqe_ud(k));
    submit("4 more nops", 4);
    printf("cq ready=%u overflow flag=%s koverflow=%u\n", io_uring_cq_ready(&ring),
           (*ring.sq.kflags & IORING_SQ_CQ_OVERFLOW) ? "set" : "clear", *ring.cq.koverflow);
    for (int k = 9; k <= 10; k++) io_uring_prep_nop(sqe_ud(k));
    submit("2 nops while overflowed", 2);
    /* reap what is visible without entering the kernel */
    unsigned head, n = 0;
    struct io_uring_cqe *c;
    io_uring_for_each_cqe(&ring, head, c) { printf("visible ud=%llu res=%d\n", (unsigned long long)c->user_data, c->res); n++; }
    io_uring_cq_advance(&ring, n);
    printf("after advance: cq ready=%u flag=%s\n", io_uring_cq_ready(&ring), (*ring.sq.kflags & IORING_SQ_CQ_OVERFLOW) ? "set" : "clear");
    /* the next wait flushes the backlog */
    for (int k = 0; k < 6; k++) {
        int e = io_uring_wait_cqe(&ring, &c);
        if (e < 0) { printf("wait: %s\n", ures(e)); break; }
        printf("flushed ud=%llu res=%d\n", (unsigned long long)c->user_data, c->res);
        io_uring_cqe_seen(&ring, c);
    }
    printf("end: cq ready=%u flag=%s koverflow=%u\n", io_uring_cq_ready(&ring),
           (*ring.sq.kflags & IORING_SQ_CQ_OVERFLOW) ? "set" : "clear", *ring.cq.koverflow);
    io_uring_queue_exit(&ring);
}

static void s_poll(void)
{
    check("init", io_uring_queue_init(8, &ring, 0));
    int p[2];
    pipe(p);
    io_uring_prep_poll_add(sqe_ud(1), p[0], POLLIN);
    io_uring_prep_poll_add(sqe_ud(2), p[1], POLLOUT);
    submit("poll in (empty pipe), poll out", 2);
    reap(&ring, 1, 0);
    printf("cq ready before write: %u\n", io_uring_cq_ready(&ring));
    write(p[1], "x", 1);
    reap(&ring, 1, 0);
    io_uring_prep_poll_add(sqe_ud(3), p[0], POLLIN);
    submit("poll in (data ready)", 1);
    reap(&ring, 1, 0);
    char c;
    read(p[0], &c, 1);
    io_uring_prep_poll_add(sqe_ud(4), p[0], POLLIN);
    submit("poll in again", 1);
    io_uring_prep_poll_remove(sqe_ud(5), 4);
    submit("poll remove", 1);
    reap(&ring, 2, 1);
    io_uring_prep_poll_remove(sqe_ud(6), 4);
    submit("remove missing", 1);
    reap(&ring, 1, 0);
    /* hang-up */
    io_uring_prep_poll_add(sqe_ud(7), p[0], POLLIN);
    submit("poll before close", 1);
    close(p[1]);
    reap(&ring, 1, 0);
    /* a pipe read that waits for a writer */
    int q[2];
    pipe(q);
    char buf[16] = {0};
    io_uring_prep_read(sqe_ud(8), q[0], buf, sizeof buf, 0);
    submit("read empty pipe", 1);
    printf("cq ready: %u\n", io_uring_cq_ready(&ring));
    write(q[1], "late data", 9);
    reap(&ring, 1, 0);
    printf("got: %s\n", buf);
    /* the ring fd itself is pollable */
    struct pollfd pf = { ring.ring_fd, POLLIN, 0 };
    printf("ring poll (empty CQ): %d\n", poll(&pf, 1, 0));
    io_uring_prep_nop(sqe_ud(9));
    io_uring_submit(&ring);
    int pr = poll(&pf, 1, 0);
    printf("ring poll (one CQE): %d revents=0x%x\n", pr, pf.revents);
    reap(&ring, 1, 0);
    io_uring_queue_exit(&ring);
}

static void s_cancel(void)
{
    check("init", io_uring_queue_init(8, &ring, 0));
    int p[2];
    pipe(p);
    char buf[8];
    io_uring_prep_read(sqe_ud(1), p[0], buf, sizeof buf, 0);
    submit("read empty pipe", 1);
    io_uring_prep_cancel64(sqe_ud(2), 1, 0);
    submit("cancel it", 1);
    reap(&ring, 2, 1);
    io_uring_prep_cancel64(sqe_ud(3), 777, 0);
    submit("cancel missing", 1);
    reap(&ring, 1, 0);
    struct __kernel_timespec t10s = { 10, 0 };
    io_uring_prep_timeout(sqe_ud(4), &t10s, 0, 0);
    io_uring_prep_poll_add(sqe_ud(5), p[0], POLLIN);
    io_uring_prep_read(sqe_ud(6), p[0], buf, sizeof buf, 0);
    submit("timeout, poll, read", 3);
    io_uring_prep_cancel64(sqe_ud(7), 0, IORING_ASYNC_CANCEL_ANY | IORING_ASYNC_CANCEL_ALL);
    submit("cancel any+all", 1);
    reap(&ring, 4, 1);
    io_uring_prep_read(sqe_ud(8), p[0], buf, sizeof buf, 0);
    submit("read again", 1);
    io_uring_prep_cancel_fd(sqe_ud(9), p[0], 0);
    submit("cancel by fd", 1);
    reap(&ring, 2, 1);
    io_uring_queue_exit(&ring);
}

static void s_splice(void)
{
    check("init", io_uring_queue_init(8, &ring, 0));
    int in = mkfile("in", "splice me please");
    lseek(in, 0, SEEK_SET);
    int out = mkfile("out", NULL);
    int p[2], q[2];
    pipe(p);
    pipe(q);
    io_uring_prep_splice(sqe_ud(1), in, 7, p[1], -1, 6, 0);
    submit("file->pipe", 1);
    reap(&ring, 1, 0);
    io_uring_prep_tee(sqe_ud(2), p[0], q[1], 100, 0);
    submit("tee pipe->pipe", 1);
    reap(&ring, 1, 0);
    io_uring_prep_splice(sqe_ud(3), p[0], -1, out, 0, 100, 0);
    submit("pipe->file", 1);
    reap(&ring, 1, 0);
    char buf[32] = {0};
    pread(out, buf, sizeof buf - 1, 0);
    printf("out: %s\n", buf);
    memset(buf, 0, sizeof buf);
    read(q[0], buf, sizeof buf - 1);
    printf("tee copy: %s\n", buf);
    printf("in position: %ld\n", (long)lseek(in, 0, SEEK_CUR));
    io_uring_prep_splice(sqe_ud(4), in, -1, p[1], -1, 6, 0);
    submit("file(pos)->pipe", 1);
    reap(&ring, 1, 0);
    printf("in position: %ld\n", (long)lseek(in, 0, SEEK_CUR));
    io_uring_prep_splice(sqe_ud(5), in, 0, out, 0, 6, 0);
    io_uring_prep_splice(sqe_ud(6), p[0], 3, out, 0, 6, 0);
    io_uring_prep_tee(sqe_ud(7), in, q[1], 6, 0);
    submit("bad splices", 3);
    reap(&ring, 3, 1);
    io_uring_queue_exit(&ring);
}

static void s_fsops(void)
{
    check("init", io_uring_queue_init(8, &ring, 0));
    close(mkfile("file", "data"));
    struct io_uring_sqe *s;
    s = sqe_ud(1); io_uring_prep_mkdirat(s, AT_FDCWD, "dir", 0750); s->flags |= IOSQE_IO_LINK;
    s = sqe_ud(2); io_uring_prep_symlinkat(s, "file", AT_FDCWD, "dir/sym"); s->flags |= IOSQE_IO_LINK;
    s = sqe_ud(3); io_uring_prep_linkat(s, AT_FDCWD, "file", AT_FDCWD, "dir/hard", 0); s->flags |= IOSQE_IO_LINK;
    s = sqe_ud(4); io_uring_prep_renameat(s, AT_FDCWD, "dir/hard", AT_FDCWD, "moved", 0);
    submit("mkdir, symlink, link, rename", 4);
    reap(&ring, 4, 0);
    char target[32] = {0};
    readlink("dir/sym", target, sizeof target - 1);
    struct stat st, sd;
    stat("moved", &st);
    stat("dir", &sd);
    printf("symlink -> %s, moved nlink=%ld, dir mode=%o\n", target, (long)st.st_nlink, sd.st_mode & 0777);
    s = sqe_ud(5); io_uring_prep_mkdirat(s, AT_FDCWD, "dir", 0755);
    s = sqe_ud(6); io_uring_prep_unlinkat(s, AT_FDCWD, "dir", 0);
    s = sqe_ud(7); io_uring_prep_unlinkat(s, AT_FDCWD, "dir", AT_REMOVEDIR);
    s = sqe_ud(8); io_uring_prep_renameat(s, AT_FDCWD, "nope", AT_FDCWD, "x", 0);
    s = sqe_ud(9); io_uring_prep_renameat(s, AT_FDCWD, "file", AT_FDCWD, "moved", RENAME_NOREPLACE);
    submit("failing namespace ops", 5);
    reap(&ring, 5, 1);
    s = sqe_ud(10); io_uring_prep_unlinkat(s, AT_FDCWD, "dir/sym", 0); s->flags |= IOSQE_IO_LINK;
    s = sqe_ud(11); io_uring_prep_unlinkat(s, AT_FDCWD, "dir", AT_REMOVEDIR); s->flags |= IOSQE_IO_LINK;
    s = sqe_ud(12); io_uring_prep_unlinkat(s, AT_FDCWD, "moved", 0);
    submit("cleanup", 3);
    reap(&ring, 3, 0);
    printf("dir exists: %s, moved exists: %s\n", access("dir", F_OK) == 0 ? "yes" : "no", access("moved", F_OK) == 0 ? "yes" : "no");
    /* attribute-ish ops */
    int fd = open("file", O_RDWR);
    io_uring_prep_fallocate(sqe_ud(13), fd, 0, 0, 8192);
    io_uring_prep_fadvise(sqe_ud(14), fd, 0, 4096, POSIX_FADV_SEQUENTIAL);
    char *m = page_buf(8192);
    io_uring_prep_madvise(sqe_ud(15), m, 8192, MADV_WILLNEED);
    io_uring_prep_sync_file_range(sqe_ud(16), fd, 4096, 0, 0);
    io_uring_prep_shutdown(sqe_ud(17), fd, SHUT_RDWR);
    io_uring_prep_fadvise(sqe_ud(18), fd, 0, 4096, 99);
    submit("fallocate, fadvise, madvise, sync_file_range, shutdown, bad fadvise", 6);
    reap(&ring, 6, 1);
    fstat(fd, &st);
    printf("size after fallocate: %ld\n", (long)st.st_size);
    io_uring_queue_exit(&ring);
}

static void s_msgring(void)
{
    struct io_uring r2;
    check("init", io_uring_queue_init(4, &ring, 0));
    check("init2", io_uring_queue_init(4, &r2, 0));
    io_uring_prep_msg_ring(sqe_ud(1), r2.ring_fd, 42, 0xabcdef, 0);
    int fd = mkfile("notring", NULL);
    io_uring_prep_msg_ring(sqe_ud(2), fd, 1, 2, 0);
    submit("msg_ring x2", 2);
    reap(&ring, 2, 1);
    struct io_uring_cqe *c;
    io_uring_wait_cqe(&r2, &c);
    printf("target got ud=0x%llx res=%d flags=0x%x\n", (unsigned long long)c->user_data, c->res, c->flags);
    io_uring_cqe_seen(&r2, c);
    /* a ring messaging itself */
    io_uring_prep_msg_ring(sqe_ud(3), ring.ring_fd, 7, 99, 0);
    submit("msg_ring to self", 1);
    reap(&ring, 2, 1);
    io_uring_queue_exit(&r2);
    io_uring_queue_exit(&ring);
}

static void s_eventfd(void)
{
    check("init", io_uring_queue_init(4, &ring, 0));
    int efd = eventfd(0, EFD_NONBLOCK);
    printf("register eventfd: %s\n", ures(io_uring_register_eventfd(&ring, efd)));
    printf("register again: %s\n", ures(io_uring_register_eventfd(&ring, efd)));
    uint64_t v = 0;
    printf("eventfd before: %s\n", ucall(read(efd, &v, 8)));
    io_uring_prep_nop(sqe_ud(1));
    submit("nop", 1);
    v = 0;
    long r = read(efd, &v, 8);
    printf("eventfd after: %s signalled=%s\n", ucall(r), v > 0 ? "yes" : "no");
    reap(&ring, 1, 0);
    /* IORING_CQ_EVENTFD_DISABLED */
    io_uring_cq_eventfd_toggle(&ring, false);
    io_uring_prep_nop(sqe_ud(2));
    submit("nop (notifications off)", 1);
    printf("eventfd while disabled: %s\n", ucall(read(efd, &v, 8)));
    reap(&ring, 1, 0);
    io_uring_cq_eventfd_toggle(&ring, true);
    printf("unregister: %s\n", ures(io_uring_unregister_eventfd(&ring)));
    printf("unregister again: %s\n", ures(io_uring_unregister_eventfd(&ring)));
    int notev = mkfile("plain", NULL);
    printf("register a plain file: %s\n", ures(io_uring_register_eventfd(&ring, notev)));
    io_uring_queue_exit(&ring);
}

static void s_sqpoll(void)
{
    struct io_uring_params p;
    memset(&p, 0, sizeof p);
    p.flags = IORING_SETUP_SQPOLL;
    p.sq_thread_idle = 50;
    check("init sqpoll", io_uring_queue_init_params(8, &ring, &p));
    int fd = mkfile("sq", NULL);
    for (int k = 1; k <= 3; k++) io_uring_prep_nop(sqe_ud(k));
    io_uring_prep_write(sqe_ud(4), fd, "sqpoll", 6, 0);
    int n = io_uring_submit(&ring);
    printf("submit: %s\n", ures(n));
    reap(&ring, 4, 1);
    char buf[8] = {0};
    pread(fd, buf, 6, 0);
    printf("file: %s\n", buf);
    io_uring_queue_exit(&ring);
}

static void s_regring(void)
{
    check("init", io_uring_queue_init(4, &ring, 0));
    printf("register ring fd: %s\n", ures(io_uring_register_ring_fd(&ring)));
    io_uring_prep_nop(sqe_ud(1));
    submit("nop via registered ring", 1);
    reap(&ring, 1, 0);
    printf("unregister ring fd: %s\n", ures(io_uring_unregister_ring_fd(&ring)));
    io_uring_prep_nop(sqe_ud(2));
    submit("nop via fd", 1);
    reap(&ring, 1, 0);
    io_uring_queue_exit(&ring);
}

static void s_setup(void)
{
    struct io_uring_params p;
    struct io_uring r;
#define TRY(what, entries, fl, cq) do { \
        memset(&p, 0, sizeof p); p.flags = (fl); p.cq_entries = (cq); \
        int e_ = io_uring_queue_init_params((entries), &r, &p); \
        if (e_ == 0) { printf("%s: ok sq=%u cq=%u\n", what, p.sq_entries, p.cq_entries); io_uring_queue_exit(&r); } \
        else printf("%s: %s\n", what, ures(e_)); } while (0)
    TRY("entries 1", 1, 0, 0);
    TRY("entries 3", 3, 0, 0);
    TRY("entries 0", 0, 0, 0);
    TRY("entries 32768", 32768, 0, 0);
    TRY("entries 32769", 32769, 0, 0);
    TRY("entries 40000 clamp", 40000, IORING_SETUP_CLAMP, 0);
    TRY("cqsize 100 for 10", 10, IORING_SETUP_CQSIZE, 100);
    TRY("cqsize 2 for 8", 8, IORING_SETUP_CQSIZE, 2);
    TRY("cqsize 0", 8, IORING_SETUP_CQSIZE, 0);
    TRY("cqsize 100000", 8, IORING_SETUP_CQSIZE, 100000);
    TRY("cqsize 100000 clamp", 8, IORING_SETUP_CQSIZE | IORING_SETUP_CLAMP, 100000);
    TRY("submit_all|coop_taskrun|taskrun_flag|single_issuer", 8,
        IORING_SETUP_SUBMIT_ALL | IORING_SETUP_COOP_TASKRUN | IORING_SETUP_TASKRUN_FLAG | IORING_SETUP_SINGLE_ISSUER, 0);
    TRY("taskrun_flag alone", 8, IORING_SETUP_TASKRUN_FLAG, 0);
    TRY("defer_taskrun alone", 8, IORING_SETUP_DEFER_TASKRUN, 0);
    TRY("defer_taskrun|single_issuer", 8, IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_SINGLE_ISSUER, 0);
    TRY("sq_aff without sqpoll", 8, IORING_SETUP_SQ_AFF, 0);
    TRY("sqpoll|coop_taskrun", 8, IORING_SETUP_SQPOLL | IORING_SETUP_COOP_TASKRUN, 0);
    TRY("unknown flag 1<<30", 8, 1u << 30, 0);
    memset(&p, 0, sizeof p);
    p.resv[1] = 1;
    printf("resv set: %s\n", ucall(syscall(425, 8, &p)));
    memset(&p, 0, sizeof p);
    p.flags = IORING_SETUP_ATTACH_WQ;
    p.wq_fd = 999;
    printf("attach_wq bad fd: %s\n", ucall(syscall(425, 8, &p)));
    memset(&p, 0, sizeof p);
    p.flags = IORING_SETUP_ATTACH_WQ;
    p.wq_fd = 0;
    int fd0 = open(".", O_RDONLY | O_DIRECTORY);
    p.wq_fd = fd0;
    printf("attach_wq non-ring: %s\n", ucall(syscall(425, 8, &p)));
    printf("params NULL: %s\n", ucall(syscall(425, 8, NULL)));
    /* a ring for ATTACH_WQ */
    struct io_uring base;
    io_uring_queue_init(4, &base, 0);
    memset(&p, 0, sizeof p);
    p.flags = IORING_SETUP_ATTACH_WQ;
    p.wq_fd = base.ring_fd;
    int e = io_uring_queue_init_params(4, &r, &p);
    printf("attach_wq to a ring: %s\n", ures(e));
    if (e == 0) io_uring_queue_exit(&r);
    /* R_DISABLED: nothing runs until ENABLE_RINGS */
    memset(&p, 0, sizeof p);
    p.flags = IORING_SETUP_R_DISABLED;
    check("init disabled", io_uring_queue_init_params(4, &r, &p));
    io_uring_prep_nop(io_uring_get_sqe(&r));
    printf("submit while disabled: %s\n", ures(io_uring_submit(&r)));
    struct io_uring_restriction res[2];
    memset(res, 0, sizeof res);
    res[0].opcode = IORING_RESTRICTION_SQE_OP;
    res[0].sqe_op = IORING_OP_NOP;
    res[1].opcode = IORING_RESTRICTION_REGISTER_OP;
    res[1].register_op = IORING_REGISTER_PROBE;
    printf("restrictions: %s\n", ures(io_uring_register_restrictions(&r, res, 2)));
    printf("restrictions again: %s\n", ures(io_uring_register_restrictions(&r, res, 2)));
    printf("enable: %s\n", ures(io_uring_enable_rings(&r)));
    printf("enable again: %s\n", ures(io_uring_enable_rings(&r)));
    printf("submit after enable: %s\n", ures(io_uring_submit(&r)));
    struct io_uring_cqe *c;
    io_uring_wait_cqe(&r, &c);
    printf("nop res=%s\n", ures(c->res));
    io_uring_cqe_seen(&r, c);
    io_uring_prep_fsync(io_uring_get_sqe(&r), 0, 0);
    printf("submit fsync: %s\n", ures(io_uring_submit(&r)));
    io_uring_wait_cqe(&r, &c);
    printf("fsync res=%s\n", ures(c->res));
    io_uring_cqe_seen(&r, c);
    int fds[1] = { 0 };
    printf("register files (restricted): %s\n", ures(io_uring_register_files(&r, fds, 1)));
    struct io_uring_probe *pr = io_uring_get_probe_ring(&r);
    printf("probe (allowed): %s\n", pr ? "ok" : "failed");
    if (pr) io_uring_free_probe(pr);
    io_uring_queue_exit(&r);
}

static volatile int alarms;
static void on_alarm(int sig) { (void)sig; alarms++; }

static void s_signal(void)
{
    check("init", io_uring_queue_init(4, &ring, 0));
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm; /* no SA_RESTART: io_uring_enter is never restarted anyway */
    sigaction(SIGALRM, &sa, NULL);
    int p[2];
    pipe(p);
    char buf[4];
    io_uring_prep_read(sqe_ud(1), p[0], buf, sizeof buf, 0);
    submit("read empty pipe", 1);
    struct itimerval it = { { 0, 0 }, { 0, 20000 } };
    setitimer(ITIMER_REAL, &it, NULL);
    struct io_uring_cqe *c;
    int e = io_uring_wait_cqe(&ring, &c);
    printf("wait_cqe interrupted: %s, handler ran %d time(s)\n", ures(e), alarms);
    /* blocked for the wait by the EXT_ARG sigmask: the timer fires, the wait times out first */
    sigset_t block;
    sigemptyset(&block);
    sigaddset(&block, SIGALRM);
    setitimer(ITIMER_REAL, &it, NULL);
    struct __kernel_timespec ts = { 0, 60 * 1000 * 1000 };
    e = io_uring_wait_cqes(&ring, &c, 1, &ts, &block);
    printf("wait_cqes with SIGALRM blocked: %s, handler ran %d time(s) so far\n", ures(e), alarms);
    usleep(1000);
    printf("after the wait: handler ran %d time(s)\n", alarms);
    write(p[1], "abc", 3);
    reap(&ring, 1, 0);
    io_uring_queue_exit(&ring);
}

int main(int argc, char **argv)
{
    static const struct { const char *name; void (*fn)(void); } S[] = {
        { "nop", s_nop }, { "rw", s_rw }, { "vec", s_vec }, { "link", s_link }, { "linkfail", s_linkfail },
        { "timeout", s_timeout }, { "files", s_files }, { "fixedbuf", s_fixedbuf }, { "fixedfile", s_fixedfile },
        { "pbuf", s_pbuf }, { "probe", s_probe }, { "overflow", s_overflow }, { "poll", s_poll }, { "cancel", s_cancel },
        { "splice", s_splice }, { "fsops", s_fsops }, { "msgring", s_msgring }, { "eventfd", s_eventfd },
        { "sqpoll", s_sqpoll }, { "regring", s_regring }, { "setup", s_setup }, { "signal", s_signal },
    };
    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc < 2) { printf("usage: uring-ops SCENARIO\n"); return 2; }
    for (unsigned k = 0; k < sizeof S / sizeof S[0]; k++) {
        if (strcmp(argv[1], S[k].name) == 0) {
            printf("== %s\n", S[k].name);
            S[k].fn();
            return 0;
        }
    }
    printf("unknown scenario %s\n", argv[1]);
    return 2;
}
