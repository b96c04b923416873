/**
 * SSE/SSE2/SSE3 data movement: movd/movq (xmm, mm, gpr, memory), movdqa/movdqu, movaps/movups,
 * movapd/movupd, movss/movsd, movlps/movhps/movlpd/movhpd, movhlps/movlhps, movddup,
 * movshdup/movsldup, lddqu, non-temporal stores, maskmovdqu, movmskps/movmskpd, movq2dq/movdq2q,
 * ldmxcsr/stmxcsr.
 */
import type { Cpu } from '../state.js';
import type { Insn, Handler } from '../insn.js';
import { OP_GPR, OP_XMM, OP_MMX, OP_MEM } from '../insn.js';
import { def, defMatching, beginFamily, type Factory } from '../dispatch.js';
import { ea, probeWrite } from '../operands.js';
import { generalProtection } from '../exceptions.js';
import { mmxState, writeMmx, misalignedSse } from './vec.js';
import { RDI } from '../state.js';

function checkAlign(a: number): void {
  if (a & 15) misalignedSse();
}

/** 128-bit moves: xmm <- xmm/m128, xmm/m128 <- xmm. */
function mov128(aligned: boolean): Factory {
  return (d: Insn): Handler => {
    if (d.k0 === OP_XMM && d.k1 === OP_XMM) {
      return (c, i) => {
        const x = c.xmm, s = i.r1 * 4, t = i.r0 * 4;
        x[t] = x[s]; x[t + 1] = x[s + 1]; x[t + 2] = x[s + 2]; x[t + 3] = x[s + 3];
      };
    }
    if (d.k0 === OP_XMM) {
      return (c, i) => {
        const a = ea(c, i);
        if (aligned) checkAlign(a);
        const m = c.mem, x = c.xmm, t = i.r0 * 4;
        const v0 = m.read32(a), v1 = m.read32(a + 4), v2 = m.read32(a + 8), v3 = m.read32(a + 12);
        x[t] = v0; x[t + 1] = v1; x[t + 2] = v2; x[t + 3] = v3;
      };
    }
    return (c, i) => {
      const a = ea(c, i);
      if (aligned) checkAlign(a);
      const m = c.mem, x = c.xmm, s = i.r1 * 4;
      m.checkWrite(a, 16);
      m.write32(a, x[s]); m.write32(a + 4, x[s + 1]); m.write32(a + 8, x[s + 2]); m.write32(a + 12, x[s + 3]);
    };
  };
}

/** movd/movq between xmm/mm and r/m32, r/m64. */
const movdq: Factory = (d) => {
  const size = d.k0 === OP_GPR ? d.s0 : d.k1 === OP_GPR ? d.s1 : d.msize;
  return (c, i) => {
    if (i.k0 === OP_XMM || i.k0 === OP_MMX) {
      let lo: number, hi = 0;
      if (i.k1 === OP_GPR) { lo = c.regs[2 * i.r1]; if (size === 8) hi = c.regs[2 * i.r1 + 1]; }
      else { const a = ea(c, i); lo = c.mem.read32(a); if (size === 8) hi = c.mem.read32(a + 4); }
      if (i.k0 === OP_XMM) { const x = c.xmm, t = i.r0 * 4; x[t] = lo; x[t + 1] = hi; x[t + 2] = 0; x[t + 3] = 0; }
      else { mmxState(c); writeMmx(c, i.r0, lo, hi); }
      return;
    }
    let lo: number, hi: number;
    if (i.k1 === OP_XMM) { lo = c.xmm[i.r1 * 4]; hi = c.xmm[i.r1 * 4 + 1]; }
    else { lo = c.x87.mantLo[i.r1]; hi = c.x87.mantHi[i.r1]; }
    if (i.k0 === OP_GPR) { c.regs[2 * i.r0] = lo; c.regs[2 * i.r0 + 1] = size === 8 ? hi : 0; }
    else if (size === 8) c.mem.write64(ea(c, i), lo, hi);
    else c.mem.write32(ea(c, i), lo);
    if (i.k1 === OP_MMX) mmxState(c); // after the store: a faulting store leaves the x87 state alone
  };
};

/** movq xmm, xmm/m64 (F3 0F 7E): zero-extends; movq xmm/m64, xmm (66 0F D6). movq mm, mm/m64. */
const movq64: Factory = () => (c, i) => {
  let lo: number, hi: number;
  if (i.k1 === OP_XMM) { lo = c.xmm[i.r1 * 4]; hi = c.xmm[i.r1 * 4 + 1]; }
  else if (i.k1 === OP_MMX) { lo = c.x87.mantLo[i.r1]; hi = c.x87.mantHi[i.r1]; }
  else { const a = ea(c, i); lo = c.mem.read32(a); hi = c.mem.read32(a + 4); }
  if (i.k0 === OP_XMM) { const x = c.xmm, t = i.r0 * 4; x[t] = lo; x[t + 1] = hi; x[t + 2] = 0; x[t + 3] = 0; }
  else if (i.k0 === OP_MMX) { mmxState(c); writeMmx(c, i.r0, lo, hi); }
  else c.mem.write64(ea(c, i), lo, hi);
  if (i.k1 === OP_MMX) mmxState(c);
};

/** movss / movsd: register forms merge the low element; loads zero the rest; stores write the element. */
function movScalar(bytes: 4 | 8): Factory {
  return () => (c, i) => {
    const x = c.xmm;
    if (i.k0 === OP_XMM && i.k1 === OP_XMM) {
      x[i.r0 * 4] = x[i.r1 * 4];
      if (bytes === 8) x[i.r0 * 4 + 1] = x[i.r1 * 4 + 1];
      return;
    }
    if (i.k0 === OP_XMM) {
      const a = ea(c, i), t = i.r0 * 4;
      const lo = c.mem.read32(a), hi = bytes === 8 ? c.mem.read32(a + 4) : 0;
      x[t] = lo; x[t + 1] = hi; x[t + 2] = 0; x[t + 3] = 0;
      return;
    }
    const a = ea(c, i), s = i.r1 * 4;
    if (bytes === 8) c.mem.write64(a, x[s], x[s + 1]);
    else c.mem.write32(a, x[s]);
  };
}

/** movlps/movlpd (low 64 bits) and movhps/movhpd (high 64 bits) to/from m64. */
function movHalf(high: boolean): Factory {
  return () => (c, i) => {
    const x = c.xmm;
    const off = high ? 2 : 0;
    if (i.k0 === OP_XMM) {
      const a = ea(c, i), t = i.r0 * 4 + off;
      const lo = c.mem.read32(a), hi = c.mem.read32(a + 4);
      x[t] = lo; x[t + 1] = hi;
    } else {
      const s = i.r1 * 4 + off;
      c.mem.write64(ea(c, i), x[s], x[s + 1]);
    }
  };
}

const movhlps: Factory = () => (c, i) => { const x = c.xmm; x[i.r0 * 4] = x[i.r1 * 4 + 2]; x[i.r0 * 4 + 1] = x[i.r1 * 4 + 3]; };
const movlhps: Factory = () => (c, i) => { const x = c.xmm; x[i.r0 * 4 + 2] = x[i.r1 * 4]; x[i.r0 * 4 + 3] = x[i.r1 * 4 + 1]; };

/** SSE3 movddup: duplicate the low double; movshdup/movsldup: duplicate odd/even singles. */
const movddup: Factory = () => (c, i) => {
  let lo: number, hi: number;
  if (i.k1 === OP_XMM) { lo = c.xmm[i.r1 * 4]; hi = c.xmm[i.r1 * 4 + 1]; }
  else { const a = ea(c, i); lo = c.mem.read32(a); hi = c.mem.read32(a + 4); }
  const t = i.r0 * 4;
  c.xmm[t] = lo; c.xmm[t + 1] = hi; c.xmm[t + 2] = lo; c.xmm[t + 3] = hi;
};
function movdupSingles(odd: boolean): Factory {
  return () => (c, i) => {
    const v = read128(c, i, true);
    const t = i.r0 * 4, o = odd ? 1 : 0;
    c.xmm[t] = v[o]; c.xmm[t + 1] = v[o]; c.xmm[t + 2] = v[2 + o]; c.xmm[t + 3] = v[2 + o];
  };
}

const tmp = new Int32Array(4);
function read128(c: Cpu, i: Insn, aligned: boolean): Int32Array {
  if (i.k1 === OP_XMM) { tmp.set(c.xmm.subarray(i.r1 * 4, i.r1 * 4 + 4)); return tmp; }
  const a = ea(c, i);
  if (aligned) checkAlign(a);
  tmp[0] = c.mem.read32(a); tmp[1] = c.mem.read32(a + 4); tmp[2] = c.mem.read32(a + 8); tmp[3] = c.mem.read32(a + 12);
  return tmp;
}

/** movnti m32/m64, r: a plain store (non-temporal hints have no architectural effect). */
const movnti: Factory = () => (c, i) => {
  const a = ea(c, i);
  if (i.s1 === 8) c.mem.write64(a, c.regs[2 * i.r1], c.regs[2 * i.r1 + 1]);
  else c.mem.write32(a, c.regs[2 * i.r1]);
};

/** movntq m64, mm. */
const movntq: Factory = () => (c, i) => {
  c.mem.write64(ea(c, i), c.x87.mantLo[i.r1], c.x87.mantHi[i.r1]);
  mmxState(c);
};

/** maskmovdqu xmm1, xmm2: store the bytes of xmm1 whose mask byte in xmm2 has its top bit set, at DS:[rdi]. */
const maskmovdqu: Factory = () => (c, i) => {
  const base = i.a32 ? c.regs[2 * RDI] >>> 0 : (c.regs[2 * RDI + 1] >>> 0) * 4294967296 + (c.regs[2 * RDI] >>> 0);
  const a = base + (i.seg === 1 ? c.fsBase : i.seg === 2 ? c.gsBase : 0);
  const b = c.xmmU8, val = i.r1 * 16, mask = i.r2 * 16;
  // The whole 16-byte destination is checked as a write first (a fault stores no byte, and is
  // reported at the start even for unselected bytes: observed on the oracle's CPU).
  if (a + 16 > 4294967296) c.mem.checkWrite(a, 16); else probeWrite(c, a, 16);
  for (let k = 0; k < 16; k++) if (b[mask + k] & 0x80) c.mem.write8(a + k, b[val + k]);
};

/** maskmovq mm1, mm2: the MMX form of maskmovdqu (8 bytes at DS:[rdi]). */
const maskmovq: Factory = () => (c, i) => {
  const base = i.a32 ? c.regs[2 * RDI] >>> 0 : (c.regs[2 * RDI + 1] >>> 0) * 4294967296 + (c.regs[2 * RDI] >>> 0);
  const a = base + (i.seg === 1 ? c.fsBase : i.seg === 2 ? c.gsBase : 0);
  const x = c.x87;
  mmxState(c); // before the store: a faulting maskmovq has already entered MMX state (oracle)
  if (a + 8 > 4294967296) c.mem.checkWrite(a, 8); else probeWrite(c, a, 8);
  for (let k = 0; k < 8; k++) {
    const m = k < 4 ? (x.mantLo[i.r2] >>> (8 * k)) & 0xff : (x.mantHi[i.r2] >>> (8 * (k - 4))) & 0xff;
    const v = k < 4 ? (x.mantLo[i.r1] >>> (8 * k)) & 0xff : (x.mantHi[i.r1] >>> (8 * (k - 4))) & 0xff;
    if (m & 0x80) c.mem.write8(a + k, v);
  }
};

/** movmskps/movmskpd r, xmm: sign bits of each element. */
function movmsk(pd: boolean): Factory {
  return () => (c, i) => {
    const x = c.xmm, s = i.r1 * 4;
    const m = pd ? ((x[s + 1] >>> 31) | ((x[s + 3] >>> 31) << 1))
      : ((x[s] >>> 31) | ((x[s + 1] >>> 31) << 1) | ((x[s + 2] >>> 31) << 2) | ((x[s + 3] >>> 31) << 3));
    c.regs[2 * i.r0] = m;
    c.regs[2 * i.r0 + 1] = 0;
  };
}

const movq2dq: Factory = () => (c, i) => {
  const t = i.r0 * 4;
  c.xmm[t] = c.x87.mantLo[i.r1]; c.xmm[t + 1] = c.x87.mantHi[i.r1]; c.xmm[t + 2] = 0; c.xmm[t + 3] = 0;
  mmxState(c);
};
const movdq2q: Factory = () => (c, i) => {
  mmxState(c);
  writeMmx(c, i.r0, c.xmm[i.r1 * 4], c.xmm[i.r1 * 4 + 1]);
};

/** ldmxcsr: reserved bits set -> #GP (SIGSEGV). MXCSR_MASK = 0xffff (DAZ supported). */
export const MXCSR_MASK = 0xffff;
const ldmxcsr: Factory = () => (c, i) => {
  const v = c.mem.read32(ea(c, i));
  if (v & ~MXCSR_MASK) generalProtection('ldmxcsr with reserved bits set');
  c.mxcsr = v;
};
const stmxcsr: Factory = () => (c, i) => { c.mem.write32(ea(c, i), c.mxcsr); };

beginFamily('sse-move');
def(['Movdqa_xmm_xmmm128', 'Movdqa_xmmm128_xmm', 'Movaps_xmm_xmmm128', 'Movaps_xmmm128_xmm', 'Movapd_xmm_xmmm128',
  'Movapd_xmmm128_xmm', 'Movntdq_m128_xmm', 'Movntps_m128_xmm', 'Movntpd_m128_xmm', 'Movntdqa_xmm_m128'], mov128(true));
def(['Movdqu_xmm_xmmm128', 'Movdqu_xmmm128_xmm', 'Movups_xmm_xmmm128', 'Movups_xmmm128_xmm', 'Movupd_xmm_xmmm128',
  'Movupd_xmmm128_xmm', 'Lddqu_xmm_m128'], mov128(false));
def(['Movd_xmm_rm32', 'Movq_xmm_rm64', 'Movd_rm32_xmm', 'Movq_rm64_xmm', 'Movd_mm_rm32', 'Movq_mm_rm64', 'Movd_rm32_mm', 'Movq_rm64_mm'], movdq);
def(['Movq_xmm_xmmm64', 'Movq_xmmm64_xmm', 'Movq_mm_mmm64', 'Movq_mmm64_mm'], movq64);
def(['Movss_xmm_xmmm32', 'Movss_xmmm32_xmm'], movScalar(4));
def(['Movsd_xmm_xmmm64', 'Movsd_xmmm64_xmm'], movScalar(8));
def(['Movlps_xmm_m64', 'Movlps_m64_xmm', 'Movlpd_xmm_m64', 'Movlpd_m64_xmm'], movHalf(false));
def(['Movhps_xmm_m64', 'Movhps_m64_xmm', 'Movhpd_xmm_m64', 'Movhpd_m64_xmm'], movHalf(true));
def('Movhlps_xmm_xmm', movhlps);
def('Movlhps_xmm_xmm', movlhps);
def('Movddup_xmm_xmmm64', movddup);
def('Movshdup_xmm_xmmm128', movdupSingles(true));
def('Movsldup_xmm_xmmm128', movdupSingles(false));
defMatching(/^Movnti_m(32|64)_r(32|64)$/, movnti);
def('Movntq_m64_mm', movntq);
def('Maskmovdqu_rDI_xmm_xmm', maskmovdqu);
def('Maskmovq_rDI_mm_mm', maskmovq);
defMatching(/^Movmskps_r(32|64)_xmm$/, movmsk(false));
defMatching(/^Movmskpd_r(32|64)_xmm$/, movmsk(true));
def('Movq2dq_xmm_mm', movq2dq);
def('Movdq2q_mm_xmm', movdq2q);
def('Ldmxcsr_m32', ldmxcsr);
def('Stmxcsr_m32', stmxcsr);
void OP_MEM;
