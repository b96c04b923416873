/**
 * CPUID: advertise exactly what is implemented and verified (DESIGN "CPUID"). The table follows
 * the baseline recommended in ../shared/reference/linux-abi.md §1.5 (a qemu64-shaped AMD CPU):
 * glibc's init_cpu_features reads these leaves to pick string functions and cache sizes, so a
 * bit set for an unimplemented extension breaks programs, while one left clear only costs speed.
 *
 * Raise the level here when an extension passes the instruction oracle (test/isa).
 */

// CPUID.1:EDX
const FPU = 1 << 0, TSC = 1 << 4, CX8 = 1 << 8, CMOV = 1 << 15, CLFSH = 1 << 19, MMX = 1 << 23;
const FXSR = 1 << 24, SSE = 1 << 25, SSE2 = 1 << 26;
// CPUID.80000001:EDX
const SYSCALL = 1 << 11, NX = 1 << 20, LM = 1 << 29;

/** CPUID.1:EDX as advertised; also AT_HWCAP (the kernel passes CPUID.1:EDX there). */
export const CPUID1_EDX = (FPU | TSC | CX8 | CMOV | CLFSH | MMX | FXSR | SSE | SSE2) >>> 0;
// CPUID.1:ECX
const SSE3 = 1 << 0, CX16 = 1 << 13;
/**
 * CPUID.1:ECX: SSE3 and CMPXCHG16B, whose every form passes the instruction oracle (test/isa:
 * addsub/hadd/hsub/movddup/movshdup/movsldup/lddqu/fisttp, cmpxchg16b).
 */
export const CPUID1_ECX = (SSE3 | CX16) >>> 0;

const vendor = 'AuthenticAMD';
const vendorWords = [0, 4, 8].map((o) =>
  vendor.charCodeAt(o) | (vendor.charCodeAt(o + 1) << 8) | (vendor.charCodeAt(o + 2) << 16) | (vendor.charCodeAt(o + 3) << 24));

const brand = 'x64run virtual x86-64 CPU'.padEnd(48, '\0');
function brandLeaf(k: number): [number, number, number, number] {
  const w = (o: number) => brand.charCodeAt(o) | (brand.charCodeAt(o + 1) << 8) | (brand.charCodeAt(o + 2) << 16) | (brand.charCodeAt(o + 3) << 24);
  const base = k * 16;
  return [w(base), w(base + 4), w(base + 8), w(base + 12)];
}

/** Returns [eax, ebx, ecx, edx] for leaf `eax`, subleaf `ecx`. */
export function cpuid(leaf: number, subleaf: number): [number, number, number, number] {
  void subleaf;
  switch (leaf >>> 0) {
    case 0: return [0xd, vendorWords[0], vendorWords[2], vendorWords[1]];
    // family 0xf model 0x6b stepping 1; EBX: CLFLUSH line size 8 (x8 = 64 bytes), 1 logical CPU.
    case 1: return [0x00060fb1, 0x00000800, CPUID1_ECX, CPUID1_EDX];
    case 0x80000000: return [0x80000008, vendorWords[0], vendorWords[2], vendorWords[1]];
    case 0x80000001: return [0x00060fb1, 0, 0, (SYSCALL | NX | LM) >>> 0];
    case 0x80000002: return brandLeaf(0);
    case 0x80000003: return brandLeaf(1);
    case 0x80000004: return brandLeaf(2);
    // L1 data/instruction caches: 32 KiB, 8-way, 64-byte lines.
    case 0x80000005: return [0, 0, 0x20080140, 0x20080140];
    // L2 512 KiB (ECX); no L3, so glibc sizes its non-temporal threshold from L2.
    case 0x80000006: return [0, 0, 0x02006040, 0];
    // 48-bit virtual, 40-bit physical addresses.
    case 0x80000008: return [0x00003028, 0, 0, 0];
    default: return [0, 0, 0, 0];
  }
}
