/**
 * Bit instructions: bt/bts/btr/btc (register and immediate offsets, memory bit strings),
 * bsf/bsr, tzcnt/lzcnt, popcnt (Intel SDM Vol. 2 "BT", "BSF", "BSR", "TZCNT", "LZCNT", "POPCNT").
 *
 * bt*: CF = the selected bit; ZF unchanged; OF/SF/AF/PF undefined (left unchanged here).
 * With a register offset and a memory operand the offset is a signed bit index into a bit string
 * that starts at the effective address (SDM Vol. 1 3.4.1 "Bit Field and Bit String Addressing").
 * bsf/bsr: zero source -> ZF = 1 and the destination is left unchanged (what Intel and AMD CPUs do).
 */
import type { Cpu } from './state.js';
import type { Insn, Handler } from './insn.js';
import { OP_GPR, OP_IMM, OP_MEM } from './insn.js';
import { materialize, setArith, CF, ZF } from './flags.js';
import { ea, eaPlus, readOperand, writeOperand, getGpr, setGpr, readMem, writeMem, probeWrite } from './operands.js';
import { defMatching, beginFamily, type Factory } from './dispatch.js';
import { ctz32 } from './int64.js';
import { Mnemonic } from './iced.js';

const BT = 0, BTS = 1, BTR = 2, BTC = 3;

function btFactory(kind: number): Factory {
  return (d: Insn): Handler => {
    const bits = d.s0 * 8;
    return (c, i) => {
      // Bit offset: immediate (masked to the width) or register (signed, full width for memory).
      let off: number;
      let addr = 0;
      if (i.k1 === OP_IMM) {
        off = i.imm & (bits - 1);
        if (i.k0 === OP_MEM) addr = ea(c, i);
      } else if (i.k0 === OP_MEM) {
        // Signed offset of the operand size: the bit string starts at the effective address and the
        // access is to the operand-size unit holding the bit, at EA + (offset >> log2(bits)) * bytes,
        // computed exactly (it wraps like any address, at 2^32 with a 0x67 prefix).
        let o: bigint;
        if (bits === 64) o = (BigInt(c.regs[2 * i.r1 + 1]) << 32n) | BigInt(c.regs[2 * i.r1] >>> 0);
        else if (bits === 32) o = BigInt(c.regs[2 * i.r1]);
        else o = BigInt((c.regs[2 * i.r1] << 16) >> 16);
        const sh = bits === 64 ? 6n : bits === 32 ? 5n : 4n;
        const unit = o >> sh; // floor
        addr = eaPlus(c, i, unit * BigInt(bits / 8));
        off = Number(o - (unit << sh));
      } else {
        off = (bits === 64 ? c.regs[2 * i.r1] : getGpr(c, i.r1, i.s0)) & (bits - 1);
      }
      // Operate on the 32-bit (or 16-bit) word containing the bit.
      const wordSize = bits === 16 ? 2 : 4;
      const k = i.k0;
      const r = i.r0;
      // The CPU accesses the whole operand-size unit (bts/btr/btc as a write): fault on it first.
      if (k === OP_MEM) {
        if (kind !== BT) probeWrite(c, addr, bits / 8);
        else c.mem.checkRead(addr, bits / 8);
      }
      let a = addr;
      let hiHalf = false;
      if (bits === 64 && off >= 32) { off -= 32; hiHalf = true; if (k === OP_MEM) a += 4; }
      let v: number;
      if (k === OP_GPR && bits === 64) v = c.regs[2 * r + (hiHalf ? 1 : 0)];
      else if (k === OP_GPR) v = getGpr(c, r, i.s0);
      else v = readMem(c, a, wordSize);
      const cf = (v >>> off) & 1;
      if (kind !== BT) {
        const m = 1 << off;
        const nv = kind === BTS ? v | m : kind === BTR ? v & ~m : v ^ m;
        if (k === OP_GPR && bits === 64) c.regs[2 * r + (hiHalf ? 1 : 0)] = nv;
        else if (k === OP_GPR) setGpr(c, r, i.s0, nv);
        else writeMem(c, a, wordSize, nv);
      }
      materialize(c);
      c.rflags = (c.rflags & ~CF) | cf;
    };
  };
}

/** bsf/bsr/tzcnt/lzcnt/popcnt share the read-source / write-dest plumbing. */
function scanFactory(kind: 'bsf' | 'bsr' | 'tzcnt' | 'lzcnt' | 'popcnt'): Factory {
  return (d: Insn): Handler => {
    const bits = d.s0 * 8;
    return (c, i) => {
      const a = i.msize !== 0 ? ea(c, i) : 0;
      let lo: number, hi = 0;
      if (bits === 64) {
        if (i.k1 === OP_GPR) { lo = c.regs[2 * i.r1]; hi = c.regs[2 * i.r1 + 1]; }
        else { lo = c.mem.read64(a); hi = c.mem.hi; }
      } else {
        lo = readOperand(c, i, i.k1, i.r1, i.s0, a);
        if (bits === 16) lo &= 0xffff;
      }
      const zero = lo === 0 && hi === 0;
      let res: number;
      switch (kind) {
        case 'bsf':
        case 'tzcnt':
          res = zero ? bits : lo !== 0 ? ctz32(lo) : 32 + ctz32(hi);
          break;
        case 'bsr':
        case 'lzcnt': {
          const msb = zero ? -1 : hi !== 0 ? 63 - Math.clz32(hi) : 31 - Math.clz32(lo);
          res = kind === 'bsr' ? msb : bits - 1 - msb;
          break;
        }
        default:
          res = popcount(lo) + popcount(hi);
      }
      if (kind === 'bsf' || kind === 'bsr') {
        scanFlags(c, zero);
        if (zero) return; // destination unchanged
      } else if (kind === 'popcnt') {
        setArith(c, zero ? ZF : 0);
      } else {
        setArith(c, (zero ? CF : 0) | (res === 0 ? ZF : 0));
      }
      if (bits === 64) { c.regs[2 * i.r0] = res; c.regs[2 * i.r0 + 1] = 0; }
      else writeOperand(c, OP_GPR, i.r0, i.s0, 0, res);
    };
  };
}

/**
 * The arithmetic flags these semantics write, for the instructions that leave flags the
 * architecture calls undefined unchanged (bsf/bsr: ZF only; bt*: CF only). iced counts the
 * undefined ones as modified; the JIT's flag liveness (codegen.ts flagsKilledBy) takes this
 * instead, so compiled code leaves the flags the interpreter leaves.
 */
export const ONLY_FLAGS_WRITTEN: ReadonlyMap<Mnemonic, number> = new Map([
  [Mnemonic.Bsf, ZF], [Mnemonic.Bsr, ZF],
  [Mnemonic.Bt, CF], [Mnemonic.Bts, CF], [Mnemonic.Btr, CF], [Mnemonic.Btc, CF],
]);

/** bsf/bsr flags: ZF = source was zero, the other arithmetic flags kept (also the JIT's, templates.ts). */
export function scanFlags(c: Cpu, zero: boolean): void {
  materialize(c);
  if (zero) c.rflags |= ZF;
  else c.rflags &= ~ZF;
}

function popcount(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

beginFamily('bit');
defMatching(/^Bt_rm/, btFactory(BT));
defMatching(/^Bts_rm/, btFactory(BTS));
defMatching(/^Btr_rm/, btFactory(BTR));
defMatching(/^Btc_rm/, btFactory(BTC));
defMatching(/^Bsf_/, scanFactory('bsf'));
defMatching(/^Bsr_/, scanFactory('bsr'));
defMatching(/^Tzcnt_/, scanFactory('tzcnt'));
defMatching(/^Lzcnt_/, scanFactory('lzcnt'));
defMatching(/^Popcnt_/, scanFactory('popcnt'));
