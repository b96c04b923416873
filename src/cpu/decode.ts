/**
 * Decoding with iced-x86 into Insn records, one basic block at a time.
 *
 * A block ends after a control transfer, `syscall`, an invalid or unimplemented instruction, an
 * instruction whose handler is marked as ending blocks, or when the next instruction would start
 * in a different page than the block's first byte (so a block spans at most two pages, which
 * keeps invalidation simple).
 */
import { Decoder, DecoderError, DecoderOptions, FlowControl, Instruction, Mnemonic, OpKind, Register, Code, MemorySizeExt, RflagsBits } from './iced.js';
import {
  Insn, OP_NONE, OP_GPR, OP_MEM, OP_IMM, OP_XMM, OP_MMX, OP_ST, OP_SEG, OP_STRMEM, OP_BRANCH, OP_OTHER,
  SEG_NONE, SEG_FS, SEG_GS, REP_NONE, REP_E, REP_NE,
} from './insn.js';
import { CF, PF, AF, ZF, SF, OF, DF } from './flags.js';
import { handlerFor, endsBlock } from './dispatch.js';
import type { Memory } from '../memory/memory.js';
import { PAGE_SHIFT, PAGE_SIZE, PROT_EXEC } from '../memory/memory.js';
import { MemoryFault } from '../memory/fault.js';

/**
 * Upper bound on instructions per block: keeps budget checks and invalidation granular, and
 * bounds the size of what the JIT hands to V8. TurboFan's compile time grows faster than the
 * function (engine.ts MAX_REGION_BLOCKS), and a block runs unoptimised until it is done: sha256's
 * vectorised byte swap, one straight line of SSE code cut at 128 instructions, made a 37 KB
 * region that TurboFan took 225 ms to optimise. Cut at 48 it is three blocks, optimised sooner:
 * bench-sha256 was faster in 15 of 18 rounds of three concurrent A/Bs (medians 0.89, 1.07 and
 * 0.90; this VM's noise is +-15%). No other kernel or library workload runs a block longer
 * than 48 instructions more than 41 times, so for them only the interpreter sees the extra block
 * ends.
 */
export const MAX_BLOCK_INSNS = 48;

/** Register classification: REG_KIND[reg] = operand kind, REG_NUM[reg] = our register number. */
const REG_KIND = new Uint8Array(256);
const REG_NUM = new Int8Array(256).fill(-1);
const REG_SIZE = new Uint8Array(256);
(() => {
  const set = (first: number, count: number, kind: number, size: number, num0 = 0) => {
    for (let k = 0; k < count; k++) {
      REG_KIND[first + k] = kind;
      REG_NUM[first + k] = num0 + k;
      REG_SIZE[first + k] = size;
    }
  };
  set(Register.AL, 4, OP_GPR, 1); // AL CL DL BL
  set(Register.AH, 4, OP_GPR, 1, 16); // AH CH DH BH -> 16..19
  set(Register.SPL, 12, OP_GPR, 1, 4); // SPL BPL SIL DIL R8L..R15L
  set(Register.AX, 16, OP_GPR, 2);
  set(Register.EAX, 16, OP_GPR, 4);
  set(Register.RAX, 16, OP_GPR, 8);
  set(Register.XMM0, 16, OP_XMM, 16);
  set(Register.MM0, 8, OP_MMX, 8);
  set(Register.ST0, 8, OP_ST, 10);
  set(Register.ES, 6, OP_SEG, 2);
})();

/** Converts iced's RflagsBits to x86 RFLAGS bits. */
function icedFlagsToX86(f: number): number {
  let r = 0;
  if (f & RflagsBits.OF) r |= OF;
  if (f & RflagsBits.SF) r |= SF;
  if (f & RflagsBits.ZF) r |= ZF;
  if (f & RflagsBits.AF) r |= AF;
  if (f & RflagsBits.CF) r |= CF;
  if (f & RflagsBits.PF) r |= PF;
  if (f & RflagsBits.DF) r |= DF;
  return r;
}

/** Number for a GPR used in an address (base/index), and whether it is a 32-bit register. */
function addrReg(reg: Register): { num: number; is32: boolean } {
  if (reg === Register.None) return { num: -1, is32: false };
  if (reg >= Register.EAX && reg <= Register.R15D) return { num: reg - Register.EAX, is32: true };
  if (reg >= Register.RAX && reg <= Register.R15) return { num: reg - Register.RAX, is32: false };
  throw new Error(`unexpected address register ${Register[reg]}`);
}

const big2num = (v: bigint): number => Number(BigInt.asIntN(64, v));

/** Extracts everything the engines need from an iced Instruction. */
export function convert(ins: Instruction, bytes: Uint8Array): Insn {
  const i = new Insn();
  i.addr = Number(ins.ip);
  i.len = ins.length;
  i.next = i.addr + i.len;
  i.code = ins.code;
  i.mnemonic = ins.mnemonic;
  i.bytes = bytes;
  i.nops = ins.opCount;
  i.lock = ins.hasLockPrefix;
  i.rep = ins.hasRepePrefix ? REP_E : ins.hasRepnePrefix ? REP_NE : REP_NONE;
  i.flagsUndefined = icedFlagsToX86(ins.rflagsUndefined);
  i.flagsRead = icedFlagsToX86(ins.rflagsRead);
  i.flagsWritten = icedFlagsToX86(ins.rflagsModified);
  const cc = ins.conditionCode; // iced: None=0, o=1, no=2, b=3, ae=4, e=5, ne=6, be=7, a=8, s=9, ns=10, p=11, np=12, l=13, ge=14, le=15, g=16
  i.cc = cc === 0 ? -1 : cc - 1;

  let immSeen = 0;
  for (let n = 0; n < Math.min(i.nops, 4); n++) {
    const ok = ins.opKind(n);
    let kind = OP_OTHER, reg = 0, size = 0;
    switch (ok) {
      case OpKind.Register: {
        const r = ins.opRegister(n);
        kind = REG_KIND[r] || OP_OTHER;
        reg = REG_NUM[r];
        size = REG_SIZE[r];
        break;
      }
      case OpKind.Memory: {
        kind = OP_MEM;
        size = MemorySizeExt.size(ins.memorySize);
        i.msize = size;
        const mb = ins.memoryBase;
        const mx = ins.memoryIndex;
        if (mb === Register.RIP || mb === Register.EIP) {
          i.base = -1;
          i.disp = big2num(ins.memoryDisplacement); // iced resolves RIP-relative to the absolute address
          i.a32 = mb === Register.EIP;
        } else {
          const b = addrReg(mb);
          // xlat's implicit index is AL: its handler adds it (mov.ts), the EA here is just [rbx].
          const x = mx === Register.AL ? { num: -1, is32: false } : addrReg(mx);
          i.base = b.num;
          i.index = x.num;
          i.a32 = b.is32 || x.is32;
          i.scale = ins.memoryIndexScale;
          i.disp = i.a32 ? Number(BigInt.asIntN(32, ins.memoryDisplacement)) : big2num(ins.memoryDisplacement);
        }
        const seg = ins.memorySegment;
        i.seg = seg === Register.FS ? SEG_FS : seg === Register.GS ? SEG_GS : SEG_NONE;
        break;
      }
      case OpKind.Immediate8: case OpKind.Immediate16: case OpKind.Immediate32: case OpKind.Immediate64:
      case OpKind.Immediate8to16: case OpKind.Immediate8to32: case OpKind.Immediate8to64: case OpKind.Immediate32to64:
      case OpKind.Immediate8_2nd: {
        kind = OP_IMM;
        const v = ins.immediate(n);
        if (immSeen === 0) {
          const s = immediateSignExtended(ok, v);
          i.imm = Number(BigInt.asIntN(32, s));
          i.immHi = Number(BigInt.asIntN(32, s >> 32n));
        } else {
          i.imm2 = Number(v & 0xffffffffn);
        }
        immSeen++;
        size = immSize(ok);
        break;
      }
      case OpKind.NearBranch16: case OpKind.NearBranch32: case OpKind.NearBranch64:
        kind = OP_BRANCH;
        i.target = Number(ins.nearBranchTarget);
        break;
      case OpKind.MemorySegSI: case OpKind.MemorySegESI: case OpKind.MemorySegRSI:
      case OpKind.MemorySegDI: case OpKind.MemorySegEDI: case OpKind.MemorySegRDI:
      case OpKind.MemoryESDI: case OpKind.MemoryESEDI: case OpKind.MemoryESRDI:
        kind = OP_STRMEM;
        size = MemorySizeExt.size(ins.memorySize);
        i.msize = size;
        i.a32 = ok === OpKind.MemorySegESI || ok === OpKind.MemorySegEDI || ok === OpKind.MemoryESEDI;
        {
          const seg = ins.memorySegment;
          i.seg = seg === Register.FS ? SEG_FS : seg === Register.GS ? SEG_GS : SEG_NONE;
        }
        break;
    }
    switch (n) {
      case 0: i.k0 = kind; i.r0 = reg; i.s0 = size; break;
      case 1: i.k1 = kind; i.r1 = reg; i.s1 = size; break;
      case 2: i.k2 = kind; i.r2 = reg; i.s2 = size; break;
      case 3: i.k3 = kind; i.r3 = reg; i.s3 = size; break;
    }
  }
  void OP_NONE;
  return i;
}

function immSize(k: OpKind): number {
  switch (k) {
    case OpKind.Immediate8: case OpKind.Immediate8_2nd: return 1;
    case OpKind.Immediate16: case OpKind.Immediate8to16: return 2;
    case OpKind.Immediate32: case OpKind.Immediate8to32: return 4;
    default: return 8;
  }
}

/** The immediate as a 64-bit pattern, sign-extended from its encoded width to 64 bits. */
function immediateSignExtended(k: OpKind, v: bigint): bigint {
  switch (k) {
    case OpKind.Immediate8: case OpKind.Immediate8_2nd: return BigInt.asUintN(64, BigInt.asIntN(8, v));
    case OpKind.Immediate16: case OpKind.Immediate8to16: return BigInt.asUintN(64, BigInt.asIntN(16, v));
    case OpKind.Immediate32: case OpKind.Immediate8to32: return BigInt.asUintN(64, BigInt.asIntN(32, v));
    default: return BigInt.asUintN(64, v);
  }
}

// ------------------------------------------------------------------ blocks

/** A JIT region's compiled code, as the blocks in it see it (engine.ts Engine.compile). */
export interface CompiledRegion {
  blocks: Block[];
  dead: boolean;
  /** The region's entry when a block of the region branches back to it (a loop head), else null. */
  loopEntry: Block | null;
}

export class Block {
  /** Executions so far (the JIT's hotness counter). */
  count = 0;
  valid = true;
  /** Compiled form, when the JIT has translated this block: `compiled(c, addr)` runs the region from this block and returns the next block (or null). */
  compiled: ((c: import('./state.js').Cpu, at: number) => Block | null) | null = null;
  /** The region whose function `compiled` is (an entry is uninstalled only by its own region). */
  owner: CompiledRegion | null = null;
  /** JIT regions whose code contains this block: dropped when the block is invalidated. */
  regions: CompiledRegion[] = [];
  /** The JIT gave up on this block (compile error or not worth it). */
  noJit = false;
  /**
   * Times the inline SSE arithmetic of this block's compiled code met a case its fast path does
   * not compute (a denormal, NaN, overflow, a non-default MXCSR) and handed the instruction to
   * the interpreter (jit/runtime.ts fpRetry); at FP_RETRY_LIMIT the block is compiled again
   * with `fpMerge`.
   */
  fpRetries = 0;
  /**
   * Compile this block's inline SSE arithmetic with the slow path in place (the handler, then
   * the block goes on) instead of a side exit: for code whose floating point often leaves the
   * fast path (denormal-heavy loops, FTZ/DAZ set by -ffast-math).
   */
  fpMerge = false;
  /**
   * Where control went after the last interpreted run of this block (the JIT's profile of
   * indirect branches: ret, jmp/call through a register or memory). 0 = not seen yet.
   */
  lastSuccessor = 0;
  /**
   * For a block ending in an indirect jmp (switch dispatch through a jump table): the distinct
   * targets seen while it was interpreted, with how often (up to MAX_TARGETS, then no more are
   * added), so a region can take in the hot cases. null until a second target shows up.
   */
  targets: Map<number, number> | null = null;
  /** Entries into this block's compiled region through the dispatcher (engine.ts RETIER_ENTRIES). */
  entries = 0;
  /** Ends in an indirect jmp (switch dispatch), whose targets the engine profiles (`targets`). */
  readonly indirectJmp: boolean;
  /**
   * A native entry (CodeCache.natives: the vDSO's functions): its one instruction runs
   * JavaScript that performs a whole call including its `ret`. Never compiled on its own, but
   * compiled code calls it in place (codegen.ts emitNative).
   */
  native = false;
  constructor(readonly addr: number, readonly insns: Insn[], readonly end: number) {
    const last = insns[insns.length - 1];
    this.indirectJmp = last.mnemonic === Mnemonic.Jmp && !last.target;
  }
}


/**
 * Decodes the block starting at `addr`. Throws MemoryFault if `addr` itself is not executable.
 * An instruction that runs into a non-executable page decodes as a fetch fault at that page.
 */
export function decodeBlock(mem: Memory, addr: number): Block {
  mem.checkExec(addr, 1);
  const cached = DECODED.get(addr);
  if (cached !== undefined && sameBytes(mem, addr, cached)) return new Block(addr, cached.insns, cached.end);
  const b = decodeFresh(mem, addr);
  // Blocks ending in an undecodable instruction are left out: one cut short by a page without
  // execute permission depends on the protections, not only on the bytes (and they are rare).
  if (b.insns[b.insns.length - 1].code !== Code.INVALID) {
    if (DECODED.size >= DECODE_CACHE_BLOCKS) DECODED.clear();
    DECODED.set(addr, { bytes: mem.u8.slice(addr, b.end), insns: b.insns, end: b.end });
  }
  return b;
}

/**
 * Decoded blocks shared by every run in this host process, by address: decoding is a pure
 * function of the bytes and their address, and Insn objects never change once decoded, so a
 * block whose bytes are still the same reuses its instructions (a Block of its own carries the
 * per-process state). Repeated runs of one program (tests, batch users) decoded ~1000 blocks
 * each, ~35 ms of a 140 ms hello-world run. Bounded: cleared when full.
 */
const DECODED = new Map<number, { bytes: Uint8Array; insns: Insn[]; end: number }>();
const DECODE_CACHE_BLOCKS = 30_000;

function sameBytes(mem: Memory, addr: number, e: { bytes: Uint8Array; end: number }): boolean {
  const u8 = mem.u8, b = e.bytes, n = b.length;
  // The whole block must still be executable (a later page may have lost PROT_EXEC).
  if (((addr + n - 1) >>> PAGE_SHIFT) !== (addr >>> PAGE_SHIFT) && (mem.prot[(addr + n - 1) >>> PAGE_SHIFT] & PROT_EXEC) === 0) return false;
  for (let k = 0; k < n; k++) if (u8[addr + k] !== b[k]) return false;
  return true;
}

function decodeFresh(mem: Memory, addr: number): Block {
  // Bytes available: up to the end of the next page (an instruction may straddle one boundary),
  // stopping early where execute permission ends.
  const page = addr >>> PAGE_SHIFT;
  let avail = ((page + 1) << PAGE_SHIFT) - addr;
  if ((mem.prot[page + 1] & PROT_EXEC) !== 0 && page + 1 < mem.prot.length) avail += PAGE_SIZE;
  avail = Math.min(avail, MAX_BLOCK_INSNS * 15);
  const bytes = mem.u8.slice(addr, addr + avail);
  const dec = new Decoder(64, bytes, DecoderOptions.None);
  dec.ip = BigInt(addr);
  const insns: Insn[] = [];
  const pageEnd = (page + 1) << PAGE_SHIFT;
  try {
    let pos = 0;
    for (;;) {
      const ins = dec.decode();
      try {
        const here = addr + pos;
        if (ins.isInvalid) {
          const truncated = dec.lastError === DecoderError.NoMoreBytes;
          insns.push(invalidInsn(here, bytes.subarray(pos, Math.min(pos + 15, bytes.length)), truncated));
          break;
        }
        const i = convert(ins, bytes.slice(pos, pos + ins.length));
        i.exec = handlerFor(i);
        insns.push(i);
        pos += ins.length;
        const flow = ins.flowControl;
        if (flow !== FlowControl.Next || endsBlock(i.code)) break;
        if (addr + pos >= pageEnd || insns.length >= MAX_BLOCK_INSNS || !dec.canDecode) break;
      } finally {
        ins.free();
      }
    }
  } finally {
    dec.free();
  }
  const last = insns[insns.length - 1];
  return new Block(addr, insns, last.next);
}

/**
 * An undecodable instruction: if it ran out of executable bytes, executing it is a fetch fault
 * on the next page; otherwise it is #UD (SIGILL).
 */
function invalidInsn(addr: number, bytes: Uint8Array, truncated: boolean): Insn {
  const i = new Insn();
  i.addr = addr;
  i.len = 1;
  i.next = addr + 1;
  i.bytes = bytes.slice();
  i.code = Code.INVALID;
  i.mnemonic = Mnemonic.INVALID;
  if (truncated) {
    const faultAt = (addr & ~(PAGE_SIZE - 1)) + 2 * PAGE_SIZE > addr + 15 ? ((addr >>> PAGE_SHIFT) + 1) * PAGE_SIZE : addr;
    i.exec = () => { throw new MemoryFault(faultAt, false, false, true); };
  } else {
    i.exec = handlerFor(i);
  }
  return i;
}

export { disassemble, hexBytes } from './decode-format.js';
