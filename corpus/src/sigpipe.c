/* sigpipe: write to a pipe whose read end is closed (pipe(7)).
 *
 *   sigpipe            default disposition: the process is killed by SIGPIPE
 *   sigpipe ignore     signal(SIGPIPE, SIG_IGN) first: write fails with EPIPE
 *
 * Kept apart from pipes.c because it needs signal dispositions (rt_sigaction). */
#include <signal.h>
#include <unistd.h>
#include "report.h"

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    int ignore = argc > 1 && !strcmp(argv[1], "ignore");
    if (ignore)
        printf("signal(SIGPIPE, SIG_IGN) %s\n", signal(SIGPIPE, SIG_IGN) == SIG_ERR ? "failed" : "ok");
    int p[2];
    R("pipe", pipe(p));
    R("close read end", close(p[0]));
    R("write to the pipe", write(p[1], "x", 1));
    printf("still alive\n");
    return 0;
}
