/* segv: prints one line with write(2) (unbuffered, so it is visible even
 * though the process dies), then stores through a NULL pointer.
 * Natively the process is killed by SIGSEGV (no handler installed). */
#include <unistd.h>

int main(void)
{
    static const char msg[] = "segv: about to write through NULL\n";
    if (write(1, msg, sizeof msg - 1) < 0)
        return 2;
    volatile int *volatile p = 0;
    *p = 42;
    static const char bad[] = "segv: still alive?!\n";
    (void)!write(1, bad, sizeof bad - 1);
    return 1;
}
