/**
 * Stack instructions: push, pop (registers, memory, immediates, FS/GS), pushf/popf, enter, leave.
 * The stack pointer is a guest address, so it lives in the window (high half zero); the
 * helpers fault like the CPU would if it does not. Memory is written before rsp changes, so a
 * faulting push leaves rsp intact.
 */
import type { Cpu } from './state.js';
import { RSP, RBP } from './state.js';
import { OP_GPR, OP_IMM } from './insn.js';
import { getRflags, setRflags } from './flags.js';
import { ea, regAddress, checkAddress, readOperand, writeOperand, getGpr, setGpr } from './operands.js';
import { def, defMatching, beginFamily, type Factory } from './dispatch.js';

const TWO32 = 4294967296;

/** rsp as a window address. */
export function sp(c: Cpu): number {
  if (c.regs[2 * RSP + 1] !== 0) return regAddress(c, RSP);
  return c.regs[2 * RSP] >>> 0;
}

/**
 * rsp + delta: the address a push (delta < 0) or pop accesses, as a window address. Outside the
 * window it faults at that address (a push as a write), or with #SS when non-canonical.
 */
function spAt(c: Cpu, delta: number, size: number, write: boolean): number {
  const hi = c.regs[2 * RSP + 1];
  const a = (c.regs[2 * RSP] >>> 0) + delta;
  if (hi === 0 && a >= 0 && a + size <= TWO32) return a;
  const exact = BigInt.asUintN(64, ((BigInt(hi) << 32n) | BigInt(c.regs[2 * RSP] >>> 0)) + BigInt(delta));
  return checkAddress(exact, write, true);
}

function setSp(c: Cpu, v: number): void {
  c.regs[2 * RSP] = v | 0;
  c.regs[2 * RSP + 1] = v >= TWO32 ? 1 : v < 0 ? -1 : 0;
}

export function push64(c: Cpu, lo: number, hi: number): void {
  const s = spAt(c, -8, 8, true);
  c.mem.write64(s, lo, hi);
  setSp(c, s);
}

/** Pops 8 bytes: returns lo, hi in c.hi. */
export function pop64(c: Cpu): number {
  const s = spAt(c, 0, 8, false);
  const lo = c.mem.read64(s);
  c.hi = c.mem.hi;
  setSp(c, s + 8);
  return lo;
}

/** Reads the 8 bytes at rsp without popping them (ret checks the target before committing rsp). */
export function peek64(c: Cpu): number {
  const s = spAt(c, 0, 8, false);
  const lo = c.mem.read64(s);
  c.hi = c.mem.hi;
  return lo;
}

/** rsp += n (after a peek64). */
export function dropStack(c: Cpu, n: number): void {
  const lo = (c.regs[2 * RSP] >>> 0) + n;
  c.regs[2 * RSP] = lo | 0;
  if (lo >= TWO32) c.regs[2 * RSP + 1] = (c.regs[2 * RSP + 1] + 1) | 0;
}

function push16(c: Cpu, v: number): void {
  const s = spAt(c, -2, 2, true);
  c.mem.write16(s, v);
  setSp(c, s);
}

function pop16(c: Cpu): number {
  const s = spAt(c, 0, 2, false);
  const v = c.mem.read16(s);
  setSp(c, s + 2);
  return v;
}

const pushW: Factory = () => (c, i) => {
  const a = i.msize !== 0 ? ea(c, i) : 0;
  push16(c, readOperand(c, i, i.k0, i.r0, 2, a));
};

const pushQ: Factory = () => (c, i) => {
  if (i.k0 === OP_GPR) { push64(c, c.regs[2 * i.r0], c.regs[2 * i.r0 + 1]); return; }
  if (i.k0 === OP_IMM) { push64(c, i.imm, i.immHi); return; }
  const lo = c.mem.read64(ea(c, i));
  push64(c, lo, c.mem.hi);
};

const pop: Factory = (d) => {
  if (d.s0 === 2) {
    return (c, i) => {
      const s = spAt(c, 0, 2, false);
      const v = c.mem.read16(s);
      setSp(c, s + 2);
      if (i.k0 === OP_GPR) setGpr(c, i.r0, 2, v);
      else {
        try { writeOperand(c, i.k0, i.r0, 2, ea(c, i), v); } catch (e) { setSp(c, s); throw e; }
      }
    };
  }
  return (c, i) => {
    const s = spAt(c, 0, 8, false);
    const lo = c.mem.read64(s), hi = c.mem.hi;
    if (i.k0 === OP_GPR) {
      setSp(c, s + 8);
      c.regs[2 * i.r0] = lo; c.regs[2 * i.r0 + 1] = hi; // pop rsp: the loaded value wins
      return;
    }
    // pop m64: the address is computed after rsp is incremented (SDM POP).
    setSp(c, s + 8);
    try {
      c.mem.write64(ea(c, i), lo, hi);
    } catch (e) {
      setSp(c, s);
      throw e;
    }
  };
};

/** push fs / push gs push the (null) selector; pop fs/gs accepts only the null selector. */
const pushSeg: Factory = () => (c) => push64(c, 0, 0);
const pushSegW: Factory = () => (c) => push16(c, 0);
const popSeg: Factory = () => (c) => { pop64(c); };

// ------------------------------------------------------------------ pushf / popf

/** RF and VM are cleared in the pushed image (SDM PUSHF). */
const pushfq: Factory = () => (c) => push64(c, getRflags(c) & ~0x30000, 0);
const pushfw: Factory = () => (c) => push16(c, getRflags(c) & 0xffff);
/** popf at CPL 3 also changes NT (bit 14); IOPL, IF, VM, RF, VIF and VIP stay (SDM POPF, Operation: the CPL > 0 case). */
const NT = 0x4000;
function popFlags(c: Cpu, v: number): void {
  const nt = v & NT;
  setRflags(c, v);
  c.rflags = (c.rflags & ~NT) | nt;
}
const popfq: Factory = () => (c) => {
  const v = pop64(c);
  popFlags(c, v);
};
const popfw: Factory = () => (c) => {
  const v = pop16(c);
  popFlags(c, (getRflags(c) & ~0xffff) | v);
};

// ------------------------------------------------------------------ enter / leave

const leaveW: Factory = () => (c) => {
  setGpr(c, RSP, 2, getGpr(c, RBP, 2));
  setGpr(c, RBP, 2, pop16(c));
};

const leaveQ: Factory = () => (c) => {
  const regs = c.regs;
  const s = regAddress(c, RBP);
  const lo = c.mem.read64(s);
  const hi = c.mem.hi;
  setSp(c, s + 8);
  regs[2 * RBP] = lo;
  regs[2 * RBP + 1] = hi;
};

/** enter imm16, imm8 (64-bit operand size): nesting levels copy frame pointers (SDM ENTER). */
const enter: Factory = () => (c, i) => {
  const size = i.imm & 0xffff;
  const level = i.imm2 & 31;
  const regs = c.regs;
  const rbpLo = regs[2 * RBP], rbpHi = regs[2 * RBP + 1];
  let s = sp(c) - 8;
  c.mem.write64(s, rbpLo, rbpHi);
  const frameTemp = s;
  if (level > 0) {
    let bp = (rbpHi >>> 0) * TWO32 + (rbpLo >>> 0);
    for (let k = 1; k < level; k++) {
      bp -= 8;
      const lo = c.mem.read64(bp);
      s -= 8;
      c.mem.write64(s, lo, c.mem.hi);
    }
    s -= 8;
    c.mem.write64(s, frameTemp, 0);
  }
  s -= size;
  c.mem.checkWrite(s, 1); // the CPU probes the new stack top
  regs[2 * RBP] = frameTemp | 0;
  regs[2 * RBP + 1] = 0;
  setSp(c, s);
};

/** enter imm16, imm8 with a 16-bit operand size (66 C8): 2-byte pushes on the 64-bit stack, BP = frame. */
const enterW: Factory = () => (c, i) => {
  const size = i.imm & 0xffff;
  const level = i.imm2 & 31;
  const regs = c.regs;
  let s = spAt(c, -2, 2, true);
  c.mem.write16(s, regs[2 * RBP] & 0xffff);
  const frameTemp = s;
  if (level > 0) {
    let bp = (regs[2 * RBP + 1] >>> 0) * TWO32 + (regs[2 * RBP] >>> 0);
    for (let k = 1; k < level; k++) {
      bp -= 2;
      const v = c.mem.read16(bp);
      s -= 2;
      c.mem.write16(s, v);
    }
    s -= 2;
    c.mem.write16(s, frameTemp & 0xffff);
  }
  s -= size;
  c.mem.checkWrite(s, 1);
  setGpr(c, RBP, 2, frameTemp);
  setSp(c, s);
};

beginFamily('stack');
def(['Push_r16', 'Push_rm16', 'Push_imm16', 'Pushw_imm8'], pushW);
def(['Push_r64', 'Push_rm64', 'Pushq_imm32', 'Pushq_imm8'], pushQ);
def(['Pop_r16', 'Pop_r64', 'Pop_rm16', 'Pop_rm64'], pop);
def(['Pushq_FS', 'Pushq_GS'], pushSeg);
def(['Pushw_FS', 'Pushw_GS'], pushSegW);
def(['Popq_FS', 'Popq_GS'], popSeg);
def('Pushfq', pushfq);
def('Pushfw', pushfw);
def('Popfq', popfq);
def('Popfw', popfw);
def('Leavew', leaveW);
def('Leaveq', leaveQ);
def('Enterq_imm16_imm8', enter);
def('Enterw_imm16_imm8', enterW);
void defMatching;
