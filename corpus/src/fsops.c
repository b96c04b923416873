/* fsops: file and directory system calls against a fresh, empty working directory
 * (case "cwd": "tmp"; see corpus/README.md).
 *
 * Prints results and errno names only: no inode numbers, block counts, absolute paths or
 * current times (relations such as "same inode: yes" instead). The same source is built for
 * glibc and musl and prints the same text with both: calls whose wrappers differ between the
 * libcs (statx, renameat2, copy_file_range, close_range, faccessat2) go through syscall(). */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>
#include <sys/sysmacros.h>
#include "report.h"

/* struct statx (include/uapi/linux/stat.h), declared here because musl-gcc has no kernel headers. */
struct statx_ts { int64_t tv_sec; uint32_t tv_nsec; int32_t reserved; };
struct statx_buf {
    uint32_t stx_mask, stx_blksize;
    uint64_t stx_attributes;
    uint32_t stx_nlink, stx_uid, stx_gid;
    uint16_t stx_mode, pad1;
    uint64_t stx_ino, stx_size, stx_blocks, stx_attributes_mask;
    struct statx_ts stx_atime, stx_btime, stx_ctime, stx_mtime;
    uint32_t stx_rdev_major, stx_rdev_minor, stx_dev_major, stx_dev_minor;
    uint64_t spare[14];
};
#define STATX_BASIC 0x7ffu

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE 1
#define RENAME_EXCHANGE 2
#endif
#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC 4
#endif
#ifndef F_OFD_GETLK
#define F_OFD_GETLK 36
#define F_OFD_SETLK 37
#endif
#ifndef O_TMPFILE
#define O_TMPFILE (020000000 | O_DIRECTORY)
#endif

static char buf[16384];

static void put_file(const char *path)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0) { printf("content %s: -1 %s\n", path, errname(errno)); return; }
    long n = read(fd, buf, sizeof buf);
    close(fd);
    char label[128];
    snprintf(label, sizeof label, "content %s:", path);
    put_bytes(label, buf, n);
}

static void put_stat(const char *label, const struct stat *st)
{
    const char *type = S_ISREG(st->st_mode) ? "reg" : S_ISDIR(st->st_mode) ? "dir" : S_ISLNK(st->st_mode) ? "lnk"
                     : S_ISFIFO(st->st_mode) ? "fifo" : S_ISCHR(st->st_mode) ? "chr" : "other";
    printf("%s: type=%s mode=%04o nlink=%lu", label, type, (unsigned)(st->st_mode & 07777), (unsigned long)st->st_nlink);
    if (!S_ISDIR(st->st_mode)) printf(" size=%ld", (long)st->st_size);
    printf("\n");
}

static void stat_path(const char *path, int follow)
{
    struct stat st;
    char label[160];
    snprintf(label, sizeof label, "%s %s", follow ? "stat" : "lstat", path);
    if ((follow ? stat(path, &st) : lstat(path, &st)) < 0) { printf("%s = -1 %s\n", label, errname(errno)); return; }
    put_stat(label, &st);
}

static long size_of(const char *path)
{
    struct stat st;
    return stat(path, &st) < 0 ? -1 : (long)st.st_size;
}

static void write_file(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (write(fd, text, strlen(text)) < 0) printf("write %s failed\n", path);
    close(fd);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Lists a directory sorted by name (readdir order is the file system's choice). */
static void list_dir(const char *path)
{
    DIR *d = opendir(path);
    if (!d) { printf("opendir %s = -1 %s\n", path, errname(errno)); return; }
    char *names[64];
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < 64) {
        char *s = malloc(strlen(e->d_name) + 8);
        const char *t = e->d_type == DT_REG ? "reg" : e->d_type == DT_DIR ? "dir" : e->d_type == DT_LNK ? "lnk" : "?";
        sprintf(s, "%s:%s", e->d_name, t);
        names[n++] = s;
    }
    rewinddir(d);
    int again = 0;
    while (readdir(d)) again++;
    closedir(d);
    qsort(names, n, sizeof names[0], cmp_str);
    printf("readdir %s (%d entries, %d after rewind):", path, n, again);
    for (int k = 0; k < n; k++) { printf(" %s", names[k]); free(names[k]); }
    printf("\n");
}

static void section(const char *name)
{
    printf("== %s\n", name);
}

static void open_errors(void)
{
    section("open");
    R("umask(022) old", umask(022));
    int fd = R("open a.txt O_CREAT|O_EXCL|O_WRONLY 0666", open("a.txt", O_CREAT | O_EXCL | O_WRONLY, 0666));
    R("write 12", write(fd, "hello world\n", 12));
    R("read on O_WRONLY", read(fd, buf, 4));
    R("close", close(fd));
    R("close again", close(fd));
    stat_path("a.txt", 1);
    R("open O_CREAT|O_EXCL existing", open("a.txt", O_CREAT | O_EXCL | O_WRONLY, 0644));
    R("open missing", open("missing", O_RDONLY));
    R("open file O_DIRECTORY", open("a.txt", O_RDONLY | O_DIRECTORY));
    R("open . O_WRONLY", open(".", O_WRONLY));
    R("open . O_RDWR", open(".", O_RDWR));
    R("open a.txt/x", open("a.txt/x", O_RDONLY));
    R("open a.txt/", open("a.txt/", O_RDONLY));
    R("open nodir/x O_CREAT", open("nodir/x", O_CREAT | O_WRONLY, 0644));
    R("open newdir/ O_CREAT", open("newdir/", O_CREAT | O_WRONLY, 0644));
    R("open empty path", open("", O_RDONLY));
    fd = R("open . O_RDONLY|O_DIRECTORY", open(".", O_RDONLY | O_DIRECTORY));
    R("read on directory", read(fd, buf, 10));
    R("write on directory", write(fd, "x", 1));
    close(fd);
    fd = open("a.txt", O_RDONLY);
    R("write on O_RDONLY", write(fd, "x", 1));
    close(fd);
}

static void rw(void)
{
    section("read/write/seek");
    int fd = R("open a.txt O_RDWR", open("a.txt", O_RDWR));
    R("read 5", read(fd, buf, 5));
    put_bytes("  got", buf, 5);
    R("lseek 0 SEEK_CUR", lseek(fd, 0, SEEK_CUR));
    R("lseek 0 SEEK_END", lseek(fd, 0, SEEK_END));
    R("lseek -1 SEEK_SET", lseek(fd, -1, SEEK_SET));
    R("lseek 0 whence 99", lseek(fd, 0, 99));
    R("lseek 100 SEEK_SET", lseek(fd, 100, SEEK_SET));
    R("read at 100 (EOF)", read(fd, buf, 10));
    R("lseek 3 SEEK_DATA", lseek(fd, 3, SEEK_DATA));
    R("lseek 0 SEEK_HOLE", lseek(fd, 0, SEEK_HOLE));
    R("lseek 12 SEEK_DATA", lseek(fd, 12, SEEK_DATA));
    R("lseek 5 SEEK_SET", lseek(fd, 5, SEEK_SET));
    R("pread 5 at 6", pread(fd, buf, 5, 6));
    put_bytes("  got", buf, 5);
    R("position after pread", lseek(fd, 0, SEEK_CUR));
    R("pwrite WORLD at 6", pwrite(fd, "WORLD", 5, 6));
    R("pread -1 offset", pread(fd, buf, 5, -1));
    long n = R("pread all", pread(fd, buf, sizeof buf, 0));
    put_bytes("  got", buf, n);
    R("pwrite past end at 20", pwrite(fd, "Z", 1, 20));
    n = R("pread all", pread(fd, buf, sizeof buf, 0));
    put_bytes("  got", buf, n);
    R("ftruncate 12", ftruncate(fd, 12));

    char a[4], b[32];
    struct iovec iv[2] = { { a, sizeof a }, { b, sizeof b } };
    lseek(fd, 0, SEEK_SET);
    n = R("readv 4+32", readv(fd, iv, 2));
    put_bytes("  iov0", a, 4);
    put_bytes("  iov1", b, n - 4);
    close(fd);

    fd = open("v.txt", O_CREAT | O_WRONLY | O_TRUNC, 0644);
    struct iovec ov[3] = { { "one ", 4 }, { "", 0 }, { "two\n", 4 } };
    R("writev 3 iovecs", writev(fd, ov, 3));
    volatile int minus1 = -1;
    R("writev iovcnt -1", writev(fd, ov, minus1));
    close(fd);
    put_file("v.txt");

    fd = R("open v.txt O_WRONLY|O_APPEND", open("v.txt", O_WRONLY | O_APPEND));
    lseek(fd, 0, SEEK_SET);
    R("write after lseek 0 (appends)", write(fd, "three\n", 6));
    R("position", lseek(fd, 0, SEEK_CUR));
    R("pwrite at 0 with O_APPEND", pwrite(fd, "4\n", 2, 0));
    close(fd);
    put_file("v.txt");

    fd = R("open v.txt O_WRONLY|O_TRUNC", open("v.txt", O_WRONLY | O_TRUNC));
    struct stat st;
    fstat(fd, &st);
    put_stat("fstat after O_TRUNC", &st);
    close(fd);
}

static void stats(void)
{
    section("stat");
    struct stat s1, s2, s3;
    R("symlink a.txt l", symlink("a.txt", "l"));
    stat_path("l", 1);
    stat_path("l", 0);
    stat("a.txt", &s1);
    int fd = open("a.txt", O_RDONLY);
    fstat(fd, &s2);
    YES("fstat ino == stat ino", s1.st_ino == s2.st_ino && s1.st_dev == s2.st_dev);
    R("fstatat(AT_FDCWD, l, NOFOLLOW)", fstatat(AT_FDCWD, "l", &s3, AT_SYMLINK_NOFOLLOW));
    YES("  is link", S_ISLNK(s3.st_mode));
    R("fstatat(fd, \"\", AT_EMPTY_PATH)", fstatat(fd, "", &s3, AT_EMPTY_PATH));
    YES("  same ino", s3.st_ino == s1.st_ino);
    R("fstatat(fd, \"\", 0)", fstatat(fd, "", &s3, 0));
    R("fstatat bad flags", fstatat(AT_FDCWD, "a.txt", &s3, 0x4));
    R("stat empty path", stat("", &s3));
    R("stat missing/x", stat("missing/x", &s3));

    struct statx_buf sx;
    memset(&sx, 0, sizeof sx);
    R("statx a.txt BASIC", syscall(SYS_statx, AT_FDCWD, "a.txt", 0, STATX_BASIC, &sx));
    YES("  mask has BASIC_STATS", (sx.stx_mask & STATX_BASIC) == STATX_BASIC);
    printf("  mode=%o size=%llu nlink=%u\n", sx.stx_mode, (unsigned long long)sx.stx_size, sx.stx_nlink);
    YES("  ino == stat ino", sx.stx_ino == s1.st_ino);
    YES("  mtime == stat mtime", sx.stx_mtime.tv_sec == s1.st_mtim.tv_sec && sx.stx_mtime.tv_nsec == (unsigned)s1.st_mtim.tv_nsec);
    YES("  dev == stat dev", (dev_t)makedev(sx.stx_dev_major, sx.stx_dev_minor) == s1.st_dev);
    YES("  uid/gid == stat", sx.stx_uid == s1.st_uid && sx.stx_gid == s1.st_gid);
    R("statx l NOFOLLOW", syscall(SYS_statx, AT_FDCWD, "l", AT_SYMLINK_NOFOLLOW, STATX_BASIC, &sx));
    printf("  mode=%o size=%llu\n", sx.stx_mode, (unsigned long long)sx.stx_size);
    R("statx fd AT_EMPTY_PATH", syscall(SYS_statx, fd, "", AT_EMPTY_PATH, STATX_BASIC, &sx));
    printf("  mode=%o size=%llu\n", sx.stx_mode, (unsigned long long)sx.stx_size);
    R("statx missing", syscall(SYS_statx, AT_FDCWD, "missing", 0, STATX_BASIC, &sx));
    R("statx reserved mask bit", syscall(SYS_statx, AT_FDCWD, "a.txt", 0, 0x80000000u, &sx));
    close(fd);
}

static void names(void)
{
    section("rename/link/symlink");
    write_file("b.txt", "bee\n");
    write_file("c.txt", "sea\n");
    R("rename b.txt b2.txt", rename("b.txt", "b2.txt"));
    stat_path("b.txt", 1);
    R("rename c.txt over b2.txt", rename("c.txt", "b2.txt"));
    put_file("b2.txt");
    write_file("c.txt", "sea again\n");
    R("renameat2 NOREPLACE onto existing", syscall(SYS_renameat2, AT_FDCWD, "c.txt", AT_FDCWD, "b2.txt", RENAME_NOREPLACE));
    R("renameat2 NOREPLACE to new name", syscall(SYS_renameat2, AT_FDCWD, "c.txt", AT_FDCWD, "c2.txt", RENAME_NOREPLACE));
    R("renameat2 EXCHANGE", syscall(SYS_renameat2, AT_FDCWD, "c2.txt", AT_FDCWD, "b2.txt", RENAME_EXCHANGE));
    put_file("b2.txt");
    put_file("c2.txt");
    R("renameat2 EXCHANGE with missing", syscall(SYS_renameat2, AT_FDCWD, "c2.txt", AT_FDCWD, "nope", RENAME_EXCHANGE));
    R("renameat2 NOREPLACE|EXCHANGE", syscall(SYS_renameat2, AT_FDCWD, "c2.txt", AT_FDCWD, "b2.txt", 3));
    R("rename missing", rename("nope", "nope2"));
    R("rename to itself", rename("b2.txt", "b2.txt"));
    mkdir("rd", 0755);
    mkdir("rd/sub", 0755);
    mkdir("full", 0755);
    write_file("full/f", "f\n");
    R("rename dir into own subdir", rename("rd", "rd/sub/x"));
    R("rename file over dir", rename("b2.txt", "rd"));
    R("rename dir over file", rename("rd", "b2.txt"));
    R("rename dir over non-empty dir", rename("rd", "full"));
    R("rename dir over empty dir", rename("full", "rd/sub"));
    list_dir("rd");
    list_dir("rd/sub");
    R("rename file with trailing slash", rename("b2.txt/", "zz"));

    R("link b2.txt hard", link("b2.txt", "hard"));
    stat_path("b2.txt", 1);
    R("link onto existing", link("b2.txt", "c2.txt"));
    R("link directory", link("rd", "rdlink"));
    R("link missing", link("nope", "x"));
    struct stat s1, s2;
    stat("b2.txt", &s1);
    stat("hard", &s2);
    YES("hard link same ino", s1.st_ino == s2.st_ino);
    R("unlink b2.txt", unlink("b2.txt"));
    stat_path("hard", 1);

    char t[64];
    long n = R("readlink l", readlink("l", t, sizeof t));
    put_bytes("  target", t, n);
    n = R("readlink l bufsiz 3", readlink("l", t, 3));
    put_bytes("  target", t, n);
    R("readlink regular file", readlink("a.txt", t, sizeof t));
    R("readlink missing", readlink("nope", t, sizeof t));
    R("readlink bufsiz 0", syscall(SYS_readlink, "l", t, 0));
    R("symlink dangling", symlink("does/not/exist", "dangling"));
    stat_path("dangling", 1);
    stat_path("dangling", 0);
    R("symlink onto existing", symlink("x", "l"));
    R("symlink loop1 -> loop2", symlink("loop2", "loop1"));
    R("symlink loop2 -> loop1", symlink("loop1", "loop2"));
    stat_path("loop1", 1);
    R("open symlink O_NOFOLLOW", open("l", O_RDONLY | O_NOFOLLOW));
    int fd = R("open symlink O_PATH|O_NOFOLLOW", open("l", O_PATH | O_NOFOLLOW));
    n = R("readlinkat(fd, \"\")", readlinkat(fd, "", t, sizeof t));
    if (n > 0) put_bytes("  target", t, n);
    close(fd);
    R("symlink dir link -> rd", symlink("rd", "dirlink"));
    fd = R("open dirlink/sub/f via symlink", open("dirlink/sub/f", O_RDONLY));
    close(fd);
    stat_path("dirlink/", 0);
    R("unlink dirlink/", unlink("dirlink/"));
    R("unlink dirlink", unlink("dirlink"));
    R("unlink missing", unlink("nope"));
    R("unlink a directory", unlink("rd"));
}

static void dirs(void)
{
    section("mkdir/rmdir/readdir");
    R("mkdir d 0777", mkdir("d", 0777));
    stat_path("d", 1);
    R("mkdir d again", mkdir("d", 0755));
    R("mkdir e/ (trailing slash)", mkdir("e/", 0755));
    R("mkdir missing/x", mkdir("missing/x", 0755));
    R("mkdir a.txt/x", mkdir("a.txt/x", 0755));
    write_file("d/zeta", "z");
    write_file("d/alpha", "a");
    mkdir("d/mid", 0700);
    symlink("alpha", "d/link");
    list_dir("d");
    list_dir("d/mid");
    list_dir("missing");
    R("rmdir non-empty d", rmdir("d"));
    R("rmdir a file", rmdir("a.txt"));
    R("rmdir .", rmdir("."));
    R("rmdir d/mid/..", rmdir("d/mid/.."));
    R("rmdir missing", rmdir("missing"));
    R("rmdir e", rmdir("e"));
    R("rmdir d/mid/", rmdir("d/mid/"));
    R("unlinkat(AT_REMOVEDIR) on file", unlinkat(AT_FDCWD, "d/zeta", AT_REMOVEDIR));
    R("unlinkat bad flag", unlinkat(AT_FDCWD, "d/zeta", 1));
    list_dir("d");
}

static void sizes(void)
{
    section("truncate/fallocate");
    write_file("t", "0123456789");
    R("truncate t 4", truncate("t", 4));
    put_file("t");
    R("truncate t 8", truncate("t", 8));
    put_file("t");
    R("truncate t -1", truncate("t", -1));
    R("truncate missing", truncate("missing", 1));
    R("truncate directory", truncate("d", 1));
    int fd = open("t", O_RDWR);
    R("ftruncate 2", ftruncate(fd, 2));
    R("size", size_of("t"));
    R("fallocate 0..8192", fallocate(fd, 0, 0, 8192));
    R("size", size_of("t"));
    R("fallocate KEEP_SIZE to 20000", fallocate(fd, FALLOC_FL_KEEP_SIZE, 0, 20000));
    R("size", size_of("t"));
    R("fallocate len 0", fallocate(fd, 0, 0, 0));
    R("fallocate offset -1", fallocate(fd, 0, -1, 10));
    R("pread at 100 of allocated area", pread(fd, buf, 4, 100));
    printf("  zeros: %s\n", buf[0] == 0 && buf[1] == 0 && buf[2] == 0 && buf[3] == 0 ? "yes" : "no");
    close(fd);
    fd = open("t", O_RDONLY);
    R("ftruncate on O_RDONLY", ftruncate(fd, 1));
    R("fallocate on O_RDONLY", fallocate(fd, 0, 0, 1));
    close(fd);
    fd = open("d", O_RDONLY | O_DIRECTORY);
    R("ftruncate on directory", ftruncate(fd, 1));
    close(fd);
}

static void put_times(const char *path, int follow)
{
    struct stat st;
    if ((follow ? stat(path, &st) : lstat(path, &st)) < 0) { printf("times %s: -1 %s\n", path, errname(errno)); return; }
    printf("times %s: atime=%ld.%09ld mtime=%ld.%09ld\n", path, (long)st.st_atim.tv_sec, st.st_atim.tv_nsec,
           (long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
}

static void times_(void)
{
    section("utimensat");
    struct timespec ts[2] = { { 1000000000, 500000000 }, { 1234567890, 123456789 } };
    R("utimensat a.txt explicit", utimensat(AT_FDCWD, "a.txt", ts, 0));
    put_times("a.txt", 1);
    struct timespec ts2[2] = { { 0, UTIME_OMIT }, { 1500000000, 250000000 } };
    R("utimensat atime OMIT", utimensat(AT_FDCWD, "a.txt", ts2, 0));
    put_times("a.txt", 1);
    struct timespec ts3[2] = { { 2000000000, 0 }, { 0, UTIME_OMIT } };
    R("utimensat symlink NOFOLLOW", utimensat(AT_FDCWD, "l", ts3, AT_SYMLINK_NOFOLLOW));
    struct stat sl, sa;
    lstat("l", &sl);
    stat("a.txt", &sa);
    printf("  link atime=%ld, target atime unchanged: %s\n", (long)sl.st_atim.tv_sec, sa.st_atim.tv_sec == 1000000000 ? "yes" : "no");
    struct timespec bad[2] = { { 0, 1000000000 }, { 0, 0 } };
    R("utimensat nsec 1e9", utimensat(AT_FDCWD, "a.txt", bad, 0));
    R("utimensat missing", utimensat(AT_FDCWD, "missing", ts, 0));
    time_t before = time(NULL);
    int fd = open("a.txt", O_RDONLY);
    R("futimens(fd, NULL)", futimens(fd, NULL));
    struct stat st;
    fstat(fd, &st);
    YES("  mtime is now", st.st_mtim.tv_sec >= before && st.st_mtim.tv_sec <= time(NULL));
    struct timespec now[2] = { { 0, UTIME_NOW }, { 0, UTIME_OMIT } };
    R("futimens atime NOW", futimens(fd, now));
    fstat(fd, &st);
    YES("  atime is now", st.st_atim.tv_sec >= before && st.st_atim.tv_sec <= time(NULL));
    close(fd);
}

static void perms(void)
{
    section("chmod/access/umask");
    R("chmod a.txt 0600", chmod("a.txt", 0600));
    stat_path("a.txt", 1);
    R("chmod 04755 keeps bits", chmod("a.txt", 04755));
    stat_path("a.txt", 1);
    R("chmod missing", chmod("missing", 0600));
    int fd = open("a.txt", O_RDONLY);
    R("fchmod 0640", fchmod(fd, 0640));
    close(fd);
    stat_path("a.txt", 1);
    R("fchmodat 0444", fchmodat(AT_FDCWD, "a.txt", 0444, 0));
    stat_path("a.txt", 1);
    R("access F_OK", access("a.txt", F_OK));
    R("access R_OK", access("a.txt", R_OK));
    R("access missing", access("missing", F_OK));
    R("access bad mode", access("a.txt", 8));
    chmod("a.txt", 0);
    int r = access("a.txt", R_OK), e = errno;
    YES("access R_OK on mode 0: root may, others EACCES", geteuid() == 0 ? r == 0 : (r < 0 && e == EACCES));
    r = access("a.txt", X_OK);
    YES("access X_OK on mode 0 fails with EACCES", r < 0 && errno == EACCES);
    chmod("a.txt", 0755);
    R("access X_OK on 0755", access("a.txt", X_OK));
    int dfd = open("d", O_RDONLY | O_DIRECTORY);
    R("faccessat(dirfd, alpha, R_OK)", faccessat(dfd, "alpha", R_OK, 0));
    R("faccessat(dirfd, nope)", faccessat(dfd, "nope", F_OK, 0));
    R("faccessat2(dirfd, link, F_OK, AT_SYMLINK_NOFOLLOW)", syscall(SYS_faccessat2, dfd, "link", F_OK, AT_SYMLINK_NOFOLLOW));
    R("faccessat2 bad flags", syscall(SYS_faccessat2, dfd, "alpha", F_OK, 0x1));
    R("faccessat2(fd, \"\", AT_EMPTY_PATH)", syscall(SYS_faccessat2, dfd, "", F_OK, AT_EMPTY_PATH));
    close(dfd);
    R("umask(077) old", umask(077));
    int cfd = R("creat u.txt 0666 under umask 077", creat("u.txt", 0666));
    close(cfd);
    stat_path("u.txt", 1);
    R("mkdir ud 0777 under umask 077", mkdir("ud", 0777));
    stat_path("ud", 1);
    R("umask(0) old", umask(0));
    cfd = R("creat u0.txt 0666 under umask 0", creat("u0.txt", 0666));
    close(cfd);
    stat_path("u0.txt", 1);
    R("mkdir u0d 0777 under umask 0", mkdir("u0d", 0777));
    stat_path("u0d", 1);
    R("umask(022) old", umask(022));
}

static void fds(void)
{
    section("dup/fcntl/flock");
    int fd = R("open a.txt O_RDWR|O_APPEND", open("a.txt", O_RDWR | O_APPEND));
    R("dup", dup(fd));
    R("dup2 -> 10", dup2(fd, 10));
    R("dup2 same fd", dup2(fd, fd));
    R("dup2 bad oldfd", dup2(99, 11));
    R("dup3 same fd", syscall(SYS_dup3, fd, fd, 0));
    R("dup3 -> 11 O_CLOEXEC", dup3(fd, 11, O_CLOEXEC));
    R("dup3 bad flags", syscall(SYS_dup3, fd, 12, 1));
    R("F_GETFD 11", fcntl(11, F_GETFD));
    R("F_GETFD 10", fcntl(10, F_GETFD));
    R("F_SETFD 10 FD_CLOEXEC", fcntl(10, F_SETFD, FD_CLOEXEC));
    R("F_GETFD 10", fcntl(10, F_GETFD));
    R("F_DUPFD >= 20", fcntl(fd, F_DUPFD, 20));
    R("F_DUPFD >= 20 again", fcntl(fd, F_DUPFD, 20));
    R("F_DUPFD_CLOEXEC >= 5", fcntl(fd, F_DUPFD_CLOEXEC, 5));
    R("F_GETFD of it", fcntl(5, F_GETFD));
    printf("F_GETFL = %#x\n", fcntl(fd, F_GETFL));
    R("F_SETFL O_NONBLOCK", fcntl(fd, F_SETFL, O_NONBLOCK));
    printf("F_GETFL = %#x\n", fcntl(fd, F_GETFL));
    R("F_SETFL O_RDONLY|O_APPEND (access mode ignored)", fcntl(fd, F_SETFL, O_RDONLY | O_APPEND));
    printf("F_GETFL = %#x\n", fcntl(fd, F_GETFL));
    printf("F_GETFL of dup 10 (shared description) = %#x\n", fcntl(10, F_GETFL));
    int ro = open("a.txt", O_RDONLY | O_CLOEXEC);
    printf("F_GETFL O_RDONLY|O_CLOEXEC = %#x\n", fcntl(ro, F_GETFL));
    R("F_GETFD of it", fcntl(ro, F_GETFD));
    R("fcntl bad fd", fcntl(99, F_GETFD));
    R("fcntl bad cmd", fcntl(fd, 9999));
    for (int k = 3; k < 30; k++) if (k != fd && k != ro) close(k);

    struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 10 };
    R("F_SETLK write lock", fcntl(fd, F_SETLK, &fl));
    fl.l_type = F_RDLCK;
    R("F_GETLK (own lock never conflicts)", fcntl(fd, F_GETLK, &fl));
    printf("  l_type=%s\n", fl.l_type == F_UNLCK ? "F_UNLCK" : fl.l_type == F_WRLCK ? "F_WRLCK" : "F_RDLCK");
    fl.l_type = F_WRLCK;
    R("F_SETLK write lock on O_RDONLY fd", fcntl(ro, F_SETLK, &fl));
    fl.l_type = 7;
    R("F_SETLK bad type", fcntl(fd, F_SETLK, &fl));
    fl.l_type = F_UNLCK;
    R("F_SETLK unlock", fcntl(fd, F_SETLK, &fl));

    int o1 = open("a.txt", O_RDWR), o2 = open("a.txt", O_RDWR);
    struct flock ofd = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0, .l_pid = 0 };
    R("F_OFD_SETLK write lock on o1", fcntl(o1, F_OFD_SETLK, &ofd));
    ofd.l_type = F_RDLCK;
    R("F_OFD_GETLK from o2", fcntl(o2, F_OFD_GETLK, &ofd));
    printf("  l_type=%s l_pid=%d l_start=%ld l_len=%ld\n", ofd.l_type == F_UNLCK ? "F_UNLCK" : ofd.l_type == F_WRLCK ? "F_WRLCK" : "F_RDLCK",
           ofd.l_pid, (long)ofd.l_start, (long)ofd.l_len);
    ofd.l_type = F_RDLCK; ofd.l_start = 0; ofd.l_len = 0; ofd.l_pid = 0;
    R("F_OFD_SETLK read lock on o2 (conflict)", fcntl(o2, F_OFD_SETLK, &ofd));
    ofd.l_pid = 1;
    R("F_OFD_SETLK with l_pid != 0", fcntl(o2, F_OFD_SETLK, &ofd));
    ofd.l_pid = 0;
    R("close o1 (drops its OFD lock)", close(o1));
    R("F_OFD_SETLK read lock on o2", fcntl(o2, F_OFD_SETLK, &ofd));
    close(o2);

    int f1 = open("a.txt", O_RDONLY), f2 = open("a.txt", O_RDONLY);
    int f1dup = dup(f1);
    R("flock f1 LOCK_EX", flock(f1, LOCK_EX));
    R("flock f2 LOCK_SH|LOCK_NB (other description)", flock(f2, LOCK_SH | LOCK_NB));
    R("flock dup of f1 LOCK_EX|LOCK_NB (same description)", flock(f1dup, LOCK_EX | LOCK_NB));
    R("flock f1 LOCK_SH (convert)", flock(f1, LOCK_SH));
    R("flock f2 LOCK_SH|LOCK_NB", flock(f2, LOCK_SH | LOCK_NB));
    R("flock f2 LOCK_EX|LOCK_NB", flock(f2, LOCK_EX | LOCK_NB));
    R("flock f1 LOCK_UN", flock(f1, LOCK_UN));
    R("flock f2 LOCK_EX|LOCK_NB", flock(f2, LOCK_EX | LOCK_NB));
    R("close f2 (releases)", close(f2));
    R("flock f1 LOCK_EX|LOCK_NB", flock(f1, LOCK_EX | LOCK_NB));
    R("flock bad op", flock(f1, 0));
    R("flock bad fd", flock(99, LOCK_SH));
    close(f1); close(f1dup);
    close(fd); close(ro);
}

static void cwd(void)
{
    section("getcwd/chdir");
    char base[4096], now[4096];
    if (!getcwd(base, sizeof base)) printf("getcwd failed\n");
    mkdir("cw", 0755);
    mkdir("cw/in", 0755);
    R("chdir cw/in", chdir("cw/in"));
    getcwd(now, sizeof now);
    YES("getcwd == base/cw/in", strlen(now) == strlen(base) + 6 && !strncmp(now, base, strlen(base)) && !strcmp(now + strlen(base), "/cw/in"));
    R("chdir ../..", chdir("../.."));
    getcwd(now, sizeof now);
    YES("getcwd == base", !strcmp(now, base));
    int dfd = open("cw", O_RDONLY | O_DIRECTORY);
    R("fchdir(cw)", fchdir(dfd));
    getcwd(now, sizeof now);
    YES("getcwd == base/cw", !strncmp(now, base, strlen(base)) && !strcmp(now + strlen(base), "/cw"));
    int ifd = R("relative open after fchdir", open("in", O_RDONLY | O_DIRECTORY));
    close(ifd);
    R("chdir base", chdir(base));
    int ffd = open("a.txt", O_RDONLY);
    R("fchdir(regular file)", fchdir(ffd));
    close(ffd);
    R("fchdir(bad fd)", fchdir(99));
    R("chdir a.txt", chdir("a.txt"));
    R("chdir missing", chdir("missing"));
    R("getcwd size 1", getcwd(now, 1) ? 0 : -1);
    R("syscall getcwd size 1", syscall(SYS_getcwd, now, 1));
    long n = syscall(SYS_getcwd, now, sizeof now);
    YES("syscall getcwd returns strlen+1", n == (long)strlen(base) + 1);
    mkdir("gone", 0755);
    chdir("gone");
    R("rmdir ../gone (the cwd)", rmdir("../gone"));
    R("syscall getcwd in removed dir", syscall(SYS_getcwd, now, sizeof now));
    int gfd = R("open . in removed dir", open(".", O_RDONLY));
    close(gfd);
    R("creat in removed dir", open("x", O_CREAT | O_WRONLY, 0644));
    R("chdir base", chdir(base));
    close(dfd);
}

static void at_calls(void)
{
    section("*at with dirfds");
    mkdir("at", 0755);
    int dfd = R("open at O_DIRECTORY", open("at", O_RDONLY | O_DIRECTORY));
    int fd = R("openat(dfd, f, O_CREAT)", openat(dfd, "f", O_CREAT | O_WRONLY, 0644));
    R("write", write(fd, "at-file\n", 8));
    close(fd);
    struct stat st;
    R("fstatat(dfd, f)", fstatat(dfd, "f", &st, 0));
    put_stat("  f", &st);
    R("mkdirat(dfd, sub)", mkdirat(dfd, "sub", 0755));
    R("renameat(dfd, f, dfd, sub/g)", renameat(dfd, "f", dfd, "sub/g"));
    R("linkat(dfd, sub/g, AT_FDCWD, at/h)", linkat(dfd, "sub/g", AT_FDCWD, "at/h", 0));
    R("symlinkat(../h, dfd, sub/s)", symlinkat("../h", dfd, "sub/s"));
    char t[64];
    long n = R("readlinkat(dfd, sub/s)", readlinkat(dfd, "sub/s", t, sizeof t));
    put_bytes("  target", t, n);
    fd = R("openat(dfd, sub/s) follows ../h", openat(dfd, "sub/s", O_RDONLY));
    n = read(fd, t, sizeof t);
    put_bytes("  read", t, n);
    R("openat(regular fd, x)", openat(fd, "x", O_RDONLY));
    close(fd);
    R("openat(bad fd, x)", openat(99, "x", O_RDONLY));
    int rfd = R("openat(bad fd, \"/\") ignores dirfd", openat(99, "/", O_RDONLY | O_DIRECTORY));
    close(rfd);
    int pfd = R("open at O_PATH", open("at", O_PATH | O_DIRECTORY));
    int hfd = R("openat(O_PATH dirfd, h)", openat(pfd, "h", O_RDONLY));
    close(hfd);
    R("read on O_PATH fd", read(pfd, t, 1));
    R("fstat on O_PATH fd", fstat(pfd, &st));
    close(pfd);
    R("unlinkat(dfd, sub, 0) on dir", unlinkat(dfd, "sub", 0));
    R("unlinkat(dfd, sub/s, 0)", unlinkat(dfd, "sub/s", 0));
    R("unlinkat(dfd, sub/g, 0)", unlinkat(dfd, "sub/g", 0));
    R("unlinkat(dfd, sub, AT_REMOVEDIR)", unlinkat(dfd, "sub", AT_REMOVEDIR));
    list_dir("at");
    close(dfd);

    fd = R("open . O_TMPFILE|O_RDWR", open(".", O_TMPFILE | O_RDWR, 0600));
    if (fd >= 0) {
        R("write", write(fd, "tmp", 3));
        fstat(fd, &st);
        put_stat("  tmpfile", &st);
        R("pread", pread(fd, t, 3, 0));
        close(fd);
    }
    R("O_TMPFILE|O_RDONLY", open(".", O_TMPFILE | O_RDONLY, 0600));

    fd = open("a.txt", O_RDONLY);
    R("unlink open file", unlink("a.txt"));
    fstat(fd, &st);
    put_stat("  fstat after unlink", &st);
    n = R("read after unlink", read(fd, t, 5));
    close(fd);
}

static void transfers(void)
{
    section("sendfile/copy_file_range");
    int src = open("src", O_CREAT | O_RDWR | O_TRUNC, 0644);
    for (int k = 0; k < 10000; k++) buf[k] = (char)('a' + k % 26);
    write(src, buf, 10000);
    lseek(src, 0, SEEK_SET);
    int dst = open("dst", O_CREAT | O_RDWR | O_TRUNC, 0644);
    off_t off = 100;
    R("sendfile(dst, src, &off=100, 500)", sendfile(dst, src, &off, 500));
    printf("  off=%ld src pos=%ld dst pos=%ld\n", (long)off, (long)lseek(src, 0, SEEK_CUR), (long)lseek(dst, 0, SEEK_CUR));
    R("sendfile(dst, src, NULL, 20000)", sendfile(dst, src, NULL, 20000));
    printf("  src pos=%ld dst size=%ld\n", (long)lseek(src, 0, SEEK_CUR), size_of("dst"));
    R("sendfile at EOF", sendfile(dst, src, NULL, 10));
    char a[8], b[8];
    pread(dst, a, 5, 0);
    pread(dst, b, 5, 500);
    put_bytes("  dst[0..5]", a, 5);
    put_bytes("  dst[500..505]", b, 5);
    int dfd = open(".", O_RDONLY | O_DIRECTORY);
    R("sendfile from directory", sendfile(dst, dfd, NULL, 10));
    close(dfd);
    int ro = open("src", O_RDONLY);
    R("sendfile to O_RDONLY fd", sendfile(ro, src, NULL, 10));
    close(ro);

    off_t oin = 26, oout = 3;
    int out = open("cfr", O_CREAT | O_RDWR | O_TRUNC, 0644);
    R("copy_file_range(src@26 -> cfr@3, 30)", syscall(SYS_copy_file_range, src, &oin, out, &oout, 30, 0));
    printf("  off_in=%ld off_out=%ld size=%ld\n", (long)oin, (long)oout, size_of("cfr"));
    long n = pread(out, buf, 64, 0);
    put_bytes("  cfr", buf, n);
    lseek(src, 9990, SEEK_SET);
    R("copy_file_range with NULL offsets", syscall(SYS_copy_file_range, src, NULL, out, NULL, 100, 0));
    printf("  src pos=%ld out pos=%ld\n", (long)lseek(src, 0, SEEK_CUR), (long)lseek(out, 0, SEEK_CUR));
    R("copy_file_range flags=1", syscall(SYS_copy_file_range, src, NULL, out, NULL, 10, 1));
    close(src); close(dst); close(out);
}

static void misc(void)
{
    section("statfs/close_range");
    struct statfs a, b;
    R("statfs .", statfs(".", &a));
    int fd = open(".", O_RDONLY);
    R("fstatfs", fstatfs(fd, &b));
    close(fd);
    printf("  f_namelen=%ld same type=%s bsize>0=%s\n", (long)a.f_namelen, a.f_type == b.f_type ? "yes" : "no", a.f_bsize > 0 ? "yes" : "no");
    R("statfs missing", statfs("missing", &a));

    for (int k = 0; k < 6; k++) open(".", O_RDONLY);
    R("close_range(5, 7, 0)", syscall(SYS_close_range, 5, 7, 0));
    for (int k = 3; k <= 9; k++) printf(" %d:%s", k, fcntl(k, F_GETFD) < 0 ? "closed" : "open");
    printf("\n");
    R("close_range(3, ~0, CLOEXEC)", syscall(SYS_close_range, 3, ~0u, CLOSE_RANGE_CLOEXEC));
    for (int k = 3; k <= 9; k++) printf(" %d:%d", k, fcntl(k, F_GETFD));
    printf("\n");
    R("close_range(5, 4, 0)", syscall(SYS_close_range, 5, 4, 0));
    R("close_range bad flags", syscall(SYS_close_range, 3, 4, 0x80));
    R("close_range(3, ~0, 0)", syscall(SYS_close_range, 3, ~0u, 0));
    R("fcntl(3) after", fcntl(3, F_GETFD));
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    open_errors();
    rw();
    stats();
    names();
    dirs();
    sizes();
    times_();
    perms();
    fds();
    cwd();
    at_calls();
    transfers();
    misc();
    list_dir(".");
    return 0;
}
