/**
 * Control flow: jmp, jcc, call, ret (incl. ret imm16), loop/loope/loopne, jrcxz/jecxz.
 * Every one of these ends a block; the interpreter has already set c.rip to the next
 * instruction, so a not-taken branch does nothing.
 */
import { RCX } from './state.js';
import { OP_BRANCH, OP_GPR } from './insn.js';
import { cond, getZF } from './flags.js';
import { ea } from './operands.js';
import { push64, peek64, dropStack, sp } from './stack.js';
import { def, defMatching, beginFamily, type Factory } from './dispatch.js';
import { generalProtection } from './exceptions.js';

const TWO32 = 4294967296;

/**
 * Sets rip from a 64-bit target. A canonical target outside the window is kept as a number, so
 * the next fetch faults there (SIGSEGV with si_addr = target, like an unmapped page); a
 * non-canonical one raises #GP at the branch, as the CPU does.
 */
function setRip64(c: { rip: number }, lo: number, hi: number): void {
  if (hi === 0) { c.rip = lo >>> 0; return; }
  checkTarget(hi);
  c.rip = (hi >>> 0) * TWO32 + (lo >>> 0);
}

/** #GP for a non-canonical branch target, raised before the branch changes anything (rsp included). */
function checkTarget(hi: number): void {
  const top = hi >> 15;
  if (top !== 0 && top !== -1) generalProtection('branch to a non-canonical address');
}

const jmp: Factory = (d) => {
  if (d.k0 === OP_BRANCH) return (c, i) => { c.rip = i.target; };
  if (d.k0 === OP_GPR) return (c, i) => setRip64(c, c.regs[2 * i.r0], c.regs[2 * i.r0 + 1]);
  return (c, i) => {
    const lo = c.mem.read64(ea(c, i));
    setRip64(c, lo, c.mem.hi);
  };
};

const jcc: Factory = () => (c, i) => {
  if (cond(c, i.cc)) c.rip = i.target;
};

const call: Factory = (d) => {
  if (d.k0 === OP_BRANCH) {
    return (c, i) => {
      push64(c, i.next, 0);
      c.rip = i.target;
    };
  }
  return (c, i) => {
    let lo, hi;
    if (i.k0 === OP_GPR) { lo = c.regs[2 * i.r0]; hi = c.regs[2 * i.r0 + 1]; }
    else { lo = c.mem.read64(ea(c, i)); hi = c.mem.hi; }
    checkTarget(hi);
    push64(c, i.next, 0);
    setRip64(c, lo, hi);
  };
};

const ret: Factory = () => (c) => {
  const lo = peek64(c);
  setRip64(c, lo, c.hi); // may raise #GP: rsp is only popped once the target is known to be canonical
  dropStack(c, 8);
};

const retImm: Factory = () => (c, i) => {
  const s = sp(c);
  const lo = c.mem.read64(s);
  const hi = c.mem.hi;
  const n = s + 8 + (i.imm & 0xffff);
  setRip64(c, lo, hi);
  c.regs[2 * 4] = n | 0;
  c.regs[2 * 4 + 1] = n >= TWO32 ? 1 : 0;
};

/** loop: decrement rcx (or ecx with 0x67) without touching flags; branch if non-zero (and ZF condition). */
function loopFactory(kind: 'loop' | 'loope' | 'loopne', ecx: boolean): Factory {
  return () => (c, i) => {
    const regs = c.regs;
    let nz: boolean;
    if (ecx) {
      const v = (regs[2 * RCX] - 1) | 0;
      regs[2 * RCX] = v;
      regs[2 * RCX + 1] = 0;
      nz = v !== 0;
    } else {
      const lo = (regs[2 * RCX] - 1) | 0;
      if (lo === -1) regs[2 * RCX + 1] = (regs[2 * RCX + 1] - 1) | 0;
      regs[2 * RCX] = lo;
      nz = lo !== 0 || regs[2 * RCX + 1] !== 0;
    }
    const take = kind === 'loop' ? nz : kind === 'loope' ? nz && getZF(c) !== 0 : nz && getZF(c) === 0;
    if (take) c.rip = i.target;
  };
}

const jrcxz: Factory = () => (c, i) => {
  if (c.regs[2 * RCX] === 0 && c.regs[2 * RCX + 1] === 0) c.rip = i.target;
};
const jecxz: Factory = () => (c, i) => {
  if (c.regs[2 * RCX] === 0) c.rip = i.target;
};

beginFamily('control');
def(['Jmp_rel8_64', 'Jmp_rel32_64', 'Jmp_rm64'], jmp);
defMatching(/^J(o|no|b|ae|e|ne|be|a|s|ns|p|np|l|ge|le|g)_rel(8|32)_64$/, jcc);
def(['Call_rel32_64', 'Call_rm64'], call);
def('Retnq', ret);
def('Retnq_imm16', retImm);
def('Loop_rel8_64_RCX', loopFactory('loop', false));
def('Loope_rel8_64_RCX', loopFactory('loope', false));
def('Loopne_rel8_64_RCX', loopFactory('loopne', false));
def('Loop_rel8_64_ECX', loopFactory('loop', true));
def('Loope_rel8_64_ECX', loopFactory('loope', true));
def('Loopne_rel8_64_ECX', loopFactory('loopne', true));
def('Jrcxz_rel8_64', jrcxz);
def('Jecxz_rel8_64', jecxz);
