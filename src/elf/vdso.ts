/**
 * The vDSO image x64run maps into every process (DESIGN "The kernel"; requirements in
 * ../shared/reference/linux-abi.md §4). A small ET_DYN ELF linked at 0 with:
 *
 *   PT_LOAD (R+X) covering the whole image, PT_DYNAMIC (R only: glibc relocates a writable
 *   .dynamic in place), SysV .hash (musl only reads DT_HASH) and .gnu.hash (glibc prefers it),
 *   .dynsym/.dynstr, symbol versions (versym + verdef: BASE "linux-vdso.so.1" and "LINUX_2.6"),
 *
 * exporting __vdso_clock_gettime, __vdso_gettimeofday, __vdso_time, __vdso_getcpu and
 * __vdso_clock_getres. Each entry is real x86-64 code: `mov $NR, %eax; syscall; ret`, so any
 * engine can run it; the engines serve these addresses directly instead (native blocks), which
 * avoids the syscall round trip while keeping the kernel-style return value.
 */

export interface VdsoSymbol {
  name: string;
  /** Syscall number the entry stands for. */
  nr: number;
  /** Offset of the entry from the image base. */
  offset: number;
}

export interface VdsoImage {
  bytes: Uint8Array;
  symbols: VdsoSymbol[];
}

const ENTRIES: [string, number][] = [
  ['__vdso_clock_gettime', 228],
  ['__vdso_gettimeofday', 96],
  ['__vdso_time', 201],
  ['__vdso_getcpu', 309],
  ['__vdso_clock_getres', 229],
];

const SONAME = 'linux-vdso.so.1';
const VERSION = 'LINUX_2.6';

/** SysV ELF hash (used by verdef and DT_HASH). */
export function elfHash(name: string): number {
  let h = 0;
  for (let i = 0; i < name.length; i++) {
    h = ((h << 4) + name.charCodeAt(i)) >>> 0;
    const g = h & 0xf0000000;
    if (g) h ^= g >>> 24;
    h &= ~g >>> 0;
  }
  return h >>> 0;
}

/** GNU hash (DT_GNU_HASH). */
export function gnuHash(name: string): number {
  let h = 5381;
  for (let i = 0; i < name.length; i++) h = (Math.imul(h, 33) + name.charCodeAt(i)) >>> 0;
  return h;
}

export function buildVdso(): VdsoImage {
  const buf = new Uint8Array(0x1000);
  const dv = new DataView(buf.buffer);
  const enc = new TextEncoder();
  let at = 0;
  const align = (n: number) => { at = Math.ceil(at / n) * n; };

  // --- dynstr
  const strs: string[] = [SONAME, VERSION, ...ENTRIES.map(([n]) => n)];
  const strOff = new Map<string, number>();
  const strBytes: number[] = [0];
  for (const s of strs) {
    strOff.set(s, strBytes.length);
    strBytes.push(...enc.encode(s), 0);
  }

  const nsyms = ENTRIES.length + 1;
  const EHDR = 64, PHNUM = 2;
  at = EHDR + PHNUM * 56;

  align(8);
  const hashOff = at;
  at += 4 * (2 + 1 + nsyms); // nbucket, nchain, bucket[1], chain[nsyms]
  align(8);
  const gnuHashOff = at;
  at += 16 + 8 + 4 + 4 * ENTRIES.length; // header, bloom[1], bucket[1], chain[n]
  align(8);
  const symOff = at;
  at += 24 * nsyms;
  const strOffset = at;
  at += strBytes.length;
  align(2);
  const versymOff = at;
  at += 2 * nsyms;
  align(4);
  const verdefOff = at;
  at += 2 * (20 + 8);
  align(8);
  const dynOff = at;
  const dynEntries: [number, number][] = [
    [14, strOff.get(SONAME)!], // DT_SONAME
    [4, hashOff], // DT_HASH
    [0x6ffffef5, gnuHashOff], // DT_GNU_HASH
    [5, strOffset], // DT_STRTAB
    [6, symOff], // DT_SYMTAB
    [10, strBytes.length], // DT_STRSZ
    [11, 24], // DT_SYMENT
    [0x6ffffff0, versymOff], // DT_VERSYM
    [0x6ffffffc, verdefOff], // DT_VERDEF
    [0x6ffffffd, 2], // DT_VERDEFNUM
    [0, 0], // DT_NULL
  ];
  at += 16 * dynEntries.length;
  align(16);
  const textOff = at;
  const symbols: VdsoSymbol[] = ENTRIES.map(([name, nr], k) => ({ name, nr, offset: textOff + 16 * k }));
  at += 16 * ENTRIES.length;
  const size = at;

  // --- ELF header
  buf.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]);
  dv.setUint16(16, 3, true); // ET_DYN
  dv.setUint16(18, 62, true); // EM_X86_64
  dv.setUint32(20, 1, true);
  dv.setBigUint64(24, 0n, true); // e_entry
  dv.setBigUint64(32, BigInt(EHDR), true); // e_phoff
  dv.setBigUint64(40, 0n, true); // e_shoff: no section headers
  dv.setUint16(52, EHDR, true);
  dv.setUint16(54, 56, true);
  dv.setUint16(56, PHNUM, true);
  dv.setUint16(58, 64, true);
  // --- program headers
  const ph = (k: number, type: number, flags: number, off: number, sz: number, alignment: number) => {
    const o = EHDR + 56 * k;
    dv.setUint32(o, type, true);
    dv.setUint32(o + 4, flags, true);
    dv.setBigUint64(o + 8, BigInt(off), true);
    dv.setBigUint64(o + 16, BigInt(off), true);
    dv.setBigUint64(o + 24, BigInt(off), true);
    dv.setBigUint64(o + 32, BigInt(sz), true);
    dv.setBigUint64(o + 40, BigInt(sz), true);
    dv.setBigUint64(o + 48, BigInt(alignment), true);
  };
  ph(0, 1, 5, 0, size, 0x1000); // PT_LOAD R+X
  ph(1, 2, 4, dynOff, 16 * dynEntries.length, 8); // PT_DYNAMIC R

  // --- .hash: one bucket, chain links every symbol
  dv.setUint32(hashOff, 1, true);
  dv.setUint32(hashOff + 4, nsyms, true);
  dv.setUint32(hashOff + 8, 1, true);
  for (let k = 0; k < nsyms; k++) dv.setUint32(hashOff + 12 + 4 * k, k === 0 || k === nsyms - 1 ? 0 : k + 1, true);

  // --- .gnu.hash: one bucket, an all-ones bloom word (never filters), chain of hashes
  dv.setUint32(gnuHashOff, 1, true); // nbuckets
  dv.setUint32(gnuHashOff + 4, 1, true); // symoffset
  dv.setUint32(gnuHashOff + 8, 1, true); // bloom_size
  dv.setUint32(gnuHashOff + 12, 6, true); // bloom_shift
  dv.setBigUint64(gnuHashOff + 16, 0xffffffffffffffffn, true);
  dv.setUint32(gnuHashOff + 24, 1, true); // bucket[0] = first symbol
  ENTRIES.forEach(([name], k) => {
    const h = gnuHash(name) & ~1;
    dv.setUint32(gnuHashOff + 28 + 4 * k, (k === ENTRIES.length - 1 ? h | 1 : h) >>> 0, true);
  });

  // --- .dynsym
  symbols.forEach((s, k) => {
    const o = symOff + 24 * (k + 1);
    dv.setUint32(o, strOff.get(s.name)!, true);
    buf[o + 4] = 0x12; // STB_GLOBAL | STT_FUNC
    buf[o + 5] = 0; // STV_DEFAULT
    dv.setUint16(o + 6, 7, true); // st_shndx: any non-zero, non-special index (musl skips 0; glibc skips SHN_ABS)
    dv.setBigUint64(o + 8, BigInt(s.offset), true);
    dv.setBigUint64(o + 16, 8n, true);
  });
  buf.set(strBytes, strOffset);

  // --- .gnu.version: every symbol is LINUX_2.6 (index 2)
  for (let k = 1; k < nsyms; k++) dv.setUint16(versymOff + 2 * k, 2, true);

  // --- .gnu.version_d: BASE (linux-vdso.so.1) and LINUX_2.6
  const verdef = (o: number, flags: number, ndx: number, name: string, next: number) => {
    dv.setUint16(o, 1, true); // vd_version
    dv.setUint16(o + 2, flags, true);
    dv.setUint16(o + 4, ndx, true);
    dv.setUint16(o + 6, 1, true); // vd_cnt
    dv.setUint32(o + 8, elfHash(name), true);
    dv.setUint32(o + 12, 20, true); // vd_aux
    dv.setUint32(o + 16, next, true);
    dv.setUint32(o + 20, strOff.get(name)!, true); // vda_name
    dv.setUint32(o + 24, 0, true); // vda_next
  };
  verdef(verdefOff, 1 /* VER_FLG_BASE */, 1, SONAME, 28);
  verdef(verdefOff + 28, 0, 2, VERSION, 0);

  // --- .dynamic
  dynEntries.forEach(([tag, val], k) => {
    dv.setBigInt64(dynOff + 16 * k, BigInt(tag), true);
    dv.setBigUint64(dynOff + 16 * k + 8, BigInt(val), true);
  });

  // --- .text: mov $nr, %eax; syscall; ret (padded with int3)
  buf.fill(0xcc, textOff, size);
  symbols.forEach((s) => {
    buf.set([0xb8, s.nr & 0xff, (s.nr >> 8) & 0xff, 0, 0, 0x0f, 0x05, 0xc3], s.offset);
  });
  return { bytes: buf.slice(0, 0x1000), symbols };
}
