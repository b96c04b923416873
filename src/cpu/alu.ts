/**
 * Integer ALU: add, or, adc, sbb, and, sub, xor, cmp, test, inc, dec, neg, not
 * (Intel SDM Vol. 2, the instructions' pages; flags per Appendix A "EFLAGS Cross-Reference").
 *
 * Semantic functions (`add`, `add64`, ...) are the single definition both engines use: they take
 * operand values, record lazy flags on the Cpu and return the result (64-bit: lo, hi in c.hi).
 * Sizes 1/2/4 use one function with a size code; values are masked to the operand width.
 */
import type { Cpu } from './state.js';
import type { Insn, Handler } from './insn.js';
import { K_ADD, K_ADC, K_SUB, K_SBB, K_LOGIC, K_INC, K_DEC, SZ64, getCF } from './flags.js';
import { ea, readOperand, writeOperand, readOperand64, writeOperand64, probeWrite } from './operands.js';
import { OP_MEM } from './insn.js';
import { def, defMatching, beginFamily, type Factory } from './dispatch.js';

/** Result masks by size code (SZ8, SZ16, SZ32). */
export const MASK = [0xff, 0xffff, -1, -1];
/** Size code by operand size in bytes. */
export const SZ = [0, 0, 1, 0, 2, 0, 0, 0, 3];

const TWO32 = 4294967296;

function record(c: Cpu, kind: number, sz: number, a: number, b: number, r: number): number {
  c.fop = (kind << 2) | sz;
  c.fa = a;
  c.fb = b;
  c.fr = r;
  return r;
}

function record64(c: Cpu, kind: number, al: number, ah: number, bl: number, bh: number, rl: number, rh: number): number {
  c.fop = (kind << 2) | SZ64;
  c.fa = al; c.faHi = ah;
  c.fb = bl; c.fbHi = bh;
  c.fr = rl; c.frHi = rh;
  c.hi = rh;
  return rl;
}

// ------------------------------------------------------------------ 8/16/32-bit semantics

export function add(c: Cpu, a: number, b: number, sz: number): number {
  return record(c, K_ADD, sz, a, b, (a + b) & MASK[sz]);
}
export function adc(c: Cpu, a: number, b: number, sz: number): number {
  const cin = getCF(c);
  c.fcf = cin;
  return record(c, K_ADC, sz, a, b, (a + b + cin) & MASK[sz]);
}
export function sub(c: Cpu, a: number, b: number, sz: number): number {
  return record(c, K_SUB, sz, a, b, (a - b) & MASK[sz]);
}
export function sbb(c: Cpu, a: number, b: number, sz: number): number {
  const cin = getCF(c);
  c.fcf = cin;
  return record(c, K_SBB, sz, a, b, (a - b - cin) & MASK[sz]);
}
export function and(c: Cpu, a: number, b: number, sz: number): number {
  return record(c, K_LOGIC, sz, 0, 0, a & b & MASK[sz]);
}
export function or(c: Cpu, a: number, b: number, sz: number): number {
  return record(c, K_LOGIC, sz, 0, 0, (a | b) & MASK[sz]);
}
export function xor(c: Cpu, a: number, b: number, sz: number): number {
  return record(c, K_LOGIC, sz, 0, 0, (a ^ b) & MASK[sz]);
}
export function inc(c: Cpu, a: number, sz: number): number {
  c.fcf = getCF(c);
  return record(c, K_INC, sz, a, 1, (a + 1) & MASK[sz]);
}
export function dec(c: Cpu, a: number, sz: number): number {
  c.fcf = getCF(c);
  return record(c, K_DEC, sz, a, 1, (a - 1) & MASK[sz]);
}
export function neg(c: Cpu, a: number, sz: number): number {
  return record(c, K_SUB, sz, 0, a, -a & MASK[sz]);
}
export function not(_c: Cpu, a: number, sz: number): number {
  return ~a & MASK[sz];
}

// ------------------------------------------------------------------ 64-bit semantics (lo returned, hi in c.hi)

export function add64(c: Cpu, al: number, ah: number, bl: number, bh: number): number {
  const s = (al >>> 0) + (bl >>> 0);
  return record64(c, K_ADD, al, ah, bl, bh, s | 0, (ah + bh + (s >= TWO32 ? 1 : 0)) | 0);
}
export function adc64(c: Cpu, al: number, ah: number, bl: number, bh: number): number {
  const cin = getCF(c);
  c.fcf = cin;
  const s = (al >>> 0) + (bl >>> 0) + cin;
  return record64(c, K_ADC, al, ah, bl, bh, s | 0, (ah + bh + (s >= TWO32 ? 1 : 0)) | 0);
}
export function sub64(c: Cpu, al: number, ah: number, bl: number, bh: number): number {
  const d = (al >>> 0) - (bl >>> 0);
  return record64(c, K_SUB, al, ah, bl, bh, d | 0, (ah - bh - (d < 0 ? 1 : 0)) | 0);
}
export function sbb64(c: Cpu, al: number, ah: number, bl: number, bh: number): number {
  const cin = getCF(c);
  c.fcf = cin;
  const d = (al >>> 0) - (bl >>> 0) - cin;
  return record64(c, K_SBB, al, ah, bl, bh, d | 0, (ah - bh - (d < 0 ? 1 : 0)) | 0);
}
export function and64(c: Cpu, al: number, ah: number, bl: number, bh: number): number {
  return record64(c, K_LOGIC, 0, 0, 0, 0, al & bl, ah & bh);
}
export function or64(c: Cpu, al: number, ah: number, bl: number, bh: number): number {
  return record64(c, K_LOGIC, 0, 0, 0, 0, al | bl, ah | bh);
}
export function xor64(c: Cpu, al: number, ah: number, bl: number, bh: number): number {
  return record64(c, K_LOGIC, 0, 0, 0, 0, al ^ bl, ah ^ bh);
}
export function inc64(c: Cpu, al: number, ah: number): number {
  c.fcf = getCF(c);
  const lo = (al + 1) | 0;
  return record64(c, K_INC, al, ah, 1, 0, lo, lo === 0 ? (ah + 1) | 0 : ah);
}
export function dec64(c: Cpu, al: number, ah: number): number {
  c.fcf = getCF(c);
  const lo = (al - 1) | 0;
  return record64(c, K_DEC, al, ah, 1, 0, lo, al === 0 ? (ah - 1) | 0 : ah);
}
export function neg64(c: Cpu, al: number, ah: number): number {
  const lo = -al | 0;
  return record64(c, K_SUB, 0, 0, al, ah, lo, (-ah - (al !== 0 ? 1 : 0)) | 0);
}
export function not64(c: Cpu, al: number, ah: number): number {
  c.hi = ~ah;
  return ~al;
}

// ------------------------------------------------------------------ operand plumbing (interpreter)

type Bin = (c: Cpu, a: number, b: number, sz: number) => number;
type Bin64 = (c: Cpu, al: number, ah: number, bl: number, bh: number) => number;
type Un = (c: Cpu, a: number, sz: number) => number;
type Un64 = (c: Cpu, al: number, ah: number) => number;

/** dst op= src for every operand form (r/m, r; r, r/m; r/m, imm; accumulator, imm). */
export function binary(op: Bin, op64: Bin64, store: boolean): Factory {
  return (d: Insn): Handler => {
    if (d.s0 === 8) {
      return (c, i) => {
        const a = i.msize !== 0 ? ea(c, i) : 0;
        if (store && i.k0 === OP_MEM) probeWrite(c, a, 8);
        const xl = readOperand64(c, i, i.k0, i.r0, a), xh = c.hi;
        const yl = readOperand64(c, i, i.k1, i.r1, a), yh = c.hi;
        const rl = op64(c, xl, xh, yl, yh);
        if (store) writeOperand64(c, i.k0, i.r0, a, rl, c.hi);
      };
    }
    const sz = SZ[d.s0];
    return (c, i) => {
      const a = i.msize !== 0 ? ea(c, i) : 0;
      if (store && i.k0 === OP_MEM) probeWrite(c, a, i.s0);
      const x = readOperand(c, i, i.k0, i.r0, i.s0, a);
      const y = readOperand(c, i, i.k1, i.r1, i.s0, a);
      const r = op(c, x, y, sz);
      if (store) writeOperand(c, i.k0, i.r0, i.s0, a, r);
    };
  };
}

/** dst = op(dst) for inc/dec/neg/not. */
export function unary(op: Un, op64: Un64): Factory {
  return (d: Insn): Handler => {
    if (d.s0 === 8) {
      return (c, i) => {
        const a = i.msize !== 0 ? ea(c, i) : 0;
        if (i.k0 === OP_MEM) probeWrite(c, a, 8);
        const xl = readOperand64(c, i, i.k0, i.r0, a);
        const rl = op64(c, xl, c.hi);
        writeOperand64(c, i.k0, i.r0, a, rl, c.hi);
      };
    }
    const sz = SZ[d.s0];
    return (c, i) => {
      const a = i.msize !== 0 ? ea(c, i) : 0;
      if (i.k0 === OP_MEM) probeWrite(c, a, i.s0);
      const x = readOperand(c, i, i.k0, i.r0, i.s0, a);
      writeOperand(c, i.k0, i.r0, i.s0, a, op(c, x, sz));
    };
  };
}

beginFamily('alu');
defMatching(/^Add_/, binary(add, add64, true));
defMatching(/^Or_/, binary(or, or64, true));
defMatching(/^Adc_/, binary(adc, adc64, true));
defMatching(/^Sbb_/, binary(sbb, sbb64, true));
defMatching(/^And_/, binary(and, and64, true));
defMatching(/^Sub_/, binary(sub, sub64, true));
defMatching(/^Xor_/, binary(xor, xor64, true));
defMatching(/^Cmp_(rm|r\d|AL|AX|EAX|RAX)/, binary(sub, sub64, false));
defMatching(/^Test_/, binary(and, and64, false));
defMatching(/^Inc_rm/, unary(inc, inc64));
defMatching(/^Dec_rm/, unary(dec, dec64));
defMatching(/^Neg_rm/, unary(neg, neg64));
defMatching(/^Not_rm/, unary(not, not64));
void def;
