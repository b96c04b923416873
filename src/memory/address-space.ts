/**
 * The process address space: the flat Memory window plus the list of mappings (VMAs) that
 * mmap/munmap/mprotect/mremap/brk manipulate and /proc/self/maps prints.
 *
 * Placement policy (Linux lets the kernel choose, so x64run chooses what fits the window):
 *   0x00000000 .. 0x00010000   never mapped (vm.mmap_min_addr)
 *   ET_EXEC images             at their link addresses (usually 0x400000)
 *   static-pie / ld.so images  at PIE_BASE
 *   brk heap                   from the page-aligned end of the highest PT_LOAD, upwards
 *   mmap area                  top-down from MMAP_TOP
 *   stack                      STACK_SIZE below STACK_TOP (fixed size, no growth)
 */
import {
  Memory, PAGE_SIZE, PAGE_MASK, PAGE_SHIFT, WINDOW_SIZE, PROT_READ, PROT_WRITE, PROT_EXEC, PAGE_MAPPED,
} from './memory.js';

export const MMAP_MIN_ADDR = 0x10000;
/** Load base of static-pie executables (Linux uses 0x5555_5555_4000-ish; ours must fit the window). */
export const PIE_BASE = 0x5555_0000;
export const STACK_TOP = 0xffff_e000;
/** 8 MiB, the default RLIMIT_STACK that glibc's prlimit64 query sees. */
export const STACK_SIZE = 8 * 1024 * 1024;
export const MMAP_TOP = STACK_TOP - STACK_SIZE - 16 * 1024 * 1024;

export interface Vma {
  start: number;
  end: number; // exclusive
  prot: number; // PROT_* bits
  shared: boolean;
  /** What /proc/self/maps shows: a path, "[heap]", "[stack]", "[vdso]", or "" for anonymous. */
  name: string;
  /** File offset of `start` for file-backed mappings. */
  offset: number;
}

export const pageAlignUp = (n: number): number => Math.ceil(n / PAGE_SIZE) * PAGE_SIZE;
export const pageAlignDown = (n: number): number => Math.floor(n / PAGE_SIZE) * PAGE_SIZE;

export class AddressSpace {
  readonly mem = new Memory();
  /** Sorted, non-overlapping. */
  vmas: Vma[] = [];
  brkStart = 0;
  brkCur = 0;

  // ------------------------------------------------------------------ queries

  findVma(addr: number): Vma | undefined {
    for (const v of this.vmas) if (addr >= v.start && addr < v.end) return v;
    return undefined;
  }

  /** True if any page of [start, end) is mapped. */
  isAnyMapped(start: number, end: number): boolean {
    return this.vmas.some((v) => v.start < end && v.end > start);
  }

  /** True if every page of [start, end) is mapped. */
  isFullyMapped(start: number, end: number): boolean {
    let cur = start;
    for (const v of this.vmas) {
      if (v.end <= cur) continue;
      if (v.start > cur) return false;
      cur = v.end;
      if (cur >= end) return true;
    }
    return cur >= end;
  }

  /** Highest free gap of `len` bytes below `top` and above the brk heap (top-down like Linux's mmap). */
  findFree(len: number, top = MMAP_TOP): number | undefined {
    const floor = Math.max(MMAP_MIN_ADDR, pageAlignUp(this.brkCur));
    let hi = top;
    for (let i = this.vmas.length - 1; i >= 0; i--) {
      const v = this.vmas[i];
      if (v.start >= hi) continue;
      if (v.end <= hi - len) break;
      hi = v.start;
    }
    return hi - len >= floor ? hi - len : undefined;
  }

  // ------------------------------------------------------------------ changes

  /** Maps [start, start+len) (page-aligned) replacing whatever was there; contents zeroed. */
  map(start: number, len: number, prot: number, name = '', shared = false, offset = 0): Vma {
    const end = start + len;
    if (start < 0 || end > WINDOW_SIZE || (start & PAGE_MASK) || (len & PAGE_MASK)) {
      throw new RangeError(`bad mapping 0x${start.toString(16)}+0x${len.toString(16)}`);
    }
    this.unmap(start, len);
    const vma: Vma = { start, end, prot, shared, name, offset };
    let i = 0;
    while (i < this.vmas.length && this.vmas[i].start < start) i++;
    this.vmas.splice(i, 0, vma);
    this.mem.setProt(start, len, prot);
    return vma;
  }

  /** Unmaps [start, start+len): splits VMAs at the edges and zeroes the pages. */
  unmap(start: number, len: number): void {
    const end = start + len;
    const out: Vma[] = [];
    for (const v of this.vmas) {
      if (v.end <= start || v.start >= end) { out.push(v); continue; }
      if (v.start < start) out.push({ ...v, end: start });
      if (v.end > end) out.push({ ...v, start: end, offset: v.offset + (end - v.start) });
    }
    this.vmas = out;
    this.mem.unmapPages(start, len);
  }

  /** Changes protection of [start, start+len); returns false if part of it is unmapped (ENOMEM). */
  protect(start: number, len: number, prot: number): boolean {
    const end = start + len;
    if (!this.isFullyMapped(start, end)) return false;
    const out: Vma[] = [];
    for (const v of this.vmas) {
      if (v.end <= start || v.start >= end) { out.push(v); continue; }
      if (v.start < start) out.push({ ...v, end: start });
      const s = Math.max(v.start, start);
      const e = Math.min(v.end, end);
      out.push({ ...v, start: s, end: e, prot, offset: v.offset + (s - v.start) });
      if (v.end > end) out.push({ ...v, start: end, offset: v.offset + (end - v.start) });
    }
    this.vmas = this.merge(out);
    this.mem.setProt(start, len, prot);
    return true;
  }

  /** Merges adjacent anonymous VMAs with identical attributes (keeps /proc/self/maps tidy). */
  private merge(vmas: Vma[]): Vma[] {
    const out: Vma[] = [];
    for (const v of vmas) {
      const last = out[out.length - 1];
      if (last && last.end === v.start && last.prot === v.prot && last.shared === v.shared && last.name === v.name &&
          (last.name === '' || last.name.startsWith('[')) ) {
        last.end = v.end;
      } else out.push(v);
    }
    return out;
  }

  // ------------------------------------------------------------------ brk

  setBrkStart(addr: number): void {
    this.brkStart = this.brkCur = pageAlignUp(addr);
  }

  /** brk(2): returns the new break, or the old one if the request cannot be satisfied. */
  brk(want: number): number {
    if (want === 0 || want < this.brkStart) return this.brkCur;
    const oldTop = pageAlignUp(this.brkCur);
    const newTop = pageAlignUp(want);
    if (newTop > oldTop) {
      if (newTop > MMAP_TOP || this.isAnyMapped(oldTop, newTop)) return this.brkCur;
      this.extendHeap(oldTop, newTop);
    } else if (newTop < oldTop) {
      this.unmap(newTop, oldTop - newTop);
    }
    this.brkCur = want;
    return this.brkCur;
  }

  private extendHeap(oldTop: number, newTop: number): void {
    const heap = this.vmas.find((v) => v.name === '[heap]' && v.end === oldTop);
    if (heap) {
      heap.end = newTop;
      this.mem.setProt(oldTop, newTop - oldTop, PROT_READ | PROT_WRITE);
    } else {
      this.map(oldTop, newTop - oldTop, PROT_READ | PROT_WRITE, '[heap]');
    }
  }

  // ------------------------------------------------------------------ /proc/self/maps

  formatMaps(): string {
    const hex = (n: number, w: number) => n.toString(16).padStart(w, '0');
    return this.vmas.map((v) => {
      const perms = (v.prot & PROT_READ ? 'r' : '-') + (v.prot & PROT_WRITE ? 'w' : '-') +
        (v.prot & PROT_EXEC ? 'x' : '-') + (v.shared ? 's' : 'p');
      const line = `${hex(v.start, 8)}-${hex(v.end, 8)} ${perms} ${hex(v.offset, 8)} 00:00 0`;
      return v.name ? `${line.padEnd(73)}${v.name}\n` : `${line}\n`;
    }).join('');
  }

  /** Page of a mapped but PROT_NONE region still counts as mapped for SEGV_ACCERR. */
  isPageMapped(addr: number): boolean {
    return (this.mem.prot[addr >>> PAGE_SHIFT] & PAGE_MAPPED) !== 0;
  }
}
