/**
 * Instruction templates: which Codes each golden group covers, how many cases per Code, and the
 * constraints a family needs on top of the generic operand/value generator (build.ts): shift
 * counts, divisors that do or do not fault, bit-string offsets, stack and string pointers,
 * branch targets inside the int3-filled code page, rep counts and buffers, x87 memory images.
 *
 * Golden groups are the baseline families (src/tools/isa-baseline.ts) plus a few groups of
 * extra cases that are not baseline Codes of their own: privileged instructions (#GP), lock on
 * a register operand (#UD) and SIMD floating-point exceptions unmasked in MXCSR (#XM).
 */
import { Code, Instruction, MemorySize, Register, RepPrefixKind } from 'iced-x86';
import { baselineCodes, type Family } from '../../../src/tools/isa-baseline.js';
import { CODE_ADDR, CODE_SIZE, DATA_ADDR, DATA_RW, DATA_SIZE, INSN_OFF } from '../format.js';
import { type CaseBuilder, type TemplateHooks, Retry, gprSlot, GPR8, GPR16, GPR32, GPR64, XMM, MM } from './build.js';
import { Rng, intValue, regValue, laneBytes, f80Bytes, mxcsrValue } from './values.js';

export interface Template {
  /** Golden group (file name). */
  group: string;
  /** Template id (prefix of case ids). */
  id: string;
  codes: number[];
  perCode: number;
  hooks: TemplateHooks;
}

const D = BigInt(DATA_ADDR);
const nameOf = (c: number): string => Code[c];

// ------------------------------------------------------------------ helpers

/** Bits of an operand-size GPR/memory operand value. */
function readOperand(b: CaseBuilder, op: number): bigint {
  const o = b.ops[op];
  if (o.t === 'reg') {
    const s = gprSlot(o.reg);
    if (!s) throw new Error('not a GPR');
    return (b.st.gpr[s.n] >> BigInt(s.shift)) & ((1n << BigInt(s.bits)) - 1n);
  }
  if (o.t === 'mem' && b.mem) {
    const off = b.mem.target - D;
    if (off < 0n || off + BigInt(b.mem.size) > BigInt(DATA_SIZE)) return 0n;
    let v = 0n;
    for (let k = b.mem.size - 1; k >= 0; k--) v = (v << 8n) | BigInt(b.data[Number(off) + k]);
    return v;
  }
  throw new Error('operand not readable');
}

function writeOperand(b: CaseBuilder, op: number, bits: number, v: bigint): void {
  const o = b.ops[op];
  v = BigInt.asUintN(bits, v);
  if (o.t === 'reg') {
    const s = gprSlot(o.reg);
    if (!s) throw new Error('not a GPR');
    const m = ((1n << BigInt(s.bits)) - 1n) << BigInt(s.shift);
    b.setGpr(s.n, (b.st.gpr[s.n] & ~m) | (v << BigInt(s.shift)));
    return;
  }
  if (o.t === 'mem' && b.mem) {
    const bytes = new Uint8Array(bits / 8);
    for (let k = 0; k < bytes.length; k++) bytes[k] = Number((v >> BigInt(8 * k)) & 0xffn);
    b.poke(b.mem.target, bytes);
  }
}

function setAcc(b: CaseBuilder, bits: number, v: bigint, n = 0): void {
  const m = (1n << BigInt(bits)) - 1n;
  const cur = b.st.gpr[n];
  b.setGpr(n, bits === 32 ? v & m : (cur & ~m) | (v & m));
}

function widthOf(name: string): number {
  const m = /_(?:r|rm|m)(8|16|32|64)/.exec(name) ?? /(8|16|32|64)/.exec(name);
  return m ? Number(m[1]) : 64;
}

/** A count with the edge values of a shift by `w` bits: 0, 1, w-1, w, w+1, masks, random. */
function shiftCount(r: Rng, w: number): number {
  return r.pick([0, 1, 1, 2, w - 1, w, w + 1, 31, 32, 33, 63, 64, 65, 255, 7, 8, 9, 15, 16, 17, r.int(256), r.int(64), r.int(32)]) & 0xff;
}

/** A stack pointer in the data region, sometimes misaligned or where push/pop fault. */
function stackPointer(r: Rng): bigint {
  switch (r.weighted([10, 1.2, 0.6, 0.6, 0.6])) {
    case 0: return D + 0x1000n + BigInt(r.range(-0x300, 0x300) & ~7);
    case 1: return D + 0x1000n + BigInt(r.range(-0x300, 0x300));
    case 2: return D + BigInt(r.int(12)); // pushes fault below the region
    case 3: return D + BigInt(DATA_RW + 0x800); // read-only page: pushes fault, pops work
    default: return D + BigInt(DATA_SIZE - r.int(12)); // pops run off the end
  }
}

/** An address in the code page outside the instruction's own bytes (every byte there is int3). */
function codeTarget(r: Rng): number {
  for (;;) {
    const off = r.chance(0.5) ? INSN_OFF + r.range(-120, 140) : r.int(CODE_SIZE);
    if (off >= INSN_OFF && off < INSN_OFF + 16) continue;
    if (off < 0 || off >= CODE_SIZE) continue;
    return CODE_ADDR + off;
  }
}

/** A branch target for an indirect transfer: mostly in the page, sometimes unmapped or non-canonical. */
function indirectTarget(r: Rng): bigint {
  switch (r.weighted([12, 1, 1, 1])) {
    case 0: return BigInt(codeTarget(r));
    case 1: return BigInt(CODE_ADDR + CODE_SIZE + r.int(0x1000)); // unmapped page after the code
    case 2: return r.pick([0x8000000000000000n, 0x0000800000000000n, 0xffff800000000000n - 0x1000n]); // non-canonical
    default: return r.pick([0x0000000100001000n, 0x00007fff00000000n, 0x123456789an]); // canonical, unmapped (not the last user page: Linux reports faults there with the P bit)
  }
}

// ------------------------------------------------------------------ family hooks

const aluHooks: TemplateHooks = { lockShare: 0.15 };

const shiftHooks: TemplateHooks = {
  imm: (b, _op, kind) => {
    void kind;
    const w = widthOf(b.name);
    const n = shiftCount(b.rng, w);
    // 16-bit shld/shrd with a (masked) count above 16 leave the result undefined (SDM SHLD/SHRD).
    if (/^Sh[lr]d_rm16/.test(b.name) && (n & 31) > 16) return n & 15;
    return n;
  },
  pre: (b) => {
    if (/_CL$/.test(b.name)) {
      const w = widthOf(b.name);
      let n = shiftCount(b.rng, w);
      if (/^Sh[lr]d_rm16/.test(b.name) && (n & 31) > 16) n &= 15;
      b.fix(1, (regValue(b.rng, 64) & ~0xffn) | BigInt(n));
    }
  },
};

/** div/idiv: divisors and dividends chosen so most cases divide, some raise #DE (zero, overflow). */
const divHooks: TemplateHooks = {
  post: (b) => {
    const r = b.rng;
    const w = widthOf(b.name);
    const signed = b.name.startsWith('Idiv');
    const W = BigInt(w);
    const M = (1n << W) - 1n;
    const o = b.ops[0];
    // The divisor may share RAX/RDX (div ah, div dl ...): leave those to chance.
    if (o.t === 'reg') { const s = gprSlot(o.reg); if (s && (s.n === 0 || s.n === 2)) return; }
    const mode = r.weighted([7, 1, 1, 1]); // ok, zero divisor, overflow, INT_MIN/-1
    let d = BigInt.asUintN(w, intValue(r, w));
    if (d === 0n) d = 3n;
    if (mode === 1) d = 0n;
    if (signed && mode === 3) d = M; // -1
    writeOperand(b, 0, w, d);
    const ds = signed ? BigInt.asIntN(w, d) : d;
    let hi: bigint, lo: bigint;
    if (mode === 0 && d !== 0n) {
      let q: bigint;
      if (signed) {
        const lim = 1n << (W - 1n);
        q = BigInt.asIntN(w, intValue(r, w));
        if (r.chance(0.5)) q = BigInt(r.range(-1000, 1000));
        if (q >= lim || q < -lim) q = 0n;
        const absd = ds < 0n ? -ds : ds;
        let rem = absd > 1n ? BigInt(r.int(Number(absd > 1000000n ? 1000000n : absd))) : 0n;
        const n0 = q * ds;
        // remainder takes the sign of the dividend
        if (n0 < 0n || (n0 === 0n && r.chance(0.5))) rem = -rem;
        const n = n0 + rem;
        // keep the quotient exact: rem must not change trunc(n / d)
        if ((n0 >= 0n && n < 0n) || (n0 <= 0n && n > 0n)) { rem = 0n; }
        const dividend = BigInt.asUintN(2 * w, q * ds + rem);
        hi = dividend >> W; lo = dividend & M;
      } else {
        const q = BigInt.asUintN(w, intValue(r, w));
        const rem = d > 1n ? (BigInt.asUintN(w, r.u64()) % d) : 0n;
        const dividend = q * d + rem;
        hi = dividend >> W; lo = dividend & M;
      }
    } else if (mode === 2 && d !== 0n) {
      // quotient overflow: high half >= divisor (unsigned), or a large signed dividend
      hi = signed ? (BigInt.asUintN(w, intValue(r, w)) | (1n << (W - 2n))) & M : (d + BigInt.asUintN(w, r.u64()) % (M - d + 1n)) & M;
      lo = BigInt.asUintN(w, r.u64());
    } else {
      hi = signed && mode === 3 ? M : BigInt.asUintN(w, r.u64());
      lo = signed && mode === 3 ? (1n << (W - 1n)) : BigInt.asUintN(w, r.u64());
      if (signed && mode === 3) hi = M; // INT_MIN (sign-extended) / -1
    }
    if (w === 8) setAcc(b, 16, (hi << 8n) | lo, 0);
    else { setAcc(b, w, lo, 0); setAcc(b, w, hi, 2); }
  },
};

/** bt* with a register offset into a memory bit string: keep the addressed unit mostly in the region. */
const btHooks: TemplateHooks = {
  imm: (b) => b.rng.pick([0, 1, 7, 8, 15, 16, 31, 32, 63, 64, 127, 200, 255, b.rng.int(256)]),
  post: (b) => {
    const o = b.ops[1];
    if (b.ops[0].t !== 'mem' || o.t !== 'reg' || !b.mem) return;
    const s = gprSlot(o.reg);
    if (!s || b.addrRegs.has(s.n)) return;
    const w = widthOf(b.name);
    const r = b.rng;
    const room = Number(b.mem.target - D); // bytes available below the operand
    let off: bigint;
    if (r.chance(0.1)) off = BigInt.asIntN(w, intValue(r, w)); // anything: may fault far away
    else {
      const lo = Math.max(-room * 8, -0x4000), hi = Math.min((DATA_RW - room - 16) * 8, 0x4000);
      off = BigInt(r.range(Math.min(lo, hi), Math.max(lo, hi)));
    }
    if (w === 16) off = BigInt.asIntN(16, off);
    const m = ((1n << BigInt(s.bits)) - 1n);
    b.setGpr(s.n, s.bits === 32 ? BigInt.asUintN(32, off) : (b.st.gpr[s.n] & ~m) | BigInt.asUintN(s.bits, off));
  },
};

/** cmpxchg: half the cases compare equal. */
const cmpxchgHooks: TemplateHooks = {
  lockShare: 0.3,
  post: (b) => {
    if (!b.rng.chance(0.5)) return;
    const w = widthOf(b.name);
    try { setAcc(b, w, readOperand(b, 0), 0); } catch { /* unreadable */ }
  },
};

const cmpxchgNbHooks: TemplateHooks = {
  lockShare: 0.3,
  align: 16,
  post: (b) => {
    if (!b.mem || !b.rng.chance(0.6)) return;
    const off = Number(b.mem.target - D);
    if (off < 0 || off + b.mem.size > DATA_SIZE) return;
    const dv = new DataView(b.data.buffer, off, b.mem.size);
    if (b.mem.size === 8) {
      const lo = dv.getUint32(0, true), hi = dv.getUint32(4, true);
      b.setGpr(0, (b.st.gpr[0] & 0xffffffff00000000n) | BigInt(lo));
      b.setGpr(2, (b.st.gpr[2] & 0xffffffff00000000n) | BigInt(hi));
    } else {
      b.setGpr(0, dv.getBigUint64(0, true));
      b.setGpr(2, dv.getBigUint64(8, true));
    }
  },
};

const xlatHooks: TemplateHooks = {
  create: (b) => {
    const r = b.rng;
    const al = BigInt(r.int(256));
    const t = b.pickTarget(256, false);
    const a32 = r.chance(0.2);
    b.fix(0, (regValue(r, 64) & ~0xffn) | al);
    const rbx = BigInt.asUintN(64, t - al);
    b.fix(3, a32 ? (r.u64() & 0xffffffff00000000n) | (rbx & 0xffffffffn) : rbx);
    b.addrRegs.add(3);
    b.mem = { target: t, size: 1, a32, base: 3, index: 0, scale: 1, disp: 0n, rip: false };
    const x = new Instruction();
    x.code = Code.Xlat_m8;
    x.op0Kind = 24; // OpKind.Memory
    x.memoryBase = a32 ? Register.EBX : Register.RBX;
    x.memoryIndex = Register.AL;
    x.memoryIndexScale = 1;
    return x;
  },
};

const stackHooks: TemplateHooks = {
  pre: (b) => {
    const r = b.rng;
    b.fix(4, stackPointer(r));
    if (/^(Enter|Leave)/.test(b.name)) b.fix(5, r.chance(0.85) ? D + 0x1000n + BigInt(r.range(-0x200, 0x300) & ~7) : stackPointer(r));
  },
  imm: (b, op, kind) => {
    void kind;
    if (/^Enter/.test(b.name)) return op === 0 ? b.rng.pick([0, 8, 16, 0x20, 0x100, b.rng.int(0x400), 0xfff8, 3]) : b.rng.pick([0, 1, 2, 3, 5, 31, 32 + 2, b.rng.int(8)]);
    return undefined;
  },
  post: (b) => {
    const r = b.rng;
    const sp = b.st.gpr[4];
    // Values to pop: interesting integers and, for popf, every flag bit (TF excluded: single-step).
    for (let k = 0; k < 4; k++) b.poke64(sp + BigInt(8 * k), regValue(r, 64));
    if (/^Popf/.test(b.name)) {
      let v = regValue(r, 64) & ~0x100n;
      if (r.chance(0.6)) v = BigInt(r.int(0x400000)) & ~0x100n;
      b.poke64(sp, v);
    }
    if (/^Leave/.test(b.name)) b.poke64(b.st.gpr[5], regValue(r, 64));
  },
};

const jccHooks: TemplateHooks = {
  create: (b) => {
    const r = b.rng;
    const short = /rel8/.test(b.name);
    const target = short || r.chance(0.9) ? codeTarget(r) : Number(indirectTarget(r) & 0xffffffffn);
    if (/^(Loop|J[er]cxz)/.test(b.name)) {
      const v = r.pick([0n, 1n, 2n, 3n, 0x100000000n, 0x100000001n, 0xffffffffn, 0xffffffffffffffffn, intValue(r, 64), BigInt(r.int(100))]);
      b.fix(1, v);
    }
    if (/^Call/.test(b.name)) b.fix(4, stackPointer(r));
    return Instruction.createBranch(b.code, BigInt(target));
  },
};

const indirectHooks: TemplateHooks = {
  pre: (b) => { b.fix(4, stackPointer(b.rng)); },
  post: (b) => {
    const t = indirectTarget(b.rng);
    const o = b.ops[0];
    if (o.t === 'reg') { const s = gprSlot(o.reg); if (s && s.n !== 4) b.setGpr(s.n, t); }
    else if (b.mem) b.poke64(b.mem.target, t);
  },
};

const retHooks: TemplateHooks = {
  pre: (b) => { b.fix(4, stackPointer(b.rng)); },
  imm: (b) => b.rng.pick([0, 8, 16, 0x100, 3, b.rng.int(0x10000)]),
  post: (b) => { b.poke64(b.st.gpr[4], indirectTarget(b.rng)); },
};

// ---- strings

const STRING_CREATE: Record<string, (a: number, seg: number, rep: number) => Instruction> = {
  Movsb: (a, s, p) => Instruction.createMovsb(a, s, p), Movsw: (a, s, p) => Instruction.createMovsw(a, s, p),
  Movsd: (a, s, p) => Instruction.createMovsd(a, s, p), Movsq: (a, s, p) => Instruction.createMovsq(a, s, p),
  Cmpsb: (a, s, p) => Instruction.createCmpsb(a, s, p), Cmpsw: (a, s, p) => Instruction.createCmpsw(a, s, p),
  Cmpsd: (a, s, p) => Instruction.createCmpsd(a, s, p), Cmpsq: (a, s, p) => Instruction.createCmpsq(a, s, p),
  Lodsb: (a, s, p) => Instruction.createLodsb(a, s, p), Lodsw: (a, s, p) => Instruction.createLodsw(a, s, p),
  Lodsd: (a, s, p) => Instruction.createLodsd(a, s, p), Lodsq: (a, s, p) => Instruction.createLodsq(a, s, p),
  Stosb: (a, _s, p) => Instruction.createStosb(a, p), Stosw: (a, _s, p) => Instruction.createStosw(a, p),
  Stosd: (a, _s, p) => Instruction.createStosd(a, p), Stosq: (a, _s, p) => Instruction.createStosq(a, p),
  Scasb: (a, _s, p) => Instruction.createScasb(a, p), Scasw: (a, _s, p) => Instruction.createScasw(a, p),
  Scasd: (a, _s, p) => Instruction.createScasd(a, p), Scasq: (a, _s, p) => Instruction.createScasq(a, p),
};

interface StringPlan { a32: boolean; rep: number; size: number; kind: string }
const stringPlans = new WeakMap<CaseBuilder, StringPlan>();

const stringHooks: TemplateHooks = {
  create: (b) => {
    const r = b.rng;
    const mn = b.name.slice(0, 5);
    const a32 = r.chance(0.2);
    const rep = r.weighted([2, 3, 2]); // none, rep/repe, repne
    const seg = /^(Movs|Cmps|Lods)/.test(mn) && r.chance(0.1) ? r.pick([Register.DS, Register.ES, Register.CS]) : Register.None;
    const size = { b: 1, w: 2, d: 4, q: 8 }[mn[4] as 'b'] ?? 1;
    stringPlans.set(b, { a32, rep, size, kind: mn.slice(0, 4) });
    return STRING_CREATE[mn](a32 ? 32 : 64, seg, rep as RepPrefixKind);
  },
  post: (b) => {
    const p = stringPlans.get(b)!;
    const r = b.rng;
    const df = r.chance(0.35);
    b.st.rflags = (b.st.rflags & ~0x400) | (df ? 0x400 : 0);
    const count = p.rep === 0 ? 1 : r.pick([0, 1, 2, 3, 4, 7, 8, 15, 16, 31, 33, r.int(64), r.int(300), -1]);
    const n = count < 0 ? 100000 : count; // -1: a huge count that runs until a fault
    const span = Math.min(n, 600) * p.size;
    const place = (): bigint => {
      if (r.chance(0.06)) return r.pick([D - 8n, D + BigInt(DATA_RW - 4), D + BigInt(DATA_SIZE - 2), 0x8000000000000000n]);
      const lo = df ? span : 0, hi = df ? DATA_RW - p.size : DATA_RW - span - p.size;
      return D + BigInt(r.range(Math.min(lo, hi), Math.max(lo, hi)) & (r.chance(0.8) ? ~(p.size - 1) : ~0));
    };
    let si = place(), di = place();
    if (p.kind === 'Movs' && r.chance(0.25)) di = si + BigInt(r.range(-3, 3) * p.size + (r.chance(0.3) ? 1 : 0)); // overlap
    const widen = (v: bigint): bigint => (p.a32 ? (r.u64() & 0xffffffff00000000n) | (v & 0xffffffffn) : v);
    if (count < 0) b.setGpr(1, p.a32 ? 0xffffffffn | (r.u64() << 32n) : r.pick([0xffffffffffffffffn, 0x100000000n + 50n]));
    else b.setGpr(1, widen(BigInt(count)));
    if (p.a32 && count >= 0 && r.chance(0.2)) b.setGpr(1, 0x100000000n); // rcx != 0 but ecx == 0
    b.setGpr(6, widen(si));
    b.setGpr(7, widen(di));
    if (p.kind === 'Stos' || p.kind === 'Scas') b.setGpr(0, regValue(r, p.size * 8));
    // cmps/scas: make the operands equal up to a random point so repe/repne stop in interesting places.
    if ((p.kind === 'Cmps' || p.kind === 'Scas') && span > 0) {
      const len = Math.min(n, 600);
      const stop = r.int(len + 1);
      const equal = p.rep !== 2; // repe: equal run then a difference; repne: different run then a match
      const acc = new Uint8Array(8);
      new DataView(acc.buffer).setBigUint64(0, b.st.gpr[0], true);
      for (let k = 0; k < len; k++) {
        const step = BigInt((df ? -k : k) * p.size);
        const same = k < stop ? equal : !equal;
        const src = p.kind === 'Cmps' ? b.data.slice(Number(si - D + step), Number(si - D + step) + p.size) : acc.slice(0, p.size);
        if (p.kind === 'Cmps' && Number(si - D + step) < 0) continue;
        const v = same ? src : src.map((x) => x ^ (1 << r.int(8)));
        b.poke(di + step, v);
      }
    }
  },
};

// ---- SSE / MMX / x87

const sseShiftImm: TemplateHooks = {
  imm: (b) => b.rng.pick([0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 255, b.rng.int(256)]),
};
const sseShiftReg: TemplateHooks = {
  post: (b) => {
    // Count operand: small counts mostly, some >= the lane width, some huge.
    const r = b.rng;
    const cnt = r.pick([0n, 1n, 2n, 7n, 8n, 15n, 16n, 17n, 31n, 32n, 33n, 63n, 64n, 65n, 0x100000000n, 0xffffffffffffffffn, BigInt(r.int(70))]);
    const bytes = new Uint8Array(16);
    new DataView(bytes.buffer).setBigUint64(0, cnt, true);
    if (r.chance(0.3)) bytes.set(r.bytes(8), 8);
    const o = b.ops[1];
    if (o.t === 'reg') {
      if (o.reg >= Register.XMM0 && o.reg <= Register.XMM15) b.setXmm(o.reg - Register.XMM0, bytes);
      else if (o.reg >= Register.MM0 && o.reg <= Register.MM7) {
        const top = (b.st.fsw >> 11) & 7;
        b.st.st.set(bytes.subarray(0, 8), 10 * (((o.reg - Register.MM0) - top) & 7));
      }
    } else if (b.mem) b.poke(b.mem.target, bytes.subarray(0, b.mem.size));
  },
};

const cmpPredicate: TemplateHooks = { imm: (b) => (b.rng.chance(0.9) ? b.rng.int(8) : b.rng.int(256)) };

const ldmxcsrHooks: TemplateHooks = {
  post: (b) => {
    if (!b.mem) return;
    const r = b.rng;
    let v = r.chance(0.5) ? mxcsrValue(r) : r.int(0x10000);
    if (r.chance(0.1)) v |= r.pick([0x10000, 0x80000000, 0x40000]); // reserved bits: #GP
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setUint32(0, v >>> 0, true);
    b.poke(b.mem.target, bytes);
  },
};

const maskmovHooks: TemplateHooks = {
  create: (b) => {
    const r = b.rng;
    const isQ = b.name.startsWith('Maskmovq');
    const a32 = r.chance(0.2);
    const t = b.pickTarget(isQ ? 8 : 16, true);
    b.fix(7, a32 ? (r.u64() & 0xffffffff00000000n) | (t & 0xffffffffn) : t);
    b.mem = { target: t, size: isQ ? 8 : 16, a32, base: 7, index: -1, scale: 1, disp: 0n, rip: false };
    const regs = isQ ? MM : XMM;
    const r1 = r.pick(regs), r2 = r.pick(regs);
    return isQ ? Instruction.createMaskmovq(a32 ? 32 : 64, r1, r2, Register.None) : Instruction.createMaskmovdqu(a32 ? 32 : 64, r1, r2, Register.None);
  },
  lane: 'i8',
};

/** Builds a plausible FNSTENV/FNSAVE/FXSAVE image for the x87 loads (fldenv, frstor, fxrstor). */
const x87Hooks: TemplateHooks = {
  faultShare: 0.03,
  post: (b) => {
    if (!b.mem) return;
    const r = b.rng;
    const ms = b.memSizeKind;
    const t = b.mem.target;
    switch (ms) {
      case MemorySize.Float80: b.poke(t, f80Bytes(r)); break;
      case MemorySize.Bcd: {
        const v = new Uint8Array(10);
        for (let k = 0; k < 9; k++) v[k] = r.chance(0.95) ? (r.int(10) << 4) | r.int(10) : r.int(256);
        v[9] = r.chance(0.5) ? 0x80 : 0;
        b.poke(t, v);
        break;
      }
      case MemorySize.FpuEnv14: case MemorySize.FpuEnv28: case MemorySize.FpuState94: case MemorySize.FpuState108: {
        const small = ms === MemorySize.FpuEnv14 || ms === MemorySize.FpuState94;
        const w = small ? 2 : 4;
        const img = r.bytes(b.mem.size);
        const dv = new DataView(img.buffer);
        const cw = 0x37f & ~(r.chance(0.2) ? 1 << r.int(6) : 0) | (r.int(4) << 10);
        dv.setUint16(0, cw | 0x40, true);
        dv.setUint16(w, (r.int(8) << 11) | (r.chance(0.5) ? r.int(0x4800) & 0x4700 : 0), true);
        dv.setUint16(2 * w, r.pick([0xffff, 0x0000, 0x5555, r.int(0x10000)]), true);
        const regsAt = small ? 14 : 28;
        if (img.length > regsAt) for (let k = 0; k < 8; k++) img.set(f80Bytes(r), regsAt + 10 * k);
        b.poke(t, img);
        break;
      }
      case MemorySize.Fxsave_512Byte: case MemorySize.Fxsave64_512Byte: {
        if (!/Fxrstor/.test(b.name)) break;
        const img = r.bytes(512);
        const dv = new DataView(img.buffer);
        dv.setUint16(0, 0x37f | (r.int(4) << 10), true);
        dv.setUint16(2, (r.int(8) << 11) | (r.int(0x4800) & 0x4700), true);
        img[4] = r.int(256);
        dv.setUint32(24, r.chance(0.9) ? mxcsrValue(r) : 0x12345678, true);
        for (let k = 0; k < 8; k++) { img.set(f80Bytes(r), 32 + 16 * k); img.fill(0, 42 + 16 * k, 48 + 16 * k); }
        b.poke(t, img);
        break;
      }
      case MemorySize.Int16: case MemorySize.Int32: case MemorySize.Int64: {
        const n = b.mem.size;
        const v = intValue(r, 8 * n);
        const bytes = new Uint8Array(n);
        for (let k = 0; k < n; k++) bytes[k] = Number((v >> BigInt(8 * k)) & 0xffn);
        b.poke(t, bytes);
        break;
      }
      case MemorySize.Float32: case MemorySize.Float64: b.poke(t, laneBytes(r, b.mem.size, b.mem.size === 4 ? 'f32' : 'f64')); break;
      case MemorySize.UInt16: {
        if (/Fldcw/.test(b.name)) {
          const cw = 0x37f & ~(r.chance(0.2) ? 1 << r.int(6) : 0) | (r.int(4) << 10) | (r.pick([0, 2, 3]) << 8) | (r.chance(0.2) ? r.int(0x10000) & 0xe0c0 : 0);
          b.poke(t, new Uint8Array([cw & 0xff, cw >> 8]));
        }
        break;
      }
    }
  },
  align: 16,
};

const nopHooks: TemplateHooks = { faultShare: 0.2 };

// ------------------------------------------------------------------ rules

interface Rule { re: RegExp; perCode: number; hooks: TemplateHooks; id?: string }

const RULES: Partial<Record<Family, Rule[]>> = {
  alu: [{ re: /./, perCode: 26, hooks: aluHooks }],
  shift: [{ re: /./, perCode: 40, hooks: shiftHooks }],
  muldiv: [
    { re: /^I?div_/i, perCode: 70, hooks: divHooks },
    { re: /./, perCode: 45, hooks: {} },
  ],
  bit: [
    { re: /^Bt[src]?_/, perCode: 45, hooks: btHooks },
    { re: /./, perCode: 45, hooks: {} },
  ],
  mov: [
    { re: /^Xlat/, perCode: 40, hooks: xlatHooks },
    { re: /^Cmpxchg(8|16)b/, perCode: 60, hooks: cmpxchgNbHooks },
    { re: /^Cmpxchg_/, perCode: 40, hooks: cmpxchgHooks },
    { re: /^Xadd_|^Xchg_/, perCode: 25, hooks: { lockShare: 0.3 } },
    { re: /^Cmov/, perCode: 16, hooks: {} },
    { re: /^Set/, perCode: 30, hooks: {} },
    { re: /^(Nop|Reservednop|Prefetch|Clflush|.fence|Pause)/, perCode: 4, hooks: nopHooks },
    { re: /^Lea_/, perCode: 80, hooks: {} },
    { re: /./, perCode: 22, hooks: {} },
  ],
  stack: [{ re: /./, perCode: 45, hooks: stackHooks }],
  control: [
    { re: /^(J[a-z]+|Loop[a-z]*|Call|Jmp)_rel/, perCode: 40, hooks: jccHooks },
    { re: /^(Jmp|Call)_rm/, perCode: 50, hooks: indirectHooks },
    { re: /^Retn/, perCode: 50, hooks: retHooks },
  ],
  string: [{ re: /./, perCode: 90, hooks: stringHooks }],
  system: [
    // 0F FF without ModRM is AMD's UD0; iced (Intel form) reads a ModRM byte from the int3 fill: #UD either way.
    { re: /^Ud0$/, perCode: 5, hooks: { allowInvalid: true } },
    { re: /./, perCode: 30, hooks: {} },
  ],
  'sse-move': [
    { re: /^Ldmxcsr/, perCode: 60, hooks: ldmxcsrHooks },
    { re: /^Maskmov/, perCode: 40, hooks: maskmovHooks },
    { re: /./, perCode: 30, hooks: { lane: 'any' } },
  ],
  'sse-int': [
    { re: /^Ps(ll|rl|ra)[wdq]?_xmm_imm8|^Ps[lr]ldq/, perCode: 40, hooks: sseShiftImm },
    { re: /^Ps(ll|rl|ra)[wdq]_xmm_xmmm128/, perCode: 40, hooks: sseShiftReg },
    { re: /./, perCode: 30, hooks: {} },
  ],
  'sse-float': [
    { re: /^Cmp(ps|pd|ss|sd)/, perCode: 80, hooks: cmpPredicate },
    { re: /^Cvt/, perCode: 90, hooks: {} },
    { re: /./, perCode: 80, hooks: {} },
  ],
  mmx: [
    { re: /^Maskmovq/, perCode: 30, hooks: maskmovHooks },
    { re: /^Ps(ll|rl|ra)[wdq]_mm_imm8/, perCode: 30, hooks: sseShiftImm },
    { re: /^Ps(ll|rl|ra)[wdq]_mm_mmm64/, perCode: 30, hooks: sseShiftReg },
    { re: /./, perCode: 22, hooks: {} },
  ],
  x87: [
    { re: /^(Fld|Fst|Fist|Fbld|Fbstp|Fisttp)/, perCode: 20, hooks: x87Hooks },
    { re: /^(Fxsave|Fxrstor|Fnsave|Fsave|Frstor|Fldenv|Fnstenv|Fstenv)/, perCode: 20, hooks: x87Hooks },
    { re: /./, perCode: 16, hooks: x87Hooks },
  ],
};

/** Extra groups beyond the baseline Codes. */
function extraTemplates(): Template[] {
  const c = (names: string[]) => names.map((n) => (Code as unknown as Record<string, number>)[n]);
  return [
    {
      group: 'system', id: 'privileged', perCode: 4, hooks: {},
      codes: c(['Hlt', 'Cli', 'Sti', 'In_AL_DX', 'Out_DX_AL', 'In_AL_imm8', 'Rdmsr', 'Wbinvd']),
    },
    {
      group: 'alu', id: 'lock-reg', perCode: 3, hooks: { memShare: 0, lockShare: 1, allowInvalid: true },
      codes: c(['Add_rm32_r32', 'Sub_rm64_r64', 'Xor_rm8_r8', 'Inc_rm32', 'Neg_rm16', 'Or_rm32_imm8', 'Cmp_rm32_r32']),
    },
    {
      // CET shadow-stack reads in the 0F 1E hint-nop space: NOPs while shadow stacks are off (the
      // destination keeps its value). libgcc's unwinder runs rdsspq on every C++ throw.
      group: 'mov', id: 'cet-nop', perCode: 8, hooks: {},
      codes: c(['Rdsspd_r32', 'Rdsspq_r64']),
    },
    {
      group: 'sse-fpexc', id: 'unmasked', perCode: 40,
      hooks: { mxcsr: (b) => mxcsrValue(b.rng, true) },
      codes: c(['Addps_xmm_xmmm128', 'Addsd_xmm_xmmm64', 'Subss_xmm_xmmm32', 'Mulpd_xmm_xmmm128', 'Divss_xmm_xmmm32', 'Divpd_xmm_xmmm128',
        'Sqrtsd_xmm_xmmm64', 'Sqrtps_xmm_xmmm128', 'Minps_xmm_xmmm128', 'Maxsd_xmm_xmmm64', 'Cmpps_xmm_xmmm128_imm8', 'Comisd_xmm_xmmm64',
        'Ucomiss_xmm_xmmm32', 'Cvtsd2ss_xmm_xmmm64', 'Cvtps2pd_xmm_xmmm64', 'Cvttsd2si_r32_xmmm64', 'Cvtsi2ss_xmm_rm64', 'Cvtpd2dq_xmm_xmmm128',
        'Haddpd_xmm_xmmm128', 'Addsubps_xmm_xmmm128']),
    },
  ];
}

/** All templates in a fixed order. */
export function templates(): Template[] {
  const byRule = new Map<string, Template>();
  const out: Template[] = [];
  for (const bc of baselineCodes()) {
    if (bc.excluded) continue;
    const rules = RULES[bc.family] ?? [{ re: /./, perCode: 20, hooks: {} }];
    const k = rules.findIndex((r) => r.re.test(bc.name));
    if (k < 0) throw new Error(`no template rule for ${bc.name} (${bc.family})`);
    const key = `${bc.family}#${k}`;
    let t = byRule.get(key);
    if (!t) {
      t = { group: bc.family, id: `${bc.family}.${k}`, codes: [], perCode: rules[k].perCode, hooks: rules[k].hooks };
      byRule.set(key, t);
      out.push(t);
    }
    t.codes.push(bc.code);
  }
  return [...out, ...extraTemplates()];
}

export { nameOf, Retry, GPR8, GPR16, GPR32, GPR64 };
