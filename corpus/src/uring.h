/* uring.h: helpers shared by the io_uring corpus programs (uring-ops, uring-cp, uring-malformed).
 *
 * Everything printed must be the same natively and under x64run: results are printed as
 * numbers or errno *names*, never addresses, inode numbers or times. Kernel features newer
 * than the ones x64run emulates (more opcodes, more feature bits) are masked.
 */
#ifndef URING_H
#define URING_H

#include <errno.h>
#include <stdio.h>
#include <string.h>

__attribute__((unused)) static const char *uerr(int e)
{
    static char buf[16];
    switch (e) {
    case EPERM: return "EPERM";
    case ENOENT: return "ENOENT";
    case EINTR: return "EINTR";
    case EIO: return "EIO";
    case ENXIO: return "ENXIO";
    case E2BIG: return "E2BIG";
    case EBADF: return "EBADF";
    case EAGAIN: return "EAGAIN";
    case ENOMEM: return "ENOMEM";
    case EACCES: return "EACCES";
    case EFAULT: return "EFAULT";
    case EBUSY: return "EBUSY";
    case EEXIST: return "EEXIST";
    case EXDEV: return "EXDEV";
    case ENODEV: return "ENODEV";
    case ENOTDIR: return "ENOTDIR";
    case EISDIR: return "EISDIR";
    case EINVAL: return "EINVAL";
    case EMFILE: return "EMFILE";
    case ENOTTY: return "ENOTTY";
    case ENOSPC: return "ENOSPC";
    case ESPIPE: return "ESPIPE";
    case EPIPE: return "EPIPE";
    case ENOSYS: return "ENOSYS";
    case ENOTEMPTY: return "ENOTEMPTY";
    case ELOOP: return "ELOOP";
    case ETIME: return "ETIME";
    case EOVERFLOW: return "EOVERFLOW";
    case EBADFD: return "EBADFD";
    case ENOTSOCK: return "ENOTSOCK";
    case EOPNOTSUPP: return "EOPNOTSUPP";
    case ENOBUFS: return "ENOBUFS";
    case EALREADY: return "EALREADY";
    case ECANCELED: return "ECANCELED";
    case EBADR: return "EBADR";
    default:
        snprintf(buf, sizeof buf, "E#%d", e);
        return buf;
    }
}

/* A result in the kernel's convention (negative errno) as text. */
__attribute__((unused)) static const char *ures(long r)
{
    static char bufs[4][32];
    static int k;
    char *b = bufs[k++ & 3];
    if (r < 0 && r > -4096) snprintf(b, 32, "-%s", uerr((int)-r));
    else snprintf(b, 32, "%ld", r);
    return b;
}

/* A libc-style result (-1 + errno) as text. */
__attribute__((unused)) static const char *ucall(long r)
{
    return r == -1 ? ures(-errno) : ures(r);
}

#endif
