/**
 * ELF64 parsing and validation (System V gABI; x86-64 psABI). Produces a checked description of
 * the program headers; anything malformed is an ElfError naming exactly what is wrong, never a
 * host exception.
 */

export type ElfErrorKind =
  | 'empty'
  | 'not-elf'
  | 'not-64-bit'
  | 'not-little-endian'
  | 'bad-version'
  | 'wrong-machine'
  | 'wrong-type'
  | 'truncated-header'
  | 'bad-phentsize'
  | 'truncated-phdrs'
  | 'no-load-segments'
  | 'segment-outside-file'
  | 'segment-bad-size'
  | 'segment-misaligned'
  | 'segments-overlap'
  | 'segment-outside-address-space'
  | 'bad-entry'
  | 'dynamic-not-supported';

export class ElfError extends Error {
  constructor(readonly kind: ElfErrorKind, message: string) {
    super(message);
    this.name = 'ElfError';
  }
}

export const ET_EXEC = 2;
export const ET_DYN = 3;
export const EM_X86_64 = 62;

export const PT_NULL = 0, PT_LOAD = 1, PT_DYNAMIC = 2, PT_INTERP = 3, PT_NOTE = 4, PT_PHDR = 6, PT_TLS = 7;
export const PT_GNU_EH_FRAME = 0x6474e550, PT_GNU_STACK = 0x6474e551, PT_GNU_RELRO = 0x6474e552, PT_GNU_PROPERTY = 0x6474e553;
export const PF_X = 1, PF_W = 2, PF_R = 4;

export interface ProgramHeader {
  type: number;
  flags: number;
  offset: number;
  vaddr: number;
  filesz: number;
  memsz: number;
  align: number;
}

export interface ElfImage {
  type: number; // ET_EXEC or ET_DYN
  entry: number;
  phoff: number;
  phentsize: number;
  phnum: number;
  phdrs: ProgramHeader[];
  loads: ProgramHeader[];
  interp?: string;
  tls?: ProgramHeader;
  relro?: ProgramHeader;
  /** PT_GNU_STACK flags (PF_X means an executable stack was requested). */
  stackFlags: number;
  /** Lowest and highest (exclusive) virtual addresses of PT_LOAD segments. */
  minVaddr: number;
  maxVaddr: number;
  /** Largest PT_LOAD alignment (static-pie load bias must respect it). */
  maxAlign: number;
}

const EHDR_SIZE = 64;
const PHDR_SIZE = 56;
/** Virtual addresses must fit comfortably below 2^53 to be exact JS numbers (and canonical). */
const MAX_VADDR = 2 ** 47;

function u64(dv: DataView, off: number, what: string): number {
  const v = dv.getBigUint64(off, true);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new ElfError('segment-outside-address-space', `${what} 0x${v.toString(16)} is out of range`);
  return Number(v);
}

/** Parses and validates an ELF64 x86-64 executable. `allowInterp` lets ld.so support (later) accept PT_INTERP. */
export function parseElf(data: Uint8Array, opts: { allowInterp?: boolean } = {}): ElfImage {
  if (data.length === 0) throw new ElfError('empty', 'not an ELF file: the file is empty');
  if (data.length < 4 || data[0] !== 0x7f || data[1] !== 0x45 || data[2] !== 0x4c || data[3] !== 0x46) {
    throw new ElfError('not-elf', 'not an ELF file: bad magic (expected 7f 45 4c 46)');
  }
  if (data.length < 5) throw new ElfError('truncated-header', 'truncated ELF header: no class byte');
  if (data[4] === 1) throw new ElfError('not-64-bit', 'ELF class is ELFCLASS32: 32-bit programs are not supported (x86-64 only)');
  if (data[4] !== 2) throw new ElfError('not-64-bit', `ELF class ${data[4]} is not ELFCLASS64`);
  if (data.length < EHDR_SIZE) throw new ElfError('truncated-header', `truncated ELF header: ${data.length} bytes, need ${EHDR_SIZE}`);
  if (data[5] !== 1) throw new ElfError('not-little-endian', 'ELF data encoding is not little-endian (ELFDATA2LSB)');
  if (data[6] !== 1) throw new ElfError('bad-version', `ELF ident version ${data[6]} is not EV_CURRENT`);
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const type = dv.getUint16(16, true);
  const machine = dv.getUint16(18, true);
  if (machine !== EM_X86_64) {
    throw new ElfError('wrong-machine', `ELF machine ${machine}${MACHINES[machine] ? ` (${MACHINES[machine]})` : ''} is not x86-64 (EM_X86_64 = 62)`);
  }
  if (type !== ET_EXEC && type !== ET_DYN) {
    throw new ElfError('wrong-type', `ELF type ${type}${type === 1 ? ' (relocatable object)' : type === 4 ? ' (core file)' : ''} is not an executable (ET_EXEC or ET_DYN)`);
  }
  const entry = u64(dv, 24, 'entry point');
  const phoff = u64(dv, 32, 'program header offset');
  const phentsize = dv.getUint16(54, true);
  const phnum = dv.getUint16(56, true);
  if (phnum === 0) throw new ElfError('no-load-segments', 'ELF file has no program headers');
  if (phentsize !== PHDR_SIZE) throw new ElfError('bad-phentsize', `program header entry size ${phentsize} is not ${PHDR_SIZE}`);
  if (phoff + phnum * PHDR_SIZE > data.length) {
    throw new ElfError('truncated-phdrs', `program headers (offset ${phoff}, ${phnum} entries) extend past the end of the file (${data.length} bytes)`);
  }

  const phdrs: ProgramHeader[] = [];
  for (let k = 0; k < phnum; k++) {
    const o = phoff + k * PHDR_SIZE;
    phdrs.push({
      type: dv.getUint32(o, true),
      flags: dv.getUint32(o + 4, true),
      offset: u64(dv, o + 8, `segment ${k} offset`),
      vaddr: u64(dv, o + 16, `segment ${k} address`),
      filesz: u64(dv, o + 32, `segment ${k} file size`),
      memsz: u64(dv, o + 40, `segment ${k} memory size`),
      align: u64(dv, o + 48, `segment ${k} alignment`),
    });
  }

  const interpPh = phdrs.find((p) => p.type === PT_INTERP);
  let interp: string | undefined;
  if (interpPh) {
    if (interpPh.offset + interpPh.filesz > data.length) throw new ElfError('segment-outside-file', 'PT_INTERP extends past the end of the file');
    interp = new TextDecoder().decode(data.subarray(interpPh.offset, interpPh.offset + interpPh.filesz)).replace(/\0.*$/s, '');
    if (!opts.allowInterp) {
      throw new ElfError('dynamic-not-supported', `dynamically linked executables are not supported yet (PT_INTERP ${interp})`);
    }
  }

  const loads = phdrs.filter((p) => p.type === PT_LOAD);
  if (loads.length === 0) throw new ElfError('no-load-segments', 'ELF file has no PT_LOAD segments');
  let maxAlign = 0x1000;
  loads.forEach((p, k) => {
    if (p.offset + p.filesz > data.length) {
      throw new ElfError('segment-outside-file', `PT_LOAD segment ${k} (offset 0x${p.offset.toString(16)}, size 0x${p.filesz.toString(16)}) extends past the end of the file (${data.length} bytes)`);
    }
    if (p.filesz > p.memsz) throw new ElfError('segment-bad-size', `PT_LOAD segment ${k} has p_filesz 0x${p.filesz.toString(16)} > p_memsz 0x${p.memsz.toString(16)}`);
    if (p.filesz > 0 && (p.vaddr % 4096) !== (p.offset % 4096)) {
      throw new ElfError('segment-misaligned', `PT_LOAD segment ${k}: p_vaddr 0x${p.vaddr.toString(16)} and p_offset 0x${p.offset.toString(16)} differ modulo the page size`);
    }
    if (p.vaddr + p.memsz > MAX_VADDR) throw new ElfError('segment-outside-address-space', `PT_LOAD segment ${k} ends above the user address space`);
    if (p.align > maxAlign) maxAlign = p.align;
  });
  // Overlap check on the page-granular ranges the loader will map.
  const ranges = loads.map((p, k) => ({ k, start: Math.floor(p.vaddr / 4096) * 4096, end: p.vaddr + p.memsz, vstart: p.vaddr }))
    .sort((a, b) => a.vstart - b.vstart);
  for (let k = 1; k < ranges.length; k++) {
    if (ranges[k].vstart < ranges[k - 1].end) {
      throw new ElfError('segments-overlap', `PT_LOAD segments ${ranges[k - 1].k} and ${ranges[k].k} overlap (0x${ranges[k].vstart.toString(16)} < 0x${ranges[k - 1].end.toString(16)})`);
    }
  }
  const minVaddr = Math.min(...loads.map((p) => p.vaddr));
  const maxVaddr = Math.max(...loads.map((p) => p.vaddr + p.memsz));
  if (!loads.some((p) => entry >= p.vaddr && entry < p.vaddr + p.memsz && (p.flags & PF_X))) {
    throw new ElfError('bad-entry', `entry point 0x${entry.toString(16)} is not inside an executable PT_LOAD segment`);
  }
  const stack = phdrs.find((p) => p.type === PT_GNU_STACK);
  return {
    type, entry, phoff, phentsize, phnum, phdrs, loads, interp,
    tls: phdrs.find((p) => p.type === PT_TLS),
    relro: phdrs.find((p) => p.type === PT_GNU_RELRO),
    stackFlags: stack ? stack.flags : PF_R | PF_W | PF_X,
    minVaddr, maxVaddr, maxAlign,
  };
}

const MACHINES: Record<number, string> = {
  3: 'i386', 8: 'MIPS', 20: 'PowerPC', 21: 'PowerPC64', 40: 'ARM', 43: 'SPARC V9', 183: 'AArch64', 243: 'RISC-V', 258: 'LoongArch',
};
