/**
 * Builds one oracle case for an iced `Code`: picks operands from the Code's OpCodeInfo operand
 * kinds (registers of each class, memory in every addressing form, immediates), assembles the
 * instruction with iced-x86's Encoder, decodes it back, and assigns interesting values to every
 * register the instruction reads or writes (iced's InstructionInfo, implicit operands included),
 * to the memory it addresses and to the flags. Templates (families.ts) steer the parts that need
 * constraints: counts, divisors, stack and string pointers, branch targets.
 *
 * Memory operands: the generator first picks the effective address it wants (inside the data
 * region, across its page boundaries, in the read-only page, or at a faulting address) and an
 * addressing form, then solves the base/index register values (and the displacement for
 * absolute and RIP-relative forms) so the instruction reaches exactly that address.
 */
import {
  Code, CodeExt, Decoder, DecoderOptions, Encoder, Formatter, FormatterSyntax, Instruction, InstructionInfoFactory,
  MemoryOperand, MemorySize, MemorySizeExt, OpAccess, OpCodeOperandKind as K, Register, RflagsBits,
} from 'iced-x86';
import {
  CODE_ADDR, DATA_ADDR, DATA_RW, DATA_SIZE, INSN_OFF, type CaseIn, type FullState,
  defaultState, fillData, gprDelta, xmmDelta, fpuDelta, dataDelta, hex, DEFAULT_MXCSR,
} from '../format.js';
import { Rng, intValue, regValue, laneBytes, mxcsrValue, f80Bytes, type Lane } from './values.js';

export class Retry extends Error {}

// ------------------------------------------------------------------ register tables

const REG_NAME = (r: number): string => Register[r] ?? '';
export const GPR8 = ['AL', 'CL', 'DL', 'BL', 'SPL', 'BPL', 'SIL', 'DIL', 'R8L', 'R9L', 'R10L', 'R11L', 'R12L', 'R13L', 'R14L', 'R15L'].map((n) => (Register as unknown as Record<string, number>)[n]);
export const GPR8H = ['AH', 'CH', 'DH', 'BH'].map((n) => (Register as unknown as Record<string, number>)[n]);
export const GPR16 = Array.from({ length: 16 }, (_, i) => Register.AX + i);
export const GPR32 = Array.from({ length: 16 }, (_, i) => Register.EAX + i);
export const GPR64 = Array.from({ length: 16 }, (_, i) => Register.RAX + i);
export const XMM = Array.from({ length: 16 }, (_, i) => Register.XMM0 + i);
export const MM = Array.from({ length: 8 }, (_, i) => Register.MM0 + i);
export const ST = Array.from({ length: 8 }, (_, i) => Register.ST0 + i);

export interface GprSlot { n: number; shift: number; bits: number }

/** GPR number, bit offset and width of an iced GPR register, or null. */
export function gprSlot(r: number): GprSlot | null {
  let k = GPR8.indexOf(r);
  if (k >= 0) return { n: k, shift: 0, bits: 8 };
  k = GPR8H.indexOf(r);
  if (k >= 0) return { n: k, shift: 8, bits: 8 };
  if (r >= Register.AX && r <= Register.R15W) return { n: r - Register.AX, shift: 0, bits: 16 };
  if (r >= Register.EAX && r <= Register.R15D) return { n: r - Register.EAX, shift: 0, bits: 32 };
  if (r >= Register.RAX && r <= Register.R15) return { n: r - Register.RAX, shift: 0, bits: 64 };
  return null;
}

// ------------------------------------------------------------------ operands

export type Opnd =
  | { t: 'reg'; reg: number }
  | { t: 'mem'; mo: MemoryOperand }
  | { t: 'imm'; v: number; signed: boolean }
  | { t: 'imm64'; v: bigint };

export interface MemPlan {
  /** Effective address the case reaches (64-bit, as the CPU computes it). */
  target: bigint;
  size: number;
  a32: boolean;
  base: number; // GPR number or -1
  index: number;
  scale: number;
  disp: bigint;
  rip: boolean;
}

const fmt = new Formatter(FormatterSyntax.Intel);
fmt.firstOperandCharIndex = 0;
const infoFactory = new InstructionInfoFactory();
export const RIP0 = BigInt(CODE_ADDR + INSN_OFF);

export interface TemplateHooks {
  /** Overrides operand creation entirely (strings, branches, xlat, ...). */
  create?: (b: CaseBuilder) => Instruction;
  /** Value of immediate operand `op` (kind = OpCodeOperandKind); undefined = default. */
  imm?: (b: CaseBuilder, op: number, kind: number) => number | bigint | undefined;
  /** Runs before operand selection (pin registers with b.fix). */
  pre?: (b: CaseBuilder) => void;
  /** Runs after values were assigned: adjust state, memory, flags. */
  post?: (b: CaseBuilder) => void;
  /** Probability of the memory form when the Code has an r/m operand (default 0.4). */
  memShare?: number;
  /** Alignment to prefer for memory operands (default: the operand size, up to 16). */
  align?: number;
  /** Probability of a faulting memory address (default 0.06). */
  faultShare?: number;
  /** Probability of lock prefix on memory forms that allow it (default 0.1). */
  lockShare?: number;
  /** Lane type for vector registers and memory (default: from the Code's memory size). */
  lane?: Lane;
  /** MXCSR generator (default: random rounding/FTZ/DAZ for SSE, 0x1f80 otherwise). */
  mxcsr?: (b: CaseBuilder) => number;
  /** Whether an invalid decoding (#UD) is the expected outcome (lock on registers, ...). */
  allowInvalid?: boolean;
}

export interface BuiltCase {
  code: string;
  bytes: Uint8Array;
  asm: string;
  in: CaseIn;
  state: FullState;
  data: Uint8Array;
  seed: number;
  /** RFLAGS bits (x86 layout) and FSW condition bits iced reports undefined for the decoded instruction. */
  flagsUndefined: number;
  swUndefined: number;
}

export class CaseBuilder {
  readonly st: FullState = defaultState();
  readonly seed: number;
  readonly base: Uint8Array;
  readonly data: Uint8Array;
  readonly kinds: number[] = [];
  /** Size in bytes of the Code's memory operand (0 if none or not sized). */
  readonly memSize: number;
  readonly memSizeKind: number;
  readonly name: string;
  useMem: boolean;
  /** GPRs whose values are pinned (templates, addresses): value assignment skips them. */
  readonly fixed = new Set<number>();
  readonly addrRegs = new Set<number>();
  mem: MemPlan | null = null;
  ops: Opnd[] = [];
  /** Registers used by the decoded instruction (filled in by analyze). */
  used: { reg: number; access: number }[] = [];
  decoded: Instruction | null = null;
  x87Used = false;
  mmxUsed = false;
  sse = false;
  lock = false;
  segPrefix = Register.None;

  constructor(readonly rng: Rng, readonly code: number, readonly hooks: TemplateHooks) {
    this.name = Code[code];
    const oc = CodeExt.opCode(code);
    try {
      for (let i = 0; i < oc.opCount; i++) this.kinds.push(oc.opKind(i));
      this.memSizeKind = oc.memorySize;
      this.memSize = oc.memorySize === MemorySize.Unknown ? 0 : MemorySizeExt.size(oc.memorySize);
    } finally {
      oc.free();
    }
    this.seed = rng.u32() || 1;
    this.base = fillData(this.seed);
    this.data = this.base.slice();
    const hasRm = this.kinds.some((k) => RM_KINDS.has(k));
    const memOnly = this.kinds.some((k) => k === K.mem || k === K.mem_offs);
    this.useMem = memOnly || (hasRm && rng.chance(hooks.memShare ?? 0.4));
  }

  // ---------------------------------------------------------------- state helpers

  setGpr(n: number, v: bigint): void { this.st.gpr[n] = BigInt.asUintN(64, v); }
  fix(n: number, v: bigint): void { this.setGpr(n, v); this.fixed.add(n); }
  /** Writes bytes at a guest address if it falls in the data region (parts outside are dropped). */
  poke(addr: bigint | number, bytes: Uint8Array): void {
    const a = BigInt(addr);
    for (let k = 0; k < bytes.length; k++) {
      const off = a + BigInt(k) - BigInt(DATA_ADDR);
      if (off >= 0n && off < BigInt(DATA_SIZE)) this.data[Number(off)] = bytes[k];
    }
  }
  poke64(addr: bigint | number, v: bigint): void {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, BigInt.asUintN(64, v), true);
    this.poke(addr, b);
  }
  setXmm(n: number, bytes: Uint8Array): void { this.st.xmm.set(bytes, 16 * n); }

  // ---------------------------------------------------------------- operand selection

  private gprOf(bits: number, allowHigh = true): number {
    if (bits === 8) {
      if (allowHigh && this.rng.chance(0.2)) return this.rng.pick(GPR8H);
      return this.rng.pick(GPR8);
    }
    const n = this.rng.int(16);
    return bits === 16 ? GPR16[n] : bits === 32 ? GPR32[n] : GPR64[n];
  }

  /** Default immediate for an operand kind. */
  private immFor(op: number, kind: number): Opnd {
    const o = this.hooks.imm?.(this, op, kind);
    const r = this.rng;
    switch (kind) {
      case K.imm8_const_1: return { t: 'imm', v: 1, signed: false };
      case K.imm8: return { t: 'imm', v: o !== undefined ? Number(o) & 0xff : Number(intValue(r, 8)), signed: false };
      case K.imm16: return { t: 'imm', v: o !== undefined ? Number(o) & 0xffff : Number(intValue(r, 16)), signed: false };
      case K.imm8sex16: case K.imm8sex32: case K.imm8sex64:
        return { t: 'imm', v: o !== undefined ? Number(BigInt.asIntN(8, BigInt(o))) : Number(BigInt.asIntN(8, intValue(r, 8))), signed: true };
      case K.imm32: return { t: 'imm', v: o !== undefined ? Number(BigInt.asUintN(32, BigInt(o))) : Number(intValue(r, 32)), signed: false };
      case K.imm32sex64: return { t: 'imm', v: o !== undefined ? Number(BigInt.asIntN(32, BigInt(o))) : Number(BigInt.asIntN(32, intValue(r, 32))), signed: true };
      case K.imm64: return { t: 'imm64', v: o !== undefined ? BigInt.asUintN(64, BigInt(o)) : intValue(r, 64) };
    }
    throw new Error(`immediate kind ${K[kind]}`);
  }

  /** Picks every operand of the Code from its operand kinds. */
  chooseOperands(): Opnd[] {
    const ops: Opnd[] = [];
    const r = this.rng;
    for (let i = 0; i < this.kinds.length; i++) {
      const k = this.kinds[i];
      switch (k) {
        case K.r8_or_mem: case K.r16_or_mem: case K.r32_or_mem: case K.r64_or_mem: case K.mm_or_mem: case K.xmm_or_mem:
        case K.r16_reg_mem: case K.r32_reg_mem: case K.r64_reg_mem:
          if (this.useMem) ops.push({ t: 'mem', mo: this.chooseMem() });
          else ops.push({ t: 'reg', reg: regForKind(k, r, this) });
          break;
        case K.mem: case K.mem_offs:
          ops.push({ t: 'mem', mo: this.chooseMem(k === K.mem_offs) });
          break;
        case K.r8_reg: case K.r8_opcode: case K.r16_reg: case K.r16_rm: case K.r16_opcode: case K.r32_reg: case K.r32_rm:
        case K.r32_opcode: case K.r64_reg: case K.r64_rm: case K.r64_opcode: case K.mm_reg: case K.mm_rm: case K.xmm_reg:
        case K.xmm_rm: case K.seg_reg: case K.sti_opcode:
          ops.push({ t: 'reg', reg: regForKind(k, r, this) });
          break;
        case K.al: ops.push({ t: 'reg', reg: Register.AL }); break;
        case K.cl: ops.push({ t: 'reg', reg: Register.CL }); break;
        case K.ax: ops.push({ t: 'reg', reg: Register.AX }); break;
        case K.dx: ops.push({ t: 'reg', reg: Register.DX }); break;
        case K.eax: ops.push({ t: 'reg', reg: Register.EAX }); break;
        case K.rax: ops.push({ t: 'reg', reg: Register.RAX }); break;
        case K.st0: ops.push({ t: 'reg', reg: Register.ST0 }); break;
        case K.es: ops.push({ t: 'reg', reg: Register.ES }); break;
        case K.cs: ops.push({ t: 'reg', reg: Register.CS }); break;
        case K.ss: ops.push({ t: 'reg', reg: Register.SS }); break;
        case K.ds: ops.push({ t: 'reg', reg: Register.DS }); break;
        case K.fs: ops.push({ t: 'reg', reg: Register.FS }); break;
        case K.gs: ops.push({ t: 'reg', reg: Register.GS }); break;
        default:
          ops.push(this.immFor(i, k));
      }
    }
    this.ops = ops;
    return ops;
  }

  /** Creates the instruction from the chosen operands. */
  createGeneric(): Instruction {
    const ops = this.chooseOperands();
    const sig = ops.map((o) => (o.t === 'reg' ? 'Reg' : o.t === 'mem' ? 'Mem' : o.t === 'imm64' ? 'U64' : o.signed ? 'I32' : 'U32')).join('');
    const args = ops.map((o) => (o.t === 'reg' ? o.reg : o.t === 'mem' ? o.mo : o.v));
    const f = (Instruction as unknown as Record<string, (...a: unknown[]) => Instruction>)[`create${sig}`];
    if (!f) throw new Error(`no Instruction.create${sig} for ${this.name}`);
    return f.call(Instruction, this.code, ...args);
  }

  // ---------------------------------------------------------------- memory operands

  /** Picks the effective address a memory access of `size` bytes should reach. */
  pickTarget(size: number, write: boolean): bigint {
    const r = this.rng;
    const sz = Math.max(size, 1);
    const align = Math.min(this.hooks.align ?? (sz >= 16 ? 16 : sz), 16);
    const D = BigInt(DATA_ADDR);
    if (r.chance(this.hooks.faultShare ?? 0.06)) {
      switch (r.int(8)) {
        case 0: return D + BigInt(DATA_RW) - BigInt(r.range(1, Math.max(1, sz - 1))); // straddles RW -> RO
        case 1: return D + BigInt(DATA_SIZE) - BigInt(r.range(0, sz - 1)); // runs off the end
        case 2: return D - BigInt(r.range(1, 64)); // below the region (unmapped)
        case 3: return D - BigInt(r.range(1, Math.max(1, sz - 1))); // straddles unmapped -> RW
        case 4: return rngPick(r, [0x8000000000000000n, 0x0000800000000000n, 0xffff7fffffffff00n, 0x1234567800000000n]); // non-canonical
        case 5: return rngPick(r, [0x00007fffffff0000n, 0x0000000123456000n, 0x00007fff00000000n, 0x0000000100000000n]); // unmapped canonical (user half: kernel-half si_addr values exceed 2^53)
        case 6: return D + BigInt(DATA_RW) + BigInt(r.int(DATA_SIZE - DATA_RW - sz)); // read-only page (faults only on writes)
        default: return D + BigInt(r.int(DATA_RW - sz)) | 1n; // misaligned
      }
    }
    void write;
    if (r.chance(0.08) && sz > 1) return D + 0x1000n - BigInt(r.range(1, sz - 1)); // crosses the page boundary inside RW
    let off = r.int(DATA_RW - sz - 256) + 128;
    if (r.chance(0.8)) off -= off % align;
    return D + BigInt(off);
  }

  /** Chooses an addressing form and registers, solves them for a target, and returns the operand. */
  chooseMem(moffs = false): MemoryOperand {
    const r = this.rng;
    const size = this.memSize;
    const write = true;
    const isLea = /^Lea_/.test(this.name) || /^Nop_rm|^Reservednop|^Prefetch/.test(this.name);
    const target = isLea && r.chance(0.5) ? r.u64() : this.pickTarget(size, write);
    const inWindow = target >= 0x1000n && target < 0x7fff0000n;
    const a32 = r.chance(0.12) && target < 0x100000000n;
    let form: number;
    if (moffs) form = 100;
    else {
      // 0 [b] 1 [b+d8] 2 [b+d32] 3 [b+i*s] 4 [b+i*s+d8] 5 [b+i*s+d32] 6 [i*s+d32] 7 [d32] 8 [rip+d32]
      const w = [3, 3, 2, 3, 2, 2, 1, inWindow ? 1 : 0, inWindow ? 1.5 : 0];
      form = r.weighted(w);
    }
    const bits = a32 ? 32 : 64;
    const M = a32 ? 0xffffffffn : 0xffffffffffffffffn;
    const avoid = (n: number) => this.fixed.has(n);
    const pickReg = (noRsp: boolean): number => {
      for (let k = 0; k < 50; k++) {
        const n = r.int(16);
        if (noRsp && n === 4) continue;
        if (this.addrRegs.has(n)) continue;
        if (avoid(n) && r.chance(0.7)) continue;
        return n;
      }
      throw new Retry('no address register');
    };
    const hasBase = form <= 5;
    const hasIndex = form >= 3 && form <= 6;
    let base = hasBase ? pickReg(false) : -1;
    let index = hasIndex ? pickReg(true) : -1;
    if (hasBase && hasIndex && r.chance(0.08) && base !== 4) index = base; // [rax+rax*2]
    const scale = hasIndex ? r.pick([1, 2, 4, 8]) : 1;
    let disp = 0n;
    if (form === 1 || form === 4) disp = BigInt(r.range(-128, 127));
    else if (form === 2 || form === 5 || form === 6) disp = BigInt(r.chance(0.5) ? r.range(-0x1000, 0x1000) : (r.u32() | 0));
    if (form === 7 || form === 100) disp = target;

    const fixedVal = (n: number): bigint | null => (this.fixed.has(n) ? this.st.gpr[n] : null);
    let bv = 0n, iv = 0n;
    if (form === 8) {
      // rip-relative: disp is the absolute target; iced encodes it relative to the next rip.
      disp = target;
    } else if (form !== 7 && form !== 100) {
      if (index >= 0 && index !== base) {
        const f = fixedVal(index);
        iv = f ?? BigInt.asUintN(bits, BigInt(r.chance(0.6) ? r.range(-64, 64) : Number(BigInt.asIntN(32, r.u64()))) & M);
      }
      if (base >= 0 && base === index) {
        const f = fixedVal(base);
        if (f !== null) throw new Retry('fixed base=index');
        // v*(1+s) + disp = target  (mod 2^bits)
        const want = BigInt.asUintN(bits, target - disp);
        bv = want / BigInt(1 + scale);
        disp += want - bv * BigInt(1 + scale);
        iv = bv;
      } else if (base >= 0) {
        const f = fixedVal(base);
        if (f !== null) {
          bv = f;
          disp = BigInt.asIntN(bits, target - bv - iv * BigInt(scale));
        } else {
          bv = BigInt.asUintN(bits, target - disp - iv * BigInt(scale));
        }
      } else if (index >= 0) {
        const f = fixedVal(index);
        if (f !== null) disp = BigInt.asIntN(bits, target - iv * BigInt(scale));
        else {
          const want = BigInt.asUintN(bits, target - disp);
          iv = want / BigInt(scale);
          disp += want - iv * BigInt(scale);
        }
      }
    }
    // Displacement must fit its encoding (sign-extended 32 bits in 64-bit mode; disp8 forms may widen).
    const dispBits = form === 100 ? 64 : 32;
    if (form !== 8 && form !== 100 && (BigInt.asIntN(32, disp) !== BigInt.asIntN(bits, disp) || (a32 ? false : BigInt.asIntN(32, disp) !== disp))) {
      if (!a32) throw new Retry('displacement does not fit');
    }
    void dispBits;
    // Upper halves of 32-bit address registers are ignored by the CPU: fill them with garbage.
    const widen = (v: bigint): bigint => (a32 ? (r.u64() & 0xffffffff00000000n) | (v & 0xffffffffn) : v);
    if (base >= 0 && !this.fixed.has(base)) { this.setGpr(base, widen(bv)); }
    if (index >= 0 && index !== base && !this.fixed.has(index)) { this.setGpr(index, widen(iv)); }
    if (base >= 0) this.addrRegs.add(base);
    if (index >= 0) this.addrRegs.add(index);
    this.mem = { target: BigInt.asUintN(64, target), size, a32, base, index, scale, disp, rip: form === 8 };

    const regs = a32 ? GPR32 : GPR64;
    // Ignored segment overrides (not SS: with a non-canonical address it turns #GP into #SS, which the
    // emulator's decoded form does not record).
    const seg = r.chance(0.04) ? r.pick([Register.DS, Register.ES, Register.CS]) : Register.None;
    this.segPrefix = seg;
    if (form === 8) return new MemoryOperand(a32 ? Register.EIP : Register.RIP, Register.None, 1, target, 8, false, seg);
    if (form === 100) return new MemoryOperand(Register.None, Register.None, 1, BigInt.asUintN(a32 ? 32 : 64, target), a32 ? 4 : 8, false, seg);
    const displSize = form === 0 || form === 3 ? 0 : form === 1 || form === 4 ? 1 : a32 ? 4 : 8;
    const d = a32 ? BigInt.asUintN(32, disp) : BigInt.asUintN(64, BigInt.asIntN(32, disp));
    if (form === 7) return new MemoryOperand(Register.None, Register.None, 1, a32 ? BigInt.asUintN(32, target) : target, a32 ? 4 : 8, false, seg);
    return new MemoryOperand(base >= 0 ? regs[base] : Register.None, index >= 0 ? regs[index] : Register.None, scale, d, displSize, false, seg);
  }

  // ---------------------------------------------------------------- analysis and values

  /** Records the registers the decoded instruction uses; retries on implicit/address conflicts. */
  analyze(ins: Instruction): void {
    this.decoded = ins;
    const info = infoFactory.info(ins);
    const regs = info.usedRegisters();
    const explicit = new Set<number>();
    for (let k = 0; k < ins.opCount; k++) {
      try { const reg = ins.opRegister(k); if (reg !== Register.None) { const s = gprSlot(reg); if (s) explicit.add(s.n); } } catch { /* not a register */ }
    }
    this.used = [];
    for (const u of regs) {
      this.used.push({ reg: u.register, access: u.access });
      const s = gprSlot(u.register);
      // An implicit operand (rax of mul, rsi of movs, ...) that is also an address register would get
      // its value from the address, and hooks that set it would move the address: pick other registers.
      if (s && this.addrRegs.has(s.n) && !this.fixed.has(s.n) && !explicit.has(s.n) &&
          ((u.register !== ins.memoryBase && u.register !== ins.memoryIndex) || u.access !== OpAccess.Read)) {
        u.free(); info.free();
        throw new Retry('implicit register used for the address');
      }
      if (u.register >= Register.ST0 && u.register <= Register.ST7) this.x87Used = true;
      if (u.register >= Register.MM0 && u.register <= Register.MM7) this.mmxUsed = true;
      if (u.register >= Register.XMM0 && u.register <= Register.XMM15) this.sse = true;
      u.free();
    }
    info.free();
  }

  /** Interesting values for every used register that is not pinned, the flags, MXCSR and x87/MMX state. */
  assignValues(family: string): void {
    const r = this.rng;
    const lane = this.hooks.lane ?? laneOf(this.memSizeKind);
    for (const u of this.used) {
      const s = gprSlot(u.reg);
      if (s) {
        if (this.fixed.has(s.n) || this.addrRegs.has(s.n)) continue;
        if ((u.access & 0xff) === OpAccess.Write && r.chance(0.5)) { this.setGpr(s.n, r.u64()); continue; }
        this.setGpr(s.n, regValue(r, s.bits, s.shift));
        this.fixed.add(s.n);
        continue;
      }
      if (u.reg >= Register.XMM0 && u.reg <= Register.XMM15) this.setXmm(u.reg - Register.XMM0, laneBytes(r, 16, lane));
    }
    // Flags: every combination of the arithmetic flags; DF mostly clear (strings set it themselves).
    let f = 0x202;
    for (const b of [0x1, 0x4, 0x10, 0x40, 0x80, 0x800]) if (r.chance(0.5)) f |= b;
    if (r.chance(0.1)) f |= 0x400;
    this.st.rflags = f;
    const isSse = family.startsWith('sse') || this.sse;
    this.st.mxcsr = this.hooks.mxcsr ? this.hooks.mxcsr(this) : isSse ? mxcsrValue(r) : DEFAULT_MXCSR;
    if (family === 'x87' || family === 'mmx' || this.x87Used || this.mmxUsed) this.assignFpu(family === 'mmx' || this.mmxUsed);
  }

  /** x87 stack (or MMX registers): TOP, tags, contents, control and status words. */
  assignFpu(mmx: boolean): void {
    const r = this.rng;
    const top = r.chance(0.4) ? 0 : r.int(8);
    const s = this.st;
    if (mmx) {
      for (let p = 0; p < 8; p++) {
        const v = new Uint8Array(10);
        v.set(laneBytes(r, 8, this.hooks.lane ?? laneOf(this.memSizeKind)), 0);
        const se = r.chance(0.5) ? 0xffff : r.int(65536);
        v[8] = se & 0xff; v[9] = se >> 8;
        s.st.set(v, 10 * ((p - top) & 7)); // FXSAVE holds ST(i) = physical (TOP + i) & 7
      }
      s.ftw = r.chance(0.5) ? 0 : r.chance(0.5) ? 0xff : r.int(256);
    } else {
      const depth = r.pick([0, 1, 2, 3, 4, 5, 6, 7, 8, 8, 3, 2]);
      let tw = 0;
      for (let i = 0; i < 8; i++) {
        if (i < depth) { tw |= 1 << ((top + i) & 7); s.st.set(f80Bytes(r), 10 * i); }
        else if (r.chance(0.3)) s.st.set(f80Bytes(r), 10 * i); // stale contents of empty registers
      }
      if (r.chance(0.1)) tw = r.int(256);
      s.ftw = tw;
    }
    let cw = 0x37f;
    if (r.chance(0.4)) cw = (cw & ~0xc00) | (r.int(4) << 10); // rounding control
    if (r.chance(0.3)) cw = (cw & ~0x300) | (r.pick([0, 2, 3]) << 8); // precision control
    s.fcw = cw;
    let sw = top << 11;
    if (r.chance(0.5)) sw |= r.pick([0x100, 0x200, 0x400, 0x4000, 0x4500, 0x0700]); // condition codes
    if (r.chance(0.1)) sw |= r.int(64) & 0x3f & ~0x0; // sticky (masked) exception flags
    s.fsw = sw;
  }

  /** Interesting contents at the memory operand's target. */
  fillMemOperand(): void {
    if (!this.mem || this.mem.size === 0) return;
    const lane = this.hooks.lane ?? laneOf(this.memSizeKind);
    const n = Math.min(this.mem.size, 512);
    this.poke(this.mem.target, laneBytes(this.rng, n, lane));
  }

  /** Final assembly of the case. */
  finish(bytes: Uint8Array, ins: Instruction): BuiltCase {
    const def = defaultState();
    const inp: CaseIn = { f: this.st.rflags, ms: this.seed };
    const g = gprDelta(def.gpr, this.st.gpr);
    if (g) inp.g = g;
    const x = xmmDelta(def.xmm, this.st.xmm);
    if (x) inp.x = x;
    if (this.st.mxcsr !== def.mxcsr) inp.mx = this.st.mxcsr;
    const fp = fpuDelta(def, this.st);
    if (fp) inp.fpu = fp;
    const m = dataDelta(this.base, this.data);
    if (m) inp.m = m;
    return {
      code: this.name, bytes, asm: disasmAll(bytes), in: inp, state: this.st, data: this.data, seed: this.seed,
      ...undefinedMasks(bytes),
    };
  }
}

const RM_KINDS = new Set<number>([K.r8_or_mem, K.r16_or_mem, K.r32_or_mem, K.r64_or_mem, K.mm_or_mem, K.xmm_or_mem, K.r16_reg_mem, K.r32_reg_mem, K.r64_reg_mem]);

function rngPick<T>(r: Rng, a: T[]): T { return r.pick(a); }

function regForKind(k: number, r: Rng, b: CaseBuilder): number {
  switch (k) {
    case K.r8_or_mem: case K.r8_reg: case K.r8_opcode: return r.chance(0.2) ? r.pick(GPR8H) : r.pick(GPR8);
    case K.r16_or_mem: case K.r16_reg: case K.r16_rm: case K.r16_opcode: case K.r16_reg_mem: return r.pick(GPR16);
    case K.r32_or_mem: case K.r32_reg: case K.r32_rm: case K.r32_opcode: case K.r32_reg_mem: return r.pick(GPR32);
    case K.r64_or_mem: case K.r64_reg: case K.r64_rm: case K.r64_opcode: case K.r64_reg_mem: return r.pick(GPR64);
    case K.mm_or_mem: case K.mm_reg: case K.mm_rm: return r.pick(MM);
    case K.xmm_or_mem: case K.xmm_reg: case K.xmm_rm: return r.pick(XMM);
    case K.seg_reg: return r.pick([Register.ES, Register.CS, Register.SS, Register.DS, Register.FS, Register.GS]);
    case K.sti_opcode: return r.pick(ST);
  }
  void b;
  throw new Error(`register kind ${K[k]}`);
}

/** Lane type implied by a memory size. */
export function laneOf(ms: number): Lane {
  if (ms === MemorySize.Unknown) return 'any';
  const name = MemorySize[MemorySizeExt.elementType(ms)] ?? '';
  if (/Float32/.test(name)) return 'f32';
  if (/Float64/.test(name)) return 'f64';
  switch (MemorySizeExt.elementSize(ms)) {
    case 1: return 'i8';
    case 2: return 'i16';
    case 4: return 'i32';
    case 8: return 'i64';
  }
  return 'any';
}

// iced RflagsBits -> x86 RFLAGS bits, and -> FSW condition bits.
const { OF: ICED_OF, SF: ICED_SF, ZF: ICED_ZF, AF: ICED_AF, CF: ICED_CF, PF: ICED_PF, DF: ICED_DF, C0: ICED_C0, C1: ICED_C1, C2: ICED_C2, C3: ICED_C3 } = RflagsBits;
export function icedFlagsToX86(f: number): number {
  let r = 0;
  if (f & ICED_OF) r |= 0x800;
  if (f & ICED_SF) r |= 0x80;
  if (f & ICED_ZF) r |= 0x40;
  if (f & ICED_AF) r |= 0x10;
  if (f & ICED_CF) r |= 0x1;
  if (f & ICED_PF) r |= 0x4;
  if (f & ICED_DF) r |= 0x400;
  return r;
}
export function icedFswUndefined(f: number): number {
  let r = 0;
  if (f & ICED_C0) r |= 0x100;
  if (f & ICED_C1) r |= 0x200;
  if (f & ICED_C2) r |= 0x400;
  if (f & ICED_C3) r |= 0x4000;
  return r;
}

/** Encodes at the case's instruction address and decodes it back. */
export function assemble(ins: Instruction): { bytes: Uint8Array; decoded: Instruction } {
  const enc = new Encoder(64);
  try {
    enc.encode(ins, RIP0);
    const bytes = enc.takeBuffer();
    const dec = new Decoder(64, bytes, DecoderOptions.None);
    dec.ip = RIP0;
    const d = dec.decode();
    dec.free();
    return { bytes, decoded: d };
  } finally {
    enc.free();
  }
}

/** Undefined RFLAGS/FSW bits of every instruction in `bytes` (a case is one instruction, or wait + fn-form). */
export function undefinedMasks(bytes: Uint8Array): { flagsUndefined: number; swUndefined: number } {
  const dec = new Decoder(64, bytes, DecoderOptions.None);
  dec.ip = RIP0;
  let f = 0;
  while (dec.canDecode) {
    const d = dec.decode();
    f |= d.rflagsUndefined;
    d.free();
  }
  dec.free();
  return { flagsUndefined: icedFlagsToX86(f), swUndefined: icedFswUndefined(f) };
}

export function disasmAll(bytes: Uint8Array): string {
  const dec = new Decoder(64, bytes, DecoderOptions.None);
  dec.ip = RIP0;
  const parts: string[] = [];
  while (dec.canDecode) { const d = dec.decode(); parts.push(fmt.format(d)); d.free(); }
  dec.free();
  return parts.join('; ');
}

export function disasm(bytes: Uint8Array): string {
  const dec = new Decoder(64, bytes, DecoderOptions.None);
  dec.ip = RIP0;
  const d = dec.decode();
  const s = fmt.format(d);
  d.free();
  dec.free();
  return s;
}

export { hex };
