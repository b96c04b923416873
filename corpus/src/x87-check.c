/*
 * x87-check: exercises the x87 FPU instruction by instruction and prints every result as the raw
 * 80-bit encoding (sign+exponent:significand) with the status word bits the SDM defines for that
 * instruction, plus decimal/hex printf of long doubles. The output recorded natively is the
 * golden for test/cpu/x87.test.ts.
 *
 * Every operation runs inside one asm statement (load operands, set the control word, fnclex,
 * the instruction, fnstsw, store), so compiler-generated x87 code cannot disturb the flags.
 * Printed status bits: exception flags (0x7f) and C1 (0x200) for arithmetic, plus C0/C2/C3 where
 * the instruction defines them. Addresses (FDP) and the host-specific MXCSR_MASK are masked.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <stdarg.h>

typedef long double ld;

static const unsigned short CW_DEFAULT = 0x37f;

static ld mk(unsigned se, unsigned long long sig) {
  ld v;
  memset(&v, 0, sizeof v);
  memcpy(&v, &sig, 8);
  memcpy((char *)&v + 8, &se, 2);
  return v;
}

/* Output helpers: plain hex formatting keeps the guest instruction count (and so the test's run
   time under the emulator) low; printf of long double has its own section below. */
static const char HEX[] = "0123456789abcdef";

static char *hexn(char *o, unsigned long long v, int digits) {
  for (int i = digits - 1; i >= 0; i--) *o++ = HEX[(v >> (4 * i)) & 15];
  return o;
}

static void enc(char *out, ld v) {
  unsigned char b[10];
  unsigned long long sig;
  memcpy(b, &v, 10);
  memcpy(&sig, b, 8);
  out = hexn(out, (unsigned)(b[8] | b[9] << 8), 4);
  *out++ = ':';
  out = hexn(out, sig, 16);
  *out = 0;
}

static char *cpy(char *o, const char *s) {
  while (*s) *o++ = *s++;
  return o;
}

static void pr(const char *what, ld v, unsigned sw) {
  char line[200];
  char *o = cpy(line, what);
  o = cpy(o, " = ");
  enc(o, v);
  o += 21;
  o = cpy(o, " sw=");
  o = hexn(o, sw, 4);
  *o++ = '\n';
  *o = 0;
  fputs_unlocked(line, stdout);
}

/* Minimal sprintf for labels (%s, %d, %u only): glibc's vfprintf would dominate the run time. */
static void lbl(char *out, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  for (; *fmt; fmt++) {
    if (*fmt != '%') { *out++ = *fmt; continue; }
    char c = *++fmt;
    if (c == 's') {
      for (const char *p = va_arg(ap, const char *); *p; p++) *out++ = *p;
    } else {
      long v = c == 'u' ? (long)va_arg(ap, unsigned) : (long)va_arg(ap, int);
      char tmp[24];
      int n = 0;
      unsigned long m = v < 0 ? -(unsigned long)v : (unsigned long)v;
      if (v < 0) *out++ = '-';
      do { tmp[n++] = (char)('0' + m % 10); m /= 10; } while (m);
      while (n) *out++ = tmp[--n];
    }
  }
  *out = 0;
  va_end(ap);
}

/* ------------------------------------------------------------------ operand values */

static ld vals[16];
static const char *names[16];
static int nvals;

static void add_val(const char *n, ld v) { names[nvals] = n; vals[nvals++] = v; }

static void init_vals(void) {
  add_val("+0", mk(0, 0));
  add_val("-0", mk(0x8000, 0));
  add_val("1", mk(0x3fff, 0x8000000000000000ull));
  add_val("-1.5", mk(0xbfff, 0xc000000000000000ull));
  add_val("third", mk(0x3ffd, 0xaaaaaaaaaaaaaaabull));
  add_val("pi", mk(0x4000, 0xc90fdaa22168c235ull));
  add_val("1+ulp", mk(0x3fff, 0x8000000000000001ull));
  add_val("max", mk(0x7ffe, 0xffffffffffffffffull));
  add_val("minnorm", mk(0x0001, 0x8000000000000000ull));
  add_val("denorm", mk(0x0000, 0x0000123456789abcull));
  add_val("+inf", mk(0x7fff, 0x8000000000000000ull));
  add_val("-inf", mk(0xffff, 0x8000000000000000ull));
  add_val("qnan", mk(0x7fff, 0xc000000000000123ull));
  add_val("snan", mk(0xffff, 0x8000000000000456ull));
  add_val("unnorm", mk(0x3fff, 0x4000000000000000ull));
  add_val("big", mk(0x403e, 0xfedcba9876543210ull));
}

/* ------------------------------------------------------------------ binary st0 = st0 op st1 */

#define DEF_BIN(fn, insn)                                                                       \
  static ld fn(ld a, ld b, unsigned short cw, unsigned *sw) {                                   \
    ld r;                                                                                       \
    unsigned short s;                                                                           \
    __asm__ volatile("fldt %3\n\tfldt %2\n\tfldcw %4\n\tfnclex\n\t" insn "\n\t"                 \
                     "fnstsw %1\n\tfstpt %0\n\tfstp %%st(0)\n\tfldcw %5"                        \
                     : "=m"(r), "=m"(s) : "m"(a), "m"(b), "m"(cw), "m"(CW_DEFAULT));            \
    *sw = s;                                                                                    \
    return r;                                                                                   \
  }

DEF_BIN(op_add, "fadd %%st(1), %%st")
DEF_BIN(op_sub, "fsub %%st(1), %%st")
DEF_BIN(op_subr, "fsubr %%st(1), %%st")
DEF_BIN(op_mul, "fmul %%st(1), %%st")
DEF_BIN(op_div, "fdiv %%st(1), %%st")
DEF_BIN(op_divr, "fdivr %%st(1), %%st")
DEF_BIN(op_scale, "fscale")
DEF_BIN(op_prem, "fprem")
DEF_BIN(op_prem1, "fprem1")

/* st1 = st1 op st0, pop: b is ST1, a is ST0 */
#define DEF_BINPOP(fn, insn)                                                                    \
  static ld fn(ld b, ld a, unsigned short cw, unsigned *sw) {                                   \
    ld r;                                                                                       \
    unsigned short s;                                                                           \
    __asm__ volatile("fldt %2\n\tfldt %3\n\tfldcw %4\n\tfnclex\n\t" insn "\n\t"                 \
                     "fnstsw %1\n\tfstpt %0\n\tfldcw %5"                                        \
                     : "=m"(r), "=m"(s) : "m"(b), "m"(a), "m"(cw), "m"(CW_DEFAULT));            \
    *sw = s;                                                                                    \
    return r;                                                                                   \
  }

DEF_BINPOP(op_patan, "fpatan")
DEF_BINPOP(op_yl2x, "fyl2x")
DEF_BINPOP(op_yl2xp1, "fyl2xp1")

#define DEF_UN(fn, insn)                                                                        \
  static ld fn(ld a, unsigned short cw, unsigned *sw) {                                         \
    ld r;                                                                                       \
    unsigned short s;                                                                           \
    __asm__ volatile("fldt %2\n\tfldcw %3\n\tfnclex\n\t" insn "\n\t"                            \
                     "fnstsw %1\n\tfstpt %0\n\tfldcw %4"                                        \
                     : "=m"(r), "=m"(s) : "m"(a), "m"(cw), "m"(CW_DEFAULT));                    \
    *sw = s;                                                                                    \
    return r;                                                                                   \
  }

DEF_UN(op_sqrt, "fsqrt")
DEF_UN(op_rndint, "frndint")
DEF_UN(op_sin, "fsin")
DEF_UN(op_cos, "fcos")
DEF_UN(op_2xm1, "f2xm1")
DEF_UN(op_chs, "fchs")
DEF_UN(op_abs, "fabs")

/* two results: ST0 and ST1 after the instruction; `check` = the instruction reports an
   out-of-range operand in C2 and then leaves just ST0 (which is duplicated to keep the stack balanced) */
#define DEF_UN2(fn, insn, check)                                                                \
  static void fn(ld a, unsigned short cw, ld *r0, ld *r1, unsigned *sw) {                       \
    unsigned short s;                                                                           \
    __asm__ volatile("fldt %3\n\tfldcw %4\n\tfnclex\n\t" insn "\n\t"                            \
                     "fnstsw %2\n\t" check "fstpt %0\n\tfstpt %1\n\tfldcw %5"                    \
                     : "=m"(*r0), "=m"(*r1), "=m"(s) : "m"(a), "m"(cw), "m"(CW_DEFAULT) : "ax");  \
    *sw = s;                                                                                    \
  }
#define C2_CHECK "fnstsw %%ax\n\ttestb $4, %%ah\n\tjz 1f\n\tfld %%st(0)\n1:\t"

DEF_UN2(op_sincos, "fsincos", C2_CHECK)
DEF_UN2(op_ptan, "fptan", C2_CHECK)
DEF_UN2(op_xtract, "fxtract", "")

static unsigned short cwof(int pc, int rc) { return (unsigned short)(0x7f | 0x40 | pc << 8 | rc << 10); }

/* ------------------------------------------------------------------ sections */

static void arith_cross(void) {
  static const char *opn[] = {"+", "-", "r-", "*", "/", "r/"};
  ld (*ops[])(ld, ld, unsigned short, unsigned *) = {op_add, op_sub, op_subr, op_mul, op_div, op_divr};
  printf("== arithmetic cross product (PC=64, RC=nearest)\n");
  for (int i = 0; i < nvals; i++)
    for (int j = 0; j < nvals; j++) {
      char line[400];
      char *o = cpy(cpy(cpy(line, names[i]), ","), names[j]);
      *o++ = ':';
      for (int k = 0; k < 6; k++) {
        unsigned sw;
        ld r = ops[k](vals[i], vals[j], CW_DEFAULT, &sw);
        *o++ = ' ';
        o = cpy(o, opn[k]);
        enc(o, r);
        o += 21;
        *o++ = '/';
        o = hexn(o, sw & 0x7f, 2);
        if (sw & 0x200) *o++ = '^';
      }
      *o++ = '\n';
      *o = 0;
      fputs_unlocked(line, stdout);
    }
}

static void arith_modes(void) {
  printf("== precision and rounding control\n");
  ld a[] = {mk(0x3fff, 0x8000000000000000ull), mk(0xbfff, 0xc000000000000000ull), mk(0x4000, 0xc90fdaa22168c235ull),
            mk(0x3ffd, 0xaaaaaaaaaaaaaaabull), mk(0x0001, 0x8000000000000001ull), mk(0x7ffe, 0xffffffffffffffffull),
            mk(0x3f80, 0xb504f333f9de6484ull), mk(0xc3ff, 0x8000000000000fffull)};
  ld b[] = {mk(0x4000, 0xc000000000000000ull), mk(0x3ffd, 0xaaaaaaaaaaaaaaabull), mk(0xbffe, 0xb17217f7d1cf79acull),
            mk(0x4002, 0xa000000000000000ull), mk(0x3ffe, 0xffffffffffffffffull), mk(0x7ffe, 0x8000000000000001ull),
            mk(0x3f81, 0x8000000000000001ull), mk(0x43fc, 0x8000000000000001ull)};
  int n = sizeof a / sizeof a[0];
  for (int pc = 0; pc < 4; pc++)
    for (int rc = 0; rc < 4; rc++) {
      unsigned short cw = cwof(pc, rc);
      printf("cw=%04x:", cw);
      for (int i = 0; i < n; i++) {
        unsigned s1, s2, s3, s4, s5;
        char e1[40], e2[40], e3[40], e4[40], e5[40];
        enc(e1, op_add(a[i], b[i], cw, &s1));
        enc(e2, op_mul(a[i], b[i], cw, &s2));
        enc(e3, op_div(a[i], b[i], cw, &s3));
        enc(e4, op_sqrt(a[i] < 0 ? -a[i] : a[i], cw, &s4));
        enc(e5, op_sub(a[i], b[i], cw, &s5));
        printf("\n  %d: %s/%03x %s/%03x %s/%03x %s/%03x %s/%03x", i, e1, s1 & 0x27f, e2, s2 & 0x27f, e3, s3 & 0x27f,
               e4, s4 & 0x27f, e5, s5 & 0x27f);
      }
      printf("\n");
    }
  /* underflow: tininess after rounding, denormal results, flush */
  struct { ld a, b; } u[] = {
    {mk(0x3ffe, 0xffffffff80000000ull), mk(0x0001, 0x8000000080000000ull)},
    {mk(0x3ffe, 0xffffffffffffffffull), mk(0x0001, 0x8000000000000001ull)},
    {mk(0x3ffe, 0x8000000000000000ull), mk(0x0001, 0x8000000000000001ull)},
    {mk(0x3ffe, 0x8000000000000000ull), mk(0x0001, 0x8000000000000000ull)},
    {mk(0x3fa0, 0x8000000000000000ull), mk(0x0001, 0xc000000000000000ull)},
    {mk(0x3f00, 0x8000000000000000ull), mk(0x0020, 0xc000000000000000ull)},
  };
  for (unsigned i = 0; i < sizeof u / sizeof u[0]; i++)
    for (int rc = 0; rc < 4; rc++)
      for (int pc = 0; pc < 4; pc += 2) {
        unsigned sw;
        char buf[64];
        lbl(buf, "tiny %u rc=%d pc=%d", i, rc, pc);
        ld res_ = op_mul(u[i].a, u[i].b, cwof(pc | (pc ? 1 : 0), rc), &sw);
        pr(buf, res_, sw & 0x27f);
      }
}

static void unary_ops(void) {
  printf("== unary\n");
  ld (*ops[])(ld, unsigned short, unsigned *) = {op_sqrt, op_rndint, op_chs, op_abs};
  static const char *opn[] = {"sqrt", "rndint", "chs", "abs"};
  for (int k = 0; k < 4; k++)
    for (int i = 0; i < nvals; i++) {
      unsigned sw;
      char buf[64];
      lbl(buf, "%s(%s)", opn[k], names[i]);
      ld res_ = ops[k](vals[i], CW_DEFAULT, &sw);
      pr(buf, res_, sw & 0x27f);
    }
  ld r[] = {0.5L, 1.5L, 2.5L, -0.5L, -2.5L, 1e18L + 0.5L, 123.75L, -0.25L, 0x1p62L + 0.5L, 0x1p63L - 0.5L};
  for (unsigned i = 0; i < sizeof r / sizeof r[0]; i++)
    for (int rc = 0; rc < 4; rc++) {
      unsigned sw;
      char buf[64];
      lbl(buf, "rndint %u rc=%d", i, rc);
      { ld res_ = op_rndint(r[i], cwof(3, rc), &sw); pr(buf, res_, sw & 0x27f); }
    }
  ld sq[] = {2.0L, 3.0L, 0.5L, 1e-4940L, 1e4000L, 0x1.fffffffffffffffep0L, 10.0L};
  for (unsigned i = 0; i < sizeof sq / sizeof sq[0]; i++)
    for (int rc = 0; rc < 4; rc++)
      for (int pc = 0; pc < 4; pc++) {
        unsigned sw;
        char buf[64];
        lbl(buf, "sqrt %u pc=%d rc=%d", i, pc, rc);
        { ld res_ = op_sqrt(sq[i], cwof(pc, rc), &sw); pr(buf, res_, sw & 0x27f); }
      }
}

static void scale_prem(void) {
  printf("== fscale fprem fprem1 fxtract\n");
  ld sc[][2] = {{1.0L, 3.0L}, {1.5L, -2.9L}, {3.0L, 16383.0L}, {3.0L, -16500.0L}, {1.0L, 1e10L}, {-1.0L, -1e10L},
                {0.0L, 1e10L}, {5.0L, 0.0L}, {7.0L, -16444.5L}};
  for (unsigned i = 0; i < sizeof sc / sizeof sc[0]; i++) {
    unsigned sw;
    char buf[64];
    lbl(buf, "fscale %u", i);
    { ld res_ = op_scale(sc[i][0], sc[i][1], CW_DEFAULT, &sw); pr(buf, res_, sw & 0x27f); }
  }
  for (int i = 0; i < nvals; i++)
    for (int j = 0; j < nvals; j++) {
      unsigned sw;
      char buf[64];
      lbl(buf, "fscale %s,%s", names[i], names[j]);
      { ld res_ = op_scale(vals[i], vals[j], CW_DEFAULT, &sw); pr(buf, res_, sw & 0x27f); }
    }
  ld pm[][2] = {{7.0L, 2.0L}, {5.0L, 2.0L}, {-7.0L, 2.0L}, {7.5L, -2.0L}, {1e100L, 3.1L}, {0x1p64L, 3.0L},
                {0x1p70L, 3.0L}, {1e4000L, 7.0L}, {10.0L, 3.0L}, {-0.0L, 3.0L}, {3.0L, 1e-4940L},
                {1e-4940L, 3e-4945L}, {6.0L, 3.0L}, {0x1p63L, 1.5L}};
  for (unsigned i = 0; i < sizeof pm / sizeof pm[0]; i++) {
    unsigned s1, s2;
    char buf[64];
    lbl(buf, "fprem %u", i);
    { ld res_ = op_prem(pm[i][0], pm[i][1], CW_DEFAULT, &s1); pr(buf, res_, s1 & 0x477f); }
    lbl(buf, "fprem1 %u", i);
    { ld res_ = op_prem1(pm[i][0], pm[i][1], CW_DEFAULT, &s2); pr(buf, res_, s2 & 0x477f); }
  }
  for (int i = 0; i < nvals; i++)
    for (int j = 0; j < nvals; j++) {
      unsigned s1, s2;
      char buf[64];
      lbl(buf, "fprem %s,%s", names[i], names[j]);
      { ld res_ = op_prem(vals[i], vals[j], CW_DEFAULT, &s1); pr(buf, res_, s1 & 0x477f); }
      lbl(buf, "fprem1 %s,%s", names[i], names[j]);
      { ld res_ = op_prem1(vals[i], vals[j], CW_DEFAULT, &s2); pr(buf, res_, s2 & 0x477f); }
    }
  /* full reduction loop as fmodl does it */
  ld big[][2] = {{1e4000L, 3.0L}, {1e300L, 0.1L}, {-1e4900L, 1e-4900L}};
  for (unsigned i = 0; i < sizeof big / sizeof big[0]; i++) {
    ld r;
    unsigned short s;
    __asm__ volatile("fldt %3\n\tfldt %2\n\tfnclex\n1:\tfprem\n\tfnstsw %%ax\n\ttestb $4, %%ah\n\tjnz 1b\n\t"
                     "fnstsw %1\n\tfstpt %0\n\tfstp %%st(0)"
                     : "=m"(r), "=m"(s) : "m"(big[i][0]), "m"(big[i][1]) : "ax");
    char buf[64];
    lbl(buf, "fmod loop %u", i);
    pr(buf, r, s & 0x477f);
  }
  for (int i = 0; i < nvals; i++) {
    ld r0, r1;
    unsigned sw;
    op_xtract(vals[i], CW_DEFAULT, &r0, &r1, &sw);
    char e0[40], e1[40];
    enc(e0, r0);
    enc(e1, r1);
    printf("fxtract(%s) = %s %s sw=%04x\n", names[i], e0, e1, sw & 0x27f);
  }
}

/*
 * The x87 transcendentals of the recording host are accurate to about 0.1 ulp but not correctly
 * rounded, and C1 after them is unreliable when the exact result is within that distance of a
 * representable value. These results lie within 0.11 ulp of a rounding tie (checked with mpmath
 * at 600 bits) and the host rounds them the other way; x64run returns the correctly rounded
 * value. They are listed instead of printed, and C1 is printed only in the "tiny" block, where
 * it is well defined.
 */
static const char *const hw_rounding[] = {
    "ptan x3", "ptan x4", "ptan x21", "fyl2x 0 10", "fyl2x 1 10", "fyl2x 2 10", "fyl2xp1 0 6", "fyl2xp1 1 6",
    "fyl2xp1 2 6", "patan 1,-1.5", "yl2x -1.5,pi", "yl2x big,pi", "yl2xp1 big,minnorm", "yl2x big,denorm",
    "yl2x third,1+ulp", "2xm1(-31/32)", "2xm1(-4/32)", "2xm1(25/32)", NULL};

static void tr(const char *label, ld v, unsigned sw, unsigned mask) {
  for (int i = 0; hw_rounding[i]; i++)
    if (label[0] == hw_rounding[i][0] && label[1] == hw_rounding[i][1] && !strcmp(label, hw_rounding[i])) {
      printf("%s = (near a rounding tie: hardware is not correctly rounded)\n", label);
      return;
    }
  pr(label, v, sw & mask);
}

static void transcendental(void) {
  printf("== transcendental\n");
  char buf[64];
  ld xs[] = {0.0L, -0.0L, 0.5L, 1.0L, -1.0L, 0.75L, 1e-5L, -1e-300L, 0x1p-16400L, 1.5707963267948966192L,
             3.14159265358979323851L, 3.141592653589793116L, 2.5L, -4.0L, 10.0L, 100.0L, 1e10L, 0x1p62L,
             0x1p63L, 1e22L, 0.125L, -0.3L, 0.999L};
  for (unsigned i = 0; i < sizeof xs / sizeof xs[0]; i++) {
    unsigned s1, s2, s3, s4, s5;
    ld r0, r1, t0, t1;
    ld sn = op_sin(xs[i], CW_DEFAULT, &s1);
    ld cs = op_cos(xs[i], CW_DEFAULT, &s2);
    op_sincos(xs[i], CW_DEFAULT, &r0, &r1, &s3);
    op_ptan(xs[i], CW_DEFAULT, &t0, &t1, &s4);
    ld e = op_2xm1(xs[i], CW_DEFAULT, &s5);
    char l[40];
    enc(l, xs[i]);
    printf("x%u = %s (%La)\n", i, l, xs[i]);
    lbl(buf, "sin x%u", i); tr(buf, sn, s1, 0x47f);
    lbl(buf, "cos x%u", i); tr(buf, cs, s2, 0x47f);
    lbl(buf, "sincos.cos x%u", i); tr(buf, r0, s3, 0x47f);
    lbl(buf, "sincos.sin x%u", i); tr(buf, r1, s3, 0x47f);
    lbl(buf, "ptan.1 x%u", i); tr(buf, t0, s4, 0x47f);
    lbl(buf, "ptan x%u", i); tr(buf, t1, s4, 0x47f);
    lbl(buf, "2xm1 x%u", i); tr(buf, e, s5, 0x7f);
  }
  for (int i = 0; i < nvals; i++) {
    unsigned s1, s2, s3;
    ld a = op_sin(vals[i], CW_DEFAULT, &s1), b = op_cos(vals[i], CW_DEFAULT, &s2), c = op_2xm1(vals[i], CW_DEFAULT, &s3);
    lbl(buf, "sin %s", names[i]); tr(buf, a, s1, 0x47f);
    lbl(buf, "cos %s", names[i]); tr(buf, b, s2, 0x47f);
    lbl(buf, "2xm1 %s", names[i]); tr(buf, c, s3, 0x7f);
  }
  /* tiny arguments: results next to a representable value, C1 tells the rounding direction */
  ld tiny[] = {1e-300L, -1e-300L, 0x1p-16400L, mk(0x0001, 0x8000000000000000ull), mk(0x0000, 0x0000123456789abcull),
               -0x1p-70L};
  for (unsigned i = 0; i < sizeof tiny / sizeof tiny[0]; i++) {
    unsigned s1, s2, s3, s4, s5;
    ld r0, r1;
    ld a = op_sin(tiny[i], CW_DEFAULT, &s1), b = op_cos(tiny[i], CW_DEFAULT, &s2);
    op_ptan(tiny[i], CW_DEFAULT, &r0, &r1, &s3);
    ld c = op_patan(tiny[i], 1.0L, CW_DEFAULT, &s4), d = op_patan(1.0L, tiny[i], CW_DEFAULT, &s5);
    lbl(buf, "tiny sin %u", i); pr(buf, a, s1 & 0x67f);
    lbl(buf, "tiny cos %u", i); pr(buf, b, s2 & 0x67f);
    lbl(buf, "tiny tan %u", i); pr(buf, r1, s3 & 0x67f);
    lbl(buf, "tiny atan %u", i); pr(buf, c, s4 & 0x27f);
    lbl(buf, "tiny acot %u", i); pr(buf, d, s5 & 0x27f);
  }
  for (int rc = 0; rc < 4; rc++) {
    unsigned s1, s2, s3;
    ld a = op_sin(0.7L, cwof(3, rc), &s1), b = op_2xm1(0.3L, cwof(3, rc), &s2), c = op_yl2x(3.0L, 10.0L, cwof(3, rc), &s3);
    lbl(buf, "rc=%d sin(0.7)", rc); pr(buf, a, s1 & 0x27f);
    lbl(buf, "rc=%d 2xm1(0.3)", rc); pr(buf, b, s2 & 0x27f);
    lbl(buf, "rc=%d 3*log2(10)", rc); pr(buf, c, s3 & 0x27f);
  }
  ld ys[] = {1.0L, -1.0L, 0.5L, 3.0L, 1e-20L, -2.5L, 0.6931471805599453094L};
  ld ls[] = {2.0L, 10.0L, 0.5L, 1.0L, 3.0L, 1e100L, 1.0000001L, 0.999999L, 0x1p-16000L, 7.0L, 1e-4940L, 0x1p100L};
  for (unsigned i = 0; i < sizeof ys / sizeof ys[0]; i++)
    for (unsigned j = 0; j < sizeof ls / sizeof ls[0]; j++) {
      unsigned sw;
      ld r = op_yl2x(ys[i], ls[j], CW_DEFAULT, &sw);
      lbl(buf, "fyl2x %u %u", i, j);
      tr(buf, r, sw, 0x7f);
    }
  ld ps[] = {0.0L, -0.0L, 0.25L, -0.25L, 1e-10L, -1e-10L, 0.1L, 0x1p-16400L, 0.29L};
  for (unsigned i = 0; i < sizeof ys / sizeof ys[0]; i++)
    for (unsigned j = 0; j < sizeof ps / sizeof ps[0]; j++) {
      unsigned sw;
      ld r = op_yl2xp1(ys[i], ps[j], CW_DEFAULT, &sw);
      lbl(buf, "fyl2xp1 %u %u", i, j);
      tr(buf, r, sw, 0x7f);
    }
  ld as[] = {0.0L, -0.0L, 1.0L, -1.0L, 0.5L, 2.0L, 1e-30L, 1e30L, 3.0L, -7.0L};
  for (unsigned i = 0; i < sizeof as / sizeof as[0]; i++)
    for (unsigned j = 0; j < sizeof as / sizeof as[0]; j++) {
      unsigned sw;
      ld r = op_patan(as[i], as[j], CW_DEFAULT, &sw);
      lbl(buf, "fpatan %u %u", i, j);
      tr(buf, r, sw, 0x7f);
    }
  for (int i = 0; i < nvals; i++)
    for (int j = 0; j < nvals; j++) {
      unsigned s1, s2, s3;
      ld a = op_patan(vals[i], vals[j], CW_DEFAULT, &s1);
      ld b = op_yl2x(vals[i], vals[j], CW_DEFAULT, &s2);
      ld c = op_yl2xp1(vals[i], vals[j], CW_DEFAULT, &s3);
      lbl(buf, "patan %s,%s", names[i], names[j]); tr(buf, a, s1, 0x7f);
      lbl(buf, "yl2x %s,%s", names[i], names[j]); tr(buf, b, s2, 0x7f);
      lbl(buf, "yl2xp1 %s,%s", names[i], names[j]); tr(buf, c, s3, 0x7f);
    }
  for (int k = -32; k <= 32; k++) {
    unsigned sw;
    ld x = k / 32.0L;
    ld r = op_2xm1(x, CW_DEFAULT, &sw);
    lbl(buf, "2xm1(%d/32)", k);
    tr(buf, r, sw, 0x7f);
  }
}

/* ------------------------------------------------------------------ compares */

static void compares(void) {
  printf("== compares\n");
  for (int i = 0; i < nvals; i++)
    for (int j = 0; j < nvals; j++) {
      unsigned short s1, s2;
      unsigned ax1, ax2;
      __asm__ volatile("fldt %2\n\tfldt %1\n\tfnclex\n\tfcom %%st(1)\n\tfnstsw %0\n\tfstp %%st(0)\n\tfstp %%st(0)"
                       : "=m"(s1) : "m"(vals[i]), "m"(vals[j]));
      __asm__ volatile("fldt %2\n\tfldt %1\n\tfnclex\n\tfucom %%st(1)\n\tfnstsw %0\n\tfstp %%st(0)\n\tfstp %%st(0)"
                       : "=m"(s2) : "m"(vals[i]), "m"(vals[j]));
      __asm__ volatile("fldt %2\n\tfldt %1\n\tfnclex\n\txor %%eax, %%eax\n\tcmp $1, %%eax\n\tfcomi %%st(1), %%st\n\tlahf\n\t"
                       "fstp %%st(0)\n\tfstp %%st(0)"
                       : "=a"(ax1) : "m"(vals[i]), "m"(vals[j]));
      __asm__ volatile("fldt %2\n\tfldt %1\n\tfnclex\n\txor %%eax, %%eax\n\tcmp $1, %%eax\n\tfucomip %%st(1), %%st\n\tlahf\n\t"
                       "fstp %%st(0)"
                       : "=a"(ax2) : "m"(vals[i]), "m"(vals[j]));
      unsigned short s3, s4;
      __asm__ volatile("fldt %2\n\tfldt %1\n\tfnclex\n\tfcomi %%st(1), %%st\n\tfnstsw %0\n\tfstp %%st(0)\n\tfstp %%st(0)"
                       : "=m"(s3) : "m"(vals[i]), "m"(vals[j]));
      __asm__ volatile("fldt %2\n\tfldt %1\n\tfnclex\n\tfucomi %%st(1), %%st\n\tfnstsw %0\n\tfstp %%st(0)\n\tfstp %%st(0)"
                       : "=m"(s4) : "m"(vals[i]), "m"(vals[j]));
      printf("cmp %s,%s: fcom %04x fucom %04x fcomi %02x/%02x fucomip %02x/%02x\n", names[i], names[j], s1 & 0x477f,
             s2 & 0x477f, (ax1 >> 8) & 0xd5, s3 & 0x7f, (ax2 >> 8) & 0xd5, s4 & 0x7f);
    }
  for (int i = 0; i < nvals; i++) {
    unsigned short s1, s2;
    __asm__ volatile("fldt %2\n\tfnclex\n\tftst\n\tfnstsw %0\n\tfxam\n\tfnstsw %1\n\tfstp %%st(0)"
                     : "=m"(s1), "=m"(s2) : "m"(vals[i]));
    printf("ftst/fxam %s: %04x %04x\n", names[i], s1 & 0x477f, s2 & 0x4700);
  }
  {
    unsigned short s;
    __asm__ volatile("fnclex\n\tfxam\n\tfnstsw %0" : "=m"(s));
    printf("fxam empty: %04x\n", s & 0x4700);
    ld pd = mk(0x0000, 0x8000000000000001ull);
    __asm__ volatile("fldt %1\n\tfxam\n\tfnstsw %0\n\tfstp %%st(0)" : "=m"(s) : "m"(pd));
    printf("fxam pseudo-denormal: %04x\n", s & 0x4700);
  }
  /* memory and integer compares */
  float f[] = {1.0f, -2.5f, 0.0f, 1e-40f, __builtin_nanf(""), __builtin_inff()};
  double d[] = {1.0, -2.5, 0.0, 4e-320, __builtin_nan(""), -__builtin_inf()};
  short w[] = {1, -3, 0, 32767, -32768, 2};
  int l[] = {1, -3, 0, 2147483647, -2147483647 - 1, 2};
  ld probes[] = {1.0L, -2.5L, 0.0L, 2.0L};
  for (int p = 0; p < 4; p++)
    for (int k = 0; k < 6; k++) {
      unsigned short s1, s2, s3, s4, s5;
      __asm__ volatile("fldt %1\n\tfnclex\n\tfcoms %2\n\tfnstsw %0\n\tfstp %%st(0)" : "=m"(s1) : "m"(probes[p]), "m"(f[k]));
      __asm__ volatile("fldt %1\n\tfnclex\n\tfcompl %2\n\tfnstsw %0" : "=m"(s2) : "m"(probes[p]), "m"(d[k]));
      __asm__ volatile("fldt %1\n\tfnclex\n\tficoms %2\n\tfnstsw %0\n\tfstp %%st(0)" : "=m"(s3) : "m"(probes[p]), "m"(w[k]));
      __asm__ volatile("fldt %1\n\tfnclex\n\tficompl %2\n\tfnstsw %0" : "=m"(s4) : "m"(probes[p]), "m"(l[k]));
      __asm__ volatile("fldt %1\n\tfldt %1\n\tfnclex\n\tfcompp\n\tfnstsw %0" : "=m"(s5) : "m"(probes[p]));
      printf("mcmp %d %d: %04x %04x %04x %04x %04x\n", p, k, s1 & 0x477f, s2 & 0x477f, s3 & 0x477f, s4 & 0x477f,
             s5 & 0x7f7f);
    }
  /* fcmovcc: condition from cmp of two ints */
  int pairs[][2] = {{1, 2}, {2, 1}, {3, 3}, {-1, 1}};
  for (int p = 0; p < 4; p++) {
    ld r[8];
    __asm__ volatile(
        "fld1\n\tfldz\n\tcmp %9, %8\n\tfcmovb %%st(1), %%st\n\tfstpt %0\n\t"
        "fldz\n\tcmp %9, %8\n\tfcmove %%st(1), %%st\n\tfstpt %1\n\t"
        "fldz\n\tcmp %9, %8\n\tfcmovbe %%st(1), %%st\n\tfstpt %2\n\t"
        "fldz\n\tcmp %9, %8\n\tfcmovu %%st(1), %%st\n\tfstpt %3\n\t"
        "fldz\n\tcmp %9, %8\n\tfcmovnb %%st(1), %%st\n\tfstpt %4\n\t"
        "fldz\n\tcmp %9, %8\n\tfcmovne %%st(1), %%st\n\tfstpt %5\n\t"
        "fldz\n\tcmp %9, %8\n\tfcmovnbe %%st(1), %%st\n\tfstpt %6\n\t"
        "fldz\n\tcmp %9, %8\n\tfcmovnu %%st(1), %%st\n\tfstpt %7\n\tfstp %%st(0)"
        : "=m"(r[0]), "=m"(r[1]), "=m"(r[2]), "=m"(r[3]), "=m"(r[4]), "=m"(r[5]), "=m"(r[6]), "=m"(r[7])
        : "r"(pairs[p][0]), "r"(pairs[p][1]));
    printf("fcmov %d,%d:", pairs[p][0], pairs[p][1]);
    for (int k = 0; k < 8; k++) printf(" %g", (double)r[k]);
    printf("\n");
  }
}

/* ------------------------------------------------------------------ conversions */

static void conversions(void) {
  printf("== loads and stores\n");
  for (int i = 0; i < nvals; i++)
    for (int rc = 0; rc < 4; rc++) {
      unsigned short cw = cwof(3, rc), s1, s2, s3, s4, s5, s6;
      float f;
      double d;
      short w;
      int l;
      long long q, t;
      __asm__ volatile("fldt %2\n\tfldcw %3\n\tfnclex\n\tfstps %0\n\tfnstsw %1\n\tfldcw %4"
                       : "=m"(f), "=m"(s1) : "m"(vals[i]), "m"(cw), "m"(CW_DEFAULT));
      __asm__ volatile("fldt %2\n\tfldcw %3\n\tfnclex\n\tfstpl %0\n\tfnstsw %1\n\tfldcw %4"
                       : "=m"(d), "=m"(s2) : "m"(vals[i]), "m"(cw), "m"(CW_DEFAULT));
      __asm__ volatile("fldt %2\n\tfldcw %3\n\tfnclex\n\tfistps %0\n\tfnstsw %1\n\tfldcw %4"
                       : "=m"(w), "=m"(s3) : "m"(vals[i]), "m"(cw), "m"(CW_DEFAULT));
      __asm__ volatile("fldt %2\n\tfldcw %3\n\tfnclex\n\tfistpl %0\n\tfnstsw %1\n\tfldcw %4"
                       : "=m"(l), "=m"(s4) : "m"(vals[i]), "m"(cw), "m"(CW_DEFAULT));
      __asm__ volatile("fldt %2\n\tfldcw %3\n\tfnclex\n\tfistpll %0\n\tfnstsw %1\n\tfldcw %4"
                       : "=m"(q), "=m"(s5) : "m"(vals[i]), "m"(cw), "m"(CW_DEFAULT));
      __asm__ volatile("fldt %2\n\tfldcw %3\n\tfnclex\n\tfisttpll %0\n\tfnstsw %1\n\tfldcw %4"
                       : "=m"(t), "=m"(s6) : "m"(vals[i]), "m"(cw), "m"(CW_DEFAULT));
      uint32_t fb;
      uint64_t db;
      memcpy(&fb, &f, 4);
      memcpy(&db, &d, 8);
      printf("st %s rc=%d: m32 %08x/%03x m64 %016llx/%03x i16 %04x/%03x i32 %08x/%03x i64 %016llx/%03x tt %016llx/%03x\n",
             names[i], rc, fb, s1 & 0x27f, (unsigned long long)db, s2 & 0x27f, (unsigned short)w, s3 & 0x27f, l,
             s4 & 0x27f, (unsigned long long)q, s5 & 0x27f, (unsigned long long)t, s6 & 0x27f);
    }
  ld ints[] = {0.5L, 1.5L, -2.5L, 32767.5L, -32768.5L, 32768.0L, 2147483647.5L, -2147483648.4L, 9.2233720368547758e18L,
               -9223372036854775808.0L, 0x1p63L, -0x1p63L - 1.0L, 1e-4940L, -0.7L};
  for (unsigned i = 0; i < sizeof ints / sizeof ints[0]; i++)
    for (int rc = 0; rc < 4; rc++) {
      unsigned short cw = cwof(3, rc), s1, s2, s3, s4, s5;
      short w, tw;
      int l, tl;
      long long q;
      __asm__ volatile("fldt %2\n\tfldcw %3\n\tfnclex\n\tfists %0\n\tfnstsw %1\n\tfstp %%st(0)\n\tfldcw %4"
                       : "=m"(w), "=m"(s1) : "m"(ints[i]), "m"(cw), "m"(CW_DEFAULT));
      __asm__ volatile("fldt %2\n\tfldcw %3\n\tfnclex\n\tfistl %0\n\tfnstsw %1\n\tfstp %%st(0)\n\tfldcw %4"
                       : "=m"(l), "=m"(s2) : "m"(ints[i]), "m"(cw), "m"(CW_DEFAULT));
      __asm__ volatile("fldt %2\n\tfldcw %3\n\tfnclex\n\tfistpll %0\n\tfnstsw %1\n\tfldcw %4"
                       : "=m"(q), "=m"(s3) : "m"(ints[i]), "m"(cw), "m"(CW_DEFAULT));
      __asm__ volatile("fldt %2\n\tfnclex\n\tfisttps %0\n\tfnstsw %1" : "=m"(tw), "=m"(s4) : "m"(ints[i]));
      __asm__ volatile("fldt %2\n\tfnclex\n\tfisttpl %0\n\tfnstsw %1" : "=m"(tl), "=m"(s5) : "m"(ints[i]));
      printf("int %u rc=%d: %04x/%03x %08x/%03x %016llx/%03x tt %04x/%03x %08x/%03x\n", i, rc, (unsigned short)w,
             s1 & 0x27f, l, s2 & 0x27f, (unsigned long long)q, s3 & 0x27f, (unsigned short)tw, s4 & 0x27f, tl,
             s5 & 0x27f);
    }
  /* float/double rounding: values between representable neighbours, overflow, underflow */
  ld fv[] = {0x1.000001p0L, 0x1.0000018p0L, 0x1.0000008p0L, -0x1.0000018p0L, 0x1.fffffffp127L, 0x1p128L, 0x1p-149L,
             0x1.8p-150L, 0x1p-151L, -0x1p-150L, 0x1.00000000000008p0L, 0x1.0000000000000cp0L, 0x1.fffffffffffff8p1023L,
             0x1p-1075L, 0x1.8p-1075L, 0x1.00000000000004p-1022L, 0x1.fffffffffffff8p-1023L, 1e-4940L};
  for (unsigned i = 0; i < sizeof fv / sizeof fv[0]; i++)
    for (int rc = 0; rc < 4; rc++) {
      unsigned short cw = cwof(3, rc), s1, s2;
      float f;
      double d;
      __asm__ volatile("fldt %2\n\tfldcw %3\n\tfnclex\n\tfsts %0\n\tfnstsw %1\n\tfstp %%st(0)\n\tfldcw %4"
                       : "=m"(f), "=m"(s1) : "m"(fv[i]), "m"(cw), "m"(CW_DEFAULT));
      __asm__ volatile("fldt %2\n\tfldcw %3\n\tfnclex\n\tfstl %0\n\tfnstsw %1\n\tfstp %%st(0)\n\tfldcw %4"
                       : "=m"(d), "=m"(s2) : "m"(fv[i]), "m"(cw), "m"(CW_DEFAULT));
      uint32_t fb;
      uint64_t db;
      memcpy(&fb, &f, 4);
      memcpy(&db, &d, 8);
      printf("fst %u rc=%d: %08x/%03x %016llx/%03x\n", i, rc, fb, s1 & 0x27f, (unsigned long long)db, s2 & 0x27f);
    }
  /* loads of every float/double class */
  uint32_t fl[] = {0x3f800000, 0x00000001, 0x80400000, 0x7f800000, 0xff800000, 0x7fc00001, 0x7f800001, 0x00000000,
                   0x80000000, 0x7f7fffff};
  uint64_t dl[] = {0x3ff0000000000000ull, 0x0000000000000001ull, 0x800fffffffffffffull, 0x7ff0000000000000ull,
                   0x7ff8000000000001ull, 0x7ff0000000000001ull, 0xfff4000000000000ull, 0x8000000000000000ull,
                   0x0008000000000000ull, 0x7fefffffffffffffull};
  for (unsigned i = 0; i < 10; i++) {
    ld r1, r2;
    unsigned short s1, s2;
    float f;
    double d;
    memcpy(&f, &fl[i], 4);
    memcpy(&d, &dl[i], 8);
    __asm__ volatile("fnclex\n\tflds %2\n\tfnstsw %1\n\tfstpt %0" : "=m"(r1), "=m"(s1) : "m"(f));
    __asm__ volatile("fnclex\n\tfldl %2\n\tfnstsw %1\n\tfstpt %0" : "=m"(r2), "=m"(s2) : "m"(d));
    char e1[40], e2[40];
    enc(e1, r1);
    enc(e2, r2);
    printf("ld %u: m32 %s/%03x m64 %s/%03x\n", i, e1, s1 & 0x27f, e2, s2 & 0x27f);
  }
  short iw[] = {0, 1, -1, 32767, -32768};
  int il[] = {0, 1, -1, 2147483647, -2147483647 - 1};
  long long iq[] = {0, 1, -1, 0x7fffffffffffffffll, -0x7fffffffffffffffll - 1};
  for (unsigned i = 0; i < 5; i++) {
    ld r1, r2, r3;
    __asm__ volatile("filds %3\n\tfstpt %0\n\tfildl %4\n\tfstpt %1\n\tfildll %5\n\tfstpt %2"
                     : "=m"(r1), "=m"(r2), "=m"(r3) : "m"(iw[i]), "m"(il[i]), "m"(iq[i]));
    char e1[40], e2[40], e3[40];
    enc(e1, r1);
    enc(e2, r2);
    enc(e3, r3);
    printf("fild %u: %s %s %s\n", i, e1, e2, e3);
  }
  /* BCD */
  ld bcd[] = {0.0L, -0.0L, 1.0L, -123456789012345678.0L, 999999999999999999.0L, 1e18L, 2.5L, -3.5L, 1e30L};
  for (unsigned i = 0; i < sizeof bcd / sizeof bcd[0]; i++) {
    unsigned char b[10];
    unsigned short s;
    ld back;
    __asm__ volatile("fldt %2\n\tfnclex\n\tfbstp %0\n\tfnstsw %1" : "=m"(b), "=m"(s) : "m"(bcd[i]));
    __asm__ volatile("fbld %1\n\tfstpt %0" : "=m"(back) : "m"(b));
    char e[40];
    enc(e, back);
    printf("bcd %u:", i);
    for (int k = 0; k < 10; k++) printf(" %02x", b[k]);
    printf(" sw=%03x back %s\n", s & 0x27f, e);
  }
  /* memory-operand arithmetic forms */
  float mf = 0.1f;
  double md = 0.1;
  short mw = -7;
  int ml = 100000;
  ld base = 2.0L;
  ld r[24];
  __asm__ volatile(
      "fldt %24\n\tfadds %25\n\tfstpt %0\n\tfldt %24\n\tfsubs %25\n\tfstpt %1\n\tfldt %24\n\tfsubrs %25\n\tfstpt %2\n\t"
      "fldt %24\n\tfmuls %25\n\tfstpt %3\n\tfldt %24\n\tfdivs %25\n\tfstpt %4\n\tfldt %24\n\tfdivrs %25\n\tfstpt %5\n\t"
      "fldt %24\n\tfaddl %26\n\tfstpt %6\n\tfldt %24\n\tfsubl %26\n\tfstpt %7\n\tfldt %24\n\tfsubrl %26\n\tfstpt %8\n\t"
      "fldt %24\n\tfmull %26\n\tfstpt %9\n\tfldt %24\n\tfdivl %26\n\tfstpt %10\n\tfldt %24\n\tfdivrl %26\n\tfstpt %11\n\t"
      "fldt %24\n\tfiadds %27\n\tfstpt %12\n\tfldt %24\n\tfisubs %27\n\tfstpt %13\n\tfldt %24\n\tfisubrs %27\n\tfstpt %14\n\t"
      "fldt %24\n\tfimuls %27\n\tfstpt %15\n\tfldt %24\n\tfidivs %27\n\tfstpt %16\n\tfldt %24\n\tfidivrs %27\n\tfstpt %17\n\t"
      "fldt %24\n\tfiaddl %28\n\tfstpt %18\n\tfldt %24\n\tfisubl %28\n\tfstpt %19\n\tfldt %24\n\tfisubrl %28\n\tfstpt %20\n\t"
      "fldt %24\n\tfimull %28\n\tfstpt %21\n\tfldt %24\n\tfidivl %28\n\tfstpt %22\n\tfldt %24\n\tfidivrl %28\n\tfstpt %23"
      : "=m"(r[0]), "=m"(r[1]), "=m"(r[2]), "=m"(r[3]), "=m"(r[4]), "=m"(r[5]), "=m"(r[6]), "=m"(r[7]), "=m"(r[8]),
        "=m"(r[9]), "=m"(r[10]), "=m"(r[11]), "=m"(r[12]), "=m"(r[13]), "=m"(r[14]), "=m"(r[15]), "=m"(r[16]),
        "=m"(r[17]), "=m"(r[18]), "=m"(r[19]), "=m"(r[20]), "=m"(r[21]), "=m"(r[22]), "=m"(r[23])
      : "m"(base), "m"(mf), "m"(md), "m"(mw), "m"(ml));
  for (int k = 0; k < 24; k++) {
    char e[40];
    enc(e, r[k]);
    printf("memop %d: %s %.21Lg\n", k, e, r[k]);
  }
}

/* ------------------------------------------------------------------ register forms and stack */

static void stack_ops(void) {
  printf("== register forms and stack\n");
  ld r[12];
  /* Intel-syntax register forms by encoding: ST(i) = ST(i) op ST(0), and the popping forms. */
  __asm__ volatile(
      "fldt %12\n\tfldt %13\n\t.byte 0xdc, 0xc1\n\tfstpt %0\n\tfstpt %1\n\t"              /* fadd st1, st0 */
      "fldt %12\n\tfldt %13\n\t.byte 0xdc, 0xe9\n\tfstpt %2\n\tfstpt %3\n\t"              /* fsub st1, st0 */
      "fldt %12\n\tfldt %13\n\t.byte 0xdc, 0xe1\n\tfstpt %4\n\tfstpt %5\n\t"              /* fsubr st1, st0 */
      "fldt %12\n\tfldt %13\n\t.byte 0xdc, 0xf9\n\tfstpt %6\n\tfstpt %7\n\t"              /* fdiv st1, st0 */
      "fldt %12\n\tfldt %13\n\t.byte 0xde, 0xe9\n\tfstpt %8\n\t"                          /* fsubp st1, st0 */
      "fldt %12\n\tfldt %13\n\t.byte 0xde, 0xf1\n\tfstpt %9\n\t"                          /* fdivrp st1, st0 */
      "fldt %12\n\tfldt %13\n\t.byte 0xde, 0xc9\n\tfstpt %10\n\t"                         /* fmulp st1, st0 */
      "fldt %12\n\tfldt %13\n\t.byte 0xde, 0xf9\n\tfstpt %11"                             /* fdivp st1, st0 */
      : "=m"(r[0]), "=m"(r[1]), "=m"(r[2]), "=m"(r[3]), "=m"(r[4]), "=m"(r[5]), "=m"(r[6]), "=m"(r[7]), "=m"(r[8]),
        "=m"(r[9]), "=m"(r[10]), "=m"(r[11])
      : "m"(vals[5]), "m"(vals[3]));
  for (int k = 0; k < 12; k++) {
    char e[40];
    enc(e, r[k]);
    printf("regform %d: %s\n", k, e);
  }
  /* fxch, fld st(i), fst st(i), fstp st(i), ffree, fincstp/fdecstp */
  ld s[6];
  unsigned short sw[4];
  unsigned char env[28];
  __asm__ volatile(
      "fninit\n\tfld1\n\tfldpi\n\tfldz\n\tfxch %%st(2)\n\tfld %%st(1)\n\tfst %%st(3)\n\tfnstsw %6\n\t"
      "fstp %%st(1)\n\tfnstsw %7\n\tfdecstp\n\tfnstsw %8\n\tfincstp\n\tffree %%st(1)\n\tfnstenv %10\n\tfldenv %10\n\t"
      "fnstsw %9\n\tfstpt %0\n\tfincstp\n\tfstpt %1\n\tfstpt %2\n\tfninit"
      : "=m"(s[0]), "=m"(s[1]), "=m"(s[2]), "=m"(s[3]), "=m"(s[4]), "=m"(s[5]), "=m"(sw[0]), "=m"(sw[1]), "=m"(sw[2]),
        "=m"(sw[3]), "=m"(env));
  for (int k = 0; k < 3; k++) {
    char e[40];
    enc(e, s[k]);
    printf("stack %d: %s\n", k, e);
  }
  printf("stack sw: %04x %04x %04x %04x tag %02x%02x\n", sw[0], sw[1], sw[2], sw[3], env[9], env[8]);
  /* stack faults */
  unsigned short f[8];
  unsigned char ov[10], un[10];
  double dd;
  int ii;
  __asm__ volatile(
      "fninit\n\tfld1\n\tfadd %%st(1), %%st\n\tfnstsw %0\n\tfstpt %8\n\t"
      "fninit\n\tfld1\n\tfld1\n\tfld1\n\tfld1\n\tfld1\n\tfld1\n\tfld1\n\tfld1\n\tfnclex\n\tfldpi\n\tfnstsw %1\n\tfstpt %9\n\t"
      "fninit\n\tfstpl %10\n\tfnstsw %2\n\t"
      "fninit\n\tfistpl %11\n\tfnstsw %3\n\t"
      "fninit\n\tfld1\n\tfxch %%st(3)\n\tfnstsw %4\n\tfninit\n\t"
      "fninit\n\tfcom %%st(2)\n\tfnstsw %5\n\t"
      "fninit\n\tfsqrt\n\tfnstsw %6\n\tfninit\n\t"
      "fninit\n\tfld1\n\tfld1\n\tfld1\n\tfld1\n\tfld1\n\tfld1\n\tfld1\n\tfld1\n\tfsincos\n\tfnstsw %7\n\tfninit"
      : "=m"(f[0]), "=m"(f[1]), "=m"(f[2]), "=m"(f[3]), "=m"(f[4]), "=m"(f[5]), "=m"(f[6]), "=m"(f[7]), "=m"(un),
        "=m"(ov), "=m"(dd), "=m"(ii));
  uint64_t db;
  memcpy(&db, &dd, 8);
  printf("faults: %04x %04x %04x %04x %04x %04x %04x %04x\n", f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7]);
  char e1[40], e2[40];
  memcpy(&r[0], un, 10);
  memcpy(&r[1], ov, 10);
  enc(e1, r[0]);
  enc(e2, r[1]);
  printf("fault values: %s %s %016llx %08x\n", e1, e2, (unsigned long long)db, ii);
}

/* ------------------------------------------------------------------ control and state images */

static void dump(const char *what, const unsigned char *b, int from, int to) {
  printf("%s[%d..%d]:", what, from, to - 1);
  for (int i = from; i < to; i++) printf(" %02x", b[i]);
  printf("\n");
}

static void control(void) {
  printf("== control\n");
  unsigned short cws[] = {0x0000, 0xffff, 0x037f, 0x0c7f, 0x1234};
  for (int i = 0; i < 5; i++) {
    unsigned short out;
    __asm__ volatile("fldcw %1\n\tfnstcw %0\n\tfldcw %2" : "=m"(out) : "m"(cws[i]), "m"(CW_DEFAULT));
    printf("fldcw %04x -> %04x\n", cws[i], out);
  }
  /* constants in every rounding mode */
  for (int rc = 0; rc < 4; rc++) {
    ld k[7];
    unsigned short cw = cwof(3, rc), s;
    __asm__ volatile("fldcw %8\n\tfnclex\n\tfld1\n\tfstpt %0\n\tfldz\n\tfstpt %1\n\tfldpi\n\tfstpt %2\n\tfldl2e\n\tfstpt %3\n\t"
                     "fldl2t\n\tfstpt %4\n\tfldlg2\n\tfstpt %5\n\tfldln2\n\tfnstsw %7\n\tfstpt %6\n\tfldcw %9"
                     : "=m"(k[0]), "=m"(k[1]), "=m"(k[2]), "=m"(k[3]), "=m"(k[4]), "=m"(k[5]), "=m"(k[6]), "=m"(s)
                     : "m"(cw), "m"(CW_DEFAULT));
    printf("const rc=%d sw=%04x:", rc, s & 0x27f);
    for (int j = 0; j < 7; j++) {
      char e[40];
      enc(e, k[j]);
      printf(" %s", e);
    }
    printf("\n");
  }
  /* status word bits, fnclex, exception flags summary */
  unsigned short s1, s2, s3, s4, s5, s6;
  unsigned ax;
  unsigned short um = 0x37e; /* IE unmasked */
  /* An unmasked exception sets ES and B; fnclex clears them before the next waiting instruction (which would trap). */
  __asm__ volatile("fninit\n\tfld1\n\tfldz\n\tfdivr %%st(1), %%st\n\tfnstsw %0\n\tfnclex\n\tfnstsw %1\n\t"
                   "fldcw %7\n\tfsqrt\n\tfld1\n\tfchs\n\tfsqrt\n\tfnstsw %2\n\tfnstsw %%ax\n\tfnclex\n\tfnstsw %3\n\t"
                   "fldcw %8\n\tfnstsw %4\n\tfninit\n\tfnstsw %5"
                   : "=m"(s1), "=m"(s2), "=m"(s3), "=m"(s4), "=m"(s5), "=m"(s6), "=a"(ax)
                   : "m"(um), "m"(CW_DEFAULT));
  printf("status: %04x %04x %04x %04x %04x %04x ax=%04x\n", s1, s2, s3, s4, s5, s6, ax & 0xffff);
  /* fnstenv / fldenv (FIP/FOP of a known instruction; FDP masked) */
  unsigned char env[28], env2[28];
  memset(env, 0xaa, sizeof env);
  __asm__ volatile("fninit\n\tfld1\n\tfldz\n\tfldpi\n\tfchs\n\tfnstenv %0\n\tfnstcw %1\n\tfldenv %0\n\tfnstenv %1\n\tfninit"
                   : "=m"(env), "=m"(env2));
  dump("fnstenv", env, 0, 12);
  dump("fnstenv", env, 18, 20);
  dump("fnstenv", env, 26, 28);
  dump("fnstenv after fldenv", env2, 0, 12);
  /* fnsave / frstor */
  unsigned char sv[108], sv2[108];
  ld back[3];
  unsigned short after;
  __asm__ volatile("fninit\n\tfld1\n\tfldpi\n\tfldl2t\n\tfnsave %0\n\tfnstsw %1\n\tfrstor %0\n\tfstpt %2\n\tfstpt %3\n\t"
                   "fstpt %4\n\tfldz\n\tfnsave %5\n\tfninit"
                   : "=m"(sv), "=m"(after), "=m"(back[0]), "=m"(back[1]), "=m"(back[2]), "=m"(sv2));
  dump("fnsave", sv, 0, 12);
  dump("fnsave", sv, 28, 108);
  dump("fnsave2", sv2, 0, 12);
  printf("after fnsave sw=%04x\n", after);
  for (int k = 0; k < 3; k++) {
    char e[40];
    enc(e, back[k]);
    printf("frstor %d: %s\n", k, e);
  }
  /* fxsave64 / fxsave / fxrstor (FOP/FIP/FDP and MXCSR_MASK masked; xmm0/xmm15 set from memory) */
  static unsigned char fx[512] __attribute__((aligned(16)));
  static unsigned char fx2[512] __attribute__((aligned(16)));
  static const unsigned char x0[16] __attribute__((aligned(16))) = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
  static const unsigned char x15[16] __attribute__((aligned(16))) = {0xf0, 0xe1, 0xd2, 0xc3, 0xb4, 0xa5, 0x96, 0x87,
                                                                     0x78, 0x69, 0x5a, 0x4b, 0x3c, 0x2d, 0x1e, 0x0f};
  memset(fx, 0x55, sizeof fx);
  memset(fx2, 0x55, sizeof fx2);
  __asm__ volatile("fninit\n\tfld1\n\tfldpi\n\tfldz\n\tfchs\n\tmovdqa %2, %%xmm0\n\tmovdqa %3, %%xmm15\n\t"
                   "fxsave64 %0\n\tfxsave %1\n\tfninit"
                   : "=m"(fx), "=m"(fx2) : "m"(x0), "m"(x15) : "xmm0", "xmm15");
  dump("fxsave64", fx, 0, 6);
  dump("fxsave64", fx, 24, 28);
  dump("fxsave64", fx, 32, 80);
  dump("fxsave64", fx, 160, 176);
  dump("fxsave64", fx, 400, 424);
  dump("fxsave64", fx, 508, 512);
  dump("fxsave", fx2, 0, 6);
  dump("fxsave", fx2, 32, 48);
  /* fxrstor a modified image: new control word, ST0 replaced, one register emptied */
  fx[0] = 0x7f; fx[1] = 0x0b; /* RC=down, PC=53 */
  memcpy(fx + 32, &(ld){3.0L}, 10);
  fx[4] = 0xa0; /* R5 and R7 valid, R6 (ST1) empty; TOP=5 */
  ld rr[3];
  unsigned short rcw, rsw;
  __asm__ volatile("fxrstor64 %5\n\tfnstcw %3\n\tfnstsw %4\n\tfstpt %0\n\tfstpt %1\n\tfstpt %2\n\tfldcw %6"
                   : "=m"(rr[0]), "=m"(rr[1]), "=m"(rr[2]), "=m"(rcw), "=m"(rsw) : "m"(fx), "m"(CW_DEFAULT));
  printf("fxrstor: cw=%04x sw=%04x", rcw, rsw);
  for (int k = 0; k < 3; k++) {
    char e[40];
    enc(e, rr[k]);
    printf(" %s", e);
  }
  printf("\n");
}

/* ------------------------------------------------------------------ printf/strtold of long double */

static void printing(void) {
  printf("== printf\n");
  ld v[] = {0.0L, -0.0L, 1.0L, 0.1L, 1.0L / 3, 2.0L / 3, 3.14159265358979323846264L, 1e4000L, 1e-4000L, 0x1p-16445L,
            1.18973149535723176502e+4932L, 123456789.123456789L, -987654321e-20L, 65536.0L * 65536.0L * 65536.0L * 65536.0L,
            1e18L + 1};
  for (unsigned i = 0; i < sizeof v / sizeof v[0]; i++) {
    volatile ld x = v[i];
    printf("%La | %.21Lg | %Le | %Lg", (ld)x, (ld)x, (ld)x, (ld)x);
    if (x < 1e30L && x > -1e30L) printf(" | %.3Lf", (ld)x); /* (%f of 1e4000 would print 4000 digits) */
    printf("\n");
  }
  for (int i = 0; i < nvals; i++) printf("%s: %La %.25Lg\n", names[i], vals[i], vals[i]);
  const char *strs[] = {"0.1", "1e4000", "-2.5e-4940", "3.141592653589793238462643383279", "1.18973149535723176505e4932",
                        "0x1.23456789abcdef0123p-16000", "123456789012345678901234567890", "nan", "-inf"};
  for (unsigned i = 0; i < sizeof strs / sizeof strs[0]; i++) {
    ld x = strtold(strs[i], NULL);
    char e[40];
    enc(e, x);
    printf("strtold(%s) = %s %.21Lg\n", strs[i], e, x);
  }
  /* long double arithmetic as compiled C */
  volatile ld a = 1.0L, s = 0.0L;
  for (int k = 1; k <= 1000; k++) s += a / k;
  printf("harmonic(1000) = %.21Lg %La\n", (ld)s, (ld)s);
  volatile ld f = 1.0L;
  for (int k = 1; k <= 170; k++) f *= k;
  printf("170! = %.21Lg %La\n", (ld)f, (ld)f);
  volatile double dv = 0.0;
  for (int k = 0; k < 10; k++) dv += (double)((ld)k / 7.0L);
  printf("mixed = %.17g\n", (double)dv);
  volatile ld big = 1e300L;
  volatile long long ll = (long long)(big / 1e290L);
  volatile unsigned long long ull = (unsigned long long)(ld)1.8e19L;
  printf("conv = %lld %llu %d\n", (long long)ll, (unsigned long long)ull, (int)(ld)-7.9L);
}

/* Every section must leave the register stack empty, as the ABI requires between statements. */
static void check_stack(const char *section) {
  unsigned char env[28];
  __asm__ volatile("fnstenv %0\n\tfldenv %0" : "=m"(env));
  unsigned tag = env[8] | env[9] << 8, top = (env[5] >> 3) & 7;
  if (tag != 0xffff || top != 0) printf("!! %s left the x87 stack dirty: tag %04x top %u\n", section, tag, top);
}

int main(void) {
  init_vals();
  arith_cross(); check_stack("arith_cross");
  arith_modes(); check_stack("arith_modes");
  unary_ops(); check_stack("unary_ops");
  scale_prem(); check_stack("scale_prem");
  transcendental(); check_stack("transcendental");
  compares(); check_stack("compares");
  conversions(); check_stack("conversions");
  stack_ops(); check_stack("stack_ops");
  control(); check_stack("control");
  printing(); check_stack("printing");
  return 0;
}
