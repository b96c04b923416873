/* vdso-syms: walks the vDSO's ELF image the way the libcs do (shared/reference/linux-abi.md §4.1)
 * and prints what it finds for exactly the five entry points x86-64 libcs use.
 *
 * Starting from getauxval(AT_SYSINFO_EHDR): the ELF header, the program headers (one PT_LOAD,
 * R+X; PT_DYNAMIC read-only; no PT_TLS), the dynamic section (DT_SONAME, DT_HASH, DT_GNU_HASH,
 * DT_SYMTAB, DT_STRTAB, DT_VERSYM, DT_VERDEF), then for each name a lookup through the SysV hash
 * table (what musl reads) and through the GNU hash table (what glibc prefers), the symbol's type,
 * binding, section index class and version (versym -> verdef, checking vd_hash), and finally a
 * call through the symbol, checking the kernel-style return value and that the result agrees with
 * the libc's own call.
 *
 * Only properties that Linux's own vDSO and x64run's generated one share are printed: no
 * addresses, sizes, symbol counts or the other symbols the kernel exports (__vdso_getrandom,
 * the unprefixed weak aliases). The output is identical natively and under x64run. */
#define _GNU_SOURCE
#include <elf.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/time.h>
#include <time.h>

static const char *const NAMES[] = {
    "__vdso_clock_gettime", "__vdso_gettimeofday", "__vdso_time", "__vdso_getcpu", "__vdso_clock_getres",
};
#define NNAMES (sizeof NAMES / sizeof NAMES[0])

static uintptr_t base;                 /* load bias: ehdr - first PT_LOAD p_vaddr (glibc's l_addr) */
static const Elf64_Sym *symtab;
static const char *strtab;
static const Elf32_Word *hashtab;      /* DT_HASH */
static const Elf32_Word *gnuhash;      /* DT_GNU_HASH */
static const Elf64_Half *versym;       /* DT_VERSYM */
static const Elf64_Verdef *verdef;     /* DT_VERDEF */
static const char *soname;

static uint32_t elf_hash(const char *s)
{
    uint32_t h = 0, g;
    for (; *s; s++) {
        h = (h << 4) + (unsigned char)*s;
        g = h & 0xf0000000u;
        if (g) h ^= g >> 24;
        h &= ~g;
    }
    return h;
}

static uint32_t gnu_hash(const char *s)
{
    uint32_t h = 5381;
    for (; *s; s++) h = h * 33 + (unsigned char)*s;
    return h;
}

/* SysV hash lookup (musl scans the whole chain array; this follows the bucket chain like glibc's
 * fallback). Returns the symbol index or 0. */
static uint32_t lookup_sysv(const char *name)
{
    uint32_t nbucket = hashtab[0];
    const Elf32_Word *bucket = hashtab + 2, *chain = bucket + nbucket;
    uint32_t steps = 0;
    for (uint32_t i = bucket[elf_hash(name) % nbucket]; i != 0 && steps < 10000; i = chain[i], steps++)
        if (strcmp(strtab + symtab[i].st_name, name) == 0) return i;
    return 0;
}

/* GNU hash lookup with the bloom filter, as glibc's do_lookup_x does. Returns the index or 0. */
static uint32_t lookup_gnu(const char *name)
{
    uint32_t nbuckets = gnuhash[0], symoffset = gnuhash[1], bloom_size = gnuhash[2], bloom_shift = gnuhash[3];
    const uint64_t *bloom = (const uint64_t *)(gnuhash + 4);
    const uint32_t *buckets = (const uint32_t *)(bloom + bloom_size);
    const uint32_t *chain = buckets + nbuckets;
    uint32_t h = gnu_hash(name);
    uint64_t word = bloom[(h / 64) % bloom_size];
    uint64_t mask = (1ull << (h % 64)) | (1ull << ((h >> bloom_shift) % 64));
    if ((word & mask) != mask) return 0;
    uint32_t i = buckets[h % nbuckets];
    if (i < symoffset) return 0;
    for (;; i++) {
        uint32_t h2 = chain[i - symoffset];
        if ((h | 1) == (h2 | 1) && strcmp(strtab + symtab[i].st_name, name) == 0) return i;
        if (h2 & 1) return 0;
    }
}

static const char *type_name(unsigned t)
{
    switch (t) {
    case STT_NOTYPE: return "NOTYPE";
    case STT_OBJECT: return "OBJECT";
    case STT_FUNC: return "FUNC";
    case STT_GNU_IFUNC: return "IFUNC";
    default: return "other";
    }
}

static const char *bind_name(unsigned b)
{
    switch (b) {
    case STB_LOCAL: return "LOCAL";
    case STB_GLOBAL: return "GLOBAL";
    case STB_WEAK: return "WEAK";
    default: return "other";
    }
}

/* The version name of symbol i: versym -> the verdef whose vd_ndx matches; "(none)" without
 * version information, "(bad hash)" when vd_hash is not the ELF hash of the name. */
static const char *version_of(uint32_t i, int *hidden)
{
    *hidden = 0;
    if (!versym || !verdef) return "(none)";
    Elf64_Half v = versym[i];
    *hidden = (v & 0x8000) != 0;
    v &= 0x7fff;
    const Elf64_Verdef *d = verdef;
    for (int n = 0; n < 64; n++) {
        if (d->vd_ndx == v && !(d->vd_flags & VER_FLG_BASE)) {
            const Elf64_Verdaux *aux = (const Elf64_Verdaux *)((const char *)d + d->vd_aux);
            const char *name = strtab + aux->vda_name;
            return elf_hash(name) == d->vd_hash ? name : "(bad hash)";
        }
        if (d->vd_next == 0) break;
        d = (const Elf64_Verdef *)((const char *)d + d->vd_next);
    }
    return "(not found)";
}

static const char *base_version(void)
{
    if (!verdef) return "(none)";
    const Elf64_Verdef *d = verdef;
    for (int n = 0; n < 64; n++) {
        if (d->vd_flags & VER_FLG_BASE) {
            const Elf64_Verdaux *aux = (const Elf64_Verdaux *)((const char *)d + d->vd_aux);
            return strtab + aux->vda_name;
        }
        if (d->vd_next == 0) break;
        d = (const Elf64_Verdef *)((const char *)d + d->vd_next);
    }
    return "(none)";
}

static int64_t ts_ns(struct timespec t) { return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec; }

/* Calls the entry point and checks it against the libc (which may itself use the vDSO). */
static void call_check(const char *name, uintptr_t addr)
{
    if (strcmp(name, "__vdso_clock_gettime") == 0) {
        long (*f)(clockid_t, struct timespec *) = (void *)addr;
        struct timespec a, b, c;
        clock_gettime(CLOCK_MONOTONIC, &a);
        long r = f(CLOCK_MONOTONIC, &b);
        clock_gettime(CLOCK_MONOTONIC, &c);
        long bad = f(12345, &b);
        printf("  call: returns %ld, between two libc calls %s, bad clock returns -EINVAL %s\n", r,
               ts_ns(a) <= ts_ns(b) && ts_ns(b) <= ts_ns(c) ? "yes" : "no", bad == -22 ? "yes" : "no");
    } else if (strcmp(name, "__vdso_gettimeofday") == 0) {
        long (*f)(struct timeval *, void *) = (void *)addr;
        struct timeval tv;
        struct timespec rt;
        long r = f(&tv, NULL);
        clock_gettime(CLOCK_REALTIME, &rt);
        int64_t d = (int64_t)rt.tv_sec * 1000000 + rt.tv_nsec / 1000 - ((int64_t)tv.tv_sec * 1000000 + tv.tv_usec);
        printf("  call: returns %ld, usec in range %s, agrees with CLOCK_REALTIME within 1s %s\n", r,
               tv.tv_usec >= 0 && tv.tv_usec < 1000000 ? "yes" : "no", d >= 0 && d < 1000000 ? "yes" : "no");
    } else if (strcmp(name, "__vdso_time") == 0) {
        long (*f)(long *) = (void *)addr;
        long out = 0;
        long r = f(&out);
        long t = time(NULL);
        printf("  call: result == *tloc %s, agrees with time() within 1s %s\n", r == out ? "yes" : "no",
               t - r >= 0 && t - r <= 1 ? "yes" : "no");
    } else if (strcmp(name, "__vdso_getcpu") == 0) {
        long (*f)(unsigned *, unsigned *, void *) = (void *)addr;
        unsigned cpu = 12345, node = 12345;
        long r = f(&cpu, &node, NULL);
        printf("  call: returns %ld, cpu < 4096 %s, node < 1024 %s\n", r, cpu < 4096 ? "yes" : "no", node < 1024 ? "yes" : "no");
    } else if (strcmp(name, "__vdso_clock_getres") == 0) {
        long (*f)(clockid_t, struct timespec *) = (void *)addr;
        struct timespec res = { 99, 99 };
        long r = f(CLOCK_MONOTONIC, &res);
        long bad = f(12345, &res);
        printf("  call: returns %ld, MONOTONIC resolution 1ns %s, bad clock returns -EINVAL %s\n", r,
               res.tv_sec == 0 && res.tv_nsec == 1 ? "yes" : "no", bad == -22 ? "yes" : "no");
    }
}

int main(void)
{
    const unsigned char *eh = (const unsigned char *)getauxval(AT_SYSINFO_EHDR);
    printf("AT_SYSINFO_EHDR present: %s\n", eh ? "yes" : "no");
    if (!eh) return 1;
    const Elf64_Ehdr *e = (const Elf64_Ehdr *)eh;
    printf("ELF magic: %s, class 64: %s, little-endian: %s, type: %s, machine x86-64: %s\n",
           memcmp(e->e_ident, ELFMAG, SELFMAG) == 0 ? "yes" : "no", e->e_ident[EI_CLASS] == ELFCLASS64 ? "yes" : "no",
           e->e_ident[EI_DATA] == ELFDATA2LSB ? "yes" : "no", e->e_type == ET_DYN ? "ET_DYN" : "other",
           e->e_machine == EM_X86_64 ? "yes" : "no");
    printf("page aligned: %s\n", ((uintptr_t)eh & 4095) == 0 ? "yes" : "no");

    const Elf64_Phdr *ph = (const Elf64_Phdr *)(eh + e->e_phoff);
    const Elf64_Phdr *load = NULL, *dyn = NULL;
    int nload = 0, ntls = 0;
    for (int k = 0; k < e->e_phnum; k++) {
        if (ph[k].p_type == PT_LOAD) { if (!load) load = &ph[k]; nload++; }
        if (ph[k].p_type == PT_DYNAMIC) dyn = &ph[k];
        if (ph[k].p_type == PT_TLS) ntls++;
    }
    printf("PT_LOAD count: %d, flags: %s%s%s\n", nload, load && (load->p_flags & PF_R) ? "R" : "-",
           load && (load->p_flags & PF_W) ? "W" : "-", load && (load->p_flags & PF_X) ? "X" : "-");
    printf("PT_DYNAMIC present: %s, writable: %s\n", dyn ? "yes" : "no", dyn && (dyn->p_flags & PF_W) ? "yes" : "no");
    printf("PT_TLS present: %s\n", ntls ? "yes" : "no");
    if (!load || !dyn) return 1;
    base = (uintptr_t)eh - load->p_vaddr;
    /* glibc: l_ld = l_addr + p_vaddr; musl: eh + p_offset. Both must name the same bytes. */
    const Elf64_Dyn *d = (const Elf64_Dyn *)(base + dyn->p_vaddr);
    printf("dynamic at bias+p_vaddr == ehdr+p_offset: %s\n",
           (const unsigned char *)d == eh + dyn->p_offset ? "yes" : "no");

    uintptr_t soname_off = 0;
    int has_soname = 0;
    for (int k = 0; k < 64 && d[k].d_tag != DT_NULL; k++) {
        uintptr_t p = base + d[k].d_un.d_ptr;
        switch (d[k].d_tag) {
        case DT_SONAME: soname_off = d[k].d_un.d_val; has_soname = 1; break;
        case DT_HASH: hashtab = (const Elf32_Word *)p; break;
        case DT_GNU_HASH: gnuhash = (const Elf32_Word *)p; break;
        case DT_SYMTAB: symtab = (const Elf64_Sym *)p; break;
        case DT_STRTAB: strtab = (const char *)p; break;
        case DT_VERSYM: versym = (const Elf64_Half *)p; break;
        case DT_VERDEF: verdef = (const Elf64_Verdef *)p; break;
        case DT_SYMENT: printf("DT_SYMENT: %lu\n", (unsigned long)d[k].d_un.d_val); break;
        }
    }
    if (strtab && has_soname) soname = strtab + soname_off;
    printf("DT_SONAME: %s\n", soname ? soname : "(none)");
    printf("DT_HASH: %s, DT_GNU_HASH: %s, DT_SYMTAB: %s, DT_STRTAB: %s, DT_VERSYM: %s, DT_VERDEF: %s\n",
           hashtab ? "yes" : "no", gnuhash ? "yes" : "no", symtab ? "yes" : "no", strtab ? "yes" : "no",
           versym ? "yes" : "no", verdef ? "yes" : "no");
    if (!symtab || !strtab || (!hashtab && !gnuhash)) return 1;
    printf("base version (VER_FLG_BASE): %s\n", base_version());

    for (unsigned n = 0; n < NNAMES; n++) {
        const char *name = NAMES[n];
        uint32_t a = hashtab ? lookup_sysv(name) : 0;
        uint32_t b = gnuhash ? lookup_gnu(name) : 0;
        printf("%s: DT_HASH %s, DT_GNU_HASH %s", name, a ? "found" : "missing", b ? "found" : "missing");
        uint32_t i = a ? a : b;
        if (a && b && a != b) printf(", lookups disagree");
        if (!i) { printf("\n"); continue; }
        const Elf64_Sym *s = &symtab[i];
        int hidden;
        const char *ver = version_of(i, &hidden);
        uintptr_t addr = base + s->st_value;
        int in_load = addr >= base + load->p_vaddr && addr < base + load->p_vaddr + load->p_memsz;
        printf(", type %s, binding %s, visibility %s, shndx %s, version %s%s, in PT_LOAD %s\n", type_name(ELF64_ST_TYPE(s->st_info)),
               bind_name(ELF64_ST_BIND(s->st_info)), ELF64_ST_VISIBILITY(s->st_other) == STV_DEFAULT ? "DEFAULT" : "other",
               s->st_shndx == SHN_UNDEF ? "UNDEF" : s->st_shndx == SHN_ABS ? "ABS" : s->st_shndx >= SHN_LORESERVE ? "reserved" : "section",
               ver, hidden ? " (hidden)" : "", in_load ? "yes" : "no");
        if (in_load && ELF64_ST_TYPE(s->st_info) == STT_FUNC) call_check(name, addr);
    }
    return 0;
}
