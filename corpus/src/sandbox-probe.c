/*
 * sandbox-probe: tries the ways a guest could reach files outside its root and prints what
 * each attempt returned, one line per command. Used by test/kernel/sandbox.test.ts, which runs
 * it under x64run with --root and checks that nothing outside the root was read or changed.
 * Natively (outside any chroot) the same commands do reach the host, which is the point: the
 * commands are real escapes; only the emulator's root makes them fail.
 *
 * Commands (each its own argv word, arguments separated by ':'):
 *   read:PATH            open + read, prints the first line
 *   readat:DIR:PATH      open DIR (O_DIRECTORY|O_PATH), openat(dirfd, PATH)
 *   openat2:PATH         openat2(AT_FDCWD, PATH, {O_RDONLY, resolve=0})
 *   write:PATH           open(O_WRONLY|O_CREAT|O_TRUNC) + write "pwned\n"
 *   rename:A:B  link:A:B  symlink:TARGET:LINK  unlink:PATH
 *   readlink:PATH  chdir:PATH  fchdirup:N (open "..", fchdir, N times)  getcwd
 *   list:DIR             prints the names in DIR, sorted
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

struct open_how_ { uint64_t flags, mode, resolve; };

static const char *errname(int e) {
    switch (e) {
    case ENOENT: return "ENOENT"; case EACCES: return "EACCES"; case EPERM: return "EPERM";
    case EROFS: return "EROFS"; case EXDEV: return "EXDEV"; case ENOTDIR: return "ENOTDIR";
    case EEXIST: return "EEXIST"; case ELOOP: return "ELOOP"; case EINVAL: return "EINVAL";
    case ENOSYS: return "ENOSYS"; case EISDIR: return "EISDIR"; case EBADF: return "EBADF";
    default: { static char buf[16]; snprintf(buf, sizeof buf, "errno %d", e); return buf; }
    }
}

static void result(const char *cmd, long r) {
    if (r < 0) printf("%s -> %s\n", cmd, errname(errno));
    else printf("%s -> ok\n", cmd);
}

static void print_first_line(const char *cmd, int fd) {
    char buf[256];
    ssize_t n = read(fd, buf, sizeof buf - 1);
    if (n < 0) { printf("%s -> read %s\n", cmd, errname(errno)); return; }
    buf[n] = 0;
    char *nl = strchr(buf, '\n');
    if (nl) *nl = 0;
    printf("%s -> \"%s\"\n", cmd, buf);
}

static int cmpstr(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IONBF, 0);
    for (int i = 1; i < argc; i++) {
        char *cmd = strdup(argv[i]);
        char *op = strtok(cmd, ":"), *a = strtok(NULL, ":"), *b = strtok(NULL, ":");
        const char *w = argv[i];
        if (!strcmp(op, "read")) {
            int fd = open(a, O_RDONLY);
            if (fd < 0) result(w, -1); else { print_first_line(w, fd); close(fd); }
        } else if (!strcmp(op, "readat")) {
            int d = open(a, O_DIRECTORY | O_PATH);
            if (d < 0) { result(w, -1); continue; }
            int fd = openat(d, b, O_RDONLY);
            if (fd < 0) result(w, -1); else { print_first_line(w, fd); close(fd); }
            close(d);
        } else if (!strcmp(op, "openat2")) {
            struct open_how_ how = { O_RDONLY, 0, 0 };
            long fd = syscall(SYS_openat2, AT_FDCWD, a, &how, sizeof how);
            if (fd < 0) result(w, -1); else { print_first_line(w, (int)fd); close((int)fd); }
        } else if (!strcmp(op, "write")) {
            int fd = open(a, O_WRONLY | O_CREAT | O_TRUNC, 0644);
            if (fd < 0) result(w, -1); else { result(w, write(fd, "pwned\n", 6)); close(fd); }
        } else if (!strcmp(op, "rename")) result(w, rename(a, b));
        else if (!strcmp(op, "link")) result(w, link(a, b));
        else if (!strcmp(op, "symlink")) result(w, symlink(a, b));
        else if (!strcmp(op, "unlink")) result(w, unlink(a));
        else if (!strcmp(op, "readlink")) {
            char buf[4096];
            ssize_t n = readlink(a, buf, sizeof buf - 1);
            if (n < 0) result(w, -1); else { buf[n] = 0; printf("%s -> \"%s\"\n", w, buf); }
        } else if (!strcmp(op, "chdir")) result(w, chdir(a));
        else if (!strcmp(op, "fchdirup")) {
            int n = atoi(a), r = 0;
            for (int k = 0; k < n && r == 0; k++) {
                int fd = open("..", O_DIRECTORY | O_RDONLY);
                if (fd < 0) { r = -1; break; }
                r = fchdir(fd);
                close(fd);
            }
            result(w, r);
        } else if (!strcmp(op, "getcwd")) {
            char buf[4096];
            if (!getcwd(buf, sizeof buf)) result(w, -1); else printf("%s -> \"%s\"\n", w, buf);
        } else if (!strcmp(op, "list")) {
            DIR *d = opendir(a);
            if (!d) { result(w, -1); continue; }
            char *names[256];
            int n = 0;
            struct dirent *e;
            while ((e = readdir(d)) && n < 256)
                if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) names[n++] = strdup(e->d_name);
            closedir(d);
            qsort(names, n, sizeof *names, cmpstr);
            printf("%s ->", w);
            for (int k = 0; k < n; k++) printf(" %s", names[k]);
            printf("\n");
        } else printf("%s -> unknown command\n", w);
        free(cmd);
    }
    return 0;
}
