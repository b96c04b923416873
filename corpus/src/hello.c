/* hello: the smallest libc smoke test (musl, glibc, glibc-pie).
 * Exercises stdio (fully buffered to a pipe, flushed at exit), integer and
 * floating-point printf formatting (SSE/x87 paths in the libc) and puts.
 * Output is fully deterministic. */
#include <stdio.h>

int main(void)
{
    volatile int n = 42;          /* volatile: keep the formatting at run time */
    volatile double x = 3.14159265358979;
    printf("hello from %s, %d %s %.3f\n", "x64run corpus", n * 2 + 1, "pi~", x * 2.0);
    puts("second line via puts");
    return 0;
}
