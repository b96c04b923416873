/* echo: argv / envp / auxv echo (musl, glibc, glibc-pie).
 *
 * The output must be byte-identical natively and under an emulator that
 * follows docs (linux-abi.md sections 1.1-1.4), so it prints only facts that
 * do not depend on the host: no stack addresses, no random bytes, no uid
 * values, no HWCAP bits, no load address of a PIE, no auxv order.
 *
 * auxv is found the way the libcs' _start code finds it: by walking envp
 * past its terminating NULL (getauxval() is deliberately not used: glibc
 * rewrites AT_HWCAP in its copy and we want what the loader put on the
 * stack).  See corpus/README.md for the list of omitted facts. */
#include <elf.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#ifndef AT_MINSIGSTKSZ
#define AT_MINSIGSTKSZ 51   /* glibc 2.36 <elf.h> lacks it */
#endif

#define NTYPES 64

static int have[NTYPES];            /* how many times each type occurred */
static uint64_t val[NTYPES];        /* last value seen */

/* Print s as a C-ish quoted string; bytes outside 0x20..0x7e are escaped. */
static void put_quoted(const char *s)
{
    putchar('"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        unsigned c = *p;
        if (c == '"' || c == '\\')
            printf("\\%c", c);
        else if (c == '\n')
            fputs("\\n", stdout);
        else if (c == '\t')
            fputs("\\t", stdout);
        else if (c < 0x20 || c > 0x7e)
            printf("\\x%02x", c);
        else
            putchar(c);
    }
    putchar('"');
}

static const char *yesno(int b) { return b ? "yes" : "no"; }

static void print_num(const char *name, int type)
{
    if (have[type])
        printf("%s: %llu\n", name, (unsigned long long)val[type]);
    else
        printf("%s: missing\n", name);
}

static void print_str(const char *name, int type)
{
    printf("%s: ", name);
    if (!have[type])
        fputs("missing", stdout);
    else if (val[type] == 0)
        fputs("NULL", stdout);
    else
        put_quoted((const char *)(uintptr_t)val[type]);
    putchar('\n');
}

static void print_present(const char *name, int type)
{
    printf("%s: %s\n", name, have[type] ? "present" : "missing");
}

static void print_id(const char *name, int type, uint64_t sys, const char *sysname)
{
    if (have[type])
        printf("%s: present, == %s(): %s\n", name, sysname, yesno(val[type] == sys));
    else
        printf("%s: missing\n", name);
}

static const char *pt_name(uint32_t t)
{
    switch (t) {
    case PT_NULL: return "NULL";
    case PT_LOAD: return "LOAD";
    case PT_DYNAMIC: return "DYNAMIC";
    case PT_INTERP: return "INTERP";
    case PT_NOTE: return "NOTE";
    case PT_PHDR: return "PHDR";
    case PT_TLS: return "TLS";
    case PT_GNU_EH_FRAME: return "GNU_EH_FRAME";
    case PT_GNU_STACK: return "GNU_STACK";
    case PT_GNU_RELRO: return "GNU_RELRO";
    case 0x6474e553: return "GNU_PROPERTY";
    default: return "OTHER";
    }
}

static void check_phdrs(void)
{
    if (!have[AT_PHDR] || !have[AT_PHNUM] || !have[AT_ENTRY] || val[AT_PHDR] == 0) {
        puts("phdr check: skipped (AT_PHDR, AT_PHNUM or AT_ENTRY missing)");
        return;
    }
    uint64_t phdr = val[AT_PHDR], phnum = val[AT_PHNUM], entry = val[AT_ENTRY];
    const Elf64_Phdr *ph = (const Elf64_Phdr *)(uintptr_t)phdr;
    if (phnum > 64) {
        puts("phdr check: AT_PHNUM implausible (> 64)");
        return;
    }

    /* Walk the program headers the loader pointed us at. */
    int nload = 0, phdr_idx = -1, load0_idx = -1;
    uint64_t max_align = 1;
    printf("phdrs:");
    for (uint64_t i = 0; i < phnum; i++) {
        printf(" %s", pt_name(ph[i].p_type));
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
    putchar('\n');
    printf("PT_LOAD count: %d\n", nload);

    /* Locate the ELF header: the kernel sets AT_PHDR = load address of the
     * header + e_phoff; ld puts the phdrs right after the 64-byte header, so
     * look there and verify. */
    const Elf64_Ehdr *eh = (const Elf64_Ehdr *)(uintptr_t)(phdr - sizeof(Elf64_Ehdr));
    int hdr_ok = load0_idx >= 0 &&
                 memcmp(eh->e_ident, ELFMAG, SELFMAG) == 0 &&
                 eh->e_phoff == sizeof(Elf64_Ehdr);
    printf("ELF header at AT_PHDR - e_phoff: %s\n", yesno(hdr_ok));
    if (!hdr_ok) {
        printf("AT_ENTRY - AT_PHDR: 0x%llx\n", (unsigned long long)(entry - phdr));
        return;
    }
    int pie = eh->e_type == ET_DYN;
    uint64_t ehdr_addr = (uint64_t)(uintptr_t)eh;
    uint64_t bias = ehdr_addr - ph[load0_idx].p_vaddr;
    printf("e_type: %s\n", eh->e_type == ET_EXEC ? "ET_EXEC" : pie ? "ET_DYN" : "other");
    printf("e_phoff: %llu, e_phentsize: %u, e_phnum == AT_PHNUM: %s\n",
           (unsigned long long)eh->e_phoff, eh->e_phentsize, yesno(eh->e_phnum == phnum));
    if (phdr_idx >= 0)
        printf("PT_PHDR.p_vaddr + bias == AT_PHDR: %s\n",
               yesno(ph[phdr_idx].p_vaddr + bias == phdr));
    printf("AT_ENTRY == e_entry + bias: %s\n", yesno(eh->e_entry + bias == entry));
    if (pie) {
        printf("load bias page-aligned: %s\n", yesno((bias & 4095) == 0));
        printf("load bias aligned to max PT_LOAD p_align (0x%llx): %s\n",
               (unsigned long long)max_align, yesno((bias & (max_align - 1)) == 0));
        printf("AT_PHDR - load base: 0x%llx\n", (unsigned long long)(phdr - ehdr_addr));
        printf("AT_ENTRY - load base: 0x%llx\n", (unsigned long long)(entry - ehdr_addr));
    } else {
        printf("load bias: 0x%llx\n", (unsigned long long)bias);
        printf("AT_PHDR: 0x%llx\n", (unsigned long long)phdr);
        printf("AT_ENTRY: 0x%llx\n", (unsigned long long)entry);
    }
    printf("AT_ENTRY - AT_PHDR: 0x%llx\n", (unsigned long long)(entry - phdr));
}

int main(int argc, char **argv, char **envp)
{
    printf("argc: %d\n", argc);
    for (int i = 0; i < argc; i++) {
        printf("argv[%d]: ", i);
        put_quoted(argv[i]);
        putchar('\n');
    }
    printf("argv[argc] == NULL: %s\n", yesno(argv[argc] == NULL));
    printf("envp == argv + argc + 1: %s\n", yesno(envp == argv + argc + 1));

    char **e = envp;
    for (; *e; e++) {
        printf("envp[%d]: ", (int)(e - envp));
        put_quoted(*e);
        putchar('\n');
    }
    printf("envc: %d\n", (int)(e - envp));

    /* auxv starts right after envp's NULL. */
    const uint64_t *av = (const uint64_t *)(e + 1);
    int dups = 0;
    for (; av[0] != AT_NULL; av += 2) {
        if (av[0] < NTYPES) {
            if (have[av[0]]++)
                dups++;
            val[av[0]] = av[1];
        }
    }
    puts("auxv:");
    printf("duplicate entries: %d\n", dups);
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
        const volatile unsigned char *r = (const volatile unsigned char *)(uintptr_t)val[AT_RANDOM];
        unsigned sum = 0;
        for (int i = 0; i < 16; i++)
            sum += r[i];
        (void)sum;
        puts("AT_RANDOM: present, 16 bytes readable");
    } else {
        print_present("AT_RANDOM", AT_RANDOM);
    }

    print_present("AT_HWCAP", AT_HWCAP);
    print_present("AT_HWCAP2", AT_HWCAP2);
    print_present("AT_MINSIGSTKSZ", AT_MINSIGSTKSZ);
    print_id("AT_UID", AT_UID, getuid(), "getuid");
    print_id("AT_EUID", AT_EUID, geteuid(), "geteuid");
    print_id("AT_GID", AT_GID, getgid(), "getgid");
    print_id("AT_EGID", AT_EGID, getegid(), "getegid");
    if (have[AT_UID] && have[AT_EUID])
        printf("AT_UID == AT_EUID: %s\n", yesno(val[AT_UID] == val[AT_EUID]));
    if (have[AT_GID] && have[AT_EGID])
        printf("AT_GID == AT_EGID: %s\n", yesno(val[AT_GID] == val[AT_EGID]));

    check_phdrs();
    puts("auxv end");
    return 0;
}
