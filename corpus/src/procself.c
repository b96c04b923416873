/* procself: the synthetic /proc and /dev as a program sees them.
 *
 * Only host-independent facts are printed: the basename of /proc/self/exe, booleans about
 * /proc/self/maps, the exact cmdline and environ (the case gives them), the fd listing,
 * sizes and relations (pid in /proc/self/stat == getpid()), device numbers of /dev nodes. */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include "report.h"

static char buf[1 << 20];

static long slurp(const char *path)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0) { printf("open %s = -1 %s\n", path, errname(errno)); return -1; }
    long total = 0, n;
    while ((n = read(fd, buf + total, sizeof buf - 1 - total)) > 0) total += n;
    close(fd);
    buf[total] = 0;
    return total;
}

static void exe(void)
{
    char t[4096];
    long n = readlink("/proc/self/exe", t, sizeof t - 1);
    if (n < 0) { printf("readlink /proc/self/exe = -1 %s\n", errname(errno)); return; }
    t[n] = 0;
    const char *base = strrchr(t, '/');
    printf("exe basename: %s, absolute: %s\n", base ? base + 1 : t, t[0] == '/' ? "yes" : "no");
    int fd = open("/proc/self/exe", O_RDONLY);
    char magic[4] = { 0 };
    R("read 4 bytes of /proc/self/exe", read(fd, magic, 4));
    YES("  ELF magic", !memcmp(magic, "\x7f" "ELF", 4));
    struct stat a, b;
    fstat(fd, &a);
    stat(t, &b);
    YES("  same file as the readlink target", a.st_ino == b.st_ino && a.st_dev == b.st_dev);
    close(fd);
    n = readlink("/proc/self", t, sizeof t - 1);
    t[n < 0 ? 0 : n] = 0;
    YES("readlink /proc/self == getpid()", n > 0 && atoi(t) == getpid());
    n = readlink("/proc/self/cwd", t, sizeof t - 1);
    t[n < 0 ? 0 : n] = 0;
    char cwd[4096];
    YES("readlink /proc/self/cwd == getcwd()", n > 0 && getcwd(cwd, sizeof cwd) && !strcmp(cwd, t));
}

static void maps(const char *exe_base)
{
    long n = slurp("/proc/self/maps");
    YES("maps not empty", n > 0);
    int lines = 0, parsed = 0, stack = 0, exe_line = 0, exe_x = 0, ordered = 1;
    unsigned long prev_end = 0;
    for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
        lines++;
        unsigned long start, end, off, ino;
        char perms[8];
        unsigned maj, min;
        int pos = 0;
        if (sscanf(line, "%lx-%lx %7s %lx %x:%x %lu %n", &start, &end, perms, &off, &maj, &min, &ino, &pos) >= 7 &&
            strlen(perms) == 4 && start < end)
            parsed++;
        if (start < prev_end) ordered = 0;
        prev_end = end;
        const char *path = pos ? line + pos : "";
        if (!strcmp(path, "[stack]")) stack = perms[0] == 'r' && perms[1] == 'w';
        const char *slash = strrchr(path, '/');
        if (slash && !strcmp(slash + 1, exe_base)) {
            exe_line = 1;
            if (perms[2] == 'x' && perms[0] == 'r') exe_x = 1;
        }
    }
    YES("every maps line parses", lines == parsed);
    YES("maps sorted by address", ordered);
    YES("[stack] line, rw", stack);
    YES("a line for the executable", exe_line);
    YES("an r-x mapping of the executable", exe_x);
}

static void put_nul_list(const char *label, long n)
{
    put_bytes(label, buf, n);
}

/* stdio is whatever the runner connected (pipes, sockets, files): only its presence is printed. */
static void fd_dir(void)
{
    DIR *d = opendir("/proc/self/fd");
    if (!d) { printf("opendir /proc/self/fd = -1 %s\n", errname(errno)); return; }
    int self = dirfd(d), have[4] = { 0 }, dots = 0, bad = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) { dots++; continue; }
        char *end;
        long fd = strtol(e->d_name, &end, 10);
        if (*end || fd < 0) bad++;
        else if (fd <= 2) have[fd] = 1;
        else if (fd == self) have[3] = 1;
        if (e->d_type != DT_LNK) bad++;
    }
    closedir(d);
    printf("/proc/self/fd lists 0 1 2: %s, its own fd: %s, . and ..: %s, all numeric symlinks: %s\n",
           have[0] && have[1] && have[2] ? "yes" : "no", have[3] ? "yes" : "no", dots == 2 ? "yes" : "no", bad ? "no" : "yes");
    char t[256];
    long len = readlink("/proc/self/fd/0", t, sizeof t - 1);
    YES("readlink /proc/self/fd/0 works", len > 0);
    struct stat a, b;
    fstat(1, &a);
    stat("/proc/self/fd/1", &b);
    YES("stat /proc/self/fd/1 == fstat(1)", a.st_ino == b.st_ino && a.st_dev == b.st_dev && a.st_mode == b.st_mode);
    lstat("/proc/self/fd/1", &b);
    YES("lstat /proc/self/fd/1 is a symlink", S_ISLNK(b.st_mode));

    int p[2];
    pipe(p);
    write(p[1], "through the pipe", 16);
    snprintf(t, sizeof t, "/proc/self/fd/%d", p[0]);
    char link[64];
    len = readlink(t, link, sizeof link);
    YES("readlink of a pipe fd starts with pipe:[", len > 6 && !strncmp(link, "pipe:[", 6));
    lstat(t, &b);
    printf("lstat modes of the fd links: read end %04o", (unsigned)(b.st_mode & 07777));
    char w[64];
    snprintf(w, sizeof w, "/proc/self/fd/%d", p[1]);
    lstat(w, &b);
    printf(", write end %04o\n", (unsigned)(b.st_mode & 07777));
    int fd = R("open /proc/self/fd/<pipe read end>", open(t, O_RDONLY));
    char in[64];
    long r = read(fd, in, sizeof in);
    put_bytes("  read", in, r < 0 ? 0 : r);
    R("close the reopened end", close(fd));
    close(p[1]);
    R("read the original end after the writer closed", read(p[0], in, sizeof in));
    close(p[0]);
    R("open /proc/self/fd/77", open("/proc/self/fd/77", O_RDONLY));
}

static void misc_proc(const char *exe_base)
{
    long n = slurp("/proc/self/auxv");
    printf("auxv: size %% 16 == 0: %s, ends with AT_NULL: %s", n % 16 == 0 ? "yes" : "no",
           n >= 16 && ((uint64_t *)buf)[n / 8 - 2] == 0 ? "yes" : "no");
    uint64_t pagesz = 0;
    for (long k = 0; k + 16 <= n; k += 16) if (((uint64_t *)(buf + k))[0] == 6) pagesz = ((uint64_t *)(buf + k))[1];
    printf(", AT_PAGESZ = %llu\n", (unsigned long long)pagesz);

    n = slurp("/proc/self/cmdline");
    put_nul_list("cmdline", n);
    n = slurp("/proc/self/environ");
    put_nul_list("environ", n);
    n = slurp("/proc/self/comm");
    put_bytes("comm", buf, n);
    char expect[32];
    snprintf(expect, sizeof expect, "%.15s\n", exe_base);
    YES("comm == first 15 bytes of the exe name", !strcmp(buf, expect));
    n = slurp("/proc/self/stat");
    int pid = 0;
    char state = 0;
    char *close_paren = strrchr(buf, ')');
    sscanf(buf, "%d", &pid);
    if (close_paren) sscanf(close_paren + 1, " %c", &state);
    YES("stat: pid == getpid()", pid == getpid());
    printf("stat: state %c\n", state);
    n = slurp("/proc/self/status");
    char *name = strstr(buf, "Name:\t"), *p = strstr(buf, "\nPid:\t"), *pp = strstr(buf, "\nPPid:\t");
    YES("status: Name line", name == buf);
    YES("status: Pid == getpid()", p && atoi(p + 6) == getpid());
    YES("status: PPid == getppid()", pp && atoi(pp + 7) == getppid());
    n = slurp("/proc/cpuinfo");
    YES("cpuinfo: processor line", !strncmp(buf, "processor", 9));
    YES("cpuinfo: flags line", strstr(buf, "\nflags\t") != NULL);
    n = slurp("/proc/meminfo");
    YES("meminfo: MemTotal first", !strncmp(buf, "MemTotal:", 9));
    n = slurp("/proc/uptime");
    YES("uptime: two numbers", n > 0 && strchr(buf, ' ') && atol(buf) >= 0 && buf[n - 1] == '\n');
    DIR *d = opendir("/proc/self/");
    int seen = 0;
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (!strcmp(e->d_name, "maps") || !strcmp(e->d_name, "fd") || !strcmp(e->d_name, "exe") || !strcmp(e->d_name, "cmdline")) seen++;
    }
    if (d) closedir(d);
    YES("/proc/self lists maps, fd, exe, cmdline", seen == 4);
    R("open /proc/self/nonexistent", open("/proc/self/nonexistent", O_RDONLY));
}

static void devices(void)
{
    struct stat st;
    const char *devs[] = { "/dev/null", "/dev/zero", "/dev/full", "/dev/urandom", "/dev/random" };
    for (unsigned k = 0; k < sizeof devs / sizeof devs[0]; k++) {
        if (stat(devs[k], &st) < 0) { printf("stat %s = -1 %s\n", devs[k], errname(errno)); continue; }
        printf("%s: chr=%s rdev=%u:%u mode=%04o\n", devs[k], S_ISCHR(st.st_mode) ? "yes" : "no", major(st.st_rdev), minor(st.st_rdev),
               (unsigned)(st.st_mode & 07777));
    }
    int fd = open("/dev/null", O_RDWR);
    R("write /dev/null", write(fd, "discard", 7));
    R("read /dev/null", read(fd, buf, 10));
    R("lseek /dev/null", lseek(fd, 100, SEEK_SET));
    close(fd);
    fd = open("/dev/zero", O_RDONLY);
    memset(buf, 1, 64);
    R("read /dev/zero 64", read(fd, buf, 64));
    int zero = 1;
    for (int k = 0; k < 64; k++) if (buf[k]) zero = 0;
    YES("  all zero", zero);
    close(fd);
    fd = open("/dev/full", O_WRONLY);
    R("write /dev/full", write(fd, "x", 1));
    close(fd);
    fd = open("/dev/urandom", O_RDONLY);
    memset(buf, 0, 64);
    R("read /dev/urandom 64", read(fd, buf, 64));
    int nonzero = 0;
    for (int k = 0; k < 64; k++) if (buf[k]) nonzero++;
    YES("  not all zero", nonzero > 0);
    close(fd);
    R("open /dev/nonexistent", open("/dev/nonexistent", O_RDONLY));
    char t[64];
    long n = readlink("/dev/stdin", t, sizeof t);
    put_bytes("readlink /dev/stdin", t, n < 0 ? 0 : n);
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    (void)argc;
    char t[4096];
    long n = readlink("/proc/self/exe", t, sizeof t - 1);
    t[n < 0 ? 0 : n] = 0;
    const char *base = strrchr(t, '/') ? strrchr(t, '/') + 1 : argv[0];
    exe();
    maps(base);
    fd_dir();
    misc_proc(base);
    devices();
    return 0;
}
