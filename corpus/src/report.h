/* report.h: printing helpers shared by the corpus test programs (fsops, pipes, procself,
 * timeid, sigpipe).
 *
 * Everything printed must be the same natively and under x64run, and the same with glibc and
 * musl: errors are printed as errno *names* (the libcs' strerror texts differ), never as
 * numbers that depend on the host (inode numbers, times, addresses, temp paths).
 *
 *   R("open a", open("a", O_RDONLY));   ->  "open a = 3"  or  "open a = -1 ENOENT"
 *   YES("same inode", a == b);          ->  "same inode: yes"
 */
#ifndef REPORT_H
#define REPORT_H

#include <errno.h>
#include <stdio.h>
#include <string.h>

__attribute__((unused)) static const char *errname(int e)
{
    static char buf[16];
    switch (e) {
    case EPERM: return "EPERM";
    case ENOENT: return "ENOENT";
    case ESRCH: return "ESRCH";
    case EINTR: return "EINTR";
    case EIO: return "EIO";
    case ENXIO: return "ENXIO";
    case E2BIG: return "E2BIG";
    case EBADF: return "EBADF";
    case ECHILD: return "ECHILD";
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
    case EFBIG: return "EFBIG";
    case ENOSPC: return "ENOSPC";
    case ESPIPE: return "ESPIPE";
    case EROFS: return "EROFS";
    case EMLINK: return "EMLINK";
    case EPIPE: return "EPIPE";
    case ERANGE: return "ERANGE";
    case EDEADLK: return "EDEADLK";
    case ENAMETOOLONG: return "ENAMETOOLONG";
    case ENOLCK: return "ENOLCK";
    case ENOSYS: return "ENOSYS";
    case ENOTEMPTY: return "ENOTEMPTY";
    case ELOOP: return "ELOOP";
    case EOVERFLOW: return "EOVERFLOW";
    case EOPNOTSUPP: return "EOPNOTSUPP";
    default:
        snprintf(buf, sizeof buf, "E#%d", e);
        return buf;
    }
}

/* Prints "what = result", or "what = -1 ENAME" for a failure (result < 0). */
__attribute__((unused)) static long report(const char *what, long r)
{
    if (r < 0)
        printf("%s = -1 %s\n", what, errname(errno));
    else
        printf("%s = %ld\n", what, r);
    fflush(stdout);
    return r;
}
#define R(what, expr) report((what), (long)(expr))

__attribute__((unused)) static void yes(const char *what, int b)
{
    printf("%s: %s\n", what, b ? "yes" : "no");
}
#define YES(what, cond) yes((what), (cond) != 0)

/* Prints n bytes as a quoted string with C escapes (\0, \n, \xNN). */
__attribute__((unused)) static void put_bytes(const char *label, const void *data, long n)
{
    const unsigned char *p = data;
    printf("%s \"", label);
    for (long k = 0; k < n; k++) {
        unsigned c = p[k];
        if (c == '"' || c == '\\') printf("\\%c", c);
        else if (c == '\n') fputs("\\n", stdout);
        else if (c == 0) fputs("\\0", stdout);
        else if (c < 0x20 || c > 0x7e) printf("\\x%02x", c);
        else putchar((int)c);
    }
    printf("\" (%ld)\n", n);
}

#endif
