/*
 * smc: self-modifying and generated code. Writes machine code into an RWX mapping, runs it
 * until it is hot (so an emulator has translated it), rewrites it and runs it again; then code
 * that patches the immediate of its own next instruction; then code that rewrites a function in
 * a page it shares with running code; then mprotect(PROT_NONE)/remap of a code page.
 * Every result is printed, so a stale translation shows as a wrong number.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

typedef long (*fn0)(void);
typedef long (*fn1)(long);

/* mov eax, imm32 ; ret */
static void emit_ret_imm(uint8_t *p, uint32_t imm) {
    p[0] = 0xb8; memcpy(p + 1, &imm, 4); p[5] = 0xc3;
}

/* A loop: for (rcx = n; rcx; rcx--) rax += imm8; ret.
 *   31 c0          xor eax,eax
 *   48 89 f9       mov rcx,rdi
 *   48 83 c0 XX    add rax,imm8      <- patched
 *   48 ff c9       dec rcx
 *   75 f7          jne add
 *   c3             ret
 */
static void emit_loop(uint8_t *p, int8_t imm) {
    static const uint8_t code[] = { 0x31, 0xc0, 0x48, 0x89, 0xf9, 0x48, 0x83, 0xc0, 0x00, 0x48, 0xff, 0xc9, 0x75, 0xf7, 0xc3 };
    memcpy(p, code, sizeof code);
    p[8] = (uint8_t)imm;
}

/* Code that patches the imm32 of its own following instruction, then executes it:
 *   c7 05 01 00 00 00 NN NN NN NN   mov dword [rip+1], imm32   (rip+1 = the imm32 of the mov below)
 *   b8 00 00 00 00                  mov eax, 0                 <- its imm32 gets overwritten
 *   c3                              ret
 * The store's displacement is relative to the end of the store (offset 10); the mov's imm32 is at 11.
 */
static void emit_self_patch(uint8_t *p, uint32_t imm) {
    static const uint8_t code[] = { 0xc7, 0x05, 0x01, 0x00, 0x00, 0x00, 0, 0, 0, 0, 0xb8, 0, 0, 0, 0, 0xc3 };
    memcpy(p, code, sizeof code);
    memcpy(p + 6, &imm, 4);
}

static sigjmp_buf jb;
static void on_segv(int sig) { siglongjmp(jb, sig); }

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    uint8_t *code = mmap(NULL, 8192, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (code == MAP_FAILED) { perror("mmap"); return 1; }

    /* 1. generated function, hot, then rewritten */
    long sum = 0;
    for (uint32_t round = 1; round <= 5; round++) {
        emit_ret_imm(code, round * 1000);
        long s = 0;
        for (int i = 0; i < 1000; i++) s += ((fn0)code)();
        printf("ret-imm round %u: %ld\n", round, s);
        sum += s;
    }

    /* 2. a hot loop whose immediate is rewritten between calls */
    for (int imm = 1; imm <= 4; imm++) {
        emit_loop(code + 64, (int8_t)(imm * 3));
        long s = 0;
        for (int i = 0; i < 200; i++) s += ((fn1)(code + 64))(100 + i);
        printf("loop imm %d: %ld\n", imm * 3, s);
    }

    /* 3. code that patches its own next instruction, called hot, with different values */
    for (uint32_t v = 7; v < 7 * 6; v += 7) {
        long s = 0;
        for (int i = 0; i < 100; i++) {
            emit_self_patch(code + 128, v + (uint32_t)i);
            s += ((fn0)(code + 128))();
        }
        printf("self-patch %u: %ld\n", v, s);
    }

    /* 4. rewriting a neighbour function in the same page while both are hot */
    emit_ret_imm(code + 256, 11);
    emit_ret_imm(code + 320, 22);
    long a = 0, b = 0;
    for (int i = 0; i < 500; i++) {
        a += ((fn0)(code + 256))();
        if (i == 250) emit_ret_imm(code + 320, 33);
        b += ((fn0)(code + 320))();
    }
    printf("neighbours: %ld %ld\n", a, b);

    /* 5. removing execute permission: the hot code must now fault */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_segv;
    sigaction(SIGSEGV, &sa, NULL);
    mprotect(code, 8192, PROT_READ | PROT_WRITE);
    int sig = sigsetjmp(jb, 1);
    if (sig == 0) {
        long r = ((fn0)(code + 256))();
        printf("no-exec call returned %ld (should have faulted)\n", r);
    } else {
        printf("no-exec call: signal %d\n", sig);
    }
    /* and executable again, with new contents */
    emit_ret_imm(code + 256, 44);
    mprotect(code, 8192, PROT_READ | PROT_EXEC);
    printf("re-exec: %ld\n", ((fn0)(code + 256))());

    /* 6. unmapped and mapped again at the same address with different code */
    munmap(code, 8192);
    uint8_t *again = mmap(code, 8192, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    emit_ret_imm(again + 256, 55);
    printf("remapped: %ld\n", ((fn0)(again + 256))());
    printf("total %ld\n", sum);
    return 0;
}
