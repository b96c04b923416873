/**
 * The x87 FPU instructions (Intel SDM Vol. 1 ch. 8, Vol. 2 instruction pages), registered by iced
 * `Code` names: loads and stores of every format, arithmetic, compares, FCMOVcc, transcendentals,
 * control and state save/restore. The soft-float core is x87-float80.ts, the transcendental
 * functions x87-transcendental.ts, the environment/FXSAVE images x87-env.ts.
 *
 * Design: 80-bit values are exact; printf of long double prints what the CPU prints. Registers
 * hold the architectural bits (x87-state.ts, aliased by MMX); arithmetic is exact in software with
 * one rounding per precision control (PC) and rounding control (RC) of the control word.
 *
 * Stack: ST(i) is physical register (TOP + i) & 7; `tagValid` marks non-empty registers. Reading
 * an empty register is a stack underflow, pushing onto a non-empty one an overflow: IE and SF are
 * raised, C1 = 0 (underflow) or 1 (overflow), and the masked response (the QNaN indefinite as the
 * value, or the integer/BCD indefinite for integer stores) is produced (SDM Vol. 1 8.5.1.1).
 *
 * Status word: every handler clears `fx` and commits the raised exception flags and C1 after its
 * memory accesses succeeded, so a faulting access leaves the FPU unchanged (precise faults, see
 * interpreter.ts). C0/C2/C3 change only where the SDM defines them (compares, FXAM, FPREM,
 * trig range); native runs show hardware leaves them alone elsewhere.
 *
 * Unmasked exceptions (SDM Vol. 1 8.6-8.7) behave as on hardware: the flag is raised with ES and
 * B; an unmasked IE, ZE or DE leaves the destination and the stack unchanged (stores to memory
 * are also suppressed by unmasked OE/UE), and the next waiting x87 instruction (every
 * instruction except FNINIT, FNCLEX, FNSTCW, FNSTSW, FNSTENV, FNSAVE, FXSAVE, FXRSTOR) raises #MF,
 * which Linux delivers as SIGFPE with si_code from the unmasked flags (arch/x86/kernel/traps.c,
 * fpu__exception_code). Unmasked OE/UE on register results store the masked response rather than
 * the bias-adjusted value.
 *
 * FIP/FDP/FOP are recorded by non-control instructions (Intel behaviour; AMD parts store them in
 * FXSAVE only when ES is set) and stored by FNSTENV/FNSAVE/FXSAVE.
 */
import type { Cpu } from './state.js';
import type { Insn, Handler } from './insn.js';
import { def, beginFamily, type Factory } from './dispatch.js';
import { ea } from './operands.js';
import type { X87 } from './x87-state.js';
import { cond, setArith, CF, PF, ZF, CC_B, CC_AE, CC_E, CC_NE, CC_BE, CC_A, CC_P, CC_NP } from './flags.js';
import {
  Ext, fx, resetFx, INDEFINITE, POS_ZERO, ONE, Cls, classify, classifyWords,
  add, mul, div, sqrt, roundInt, compare, CMP_CC, CMP_UN, CMP_LT, CMP_EQ,
  fromF32, fromF64, toF32, toF64, w64, fromInt32, fromInt64, toInt, fromBcd, toBcd,
  scale, extract, remainder, prem, rcOf,
  IE, DE, ZE, OE, UE, PE, SF, ES, BUSY, C0, C1, C2, C3, RC_ZERO, RC_UP, RC_NEAREST,
} from './x87-float80.js';
import { fsin, fcos, fsincos, fptan, fpatan, f2xm1, fyl2x, fyl2xp1, trig } from './x87-transcendental.js';
import { fnstenv, fldenv, fnsave, frstor, fxsave, fxrstor, finit, updateSummary } from './x87-env.js';
import { CpuException, SIGFPE, X86_TRAP_MF, FPE_FLTDIV, FPE_FLTINV } from './exceptions.js';
import type { Memory } from '../memory/memory.js';
import { PAGE_MASK, PAGE_SIZE } from '../memory/memory.js';

// ------------------------------------------------------------------ register stack

const phys = (x: X87, i: number): number => (x.top + i) & 7;
const isEmpty = (x: X87, p: number): boolean => ((x.tagValid >> p) & 1) === 0;

function get(x: X87, p: number): Ext {
  return new Ext(x.signExp[p], x.mantHi[p], x.mantLo[p]);
}

function put(x: X87, p: number, v: Ext): void {
  x.signExp[p] = v.se;
  x.mantHi[p] = v.hi;
  x.mantLo[p] = v.lo;
  x.tagValid |= 1 << p;
}

/** ST(i), or the indefinite after raising a stack underflow (IE, SF, C1 = 0). */
function read(x: X87, i: number): Ext {
  const p = (x.top + i) & 7;
  if ((x.tagValid >> p) & 1) return new Ext(x.signExp[p], x.mantHi[p], x.mantLo[p]);
  fx.flags = (fx.flags & ~DE) | IE | SF; // the stack fault takes precedence over a denormal operand
  fx.memDen = false;
  fx.up = 0;
  return INDEFINITE;
}

function underflowed(): boolean {
  return (fx.flags & SF) !== 0;
}

function pop(x: X87): void {
  x.tagValid &= ~(1 << x.top);
  x.top = (x.top + 1) & 7;
}

/** Pushes v; onto a non-empty register this is a stack overflow (IE, SF, C1 = 1) and pushes the indefinite. */
function push(x: X87, v: Ext): void {
  const p = (x.top - 1) & 7;
  if ((x.tagValid >> p) & 1) {
    if ((fx.flags & SF) === 0) fx.up = 1; // C1 = 1 for overflow, unless an underflow came first
    fx.flags |= IE | SF;
    v = INDEFINITE;
  }
  if (!writable(x, BLOCK_REG)) return;
  x.top = p;
  put(x, p, v);
}

/** Commits raised flags and C1 to the status word (exception flags are sticky). */
function commit(x: X87): void {
  let sw = (x.sw & ~C1) | fx.flags | (fx.up ? C1 : 0);
  if ((sw & ~x.cw & 0x3f) !== 0) sw |= ES | BUSY;
  x.sw = sw;
}

/** Commit for instructions whose C1 is undefined except after a stack underflow (FCOMI, FCMOVcc): hardware keeps it. */
function commitKeepC1(x: X87): void {
  const c1 = fx.flags & SF ? 0 : x.sw & C1;
  fx.up = 0;
  commit(x);
  x.sw |= c1;
}

/** Exceptions that, unmasked, keep an instruction from writing its register result (SDM Vol. 1 8.7). */
const BLOCK_REG = IE | ZE | DE;
/** ... and its memory result (a store that overflows or underflows the destination format). */
const BLOCK_MEM = IE | ZE | DE | OE | UE;

/** True when the raised exceptions let the result be written. */
function writable(x: X87, blocking: number): boolean {
  return (fx.flags & ~x.cw & blocking) === 0;
}

/**
 * #MF: a waiting x87 instruction found an unmasked exception pending (ES). Linux reports SIGFPE
 * with si_code chosen from the unmasked flags (fpu__exception_code) at this instruction.
 */
function mathFault(x: X87): never {
  const err = x.sw & ~x.cw & 0x3f;
  const code = err & IE ? FPE_FLTINV : err & ZE ? FPE_FLTDIV : err & OE ? FPE_FLTOVF
    : err & (UE | DE) ? FPE_FLTUND : err & PE ? FPE_FLTRES : 0;
  throw new CpuException(SIGFPE, code, X86_TRAP_MF, 'x87 floating-point exception (#MF)');
}
const FPE_FLTOVF = 4, FPE_FLTUND = 5, FPE_FLTRES = 6;

/** Wraps a waiting control instruction: delivers a pending unmasked exception first. */
function waiting(f: Factory): Factory {
  return (d: Insn): Handler => {
    const h = f(d);
    return (c, i) => {
      if (c.x87.sw & ES) mathFault(c.x87);
      h(c, i);
    };
  };
}

function setCC(x: X87, bits: number): void {
  x.sw = (x.sw & ~(C0 | C1 | C2 | C3)) | bits;
}

// ------------------------------------------------------------------ memory helpers

function read80(m: Memory, a: number): Ext {
  const lo = m.read64(a);
  const hi = m.hi;
  return new Ext(m.read16(a + 8), hi, lo);
}

function write80(m: Memory, a: number, v: Ext): void {
  if ((a & PAGE_MASK) > PAGE_SIZE - 10) m.checkWrite(a, 10); // all-or-nothing across the page boundary
  m.write64(a, v.lo, v.hi);
  m.write16(a + 8, v.se);
}

/** Writes an integer of `bytes` bytes given as BigInt (two's complement). */
function writeInt(m: Memory, a: number, bytes: number, v: bigint): void {
  if (bytes === 2) m.write16(a, Number(BigInt.asUintN(16, v)));
  else if (bytes === 4) m.write32(a, Number(BigInt.asIntN(32, v)));
  else m.write64(a, Number(BigInt.asIntN(32, v)), Number(BigInt.asIntN(32, v >> 32n)));
}

/** Reads the memory operand of an arithmetic/compare instruction as an extended value. */
type MemLoader = (c: Cpu, a: number) => Ext;
const loadM32fp: MemLoader = (c, a) => fromF32(c.mem.read32(a));
const loadM64fp: MemLoader = (c, a) => { const lo = c.mem.read64(a); return fromF64(lo, c.mem.hi); };
const loadM16int: MemLoader = (c, a) => fromInt32((c.mem.read16(a) << 16) >> 16);
const loadM32int: MemLoader = (c, a) => fromInt32(c.mem.read32(a));

function memLoader(name: string): MemLoader {
  if (name.endsWith('m32fp')) return loadM32fp;
  if (name.endsWith('m64fp')) return loadM64fp;
  if (name.endsWith('m16int')) return loadM16int;
  if (name.endsWith('m32int')) return loadM32int;
  throw new Error(`x87: no memory loader for ${name}`);
}

// ------------------------------------------------------------------ FIP/FDP/FOP

/** FOP: low 3 bits of the D8..DF opcode byte and the ModRM byte (SDM Vol. 1 8.1.8). */
function fopOf(i: Insn): number {
  const b = i.bytes;
  for (let k = 0; k + 1 < b.length; k++) {
    if (b[k] >= 0xd8 && b[k] <= 0xdf) return ((b[k] & 7) << 8) | b[k + 1];
  }
  return 0;
}

/** Wraps a non-control instruction's handler so it records FIP, FOP and (memory forms) FDP. */
function nc(f: Factory): Factory {
  return (d: Insn): Handler => {
    const h = f(d);
    const op = fopOf(d);
    if (d.msize !== 0) {
      return (c, i) => {
        const x = c.x87;
        if (x.sw & ES) mathFault(x);
        h(c, i);
        x.fip = i.addr; x.fop = op; x.fdp = ea(c, i);
      };
    }
    return (c, i) => {
      const x = c.x87;
      if (x.sw & ES) mathFault(x);
      h(c, i);
      x.fip = i.addr; x.fop = op;
    };
  };
}

function defNc(codes: string | string[], f: Factory): void {
  def(codes, nc(f));
}

// ------------------------------------------------------------------ loads

/** FLD m32fp / m64fp: DE for denormals, IE (and quieting) for SNaNs. */
function fldConv(load: MemLoader): Factory {
  return () => (c, i) => {
    const a = ea(c, i);
    resetFx();
    const v = load(c, a);
    const x = c.x87;
    const k = classify(v);
    if (k === Cls.SNaN) fx.flags |= IE;
    if (fx.memDen) fx.flags |= DE;
    const r = k === Cls.SNaN ? new Ext(v.se, v.hi | 0x40000000, v.lo) : v;
    push(x, r);
    commit(x);
  };
}

/** Pushes a value that raises nothing but a possible stack overflow (FLD m80, FILD, FBLD, constants). */
function pushCommit(x: X87, v: Ext): void {
  resetFx();
  push(x, v);
  commit(x);
}

// FLD m64fp fast path: normal doubles convert with integer operations only.
const fldM64: Factory = () => (c, i) => {
  const m = c.mem;
  const lo = m.read64(ea(c, i));
  const hi = m.hi;
  const x = c.x87;
  const exp = (hi >>> 20) & 0x7ff;
  const p = (x.top - 1) & 7;
  if (exp !== 0 && exp !== 0x7ff && ((x.tagValid >> p) & 1) === 0) {
    x.top = p;
    x.signExp[p] = ((hi >>> 31) << 15) | (exp + 15360);
    x.mantHi[p] = 0x80000000 | ((hi & 0xfffff) << 11) | (lo >>> 21);
    x.mantLo[p] = lo << 11;
    x.tagValid |= 1 << p;
    x.sw &= ~C1;
    return;
  }
  resetFx();
  const v = fromF64(lo, hi);
  const k = classify(v);
  if (k === Cls.SNaN) fx.flags |= IE;
  if (fx.memDen) fx.flags |= DE;
  push(x, k === Cls.SNaN ? new Ext(v.se, v.hi | 0x40000000, v.lo) : v);
  commit(x);
};

const fldM80: Factory = () => (c, i) => { const v = read80(c.mem, ea(c, i)); pushCommit(c.x87, v); };
const fildM16: Factory = () => (c, i) => { const v = loadM16int(c, ea(c, i)); pushCommit(c.x87, v); };
const fildM32: Factory = () => (c, i) => { const v = loadM32int(c, ea(c, i)); pushCommit(c.x87, v); };
const fildM64: Factory = () => (c, i) => {
  const lo = c.mem.read64(ea(c, i));
  pushCommit(c.x87, fromInt64(lo, c.mem.hi));
};
const fbld: Factory = () => (c, i) => { const v = fromBcd(c.mem.readBytes(ea(c, i), 10)); pushCommit(c.x87, v); };

const fldSti: Factory = () => (c, i) => {
  const x = c.x87;
  resetFx();
  const v = read(x, i.r0);
  push(x, v);
  commit(x);
};

/** Constants rounded per RC: [se, hi, lo rounded down, rounds up to nearest] (SDM Vol. 1 8.3.8). */
function constant(se: number, hi: number, lo: number, nearestUp: boolean): Factory {
  return () => (c) => {
    const x = c.x87;
    const rc = rcOf(x.cw);
    const up = rc === RC_UP || (rc === RC_NEAREST && nearestUp);
    pushCommit(x, new Ext(se, hi | 0, (up ? lo + 1 : lo) | 0));
  };
}

// ------------------------------------------------------------------ stores

/** FST/FSTP m32fp, m64fp, m80fp. */
function fstMem(kind: 32 | 64 | 80, popAfter: boolean): Factory {
  return () => (c, i) => {
    const a = ea(c, i);
    const x = c.x87;
    resetFx();
    const v = read(x, 0);
    let ok: boolean;
    if (kind === 80) { ok = writable(x, BLOCK_MEM); if (ok) write80(c.mem, a, v); }
    else if (kind === 64) { toF64(v, x.cw); ok = writable(x, BLOCK_MEM); if (ok) c.mem.write64(a, w64.lo, w64.hi); }
    else { const b = toF32(v, x.cw); ok = writable(x, BLOCK_MEM); if (ok) c.mem.write32(a, b); }
    commit(x);
    if (popAfter && ok) pop(x);
  };
}

/** FST/FSTP m64fp fast path for normal values that are exact doubles. */
function fstM64(popAfter: boolean): Factory {
  const slow = fstMem(64, popAfter);
  return (d) => {
    const s = slow(d);
    return (c, i) => {
      const x = c.x87;
      const p = x.top;
      const lo = x.mantLo[p], hi = x.mantHi[p], se = x.signExp[p];
      const exp = se & 0x7fff;
      if ((x.tagValid >> p) & 1 && exp >= 0x3c01 && exp <= 0x43fe && hi < 0 && (lo & 0x7ff) === 0) {
        c.mem.write64(ea(c, i), ((hi & 0x7ff) << 21) | (lo >>> 11), ((se & 0x8000) << 16) | ((exp - 15360) << 20) | ((hi >>> 11) & 0xfffff));
        x.sw &= ~C1;
        if (popAfter) pop(x);
        return;
      }
      s(c, i);
    };
  };
}

const INT_INDEFINITE = [0n, 0n, -0x8000n, 0n, -0x80000000n, 0n, 0n, 0n, -0x8000000000000000n];

/** FIST/FISTP (RC) and FISTTP (truncate) to m16/m32/m64. */
function fist(bytes: number, popAfter: boolean, truncate: boolean): Factory {
  return () => (c, i) => {
    const a = ea(c, i);
    const x = c.x87;
    resetFx();
    let v: bigint | null = null;
    if (!isEmpty(x, x.top)) v = toInt(get(x, x.top), bytes * 8, truncate ? RC_ZERO : rcOf(x.cw));
    else { fx.flags |= IE | SF; fx.up = 0; }
    const ok = writable(x, BLOCK_MEM);
    if (ok) writeInt(c.mem, a, bytes, v ?? INT_INDEFINITE[bytes]);
    commit(x);
    if (popAfter && ok) pop(x);
  };
}

const fbstp: Factory = () => (c, i) => {
  const a = ea(c, i);
  const x = c.x87;
  resetFx();
  const v = read(x, 0);
  const b = underflowed() ? Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0xc0, 0xff, 0xff) : toBcd(v, rcOf(x.cw));
  const ok = writable(x, BLOCK_MEM);
  if (ok) c.mem.writeBytes(a, b);
  commit(x);
  if (ok) pop(x);
};

/** FST/FSTP ST(i) (and the undocumented FSTP aliases). */
function fstSti(popAfter: boolean): Factory {
  return () => (c, i) => {
    const x = c.x87;
    resetFx();
    const v = read(x, 0);
    const ok = writable(x, BLOCK_REG);
    if (ok) put(x, phys(x, i.r0), v);
    commit(x);
    if (popAfter && ok) pop(x);
  };
}

/**
 * FSTPNCE ST(i) (D9 D8+i, undocumented alias of FSTP, "no check empty"): like FSTP ST(i), except
 * that an empty ST0 is no stack underflow: ST(i) is left alone and the stack just pops (native).
 */
const fstpnce: Factory = () => (c, i) => {
  const x = c.x87;
  const s = x.top;
  if ((x.tagValid >> s) & 1) put(x, phys(x, i.r0), get(x, s));
  x.sw &= ~C1;
  pop(x);
};

// ------------------------------------------------------------------ arithmetic

type BinOp = (a: Ext, b: Ext, cw: number) => Ext;
const OPS: Record<string, BinOp> = {
  Fadd: (a, b, cw) => add(a, b, false, cw),
  Fsub: (a, b, cw) => add(a, b, true, cw),
  Fsubr: (a, b, cw) => add(b, a, true, cw),
  Fmul: mul,
  Fdiv: div,
  Fdivr: (a, b, cw) => div(b, a, cw),
};

/** ST0 = ST0 op mem (m32fp, m64fp, m16int, m32int). */
function arithMem(op: BinOp, load: MemLoader): Factory {
  return () => (c, i) => {
    const a = ea(c, i);
    const x = c.x87;
    resetFx();
    const b = load(c, a);
    const p = x.top;
    const va = read(x, 0);
    const r = underflowed() ? INDEFINITE : op(va, b, x.cw);
    if (writable(x, BLOCK_REG)) put(x, p, r);
    commit(x);
  };
}

/** dst = dst op src on the stack: ST0 op ST(i) (toSti false) or ST(i) op ST0 (toSti true), popping for the p-forms. */
function arithReg(op: BinOp, toSti: boolean, popAfter: boolean): Factory {
  return () => (c, i) => {
    const x = c.x87;
    resetFx();
    const d = toSti ? i.r0 : 0;
    const s = toSti ? 0 : i.r1;
    const va = read(x, d);
    const vb = read(x, s);
    const r = underflowed() ? INDEFINITE : op(va, vb, x.cw);
    const ok = writable(x, BLOCK_REG);
    if (ok) put(x, phys(x, d), r);
    commit(x);
    if (popAfter && ok) pop(x);
  };
}

/** Unary ST0 operations (FSQRT, FRNDINT, F2XM1, FCHS, FABS). */
function unary(op: (a: Ext, cw: number) => Ext): Factory {
  return () => (c) => {
    const x = c.x87;
    resetFx();
    const v = read(x, 0);
    const r = underflowed() ? INDEFINITE : op(v, x.cw);
    if (writable(x, BLOCK_REG)) put(x, x.top, r);
    commit(x);
  };
}

const chs = (a: Ext): Ext => new Ext(a.se ^ 0x8000, a.hi, a.lo);
const abs = (a: Ext): Ext => new Ext(a.se & 0x7fff, a.hi, a.lo);

/** ST1 = op(ST1, ST0), pop (FPATAN, FYL2X, FYL2XP1). */
function binaryPop(op: (st1: Ext, st0: Ext, cw: number) => Ext): Factory {
  return () => (c) => {
    const x = c.x87;
    resetFx();
    const a = read(x, 0);
    const b = read(x, 1);
    const r = underflowed() ? INDEFINITE : op(b, a, x.cw);
    const ok = writable(x, BLOCK_REG);
    if (ok) put(x, phys(x, 1), r);
    commit(x);
    if (ok) pop(x);
  };
}

const fscale: Factory = () => (c) => {
  const x = c.x87;
  resetFx();
  const a = read(x, 0);
  const b = read(x, 1);
  const r = underflowed() ? INDEFINITE : scale(a, b, x.cw);
  if (writable(x, BLOCK_REG)) put(x, x.top, r);
  commit(x);
};

const fxtract: Factory = () => (c) => {
  const x = c.x87;
  resetFx();
  const a = read(x, 0);
  let e = INDEFINITE, s = INDEFINITE;
  if (!underflowed() && isEmpty(x, phys(x, 7))) [e, s] = extract(a);
  if (writable(x, BLOCK_REG)) {
    put(x, x.top, e);
    push(x, s);
  }
  commit(x);
};

function fpremOp(ieee: boolean): Factory {
  return () => (c) => {
    const x = c.x87;
    resetFx();
    const a = read(x, 0);
    const b = read(x, 1);
    let cc = -1;
    let r = INDEFINITE;
    if (!underflowed()) { r = remainder(a, b, ieee); cc = prem.cc; }
    if (!writable(x, BLOCK_REG)) { commit(x); return; }
    put(x, x.top, r);
    commit(x);
    if (cc >= 0) setCC(x, cc);
    else x.sw &= ~C2; // invalid: C2 cleared, C0/C1/C3 left alone (native)
  };
}

// ------------------------------------------------------------------ transcendentals

/** FSIN/FCOS: C2 = 1 (and ST0 unchanged) when |ST0| >= 2^63. */
function trigOp(op: (a: Ext, cw: number) => Ext): Factory {
  return () => (c) => {
    const x = c.x87;
    resetFx();
    const v = read(x, 0);
    trig.ok = true;
    const r = underflowed() ? INDEFINITE : op(v, x.cw);
    if (writable(x, BLOCK_REG)) put(x, x.top, r);
    commit(x);
    x.sw = trig.ok ? x.sw & ~C2 : x.sw | C2;
  };
}

const fsincosOp: Factory = () => (c) => {
  const x = c.x87;
  resetFx();
  const v = read(x, 0);
  trig.ok = true;
  // Stack overflow: both results are the indefinite (native).
  let s = INDEFINITE, co = INDEFINITE;
  if (!underflowed() && isEmpty(x, phys(x, 7))) [s, co] = fsincos(v, x.cw);
  if (trig.ok && writable(x, BLOCK_REG)) {
    put(x, x.top, s);
    push(x, co);
  }
  commit(x);
  x.sw = trig.ok ? x.sw & ~C2 : x.sw | C2;
};

const fptanOp: Factory = () => (c) => {
  const x = c.x87;
  resetFx();
  const v = read(x, 0);
  trig.ok = true;
  let t = INDEFINITE, one = INDEFINITE;
  if (!underflowed() && isEmpty(x, phys(x, 7))) {
    t = fptan(v, x.cw);
    one = classify(t) >= Cls.QNaN ? t : ONE; // a NaN result (NaN operand, or IE for infinity) is pushed too
  }
  if (trig.ok && writable(x, BLOCK_REG)) {
    put(x, x.top, t);
    push(x, one);
  }
  commit(x);
  x.sw = trig.ok ? x.sw & ~C2 : x.sw | C2;
};

// ------------------------------------------------------------------ compares

/** FCOM/FUCOM family against ST(i) or memory; pops 0, 1 or 2 times. */
function fcomOp(src: 'sti' | MemLoader | 'zero', unordered: boolean, pops: number): Factory {
  return () => (c, i) => {
    let b: Ext | null = null;
    resetFx();
    if (typeof src === 'function') b = src(c, ea(c, i));
    const x = c.x87;
    const a = read(x, 0);
    if (src === 'sti') b = read(x, i.nops > 0 ? i.r1 : 1);
    else if (src === 'zero') b = POS_ZERO;
    const r = underflowed() ? CMP_UN : compare(a, b as Ext, !unordered);
    const ok = writable(x, BLOCK_REG);
    commit(x);
    if (!ok) return;
    setCC(x, CMP_CC[r]);
    for (let k = 0; k < pops; k++) pop(x);
  };
}

/** FCOMI/FUCOMI(P): ZF, PF, CF = 111 unordered, 000 greater, 001 less, 100 equal; OF, SF, AF cleared. */
function fcomiOp(unordered: boolean, popAfter: boolean): Factory {
  return () => (c, i) => {
    const x = c.x87;
    resetFx();
    const a = read(x, 0);
    const b = read(x, i.r1);
    const r = underflowed() ? CMP_UN : compare(a, b, !unordered);
    const ok = writable(x, BLOCK_REG);
    commitKeepC1(x);
    if (!ok) return;
    setArith(c, r === CMP_UN ? ZF | PF | CF : r === CMP_LT ? CF : r === CMP_EQ ? ZF : 0);
    if (popAfter) pop(x);
  };
}

/** FXAM: C3 C2 C0 = class (unsupported 000, NaN 001, normal 010, infinity 011, zero 100, empty 101, denormal 110), C1 = sign. */
const fxam: Factory = () => (c) => {
  const x = c.x87;
  const p = x.top;
  if (isEmpty(x, p)) { setCC(x, C3 | C0); return; }
  const k = classifyWords(x.signExp[p], x.mantHi[p], x.mantLo[p]);
  const cls = [C3, C2, C3 | C2, C2 | C0, C0, C0, 0][k];
  setCC(x, cls | (x.signExp[p] & 0x8000 ? C1 : 0));
};

const FCMOV_CC: Record<string, number> = {
  Fcmovb: CC_B, Fcmove: CC_E, Fcmovbe: CC_BE, Fcmovu: CC_P,
  Fcmovnb: CC_AE, Fcmovne: CC_NE, Fcmovnbe: CC_A, Fcmovnu: CC_NP,
};

function fcmov(cc: number): Factory {
  return () => (c, i) => {
    const x = c.x87;
    resetFx();
    read(x, 0);
    const b = read(x, i.r1);
    if (writable(x, BLOCK_REG)) {
      if (underflowed()) put(x, x.top, INDEFINITE);
      else if (cond(c, cc)) put(x, x.top, b);
    }
    commitKeepC1(x);
  };
}

// ------------------------------------------------------------------ stack and misc

const fxch: Factory = () => (c, i) => {
  const x = c.x87;
  resetFx();
  const a = read(x, 0);
  const b = read(x, i.r1);
  if (writable(x, BLOCK_REG)) {
    put(x, phys(x, i.r1), a);
    put(x, x.top, b);
  }
  commit(x);
};

const ffree: Factory = () => (c, i) => { const x = c.x87; x.tagValid &= ~(1 << phys(x, i.r0)); };
const ffreep: Factory = () => (c, i) => { const x = c.x87; x.tagValid &= ~(1 << phys(x, i.r0)); pop(x); };
const fincstp: Factory = () => (c) => { const x = c.x87; x.top = (x.top + 1) & 7; x.sw &= ~C1; };
const fdecstp: Factory = () => (c) => { const x = c.x87; x.top = (x.top - 1) & 7; x.sw &= ~C1; };
const nop: Factory = () => () => {};

// ------------------------------------------------------------------ control

const fnstcw: Factory = () => (c, i) => c.mem.write16(ea(c, i), c.x87.cw);
const fldcw: Factory = () => (c, i) => {
  const v = c.mem.read16(ea(c, i));
  const x = c.x87;
  x.cw = (v & 0x1f3f) | 0x40; // bit 6 reads as 1, bits 7 and 13-15 as 0 (native)
  updateSummary(x);
};
const fnstswM: Factory = () => (c, i) => c.mem.write16(ea(c, i), c.x87.statusWord());
const fnstswAx: Factory = () => (c) => { c.regs[0] = (c.regs[0] & ~0xffff) | c.x87.statusWord(); };
const fnclex: Factory = () => (c) => { c.x87.sw &= ~(0xff | BUSY); };
const fninit: Factory = () => (c) => finit(c.x87);

function envOp(f: (c: Cpu, a: number, is32: boolean) => void, is32: boolean): Factory {
  return () => (c, i) => f(c, ea(c, i), is32);
}

// ------------------------------------------------------------------ registration

beginFamily('x87');

// Loads.
defNc('Fld_m32fp', fldConv(loadM32fp));
defNc('Fld_m64fp', fldM64);
defNc('Fld_m80fp', fldM80);
defNc('Fld_sti', fldSti);
defNc('Fild_m16int', fildM16);
defNc('Fild_m32int', fildM32);
defNc('Fild_m64int', fildM64);
defNc('Fbld_m80bcd', fbld);
defNc('Fld1', () => (c) => pushCommit(c.x87, ONE));
defNc('Fldz', () => (c) => pushCommit(c.x87, POS_ZERO));
defNc('Fldpi', constant(0x4000, 0xc90fdaa2, 0x2168c234, true));
defNc('Fldl2e', constant(0x3fff, 0xb8aa3b29, 0x5c17f0bb, true));
defNc('Fldl2t', constant(0x4000, 0xd49a784b, 0xcd1b8afe, false));
defNc('Fldlg2', constant(0x3ffd, 0x9a209a84, 0xfbcff798, true));
defNc('Fldln2', constant(0x3ffe, 0xb17217f7, 0xd1cf79ab, true));

// Stores.
defNc('Fst_m32fp', fstMem(32, false));
defNc('Fstp_m32fp', fstMem(32, true));
defNc('Fst_m64fp', fstM64(false));
defNc('Fstp_m64fp', fstM64(true));
defNc('Fstp_m80fp', fstMem(80, true));
defNc(['Fst_sti'], fstSti(false));
defNc(['Fstp_sti', 'Fstp_sti_DFD0', 'Fstp_sti_DFD8'], fstSti(true));
defNc('Fstpnce_sti', fstpnce);
defNc('Fist_m16int', fist(2, false, false));
defNc('Fist_m32int', fist(4, false, false));
defNc('Fistp_m16int', fist(2, true, false));
defNc('Fistp_m32int', fist(4, true, false));
defNc('Fistp_m64int', fist(8, true, false));
defNc('Fisttp_m16int', fist(2, true, true));
defNc('Fisttp_m32int', fist(4, true, true));
defNc('Fisttp_m64int', fist(8, true, true));
defNc('Fbstp_m80bcd', fbstp);

// Arithmetic: every operand form of add/sub/subr/mul/div/divr and the integer forms.
for (const name of ['Fadd', 'Fsub', 'Fsubr', 'Fmul', 'Fdiv', 'Fdivr']) {
  const op = OPS[name];
  const iname = 'Fi' + name.slice(1);
  for (const m of ['m32fp', 'm64fp']) defNc(`${name}_${m}`, arithMem(op, memLoader(m)));
  for (const m of ['m16int', 'm32int']) defNc(`${iname}_${m}`, arithMem(op, memLoader(m)));
  defNc(`${name}_st0_sti`, arithReg(op, false, false));
  defNc(`${name}_sti_st0`, arithReg(op, true, false));
  defNc(`${name}p_sti_st0`, arithReg(op, true, true));
}
defNc('Fsqrt', unary(sqrt));
defNc('Frndint', unary(roundInt));
defNc('Fchs', unary(chs));
defNc('Fabs', unary(abs));
defNc('Fscale', fscale);
defNc('Fxtract', fxtract);
defNc('Fprem', fpremOp(false));
defNc('Fprem1', fpremOp(true));

// Transcendentals.
defNc('Fsin', trigOp(fsin));
defNc('Fcos', trigOp(fcos));
defNc('Fsincos', fsincosOp);
defNc('Fptan', fptanOp);
defNc('Fpatan', binaryPop(fpatan));
defNc('Fyl2x', binaryPop(fyl2x));
defNc('Fyl2xp1', binaryPop(fyl2xp1));
defNc('F2xm1', unary(f2xm1));

// Compares.
defNc(['Fcom_m32fp'], fcomOp(loadM32fp, false, 0));
defNc(['Fcom_m64fp'], fcomOp(loadM64fp, false, 0));
defNc(['Fcomp_m32fp'], fcomOp(loadM32fp, false, 1));
defNc(['Fcomp_m64fp'], fcomOp(loadM64fp, false, 1));
defNc(['Fcom_st0_sti', 'Fcom_st0_sti_DCD0'], fcomOp('sti', false, 0));
defNc(['Fcomp_st0_sti', 'Fcomp_st0_sti_DCD8', 'Fcomp_st0_sti_DED0'], fcomOp('sti', false, 1));
defNc('Fcompp', fcomOp('sti', false, 2));
defNc('Fucom_st0_sti', fcomOp('sti', true, 0));
defNc('Fucomp_st0_sti', fcomOp('sti', true, 1));
defNc('Fucompp', fcomOp('sti', true, 2));
defNc('Ficom_m16int', fcomOp(loadM16int, false, 0));
defNc('Ficom_m32int', fcomOp(loadM32int, false, 0));
defNc('Ficomp_m16int', fcomOp(loadM16int, false, 1));
defNc('Ficomp_m32int', fcomOp(loadM32int, false, 1));
defNc('Ftst', fcomOp('zero', false, 0));
defNc('Fxam', fxam);
defNc('Fcomi_st0_sti', fcomiOp(false, false));
defNc('Fcomip_st0_sti', fcomiOp(false, true));
defNc('Fucomi_st0_sti', fcomiOp(true, false));
defNc('Fucomip_st0_sti', fcomiOp(true, true));
for (const [name, cc] of Object.entries(FCMOV_CC)) defNc(`${name}_st0_sti`, fcmov(cc));

// Stack and misc.
defNc(['Fxch_st0_sti', 'Fxch_st0_sti_DDC8', 'Fxch_st0_sti_DFC8'], fxch);
def('Ffree_sti', waiting(ffree));
defNc('Ffreep_sti', ffreep);
def('Fincstp', waiting(fincstp));
def('Fdecstp', waiting(fdecstp));
def('Fnop', waiting(nop));
// 8087/80287 leftovers that the 387 and later execute as FNOP (the no-wait forms do not check).
def(['Fneni', 'Fndisi', 'Fnsetpm'], nop);
def(['Feni', 'Fdisi', 'Fsetpm'], waiting(nop));
// FWAIT delivers a pending unmasked exception (#MF).
def('Wait', waiting(nop));

// Control. The no-wait forms (FN...) never deliver a pending exception; the Fstcw/Fclex/... forms
// are what iced decodes when asked to fuse 9B (FWAIT) with the next instruction, so they check first.
def('Fnstcw_m2byte', fnstcw);
def('Fstcw_m2byte', waiting(fnstcw));
def('Fldcw_m2byte', waiting(fldcw));
def('Fnstsw_m2byte', fnstswM);
def('Fstsw_m2byte', waiting(fnstswM));
def('Fnstsw_AX', fnstswAx);
def('Fstsw_AX', waiting(fnstswAx));
def('Fnclex', fnclex);
def('Fclex', waiting(fnclex));
def('Fninit', fninit);
def('Finit', waiting(fninit));
def('Fnstenv_m28byte', envOp(fnstenv, true));
def('Fstenv_m28byte', waiting(envOp(fnstenv, true)));
def('Fnstenv_m14byte', envOp(fnstenv, false));
def('Fstenv_m14byte', waiting(envOp(fnstenv, false)));
def('Fldenv_m28byte', waiting(envOp(fldenv, true)));
def('Fldenv_m14byte', waiting(envOp(fldenv, false)));
def('Fnsave_m108byte', envOp(fnsave, true));
def('Fsave_m108byte', waiting(envOp(fnsave, true)));
def('Fnsave_m94byte', envOp(fnsave, false));
def('Fsave_m94byte', waiting(envOp(fnsave, false)));
def('Frstor_m108byte', waiting(envOp(frstor, true)));
def('Frstor_m94byte', waiting(envOp(frstor, false)));
def('Fxsave_m512byte', envOp(fxsave, false));
def('Fxsave64_m512byte', envOp(fxsave, true));
def('Fxrstor_m512byte', envOp(fxrstor, false));
def('Fxrstor64_m512byte', envOp(fxrstor, true));

