/* exitcode: exits with the status given by argv[1] (atoi), after printing it
 * through stdio (so exit() must flush the buffer). No argument -> 0. */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    int code = argc > 1 ? atoi(argv[1]) : 0;
    printf("exitcode: argc=%d, exiting with %d\n", argc, code);
    exit(code);
}
