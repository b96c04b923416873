/* uring-nolibc: liburing 2.3 built with `./configure --nolibc` (CONFIG_NOLIBC: liburing's own
 * memset and mmap-based __uring_malloc/__uring_free, inline `syscall` instructions) linked into
 * a program without any libc (-nostdlib -ffreestanding): its own _start, write, exit and
 * number formatting. The library comes from Debian's liburing 2.3-3 source package, fetched
 * and built by corpus/programs.d/uring.prep.sh.
 *
 * Runs in an empty directory. Uses the ring for everything it can: OPENAT, WRITE, READ, CLOSE,
 * a linked NOP chain, a TIMEOUT, the probe (which allocates through __uring_malloc) and a
 * registered ring fd.
 */
#include <liburing.h>

#define SYS_write 1
#define SYS_exit_group 231

static long sys3(long nr, long a, long b, long c)
{
    long r;
    __asm__ volatile("syscall" : "=a"(r) : "a"(nr), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
    return r;
}

static unsigned long slen(const char *s)
{
    unsigned long n = 0;
    while (s[n]) n++;
    return n;
}

static void out(const char *s) { sys3(SYS_write, 1, (long)s, slen(s)); }

static void outn(long v)
{
    char b[24];
    int k = sizeof b;
    int neg = v < 0;
    unsigned long u = neg ? -(unsigned long)v : (unsigned long)v;
    b[--k] = 0;
    do { b[--k] = '0' + u % 10; u /= 10; } while (u);
    if (neg) b[--k] = '-';
    out(b + k);
}

static void line(const char *what, long v)
{
    out(what);
    out(": ");
    outn(v);
    out("\n");
}

static struct io_uring ring;

static int wait_one(const char *what)
{
    struct io_uring_cqe *c;
    int e = io_uring_wait_cqe(&ring, &c);
    if (e < 0) { line("wait_cqe failed", e); return e; }
    out(what);
    out(": ud=");
    outn((long)c->user_data);
    out(" res=");
    outn(c->res);
    out("\n");
    int res = c->res;
    io_uring_cqe_seen(&ring, c);
    return res;
}

static int run(void)
{
    int e = io_uring_queue_init(8, &ring, 0);
    line("queue_init", e);
    if (e < 0) return 1;
    line("single mmap", (ring.features & IORING_FEAT_SINGLE_MMAP) != 0);

    struct io_uring_sqe *s = io_uring_get_sqe(&ring);
    io_uring_prep_openat(s, AT_FDCWD, "nolibc.txt", O_CREAT | O_RDWR | O_TRUNC, 0644);
    s->user_data = 1;
    line("submit openat", io_uring_submit(&ring));
    int fd = wait_one("openat");
    if (fd < 0) return 1;

    static const char msg[] = "written by io_uring without libc\n";
    s = io_uring_get_sqe(&ring);
    io_uring_prep_write(s, fd, msg, sizeof msg - 1, 0);
    s->user_data = 2;
    s->flags |= IOSQE_IO_LINK;
    static char back[64];
    s = io_uring_get_sqe(&ring);
    io_uring_prep_read(s, fd, back, sizeof back, 0);
    s->user_data = 3;
    line("submit write->read", io_uring_submit_and_wait(&ring, 2));
    wait_one("write");
    int n = wait_one("read");
    if (n > 0) { out("read back: "); sys3(SYS_write, 1, (long)back, n); }

    /* the ring writes to stdout itself */
    static const char hello[] = "hello from the ring\n";
    s = io_uring_get_sqe(&ring);
    io_uring_prep_write(s, 1, hello, sizeof hello - 1, -1);
    s->user_data = 4;
    io_uring_submit(&ring);
    wait_one("write stdout");

    struct __kernel_timespec ts = { 0, 5 * 1000 * 1000 };
    s = io_uring_get_sqe(&ring);
    io_uring_prep_timeout(s, &ts, 0, 0);
    s->user_data = 5;
    io_uring_submit(&ring);
    wait_one("timeout");

    s = io_uring_get_sqe(&ring);
    io_uring_prep_close(s, fd);
    s->user_data = 6;
    io_uring_submit(&ring);
    wait_one("close");

    /* __uring_malloc (mmap) + __uring_free (munmap) */
    struct io_uring_probe *p = io_uring_get_probe_ring(&ring);
    line("probe", p != 0);
    if (p) {
        line("  READ supported", io_uring_opcode_supported(p, IORING_OP_READ));
        line("  MSG_RING supported", io_uring_opcode_supported(p, IORING_OP_MSG_RING));
        io_uring_free_probe(p);
    }

    line("register ring fd", io_uring_register_ring_fd(&ring));
    for (int k = 0; k < 3; k++) {
        s = io_uring_get_sqe(&ring);
        io_uring_prep_nop(s);
        s->user_data = 10 + k;
        if (k < 2) s->flags |= IOSQE_IO_LINK;
    }
    line("submit 3 linked nops via the registered ring", io_uring_submit_and_wait(&ring, 3));
    for (int k = 0; k < 3; k++) wait_one("nop");
    line("unregister ring fd", io_uring_unregister_ring_fd(&ring));
    io_uring_queue_exit(&ring);
    return 0;
}

void _start_c(void)
{
    int r = run();
    sys3(SYS_exit_group, r, 0, 0);
    for (;;) {}
}

__asm__(".globl _start\n"
        "_start:\n"
        "  xor %ebp, %ebp\n"
        "  and $-16, %rsp\n"
        "  call _start_c\n"
        "  hlt\n");
