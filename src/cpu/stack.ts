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
import { ea, regAddress, readOperand, writeOperand, getGpr, setGpr } from './operands.js';
import { def, defMatching, beginFamily, type Factory } from './dispatch.js';

const TWO32 = 4294967296;

/** rsp as a window address. */
export function sp(c: Cpu): number {
  if (c.regs[2 * RSP + 1] !== 0) return regAddress(c, RSP);
  return c.regs[2 * RSP] >>> 0;
}

function setSp(c: Cpu, v: number): void {
  c.regs[2 * RSP] = v | 0;
  c.regs[2 * RSP + 1] = v >= TWO32 ? 1 : v < 0 ? -1 : 0;
}

export function push64(c: Cpu, lo: number, hi: number): void {
  const s = sp(c) - 8;
  c.mem.write64(s, lo, hi);
  setSp(c, s);
}

/** Pops 8 bytes: returns lo, hi in c.hi. */
export function pop64(c: Cpu): number {
  const s = sp(c);
  const lo = c.mem.read64(s);
  c.hi = c.mem.hi;
  setSp(c, s + 8);
  return lo;
}

function push16(c: Cpu, v: number): void {
  const s = sp(c) - 2;
  c.mem.write16(s, v);
  setSp(c, s);
}

function pop16(c: Cpu): number {
  const s = sp(c);
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
      const s = sp(c);
      const v = c.mem.read16(s);
      setSp(c, s + 2);
      if (i.k0 === OP_GPR) setGpr(c, i.r0, 2, v);
      else {
        try { writeOperand(c, i.k0, i.r0, 2, ea(c, i), v); } catch (e) { setSp(c, s); throw e; }
      }
    };
  }
  return (c, i) => {
    const s = sp(c);
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
const popSeg: Factory = () => (c) => { pop64(c); };

// ------------------------------------------------------------------ pushf / popf

/** RF and VM are cleared in the pushed image (SDM PUSHF). */
const pushfq: Factory = () => (c) => push64(c, getRflags(c) & ~0x30000, 0);
const pushfw: Factory = () => (c) => push16(c, getRflags(c) & 0xffff);
const popfq: Factory = () => (c) => {
  const v = pop64(c);
  setRflags(c, v);
};
const popfw: Factory = () => (c) => {
  const v = pop16(c);
  setRflags(c, (getRflags(c) & ~0xffff) | v);
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


beginFamily('stack');
def(['Push_r16', 'Push_rm16', 'Push_imm16', 'Pushw_imm8'], pushW);
def(['Push_r64', 'Push_rm64', 'Pushq_imm32', 'Pushq_imm8'], pushQ);
def(['Pop_r16', 'Pop_r64', 'Pop_rm16', 'Pop_rm64'], pop);
def(['Pushq_FS', 'Pushq_GS'], pushSeg);
def(['Popq_FS', 'Popq_GS'], popSeg);
def('Pushfq', pushfq);
def('Pushfw', pushfw);
def('Popfq', popfq);
def('Popfw', popfw);
def('Leavew', leaveW);
def('Leaveq', leaveQ);
def('Enterq_imm16_imm8', enter);
void defMatching;
