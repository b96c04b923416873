/**
 * Maps a parsed ELF image into an address space the way fs/binfmt_elf.c does: each PT_LOAD gets
 * page-granular mappings whose first and last pages hold the surrounding file bytes, bss is
 * zeroed, and protections follow p_flags. static-pie (ET_DYN without PT_INTERP) is loaded at
 * PIE_BASE rounded to the largest p_align; the program relocates itself (glibc's
 * _dl_relocate_static_pie, musl's rcrt1), so the loader never applies relocations.
 */
import type { AddressSpace } from '../memory/address-space.js';
import { PIE_BASE, pageAlignDown, pageAlignUp } from '../memory/address-space.js';
import { PROT_READ, PROT_WRITE, PROT_EXEC, WINDOW_SIZE } from '../memory/memory.js';
import { ElfError, ET_DYN, PF_R, PF_W, PF_X, PT_PHDR, type ElfImage } from './elf.js';

export interface LoadedImage {
  image: ElfImage;
  /** Load bias (0 for ET_EXEC). */
  bias: number;
  entry: number;
  /** Guest address of the program headers (AT_PHDR). */
  phdrAddr: number;
  /** Page-aligned end of the highest segment: where brk starts. */
  end: number;
}

export function protFromFlags(flags: number): number {
  return (flags & PF_R ? PROT_READ : 0) | (flags & PF_W ? PROT_WRITE : 0) | (flags & PF_X ? PROT_EXEC : 0);
}

export function loadElf(as: AddressSpace, image: ElfImage, data: Uint8Array, name: string, base = PIE_BASE): LoadedImage {
  let bias = 0;
  if (image.type === ET_DYN) {
    const align = Math.max(image.maxAlign, 4096);
    bias = Math.ceil(base / align) * align - pageAlignDown(image.minVaddr);
  }
  if (image.maxVaddr + bias > WINDOW_SIZE) {
    throw new ElfError('segment-outside-address-space',
      `segments end at 0x${(image.maxVaddr + bias).toString(16)}, above x64run's 4 GiB guest window`);
  }
  for (const ph of image.loads) {
    const vstart = ph.vaddr + bias;
    const mapStart = pageAlignDown(vstart);
    const mapEnd = pageAlignUp(vstart + ph.memsz);
    if (mapStart < 0x10000) {
      throw new ElfError('segment-outside-address-space', `PT_LOAD at 0x${vstart.toString(16)} is below vm.mmap_min_addr (0x10000)`);
    }
    if (mapEnd === mapStart) continue;
    as.map(mapStart, mapEnd - mapStart, PROT_READ | PROT_WRITE, name, false, ph.offset - (vstart - mapStart));
    // File bytes from the start of the first page (Linux maps whole file pages) up to p_filesz.
    const fileFrom = ph.offset - (vstart - mapStart);
    const fileTo = ph.offset + ph.filesz;
    if (ph.filesz > 0 && fileFrom >= 0) {
      as.mem.u8.set(data.subarray(fileFrom, Math.min(fileTo, data.length)), mapStart);
      // The rest of the last file page holds following file bytes unless it is bss (padzero).
      if (ph.memsz === ph.filesz) {
        const pageEnd = pageAlignUp(vstart + ph.filesz);
        const extra = data.subarray(fileTo, Math.min(data.length, fileTo + (pageEnd - (vstart + ph.filesz))));
        as.mem.u8.set(extra, vstart + ph.filesz);
      }
    }
  }
  // Protections last, so an earlier segment's RW page shared with a later one ends up as Linux leaves it.
  for (const ph of image.loads) {
    const vstart = ph.vaddr + bias;
    const mapStart = pageAlignDown(vstart);
    const mapEnd = pageAlignUp(vstart + ph.memsz);
    if (mapEnd > mapStart) as.protect(mapStart, mapEnd - mapStart, protFromFlags(ph.flags));
  }
  return { image, bias, entry: image.entry + bias, phdrAddr: phdrAddress(image) + bias, end: pageAlignUp(image.maxVaddr + bias) };
}

/** AT_PHDR as the kernel computes it: PT_PHDR if present, else the PT_LOAD that maps e_phoff. */
function phdrAddress(image: ElfImage): number {
  const pt = image.phdrs.find((p) => p.type === PT_PHDR);
  if (pt) return pt.vaddr;
  for (const p of image.loads) {
    if (image.phoff >= p.offset && image.phoff < p.offset + p.filesz) return p.vaddr + (image.phoff - p.offset);
  }
  return 0;
}
