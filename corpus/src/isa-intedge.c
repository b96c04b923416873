/* isa-intedge: integer edge cases as the compiler emits them (div/idiv of every width, shifts by
 * run-time counts, bit scans, byte swaps, 128-bit arithmetic through libgcc, overflow builtins,
 * promotions of char and short, bit-fields, setjmp/longjmp, every comparison at every width over
 * boundary values, adc/sbb carry chains), plus a few inline-asm checks of what C cannot express
 * (count masking, rotates through carry, double shifts, flags).
 *
 * Operands are volatile, so every operation runs at run time. The "mix" section runs hot loops
 * over pseudo-random operands and prints one hash per operation: under x64run those loops are
 * JIT-compiled, so the section compares the JIT's code with the hardware on many operands.
 *
 * The faulting divisions (INT_MIN/-1, division by zero) are in isa-divfpe.c: they kill the
 * process with SIGFPE.
 */
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <x86intrin.h>

typedef __int128 i128;
typedef unsigned __int128 u128;

static void p128(const char *label, u128 v)
{
    printf("%s%016llx%016llx", label, (unsigned long long)(uint64_t)(v >> 64), (unsigned long long)(uint64_t)v);
}

static void section_div(void)
{
    printf("== division and remainder\n");
    volatile int32_t s32[] = { 7, -7, INT_MIN, INT_MAX, -1, 1, 0, 100, -100, INT_MIN + 1 };
    volatile int32_t d32[] = { 2, -2, 3, -3, 1, INT_MAX, INT_MIN, 7, -1 };
    for (unsigned i = 0; i < sizeof s32 / 4; i++) {
        printf("i32 %d:", s32[i]);
        for (unsigned j = 0; j < sizeof d32 / 4; j++) {
            if (s32[i] == INT_MIN && d32[j] == -1) { printf(" [trap]"); continue; }
            printf(" %d/%d=%d%%%d", s32[i], d32[j], s32[i] / d32[j], s32[i] % d32[j]);
        }
        printf("\n");
    }
    volatile int64_t s64[] = { 7, -7, INT64_MIN, INT64_MAX, -1, 0, 1000000000000LL, -999999999999999999LL };
    volatile int64_t d64[] = { 2, -3, 10, INT64_MAX, INT64_MIN, 1000000007LL, -1 };
    for (unsigned i = 0; i < sizeof s64 / 8; i++) {
        printf("i64 %lld:", (long long)s64[i]);
        for (unsigned j = 0; j < sizeof d64 / 8; j++) {
            if (s64[i] == INT64_MIN && d64[j] == -1) { printf(" [trap]"); continue; }
            printf(" %lld,%lld", (long long)(s64[i] / d64[j]), (long long)(s64[i] % d64[j]));
        }
        printf("\n");
    }
    volatile uint64_t u64[] = { 0, 1, 0xffffffffffffffffull, 0x8000000000000000ull, 0xfffffffffffffffeull, 12345678901234567ull };
    volatile uint64_t ud64[] = { 1, 2, 3, 10, 0xffffffffull, 0x100000000ull, 0xffffffffffffffffull, 0x8000000000000001ull };
    for (unsigned i = 0; i < sizeof u64 / 8; i++) {
        printf("u64 %llu:", (unsigned long long)u64[i]);
        for (unsigned j = 0; j < sizeof ud64 / 8; j++)
            printf(" %llu,%llu", (unsigned long long)(u64[i] / ud64[j]), (unsigned long long)(u64[i] % ud64[j]));
        printf("\n");
    }
    volatile uint32_t u32 = 0xffffffffu, ud32 = 7;
    volatile uint16_t u16 = 0xffff, ud16 = 256;
    volatile int16_t s16 = -32768, sd16 = -1;
    volatile int8_t s8 = -128, sd8 = -1;
    volatile uint8_t u8 = 255, ud8 = 16;
    /* In C these promote to int, so -32768/-1 and -128/-1 do not trap. */
    printf("u32 %u %u u16 %u %u s16 %d %d (short)%d s8 %d %d (schar)%d u8 %u %u\n", u32 / ud32, u32 % ud32, u16 / ud16,
           u16 % ud16, s16 / sd16, s16 % sd16, (short)(s16 / sd16), s8 / sd8, s8 % sd8, (signed char)(s8 / sd8),
           u8 / ud8, u8 % ud8);
    /* Division by constants: multiply-high + shift sequences. */
    volatile int32_t cn[] = { 0, 1, -1, 7, -7, 99, -99, INT_MAX, INT_MIN, 1000000, -1000000 };
    for (unsigned i = 0; i < sizeof cn / 4; i++) {
        int32_t x = cn[i];
        uint32_t ux = (uint32_t)x;
        printf("const %d: /3 %d /7 %d /10 %d /-5 %d %%3 %d %%10 %d /16 %d %%16 %d u/3 %u u/7 %u u/10 %u u%%1000 %u\n", x,
               x / 3, x / 7, x / 10, x / -5, x % 3, x % 10, x / 16, x % 16, ux / 3, ux / 7, ux / 10, ux % 1000);
        int64_t y = (int64_t)x * 3000000007LL;
        uint64_t uy = (uint64_t)y;
        printf("  64 %lld: /3 %lld /10 %lld /1000000007 %lld %%7 %lld u/3 %llu u/10 %llu u%%1000000007 %llu\n",
               (long long)y, (long long)(y / 3), (long long)(y / 10), (long long)(y / 1000000007LL),
               (long long)(y % 7), (unsigned long long)(uy / 3), (unsigned long long)(uy / 10),
               (unsigned long long)(uy % 1000000007ULL));
    }
}

static void section_wrap_shift(void)
{
    printf("== wrap and shifts\n");
    volatile unsigned umax = UINT_MAX, uzero = 0;
    volatile unsigned long long ullmax = ULLONG_MAX;
    volatile unsigned short usmax = USHRT_MAX;
    volatile unsigned char ucmax = UCHAR_MAX;
    printf("wrap: %u %u %llu %u %u %d %d %u\n", umax + 1, uzero - 1, ullmax + 2, umax * umax, (unsigned)(usmax + 1),
           (unsigned short)(usmax + 1), (unsigned char)(ucmax + 1), 0x80000000u * 2);
    volatile unsigned counts[] = { 0, 1, 7, 8, 15, 16, 31 };
    volatile unsigned counts64[] = { 0, 1, 31, 32, 33, 63 };
    volatile int32_t sv = -0x12345678;
    volatile uint32_t uv = 0x87654321u;
    volatile int64_t sv64 = -0x123456789abcdefLL;
    volatile uint64_t uv64 = 0xfedcba9876543210ull;
    for (unsigned i = 0; i < sizeof counts / 4; i++) {
        unsigned c = counts[i];
        printf("shift32 %2u: shl %08x shr %08x sar %08x rol %08x ror %08x\n", c, uv << c, uv >> c, (uint32_t)(sv >> c),
               (uv << c) | (uv >> ((32 - c) & 31)), (uv >> c) | (uv << ((32 - c) & 31)));
    }
    for (unsigned i = 0; i < sizeof counts64 / 4; i++) {
        unsigned c = counts64[i];
        printf("shift64 %2u: shl %016llx shr %016llx sar %016llx rol %016llx\n", c, (unsigned long long)(uv64 << c),
               (unsigned long long)(uv64 >> c), (unsigned long long)(sv64 >> c),
               (unsigned long long)((uv64 << c) | (uv64 >> ((64 - c) & 63))));
    }
    /* Hardware masks the count: 32-bit shifts by 32..63 use count & 31, 64-bit by count & 63. */
    volatile unsigned char big[] = { 32, 33, 63, 64, 65, 255 };
    for (unsigned i = 0; i < sizeof big; i++) {
        uint32_t r32 = uv, s = uv;
        uint64_t r64 = uv64;
        uint16_t r16 = 0x8421;
        uint8_t r8 = 0x81;
        unsigned char c = big[i];
        __asm__ volatile("shll %%cl, %0\n\tsarl %%cl, %1\n\tshlq %%cl, %2\n\trolw %%cl, %3\n\trcrb %%cl, %4"
                         : "+r"(r32), "+r"(s), "+r"(r64), "+r"(r16), "+q"(r8)
                         : "c"(c)
                         : "cc");
        printf("asm count %3u: shl32 %08x sar32 %08x shl64 %016llx rol16 %04x rcr8 %02x\n", c, r32, s,
               (unsigned long long)r64, r16, r8);
    }
    /* Double shifts and flags. */
    volatile uint64_t hi = 0x0123456789abcdefull, lo = 0xfedcba9876543210ull;
    for (unsigned c = 0; c < 64; c += 9) {
        uint64_t a = hi, b = hi;
        uint32_t a32 = (uint32_t)hi, b32 = (uint32_t)hi;
        unsigned char fl;
        __asm__ volatile("shldq %%cl, %3, %0\n\tshrdq %%cl, %3, %1\n\tshldl %%cl, %k3, %2\n\tsetc %4"
                         : "+r"(a), "+r"(b), "+r"(a32), "+r"(lo), "=q"(fl)
                         : "c"(c)
                         : "cc");
        __asm__ volatile("shrdl %%cl, %k1, %0" : "+r"(b32) : "r"(lo), "c"(c) : "cc");
        printf("shld/shrd %2u: %016llx %016llx %08x %08x cf %u\n", c, (unsigned long long)a, (unsigned long long)b, a32,
               b32, fl);
    }
    /* Negative-number shifts and conversions. */
    volatile int m = -1, m5 = -5;
    printf("neg: -1>>31 %d -5>>1 %d -5/2 %d (unsigned)-5>>1 %u -5<<2 %d (long)-5 %ld (unsigned long)-5 %lu\n", m >> 31,
           m5 >> 1, m5 / 2, (unsigned)m5 >> 1, (int)((unsigned)m5 << 2), (long)m5, (unsigned long)(long)m5);
}

static void section_bits(void)
{
    printf("== bit builtins\n");
    volatile uint64_t v[] = { 1, 2, 3, 0x80000000ull, 0xffffffffull, 0x100000000ull, 0x8000000000000000ull,
                              0xffffffffffffffffull, 0x0123456789abcdefull, 0xf0f0f0f00f0f0f0full, 0x10 };
    for (unsigned i = 0; i < sizeof v / 8; i++) {
        uint64_t x = v[i];
        uint32_t x32 = (uint32_t)x;
        printf("%016llx: clzll %d ctzll %d popll %d parityll %d ffsll %d clrsbll %d", (unsigned long long)x,
               __builtin_clzll(x), __builtin_ctzll(x), __builtin_popcountll(x), __builtin_parityll(x),
               __builtin_ffsll((long long)x), __builtin_clrsbll((long long)x));
        if (x32)
            printf(" clz %d ctz %d", __builtin_clz(x32), __builtin_ctz(x32));
        printf(" pop %d bswap64 %016llx bswap32 %08x bswap16 %04x\n", __builtin_popcount(x32),
               (unsigned long long)__builtin_bswap64(x), __builtin_bswap32(x32), __builtin_bswap16((uint16_t)x32));
    }
    /* bsf/bsr with a zero source leave the destination unchanged (documented by AMD, relied upon
       by Linux); ZF reports the zero. bt/bts/btr/btc with register and immediate bit numbers. */
    volatile uint64_t zero = 0, pattern = 0x0000100000000100ull;
    uint64_t d1 = 0x1234, d2 = 0x5678;
    unsigned char z1, z2;
    __asm__ volatile("bsfq %2, %0\n\tsetz %1" : "+r"(d1), "=q"(z1) : "r"(zero) : "cc");
    __asm__ volatile("bsrq %2, %0\n\tsetz %1" : "+r"(d2), "=q"(z2) : "r"(pattern) : "cc");
    printf("bsf(0) keeps %llx zf %u; bsr %llu zf %u\n", (unsigned long long)d1, z1, (unsigned long long)d2, z2);
    for (unsigned b = 0; b < 64; b += 13) {
        uint64_t x = 0xa5a5a5a55a5a5a5aull, y, z;
        unsigned char c1, c2, c3;
        y = x;
        z = x;
        __asm__ volatile("btq %4, %0\n\tsetc %1\n\tbtsq %4, %2\n\tsetc %3"
                         : "+r"(x), "=q"(c1), "+r"(y), "=q"(c2)
                         : "r"((uint64_t)b)
                         : "cc");
        __asm__ volatile("btcq %2, %0\n\tsetc %1" : "+r"(z), "=q"(c3) : "r"((uint64_t)b) : "cc");
        printf("bt %2u: %u bts %016llx %u btc %016llx %u\n", b, c1, (unsigned long long)y, c2, (unsigned long long)z, c3);
    }
    /* bt with a memory operand and a register bit offset addresses beyond the operand. */
    static volatile uint32_t arr[4] = { 0x1, 0x80000000u, 0x0, 0x10 };
    for (int bit = -8; bit < 96; bit += 13) {
        unsigned char c;
        __asm__ volatile("btl %2, %1\n\tsetc %0" : "=q"(c) : "m"(arr[1]), "r"(bit) : "cc");
        printf("bt mem [1]+%d: %u\n", bit, c);
    }
}

static void section_int128(void)
{
    printf("== __int128\n");
    volatile u128 a = ((u128)0xfedcba9876543210ull << 64) | 0x0123456789abcdefull;
    volatile u128 b = ((u128)0x1ull << 64) | 0xffffffffffffffffull;
    volatile u128 c = 0xffffffffffffffffull;
    volatile i128 n = -(i128)a / 3;
    volatile u128 ten = 10;
    p128("a*b ", a * b);
    p128(" a/b ", a / b);
    p128(" a%b ", a % b);
    p128(" a/c ", a / c);
    p128(" a%c ", a % c);
    p128(" a/10 ", a / ten);
    printf("\n");
    p128("n ", (u128)n);
    p128(" n/7 ", (u128)(n / 7));
    p128(" n%7 ", (u128)(n % 7));
    p128(" n/-b ", (u128)(n / -(i128)b));
    p128(" n>>17 ", (u128)(n >> 17));
    p128(" a<<100 ", a << 100);
    p128(" a>>64 ", a >> 64);
    printf("\n");
    /* 64x64->128 multiplies: mul/imul with rdx:rax. */
    volatile uint64_t x = 0xffffffffffffffffull, y = 0xfffffffffffffffdull;
    volatile int64_t sx = INT64_MIN, sy = -1, sz = INT64_MAX;
    p128("umul ", (u128)x * y);
    p128(" smul ", (u128)((i128)sx * sy));
    p128(" smul2 ", (u128)((i128)sx * sz));
    printf("\n");
    /* Decimal conversion of a 128-bit value by repeated division. */
    u128 v = a * b;
    char buf[64];
    int k = 63;
    buf[k] = 0;
    do { buf[--k] = (char)('0' + (int)(v % ten)); v /= ten; } while (v);
    printf("decimal %s\n", buf + k);
}

static void section_overflow(void)
{
    printf("== overflow builtins\n");
    volatile int ia[] = { INT_MAX, INT_MIN, -1, 0, 1, 46341, -46341, 65536 };
    for (unsigned i = 0; i < sizeof ia / 4; i++)
        for (unsigned j = 0; j < sizeof ia / 4; j += 3) {
            int r1, r2, r3;
            int o1 = __builtin_add_overflow(ia[i], ia[j], &r1);
            int o2 = __builtin_sub_overflow(ia[i], ia[j], &r2);
            int o3 = __builtin_mul_overflow(ia[i], ia[j], &r3);
            unsigned ur;
            int o4 = __builtin_add_overflow((unsigned)ia[i], (unsigned)ia[j], &ur);
            long lr;
            int o5 = __builtin_mul_overflow(ia[i], ia[j], &lr);
            short sr;
            int o6 = __builtin_add_overflow(ia[i], ia[j], &sr);
            printf("%d,%d: add %d/%d sub %d/%d mul %d/%d uadd %u/%d lmul %ld/%d sadd %d/%d\n", ia[i], ia[j], r1, o1, r2,
                   o2, r3, o3, ur, o4, lr, o5, sr, o6);
        }
    volatile long la[] = { LONG_MAX, LONG_MIN, -1, 3037000500L, -3037000500L };
    for (unsigned i = 0; i < sizeof la / 8; i++)
        for (unsigned j = 0; j < sizeof la / 8; j++) {
            long r;
            unsigned long ur;
            int o = __builtin_mul_overflow(la[i], la[j], &r);
            int ou = __builtin_mul_overflow((unsigned long)la[i], (unsigned long)la[j], &ur);
            int os = __builtin_sub_overflow(la[i], la[j], &r) * 2 + o;
            printf("%ld*%ld: %d %lu/%d\n", la[i], la[j], os, ur, ou);
        }
    i128 r128;
    int o = __builtin_mul_overflow((i128)INT64_MAX * 4, (i128)INT64_MAX * 4, &r128);
    p128("i128 mul overflow ", (u128)r128);
    printf(" %d\n", o);
}

struct bits {
    signed int s3 : 3;
    unsigned int u5 : 5;
    signed int s1 : 1;
    unsigned long long u40 : 40;
    signed long long s20 : 20;
    unsigned char uc : 2;
};

static void section_promo_bitfields(void)
{
    printf("== promotions and bit-fields\n");
    volatile signed char sc = -100, sc2 = 100;
    volatile unsigned char uc = 200, uc2 = 100;
    volatile short ss = -30000, ss2 = 30000;
    volatile unsigned short us = 60000;
    printf("char: %d %d %d %d %d %d\n", sc + sc, (signed char)(sc + sc), uc + uc, (unsigned char)(uc + uc), sc2 * sc2,
           (signed char)(sc2 * sc2));
    printf("char cmp: %d %d %d\n", sc < uc2, (unsigned char)sc > uc, (char)-1 < 0);
    printf("short: %d %d %d %u %d %lld\n", ss * ss2, ss + ss, (short)(ss + ss), us * us, (short)us,
           (long long)(us * us));
    printf("mixed: %d %d %u %ld %lu\n", -1 < 0u, -1L < 0u, (unsigned)sc, (long)uc * sc, (unsigned long)sc);
    volatile double dv[] = { 3.99, -3.99, 2147483647.5, 2147483648.0, -2147483649.0, 1e19, -1e19, 9.3e18, 1e-300 };
    for (unsigned i = 0; i < sizeof dv / 8; i++) {
        double d = dv[i];
        int iv;
        long lv;
        /* Out-of-range conversions give the "integer indefinite" value on x86 (cvttsd2si). */
        __asm__("cvttsd2si %1, %0" : "=r"(iv) : "x"(d));
        __asm__("cvttsd2siq %1, %0" : "=r"(lv) : "x"(d));
        unsigned long ul = d >= 0 && d < 1.8e19 ? (unsigned long)d : 0;
        printf("cvt %g: i32 %d i64 %ld u64 %lu (float)%a\n", d, iv, lv, ul, (double)(float)d);
    }
    volatile struct bits b;
    memset((void *)&b, 0, sizeof b);
    b.s3 = 3;
    b.s3 = b.s3 + 1;
    b.u5 = 31;
    b.u5 = b.u5 + 1;
    b.s1 = -1;
    b.u40 = 0xffffffffffull;
    b.u40 = b.u40 + 2;
    b.s20 = -524288;
    b.s20 = b.s20 - 1;
    b.uc = 3;
    printf("bitfields: s3 %d u5 %u s1 %d u40 %llu s20 %lld uc %u size %zu\n", b.s3, b.u5, b.s1,
           (unsigned long long)b.u40, (long long)b.s20, b.uc, sizeof b);
    unsigned char raw[sizeof b];
    memcpy(raw, (void *)&b, sizeof b);
    printf("bitfield bytes:");
    for (unsigned i = 0; i < sizeof b; i++) printf(" %02x", raw[i]);
    printf("\n");
    /* Classic bit tricks. */
    volatile uint32_t t = 0x00f0a000u;
    uint32_t lowest = t & -t, cleared = t & (t - 1), smeared = t | (t - 1), next_pow2 = t - 1;
    next_pow2 |= next_pow2 >> 1; next_pow2 |= next_pow2 >> 2; next_pow2 |= next_pow2 >> 4;
    next_pow2 |= next_pow2 >> 8; next_pow2 |= next_pow2 >> 16; next_pow2++;
    volatile int av = -12345;
    int mask = av >> 31;
    printf("tricks: %08x %08x %08x %08x abs %d sign %d min %d\n", lowest, cleared, smeared, next_pow2,
           (av ^ mask) - mask, (av > 0) - (av < 0), av ^ ((av ^ 7) & -(7 < av)));
}

static jmp_buf jb;
static sigjmp_buf sjb;
static int depth_reached;

__attribute__((noinline)) static void recurse(int n)
{
    volatile char pad[64];
    pad[0] = (char)n;
    if (n < 0) return;
    if (n == 0) {
        depth_reached = pad[0] + 1000;
        longjmp(jb, 42);
    }
    recurse(n - 1);
    pad[1] = 0;
}

static void section_setjmp(void)
{
    printf("== setjmp/longjmp\n");
    volatile int counter = 0;
    int r = setjmp(jb);
    counter++;
    if (r == 0) recurse(50);
    printf("setjmp returned %d, counter %d, depth %d\n", r, counter, depth_reached);
    r = setjmp(jb);
    if (r == 0) longjmp(jb, 0);      /* longjmp(.., 0) makes setjmp return 1 */
    printf("longjmp 0 -> %d\n", r);
    /* sigsetjmp with savemask restores the signal mask. */
    sigset_t set, cur;
    sigemptyset(&set);
    sigprocmask(SIG_SETMASK, &set, NULL);
    if (sigsetjmp(sjb, 1) == 0) {
        sigaddset(&set, SIGUSR1);
        sigprocmask(SIG_BLOCK, &set, NULL);
        siglongjmp(sjb, 1);
    }
    sigprocmask(SIG_SETMASK, NULL, &cur);
    printf("siglongjmp restored mask: SIGUSR1 blocked %d\n", sigismember(&cur, SIGUSR1));
    /* Nested: the inner buffer is used after the outer one. */
    jmp_buf outer, inner;
    volatile int step = 0;
    if (setjmp(outer) == 0) {
        if (setjmp(inner) == 0) {
            step = 1;
            longjmp(inner, 5);
        }
        step += 10;
        longjmp(outer, 6);
    }
    step += 100;
    printf("nested step %d\n", step);
}

/* Hot loops over pseudo-random operands: one hash per operation. */
static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}
#define H(h, v) ((h) = ((h) ^ (uint64_t)(v)) * 0x100000001b3ull)

/* Every comparison the compiler can emit (cmp/test + jcc/setcc/cmovcc, signed and unsigned, at
 * each width) over pairs of boundary values. One bit per comparison; run three times so that the
 * loop is JIT-compiled under x64run (cmp+jcc fusion, flags across blocks). */
__attribute__((noinline)) static uint64_t compare_bits(int64_t a, int64_t b)
{
    uint64_t m = 0;
    int k = 0;
#define CMP_SET(T, U)                                                                              \
    do {                                                                                           \
        T x = (T)a, y = (T)b;                                                                      \
        U ux = (U)a, uy = (U)b;                                                                    \
        m |= (uint64_t)(x < y) << k++; m |= (uint64_t)(x <= y) << k++;                             \
        m |= (uint64_t)(x > y) << k++; m |= (uint64_t)(x >= y) << k++;                             \
        m |= (uint64_t)(x == y) << k++; m |= (uint64_t)(ux < uy) << k++;                           \
        m |= (uint64_t)(ux <= uy) << k++; m |= (uint64_t)(ux > uy) << k++;                         \
        m |= (uint64_t)(ux >= uy) << k++; m |= (uint64_t)(x < 0) << k++;                           \
        T d;                                                                                       \
        m |= (uint64_t)__builtin_sub_overflow(x, y, &d) << k++;                                    \
        m |= (uint64_t)((x & y) == 0) << k++;                                                      \
        m |= (uint64_t)(__builtin_parity((unsigned)(uint8_t)(x - y)) == 0) << k++;                 \
    } while (0)
    CMP_SET(int8_t, uint8_t);
    CMP_SET(int16_t, uint16_t);
    CMP_SET(int32_t, uint32_t);
    CMP_SET(int64_t, uint64_t);
#undef CMP_SET
    return m;
}

static void section_conditions(void)
{
    printf("== conditions\n");
    static const int64_t v[] = { 0, 1, -1, 2, -2, 127, 128, -128, -129, 255, 256, 32767, 32768, -32768, 65535,
                                 65536, INT32_MAX, INT32_MIN, (int64_t)UINT32_MAX, 0x100000000LL, -0x100000000LL,
                                 INT64_MAX, INT64_MIN, 0x7fffffff80000000LL };
    const unsigned n = sizeof v / sizeof v[0];
    static uint64_t bits[sizeof v / sizeof v[0]][sizeof v / sizeof v[0]];
    for (int rep = 0; rep < 3; rep++)
        for (unsigned i = 0; i < n; i++)
            for (unsigned j = 0; j < n; j++) {
                uint64_t m = compare_bits(v[i], v[j]);
                if (rep && m != bits[i][j]) printf("unstable %u %u\n", i, j);
                bits[i][j] = m;
            }
    for (unsigned i = 0; i < n; i++) {
        uint64_t h = 0;
        for (unsigned j = 0; j < n; j++) H(h, bits[i][j]);
        printf("%lld: %013llx %013llx %013llx hash %016llx\n", (long long)v[i], (unsigned long long)bits[i][0],
               (unsigned long long)bits[i][1], (unsigned long long)bits[i][n - 1], (unsigned long long)h);
    }
    /* Carry chains: 256-bit add and subtract with adc/sbb (_addcarry_u64/_subborrow_u64). */
    uint64_t x[4] = { ~0ull, ~0ull, 0x8000000000000000ull, 1 }, y[4] = { 1, 0, 0x8000000000000000ull, ~0ull };
    for (int round = 0; round < 4; round++) {
        unsigned long long r[4], t[4];
        unsigned char c = 0, b = 0;
        for (int k = 0; k < 4; k++) c = _addcarry_u64(c, x[k], y[k], &r[k]);
        for (int k = 0; k < 4; k++) b = _subborrow_u64(b, x[k], y[k], &t[k]);
        printf("adc256 %016llx%016llx%016llx%016llx c=%u sbb256 %016llx%016llx%016llx%016llx b=%u\n", r[3], r[2],
               r[1], r[0], c, t[3], t[2], t[1], t[0], b);
        for (int k = 0; k < 4; k++) { x[k] = next(); y[k] = round & 1 ? ~x[k] : next(); }
    }
}

static void section_mix(void)
{
    printf("== mix (hashes over 20000 random operand pairs)\n");
    uint64_t h[24] = { 0 };
    for (int i = 0; i < 20000; i++) {
        uint64_t a = next(), b = next();
        unsigned sh = (unsigned)(b >> 58);
        /* Vary the magnitudes: small, 32-bit and 64-bit operands. */
        if (i % 3 == 1) { a >>= 40; b >>= 50; }
        if (i % 5 == 2) { a = (uint32_t)a; b = (int32_t)b; }
        int64_t sa = (int64_t)a, sb = (int64_t)b;
        int32_t a32 = (int32_t)a, b32 = (int32_t)b;
        H(h[0], a + b);
        H(h[1], a - b);
        H(h[2], a * b);
        H(h[3], b ? a / b : 0);
        H(h[4], b ? a % b : 0);
        H(h[5], (sb && !(sa == INT64_MIN && sb == -1)) ? sa / sb : 0);
        H(h[6], (sb && !(sa == INT64_MIN && sb == -1)) ? sa % sb : 0);
        H(h[7], (b32 && !(a32 == INT32_MIN && b32 == -1)) ? a32 / b32 : 0);
        H(h[8], (uint32_t)b32 ? (uint32_t)a32 % (uint32_t)b32 : 0);
        H(h[9], a << sh);
        H(h[10], a >> sh);
        H(h[11], sa >> sh);
        H(h[12], (uint32_t)a32 << (sh & 31) | (uint32_t)a32 >> (-sh & 31));
        H(h[13], (uint64_t)(((u128)a * b) >> 64));
        H(h[14], (uint64_t)(((i128)sa * sb) >> 64));
        H(h[15], a < b);
        H(h[16], sa < sb);
        H(h[17], a32 < b32);
        H(h[18], __builtin_popcountll(a) + 64 * __builtin_clzll(a | 1) + 4096 * __builtin_ctzll(b | 0x8000000000000000ull));
        H(h[19], __builtin_bswap64(a) ^ __builtin_bswap32(b32));
        H(h[20], (int64_t)(int16_t)a * (int8_t)b);
        H(h[21], a > b ? a - b : b - a);
        u128 q = b ? (((u128)a << 32) | (b & 0xffffffff)) / (b | 1) : 0;
        H(h[22], (uint64_t)q ^ (uint64_t)(q >> 64));
        H(h[23], (uint32_t)(a32 * b32) + (uint64_t)(uint32_t)a32 * (uint32_t)b32);
    }
    for (int i = 0; i < 24; i++) printf("h%d %016llx\n", i, (unsigned long long)h[i]);
}

int main(void)
{
    section_div();
    section_wrap_shift();
    section_bits();
    section_int128();
    section_overflow();
    section_promo_bitfields();
    section_setjmp();
    section_conditions();
    section_mix();
    return 0;
}
