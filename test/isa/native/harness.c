/*
 * x64run instruction oracle: native recorder.
 *
 * Reads case records (see test/isa/format.ts, "Native interface") from the file named by argv[1],
 * runs each case on the real CPU and writes one result record per case to argv[2].
 *
 * How a case runs. Every transition goes through one signal handler running on an alternate
 * stack. The handler (1) dumps the state the previous case stopped in (gregs, the FXSAVE image,
 * siginfo and the bytes of the data region that changed), (2) loads the next case into the
 * ucontext: every GPR, RFLAGS, RIP = the instruction, and the legacy FXSAVE area (x87 control/
 * status/tags/registers, MXCSR, XMM0-15), marking x87 and SSE state in use in the XSAVE header
 * so XRSTOR takes them, and (3) returns, so rt_sigreturn loads the whole state at once. The code
 * page is filled with int3 around the instruction, so the case ends with SIGTRAP after it (or
 * after a branch to any address in the page), or with the fault the instruction raises.
 * The first case is entered with raise(SIGUSR1); after the last one the handler puts back the
 * context saved at that point and main() continues.
 *
 * Layout (identical in the emulator): code page 0x10000000 (RWX), data 0x20000000..0x20002000
 * (RW), 0x20002000..0x20003000 (read-only); the pages around them are unmapped.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#define CODE_ADDR 0x10000000UL
#define CODE_SIZE 0x1000UL
#define INSN_OFF 0x800UL
#define DATA_ADDR 0x20000000UL
#define DATA_RW 0x2000UL
#define DATA_RO 0x1000UL
#define DATA_SIZE (DATA_RW + DATA_RO)
#define IN_MAGIC 0x31415349u /* "ISA1" */
#define OUT_MAGIC 0x3154554fu /* "OUT1" */
#define FX_BYTES 416 /* FXSAVE bytes 0..415: control words, ST0-7, XMM0-15 */

/* One input record (little-endian, packed). Followed by `patch_bytes` bytes of patches:
 * repeated { u16 offset; u16 length; u8 bytes[length] } applied to the data region. */
struct __attribute__((packed)) in_rec {
  uint32_t magic;
  uint32_t index;
  uint64_t gpr[16]; /* x86 order: rax rcx rdx rbx rsp rbp rsi rdi r8..r15 */
  uint64_t rflags;
  uint64_t rip_off; /* instruction offset inside the code page */
  uint8_t code[16];
  uint32_t code_len;
  uint32_t mem_seed;
  uint32_t patch_bytes;
  uint32_t pad;
  uint8_t fx[FX_BYTES];
};

struct __attribute__((packed)) out_rec {
  uint32_t magic;
  uint32_t index;
  uint64_t gpr[16];
  uint64_t rip;
  uint64_t rflags;
  int32_t signo;
  int32_t sig_code;
  uint64_t sig_addr;
  uint64_t trapno;
  uint64_t err;
  uint8_t fx[FX_BYTES];
  uint32_t diff_bytes; /* followed by diff runs { u16 offset; u16 length; u8 bytes[length] } */
};

_Static_assert(sizeof(struct in_rec) == 600, "in_rec layout");
_Static_assert(sizeof(struct out_rec) == 604, "out_rec layout");

static uint8_t *in_buf;
static size_t in_len, in_pos;
static FILE *out;
static long cur = -1;
static int done;
static uint8_t initial[DATA_SIZE];
static struct in_rec *cur_rec;

/* The context saved when the first case was entered, restored after the last one. */
static gregset_t saved_gregs;
static uint8_t saved_fx[512];

/* Data region contents: xorshift32 from the case's seed (0 -> 1), little-endian words. */
static void fill_data(uint8_t *d, uint32_t seed) {
  uint32_t x = seed ? seed : 1;
  for (size_t i = 0; i < DATA_SIZE; i += 4) {
    x ^= x << 13; x ^= x >> 17; x ^= x << 5;
    memcpy(d + i, &x, 4);
  }
}

/* ucontext gregs index of each GPR in x86 encoding order. */
static const int greg_of[16] = {REG_RAX, REG_RCX, REG_RDX, REG_RBX, REG_RSP, REG_RBP, REG_RSI, REG_RDI,
                                REG_R8, REG_R9, REG_R10, REG_R11, REG_R12, REG_R13, REG_R14, REG_R15};

static void die(const char *m) {
  fprintf(stderr, "harness: %s (case %ld)\n", m, cur);
  _exit(2);
}

static void dump(int sig, siginfo_t *si, ucontext_t *uc) {
  struct out_rec o;
  memset(&o, 0, sizeof o);
  o.magic = OUT_MAGIC;
  o.index = cur_rec->index;
  for (int i = 0; i < 16; i++) o.gpr[i] = uc->uc_mcontext.gregs[greg_of[i]];
  o.rip = uc->uc_mcontext.gregs[REG_RIP];
  o.rflags = uc->uc_mcontext.gregs[REG_EFL];
  o.signo = sig;
  o.sig_code = si->si_code;
  o.sig_addr = (uint64_t)si->si_addr;
  o.trapno = uc->uc_mcontext.gregs[REG_TRAPNO];
  o.err = uc->uc_mcontext.gregs[REG_ERR];
  memcpy(o.fx, uc->uc_mcontext.fpregs, FX_BYTES);
  /* Diff of the data region against its initial contents, as runs. */
  static uint8_t runs[DATA_SIZE * 2];
  uint32_t n = 0;
  const uint8_t *d = (const uint8_t *)DATA_ADDR;
  for (uint32_t i = 0; i < DATA_SIZE;) {
    if (d[i] == initial[i]) { i++; continue; }
    uint32_t j = i;
    while (j < DATA_SIZE && j - i < 0xffff && d[j] != initial[j]) j++;
    uint16_t off = (uint16_t)i, len = (uint16_t)(j - i);
    memcpy(runs + n, &off, 2); memcpy(runs + n + 2, &len, 2); memcpy(runs + n + 4, d + i, len);
    n += 4 + len;
    i = j;
  }
  o.diff_bytes = n;
  if (fwrite(&o, sizeof o, 1, out) != 1 || (n && fwrite(runs, n, 1, out) != 1)) die("write failed");
}

static void load(ucontext_t *uc) {
  if (in_pos + sizeof(struct in_rec) > in_len) die("truncated input");
  struct in_rec *r = (struct in_rec *)(in_buf + in_pos);
  if (r->magic != IN_MAGIC) die("bad input record");
  in_pos += sizeof(struct in_rec) + r->patch_bytes;
  if (in_pos > in_len || r->code_len > 16 || r->rip_off + r->code_len > CODE_SIZE) die("bad input record");
  cur_rec = r;

  /* Code page: int3 everywhere, the instruction at rip_off. */
  uint8_t *code = (uint8_t *)CODE_ADDR;
  memset(code, 0xcc, CODE_SIZE);
  memcpy(code + r->rip_off, r->code, r->code_len);

  /* Data region. */
  if (mprotect((void *)(DATA_ADDR + DATA_RW), DATA_RO, PROT_READ | PROT_WRITE)) die("mprotect");
  fill_data(initial, r->mem_seed);
  const uint8_t *p = (const uint8_t *)(r + 1), *end = p + r->patch_bytes;
  while (p < end) {
    uint16_t off, len;
    memcpy(&off, p, 2); memcpy(&len, p + 2, 2);
    if ((size_t)off + len > DATA_SIZE) die("bad patch");
    memcpy(initial + off, p + 4, len);
    p += 4 + len;
  }
  memcpy((void *)DATA_ADDR, initial, DATA_SIZE);
  if (mprotect((void *)(DATA_ADDR + DATA_RW), DATA_RO, PROT_READ)) die("mprotect");

  for (int i = 0; i < 16; i++) uc->uc_mcontext.gregs[greg_of[i]] = (greg_t)r->gpr[i];
  uc->uc_mcontext.gregs[REG_EFL] = (greg_t)r->rflags;
  uc->uc_mcontext.gregs[REG_RIP] = (greg_t)(CODE_ADDR + r->rip_off);

  uint8_t *fx = (uint8_t *)uc->uc_mcontext.fpregs;
  memcpy(fx, r->fx, FX_BYTES);
}

/* The XSAVE header follows the 512-byte legacy area when the kernel used the XSAVE format
 * (sw_reserved.magic1 at offset 464). XSTATE_BV bits 0 (x87) and 1 (SSE) must be set, or XRSTOR
 * would put those components in their init state instead of loading our values. */
static void mark_in_use(ucontext_t *uc) {
  uint8_t *fx = (uint8_t *)uc->uc_mcontext.fpregs;
  uint32_t magic1;
  memcpy(&magic1, fx + 464, 4);
  if (magic1 == 0x46505853u) {
    uint64_t bv;
    memcpy(&bv, fx + 512, 8);
    bv |= 3;
    memcpy(fx + 512, &bv, 8);
  }
}

static void handler(int sig, siginfo_t *si, void *ctx) {
  /* A case may have set EFLAGS.AC or NT (popf). AC: with CR0.AM set by Linux the handler's own
   * misaligned accesses would fault. NT: rt_sigreturn does not take NT from the frame but keeps
   * the flags of its own caller, so an NT left set here would leak into every later case.
   * Clear both before doing anything else. */
  __asm__ volatile("pushfq; andq $~0x44000, (%%rsp); popfq" ::: "memory", "cc");
  ucontext_t *uc = (ucontext_t *)ctx;
  if (cur < 0) {
    if (sig != SIGUSR1) die("unexpected signal before the first case");
    memcpy(saved_gregs, uc->uc_mcontext.gregs, sizeof saved_gregs);
    memcpy(saved_fx, uc->uc_mcontext.fpregs, 512);
  } else {
    dump(sig, si, uc);
  }
  cur++;
  if (in_pos >= in_len) {
    memcpy(uc->uc_mcontext.gregs, saved_gregs, sizeof saved_gregs);
    memcpy(uc->uc_mcontext.fpregs, saved_fx, 512);
    done = 1;
    return;
  }
  load(uc);
  mark_in_use(uc);
}

int main(int argc, char **argv) {
  if (argc != 3) { fprintf(stderr, "usage: harness cases.bin results.bin\n"); return 2; }
  FILE *f = fopen(argv[1], "rb");
  if (!f) { perror(argv[1]); return 2; }
  fseek(f, 0, SEEK_END);
  in_len = (size_t)ftell(f);
  fseek(f, 0, SEEK_SET);
  in_buf = malloc(in_len ? in_len : 1);
  if (in_len && fread(in_buf, in_len, 1, f) != 1) { perror("read"); return 2; }
  fclose(f);
  out = fopen(argv[2], "wb");
  if (!out) { perror(argv[2]); return 2; }
  static char obuf[1 << 20];
  setvbuf(out, obuf, _IOFBF, sizeof obuf);

  if (mmap((void *)CODE_ADDR, CODE_SIZE, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0) != (void *)CODE_ADDR ||
      mmap((void *)DATA_ADDR, DATA_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0) != (void *)DATA_ADDR) {
    perror("mmap");
    return 2;
  }

  stack_t ss = {0};
  ss.ss_size = 1 << 20;
  ss.ss_sp = malloc(ss.ss_size);
  if (sigaltstack(&ss, NULL)) { perror("sigaltstack"); return 2; }
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = handler;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
  sigfillset(&sa.sa_mask);
  int sigs[] = {SIGUSR1, SIGTRAP, SIGSEGV, SIGBUS, SIGILL, SIGFPE};
  for (unsigned i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
    if (sigaction(sigs[i], &sa, NULL)) { perror("sigaction"); return 2; }

  alarm(600); /* a case that never stops would otherwise hang the recorder */
  raise(SIGUSR1);
  if (!done) die("cases did not complete");
  if (fclose(out)) { perror("fclose"); return 2; }
  fprintf(stderr, "harness: %ld cases\n", cur);
  return 0;
}
