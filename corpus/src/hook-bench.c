/* hook-bench: the loops of glibc's Library-OS RFC benchmark (benchtests/bench-nop.c, "syscall +
 * nops" against "call"), for bench/syscall-hooks.mjs.
 *
 *   hook-bench <variant> <N>     makes N gettid calls (or N clock_gettime calls) in one loop
 *
 * Variants (each loop body also checks the result against the first call's):
 *   libc          syscall(SYS_gettid): a call into glibc's syscall() function
 *   inline        mov $186,%eax; syscall                 (the RFC's baseline)
 *   nop3          syscall; 3 x nop                        (room for a 5-byte call after rewriting)
 *   nop10         syscall; 10 x nop
 *   jmp1          jmp 1f; nop; 1: syscall                 (a jmp over the patch area)
 *   jmp8          jmp 1f; 8 x nop; 1: syscall
 *   call-cached   call hook_stub_cached: the binary-rewriting layout, where the 2-byte syscall and
 *                 its nops became a 5-byte call into a library OS's stub. This stub answers in
 *                 user space: it returns the tid cached at start-up (mov cached(%rip),%eax; ret),
 *                 so no syscall happens at all.
 *   call-syscall  call hook_stub_syscall: the same layout, where the stub forwards the call
 *                 (syscall; ret): the cost of the indirection alone.
 *   vdso          clock_gettime(CLOCK_MONOTONIC) through glibc and the vDSO (checks monotonicity)
 *
 * Built with -mno-red-zone: an inline-asm `call` pushes below %rsp. Prints one line:
 * "<variant> n=<N> consistent: yes".
 *
 * Timing: the loop is bracketed by two getppid() calls, markers a syscall hook can timestamp
 * (bench/syscall-hooks.mjs does, to time the loop alone under x64run). Natively,
 * `hook-bench <variant> <N> wall|cpu` also prints "loop <ns>" on stderr: the loop's
 * CLOCK_MONOTONIC or CLOCK_THREAD_CPUTIME_ID time.
 *
 *   hook-bench <variant> <N> <clock> <K>   runs the loop as K chunks of N/K calls with a getppid()
 *                                          marker between chunks (K + 1 markers in all), so an
 *                                          emulator's steady state can be timed apart from its
 *                                          warm-up; <clock> is "none" to print no loop time. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

long hook_cached_tid;

__asm__(".text\n"
        ".globl hook_stub_cached\n"
        "hook_stub_cached:\n"
        "    mov hook_cached_tid(%rip), %rax\n"
        "    ret\n"
        ".globl hook_stub_syscall\n"
        "hook_stub_syscall:\n"
        "    syscall\n"
        "    ret\n");

#define NOP1 "nop\n\t"
#define NOP3 NOP1 NOP1 NOP1
#define NOP8 NOP3 NOP3 NOP1 NOP1
#define NOP10 NOP8 NOP1 NOP1

#define GETTID_ASM(text)                                                                                       \
    ({                                                                                                         \
        long r_;                                                                                               \
        __asm__ volatile(text : "=a"(r_) : "0"((long)SYS_gettid) : "rcx", "r11", "memory");                   \
        r_;                                                                                                    \
    })

#define LOOP(expr)                                                                                             \
    do {                                                                                                       \
        long expect_ = (expr);                                                                                 \
        for (long i_ = 0; i_ < n; i_++) bad += (expr) != expect_;                                              \
    } while (0)

static long __attribute__((noinline)) run(const char *v, long n)
{
    long bad = 0;
    if (!strcmp(v, "libc")) LOOP(syscall(SYS_gettid));
    else if (!strcmp(v, "inline")) LOOP(GETTID_ASM("syscall"));
    else if (!strcmp(v, "nop3")) LOOP(GETTID_ASM("syscall\n\t" NOP3));
    else if (!strcmp(v, "nop10")) LOOP(GETTID_ASM("syscall\n\t" NOP10));
    else if (!strcmp(v, "jmp1")) LOOP(GETTID_ASM("jmp 1f\n\t" NOP1 "1: syscall"));
    else if (!strcmp(v, "jmp8")) LOOP(GETTID_ASM("jmp 1f\n\t" NOP8 "1: syscall"));
    else if (!strcmp(v, "call-cached")) LOOP(GETTID_ASM("call hook_stub_cached"));
    else if (!strcmp(v, "call-syscall")) LOOP(GETTID_ASM("call hook_stub_syscall"));
    else if (!strcmp(v, "vdso")) {
        struct timespec prev = { 0, 0 }, t;
        for (long i = 0; i < n; i++) {
            bad += clock_gettime(CLOCK_MONOTONIC, &t) != 0;
            bad += t.tv_sec < prev.tv_sec || (t.tv_sec == prev.tv_sec && t.tv_nsec < prev.tv_nsec);
            prev = t;
        }
    } else return -1;
    return bad;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: hook-bench libc|inline|nop3|nop10|jmp1|jmp8|call-cached|call-syscall|vdso N\n");
        return 2;
    }
    hook_cached_tid = syscall(SYS_gettid);
    long n = atol(argv[2]);
    clockid_t clk = argc > 3 && !strcmp(argv[3], "cpu") ? CLOCK_THREAD_CPUTIME_ID : CLOCK_MONOTONIC;
    long chunks = argc > 4 ? atol(argv[4]) : 1;
    if (chunks < 1 || n % chunks != 0) {
        fprintf(stderr, "hook-bench: the chunk count must divide N\n");
        return 2;
    }
    struct timespec t0, t1;
    clock_gettime(clk, &t0);
    syscall(SYS_getppid); /* start marker */
    long bad = 0;
    for (long k = 0; k < chunks && bad >= 0; k++) {
        bad += run(argv[1], n / chunks);
        syscall(SYS_getppid); /* end of a chunk; the last one is the end marker */
    }
    clock_gettime(clk, &t1);
    if (argc > 3 && strcmp(argv[3], "none") != 0) fprintf(stderr, "loop %lld\n", (long long)(t1.tv_sec - t0.tv_sec) * 1000000000LL + (t1.tv_nsec - t0.tv_nsec));
    if (bad < 0) {
        fprintf(stderr, "hook-bench: unknown variant %s\n", argv[1]);
        return 2;
    }
    printf("%s n=%ld consistent: %s\n", argv[1], n, bad == 0 ? "yes" : "no");
    return bad == 0 ? 0 : 1;
}
