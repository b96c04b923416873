/**
 * Inline templates for the hot instructions (by iced Mnemonic). A template emits JavaScript for
 * one instruction into the Gen, or returns false to fall back to a call of the interpreter's
 * handler. Arithmetic goes through the same semantic functions as the interpreter
 * (X.alu.add, X.shift.shl, ...); only the dead-flags variants compute the value inline, and the
 * ISA goldens run with the JIT forced on to keep both engines in agreement.
 *
 * Every template performs its memory accesses before it assigns registers, so a fault leaves
 * the locals as they were before the instruction (precise faults).
 */
import { Mnemonic } from '../cpu/iced.js';
import type { Insn } from '../cpu/insn.js';
import { OP_GPR, OP_MEM, OP_IMM, OP_BRANCH } from '../cpu/insn.js';
import { ARITH_FLAGS, CF, OF } from '../cpu/flags.js';
import { RSP, RBP } from '../cpu/state.js';
import { type Gen, type FlagInfo, branchTo, exitDynamic, smcCheck } from './codegen.js';
import { K_ADD, K_ADC, K_SUB, K_SBB, K_LOGIC, K_INC, K_DEC } from '../cpu/flags.js';

export type Template = (g: Gen, i: Insn, isLast: boolean) => boolean;
export const TEMPLATES = new Map<number, Template>();

const SZ = [0, 0, 1, 0, 2, 0, 0, 0, 3];
const MASK = ['', '0xff', '0xffff', '', '-1'];

function wrap(expr: string, size: number): string {
  return size === 4 ? `(${expr}) | 0` : `(${expr}) & ${MASK[size]}`;
}

function memTarget(i: Insn): boolean {
  return i.k0 === OP_MEM;
}

// ------------------------------------------------------------------ ALU

type AluOp = 'add' | 'sub' | 'and' | 'or' | 'xor' | 'adc' | 'sbb';
/** Value parts of the ALU semantics (alu.ts); the flag record mirrors alu.ts record(). */
const VALUE32: Record<string, (a: string, b: string) => string> = {
  add: (a, b) => `${a} + ${b}`,
  sub: (a, b) => `${a} - ${b}`,
  and: (a, b) => `${a} & ${b}`,
  or: (a, b) => `${a} | ${b}`,
  xor: (a, b) => `${a} ^ ${b}`,
};
const KIND: Record<AluOp, number> = { add: K_ADD, adc: K_ADC, sub: K_SUB, sbb: K_SBB, and: K_LOGIC, or: K_LOGIC, xor: K_LOGIC };

/** The current CF as a JS expression (0/1), from what the translator knows, else from the flag record. */
export function cfExpr(g: Gen): string {
  const f = g.flags;
  if (f) {
    if (f.kind === 'logic') return '0';
    if (f.kind === 'bits') return `(${f.r} & 1)`;
    if (f.kind === 'sub') {
      if (f.size === 8) return `((${f.ah} >>> 0) < (${f.bh} >>> 0) || (${f.ah} === ${f.bh} && (${f.a} >>> 0) < (${f.b} >>> 0)) ? 1 : 0)`;
      return `((${f.a} >>> 0) < (${f.b} >>> 0) ? 1 : 0)`;
    }
    if (f.kind === 'add') {
      if (f.size === 8) return `((${f.rh} >>> 0) < (${f.ah} >>> 0) || (${f.rh} === ${f.ah} && (${f.r} >>> 0) < (${f.a} >>> 0)) ? 1 : 0)`;
      return `((${f.r} >>> 0) < (${f.a} >>> 0) ? 1 : 0)`;
    }
  }
  g.syncFlags();
  g.flagLocals = true;
  g.allFlags = true;
  return 'X.getCF(c)';
}

function alu(op: AluOp, store: boolean): Template {
  return (g, i) => {
    if (i.k0 !== OP_GPR && i.k0 !== OP_MEM) return false;
    const a = i.msize ? g.ea(i) : null;
    if (store && i.k0 === OP_MEM) g.probeWrite(a!, i.s0);
    const carry = op === 'adc' || op === 'sbb';
    const kind: FlagInfo['kind'] = carry ? 'result' : op === 'sub' ? 'sub' : op === 'add' ? 'add' : 'logic';
    const live = g.flagsLive(ARITH_FLAGS);
    if (i.s0 === 8) {
      const [xl, xh] = g.src64(i, i.k0, i.r0, a);
      const [yl, yh] = g.src64(i, i.k1, i.r1, a);
      const ta = g.t(), tah = g.t(), tb = g.t(), tbh = g.t(), rl = g.t(), rh = g.t();
      g.emit(`${ta} = ${xl}; ${tah} = ${xh}; ${tb} = ${yl}; ${tbh} = ${yh};`);
      let cin = '0';
      if (carry) { cin = g.t(); g.emit(`${cin} = ${cfExpr(g)};`); }
      if (op === 'add' || op === 'adc') {
        const s = g.t();
        g.emit(`${s} = (${ta} >>> 0) + (${tb} >>> 0) + ${cin}; ${rl} = ${s} | 0; ${rh} = (${tah} + ${tbh} + (${s} > 4294967295 ? 1 : 0)) | 0;`);
      } else if (op === 'sub' || op === 'sbb') {
        const s = g.t();
        g.emit(`${s} = (${ta} >>> 0) - (${tb} >>> 0) - ${cin}; ${rl} = ${s} | 0; ${rh} = (${tah} - ${tbh} - (${s} < 0 ? 1 : 0)) | 0;`);
      } else {
        g.emit(`${rl} = ${VALUE32[op](ta, tb)}; ${rh} = ${VALUE32[op](tah, tbh)};`);
      }
      if (kind === 'logic') g.lazyFlags(live, (K_LOGIC << 2) | 3, '0', '0', rl, '0', '0', rh);
      else g.lazyFlags(live, (KIND[op] << 2) | 3, ta, tb, rl, tah, tbh, rh, carry ? cin : undefined);
      g.flags = { kind, size: 8, a: ta, b: tb, r: rl, ah: tah, bh: tbh, rh };
      if (store) {
        g.dst64(i.k0, i.r0, a, rl, rh);
        if (memTarget(i)) smcCheck(g, i.next, g.k);
      }
      return true;
    }
    const size = i.s0;
    const x = g.src(i, i.k0, i.r0, size, a);
    const y = g.src(i, i.k1, i.r1, size, a);
    const ta = g.t(), tb = g.t(), r = g.t();
    g.emit(`${ta} = ${x}; ${tb} = ${y};`);
    let cin = '';
    if (carry) { cin = g.t(); g.emit(`${cin} = ${cfExpr(g)};`); }
    const val = carry ? `${VALUE32[op === 'adc' ? 'add' : 'sub'](ta, tb)} ${op === 'adc' ? '+' : '-'} ${cin}` : VALUE32[op](ta, tb);
    g.emit(`${r} = ${wrap(val, size)};`);
    if (kind === 'logic') g.lazyFlags(live, (K_LOGIC << 2) | SZ[size], '0', '0', r);
    else g.lazyFlags(live, (KIND[op] << 2) | SZ[size], ta, tb, r, undefined, undefined, undefined, carry ? cin : undefined);
    g.flags = { kind, size, a: ta, b: tb, r };
    if (store) {
      g.dst(i.k0, i.r0, size, a, r);
      if (memTarget(i)) smcCheck(g, i.next, g.k);
    }
    return true;
  };
}

TEMPLATES.set(Mnemonic.Add, alu('add', true));
TEMPLATES.set(Mnemonic.Sub, alu('sub', true));
TEMPLATES.set(Mnemonic.And, alu('and', true));
TEMPLATES.set(Mnemonic.Or, alu('or', true));
TEMPLATES.set(Mnemonic.Xor, alu('xor', true));
TEMPLATES.set(Mnemonic.Adc, alu('adc', true));
TEMPLATES.set(Mnemonic.Sbb, alu('sbb', true));
TEMPLATES.set(Mnemonic.Cmp, alu('sub', false));
TEMPLATES.set(Mnemonic.Test, alu('and', false));

/** Computes the carry-in of inc/dec into a temp (before the instruction changes g.flags). */
function carryIn(g: Gen): string {
  const t = g.t();
  g.emit(`${t} = ${cfExpr(g)};`);
  return t;
}

function unary(op: 'inc' | 'dec' | 'neg' | 'not'): Template {
  return (g, i) => {
    const a = i.msize ? g.ea(i) : null;
    if (i.k0 === OP_MEM) g.probeWrite(a!, i.s0);
    const live = op !== 'not' && g.flagsLive(ARITH_FLAGS);
    if (i.s0 === 8) {
      const [xl, xh] = g.src64(i, i.k0, i.r0, a);
      const rl = g.t(), rh = g.t(), ta = g.t(), tah = g.t();
      g.emit(`${ta} = ${xl}; ${tah} = ${xh};`);
      if (op === 'not') g.emit(`${rl} = ~${ta}; ${rh} = ~${tah};`);
      else if (op === 'inc') g.emit(`${rl} = (${ta} + 1) | 0; ${rh} = ${rl} === 0 ? (${tah} + 1) | 0 : ${tah};`);
      else if (op === 'dec') g.emit(`${rl} = (${ta} - 1) | 0; ${rh} = ${ta} === 0 ? (${tah} - 1) | 0 : ${tah};`);
      else g.emit(`${rl} = -${ta} | 0; ${rh} = (-${tah} - (${ta} !== 0 ? 1 : 0)) | 0;`);
      if (op === 'neg') g.lazyFlags(live, (K_SUB << 2) | 3, '0', ta, rl, '0', tah, rh);
      else if (op !== 'not') g.lazyFlagsWithCarryIn(live, ((op === 'inc' ? K_INC : K_DEC) << 2) | 3, () => carryIn(g), ta, '1', rl, tah, '0', rh);
      if (op === 'neg') g.flags = { kind: 'sub', size: 8, a: '0', ah: '0', b: ta, bh: tah, r: rl, rh };
      else if (op !== 'not') g.flags = { kind: 'result', size: 8, a: ta, b: '1', r: rl, ah: tah, bh: '0', rh };
      g.dst64(i.k0, i.r0, a, rl, rh);
      if (memTarget(i)) smcCheck(g, i.next, g.k);
      return true;
    }
    const size = i.s0;
    const x = g.src(i, i.k0, i.r0, size, a);
    const ta = g.t(), r = g.t();
    g.emit(`${ta} = ${x};`);
    g.emit(`${r} = ${wrap(op === 'not' ? `~${ta}` : op === 'inc' ? `${ta} + 1` : op === 'dec' ? `${ta} - 1` : `-${ta}`, size)};`);
    if (op === 'neg') g.lazyFlags(live, (K_SUB << 2) | SZ[size], '0', ta, r);
    else if (op !== 'not') g.lazyFlagsWithCarryIn(live, ((op === 'inc' ? K_INC : K_DEC) << 2) | SZ[size], () => carryIn(g), ta, '1', r);
    if (op === 'neg') g.flags = { kind: 'sub', size, a: '0', b: ta, r };
    else if (op !== 'not') g.flags = { kind: 'result', size, a: ta, b: '1', r };
    g.dst(i.k0, i.r0, size, a, r);
    if (memTarget(i)) smcCheck(g, i.next, g.k);
    return true;
  };
}
TEMPLATES.set(Mnemonic.Inc, unary('inc'));
TEMPLATES.set(Mnemonic.Dec, unary('dec'));
TEMPLATES.set(Mnemonic.Neg, unary('neg'));
TEMPLATES.set(Mnemonic.Not, unary('not'));

// ------------------------------------------------------------------ moves

TEMPLATES.set(Mnemonic.Mov, (g, i) => {
  if ((i.k0 !== OP_GPR && i.k0 !== OP_MEM) || (i.k1 !== OP_GPR && i.k1 !== OP_MEM && i.k1 !== OP_IMM)) return false;
  const a = i.msize ? g.ea(i) : null;
  if (i.s0 === 8) {
    const [lo, hi] = g.src64(i, i.k1, i.r1, a);
    if (i.k0 === OP_GPR && i.k1 === OP_GPR) {
      const t1 = g.t(), t2 = g.t();
      g.emit(`${t1} = ${lo}; ${t2} = ${hi};`);
      g.write64(i.r0, t1, t2);
      g.hiZero[i.r0] = g.hiZero[i.r1];
    } else g.dst64(i.k0, i.r0, a, lo, hi);
  } else {
    g.dst(i.k0, i.r0, i.s0, a, g.src(i, i.k1, i.r1, i.s0, a));
  }
  if (memTarget(i)) smcCheck(g, i.next, g.k);
  return true;
});

TEMPLATES.set(Mnemonic.Movzx, (g, i) => {
  const a = i.msize ? g.ea(i) : null;
  const v = g.src(i, i.k1, i.r1, i.s1, a);
  g.writeReg(i.r0, i.s0 === 8 ? 4 : i.s0, v); // a 64-bit movzx writes the low 32 bits and zeroes the rest
  return true;
});

TEMPLATES.set(Mnemonic.Movsx, (g, i) => signExtend(g, i));
TEMPLATES.set(Mnemonic.Movsxd, (g, i) => signExtend(g, i));
function signExtend(g: Gen, i: Insn): boolean {
  const a = i.msize ? g.ea(i) : null;
  const v = g.src(i, i.k1, i.r1, i.s1, a);
  const t = g.t();
  g.emit(`${t} = ${i.s1 === 1 ? `(${v} << 24) >> 24` : i.s1 === 2 ? `(${v} << 16) >> 16` : `${v} | 0`};`);
  if (i.s0 === 8) g.write64(i.r0, t, `${t} >> 31`);
  else g.writeReg(i.r0, i.s0, t);
  return true;
}

TEMPLATES.set(Mnemonic.Lea, (g, i) => {
  if (i.seg !== 0) return false;
  const hasB = i.base >= 0, hasX = i.index >= 0;
  const lo = g.t();
  const parts: string[] = [];
  if (hasB) parts.push(`(${g.lo(i.base)} >>> 0)`);
  if (hasX) parts.push(i.scale === 1 ? `(${g.lo(i.index)} >>> 0)` : `(${g.lo(i.index)} >>> 0) * ${i.scale}`);
  parts.push(String(i.disp >>> 0));
  g.emit(`${lo} = ${parts.join(' + ')};`);
  if (i.s0 === 8 && !i.a32) {
    const his: string[] = [];
    if (hasB) his.push(g.hi(i.base));
    if (hasX) his.push(i.scale === 1 ? g.hi(i.index) : `${g.hi(i.index)} * ${i.scale}`);
    his.push(String(i.disp < 0 ? -1 : Math.floor(i.disp / 4294967296)));
    const hi = g.t();
    g.emit(`${hi} = (${his.join(' + ')} + Math.floor(${lo} / 4294967296)) | 0;`);
    g.write64(i.r0, `${lo} | 0`, hi);
  } else {
    g.writeReg(i.r0, i.s0 === 8 ? 4 : i.s0, `${lo} | 0`);
  }
  return true;
});

TEMPLATES.set(Mnemonic.Xchg, (g, i) => {
  if (i.k0 !== OP_GPR || i.k1 !== OP_GPR) return false;
  if (i.s0 === 8) {
    const a = g.t(), b = g.t(), c = g.t(), d = g.t();
    g.emit(`${a} = ${g.lo(i.r0)}; ${b} = ${g.hi(i.r0)}; ${c} = ${g.lo(i.r1)}; ${d} = ${g.hi(i.r1)};`);
    g.write64(i.r0, c, d);
    g.write64(i.r1, a, b);
    return true;
  }
  if (i.s0 !== 4) return false;
  const a = g.t(), b = g.t();
  g.emit(`${a} = ${g.lo(i.r0)}; ${b} = ${g.lo(i.r1)};`);
  g.writeReg(i.r0, 4, b);
  g.writeReg(i.r1, 4, a);
  return true;
});

TEMPLATES.set(Mnemonic.Cdqe, (g) => { g.write64(0, g.lo(0), `${g.lo(0)} >> 31`); return true; });
TEMPLATES.set(Mnemonic.Cqo, (g) => { const t = g.t(); g.emit(`${t} = ${g.hi(0)} >> 31;`); g.write64(2, t, t); return true; });
TEMPLATES.set(Mnemonic.Cdq, (g) => { g.writeReg(2, 4, `${g.lo(0)} >> 31`); return true; });
TEMPLATES.set(Mnemonic.Cwde, (g) => { g.writeReg(0, 4, `(${g.lo(0)} << 16) >> 16`); return true; });
TEMPLATES.set(Mnemonic.Nop, () => true);
TEMPLATES.set(Mnemonic.Endbr64, () => true);
// Prefetch hints never fault, whatever the address (memcpy prefetches past the end of buffers).
for (const m of [Mnemonic.Prefetchnta, Mnemonic.Prefetcht0, Mnemonic.Prefetcht1, Mnemonic.Prefetcht2, Mnemonic.Prefetchw]) TEMPLATES.set(m, () => true);

// ------------------------------------------------------------------ conditions

/** JS boolean expression for condition cc from what the translator knows about the flags. */
function condition(g: Gen, cc: number): string {
  const f = g.flags;
  const base = cc >> 1, neg = (cc & 1) === 1;
  let e: string | null = null;
  if (f) e = direct(f, base);
  if (e === null && f === null) e = fromFlagLocals(g, base);
  if (e === null) {
    g.syncFlags();
    g.flagLocals = true;
    g.allFlags = true;
    return `(X.cond(c, ${cc}))`;
  }
  return neg ? `(!${e})` : `(${e})`;
}

/**
 * ZF and SF read from the flag locals (the lazy record another block of the region left, see
 * flags.ts getZF/getSF), where a call of X.cond would first store all nine into the Cpu: a jcc
 * at the start of a block, after a cmp at the end of the one before, is common (the syscall
 * benchmark's vDSO loop has one per iteration). The other conditions depend on the kind of
 * operation and go through X.cond.
 */
function fromFlagLocals(g: Gen, base: number): string | null {
  if (base !== 2 && base !== 4) return null;
  g.flagLocals = true;
  g.allFlags = true;
  // fop < 4: K_NONE, the bits are in rflags (eager form); (fop & 3): the size code.
  if (base === 2) return `(fop < 4 ? (frf & 0x40) !== 0 : (fop & 3) === 3 ? (fr | frh) === 0 : fr === 0)`;
  return `(fop < 4 ? (frf & 0x80) !== 0 : (fop & 3) === 3 ? frh < 0 : (fop & 3) === 2 ? fr < 0 : (fr & (0x80 << ((fop & 3) << 3))) !== 0)`;
}

function signed(v: string, size: number): string {
  return size === 1 ? `(${v} << 24)` : size === 2 ? `(${v} << 16)` : v;
}

/** Condition base (o, b, e, be, s, p, l, le) straight from recorded operands, or null. */
function direct(f: FlagInfo, base: number): string | null {
  const { a, b, r } = f;
  if (f.kind === 'bits') {
    const of = `(${r} >> 11)`, sf = `(${r} >> 7)`;
    switch (base) {
      case 0: return `((${r} & 0x800) !== 0)`;
      case 1: return `((${r} & 1) !== 0)`;
      case 2: return `((${r} & 0x40) !== 0)`;
      case 3: return `((${r} & 0x41) !== 0)`;
      case 4: return `((${r} & 0x80) !== 0)`;
      case 5: return `((${r} & 4) !== 0)`;
      case 6: return `(((${sf} ^ ${of}) & 1) !== 0)`;
      default: return `((${r} & 0x40) !== 0 || ((${sf} ^ ${of}) & 1) !== 0)`;
    }
  }
  if (f.size === 8) {
    // One compare, not `lo === 0 && hi === 0`: V8 has no type feedback for a second operand
    // it never evaluated, and deoptimised the region the first time a loop counter's low halves
    // matched (syscall benchmark: one deopt per run at the loop's end).
    const zero = `((${r} | ${f.rh}) === 0)`;
    if (f.kind === 'sub') {
      const ah = f.ah!, bh = f.bh!;
      switch (base) {
        case 1: return `((${ah} >>> 0) < (${bh} >>> 0) || (${ah} === ${bh} && (${a} >>> 0) < (${b} >>> 0)))`;
        case 2: return `(((${a} ^ ${b}) | (${ah} ^ ${bh})) === 0)`; // one compare (see `zero`)
        case 3: return `((${ah} >>> 0) < (${bh} >>> 0) || (${ah} === ${bh} && (${a} >>> 0) <= (${b} >>> 0)))`;
        case 4: return `(${f.rh} < 0)`;
        case 6: return `(${ah} < ${bh} || (${ah} === ${bh} && (${a} >>> 0) < (${b} >>> 0)))`;
        case 7: return `(${ah} < ${bh} || (${ah} === ${bh} && (${a} >>> 0) <= (${b} >>> 0)))`;
      }
      return null;
    }
    if (f.kind === 'add' || f.kind === 'result' || f.kind === 'logic') {
      switch (base) {
        case 2: return zero;
        case 4: return `(${f.rh} < 0)`;
      }
    }
    if (f.kind === 'logic') {
      switch (base) {
        case 0: return 'false';
        case 1: return 'false';
        case 3: return zero;
        case 6: return `(${f.rh} < 0)`;
        case 7: return `(${zero} || ${f.rh} < 0)`;
      }
    }
    return null;
  }
  const size = f.size;
  const sign = size === 4 ? `(${r} < 0)` : `((${r} & ${size === 1 ? 0x80 : 0x8000}) !== 0)`;
  if (f.kind === 'sub') {
    switch (base) {
      case 1: return `((${a} >>> 0) < (${b} >>> 0))`;
      case 2: return `(${a} === ${b})`;
      case 3: return `((${a} >>> 0) <= (${b} >>> 0))`;
      case 4: return sign;
      case 6: return `(${signed(a, size)} < ${signed(b, size)})`;
      case 7: return `(${signed(a, size)} <= ${signed(b, size)})`;
    }
    return null;
  }
  switch (base) {
    case 2: return `(${r} === 0)`;
    case 4: return sign;
  }
  if (f.kind === 'logic') {
    switch (base) {
      case 0: return 'false';
      case 1: return 'false';
      case 3: return `(${r} === 0)`;
      case 6: return sign;
      case 7: return `(${r} === 0 || ${sign})`;
    }
  }
  return null;
}

// ------------------------------------------------------------------ branches

TEMPLATES.set(Mnemonic.Jmp, (g, i, isLast) => {
  if (!isLast) return false;
  if (i.k0 === OP_BRANCH) {
    branchTo(g, i.target);
    return true;
  }
  if (i.k0 === OP_GPR && i.s0 === 8) {
    const t = g.t();
    g.emit(`${t} = ${target64(g.lo(i.r0), g.hi(i.r0))};`);
    exitDynamic(g, t);
    return true;
  }
  if (i.k0 === OP_MEM) {
    const a = g.ea(i);
    const lo = g.t(), hi = g.t(), t = g.t();
    const [ml, mh] = g.load64(a);
    g.emit(`${lo} = ${ml}; ${hi} = ${mh}; ${t} = ${target64(lo, hi)};`);
    exitDynamic(g, t);
    return true;
  }
  return false;
});

for (const m of ['Jo', 'Jno', 'Jb', 'Jae', 'Je', 'Jne', 'Jbe', 'Ja', 'Js', 'Jns', 'Jp', 'Jnp', 'Jl', 'Jge', 'Jle', 'Jg']) {
  TEMPLATES.set((Mnemonic as unknown as Record<string, number>)[m], (g, i, isLast) => {
    if (!isLast || i.k0 !== OP_BRANCH) return false;
    g.emit(`if ${condition(g, i.cc)} {`);
    branchTo(g, i.target);
    g.emit('}');
    branchTo(g, i.next);
    return true;
  });
}

/** A 64-bit branch target as a number (the next fetch faults if it is outside the window; #GP if non-canonical). */
function target64(lo: string, hi: string): string {
  return `(${hi} === 0 ? ${lo} >>> 0 : X.target64(${lo}, ${hi}))`;
}

/** Pushes a 64-bit value: memory first (may fault), then rsp. */
function push(g: Gen, lo: string, hi: string): void {
  const s = g.t();
  g.emit(`${s} = ${spExpr(g)} - 8;`);
  g.store64(s, lo, hi);
  g.write64(RSP, `${s} | 0`, '0');
}

function spExpr(g: Gen): string {
  // rsp is a window address: its high half is zero, or the access faults through X.ea.
  if (g.hiZero[RSP]) return `(${g.lo(RSP)} >>> 0)`;
  return `(${g.hi(RSP)} === 0 ? ${g.lo(RSP)} >>> 0 : X.ea(c, ${g.lo(RSP)}, ${g.hi(RSP)}, 0, 0, 1, 0, false, 0))`;
}

TEMPLATES.set(Mnemonic.Call, (g, i, isLast) => {
  if (!isLast) return false;
  let target: string;
  if (i.k0 === OP_BRANCH) target = String(i.target);
  else if (i.k0 === OP_GPR && i.s0 === 8) {
    target = g.t();
    g.emit(`${target} = ${target64(g.lo(i.r0), g.hi(i.r0))};`);
  } else if (i.k0 === OP_MEM) {
    const a = g.ea(i);
    const lo = g.t(), hi = g.t();
    target = g.t();
    const [ml, mh] = g.load64(a);
    g.emit(`${lo} = ${ml}; ${hi} = ${mh}; ${target} = ${target64(lo, hi)};`);
  } else return false;
  push(g, String(i.next | 0), String(Math.floor(i.next / 4294967296)));
  if (i.k0 === OP_BRANCH) branchTo(g, i.target);
  else exitDynamic(g, target);
  return true;
});

TEMPLATES.set(Mnemonic.Ret, (g, i, isLast) => {
  if (!isLast || i.nops !== 0) return false;
  const s = g.t(), lo = g.t(), hi = g.t(), t = g.t();
  g.emit(`${s} = ${spExpr(g)};`);
  const [ml, mh] = g.load64(s);
  g.emit(`${lo} = ${ml}; ${hi} = ${mh}; ${t} = ${target64(lo, hi)};`);
  g.write64(RSP, `(${s} + 8) | 0`, `${s} + 8 > 4294967295 ? 1 : 0`);
  g.hiZero[RSP] = false;
  exitDynamic(g, t);
  return true;
});

TEMPLATES.set(Mnemonic.Push, (g, i) => {
  if (i.s0 !== 8 && !(i.k0 === OP_IMM)) return false;
  if (i.k0 === OP_IMM && i.code !== PUSHQ_IMM8 && i.code !== PUSHQ_IMM32) return false;
  let lo: string, hi: string;
  if (i.k0 === OP_GPR) {
    lo = g.t(); hi = g.t();
    g.emit(`${lo} = ${g.lo(i.r0)}; ${hi} = ${g.hi(i.r0)};`);
  } else if (i.k0 === OP_IMM) { lo = String(i.imm); hi = String(i.immHi); }
  else {
    const a = g.ea(i);
    lo = g.t(); hi = g.t();
    const [ml, mh] = g.load64(a);
    g.emit(`${lo} = ${ml}; ${hi} = ${mh};`);
  }
  push(g, lo, hi);
  smcCheck(g, i.next, g.k);
  return true;
});

TEMPLATES.set(Mnemonic.Pop, (g, i) => {
  if (i.s0 !== 8 || i.k0 !== OP_GPR) return false;
  const s = g.t(), lo = g.t(), hi = g.t();
  g.emit(`${s} = ${spExpr(g)};`);
  const [ml, mh] = g.load64(s);
  g.emit(`${lo} = ${ml}; ${hi} = ${mh};`);
  g.write64(RSP, `(${s} + 8) | 0`, `${s} + 8 > 4294967295 ? 1 : 0`);
  g.hiZero[RSP] = false;
  g.write64(i.r0, lo, hi);
  g.hiZero[i.r0] = false;
  return true;
});

TEMPLATES.set(Mnemonic.Leave, (g, i) => {
  if (i.code !== LEAVEQ) return false;
  const s = g.t(), lo = g.t(), hi = g.t();
  g.emit(`${s} = ${g.hi(RBP)} === 0 ? ${g.lo(RBP)} >>> 0 : X.ea(c, ${g.lo(RBP)}, ${g.hi(RBP)}, 0, 0, 1, 0, false, 0);`);
  const [ml, mh] = g.load64(s);
  g.emit(`${lo} = ${ml}; ${hi} = ${mh};`);
  g.write64(RSP, `(${s} + 8) | 0`, `${s} + 8 > 4294967295 ? 1 : 0`);
  g.hiZero[RSP] = false;
  g.write64(RBP, lo, hi);
  g.hiZero[RBP] = false;
  return true;
});

import { Code } from '../cpu/iced.js';
const PUSHQ_IMM8 = Code.Pushq_imm8, PUSHQ_IMM32 = Code.Pushq_imm32, LEAVEQ = Code.Leaveq;

// ------------------------------------------------------------------ setcc / cmovcc

for (const m of ['Seto', 'Setno', 'Setb', 'Setae', 'Sete', 'Setne', 'Setbe', 'Seta', 'Sets', 'Setns', 'Setp', 'Setnp', 'Setl', 'Setge', 'Setle', 'Setg']) {
  TEMPLATES.set((Mnemonic as unknown as Record<string, number>)[m], (g, i) => {
    const a = i.msize ? g.ea(i) : null;
    g.dst(i.k0, i.r0, 1, a, `${condition(g, i.cc)} ? 1 : 0`);
    if (memTarget(i)) smcCheck(g, i.next, g.k);
    return true;
  });
}

for (const m of ['Cmovo', 'Cmovno', 'Cmovb', 'Cmovae', 'Cmove', 'Cmovne', 'Cmovbe', 'Cmova', 'Cmovs', 'Cmovns', 'Cmovp', 'Cmovnp', 'Cmovl', 'Cmovge', 'Cmovle', 'Cmovg']) {
  TEMPLATES.set((Mnemonic as unknown as Record<string, number>)[m], (g, i) => {
    const a = i.msize ? g.ea(i) : null;
    const cnd = condition(g, i.cc);
    if (i.s0 === 8) {
      const [lo, hi] = g.src64(i, i.k1, i.r1, a);
      const tl = g.t(), th = g.t();
      g.emit(`${tl} = ${lo}; ${th} = ${hi};`);
      g.emit(`if ${cnd} { ${g.lo(i.r0)} = ${tl}; ${g.hi(i.r0)} = ${th}; }`);
      g.dirty.add(i.r0);
      g.hiZero[i.r0] = false;
      return true;
    }
    if (i.s0 !== 4) return false;
    const v = g.src(i, i.k1, i.r1, 4, a);
    const t = g.t();
    g.emit(`${t} = ${v};`);
    g.emit(`if ${cnd} ${g.lo(i.r0)} = ${t};`);
    g.emit(`${g.hi(i.r0)} = 0;`);
    g.dirty.add(i.r0);
    g.hiZero[i.r0] = true;
    return true;
  });
}

// ------------------------------------------------------------------ shifts by immediate / 1 / cl

function shiftTpl(op: 'shl' | 'shr' | 'sar'): Template {
  return (g, i) => {
    const one = i.nops === 1 || (i.k1 !== OP_IMM && i.k1 !== OP_GPR);
    const immediate = one || i.k1 === OP_IMM;
    const count = one ? 1 : i.k1 === OP_IMM ? i.imm & 0xff : -1;
    const a = i.msize ? g.ea(i) : null;
    if (i.k0 === OP_MEM) g.probeWrite(a!, i.s0);
    const live = g.flagsLive(ARITH_FLAGS);
    if (i.s0 === 8) {
      const [xl, xh] = g.src64(i, i.k0, i.r0, a);
      if (!immediate) {
        byCl64(g, i, a, xl, xh, op, live);
        return true;
      }
      const n = count & 63;
      if (n === 0) return true;
      byConstant64(g, i, a, xl, xh, op, n, live, (txl, txh, rl, rh) => emitShift64(g, op, n, txl, txh, rl, rh));
      return true;
    }
    const size = i.s0;
    const x = g.src(i, i.k0, i.r0, size, a);
    const r = g.t();
    const tx = g.t();
    g.emit(`${tx} = ${x};`);
    if (immediate) {
      const n = count & 31;
      if (n === 0) { if (i.k0 === OP_GPR && size === 4) g.writeReg(i.r0, 4, tx); return true; }
      const call = `X.shift.${op}(c, ${tx}, ${n}, ${SZ[size]})`;
      if (live || size !== 4) g.eagerFlags(true, call, r);
      else {
        g.eagerFlags(false, call, r);
        g.emit(`${r} = ${op === 'shl' ? `${tx} << ${n}` : op === 'shr' ? `(${tx} >>> ${n}) | 0` : `${tx} >> ${n}`};`);
      }
      g.flags = null;
      g.dst(i.k0, i.r0, size, a, r);
    } else {
      const n = g.t();
      g.emit(`${n} = ${g.lo(1)} & 31;`);
      g.emit(`if (${n} !== 0) {`);
      g.eagerFlags(true, `X.shift.${op}(c, ${tx}, ${n}, ${SZ[size]})`, r);
      g.dst(i.k0, i.r0, size, a, r);
      g.emit('}');
      if (i.k0 === OP_GPR && size === 4) { g.emit(`${g.hi(i.r0)} = 0;`); g.dirty.add(i.r0); g.hiZero[i.r0] = true; }
      else if (i.k0 === OP_GPR) g.hiZero[i.r0 & 15] = false;
      g.flags = null;
    }
    if (memTarget(i)) smcCheck(g, i.next, g.k);
    return true;
  };
}

/**
 * A 64-bit shift or rotate by a constant n (1..63) of x (xl, xh): shift.ts's `op`64 computes
 * value and flags when the flags are live; otherwise `value` emits the value alone (rl, rh) and
 * the call is kept for the fault path. Then the destination is written.
 */
function byConstant64(g: Gen, i: Insn, a: string | null, xl: string, xh: string, op: string, n: number, live: boolean,
  value: (txl: string, txh: string, rl: string, rh: string) => void): void {
  const rl = g.t(), rh = g.t(), txl = g.t(), txh = g.t();
  g.emit(`${txl} = ${xl}; ${txh} = ${xh};`);
  const call = `X.shift.${op}64(c, ${txl}, ${txh}, ${n})`;
  if (live) {
    g.eagerFlags(true, call, rl);
    g.emit(`${rh} = c.hi;`);
  } else {
    g.eagerFlags(false, call, rl);
    value(txl, txh, rl, rh);
  }
  g.flags = null;
  g.dst64(i.k0, i.r0, a, rl, rh);
  if (memTarget(i)) smcCheck(g, i.next, g.k);
}

/**
 * A 64-bit shift by cl (strlen and strchr shift their match masks by the misalignment): a zero
 * count changes nothing, flags included; otherwise shift.ts's `op`64 computes value and flags
 * when the flags are live, else int64.ts's shift computes the value alone (V8 inlines it).
 */
function byCl64(g: Gen, i: Insn, a: string | null, xl: string, xh: string, op: 'shl' | 'shr' | 'sar', live: boolean): void {
  const n = g.t(), rl = g.t(), rh = g.t(), txl = g.t(), txh = g.t();
  g.emit(`${n} = ${g.lo(1)} & 63; ${txl} = ${xl}; ${txh} = ${xh};`);
  g.emit(`if (${n} !== 0) {`);
  if (live) {
    g.eagerFlags(true, `X.shift.${op}64(c, ${txl}, ${txh}, ${n})`, rl);
    g.emit(`${rh} = c.hi;`);
  } else {
    g.eagerFlags(false, `(${n} !== 0 && X.shift.${op}64(c, ${txl}, ${txh}, ${n}))`, '');
    g.emit(`${rl} = X.shiftValue64.${op}(${txl}, ${txh}, ${n}); ${rh} = X.r64.hi;`);
  }
  g.dst64(i.k0, i.r0, a, rl, rh);
  g.emit('}');
  if (i.k0 === OP_GPR) g.hiZero[i.r0 & 15] = false;
  g.flags = null;
  if (memTarget(i)) smcCheck(g, i.next, g.k);
}

/** The value part of 64-bit shifts by a constant (shift.ts computes it together with the flags). */
function emitShift64(g: Gen, op: 'shl' | 'shr' | 'sar', n: number, xl: string, xh: string, rl: string, rh: string): void {
  if (op === 'shl') {
    g.emit(n < 32 ? `${rh} = (${xh} << ${n}) | (${xl} >>> ${32 - n}); ${rl} = ${xl} << ${n};` : `${rh} = ${xl} << ${n - 32}; ${rl} = 0;`);
  } else if (op === 'shr') {
    g.emit(n < 32 ? `${rl} = (${xl} >>> ${n}) | (${xh} << ${32 - n}); ${rh} = (${xh} >>> ${n}) | 0;` : `${rl} = (${xh} >>> ${n - 32}) | 0; ${rh} = 0;`);
  } else {
    g.emit(n < 32 ? `${rl} = (${xl} >>> ${n}) | (${xh} << ${32 - n}); ${rh} = ${xh} >> ${n};` : `${rl} = ${xh} >> ${n - 32}; ${rh} = ${xh} >> 31;`);
  }
}
TEMPLATES.set(Mnemonic.Shl, shiftTpl('shl'));
TEMPLATES.set(Mnemonic.Sal, shiftTpl('shl'));
TEMPLATES.set(Mnemonic.Shr, shiftTpl('shr'));
TEMPLATES.set(Mnemonic.Sar, shiftTpl('sar'));

// ------------------------------------------------------------------ rotates by immediate / 1

/**
 * rol/ror by a constant. They write only CF and OF: when neither is read before being
 * overwritten (hashes and ciphers), 32- and 64-bit forms are computed inline; otherwise, and
 * for 8/16-bit operands, the semantic function in shift.ts computes value and flags together.
 * Counts in cl decline (the handler runs).
 */
function rotateTpl(op: 'rol' | 'ror'): Template {
  return (g, i) => {
    const one = i.nops === 1 || (i.k1 !== OP_IMM && i.k1 !== OP_GPR);
    if (!one && i.k1 !== OP_IMM) return false;
    const count = one ? 1 : i.imm & 0xff;
    const a = i.msize ? g.ea(i) : null;
    if (i.k0 === OP_MEM) g.probeWrite(a!, i.s0);
    const live = g.flagsLive(CF | OF);
    if (i.s0 === 8) {
      const n = count & 63;
      const [xl, xh] = g.src64(i, i.k0, i.r0, a);
      if (n === 0) return true;
      byConstant64(g, i, a, xl, xh, op, n, live, (txl, txh, rl, rh) => {
        const left = op === 'rol' ? n : 64 - n; // ror by n = rol by 64 - n
        const [hl, hh] = left < 32 ? [txl, txh] : [txh, txl]; // rol by 32 swaps the halves
        const m = left & 31;
        g.emit(m === 0 ? `${rl} = ${hl}; ${rh} = ${hh};`
          : `${rl} = (${hl} << ${m}) | (${hh} >>> ${32 - m}); ${rh} = (${hh} << ${m}) | (${hl} >>> ${32 - m});`);
      });
      return true;
    }
    const size = i.s0;
    // 8/16-bit counts are masked to 5 bits and then rotate modulo the width (shift.ts).
    const n = count & 31;
    const x = g.src(i, i.k0, i.r0, size, a);
    const r = g.t(), tx = g.t();
    g.emit(`${tx} = ${x};`);
    if (n === 0) { if (i.k0 === OP_GPR && size === 4) g.writeReg(i.r0, 4, tx); return true; }
    const call = `X.shift.${op}(c, ${tx}, ${n}, ${SZ[size]})`;
    if (live || size !== 4) g.eagerFlags(true, call, r);
    else {
      g.eagerFlags(false, call, r);
      const left = op === 'rol' ? n : 32 - n;
      g.emit(`${r} = (${tx} << ${left}) | (${tx} >>> ${32 - left});`);
    }
    g.flags = null;
    g.dst(i.k0, i.r0, size, a, r);
    if (memTarget(i)) smcCheck(g, i.next, g.k);
    return true;
  };
}
TEMPLATES.set(Mnemonic.Rol, rotateTpl('rol'));
TEMPLATES.set(Mnemonic.Ror, rotateTpl('ror'));

// ------------------------------------------------------------------ bsf

/**
 * bsf r, r (strlen/strchr/memchr find the first set bit of a pmovmskb mask): the value inline
 * (int64.ts ctz32, as bit.ts computes it), the destination kept when the source is zero
 * (bit.ts). The flags come from bit.ts's scanFlags: called when they are live (glibc's
 * `bsf; ret` leaves them live at the block's end), else kept for the fault path of a later
 * instruction.
 */
TEMPLATES.set(Mnemonic.Bsf, (g, i) => {
  if (i.nops !== 2 || i.k1 !== OP_GPR || i.k0 !== OP_GPR || (i.s0 !== 4 && i.s0 !== 8)) return false;
  const sl = g.t(), sh = g.t();
  g.emit(`${sl} = ${g.lo(i.r1)}; ${sh} = ${i.s0 === 8 ? g.hi(i.r1) : '0'};`);
  g.eagerFlags(g.flagsLive(ARITH_FLAGS), `X.scanFlags(c, ${sl} === 0 && ${sh} === 0)`, '');
  g.emit(`if (${sl} !== 0) { ${g.lo(i.r0)} = X.ctz32(${sl}); ${g.hi(i.r0)} = 0; }` +
    ` else if (${sh} !== 0) { ${g.lo(i.r0)} = 32 + X.ctz32(${sh}); ${g.hi(i.r0)} = 0; }`);
  g.dirty.add(i.r0);
  g.hiZero[i.r0] = false;
  g.flags = null;
  return true;
});

// ------------------------------------------------------------------ imul (two and three operands)

TEMPLATES.set(Mnemonic.Imul, (g, i) => {
  if (i.nops < 2 || (i.s0 !== 4 && i.s0 !== 8)) return false;
  if (i.s0 === 8) {
    const a = i.msize ? g.ea(i) : null;
    const three = i.nops === 3;
    const [xl, xh] = three ? g.src64(i, i.k1, i.r1, a) : [g.lo(i.r0), g.hi(i.r0)];
    const [yl, yh] = three ? [String(i.imm), String(i.immHi)] : g.src64(i, i.k1, i.r1, a);
    const rl = g.t(), rh = g.t();
    // int64.ts's 64-bit product, low half (V8 inlines the small helpers: FNV-style hashing
    // multiplies in its inner loop). The operands are kept for the flags (the destination may be one).
    const txl = g.t(), txh = g.t(), tyl = g.t(), tyh = g.t();
    g.emit(`${txl} = ${xl}; ${txh} = ${xh}; ${tyl} = ${yl}; ${tyh} = ${yh};`);
    g.emit(`${rl} = X.mulLo64(${txl}, ${txh}, ${tyl}, ${tyh}); ${rh} = X.hi;`);
    // The flags (muldiv.ts imul64Flags) as a 'bits' record: computed here when read, else only
    // by the fault path of a later instruction of the block.
    const bits = `X.imul64Flags(${txl}, ${txh}, ${tyl}, ${tyh}, ${rl}, ${rh})`;
    if (g.flagsLive(ARITH_FLAGS)) {
      const b = g.t();
      g.emit(`${b} = ${bits};`);
      g.flagLocals = true;
      g.flagsAssigned.add('frf');
      g.flagsAssigned.add('fop');
      g.emit(`frf = (frf & ~0x8d5) | ${b}; fop = 0;`);
      g.pendingFault = null;
      g.flags = { kind: 'bits', size: 8, a: b, b, r: b };
    } else {
      g.pendingFault = `c.rflags = (c.rflags & ~0x8d5) | ${bits}; c.fop = 0;`;
      g.flags = null;
    }
    g.write64(i.r0, rl, rh);
    return true;
  }
  const a = i.msize ? g.ea(i) : null;
  const three = i.nops === 3;
  const x = three ? g.src(i, i.k1, i.r1, 4, a) : g.lo(i.r0);
  const y = three ? String(i.imm) : g.src(i, i.k1, i.r1, 4, a);
  const r = g.t();
  if (g.flagsLive(ARITH_FLAGS)) return false; // the handler computes the overflow flags
  g.emit(`${r} = Math.imul(${x}, ${y});`);
  g.flags = null;
  g.writeReg(i.r0, 4, r);
  return true;
});
