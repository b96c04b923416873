/* isa-printf: the libc's floating-point formatting and parsing as a workout for the SSE and x87
 * units (the conversions run long double / multi-precision code built on integer multiply,
 * shifts, bsr/lzcnt-free bit scans and x87 loads/stores).
 *
 *   1. printf of float/double/long double edge values (zeros, denormals, MIN/MAX/EPSILON, 1/3,
 *      0.1, 1e23, 2^53+-1, large integers, infinities, NaNs with their sign) in %f %.20f %e
 *      %.17e %g %.17g %a and %La %Lf %.25Lg, plus the raw bits of every value.
 *   2. strtod/strtof/strtold of tricky strings (halfway cases, the 2.2250738585072011e-308 hang,
 *      overflow and underflow with errno, hex floats, nan(...), infinity spellings), printed as
 *      bits, %a and the number of characters consumed.
 *   3. fesetround(FE_TONEAREST/UPWARD/DOWNWARD/TOWARDZERO): arithmetic in SSE (float, double)
 *      and x87 (long double) under each mode, printf and strtod under each mode.
 *
 * Every value is computed at run time (volatile), so the compiler folds nothing. Output differs
 * between glibc and musl (each has its own golden) but is deterministic and host-independent.
 */
#include <errno.h>
#include <fenv.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xmmintrin.h>

static uint64_t dbits(double d) { uint64_t u; memcpy(&u, &d, 8); return u; }
static uint32_t fbits(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }
static void ldbits(long double v, unsigned *se, uint64_t *m)
{
    unsigned char b[10];
    memcpy(b, &v, 10);
    memcpy(m, b, 8);
    *se = b[8] | b[9] << 8;
}
static double bd(uint64_t u) { double d; memcpy(&d, &u, 8); return d; }
static float bf(uint32_t u) { float f; memcpy(&f, &u, 4); return f; }
static long double bld(unsigned se, uint64_t m)
{
    long double v = 0;
    unsigned char b[16] = {0};
    memcpy(b, &m, 8);
    b[8] = se & 0xff;
    b[9] = se >> 8;
    memcpy(&v, b, 10);
    return v;
}

static const char *const dfmts[] = { "%f", "%.20f", "%e", "%.17e", "%g", "%.17g", "%a", "%.3a", "%+.0e", "%#.0f",
                                     "%12.4g", "%-12.3e|", "%010.2f" };
#define NDF (sizeof dfmts / sizeof dfmts[0])
static const char *const lfmts[] = { "%Lf", "%.25Lg", "%La", "%.30Le", "%Lg", "%.4La" };
#define NLF (sizeof lfmts / sizeof lfmts[0])

static void show_double(const char *name, double d)
{
    char buf[512];
    printf("double %s [%016llx]\n", name, (unsigned long long)dbits(d));
    for (unsigned i = 0; i < NDF; i++) {
        snprintf(buf, sizeof buf, dfmts[i], d);
        printf("  %-8s %s\n", dfmts[i], buf);
    }
}

static void show_float(const char *name, float f)
{
    char buf[256];
    printf("float %s [%08x]", name, (unsigned)fbits(f));
    snprintf(buf, sizeof buf, " %.9g %a %e", (double)f, (double)f, (double)f);
    printf("%s\n", buf);
}

static void show_ld(const char *name, long double v)
{
    char buf[6000];
    unsigned se;
    uint64_t m;
    ldbits(v, &se, &m);
    printf("long double %s [%04x:%016llx]\n", name, se, (unsigned long long)m);
    /* Beyond double range only %.25Lg and the hex formats: an exact decimal conversion of such a
       value costs millions of guest instructions (glibc: 14.6 million for %Lf of LDBL_MAX, musl:
       2.3 million for every decimal format), which would dominate the run time under x64run. */
    int huge = isfinite(v) && fabsl(v) > 1e300L;
    for (unsigned i = 0; i < NLF; i++) {
        if (huge && strcmp(lfmts[i], "%.25Lg") != 0 && lfmts[i][strlen(lfmts[i]) - 1] != 'a') continue;
        snprintf(buf, sizeof buf, lfmts[i], v);
        /* %Lf of LDBL_MAX has 4933 digits: print its length and both ends only. */
        size_t n = strlen(buf);
        if (n > 120)
            printf("  %-8s (%zu chars) %.40s...%s\n", lfmts[i], n, buf, buf + n - 40);
        else
            printf("  %-8s %s\n", lfmts[i], buf);
    }
}

/* Large %f outputs (DBL_MAX has 309 integer digits) are printed whole: they are exact. */
/* Doubles in two sections: ordinary values and the special ones, then the extremes (whose
   conversions cost the most). */
static void section_double(void)
{
    volatile double one = 1.0, three = 3.0, ten = 10.0, zero = 0.0;
    printf("== printf double\n");
    show_double("0", zero);
    show_double("-0", -zero);
    show_double("1", one);
    show_double("-1", -one);
    show_double("1/3", one / three);
    show_double("2/3", 2 * one / three);
    show_double("0.1", one / ten);
    show_double("0.5", one / 2);
    show_double("2.5", 2.5 * one);
    show_double("0.125", 0.125 * one);
    show_double("1e23", 1e23 * one);
    show_double("9.5", 9.5 * one);
    show_double("0.05", 0.05 * one);
    show_double("1.005", 1.005 * one);
    show_double("123456.789", 123456.789 * one);
    show_double("0.3", 0.3 * one);
    show_double("inf", one / zero);
    show_double("-inf", -one / zero);
    show_double("nan(0/0)", zero / zero);               /* x86 default NaN: sign bit set */
    show_double("-(0/0)", -(zero / zero));
    show_double("nan", bd(0x7ff8000000000000ull));
    show_double("nan-payload", bd(0x7ff0000000000123ull | 0x0008000000000000ull));
    show_double("snan", bd(0x7ff0000000000001ull));
}

static void section_double_extremes(void)
{
    volatile double one = 1.0;
    printf("== printf double extremes\n");
    show_double("DBL_MIN", DBL_MIN * one);
    show_double("DBL_MAX", DBL_MAX * one);
    show_double("-DBL_MAX", -DBL_MAX * one);
    show_double("DBL_EPSILON", DBL_EPSILON * one);
    show_double("denorm_min", bd(1));
    show_double("denorm_max", bd(0x000fffffffffffffull));
    show_double("-denorm_min", bd(0x8000000000000001ull));
    show_double("2^53-1", 9007199254740991.0 * one);
    show_double("2^53", 9007199254740992.0 * one);
    show_double("2^53+2", 9007199254740994.0 * one);
    show_double("2^63", 9223372036854775808.0 * one);
    show_double("2^64", 18446744073709551616.0 * one);
    show_double("1e300", 1e300 * one);
    show_double("1e-300", 1e-300 * one);
}

static void section_integers(void)
{
    /* Integers through double: exact conversions and the printf of integers. */
    printf("== integers as doubles\n");
    volatile int64_t i64s[] = { 0, 1, -1, 9007199254740991LL, 9007199254740993LL, -9007199254740993LL,
                                INT64_MAX, INT64_MIN, 1234567890123456789LL };
    for (unsigned i = 0; i < sizeof i64s / sizeof i64s[0]; i++) {
        double d = (double)i64s[i];
        long double l = (long double)i64s[i];
        printf("%lld -> %.17g [%016llx] %.21Lg -> %lld %lld\n", (long long)i64s[i], d,
               (unsigned long long)dbits(d), l, (long long)l, (long long)d == i64s[i] ? 1LL : 0LL);
    }
    volatile uint64_t u64s[] = { 0x8000000000000000ull, 0xffffffffffffffffull, 0xfffffffffffff800ull,
                                 0xfffffffffffffc00ull, 0x8000000000000401ull, 0x20000000000001ull };
    for (unsigned i = 0; i < sizeof u64s / sizeof u64s[0]; i++) {
        double d = (double)u64s[i];
        float f = (float)u64s[i];
        long double l = (long double)u64s[i];
        printf("%llu -> %.17g [%016llx] f %.9g %.21Lg back %llu\n", (unsigned long long)u64s[i], d,
               (unsigned long long)dbits(d), (double)f, l, (unsigned long long)l);
    }
    printf("== integer printf\n");
    printf("[%d] [%i] [%u] [%x] [%X] [%o] [%#x] [%#o] [%+d] [% d] [%5d] [%-5d|] [%05d] [%.3d]\n", -42, 42, 42u, 255u,
           255u, 8u, 255u, 8u, 5, 5, 5, 5, -5, 7);
    printf("[%lld] [%llu] [%llx] [%hhd] [%hd] [%zd] [%jd] [%c] [%%] [%10.4s|] [%-6s|] [%p]\n", (long long)INT64_MIN,
           (unsigned long long)UINT64_MAX, (unsigned long long)INT64_MIN, (signed char)200, (short)70000, (ssize_t)-1,
           (intmax_t)INT64_MAX, 'q', "truncated", "ab", (void *)0x1234);
    printf("[%*d] [%-*d|] [%.*f] [%*.*e]\n", 6, 42, 6, 42, 3, 2.0 / 3.0, 12, 2, 12345.678);
}

static void section_float(void)
{
    printf("== printf float\n");
    volatile float fone = 1.0f, fzero = 0.0f;
    show_float("1/3", fone / 3);
    show_float("0.1", fone / 10);
    show_float("FLT_MIN", FLT_MIN * fone);
    show_float("FLT_MAX", FLT_MAX * fone);
    show_float("FLT_EPSILON", FLT_EPSILON * fone);
    show_float("denorm_min", bf(1));
    show_float("denorm_max", bf(0x007fffff));
    show_float("16777217", 16777217.0f * fone);
    show_float("-0", -fzero);
    show_float("nan", fzero / fzero);
    show_float("inf", fone / fzero);
    /* FLT_MAX %f printed via double. */
    printf("FLT_MAX %%f %f\n", (double)(FLT_MAX * fone));
}

static void section_ldouble(void)
{
    printf("== printf long double\n");
    volatile long double lone = 1.0L, lzero = 0.0L;
    show_ld("0", lzero);
    show_ld("-0", -lzero);
    show_ld("1", lone);
    show_ld("1/3", lone / 3);
    show_ld("0.1", lone / 10);
    show_ld("1e23", 1e23L * lone);
    show_ld("LDBL_MIN", LDBL_MIN * lone);
    show_ld("LDBL_MAX", LDBL_MAX * lone);
    show_ld("1e300", 1e300L * lone);
    show_ld("-1e-300", -1e-300L * lone);
    show_ld("LDBL_EPSILON", LDBL_EPSILON * lone);
    show_ld("denorm_min", bld(0, 1));
    show_ld("denorm_max", bld(0, 0x7fffffffffffffffull));
    show_ld("2^64-1", 18446744073709551615.0L * lone);
    show_ld("2^53+1", 9007199254740993.0L * lone);
    show_ld("inf", lone / lzero);
    show_ld("-inf", -lone / lzero);
    show_ld("nan(0/0)", lzero / lzero);
    show_ld("nan", bld(0x7fff, 0xc000000000000000ull));
    show_ld("-nan", bld(0xffff, 0xc000000000000000ull));
    show_ld("pi", 3.14159265358979323846264338327950288L * lone);
}

struct strcase { const char *s; };
static const char *const strs[] = {
    "0", "-0", "0.1", "1e23", "8.98846567431158e307", "2.2250738585072011e-308", "2.2250738585072012e-308",
    "2.2250738585072014e-308", "4.9406564584124654e-324", "2.4703282292062327e-324", "2.4703282292062328e-324",
    "1.7976931348623157e308", "1.7976931348623158e308", "1.7976931348623159e308", "1e309", "-1e400", "1e-400",
    "9007199254740993", "9007199254740992.5", "9007199254740993.0000000001", "18446744073709551615",
    "123456789012345678901234567890", "1.00000000000000011102230246251565404236316680908203125",
    "1.00000000000000011102230246251565404236316680908203124999",
    "1.00000000000000011102230246251565404236316680908203125001", "0.30000000000000004", "3.1415926535897932384626",
    "0x1.fffffffffffffp1023", "0x1p-1074", "0x1p-1075", "0x1.8p-1074", "0x1.0000000000000800000001p0",
    "0X1.ABCDEFp+10", "0x.8p1", "0x1p", "  +.5e+1x", "-.e1", "1e", "1e+", "1.5e-3junk", "nan", "-nan", "NaN(123)",
    "nan(0x1f)", "nan(", "inf", "-INF", "infinity", "infinit", "Infinityx", "1_000", "",
    "000000000000000000000000000000000000000001e-10", "1e-324", "2e-324", "3e-324",
    "0.000000000000000000000000000000000000000000001e-280", "7.2057594037927933e16",
};
#define NSTRS (sizeof strs / sizeof strs[0])

static void section_strtod(void)
{
    printf("== strtod / strtof / strtold\n");
    for (unsigned i = 0; i < NSTRS; i++) {
        const char *s = strs[i];
        char *end;
        errno = 0;
        double d = strtod(s, &end);
        int e1 = errno;
        long n1 = end - s;
        errno = 0;
        float f = strtof(s, &end);
        int e2 = errno;
        long n2 = end - s;
        errno = 0;
        long double l = strtold(s, &end);
        int e3 = errno;
        long n3 = end - s;
        unsigned se;
        uint64_t m;
        ldbits(l, &se, &m);
        printf("\"%s\"\n  d %016llx %.17g %a n=%ld%s\n  f %08x %.9g n=%ld%s\n  l %04x:%016llx %.21Lg n=%ld%s\n", s,
               (unsigned long long)dbits(d), d, d, n1, e1 == ERANGE ? " ERANGE" : e1 ? " errno?" : "",
               (unsigned)fbits(f), (double)f, n2, e2 == ERANGE ? " ERANGE" : e2 ? " errno?" : "", se,
               (unsigned long long)m, l, n3, e3 == ERANGE ? " ERANGE" : e3 ? " errno?" : "");
        /* Round trip: the shortest %.17g must parse back to the same bits. */
        char buf[64];
        snprintf(buf, sizeof buf, "%.17g", d);
        double back = strtod(buf, NULL);
        if (dbits(back) != dbits(d) && d == d) printf("  ROUND TRIP MISMATCH %s\n", buf);
    }
    /* atof / sscanf share the parser. */
    double a = atof("6.02214076e23");
    double b = 0, c = 0;
    int n = sscanf("  -1.5e-5 0x1.8p1", "%lf %lf", &b, &c);
    printf("atof %.17g sscanf %d %.17g %.17g\n", a, n, b, c);
}

static const int modes[] = { FE_TONEAREST, FE_UPWARD, FE_DOWNWARD, FE_TOWARDZERO };
static const char *const mode_names[] = { "nearest", "upward", "downward", "towardzero" };

static void section_rounding(void)
{
    printf("== rounding modes\n");
    volatile double one = 1.0, three = 3.0, tenth = 0.1, big = 1e308, tiny = 4.9406564584124654e-324;
    volatile float fone = 1.0f, fthree = 3.0f;
    volatile long double lone = 1.0L, lthree = 3.0L;
    volatile double vals[] = { 2.5, -2.5, 0.125, 1.0 / 3.0, -2.0 / 3.0, 1e23, 0.1, 5e-324, 123456.5 };
    for (unsigned k = 0; k < 4; k++) {
        if (fesetround(modes[k]) != 0) { printf("fesetround %s failed\n", mode_names[k]); continue; }
        printf("mode %s: fegetround ok %d\n", mode_names[k], fegetround() == modes[k]);
        double q = one / three, nq = -one / three;
        float fq = fone / fthree;
        long double lq = lone / lthree, nlq = -lone / lthree;
        printf("  1/3 d %016llx -1/3 d %016llx f %08x\n", (unsigned long long)dbits(q), (unsigned long long)dbits(nq),
               (unsigned)fbits(fq));
        unsigned se; uint64_t m;
        ldbits(lq, &se, &m);
        printf("  1/3 ld %04x:%016llx", se, (unsigned long long)m);
        ldbits(nlq, &se, &m);
        printf(" -1/3 ld %04x:%016llx\n", se, (unsigned long long)m);
        printf("  0.1*3 %016llx big*10 %016llx -big*10 %016llx tiny/2 %016llx -tiny/2 %016llx sqrt2 %016llx\n",
               (unsigned long long)dbits(tenth * 3), (unsigned long long)dbits(big * 10),
               (unsigned long long)dbits(-big * 10), (unsigned long long)dbits(tiny / 2),
               (unsigned long long)dbits(-tiny / 2), (unsigned long long)dbits(sqrt(2 * one)));
        printf("  rint:");
        for (unsigned i = 0; i < sizeof vals / sizeof vals[0]; i++)
            printf(" %g", rint(vals[i]));
        printf("\n  lrint:");
        for (unsigned i = 0; i < sizeof vals / sizeof vals[0]; i++)
            printf(" %ld", lrint(vals[i]));
        printf("\n  nearbyint:");
        for (unsigned i = 0; i < sizeof vals / sizeof vals[0]; i++)
            printf(" %g", nearbyint(vals[i]));
        printf("\n  (long)cvt:");
        for (unsigned i = 0; i < sizeof vals / sizeof vals[0]; i++)
            printf(" %ld", (long)vals[i]);
        printf("\n  %%.0f:");
        for (unsigned i = 0; i < sizeof vals / sizeof vals[0]; i++)
            printf(" %.0f", vals[i]);
        printf("\n  %%.3e:");
        for (unsigned i = 0; i < sizeof vals / sizeof vals[0]; i++)
            printf(" %.3e", vals[i]);
        printf("\n  %%.20f 1/3: %.20f %.20f\n", q, nq);
        printf("  %%.5Lf 2/3: %.5Lf %.5Lf\n", 2 * lq, 2 * nlq);
        printf("  %%.2f 0.125 %.2f 0.375 %.2f -0.125 %.2f\n", 0.125 * one, 0.375 * one, -0.125 * one);
        const char *ss[] = { "0.1", "-0.1", "1e23", "1.7976931348623159e308", "1e-400", "2.4703282292062328e-324" };
        printf("  strtod:");
        for (unsigned i = 0; i < sizeof ss / sizeof ss[0]; i++)
            printf(" %016llx", (unsigned long long)dbits(strtod(ss[i], NULL)));
        printf("\n  strtof 0.1 %08x strtold 0.1 ", (unsigned)fbits(strtof("0.1", NULL)));
        ldbits(strtold("0.1", NULL), &se, &m);
        printf("%04x:%016llx\n", se, (unsigned long long)m);
        /* float<->double<->long double conversions round by the mode too. */
        volatile double dd = 0.1;
        volatile long double ll = 0.1L;
        printf("  (float)0.1 %08x (double)0.1L %016llx (float)0.1L %08x\n", (unsigned)fbits((float)dd),
               (unsigned long long)dbits((double)ll), (unsigned)fbits((float)ll));
        /* Integer -> floating conversions round by the mode (cvtsi2sd/cvtsi2ss, fild + fst). */
        volatile int64_t i53 = 9007199254740993LL, im = -9007199254740993LL;
        volatile int32_t i24 = 16777217;
        volatile uint64_t umax = UINT64_MAX;
        printf("  cvt: (double)(2^53+1) %016llx (double)-(2^53+1) %016llx (float)(2^24+1) %08x (double)UINT64_MAX "
               "%016llx (float)(2^53+1) %08x llrint(-2.5) %lld lrintf(2.5f) %ld\n",
               (unsigned long long)dbits((double)i53), (unsigned long long)dbits((double)im),
               (unsigned)fbits((float)i24), (unsigned long long)dbits((double)umax), (unsigned)fbits((float)i53),
               llrint(-2.5 * one), lrintf(2.5f * fone));
    }
    fesetround(FE_TONEAREST);
    /* Exception flags raised by arithmetic. */
    printf("== exception flags\n");
    volatile double zero = 0.0, d1 = 1.0;
    struct { const char *what; int which; } ops[] = { { "1/0", 0 }, { "0/0", 1 }, { "1e308*10", 2 },
                                                      { "1e-308/1e10", 3 }, { "1/3", 4 }, { "sqrt(-1)", 5 },
                                                      { "1+1", 6 } };
    for (unsigned i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        feclearexcept(FE_ALL_EXCEPT);
        volatile double r = 0;
        switch (ops[i].which) {
        case 0: r = d1 / zero; break;
        case 1: r = zero / zero; break;
        case 2: r = 1e308 * d1 * 10; break;
        case 3: r = 1e-308 * d1 / 1e10; break;
        case 4: r = d1 / 3; break;
        case 5: r = sqrt(-d1); break;
        case 6: r = d1 + d1; break;
        }
        int ex = fetestexcept(FE_ALL_EXCEPT);
        printf("%-12s %016llx:%s%s%s%s%s\n", ops[i].what, (unsigned long long)dbits(r),
               ex & FE_INVALID ? " INVALID" : "", ex & FE_DIVBYZERO ? " DIVBYZERO" : "",
               ex & FE_OVERFLOW ? " OVERFLOW" : "", ex & FE_UNDERFLOW ? " UNDERFLOW" : "",
               ex & FE_INEXACT ? " INEXACT" : "");
    }
    feclearexcept(FE_ALL_EXCEPT);

    /* MXCSR flush-to-zero (bit 15) and denormals-are-zero (bit 6) change SSE results; x87 and
       printf are unaffected. */
    printf("== MXCSR FTZ/DAZ\n");
    unsigned saved = _mm_getcsr();
    volatile double dn = 4.9406564584124654e-324 * 1000, mn = 2.2250738585072014e-308, half = 0.5;
    volatile float fdn = 1e-40f, fmn = 1.17549435e-38f;
    static const struct { const char *name; unsigned bits; } modes_fz[] = {
        { "none", 0 }, { "FTZ", 0x8000 }, { "DAZ", 0x40 }, { "FTZ+DAZ", 0x8040 } };
    for (unsigned k = 0; k < 4; k++) {
        _mm_setcsr((saved & ~0x8040u) | modes_fz[k].bits);
        feclearexcept(FE_ALL_EXCEPT);
        /* volatile results: the operations happen before fetestexcept, not after it. */
        volatile double a = dn * half, b = dn + 0.0 * half, c = mn * half, d = dn * 1e300;
        volatile float e = fdn * (float)half, f = fmn * (float)half, g = fdn + 0.0f;
        volatile int less = dn < mn * half * 4;    /* comparisons also see DAZ */
        int ex = fetestexcept(FE_ALL_EXCEPT);
        printf("%-8s dn*0.5 %016llx dn+0 %016llx min*0.5 %016llx dn*1e300 %016llx f: %08x %08x %08x less %d flags %02x\n",
               modes_fz[k].name, (unsigned long long)dbits(a), (unsigned long long)dbits(b),
               (unsigned long long)dbits(c), (unsigned long long)dbits(d), (unsigned)fbits(e), (unsigned)fbits(f),
               (unsigned)fbits(g), less, ex);
    }
    _mm_setcsr(saved);
    feclearexcept(FE_ALL_EXCEPT);
}

/* The arguments select sections (each corpus case runs a few, which keeps every case's run time
 * under the emulator short); no argument runs them all. */
int main(int argc, char **argv)
{
    static const struct { const char *name; void (*fn)(void); } sections[] = {
        { "double", section_double }, { "extremes", section_double_extremes }, { "integers", section_integers },
        { "float", section_float },
        { "ldouble", section_ldouble }, { "strtod", section_strtod }, { "rounding", section_rounding },
    };
    const unsigned n = sizeof sections / sizeof sections[0];
    if (argc < 2)
        for (unsigned i = 0; i < n; i++) sections[i].fn();
    for (int a = 1; a < argc; a++) {
        unsigned i = 0;
        while (i < n && strcmp(argv[a], sections[i].name) != 0) i++;
        if (i == n) {
            fprintf(stderr, "usage: isa-printf [double|extremes|integers|float|ldouble|strtod|rounding]...\n");
            return 2;
        }
        sections[i].fn();
    }
    return 0;
}
