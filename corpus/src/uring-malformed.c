/* uring-malformed: malformed io_uring use through raw syscalls (no liburing), and what Linux
 * answers: unknown opcodes and SQE flags, bad descriptors, bad buffer addresses, SQ array
 * indices out of range, tails far ahead of the head, too-large to_submit, bad enter flags and
 * arguments, bad mmap offsets and lengths, bad register calls.
 *
 * The rings are mapped separately (SQ ring, CQ ring, SQEs) like pre-SINGLE_MMAP programs do,
 * so the emulator's handling of two views of the ring memory is exercised too.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/io_uring.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include "uring.h"

struct ring {
    int fd;
    struct io_uring_params p;
    unsigned *sq_head, *sq_tail, *sq_mask, *sq_entries, *sq_flags, *sq_dropped, *sq_array;
    unsigned *cq_head, *cq_tail, *cq_mask, *cq_overflow;
    struct io_uring_cqe *cqes;
    struct io_uring_sqe *sqes;
    unsigned tail; /* our copy of the SQ tail */
};

static long setup(unsigned entries, struct io_uring_params *p) { return syscall(__NR_io_uring_setup, entries, p); }
static long enter(int fd, unsigned n, unsigned min, unsigned flags, void *arg, size_t sz)
{
    return syscall(__NR_io_uring_enter, fd, n, min, flags, arg, sz);
}
static long reg(int fd, unsigned op, void *arg, unsigned nr) { return syscall(__NR_io_uring_register, fd, op, arg, nr); }

static void ring_init(struct ring *r, unsigned entries)
{
    memset(r, 0, sizeof *r);
    r->fd = setup(entries, &r->p);
    if (r->fd < 0) { printf("setup: %s\n", uerr(errno)); exit(1); }
    struct io_uring_params *p = &r->p;
    size_t sqsz = p->sq_off.array + p->sq_entries * 4, cqsz = p->cq_off.cqes + p->cq_entries * sizeof(struct io_uring_cqe);
    char *sq = mmap(NULL, sqsz, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, r->fd, IORING_OFF_SQ_RING);
    char *cq = mmap(NULL, cqsz, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, r->fd, IORING_OFF_CQ_RING);
    r->sqes = mmap(NULL, p->sq_entries * sizeof(struct io_uring_sqe), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, r->fd,
                   IORING_OFF_SQES);
    if (sq == MAP_FAILED || cq == MAP_FAILED || r->sqes == MAP_FAILED) { printf("mmap failed\n"); exit(1); }
    r->sq_head = (unsigned *)(sq + p->sq_off.head);
    r->sq_tail = (unsigned *)(sq + p->sq_off.tail);
    r->sq_mask = (unsigned *)(sq + p->sq_off.ring_mask);
    r->sq_entries = (unsigned *)(sq + p->sq_off.ring_entries);
    r->sq_flags = (unsigned *)(sq + p->sq_off.flags);
    r->sq_dropped = (unsigned *)(sq + p->sq_off.dropped);
    r->sq_array = (unsigned *)(sq + p->sq_off.array);
    r->cq_head = (unsigned *)(cq + p->cq_off.head);
    r->cq_tail = (unsigned *)(cq + p->cq_off.tail);
    r->cq_mask = (unsigned *)(cq + p->cq_off.ring_mask);
    r->cq_overflow = (unsigned *)(cq + p->cq_off.overflow);
    r->cqes = (struct io_uring_cqe *)(cq + p->cq_off.cqes);
    r->tail = *r->sq_tail;
}

/* Queues an SQE (slot = index in the SQE array, array entry = `index`) and publishes the tail. */
static struct io_uring_sqe *queue(struct ring *r, unsigned opcode, int fd, uint64_t ud)
{
    unsigned slot = r->tail & *r->sq_mask;
    struct io_uring_sqe *s = &r->sqes[slot];
    memset(s, 0, sizeof *s);
    s->opcode = opcode;
    s->fd = fd;
    s->user_data = ud;
    r->sq_array[slot] = slot;
    r->tail++;
    __atomic_store_n(r->sq_tail, r->tail, __ATOMIC_RELEASE);
    return s;
}

/* Prints and consumes every visible CQE. */
static void drain(const char *what, struct ring *r)
{
    unsigned head = *r->cq_head, tail = __atomic_load_n(r->cq_tail, __ATOMIC_ACQUIRE);
    printf("  %s:", what);
    if (head == tail) printf(" (none)");
    for (; head != tail; head++) {
        struct io_uring_cqe *c = &r->cqes[head & *r->cq_mask];
        printf(" %llu=%s", (unsigned long long)c->user_data, ures(c->res));
    }
    printf("\n");
    __atomic_store_n(r->cq_head, head, __ATOMIC_RELEASE);
}

static void show(const char *what, long r) { printf("%s: %s\n", what, ucall(r)); }

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    struct ring r;
    ring_init(&r, 4);
    printf("ring: sq=%u cq=%u\n", r.p.sq_entries, r.p.cq_entries);
    int file = open("f", O_CREAT | O_RDWR | O_TRUNC, 0644);
    write(file, "0123456789", 10);
    char buf[64];

    /* --- io_uring_enter on things that are not rings */
    show("enter bad fd", enter(999, 0, 0, 0, NULL, 0));
    show("enter on a regular file", enter(file, 0, 0, 0, NULL, 0));
    show("enter unknown flag", enter(r.fd, 0, 0, 1u << 10, NULL, 0));
    show("enter nothing queued", enter(r.fd, 1, 0, 0, NULL, 0));
    show("enter registered-ring index 0 (none)", enter(0, 0, 0, IORING_ENTER_REGISTERED_RING, NULL, 0));

    /* --- an unknown opcode stops the batch after consuming itself */
    queue(&r, IORING_OP_NOP, -1, 1);
    queue(&r, 200, -1, 2);
    queue(&r, IORING_OP_NOP, -1, 3);
    show("submit nop, op 200, nop", enter(r.fd, 3, 0, 0, NULL, 0));
    printf("  sq head=%u tail=%u\n", *r.sq_head, *r.sq_tail);
    drain("cqes", &r);
    show("submit the rest", enter(r.fd, 3, 0, 0, NULL, 0));
    drain("cqes", &r);

    /* --- other invalid SQE contents */
    struct io_uring_sqe *s;
    s = queue(&r, IORING_OP_NOP, -1, 10); s->flags = 0x80;          /* unknown SQE flag */
    show("unknown sqe flag", enter(r.fd, 1, 0, 0, NULL, 0));
    s = queue(&r, IORING_OP_NOP, -1, 11); s->ioprio = 1;            /* ioprio on a NOP */
    show("ioprio on nop", enter(r.fd, 1, 0, 0, NULL, 0));
    s = queue(&r, IORING_OP_NOP, -1, 12); s->flags = IOSQE_BUFFER_SELECT;
    show("buffer select on nop", enter(r.fd, 1, 0, 0, NULL, 0));
    s = queue(&r, IORING_OP_LINK_TIMEOUT, -1, 13); s->len = 1;
    show("link_timeout without a link", enter(r.fd, 1, 0, 0, NULL, 0));
    drain("cqes", &r);

    /* --- bad descriptors and buffers complete with errors but do not stop the batch */
    s = queue(&r, IORING_OP_READ, 999, 20); s->addr = (uintptr_t)buf; s->len = 4;
    s = queue(&r, IORING_OP_READ, file, 21); s->addr = 0x1000; s->len = 4;            /* unmapped */
    s = queue(&r, IORING_OP_READ, file, 22); s->addr = 0; s->len = 4;                 /* NULL */
    s = queue(&r, IORING_OP_WRITE, file, 23); s->addr = 0x7fffffffff00ULL; s->len = 4;
    show("submit 4 bad-buffer/fd reads", enter(r.fd, 4, 0, 0, NULL, 0));
    drain("cqes", &r);
    s = queue(&r, IORING_OP_READ, 0, 24); s->addr = (uintptr_t)buf; s->len = 4; s->flags = IOSQE_FIXED_FILE;
    s = queue(&r, IORING_OP_READ_FIXED, file, 25); s->addr = (uintptr_t)buf; s->len = 4;
    s = queue(&r, IORING_OP_OPENAT, AT_FDCWD, 26); s->addr = (uintptr_t)"f"; s->flags = IOSQE_FIXED_FILE;
    s = queue(&r, IORING_OP_READV, file, 27); s->addr = 0x1000; s->len = 1;
    show("fixed file/buffer without registration, openat fixed, bad iovec", enter(r.fd, 4, 0, 0, NULL, 0));
    drain("cqes", &r);
    show("submit remaining", enter(r.fd, 4, 0, 0, NULL, 0));
    drain("cqes", &r);
    show("submit remaining", enter(r.fd, 4, 0, 0, NULL, 0));
    drain("cqes", &r);
    s = queue(&r, IORING_OP_READ, file, 28); s->addr = (uintptr_t)buf; s->len = 4; s->off = (uint64_t)-5;
    show("read at offset -5", enter(r.fd, 1, 0, 0, NULL, 0));
    drain("cqes", &r);

    /* --- SQ array entries out of range are dropped */
    unsigned slot = r.tail & *r.sq_mask;
    queue(&r, IORING_OP_NOP, -1, 30);
    r.sq_array[slot] = 1000;
    queue(&r, IORING_OP_NOP, -1, 31);
    show("submit (bad index, nop)", enter(r.fd, 2, 0, 0, NULL, 0));
    printf("  dropped=%u head=%u\n", *r.sq_dropped, *r.sq_head);
    drain("cqes", &r);
    show("submit again", enter(r.fd, 2, 0, 0, NULL, 0));
    printf("  dropped=%u head=%u\n", *r.sq_dropped, *r.sq_head);
    drain("cqes", &r);

    /* --- to_submit larger than what is queued */
    queue(&r, IORING_OP_NOP, -1, 40);
    queue(&r, IORING_OP_NOP, -1, 41);
    show("to_submit 100 with 2 queued", enter(r.fd, 100, 0, 0, NULL, 0));
    drain("cqes", &r);
    show("to_submit 100 with 2 queued + GETEVENTS min 1 (nothing queued)", enter(r.fd, 100, 1, IORING_ENTER_GETEVENTS, NULL, 0) == 0 ? 0 : -1);

    /* --- a tail far ahead of the head: at most sq_entries SQEs are taken */
    for (unsigned k = 0; k < 4; k++) {
        unsigned sl = (r.tail + k) & *r.sq_mask;
        memset(&r.sqes[sl], 0, sizeof r.sqes[sl]);
        r.sqes[sl].opcode = IORING_OP_NOP;
        r.sqes[sl].user_data = 50 + sl;
        r.sq_array[sl] = sl;
    }
    r.tail += 1000;
    __atomic_store_n(r.sq_tail, r.tail, __ATOMIC_RELEASE);
    show("tail 1000 ahead, to_submit 1000", enter(r.fd, 1000, 0, 0, NULL, 0));
    printf("  head advanced by %u\n", *r.sq_head - (r.tail - 1000));
    drain("cqes", &r);
    /* resynchronise: the kernel's head is where it stopped */
    r.tail = *r.sq_head;
    __atomic_store_n(r.sq_tail, r.tail, __ATOMIC_RELEASE);
    show("enter after resync", enter(r.fd, 1, 0, 0, NULL, 0));

    /* --- enter arguments */
    struct io_uring_getevents_arg ga;
    memset(&ga, 0, sizeof ga);
    struct __kernel_timespec ts = { 0, 1000000 };
    ga.ts = (uintptr_t)&ts;
    show("EXT_ARG wrong size", enter(r.fd, 0, 1, IORING_ENTER_GETEVENTS | IORING_ENTER_EXT_ARG, &ga, 16));
    show("EXT_ARG 1ms timeout", enter(r.fd, 0, 1, IORING_ENTER_GETEVENTS | IORING_ENTER_EXT_ARG, &ga, sizeof ga));
    ga.ts = 0x1000;
    show("EXT_ARG bad ts pointer", enter(r.fd, 0, 1, IORING_ENTER_GETEVENTS | IORING_ENTER_EXT_ARG, &ga, sizeof ga));
    show("EXT_ARG bad arg pointer", enter(r.fd, 0, 1, IORING_ENTER_GETEVENTS | IORING_ENTER_EXT_ARG, (void *)0x1000, sizeof ga));
    sigset_t ss;
    sigemptyset(&ss);
    show("sigmask wrong size", enter(r.fd, 0, 1, IORING_ENTER_GETEVENTS, &ss, 4));
    ga.ts = (uintptr_t)&ts;
    ga.sigmask = (uintptr_t)&ss;
    ga.sigmask_sz = 8;
    show("EXT_ARG with sigmask, 1ms", enter(r.fd, 0, 1, IORING_ENTER_GETEVENTS | IORING_ENTER_EXT_ARG, &ga, sizeof ga));
    queue(&r, IORING_OP_NOP, -1, 60);
    show("submit 1 + wait 1 with 1ms timeout", enter(r.fd, 1, 1, IORING_ENTER_GETEVENTS | IORING_ENTER_EXT_ARG, &ga, sizeof ga));
    show("wait 3 with 1ms timeout (1 ready)", enter(r.fd, 0, 3, IORING_ENTER_GETEVENTS | IORING_ENTER_EXT_ARG, &ga, sizeof ga));
    drain("cqes", &r);

    /* --- mmap of the ring fd */
    void *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, r.fd, 0x1000);
    printf("mmap offset 0x1000: %s\n", m == MAP_FAILED ? uerr(errno) : "mapped");
    m = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_SHARED, r.fd, IORING_OFF_SQES);
    printf("mmap 1 MiB of SQEs: %s\n", m == MAP_FAILED ? uerr(errno) : "mapped");

    /* --- register */
    show("register unknown op 99", reg(r.fd, 99, NULL, 0));
    show("register on a regular file", reg(file, IORING_REGISTER_PROBE, NULL, 0));
    show("unregister buffers (none)", reg(r.fd, IORING_UNREGISTER_BUFFERS, NULL, 0));
    show("unregister files (none)", reg(r.fd, IORING_UNREGISTER_FILES, NULL, 0));
    show("unregister eventfd (none)", reg(r.fd, IORING_UNREGISTER_EVENTFD, NULL, 0));
    int efd = 0;
    show("register eventfd nr=2", reg(r.fd, IORING_REGISTER_EVENTFD, &efd, 2));
    show("register buffers nr=0", reg(r.fd, IORING_REGISTER_BUFFERS, buf, 0));
    show("register buffers bad iovec pointer", reg(r.fd, IORING_REGISTER_BUFFERS, (void *)0x1000, 1));
    int fds[2] = { file, r.fd };
    show("register files incl. the ring", reg(r.fd, IORING_REGISTER_FILES, fds, 2));
    show("register files nr=0", reg(r.fd, IORING_REGISTER_FILES, fds, 0));
    struct io_uring_rsrc_update up = { .offset = 20, .data = (uint64_t)r.fd };
    show("register ring fd at slot 20", reg(r.fd, IORING_REGISTER_RING_FDS, &up, 1));
    up.offset = -1U;
    up.data = file;
    show("register a regular file as ring fd", reg(r.fd, IORING_REGISTER_RING_FDS, &up, 1));
    up.offset = 3;
    up.data = r.fd;
    show("register ring fd at slot 3", reg(r.fd, IORING_REGISTER_RING_FDS, &up, 1));
    queue(&r, IORING_OP_NOP, -1, 70);
    show("enter through slot 3", enter(3, 1, 1, IORING_ENTER_GETEVENTS | IORING_ENTER_REGISTERED_RING, NULL, 0));
    drain("cqes", &r);
    show("enter through slot 4 (empty)", enter(4, 0, 0, IORING_ENTER_REGISTERED_RING, NULL, 0));
    show("enter through slot 99", enter(99, 0, 0, IORING_ENTER_REGISTERED_RING, NULL, 0));
    show("unregister slot 3 with data set", reg(r.fd, IORING_UNREGISTER_RING_FDS, &up, 1));
    up.data = 0;
    show("unregister slot 3", reg(r.fd, IORING_UNREGISTER_RING_FDS, &up, 1));
    show("unregister slot 3 again", reg(r.fd, IORING_UNREGISTER_RING_FDS, &up, 1));
    show("enable rings (not disabled)", reg(r.fd, IORING_REGISTER_ENABLE_RINGS, NULL, 0));
    show("restrictions (not disabled)", reg(r.fd, IORING_REGISTER_RESTRICTIONS, buf, 1));

    /* --- closing the ring with requests in flight */
    int p[2];
    pipe(p);
    s = queue(&r, IORING_OP_READ, p[0], 80); s->addr = (uintptr_t)buf; s->len = 4;
    struct __kernel_timespec t10s = { 10, 0 };
    s = queue(&r, IORING_OP_TIMEOUT, -1, 81); s->addr = (uintptr_t)&t10s; s->len = 1;
    show("submit pipe read + 10s timeout", enter(r.fd, 2, 0, 0, NULL, 0));
    show("close ring with both pending", close(r.fd));
    /* What happens to the pending read afterwards is up to Linux's teardown worker (on 6.18
     * it may still consume data written later): not checked. */
    printf("done\n");
    return 0;
}
