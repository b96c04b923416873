/**
 * JIT behaviour: expect tests pinning the generated JavaScript of canonical snippets (reviewed
 * as diffs; regenerate with UPDATE_GOLDEN=1), agreement with the interpreter, precise faults
 * inside compiled code, and invalidation of self-modifying code.
 */
import { describe, it, expect } from 'vitest';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Instruction, Code, Register, MemoryOperand } from 'iced-x86';
import { assemble, machine, runToTrap, CODE, DATA } from '../helpers/machine.js';
import { generate } from '../../src/jit/codegen.js';
import { formRegion } from '../../src/jit/engine.js';
import { getRflags } from '../../src/cpu/flags.js';
import { SIGSEGV, SIGTRAP } from '../../src/cpu/exceptions.js';

const I = Instruction;
const R = Register;
const mem = (base: Register, disp = 0, index: Register = R.None, scale = 1) => new MemoryOperand(base, index, scale, BigInt(disp), 1, false, R.None);

/** Canonical snippets (each ends with int3). Labels are addresses relative to CODE. */
/** Where each snippet's hot region starts (the expect test compiles the region rooted there). */
const HOT: Record<string, number> = { 'counted-loop': CODE + 0x10, 'cmp-jcc-diamond': CODE, 'memcpy-loop': CODE, 'call-ret': CODE };

const SNIPPETS: Record<string, () => Instruction[]> = {
  // for (ecx = 0; ecx != 100; ecx++) eax += ecx;   (the loop body is the block at CODE + 0x10)
  'counted-loop': () => [
    I.createRegReg(Code.Xor_r32_rm32, R.EAX, R.EAX),
    I.createRegReg(Code.Xor_r32_rm32, R.ECX, R.ECX),
    I.createBranch(Code.Jmp_rel8_64, BigInt(CODE + 0x10)),
    withIp(I.createRegReg(Code.Add_r32_rm32, R.EAX, R.ECX), CODE + 0x10),
    I.createReg(Code.Inc_rm32, R.ECX),
    I.createRegI32(Code.Cmp_rm32_imm8, R.ECX, 100),
    I.createBranch(Code.Jne_rel8_64, BigInt(CODE + 0x10)),
    I.create(Code.Int3),
  ],
  // if (rdi < rsi) rax = 1 else rax = 2
  'cmp-jcc-diamond': () => [
    I.createRegReg(Code.Cmp_r64_rm64, R.RDI, R.RSI),
    I.createBranch(Code.Jb_rel8_64, BigInt(CODE + 0x20)),
    I.createRegU32(Code.Mov_r32_imm32, R.EAX, 2),
    I.create(Code.Int3),
    ...pad(0x20),
    withIp(I.createRegU32(Code.Mov_r32_imm32, R.EAX, 1), CODE + 0x20),
    I.create(Code.Int3),
  ],
  // copy rcx qwords from [rsi] to [rdi]
  'memcpy-loop': () => [
    withIp(I.createRegMem(Code.Mov_r64_rm64, R.RAX, mem(R.RSI)), CODE),
    I.createMemReg(Code.Mov_rm64_r64, mem(R.RDI), R.RAX),
    I.createRegI32(Code.Add_rm64_imm8, R.RSI, 8),
    I.createRegI32(Code.Add_rm64_imm8, R.RDI, 8),
    I.createReg(Code.Dec_rm64, R.RCX),
    I.createBranch(Code.Jne_rel8_64, BigInt(CODE)),
    I.create(Code.Int3),
  ],
  // call f; int3; f: lea eax, [rdi+rsi]; ret
  'call-ret': () => [
    I.createBranch(Code.Call_rel32_64, BigInt(CODE + 0x10)),
    I.create(Code.Int3),
    ...pad(0x10),
    withIp(I.createRegMem(Code.Lea_r32_m, R.EAX, mem(R.RDI, 0, R.RSI, 1)), CODE + 0x10),
    I.create(Code.Retnq),
  ],
};

function withIp(i: Instruction, ip: number): Instruction {
  i.ip = BigInt(ip);
  return i;
}
/** Marker: BlockEncoder places instructions with explicit ips; int3 padding fills gaps. */
function pad(_to: number): Instruction[] {
  return [];
}

/** Assembles instructions honouring explicit ips (anything between is int3). */
function build(insns: Instruction[]): Uint8Array {
  const out = new Uint8Array(0x100).fill(0xcc);
  let ip = CODE;
  for (const i of insns) {
    if (i.ip !== 0n) ip = Number(i.ip);
    const b = assemble([i], ip);
    out.set(b, ip - CODE);
    ip += b.length;
  }
  return out;
}

function setup(name: string, threshold: number | null) {
  const m = machine(build(SNIPPETS[name]()), threshold === null ? { enabled: false, threshold: 0 } : { enabled: true, threshold });
  const regs = m.cpu.regs;
  regs[2 * 6] = DATA; regs[2 * 7] = DATA + 0x400; regs[2 * 1] = 8; // rsi, rdi, rcx for memcpy
  for (let k = 0; k < 16; k++) m.mem.u8[DATA + k * 8] = k + 1;
  return m;
}

const GOLDEN = path.join(__dirname, 'golden');

describe('JIT expect tests (generated JavaScript of canonical snippets)', () => {
  for (const name of Object.keys(SNIPPETS)) {
    it(name, () => {
      // Run once in the interpreter so every block of the snippet is decoded, then translate
      // the region rooted at the hot block, as the JIT would.
      const m = setup(name, null);
      runToTrap(m);
      const entry = m.cache.get(HOT[name]);
      const src = generate(formRegion(m.cache, entry, 0)).source + '\n';
      const file = path.join(GOLDEN, `${name}.js`);
      if (process.env.UPDATE_GOLDEN === '1' || !fs.existsSync(file)) fs.writeFileSync(file, src);
      expect(src).toBe(fs.readFileSync(file, 'utf8'));
    });
  }
});

describe('JIT and interpreter agree', () => {
  for (const name of Object.keys(SNIPPETS)) {
    it(name, () => {
      const a = setup(name, null), b = setup(name, 0);
      runToTrap(a);
      runToTrap(b);
      expect(b.cpu.fault?.signo).toBe(SIGTRAP);
      expect(Array.from(b.cpu.regs)).toEqual(Array.from(a.cpu.regs));
      expect(b.cpu.rip).toBe(a.cpu.rip);
      expect(getRflags(b.cpu)).toBe(getRflags(a.cpu));
      expect(b.cpu.icount).toBe(a.cpu.icount);
      expect(b.mem.u8.subarray(DATA, DATA + 0x800)).toEqual(a.mem.u8.subarray(DATA, DATA + 0x800));
      expect(b.engine.stats.blocksCompiled).toBeGreaterThan(0);
    });
  }
});

describe('precise faults in compiled code', () => {
  it('a load from an unmapped page mid-block reports the interpreter\'s rip, registers and flags', () => {
    const code = build([
      I.createRegU32(Code.Mov_r32_imm32, R.EAX, 1),
      I.createRegI32(Code.Add_rm64_imm8, R.RBX, 5),
      I.createRegI32(Code.Sub_rm32_imm8, R.EDX, 3),
      I.createRegMem(Code.Mov_r64_rm64, R.RCX, mem(R.RSI, 0x5000)), // DATA+0x5000 is unmapped
      I.createRegU32(Code.Mov_r32_imm32, R.EAX, 7),
      // cmp overwrites the flags, so the JIT skips recording sub's flags on the normal path: the
      // fault path must reconstruct them.
      I.createRegReg(Code.Cmp_r32_rm32, R.EAX, R.EAX),
      I.create(Code.Int3),
    ]);
    const run = (threshold: number | null) => {
      const m = machine(code, threshold === null ? { enabled: false, threshold: 0 } : { enabled: true, threshold });
      m.cpu.regs[2 * 6] = DATA;
      m.cpu.regs[2 * 3] = 0xfffffffe; // rbx: the add carries into the high half
      runToTrap(m);
      return m;
    };
    const a = run(null), b = run(0);
    // The translation indeed skipped sub's flags and reconstructs them on the fault path.
    const src = generate(formRegion(b.cache, b.cache.get(CODE))).source;
    expect(src).toMatch(/switch \(pc\) \{\ncase 3: c\.fop = 14;/);
    expect(a.cpu.fault?.signo).toBe(SIGSEGV);
    expect(b.cpu.fault).toEqual(a.cpu.fault);
    expect(b.cpu.rip).toBe(a.cpu.rip);
    expect(Array.from(b.cpu.regs)).toEqual(Array.from(a.cpu.regs));
    expect(getRflags(b.cpu)).toBe(getRflags(a.cpu));
    expect(b.cpu.icount).toBe(a.cpu.icount);
    expect(b.engine.stats.blocksCompiled).toBe(1);
  });
});

describe('templates whose dead-flags path the ISA goldens cannot reach', () => {
  // The ISA goldens compare flags after every instruction, so flags are always live there;
  // these snippets overwrite the flags right away to exercise the value-only paths.
  it('imul r64 (2 and 3 operands) with dead flags matches the interpreter', () => {
    const code = build([
      I.createRegReg(Code.Imul_r64_rm64, R.RAX, R.RBX),
      I.createRegRegI32(Code.Imul_r64_rm64_imm32, R.RCX, R.RDX, -123457),
      I.createRegMem(Code.Imul_r64_rm64, R.RSI, mem(R.RDI)),
      I.createRegReg(Code.Xor_r32_rm32, R.R8D, R.R8D),
      I.create(Code.Int3),
    ]);
    const values = [0n, 1n, -1n, 0x7fffffffffffffffn, -0x8000000000000000n, 0x123456789abcdefn, -0xfedcba987654321n, 0xffffffffn, 0x100000000n, 3037000500n];
    for (const x of values) {
      for (const y of values) {
        const run = (threshold: number | null) => {
          const m = machine(code, threshold === null ? { enabled: false, threshold: 0 } : { enabled: true, threshold });
          const set = (r: number, v: bigint) => { const u = BigInt.asUintN(64, v); m.cpu.regs[2 * r] = Number(u & 0xffffffffn) | 0; m.cpu.regs[2 * r + 1] = Number(u >> 32n) | 0; };
          set(0, x); set(3, y); set(2, x * 7n); set(6, y); set(7, BigInt(DATA));
          new DataView(m.mem.u8.buffer).setBigInt64(DATA, x, true);
          runToTrap(m);
          return m;
        };
        const a = run(null), b = run(0);
        expect(b.engine.stats.blocksCompiled).toBe(1);
        expect(generate(formRegion(b.cache, b.cache.get(CODE), 0)).source.match(/X\.mulLo64/g)).toHaveLength(3);
        expect(Array.from(b.cpu.regs)).toEqual(Array.from(a.cpu.regs));
        expect(getRflags(b.cpu)).toBe(getRflags(a.cpu));
      }
    }
  });
});
