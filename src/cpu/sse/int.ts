/**
 * SSE2/MMX packed integer instructions (Intel SDM Vol. 2, P* instructions): add/sub (wrapping
 * and saturating), compares, logic, min/max, averages, multiplies, psadbw, pmaddwd, packs,
 * unpacks, shuffles, shifts (by register/memory count and by immediate), byte shifts, movmsk,
 * pinsrw/pextrw. Each lane function operates on the scratch vectors D (destination) and S (source).
 */
import type { Insn } from '../insn.js';
import { OP_GPR } from '../insn.js';
import { defMatching, def, beginFamily, type Factory } from '../dispatch.js';
import { D, S, packed, loadS, loadD, storeD, widthOf, mmxState } from './vec.js';
import { ea, getGpr, setGpr } from '../operands.js';
import { add64, sub64, shl64, shr64, mulU32, r64 } from '../int64.js';

/**
 * Scratch for the lane functions that read their inputs after they start writing D. Handlers
 * run once per instruction in the interpreter (and for compiled code without a template): a
 * typed array allocated per call (a slice, a result buffer) made them allocate and free a
 * backing store each time, and BigInt lanes allocated a heap object per lane (64-bit lanes now
 * use int64.ts's arithmetic on int32 halves) (sha256's
 * vectorised byte swap of each block, interpreted until it is hot: CreateTypedArray and slice
 * were ~5% of the main thread over its first 30 iterations).
 */
const T8a = new Uint8Array(16), T8b = new Uint8Array(16);
const T32 = new Int32Array(16);

const sat8s = (v: number) => (v > 127 ? 127 : v < -128 ? -128 : v);
const sat8u = (v: number) => (v > 255 ? 255 : v < 0 ? 0 : v);
const sat16s = (v: number) => (v > 32767 ? 32767 : v < -32768 ? -32768 : v);
const sat16u = (v: number) => (v > 65535 ? 65535 : v < 0 ? 0 : v);

type LaneOp = (n: number, i: Insn) => void;

function bytes(f: (a: number, b: number) => number, signed = false): LaneOp {
  return (n) => {
    const d = signed ? D.i8 : D.u8, s = signed ? S.i8 : S.u8;
    for (let k = 0; k < n; k++) d[k] = f(d[k], s[k]);
  };
}
function words(f: (a: number, b: number) => number, signed = false): LaneOp {
  return (n) => {
    const d = signed ? D.i16 : D.u16, s = signed ? S.i16 : S.u16;
    for (let k = 0; k < n / 2; k++) d[k] = f(d[k], s[k]);
  };
}
function dwords(f: (a: number, b: number) => number): LaneOp {
  return (n) => {
    for (let k = 0; k < n / 4; k++) D.i32[k] = f(D.i32[k], S.i32[k]);
  };
}
/** paddq/psubq: 64-bit lanes as int32 halves, with int64.ts's arithmetic. */
function qwords(f: typeof add64): LaneOp {
  return (n) => {
    const d = D.i32, s = S.i32;
    for (let k = 0; k < n / 4; k += 2) {
      d[k] = f(d[k], d[k + 1], s[k], s[k + 1]);
      d[k + 1] = r64.hi;
    }
  };
}

const ops: [RegExp, LaneOp, { aligned?: boolean; srcBytes?: (w: number) => number }?][] = [
  [/^Paddb_/, bytes((a, b) => a + b)],
  [/^Paddw_/, words((a, b) => a + b)],
  [/^Paddd_/, dwords((a, b) => (a + b) | 0)],
  [/^Paddq_/, qwords(add64)],
  [/^Psubb_/, bytes((a, b) => a - b)],
  [/^Psubw_/, words((a, b) => a - b)],
  [/^Psubd_/, dwords((a, b) => (a - b) | 0)],
  [/^Psubq_/, qwords(sub64)],
  [/^Paddsb_/, bytes((a, b) => sat8s(a + b), true)],
  [/^Paddsw_/, words((a, b) => sat16s(a + b), true)],
  [/^Paddusb_/, bytes((a, b) => sat8u(a + b))],
  [/^Paddusw_/, words((a, b) => sat16u(a + b))],
  [/^Psubsb_/, bytes((a, b) => sat8s(a - b), true)],
  [/^Psubsw_/, words((a, b) => sat16s(a - b), true)],
  [/^Psubusb_/, bytes((a, b) => sat8u(a - b))],
  [/^Psubusw_/, words((a, b) => sat16u(a - b))],
  [/^Pcmpeqb_/, bytes((a, b) => (a === b ? 0xff : 0))],
  [/^Pcmpeqw_/, words((a, b) => (a === b ? 0xffff : 0))],
  [/^Pcmpeqd_/, dwords((a, b) => (a === b ? -1 : 0))],
  [/^Pcmpgtb_/, bytes((a, b) => (a > b ? -1 : 0), true)],
  [/^Pcmpgtw_/, words((a, b) => (a > b ? -1 : 0), true)],
  [/^Pcmpgtd_/, dwords((a, b) => (a > b ? -1 : 0))],
  [/^Pand_/, dwords((a, b) => a & b)],
  [/^Pandn_/, dwords((a, b) => ~a & b)],
  [/^Por_/, dwords((a, b) => a | b)],
  [/^Pxor_/, dwords((a, b) => a ^ b)],
  [/^Pminub_/, bytes((a, b) => (a < b ? a : b))],
  [/^Pmaxub_/, bytes((a, b) => (a > b ? a : b))],
  [/^Pminsw_/, words((a, b) => (a < b ? a : b), true)],
  [/^Pmaxsw_/, words((a, b) => (a > b ? a : b), true)],
  [/^Pavgb_/, bytes((a, b) => (a + b + 1) >> 1)],
  [/^Pavgw_/, words((a, b) => (a + b + 1) >> 1)],
  [/^Pmullw_/, words((a, b) => Math.imul(a, b), true)],
  [/^Pmulhw_/, words((a, b) => (a * b) >> 16, true)],
  [/^Pmulhuw_/, words((a, b) => (a * b) >>> 16)],
  [/^Pmuludq_/, (n) => {
    for (let k = 0; k < n / 8; k++) {
      D.i32[2 * k] = mulU32(D.i32[2 * k], S.i32[2 * k]);
      D.i32[2 * k + 1] = r64.hi;
    }
  }],
  [/^Pmaddwd_/, (n) => {
    for (let k = 0; k < n / 4; k++) T32[k] = (D.i16[2 * k] * S.i16[2 * k] + D.i16[2 * k + 1] * S.i16[2 * k + 1]) | 0;
    for (let k = 0; k < n / 4; k++) D.i32[k] = T32[k];
  }],
  [/^Psadbw_/, (n) => {
    for (let q = 0; q < n / 8; q++) {
      let sum = 0;
      for (let k = 0; k < 8; k++) sum += Math.abs(D.u8[q * 8 + k] - S.u8[q * 8 + k]);
      D.u32[2 * q] = sum;
      D.u32[2 * q + 1] = 0;
    }
  }],
  // Packs: destination lanes first, then source lanes (SDM PACKSSWB).
  [/^Packsswb_/, (n) => pack(n, 2, (v) => sat8s(v), true)],
  [/^Packuswb_/, (n) => pack(n, 2, (v) => sat8u(v), true)],
  [/^Packssdw_/, (n) => pack(n, 4, (v) => sat16s(v), true)],
  // Unpacks interleave the low (or high) halves of destination and source.
  [/^Punpcklbw_/, (n) => unpack(n, 1, false), { srcBytes: (w) => (w === 8 ? 4 : 16) }],
  [/^Punpcklwd_/, (n) => unpack(n, 2, false), { srcBytes: (w) => (w === 8 ? 4 : 16) }],
  [/^Punpckldq_/, (n) => unpack(n, 4, false), { srcBytes: (w) => (w === 8 ? 4 : 16) }],
  [/^Punpcklqdq_/, (n) => unpack(n, 8, false)],
  [/^Punpckhbw_/, (n) => unpack(n, 1, true)],
  [/^Punpckhwd_/, (n) => unpack(n, 2, true)],
  [/^Punpckhdq_/, (n) => unpack(n, 4, true)],
  [/^Punpckhqdq_/, (n) => unpack(n, 8, true)],
];

// Shifts by an xmm/mm/m count (the whole 64-bit count; >= width gives 0 or sign fill). Registered
// by exact name: the `ops` loop appends a pattern that these names do not match.
const shiftsByReg: [RegExp, LaneOp][] = [
  [/^Psllw_(xmm_xmmm128|mm_mmm64)$/, shiftBy(2, 'l')],
  [/^Pslld_(xmm_xmmm128|mm_mmm64)$/, shiftBy(4, 'l')],
  [/^Psllq_(xmm_xmmm128|mm_mmm64)$/, shiftBy(8, 'l')],
  [/^Psrlw_(xmm_xmmm128|mm_mmm64)$/, shiftBy(2, 'r')],
  [/^Psrld_(xmm_xmmm128|mm_mmm64)$/, shiftBy(4, 'r')],
  [/^Psrlq_(xmm_xmmm128|mm_mmm64)$/, shiftBy(8, 'r')],
  [/^Psraw_(xmm_xmmm128|mm_mmm64)$/, shiftBy(2, 'a')],
  [/^Psrad_(xmm_xmmm128|mm_mmm64)$/, shiftBy(4, 'a')],
];

function pack(n: number, from: number, sat: (v: number) => number, _signed: boolean): void {
  const lanes = n / from; // lanes per operand
  const out = T32;
  for (let k = 0; k < lanes; k++) out[k] = sat(from === 2 ? D.i16[k] : D.i32[k]);
  for (let k = 0; k < lanes; k++) out[lanes + k] = sat(from === 2 ? S.i16[k] : S.i32[k]);
  for (let k = 0; k < lanes * 2; k++) {
    if (from === 2) D.u8[k] = out[k]; else D.u16[k] = out[k];
  }
}

function unpack(n: number, size: number, high: boolean): void {
  const d = T8a, s = T8b;
  d.set(D.u8);
  s.set(S.u8);
  const base = high ? n / 2 : 0;
  const count = n / 2 / size;
  for (let k = 0; k < count; k++) {
    for (let b = 0; b < size; b++) {
      D.u8[2 * k * size + b] = d[base + k * size + b];
      D.u8[(2 * k + 1) * size + b] = s[base + k * size + b];
    }
  }
}

/** Count for shifts: the low 64 bits of S (or an immediate). */
function shiftCount(): number {
  return S.u32[1] !== 0 ? 0xffffffff : S.u32[0];
}

function shiftLanes(n: number, size: number, kind: 'l' | 'r' | 'a', cnt: number): void {
  const bits = size * 8;
  for (let k = 0; k < n / size; k++) {
    if (size === 8) {
      // As int32 halves (psllq/psrlq only: SSE2 has no arithmetic 64-bit shift).
      const lo = D.i32[2 * k], hi = D.i32[2 * k + 1];
      D.i32[2 * k] = cnt >= 64 ? 0 : kind === 'l' ? shl64(lo, hi, cnt) : shr64(lo, hi, cnt);
      D.i32[2 * k + 1] = cnt >= 64 ? 0 : r64.hi;
    } else if (size === 4) {
      const v = D.i32[k];
      if (kind === 'l') D.i32[k] = cnt >= 32 ? 0 : v << cnt;
      else if (kind === 'r') D.i32[k] = cnt >= 32 ? 0 : v >>> cnt;
      else D.i32[k] = v >> Math.min(cnt, 31);
    } else {
      const v = D.i16[k];
      if (kind === 'l') D.u16[k] = cnt >= bits ? 0 : v << cnt;
      else if (kind === 'r') D.u16[k] = cnt >= bits ? 0 : (v & 0xffff) >>> cnt;
      else D.i16[k] = v >> Math.min(cnt, 15);
    }
  }
}

function shiftBy(size: number, kind: 'l' | 'r' | 'a'): LaneOp {
  return (n) => shiftLanes(n, size, kind, shiftCount());
}

/** Shifts by immediate: Psllw_xmm_imm8 etc. (operand 0 is the register, the count is i.imm). */
function shiftImm(size: number, kind: 'l' | 'r' | 'a'): Factory {
  return (d) => {
    const w = widthOf(d);
    return (c, i) => {
      loadD(c, i);
      shiftLanes(w, size, kind, i.imm & 0xff);
      storeD(c, i);
    };
  };
}

/** pslldq/psrldq: byte shifts of the whole 128-bit register (counts > 15 clear it). */
function byteShift(left: boolean): Factory {
  return () => (c, i) => {
    loadD(c, i);
    const cnt = i.imm & 0xff;
    const src = T8a;
    src.set(D.u8);
    for (let k = 0; k < 16; k++) {
      const from = left ? k - cnt : k + cnt;
      D.u8[k] = from >= 0 && from < 16 ? src[from] : 0;
    }
    storeD(c, i);
  };
}

/** pshufd/pshuflw/pshufhw/pshufw: lane selection by an 8-bit immediate. */
const pshufd: Factory = () => (c, i) => {
  loadS(c, i, 16, true);
  const sel = i.imm & 0xff;
  for (let k = 0; k < 4; k++) D.i32[k] = S.i32[(sel >> (2 * k)) & 3];
  storeD(c, i);
};
const pshuflw: Factory = () => (c, i) => {
  loadS(c, i, 16, true);
  const sel = i.imm & 0xff;
  for (let k = 0; k < 4; k++) D.u16[k] = S.u16[(sel >> (2 * k)) & 3];
  D.i32[2] = S.i32[2]; D.i32[3] = S.i32[3];
  storeD(c, i);
};
const pshufhw: Factory = () => (c, i) => {
  loadS(c, i, 16, true);
  const sel = i.imm & 0xff;
  D.i32[0] = S.i32[0]; D.i32[1] = S.i32[1];
  for (let k = 0; k < 4; k++) D.u16[4 + k] = S.u16[4 + ((sel >> (2 * k)) & 3)];
  storeD(c, i);
};
const pshufw: Factory = () => (c, i) => {
  loadS(c, i, 8, false);
  const sel = i.imm & 0xff;
  for (let k = 0; k < 4; k++) D.u16[k] = S.u16[(sel >> (2 * k)) & 3];
  D.i32[2] = 0; D.i32[3] = 0;
  storeD(c, i);
};

/** pmovmskb r32/r64, xmm/mm: sign bits of each byte. */
const pmovmskb: Factory = () => (c, i) => {
  let m = 0;
  if (i.k1 === 4 /* OP_XMM */) {
    const b = c.xmmU8, o = i.r1 * 16;
    for (let k = 0; k < 16; k++) m |= (b[o + k] >> 7) << k;
  } else {
    const lo = c.x87.mantLo[i.r1], hi = c.x87.mantHi[i.r1];
    for (let k = 0; k < 4; k++) { m |= ((lo >>> (8 * k + 7)) & 1) << k; m |= ((hi >>> (8 * k + 7)) & 1) << (k + 4); }
    mmxState(c);
  }
  c.regs[2 * i.r0] = m;
  c.regs[2 * i.r0 + 1] = 0;
};

/** pextrw r32, xmm/mm, imm8: zero-extended word. */
const pextrw: Factory = () => (c, i) => {
  let v: number;
  if (i.k1 === 4) v = c.xmmU16[i.r1 * 8 + (i.imm & 7)];
  else {
    const k = i.imm & 3;
    const half = k < 2 ? c.x87.mantLo[i.r1] : c.x87.mantHi[i.r1];
    v = (half >>> ((k & 1) * 16)) & 0xffff;
    mmxState(c);
  }
  if (i.k0 === OP_GPR) { c.regs[2 * i.r0] = v; c.regs[2 * i.r0 + 1] = 0; }
  else c.mem.write16(ea(c, i), v);
};

/** pinsrw xmm/mm, r32/m16, imm8. */
const pinsrw: Factory = (d) => {
  const w = widthOf(d);
  return (c, i) => {
    const v = i.k1 === OP_GPR ? getGpr(c, i.r1, 2) : c.mem.read16(ea(c, i));
    loadD(c, i);
    D.u16[i.imm & (w === 16 ? 7 : 3)] = v;
    storeD(c, i);
  };
};

/** emms: every x87 register empty, and TOP = 0 like every MMX instruction (observed on the oracle's CPU). */
const emms: Factory = () => (c) => { c.x87.tagValid = 0; c.x87.top = 0; };

beginFamily('sse-int');
for (const [re, op, o] of ops) defMatching(new RegExp(re.source + '.*(xmm|mm)'), packed(op, o ?? {}));
for (const [re, op] of shiftsByReg) defMatching(re, packed(op));
defMatching(/^Psllw_(xmm|mm)_imm8$/, shiftImm(2, 'l'));
defMatching(/^Pslld_(xmm|mm)_imm8$/, shiftImm(4, 'l'));
defMatching(/^Psllq_(xmm|mm)_imm8$/, shiftImm(8, 'l'));
defMatching(/^Psrlw_(xmm|mm)_imm8$/, shiftImm(2, 'r'));
defMatching(/^Psrld_(xmm|mm)_imm8$/, shiftImm(4, 'r'));
defMatching(/^Psrlq_(xmm|mm)_imm8$/, shiftImm(8, 'r'));
defMatching(/^Psraw_(xmm|mm)_imm8$/, shiftImm(2, 'a'));
defMatching(/^Psrad_(xmm|mm)_imm8$/, shiftImm(4, 'a'));
def('Pslldq_xmm_imm8', byteShift(true));
def('Psrldq_xmm_imm8', byteShift(false));
def('Pshufd_xmm_xmmm128_imm8', pshufd);
def('Pshuflw_xmm_xmmm128_imm8', pshuflw);
def('Pshufhw_xmm_xmmm128_imm8', pshufhw);
def('Pshufw_mm_mmm64_imm8', pshufw);
defMatching(/^Pmovmskb_r(32|64)_(xmm|mm)$/, pmovmskb);
defMatching(/^Pextrw_r(32|64)_(xmm|mm)_imm8$/, pextrw);
defMatching(/^Pinsrw_(xmm|mm)_r(32|64)m16_imm8$/, pinsrw);
def('Emms', emms);
void setGpr;
