/* hook-demo: the guest side of the syscall-hook ("library OS") examples.
 *
 *   hook-demo [-p] [file...]
 *
 * Prints whether getpid() is positive and agrees with syscall(SYS_getpid), then (with -p) the
 * pid itself, then for each file the result of open()+read() and its contents. glibc's open()
 * is the openat syscall and musl's is open(2); the JavaScript hooks in
 * test/kernel/hooks.test.ts and the README's example answer getpid and serve files from memory.
 * The golden cases leave out -p (the pid differs between native runs). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "report.h"

int main(int argc, char **argv)
{
    int show = argc > 1 && strcmp(argv[1], "-p") == 0;
    pid_t pid = getpid();
    YES("getpid() > 0", pid > 0);
    YES("getpid() == syscall(SYS_getpid)", pid == syscall(SYS_getpid));
    if (show) printf("pid %d\n", (int)pid);
    for (int k = show ? 2 : 1; k < argc; k++) {
        int fd = open(argv[k], O_RDONLY);
        if (fd < 0) {
            printf("open %s = -1 %s\n", argv[k], errname(errno));
            continue;
        }
        char buf[4096];
        long total = 0, r;
        while ((r = read(fd, buf + total, sizeof buf - total)) > 0) total += r;
        if (r < 0) printf("read %s = -1 %s\n", argv[k], errname(errno));
        put_bytes(argv[k], buf, total);
        close(fd);
    }
    return 0;
}
