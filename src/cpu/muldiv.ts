/**
 * Multiply and divide: mul, imul (one, two and three operands), div, idiv
 * (Intel SDM Vol. 2 "MUL", "IMUL", "DIV", "IDIV").
 *
 * mul/imul set CF = OF = "the result does not fit the destination"; SF, ZF, AF, PF are undefined
 * (we derive SF/ZF/PF from the low result and clear AF; the oracle masks them). div/idiv leave all
 * flags undefined (we leave them unchanged) and raise #DE -> SIGFPE on a zero divisor or a
 * quotient that does not fit, including INT_MIN / -1.
 */
import type { Cpu } from './state.js';
import { RAX, RDX } from './state.js';
import type { Insn } from './insn.js';
import { OP_GPR } from './insn.js';
import { setArith, szp, CF, OF, SZ64 } from './flags.js';
import { ea, readOperand, setGpr, readOperand64 } from './operands.js';
import { defMatching, beginFamily, type Factory } from './dispatch.js';
import { divideError } from './exceptions.js';
import { SZ } from './alu.js';
import { mulU32, mulS32, mulU64, mulS64, divU128, r64, toBigIntSigned, fromBigInt, toNumberSigned } from './int64.js';

const TWO32 = 4294967296;

function src(c: Cpu, i: Insn): number {
  return readOperand(c, i, i.k0, i.r0, i.s0, i.msize !== 0 ? ea(c, i) : 0);
}

// ------------------------------------------------------------------ one-operand mul / imul

const mul1: Factory = (d) => {
  switch (d.s0) {
    case 1: return (c, i) => {
      const r = (c.regs[0] & 0xff) * src(c, i);
      setGpr(c, RAX, 2, r);
      const of = r > 0xff ? CF | OF : 0;
      setArith(c, szp(r & 0xff, 0) | of);
    };
    case 2: return (c, i) => {
      const r = (c.regs[0] & 0xffff) * src(c, i);
      setGpr(c, RAX, 2, r & 0xffff);
      setGpr(c, RDX, 2, r >>> 16);
      setArith(c, szp(r & 0xffff, 1) | (r > 0xffff ? CF | OF : 0));
    };
    case 4: return (c, i) => {
      const lo = mulU32(c.regs[0], src(c, i)), hi = r64.hi;
      c.regs[0] = lo; c.regs[1] = 0;
      c.regs[2 * RDX] = hi; c.regs[2 * RDX + 1] = 0;
      setArith(c, szp(lo, 2) | (hi !== 0 ? CF | OF : 0));
    };
    default: return (c, i) => {
      const yl = readOperand64(c, i, i.k0, i.r0, i.msize !== 0 ? ea(c, i) : 0), yh = c.hi;
      const lo = mulU64(c.regs[0], c.regs[1], yl, yh);
      const hi = r64.hi, h2l = r64.hi2lo, h2h = r64.hi2hi;
      c.regs[0] = lo; c.regs[1] = hi;
      c.regs[2 * RDX] = h2l; c.regs[2 * RDX + 1] = h2h;
      setArith(c, szp(lo, SZ64, hi) | (h2l !== 0 || h2h !== 0 ? CF | OF : 0));
    };
  }
};

const imul1: Factory = (d) => {
  switch (d.s0) {
    case 1: return (c, i) => {
      const r = ((c.regs[0] << 24) >> 24) * ((src(c, i) << 24) >> 24);
      setGpr(c, RAX, 2, r);
      setArith(c, szp(r & 0xff, 0) | (r !== (r << 24) >> 24 ? CF | OF : 0));
    };
    case 2: return (c, i) => {
      const r = ((c.regs[0] << 16) >> 16) * ((src(c, i) << 16) >> 16);
      setGpr(c, RAX, 2, r);
      setGpr(c, RDX, 2, r >> 16);
      setArith(c, szp(r & 0xffff, 1) | (r !== (r << 16) >> 16 ? CF | OF : 0));
    };
    case 4: return (c, i) => {
      const lo = mulS32(c.regs[0], src(c, i)), hi = r64.hi;
      c.regs[0] = lo; c.regs[1] = 0;
      c.regs[2 * RDX] = hi; c.regs[2 * RDX + 1] = 0;
      setArith(c, szp(lo, 2) | (hi !== lo >> 31 ? CF | OF : 0));
    };
    default: return (c, i) => {
      const yl = readOperand64(c, i, i.k0, i.r0, i.msize !== 0 ? ea(c, i) : 0), yh = c.hi;
      const lo = mulS64(c.regs[0], c.regs[1], yl, yh);
      const hi = r64.hi, h2l = r64.hi2lo, h2h = r64.hi2hi;
      c.regs[0] = lo; c.regs[1] = hi;
      c.regs[2 * RDX] = h2l; c.regs[2 * RDX + 1] = h2h;
      const ext = hi >> 31;
      setArith(c, szp(lo, SZ64, hi) | (h2l !== ext || h2h !== ext ? CF | OF : 0));
    };
  }
};

// ------------------------------------------------------------------ two/three-operand imul

/**
 * The truncated signed product of two- and three-operand imul r64 with its flags (CF = OF =
 * the product does not fit in 64 bits; SF/ZF/PF from the result): the low half is returned,
 * the high half left in c.hi. Shared with the JIT (templates.ts) when the flags are live.
 */
export function imul64(c: Cpu, xl: number, xh: number, yl: number, yh: number): number {
  const lo = mulS64(xl, xh, yl, yh);
  const hi = r64.hi;
  setArith(c, imul64Flags(xl, xh, yl, yh, lo, hi));
  c.hi = hi;
  return lo;
}

/** 2^63 with a margin on each side far wider than the error of the product of two doubles. */
const FITS_BELOW = 9.2e18, OVERFLOWS_ABOVE = 9.25e18;

/**
 * The flags of two- and three-operand imul r64 in RFLAGS layout, given the operands and the
 * truncated product lo:hi: CF = OF = the signed product does not fit in 64 bits; SF, ZF, PF
 * from lo:hi; AF clear. Whether it fits is read from the product of the operands as doubles
 * (relative error below 2^-51) unless that lands near 2^63, where the 128-bit product decides:
 * the JIT computes lo:hi with the cheaper low-half multiply and calls this for the flags.
 */
export function imul64Flags(xl: number, xh: number, yl: number, yh: number, lo: number, hi: number): number {
  const p = Math.abs(toNumberSigned(xl, xh) * toNumberSigned(yl, yh));
  let over: boolean;
  if (p < FITS_BELOW) over = false;
  else if (p > OVERFLOWS_ABOVE) over = true;
  else {
    mulS64(xl, xh, yl, yh);
    const ext = r64.hi >> 31;
    over = r64.hi2lo !== ext || r64.hi2hi !== ext;
  }
  return szp(lo, SZ64, hi) | (over ? CF | OF : 0);
}

/** imul r, r/m [, imm]: dst = truncated signed product. */
const imulN: Factory = (d) => {
  const three = d.nops === 3;
  if (d.s0 === 8) {
    return (c, i) => {
      const a = i.msize !== 0 ? ea(c, i) : 0;
      let xl, xh, yl, yh;
      if (three) { xl = readOperand64(c, i, i.k1, i.r1, a); xh = c.hi; yl = i.imm; yh = i.immHi; }
      else { xl = c.regs[2 * i.r0]; xh = c.regs[2 * i.r0 + 1]; yl = readOperand64(c, i, i.k1, i.r1, a); yh = c.hi; }
      const lo = imul64(c, xl, xh, yl, yh);
      c.regs[2 * i.r0] = lo; c.regs[2 * i.r0 + 1] = c.hi;
    };
  }
  const sz = SZ[d.s0];
  return (c, i) => {
    const a = i.msize !== 0 ? ea(c, i) : 0;
    let x, y;
    if (three) { x = readOperand(c, i, i.k1, i.r1, i.s0, a); y = i.imm; }
    else { x = readOperand(c, i, OP_GPR, i.r0, i.s0, 0); y = readOperand(c, i, i.k1, i.r1, i.s0, a); }
    if (sz === 2) {
      const lo = mulS32(x, y), hi = r64.hi;
      setGpr(c, i.r0, 4, lo);
      setArith(c, szp(lo, 2) | (hi !== lo >> 31 ? CF | OF : 0));
    } else {
      const r = ((x << 16) >> 16) * ((y << 16) >> 16);
      setGpr(c, i.r0, 2, r);
      setArith(c, szp(r & 0xffff, 1) | (r !== (r << 16) >> 16 ? CF | OF : 0));
    }
  };
};

// ------------------------------------------------------------------ div / idiv

const div: Factory = (d) => {
  switch (d.s0) {
    case 1: return (c, i) => {
      const y = src(c, i);
      if (y === 0) divideError();
      const n = c.regs[0] & 0xffff;
      const q = Math.floor(n / y);
      if (q > 0xff) divideError();
      setGpr(c, RAX, 2, ((n % y) << 8) | q);
    };
    case 2: return (c, i) => {
      const y = src(c, i);
      if (y === 0) divideError();
      const n = (c.regs[2 * RDX] & 0xffff) * 65536 + (c.regs[0] & 0xffff);
      const q = Math.floor(n / y);
      if (q > 0xffff) divideError();
      setGpr(c, RAX, 2, q);
      setGpr(c, RDX, 2, n % y);
    };
    case 4: return (c, i) => {
      const y = src(c, i) >>> 0;
      if (y === 0) divideError();
      const hi = c.regs[2 * RDX] >>> 0;
      if (hi >= y) divideError();
      const q = divU128(c.regs[0], hi, 0, 0, y, 0);
      c.regs[0] = q; c.regs[1] = 0;
      c.regs[2 * RDX] = r64.rem; c.regs[2 * RDX + 1] = 0;
    };
    default: return (c, i) => {
      const yl = readOperand64(c, i, i.k0, i.r0, i.msize !== 0 ? ea(c, i) : 0), yh = c.hi;
      if (yl === 0 && yh === 0) divideError();
      const nl = c.regs[0], nh = c.regs[1], hl = c.regs[2 * RDX], hh = c.regs[2 * RDX + 1];
      // quotient fits 64 bits iff the high half of the dividend is below the divisor
      if ((hh >>> 0) > (yh >>> 0) || ((hh >>> 0) === (yh >>> 0) && (hl >>> 0) >= (yl >>> 0))) divideError();
      const q = divU128(nl, nh, hl, hh, yl, yh);
      c.regs[0] = q; c.regs[1] = r64.hi;
      c.regs[2 * RDX] = r64.rem; c.regs[2 * RDX + 1] = r64.remHi;
    };
  }
};

const idiv: Factory = (d) => {
  switch (d.s0) {
    case 1: return (c, i) => {
      const y = (src(c, i) << 24) >> 24;
      if (y === 0) divideError();
      const n = (c.regs[0] << 16) >> 16;
      const q = Math.trunc(n / y);
      if (q > 127 || q < -128) divideError();
      const r = n - q * y;
      setGpr(c, RAX, 2, ((r & 0xff) << 8) | (q & 0xff));
    };
    case 2: return (c, i) => {
      const y = (src(c, i) << 16) >> 16;
      if (y === 0) divideError();
      const n = (((c.regs[2 * RDX] << 16) >> 16) * 65536) + (c.regs[0] & 0xffff);
      const q = Math.trunc(n / y);
      if (q > 32767 || q < -32768) divideError();
      setGpr(c, RAX, 2, q);
      setGpr(c, RDX, 2, n - q * y);
    };
    case 4: return (c, i) => {
      const y = src(c, i) | 0;
      if (y === 0) divideError();
      const n = c.regs[2 * RDX] * TWO32 + (c.regs[0] >>> 0); // exact: |n| < 2^63 is not, so check range
      if (Math.abs(n) < 2 ** 53) {
        const q = Math.trunc(n / y);
        // Math.trunc(n / y) can be off by one for |n| near 2^53; correct with the remainder.
        let qq = q;
        let r = n - qq * y;
        if (r !== 0 && Math.sign(r) !== Math.sign(n)) { qq += Math.sign(n) === Math.sign(y) ? -1 : 1; r = n - qq * y; }
        if (Math.abs(r) >= Math.abs(y)) { qq += Math.sign(n) === Math.sign(y) ? 1 : -1; r = n - qq * y; }
        if (qq > 2147483647 || qq < -2147483648) divideError();
        c.regs[0] = qq | 0; c.regs[1] = 0;
        c.regs[2 * RDX] = r | 0; c.regs[2 * RDX + 1] = 0;
        return;
      }
      const nb = (BigInt(c.regs[2 * RDX]) << 32n) | BigInt(c.regs[0] >>> 0);
      const qb = nb / BigInt(y);
      if (qb > 2147483647n || qb < -2147483648n) divideError();
      c.regs[0] = Number(qb) | 0; c.regs[1] = 0;
      c.regs[2 * RDX] = Number(nb - qb * BigInt(y)) | 0; c.regs[2 * RDX + 1] = 0;
    };
    default: return (c, i) => {
      const yl = readOperand64(c, i, i.k0, i.r0, i.msize !== 0 ? ea(c, i) : 0), yh = c.hi;
      if (yl === 0 && yh === 0) divideError();
      const n = (toBigIntSigned(c.regs[2 * RDX], c.regs[2 * RDX + 1]) << 64n) |
        BigInt.asUintN(64, toBigIntSigned(c.regs[0], c.regs[1]));
      const y = toBigIntSigned(yl, yh);
      const q = n / y; // BigInt division truncates toward zero, like idiv
      if (q > 0x7fffffffffffffffn || q < -0x8000000000000000n) divideError();
      const r = n - q * y;
      c.regs[0] = fromBigInt(q); c.regs[1] = r64.hi;
      c.regs[2 * RDX] = fromBigInt(r); c.regs[2 * RDX + 1] = r64.hi;
    };
  }
};

beginFamily('muldiv');
defMatching(/^Mul_rm/, mul1);
defMatching(/^Imul_rm(8|16|32|64)$/, imul1);
defMatching(/^Imul_r(16|32|64)_rm/, imulN);
defMatching(/^Div_rm/, div);
defMatching(/^Idiv_rm/, idiv);
