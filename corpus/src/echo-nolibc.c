/* echo-nolibc: freestanding argv / envp / auxv echo (no libc at all).
 *
 * _start captures the entry rsp and rdx before anything else touches them,
 * then calls start_c(rsp, rdx).  The output follows echo.c line for line
 * (after two extra "at entry" lines), using only raw `syscall`s and
 * hand-written formatting helpers.  Host-dependent facts are omitted exactly
 * as in echo.c; see corpus/README.md. */

typedef unsigned long u64;
typedef unsigned int u32;
typedef unsigned short u16;
typedef unsigned char u8;

/* ---- raw syscalls -------------------------------------------------------- */
static inline long sys1(long n, long a)
{
    long r;
    __asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a) : "rcx", "r11", "memory");
    return r;
}
static inline long sys3(long n, long a, long b, long c)
{
    long r;
    __asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
    return r;
}
static inline long sys0(long n)
{
    long r;
    __asm__ volatile("syscall" : "=a"(r) : "a"(n) : "rcx", "r11", "memory");
    return r;
}
#define SYS_write 1
#define SYS_getuid 102
#define SYS_getgid 104
#define SYS_geteuid 107
#define SYS_getegid 108
#define SYS_exit_group 231

/* ---- output buffer ------------------------------------------------------- */
static char obuf[4096];
static u64 olen;

static void flush(void)
{
    u64 off = 0;
    while (off < olen) {
        long r = sys3(SYS_write, 1, (long)(obuf + off), (long)(olen - off));
        if (r <= 0)
            break;                    /* nothing sensible to do; drop it */
        off += (u64)r;
    }
    olen = 0;
}
static void putc_(char c)
{
    if (olen == sizeof obuf)
        flush();
    obuf[olen++] = c;
}
static void puts_(const char *s)          /* no newline added */
{
    while (*s)
        putc_(*s++);
}
static void putdec(u64 v)
{
    char tmp[24];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        putc_(tmp[--n]);
}
static void putsdec(long v)
{
    if (v < 0) {
        putc_('-');
        putdec((u64)0 - (u64)v);
    } else {
        putdec((u64)v);
    }
}
static void puthex(u64 v)                 /* "0x..." like printf("0x%llx") */
{
    char tmp[16];
    int n = 0;
    puts_("0x");
    do {
        tmp[n++] = "0123456789abcdef"[v & 15];
        v >>= 4;
    } while (v);
    while (n)
        putc_(tmp[--n]);
}
static void put_quoted(const char *s)
{
    putc_('"');
    for (const u8 *p = (const u8 *)s; *p; p++) {
        u32 c = *p;
        if (c == '"' || c == '\\') {
            putc_('\\');
            putc_((char)c);
        } else if (c == '\n') {
            puts_("\\n");
        } else if (c == '\t') {
            puts_("\\t");
        } else if (c < 0x20 || c > 0x7e) {
            puts_("\\x");
            putc_("0123456789abcdef"[c >> 4]);
            putc_("0123456789abcdef"[c & 15]);
        } else {
            putc_((char)c);
        }
    }
    putc_('"');
}
static const char *yesno(int b) { return b ? "yes" : "no"; }

/* ---- ELF / auxv definitions (own copies: no libc headers) ---------------- */
#define AT_NULL 0
#define AT_PHDR 3
#define AT_PHENT 4
#define AT_PHNUM 5
#define AT_PAGESZ 6
#define AT_BASE 7
#define AT_FLAGS 8
#define AT_ENTRY 9
#define AT_UID 11
#define AT_EUID 12
#define AT_GID 13
#define AT_EGID 14
#define AT_PLATFORM 15
#define AT_HWCAP 16
#define AT_CLKTCK 17
#define AT_SECURE 23
#define AT_RANDOM 25
#define AT_HWCAP2 26
#define AT_EXECFN 31
#define AT_MINSIGSTKSZ 51

#define PT_LOAD 1
#define PT_PHDR 6
#define ET_EXEC 2
#define ET_DYN 3

typedef struct {
    u8 e_ident[16];
    u16 e_type, e_machine;
    u32 e_version;
    u64 e_entry, e_phoff, e_shoff;
    u32 e_flags;
    u16 e_ehsize, e_phentsize, e_phnum, e_shentsize, e_shnum, e_shstrndx;
} Ehdr;
typedef struct {
    u32 p_type, p_flags;
    u64 p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_align;
} Phdr;

#define NTYPES 64
static int have[NTYPES];
static u64 val[NTYPES];

static void print_num(const char *name, int type)
{
    puts_(name);
    puts_(": ");
    if (have[type])
        putdec(val[type]);
    else
        puts_("missing");
    putc_('\n');
}
static void print_str(const char *name, int type)
{
    puts_(name);
    puts_(": ");
    if (!have[type])
        puts_("missing");
    else if (val[type] == 0)
        puts_("NULL");
    else
        put_quoted((const char *)val[type]);
    putc_('\n');
}
static void print_present(const char *name, int type)
{
    puts_(name);
    puts_(have[type] ? ": present\n" : ": missing\n");
}
static void print_id(const char *name, int type, u64 sys, const char *sysname)
{
    puts_(name);
    if (have[type]) {
        puts_(": present, == ");
        puts_(sysname);
        puts_("(): ");
        puts_(yesno(val[type] == sys));
        putc_('\n');
    } else {
        puts_(": missing\n");
    }
}
static void print_yn(const char *label, int b)
{
    puts_(label);
    puts_(": ");
    puts_(yesno(b));
    putc_('\n');
}
static void print_hex(const char *label, u64 v)
{
    puts_(label);
    puts_(": ");
    puthex(v);
    putc_('\n');
}

static const char *pt_name(u32 t)
{
    switch (t) {
    case 0: return "NULL";
    case 1: return "LOAD";
    case 2: return "DYNAMIC";
    case 3: return "INTERP";
    case 4: return "NOTE";
    case 6: return "PHDR";
    case 7: return "TLS";
    case 0x6474e550: return "GNU_EH_FRAME";
    case 0x6474e551: return "GNU_STACK";
    case 0x6474e552: return "GNU_RELRO";
    case 0x6474e553: return "GNU_PROPERTY";
    default: return "OTHER";
    }
}

static void check_phdrs(void)
{
    if (!have[AT_PHDR] || !have[AT_PHNUM] || !have[AT_ENTRY] || val[AT_PHDR] == 0) {
        puts_("phdr check: skipped (AT_PHDR, AT_PHNUM or AT_ENTRY missing)\n");
        return;
    }
    u64 phdr = val[AT_PHDR], phnum = val[AT_PHNUM], entry = val[AT_ENTRY];
    const Phdr *ph = (const Phdr *)phdr;
    if (phnum > 64) {
        puts_("phdr check: AT_PHNUM implausible (> 64)\n");
        return;
    }
    int nload = 0, phdr_idx = -1, load0_idx = -1;
    u64 max_align = 1;
    puts_("phdrs:");
    for (u64 i = 0; i < phnum; i++) {
        putc_(' ');
        puts_(pt_name(ph[i].p_type));
        if (ph[i].p_type == PT_LOAD) {
            nload++;
            if (ph[i].p_align > max_align)
                max_align = ph[i].p_align;
            if (ph[i].p_offset == 0 && load0_idx < 0)
                load0_idx = (int)i;
        }
        if (ph[i].p_type == PT_PHDR)
            phdr_idx = (int)i;
    }
    putc_('\n');
    puts_("PT_LOAD count: ");
    putsdec(nload);
    putc_('\n');

    const Ehdr *eh = (const Ehdr *)(phdr - sizeof(Ehdr));
    int hdr_ok = load0_idx >= 0 && eh->e_ident[0] == 0x7f && eh->e_ident[1] == 'E' &&
                 eh->e_ident[2] == 'L' && eh->e_ident[3] == 'F' && eh->e_phoff == sizeof(Ehdr);
    print_yn("ELF header at AT_PHDR - e_phoff", hdr_ok);
    if (!hdr_ok) {
        print_hex("AT_ENTRY - AT_PHDR", entry - phdr);
        return;
    }
    int pie = eh->e_type == ET_DYN;
    u64 ehdr_addr = (u64)eh;
    u64 bias = ehdr_addr - ph[load0_idx].p_vaddr;
    puts_("e_type: ");
    puts_(eh->e_type == ET_EXEC ? "ET_EXEC" : pie ? "ET_DYN" : "other");
    putc_('\n');
    puts_("e_phoff: ");
    putdec(eh->e_phoff);
    puts_(", e_phentsize: ");
    putdec(eh->e_phentsize);
    puts_(", e_phnum == AT_PHNUM: ");
    puts_(yesno(eh->e_phnum == phnum));
    putc_('\n');
    if (phdr_idx >= 0)
        print_yn("PT_PHDR.p_vaddr + bias == AT_PHDR", ph[phdr_idx].p_vaddr + bias == phdr);
    print_yn("AT_ENTRY == e_entry + bias", eh->e_entry + bias == entry);
    if (pie) {
        print_yn("load bias page-aligned", (bias & 4095) == 0);
        puts_("load bias aligned to max PT_LOAD p_align (");
        puthex(max_align);
        puts_(")");
        print_yn("", (bias & (max_align - 1)) == 0);
        print_hex("AT_PHDR - load base", phdr - ehdr_addr);
        print_hex("AT_ENTRY - load base", entry - ehdr_addr);
    } else {
        print_hex("load bias", bias);
        print_hex("AT_PHDR", phdr);
        print_hex("AT_ENTRY", entry);
    }
    print_hex("AT_ENTRY - AT_PHDR", entry - phdr);
}

/* ---- entry ---------------------------------------------------------------- */
__attribute__((noreturn, used)) void start_c(u64 *sp, u64 rdx);

__asm__(
    ".text\n"
    ".global _start\n"
    ".type _start,@function\n"
    "_start:\n"
    "    mov  %rsp, %rdi\n"       /* arg0: entry rsp (points at argc) */
    "    mov  %rdx, %rsi\n"       /* arg1: entry rdx (must be 0 per the ABI) */
    "    xor  %ebp, %ebp\n"
    "    and  $-16, %rsp\n"       /* ABI alignment for the call */
    "    call start_c\n"
    "    hlt\n"
    ".size _start, .-_start\n");

void start_c(u64 *sp, u64 rdx)
{
    print_hex("rdx at entry", rdx);
    puts_("rsp%16 at entry: ");
    putdec((u64)sp % 16);
    putc_('\n');

    long argc = (long)sp[0];
    char **argv = (char **)(sp + 1);
    char **envp = argv + argc + 1;

    puts_("argc: ");
    putsdec(argc);
    putc_('\n');
    for (long i = 0; i < argc; i++) {
        puts_("argv[");
        putsdec(i);
        puts_("]: ");
        put_quoted(argv[i]);
        putc_('\n');
    }
    print_yn("argv[argc] == NULL", argv[argc] == 0);
    print_yn("envp == argv + argc + 1", 1);      /* by construction here */

    char **e = envp;
    for (; *e; e++) {
        puts_("envp[");
        putsdec(e - envp);
        puts_("]: ");
        put_quoted(*e);
        putc_('\n');
    }
    puts_("envc: ");
    putsdec(e - envp);
    putc_('\n');

    const u64 *av = (const u64 *)(e + 1);
    int dups = 0;
    for (; av[0] != AT_NULL; av += 2) {
        if (av[0] < NTYPES) {
            if (have[av[0]]++)
                dups++;
            val[av[0]] = av[1];
        }
    }
    puts_("auxv:\n");
    puts_("duplicate entries: ");
    putsdec(dups);
    putc_('\n');
    print_num("AT_PAGESZ", AT_PAGESZ);
    print_num("AT_PHENT", AT_PHENT);
    print_num("AT_PHNUM", AT_PHNUM);
    print_num("AT_FLAGS", AT_FLAGS);
    print_num("AT_CLKTCK", AT_CLKTCK);
    print_num("AT_SECURE", AT_SECURE);
    print_num("AT_BASE", AT_BASE);
    print_str("AT_PLATFORM", AT_PLATFORM);
    print_str("AT_EXECFN", AT_EXECFN);
    if (have[AT_RANDOM] && val[AT_RANDOM] != 0) {
        const volatile u8 *r = (const volatile u8 *)val[AT_RANDOM];
        u32 sum = 0;
        for (int i = 0; i < 16; i++)
            sum += r[i];
        (void)sum;
        puts_("AT_RANDOM: present, 16 bytes readable\n");
    } else {
        print_present("AT_RANDOM", AT_RANDOM);
    }
    print_present("AT_HWCAP", AT_HWCAP);
    print_present("AT_HWCAP2", AT_HWCAP2);
    print_present("AT_MINSIGSTKSZ", AT_MINSIGSTKSZ);
    print_id("AT_UID", AT_UID, (u64)sys0(SYS_getuid), "getuid");
    print_id("AT_EUID", AT_EUID, (u64)sys0(SYS_geteuid), "geteuid");
    print_id("AT_GID", AT_GID, (u64)sys0(SYS_getgid), "getgid");
    print_id("AT_EGID", AT_EGID, (u64)sys0(SYS_getegid), "getegid");
    if (have[AT_UID] && have[AT_EUID])
        print_yn("AT_UID == AT_EUID", val[AT_UID] == val[AT_EUID]);
    if (have[AT_GID] && have[AT_EGID])
        print_yn("AT_GID == AT_EGID", val[AT_GID] == val[AT_EGID]);

    check_phdrs();
    puts_("auxv end\n");
    flush();
    sys1(SYS_exit_group, 0);
    for (;;)
        ;
}
