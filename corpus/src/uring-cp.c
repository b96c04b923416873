/* uring-cp: an io_uring-cp style copy (liburing's examples/io_uring-cp.c) of a generated 1 MiB
 * file with queue depth 8 and 32 KiB blocks: READV at explicit offsets, each completed read
 * turned into a WRITEV of the same buffer at the same offset, short transfers requeued. Prints
 * the sizes, checksums of both files and the transfer counts (which do not depend on timing:
 * regular-file reads and writes are never short here).
 *
 * usage: uring-cp [SIZE]   (default 1048576; run in an empty directory)
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <liburing.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>
#include "uring.h"

#define QD 8
#define BS (32 * 1024)

struct io_data {
    int read;
    off_t first_offset, offset;
    size_t first_len;
    struct iovec iov;
};

static struct io_uring ring;
static int infd, outfd;
static unsigned reads, writes, requeues;

static uint32_t fnv1a(const unsigned char *p, size_t n, uint32_t h)
{
    for (size_t k = 0; k < n; k++) { h ^= p[k]; h *= 16777619u; }
    return h;
}

static uint32_t file_sum(const char *name, long *size)
{
    int fd = open(name, O_RDONLY);
    unsigned char b[8192];
    uint32_t h = 2166136261u;
    long total = 0;
    ssize_t n;
    while ((n = read(fd, b, sizeof b)) > 0) { h = fnv1a(b, n, h); total += n; }
    close(fd);
    *size = total;
    return h;
}

static void queue_prepped(struct io_data *d)
{
    struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
    if (!sqe) { printf("no sqe\n"); exit(1); }
    if (d->read) { io_uring_prep_readv(sqe, infd, &d->iov, 1, d->offset); reads++; }
    else { io_uring_prep_writev(sqe, outfd, &d->iov, 1, d->offset); writes++; }
    io_uring_sqe_set_data(sqe, d);
}

static int queue_read(off_t size, off_t offset)
{
    struct io_data *d = malloc(size + sizeof *d);
    if (!d) return 1;
    struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
    if (!sqe) { free(d); return 1; }
    d->read = 1;
    d->offset = d->first_offset = offset;
    d->iov.iov_base = d + 1;
    d->iov.iov_len = size;
    d->first_len = size;
    io_uring_prep_readv(sqe, infd, &d->iov, 1, offset);
    io_uring_sqe_set_data(sqe, d);
    reads++;
    return 0;
}

static void queue_write(struct io_data *d)
{
    d->read = 0;
    d->offset = d->first_offset;
    d->iov.iov_base = d + 1;
    d->iov.iov_len = d->first_len;
    queue_prepped(d);
    io_uring_submit(&ring);
}

static int copy_file(off_t insize)
{
    unsigned long reads_left = 0, writes_left = 0;
    off_t read_left = insize, write_left = insize, offset = 0;
    unsigned max_inflight = 0;
    while (read_left || write_left) {
        int had_reads = reads_left, got_comp = 0;
        while (read_left && reads_left + writes_left < QD) {
            off_t this_size = read_left > BS ? BS : read_left;
            if (queue_read(this_size, offset)) break;
            read_left -= this_size;
            offset += this_size;
            reads_left++;
        }
        if (reads_left + writes_left > max_inflight) max_inflight = reads_left + writes_left;
        if (had_reads != (int)reads_left) {
            int r = io_uring_submit(&ring);
            if (r < 0) { printf("submit: %s\n", ures(r)); return 1; }
        }
        while (write_left) {
            struct io_uring_cqe *cqe;
            int r = got_comp ? io_uring_peek_cqe(&ring, &cqe) : io_uring_wait_cqe(&ring, &cqe);
            if (r == -EAGAIN) break;
            if (r < 0) { printf("wait: %s\n", ures(r)); return 1; }
            got_comp = 1;
            struct io_data *d = io_uring_cqe_get_data(cqe);
            if (cqe->res < 0) {
                printf("cqe error: %s\n", ures(cqe->res));
                return 1;
            } else if ((size_t)cqe->res != d->iov.iov_len) {
                d->iov.iov_base = (char *)d->iov.iov_base + cqe->res;
                d->iov.iov_len -= cqe->res;
                d->offset += cqe->res;
                requeues++;
                queue_prepped(d);
                io_uring_submit(&ring);
                io_uring_cqe_seen(&ring, cqe);
                continue;
            }
            if (d->read) {
                queue_write(d);
                write_left -= d->first_len;
                reads_left--;
                writes_left++;
            } else {
                free(d);
                writes_left--;
            }
            io_uring_cqe_seen(&ring, cqe);
        }
    }
    while (writes_left) {
        struct io_uring_cqe *cqe;
        if (io_uring_wait_cqe(&ring, &cqe) < 0) return 1;
        if (cqe->res < 0) { printf("write: %s\n", ures(cqe->res)); return 1; }
        free(io_uring_cqe_get_data(cqe));
        writes_left--;
        io_uring_cqe_seen(&ring, cqe);
    }
    printf("max in flight: %u (queue depth %d)\n", max_inflight, QD);
    return 0;
}

int main(int argc, char **argv)
{
    long size = argc > 1 ? atol(argv[1]) : 1048576;
    setvbuf(stdout, NULL, _IONBF, 0);
    /* deterministic input: a 32-bit LCG */
    int fd = open("input.bin", O_CREAT | O_WRONLY | O_TRUNC, 0644);
    unsigned char *b = malloc(size);
    uint32_t x = 12345;
    for (long k = 0; k < size; k++) { x = x * 1103515245u + 12345u; b[k] = x >> 24; }
    if (write(fd, b, size) != size) { printf("short write\n"); return 1; }
    close(fd);
    free(b);

    infd = open("input.bin", O_RDONLY);
    outfd = open("copy.bin", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (io_uring_queue_init(QD, &ring, 0) < 0) { printf("queue_init failed\n"); return 1; }
    struct stat st;
    fstat(infd, &st);
    if (copy_file(st.st_size)) return 1;
    close(infd);
    close(outfd);
    io_uring_queue_exit(&ring);

    long s1, s2;
    uint32_t h1 = file_sum("input.bin", &s1), h2 = file_sum("copy.bin", &s2);
    printf("input: %ld bytes fnv1a %08x\n", s1, h1);
    printf("copy:  %ld bytes fnv1a %08x\n", s2, h2);
    printf("identical: %s\n", s1 == s2 && h1 == h2 ? "yes" : "no");
    printf("readv submitted: %u, writev submitted: %u, requeued: %u\n", reads, writes, requeues);
    return 0;
}
