/**
 * Data movement: mov (all forms), movzx/movsx/movsxd, lea, xchg, xadd, cmpxchg, cmpxchg8b/16b,
 * cmovcc, setcc, cbw/cwde/cdqe, cwd/cdq/cqo, bswap, and the no-operation family (nop forms,
 * endbr64, rdssp, pause, fences, prefetch, clflush).
 */
import type { Cpu } from './state.js';
import { RAX, RDX, RBX, RCX } from './state.js';
import type { Insn, Handler } from './insn.js';
import { OP_GPR, OP_SEG } from './insn.js';
import { cond, ZF, materialize } from './flags.js';
import { ea, eaPlus, getGpr, setGpr, readOperand, writeOperand, readOperand64, writeOperand64, probeWrite } from './operands.js';
import { generalProtection } from './exceptions.js';
import { def, defMatching, beginFamily, type Factory } from './dispatch.js';
import { add, add64, sub, sub64, SZ } from './alu.js';

const TWO32 = 4294967296;

// ------------------------------------------------------------------ mov

const movFactory: Factory = (d) => {
  if (d.k0 === OP_SEG || d.k1 === OP_SEG) return movSeg(d);
  if (d.s0 === 8) {
    return (c, i) => {
      const a = i.msize !== 0 ? ea(c, i) : 0;
      const lo = readOperand64(c, i, i.k1, i.r1, a);
      writeOperand64(c, i.k0, i.r0, a, lo, c.hi);
    };
  }
  if (d.k0 === OP_GPR && d.k1 === OP_GPR && d.s0 === 4) {
    return (c, i) => {
      const regs = c.regs;
      regs[2 * i.r0] = regs[2 * i.r1];
      regs[2 * i.r0 + 1] = 0;
    };
  }
  return (c, i) => {
    const a = i.msize !== 0 ? ea(c, i) : 0;
    writeOperand(c, i.k0, i.r0, i.s0, a, readOperand(c, i, i.k1, i.r1, i.s0, a));
  };
};

/** Segment register moves: selectors are the fixed values Linux user mode sees (cs=0x33, ss=0x2b, others 0). */
function movSeg(d: Insn): Handler {
  const SELECTORS = [0, 0x33, 0x2b, 0, 0, 0];
  if (d.k1 === OP_SEG) {
    return (c, i) => {
      const a = i.msize !== 0 ? ea(c, i) : 0;
      const v = SELECTORS[i.r1];
      if (i.k0 === OP_GPR && i.s0 >= 4) { c.regs[2 * i.r0] = v; c.regs[2 * i.r0 + 1] = 0; } else writeOperand(c, i.k0, i.r0, 2, a, v);
    };
  }
  // Loading a segment register: only the null selector is accepted in this model.
  return (c, i) => {
    const a = i.msize !== 0 ? ea(c, i) : 0;
    const v = readOperand(c, i, i.k1, i.r1, 2, a);
    if ((v & 0xfffc) !== 0 && v !== SELECTORS[i.r0]) throw new Error('loading a segment selector is not supported');
  };
}

// ------------------------------------------------------------------ movzx / movsx / movsxd

const movzx: Factory = () => (c, i) => {
  const a = i.msize !== 0 ? ea(c, i) : 0;
  const v = readOperand(c, i, i.k1, i.r1, i.s1, a);
  if (i.s0 === 2) setGpr(c, i.r0, 2, v);
  else { c.regs[2 * i.r0] = v; c.regs[2 * i.r0 + 1] = 0; }
};

const movsx: Factory = () => (c, i) => {
  const a = i.msize !== 0 ? ea(c, i) : 0;
  let v = readOperand(c, i, i.k1, i.r1, i.s1, a);
  v = i.s1 === 1 ? (v << 24) >> 24 : i.s1 === 2 ? (v << 16) >> 16 : v | 0;
  if (i.s0 === 8) { c.regs[2 * i.r0] = v; c.regs[2 * i.r0 + 1] = v >> 31; }
  else setGpr(c, i.r0, i.s0, v);
};

// ------------------------------------------------------------------ lea

/** Exact 64-bit address arithmetic without the window check (lea computes numbers, not accesses). */
export function leaValue(c: Cpu, i: Insn): number {
  const regs = c.regs;
  let lo = i.disp >>> 0;
  let hi = i.disp < 0 ? -1 : Math.floor(i.disp / TWO32);
  if (i.base >= 0) { lo += regs[2 * i.base] >>> 0; hi += regs[2 * i.base + 1]; }
  if (i.index >= 0) { lo += (regs[2 * i.index] >>> 0) * i.scale; hi += regs[2 * i.index + 1] * i.scale; }
  c.hi = i.a32 ? 0 : (hi + Math.floor(lo / TWO32)) | 0;
  return lo | 0;
}

const lea: Factory = (d) => {
  if (d.s0 === 8) return (c, i) => { const lo = leaValue(c, i); c.regs[2 * i.r0] = lo; c.regs[2 * i.r0 + 1] = c.hi; };
  if (d.s0 === 4) return (c, i) => { c.regs[2 * i.r0] = leaValue(c, i); c.regs[2 * i.r0 + 1] = 0; };
  return (c, i) => setGpr(c, i.r0, 2, leaValue(c, i));
};

// ------------------------------------------------------------------ xchg / xadd / cmpxchg

const xchg: Factory = (d) => {
  if (d.s0 === 8) {
    return (c, i) => {
      const a = i.msize !== 0 ? ea(c, i) : 0;
      if (i.msize !== 0) probeWrite(c, a, 8);
      const xl = readOperand64(c, i, i.k0, i.r0, a), xh = c.hi;
      const yl = readOperand64(c, i, i.k1, i.r1, a), yh = c.hi;
      // Memory (if any) is operand 0 or 1; write it first so a fault leaves registers untouched.
      if (i.k0 === OP_GPR) { writeOperand64(c, i.k1, i.r1, a, xl, xh); writeOperand64(c, i.k0, i.r0, a, yl, yh); }
      else { writeOperand64(c, i.k0, i.r0, a, yl, yh); writeOperand64(c, i.k1, i.r1, a, xl, xh); }
    };
  }
  return (c, i) => {
    const a = i.msize !== 0 ? ea(c, i) : 0;
    if (i.msize !== 0) probeWrite(c, a, i.s0);
    const x = readOperand(c, i, i.k0, i.r0, i.s0, a);
    const y = readOperand(c, i, i.k1, i.r1, i.s0, a);
    if (i.k0 === OP_GPR) { writeOperand(c, i.k1, i.r1, i.s0, a, x); writeOperand(c, i.k0, i.r0, i.s0, a, y); }
    else { writeOperand(c, i.k0, i.r0, i.s0, a, y); writeOperand(c, i.k1, i.r1, i.s0, a, x); }
  };
};

const xadd: Factory = (d) => {
  if (d.s0 === 8) {
    return (c, i) => {
      const a = i.msize !== 0 ? ea(c, i) : 0;
      if (i.msize !== 0) probeWrite(c, a, 8);
      const xl = readOperand64(c, i, i.k0, i.r0, a), xh = c.hi;
      const yl = readOperand64(c, i, i.k1, i.r1, a), yh = c.hi;
      const rl = add64(c, xl, xh, yl, yh), rh = c.hi;
      writeOperand64(c, i.k0, i.r0, a, rl, rh);
      c.regs[2 * i.r1] = xl; c.regs[2 * i.r1 + 1] = xh;
      if (i.k0 === OP_GPR && i.r0 === i.r1) { c.regs[2 * i.r0] = rl; c.regs[2 * i.r0 + 1] = rh; }
    };
  }
  const sz = SZ[d.s0];
  return (c, i) => {
    const a = i.msize !== 0 ? ea(c, i) : 0;
    if (i.msize !== 0) probeWrite(c, a, i.s0);
    const x = readOperand(c, i, i.k0, i.r0, i.s0, a);
    const y = readOperand(c, i, i.k1, i.r1, i.s0, a);
    const r = add(c, x, y, sz);
    writeOperand(c, i.k0, i.r0, i.s0, a, r);
    setGpr(c, i.r1, i.s0, x);
    if (i.k0 === OP_GPR && i.r0 === i.r1) setGpr(c, i.r0, i.s0, r);
  };
};

const cmpxchg: Factory = (d) => {
  if (d.s0 === 8) {
    return (c, i) => {
      const a = i.msize !== 0 ? ea(c, i) : 0;
      if (i.msize !== 0) probeWrite(c, a, 8);
      const dl = readOperand64(c, i, i.k0, i.r0, a), dh = c.hi;
      const al = c.regs[0], ah = c.regs[1];
      sub64(c, al, ah, dl, dh);
      if (al === dl && ah === dh) {
        writeOperand64(c, i.k0, i.r0, a, c.regs[2 * i.r1], c.regs[2 * i.r1 + 1]);
      } else {
        writeOperand64(c, i.k0, i.r0, a, dl, dh);
        c.regs[0] = dl; c.regs[1] = dh;
      }
    };
  }
  const sz = SZ[d.s0];
  return (c, i) => {
    const a = i.msize !== 0 ? ea(c, i) : 0;
    if (i.msize !== 0) probeWrite(c, a, i.s0);
    const dv = readOperand(c, i, i.k0, i.r0, i.s0, a);
    const acc = getGpr(c, RAX, i.s0);
    sub(c, acc, dv, sz);
    if (acc === dv) {
      writeOperand(c, i.k0, i.r0, i.s0, a, getGpr(c, i.r1, i.s0));
    } else {
      // A memory destination is written back unchanged (a locked cycle); a register destination is
      // left alone: AMD does not zero-extend a 32-bit one here (APM CMPXCHG; Intel's write-back would).
      if (i.k0 !== OP_GPR) writeOperand(c, i.k0, i.r0, i.s0, a, dv);
      setGpr(c, RAX, i.s0, dv);
    }
  };
};

/** cmpxchg8b m64: compare edx:eax with m64; equal -> m64 = ecx:ebx, ZF=1; else edx:eax = m64, ZF=0. */
const cmpxchg8b: Factory = () => (c, i) => {
  const a = ea(c, i);
  probeWrite(c, a, 8);
  const lo = c.mem.read32(a), hi = c.mem.read32(a + 4);
  const regs = c.regs;
  materialize(c);
  if (lo === regs[2 * RAX] && hi === regs[2 * RDX]) {
    c.mem.write64(a, regs[2 * RBX], regs[2 * RCX]);
    c.rflags |= ZF;
  } else {
    c.mem.write64(a, lo, hi); // the CPU always writes the destination (SDM CMPXCHG8B)
    regs[2 * RAX] = lo; regs[2 * RAX + 1] = 0;
    regs[2 * RDX] = hi; regs[2 * RDX + 1] = 0;
    c.rflags &= ~ZF;
  }
};

/** cmpxchg16b m128 (requires 16-byte alignment, else #GP). */
const cmpxchg16b: Factory = () => (c, i) => {
  const a = ea(c, i);
  if (a & 15) generalProtection('cmpxchg16b operand not 16-byte aligned');
  probeWrite(c, a, 16);
  const m = c.mem;
  const l0 = m.read32(a), l1 = m.read32(a + 4), h0 = m.read32(a + 8), h1 = m.read32(a + 12);
  const regs = c.regs;
  materialize(c);
  if (l0 === regs[0] && l1 === regs[1] && h0 === regs[4] && h1 === regs[5]) {
    m.write64(a, regs[2 * RBX], regs[2 * RBX + 1]);
    m.write64(a + 8, regs[2 * RCX], regs[2 * RCX + 1]);
    c.rflags |= ZF;
  } else {
    m.write64(a, l0, l1);
    m.write64(a + 8, h0, h1);
    regs[0] = l0; regs[1] = l1; regs[4] = h0; regs[5] = h1;
    c.rflags &= ~ZF;
  }
};

// ------------------------------------------------------------------ cmovcc / setcc

const cmov: Factory = (d) => {
  if (d.s0 === 8) {
    return (c, i) => {
      const a = i.msize !== 0 ? ea(c, i) : 0;
      const lo = readOperand64(c, i, i.k1, i.r1, a); // the source is read (and may fault) either way
      if (cond(c, i.cc)) { c.regs[2 * i.r0] = lo; c.regs[2 * i.r0 + 1] = c.hi; }
    };
  }
  return (c, i) => {
    const a = i.msize !== 0 ? ea(c, i) : 0;
    const v = readOperand(c, i, i.k1, i.r1, i.s0, a);
    if (cond(c, i.cc)) setGpr(c, i.r0, i.s0, v);
    else if (i.s0 === 4) c.regs[2 * i.r0 + 1] = 0; // 32-bit cmov zero-extends even when false
  };
};

const setcc: Factory = () => (c, i) => {
  const a = i.msize !== 0 ? ea(c, i) : 0;
  writeOperand(c, i.k0, i.r0, 1, a, cond(c, i.cc) ? 1 : 0);
};

// ------------------------------------------------------------------ sign extensions of the accumulator

const cbw: Factory = () => (c) => setGpr(c, RAX, 2, (c.regs[0] << 24) >> 24);
const cwde: Factory = () => (c) => { c.regs[0] = (c.regs[0] << 16) >> 16; c.regs[1] = 0; };
const cdqe: Factory = () => (c) => { c.regs[1] = c.regs[0] >> 31; };
const cwd: Factory = () => (c) => setGpr(c, RDX, 2, (c.regs[0] << 16) >> 31);
const cdq: Factory = () => (c) => { c.regs[2 * RDX] = c.regs[0] >> 31; c.regs[2 * RDX + 1] = 0; };
const cqo: Factory = () => (c) => { const s = c.regs[1] >> 31; c.regs[2 * RDX] = s; c.regs[2 * RDX + 1] = s; };

// ------------------------------------------------------------------ bswap

const bswap32 = (v: number) => ((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24);
const bswap: Factory = (d) => {
  if (d.s0 === 8) {
    return (c, i) => {
      const lo = c.regs[2 * i.r0], hi = c.regs[2 * i.r0 + 1];
      c.regs[2 * i.r0] = bswap32(hi);
      c.regs[2 * i.r0 + 1] = bswap32(lo);
    };
  }
  return (c, i) => { c.regs[2 * i.r0] = bswap32(c.regs[2 * i.r0]); c.regs[2 * i.r0 + 1] = 0; };
};

// ------------------------------------------------------------------ no-ops

const nop: Factory = () => () => {};
/** xchg eax,eax (87 c0) is not a nop in 64-bit mode: it zero-extends. 0x90 decodes as Nopd. */

beginFamily('mov');
defMatching(/^Mov_(r|rm|AL|AX|EAX|RAX|moffs)\d*_/, movFactory, { except: /^Mov_(r32_cr|cr_|r32_dr|dr_|r64_cr|r64_dr|r32_tr|tr_)/ });
defMatching(/^Mov_.*Sreg/, movFactory);
defMatching(/^Movzx_/, movzx);
defMatching(/^Movsx_|^Movsxd_/, movsx);
defMatching(/^Lea_/, lea);
defMatching(/^Xchg_/, xchg);
defMatching(/^Xadd_/, xadd);
defMatching(/^Cmpxchg_/, cmpxchg);
def('Cmpxchg8b_m64', cmpxchg8b);
def('Cmpxchg16b_m128', cmpxchg16b);
defMatching(/^Cmov[a-z]+_/, cmov);
defMatching(/^Set[a-z]+_rm8$/, setcc);
def('Cbw', cbw); def('Cwde', cwde); def('Cdqe', cdqe);
def('Cwd', cwd); def('Cdq', cdq); def('Cqo', cqo);
defMatching(/^Bswap_r(32|64)$/, bswap);
defMatching(/^Nop[wdq]$|^Nop_rm(16|32|64)$|^Endbr64$|^Endbr32$|^Pause$|^Lfence|^Mfence|^Sfence|^Prefetch|^Clflush|^Clflushopt|^Reservednop_/, nop);
/* rdsspd/rdsspq (F3 [REX.W] 0F 1E /1, in the 0F 1E hint-nop space): with CET shadow stacks off,
 * which they always are here, the instruction is a NOP and the destination keeps its value
 * (Intel SDM Vol. 2B, RDSSPD/RDSSPQ, Operation). libgcc's unwinder (_Unwind_RaiseException) zeroes
 * a register, runs rdsspq and skips the shadow-stack adjustment when it is still 0, so every C++
 * throw executes it. */
defMatching(/^Rdssp[dq]_r(32|64)$/, nop);

/** xlat: al = [rbx + zero-extended al] (with 0x67: [ebx + al], wrapping at 2^32; segment override allowed). */
const xlat: Factory = () => (c, i) => {
  let a = ea(c, i) + (c.regs[0] & 0xff);
  if (i.a32) a = a >>> 0;
  else if (a >= 4294967296) a = eaPlus(c, i, BigInt(c.regs[0] & 0xff));
  c.regs[0] = (c.regs[0] & ~0xff) | c.mem.read8(a);
};
def('Xlat_m8', xlat);
