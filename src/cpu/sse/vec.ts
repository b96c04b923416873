/**
 * Two-operand vector plumbing for packed instructions on XMM (128-bit) or MMX (64-bit)
 * registers: the destination is copied into D and the source into S (scratch vectors), the lane
 * function computes into D, and D is written back. MMX registers alias the x87 significands;
 * touching them puts the FPU in MMX state (TOP = 0, all registers valid), as the CPU does.
 */
import type { Cpu } from '../state.js';
import type { Insn, Handler } from '../insn.js';
import { OP_MMX, OP_XMM, OP_IMM } from '../insn.js';
import { ea } from '../operands.js';
import { generalProtection } from '../exceptions.js';

const bufD = new ArrayBuffer(16);
const bufS = new ArrayBuffer(16);
export const D = {
  i8: new Int8Array(bufD), u8: new Uint8Array(bufD), i16: new Int16Array(bufD), u16: new Uint16Array(bufD),
  i32: new Int32Array(bufD), u32: new Uint32Array(bufD), f32: new Float32Array(bufD), f64: new Float64Array(bufD),
  i64: new BigInt64Array(bufD), u64: new BigUint64Array(bufD),
};
export const S = {
  i8: new Int8Array(bufS), u8: new Uint8Array(bufS), i16: new Int16Array(bufS), u16: new Uint16Array(bufS),
  i32: new Int32Array(bufS), u32: new Uint32Array(bufS), f32: new Float32Array(bufS), f64: new Float64Array(bufS),
  i64: new BigInt64Array(bufS), u64: new BigUint64Array(bufS),
};
export type Vec = typeof D;

/** Enters MMX state: TOP = 0 and every tag valid (SDM 9.5.1 "MMX Instructions and the x87 FPU Tag Word"). */
export function mmxState(c: Cpu): void {
  c.x87.top = 0;
  c.x87.tagValid = 0xff;
}

/** MMX register writes also set the exponent word to all ones (SDM Table 9-2). */
function writeMmx(c: Cpu, r: number, lo: number, hi: number): void {
  const x = c.x87;
  x.mantLo[r] = lo;
  x.mantHi[r] = hi;
  x.signExp[r] = 0xffff;
}

export function loadD(c: Cpu, i: Insn): void {
  const r = i.r0;
  if (i.k0 === OP_XMM) {
    const x = c.xmm, o = r * 4;
    D.i32[0] = x[o]; D.i32[1] = x[o + 1]; D.i32[2] = x[o + 2]; D.i32[3] = x[o + 3];
  } else {
    D.i32[0] = c.x87.mantLo[r]; D.i32[1] = c.x87.mantHi[r]; D.i32[2] = 0; D.i32[3] = 0;
  }
}

export function storeD(c: Cpu, i: Insn): void {
  const r = i.r0;
  if (i.k0 === OP_XMM) {
    const x = c.xmm, o = r * 4;
    x[o] = D.i32[0]; x[o + 1] = D.i32[1]; x[o + 2] = D.i32[2]; x[o + 3] = D.i32[3];
  } else {
    mmxState(c);
    writeMmx(c, r, D.i32[0], D.i32[1]);
  }
}

/**
 * Loads the source operand (operand 1) into S: xmm/mmx register or memory of `bytes` bytes
 * (16 for xmm forms, 8 for mmx forms, or fewer for the forms that read m32/m64).
 * 16-byte memory operands of legacy-encoded SSE instructions must be aligned (#GP otherwise).
 */
/** #GP for a misaligned 16-byte memory operand of a legacy-encoded SSE instruction. */
export function misalignedSse(): never {
  generalProtection('misaligned 16-byte SSE memory operand');
}

export function loadS(c: Cpu, i: Insn, bytes: number, aligned: boolean): void {
  S.i32[2] = 0; S.i32[3] = 0;
  if (i.k1 === OP_XMM) {
    const x = c.xmm, o = i.r1 * 4;
    S.i32[0] = x[o]; S.i32[1] = x[o + 1]; S.i32[2] = x[o + 2]; S.i32[3] = x[o + 3];
    return;
  }
  if (i.k1 === OP_MMX) {
    S.i32[0] = c.x87.mantLo[i.r1]; S.i32[1] = c.x87.mantHi[i.r1];
    return;
  }
  if (i.k1 === OP_IMM) return;
  const a = ea(c, i);
  if (aligned && bytes === 16 && (a & 15) !== 0) misalignedSse();
  const m = c.mem;
  if (bytes >= 4) {
    S.i32[0] = m.read32(a);
    if (bytes >= 8) S.i32[1] = m.read32(a + 4); else S.i32[1] = 0;
    if (bytes === 16) { S.i32[2] = m.read32(a + 8); S.i32[3] = m.read32(a + 12); }
  } else {
    S.i32[0] = bytes === 2 ? m.read16(a) : m.read8(a);
    S.i32[1] = 0;
  }
}

/** Width in bytes of the instruction's vector registers (16 xmm, 8 mmx). */
export const widthOf = (i: Insn): number => (i.k0 === OP_MMX || i.k1 === OP_MMX ? 8 : 16);

/** Builds a handler for "dst = op(dst, src)" packed instructions. */
export function packed(op: (n: number, i: Insn) => void, opts: { aligned?: boolean; srcBytes?: (w: number) => number } = {}): (d: Insn) => Handler {
  const aligned = opts.aligned ?? true;
  return (d: Insn): Handler => {
    const w = widthOf(d);
    const sb = opts.srcBytes ? opts.srcBytes(w) : w;
    return (c, i) => {
      loadS(c, i, sb, aligned);
      loadD(c, i);
      op(w, i);
      storeD(c, i);
    };
  };
}

export { writeMmx };
