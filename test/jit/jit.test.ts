/**
 * JIT behaviour: expect tests pinning the generated JavaScript of canonical snippets (reviewed
 * as diffs; regenerate with UPDATE_GOLDEN=1), agreement with the interpreter, precise faults
 * inside compiled code, and invalidation of self-modifying code.
 */
import { describe, it, expect } from 'vitest';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Instruction, Code, Register, MemoryOperand } from 'iced-x86';
import { assemble, machine, runToTrap, toyKernel, setReg64, CODE, DATA, type Machine } from '../helpers/machine.js';
import { generate } from '../../src/jit/codegen.js';
import { formRegion } from '../../src/jit/engine.js';
import { FP_RETRY_LIMIT } from '../../src/jit/runtime.js';
import { getRflags } from '../../src/cpu/flags.js';
import { SIGFPE, SIGSEGV, SIGTRAP } from '../../src/cpu/exceptions.js';
import { enterSyscall } from '../../src/cpu/system.js';
import { RSP } from '../../src/cpu/state.js';
import { PROT_READ, PROT_WRITE, PROT_EXEC } from '../../src/memory/memory.js';

const I = Instruction;
const R = Register;
const mem = (base: Register, disp = 0, index: Register = R.None, scale = 1) => new MemoryOperand(base, index, scale, BigInt(disp), 1, false, R.None);

/** Canonical snippets (each ends with int3). Labels are addresses relative to CODE. */
/** Where each snippet's hot region starts (the expect test compiles the region rooted there). */
const HOT: Record<string, number> = { 'counted-loop': CODE + 0x10, 'cmp-jcc-diamond': CODE, 'memcpy-loop': CODE, 'call-ret': CODE, 'syscall-loop': CODE + 0x10 };

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
  // for (edx = 5; edx; edx--) { eax = 39 + edx; syscall; rdi += rax; }   (compiled code goes on after
  // each syscall when the kernel lets it: codegen.ts emitSyscall)
  'syscall-loop': () => [
    I.createRegU32(Code.Mov_r32_imm32, R.EDX, 5),
    I.createBranch(Code.Jmp_rel8_64, BigInt(CODE + 0x10)),
    withIp(I.createRegMem(Code.Lea_r32_m, R.EAX, mem(R.RDX, 39)), CODE + 0x10),
    I.create(Code.Syscall),
    I.createRegReg(Code.Add_r64_rm64, R.RDI, R.RAX),
    I.createReg(Code.Dec_rm32, R.EDX),
    I.createBranch(Code.Jne_rel8_64, BigInt(CODE + 0x10)),
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

/** The interpreter alone (null), or the JIT compiling blocks after `threshold` runs. */
function engineOpts(threshold: number | null) {
  return threshold === null ? { enabled: false, threshold: 0 } : { enabled: true, threshold };
}

/** `code` run to its trap by the interpreter and with every block compiled, each after `prepare`. */
function interpretedAndCompiled(code: Uint8Array, prepare: (m: Machine) => void): [Machine, Machine] {
  const run = (threshold: number | null) => {
    const m = machine(code, engineOpts(threshold));
    prepare(m);
    runToTrap(m);
    return m;
  };
  return [run(null), run(0)];
}

/** The compiled run stopped as the interpreter did: signal, rip, registers, flags, instruction count. */
function expectSameStop(a: Machine, b: Machine): void {
  expect(b.cpu.fault).toEqual(a.cpu.fault);
  expect(b.cpu.rip).toBe(a.cpu.rip);
  expect(Array.from(b.cpu.regs)).toEqual(Array.from(a.cpu.regs));
  expect(getRflags(b.cpu)).toBe(getRflags(a.cpu));
  expect(b.cpu.icount).toBe(a.cpu.icount);
}

function setup(name: string, threshold: number | null, compiledSyscalls = true) {
  const m = machine(build(SNIPPETS[name]()), engineOpts(threshold));
  toyKernel(m, compiledSyscalls);
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

describe('syscalls in compiled code', () => {
  it('continue in the region when the kernel lets them, and leave it otherwise, with the interpreter\'s results', () => {
    const a = setup('syscall-loop', null), b = setup('syscall-loop', 0), c = setup('syscall-loop', 0, false);
    for (const m of [a, b, c]) runToTrap(m);
    expect(a.syscalls).toBe(5);
    for (const m of [b, c]) {
      expect(m.syscalls).toBe(5);
      expect(Array.from(m.cpu.regs)).toEqual(Array.from(a.cpu.regs));
      expect(getRflags(m.cpu)).toBe(getRflags(a.cpu));
      expect(m.cpu.icount).toBe(a.cpu.icount);
      expect(m.cpu.rip).toBe(a.cpu.rip);
    }
    // The interpreter and the ungated compiled code leave the engine at every syscall; with the
    // gate, compiled code never does (the region includes the block after the syscall).
    expect(a.syscallExits).toBe(5);
    expect(c.syscallExits).toBe(5);
    expect(b.syscallExits ?? 0).toBe(0);
    expect(b.engine.stats.blocksCompiled).toBeGreaterThan(0);
  });
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
    const [a, b] = interpretedAndCompiled(code, (m) => {
      m.cpu.regs[2 * 6] = DATA;
      m.cpu.regs[2 * 3] = 0xfffffffe; // rbx: the add carries into the high half
    });
    // The translation indeed skipped sub's flags and reconstructs them on the fault path.
    const src = generate(formRegion(b.cache, b.cache.get(CODE))).source;
    expect(src).toMatch(/switch \(pc\) \{\ncase 3: c\.fop = 14;/);
    expect(a.cpu.fault?.signo).toBe(SIGSEGV);
    expectSameStop(a, b);
    expect(b.engine.stats.blocksCompiled).toBe(1);
  });

  it('unpckhpd from an unmapped m128 faults at the operand\'s first byte, like the interpreter', () => {
    // The template only needs the high half but must read (and fault) from the start.
    const code = build([
      I.createRegReg(Code.Addpd_xmm_xmmm128, R.XMM1, R.XMM0),
      I.createRegMem(Code.Unpckhpd_xmm_xmmm128, R.XMM0, mem(R.RSI, 0x5000)), // DATA+0x5000 is unmapped
      I.create(Code.Int3),
    ]);
    const [a, b] = interpretedAndCompiled(code, (m) => { m.cpu.regs[2 * 6] = DATA; m.cpu.mxcsr = 0x1f80; });
    expect(a.cpu.fault?.signo).toBe(SIGSEGV);
    expectSameStop(a, b);
    expect(Array.from(b.cpu.xmm)).toEqual(Array.from(a.cpu.xmm));
    expect(b.engine.stats.blocksCompiled).toBe(1);
  });

  it('a #XM from an inline SSE divide after register-only instructions (which set no `pc`) reports the divide\'s rip', () => {
    // Only instructions that can throw record which one is running (codegen.ts isTransfer/callsOut):
    // the fault must still be attributed to the div, not to the last instruction that set `pc`.
    const code = build([
      I.createRegMem(Code.Mov_r64_rm64, R.RBX, mem(R.RSI, 0)),
      I.createRegU32(Code.Mov_r32_imm32, R.EAX, 100),
      I.createRegReg(Code.Xor_r32_rm32, R.EDX, R.EDX),
      I.createRegI32(Code.Add_rm64_imm8, R.RBX, 5),
      I.createRegI32(Code.Rol_rm32_imm8, R.EAX, 3),
      // Inline template; with divide-by-zero unmasked its fast path gives way to the handler,
      // which raises the SIMD floating-point exception (SIGFPE).
      I.createRegReg(Code.Divsd_xmm_xmmm64, R.XMM0, R.XMM1),
      I.create(Code.Int3),
    ]);
    const [a, b] = interpretedAndCompiled(code, (m) => {
      m.cpu.regs[2 * 6] = DATA;
      m.cpu.mxcsr = 0x1f80 & ~0x200; // ZM clear
      m.cpu.xmmF64[0] = 1; // xmm0 = 1.0, xmm1 = 0.0
    });
    expect(a.cpu.fault?.signo).toBe(SIGFPE);
    expect(Array.from(code.subarray(a.cpu.rip - CODE, a.cpu.rip - CODE + 3))).toEqual([0xf2, 0x0f, 0x5e]); // at the divsd
    expect(generate(formRegion(b.cache, b.cache.get(CODE))).source).toContain('.exec(c'); // the template's handler path
    expectSameStop(a, b);
    expect(b.engine.stats.blocksCompiled).toBe(1);
  });
});

describe('inline SSE arithmetic that misses its fast path (runtime.ts fpRetry)', () => {
  it('hands the rest of the block to the interpreter, then gets the slow path inline after FP_RETRY_LIMIT misses', () => {
    // for (ecx = 200; ecx; ecx--) { xmm0 *= xmm1; xmm2 += xmm0; }  with a denormal in xmm0:
    // every mulsd leaves its fast path (DE, UE).
    const code = build([
      I.createRegReg(Code.Mulsd_xmm_xmmm64, R.XMM0, R.XMM1),
      I.createRegReg(Code.Addsd_xmm_xmmm64, R.XMM2, R.XMM0),
      I.createReg(Code.Dec_rm32, R.ECX),
      I.createBranch(Code.Jne_rel8_64, BigInt(CODE)),
      I.create(Code.Int3),
    ]);
    const [a, b] = interpretedAndCompiled(code, (m) => {
      m.cpu.mxcsr = 0x1f80;
      m.cpu.regs[2 * 1] = 200;
      m.cpu.xmmF64[0] = 5e-324 * 3; m.cpu.xmmF64[2] = 1.0000001; m.cpu.xmmF64[4] = 1;
    });
    expectSameStop(a, b);
    expect(Array.from(b.cpu.xmm)).toEqual(Array.from(a.cpu.xmm));
    expect(b.cpu.mxcsr).toBe(a.cpu.mxcsr);
    const blk = b.cache.get(CODE);
    expect(blk.fpRetries).toBe(FP_RETRY_LIMIT);
    expect(blk.fpMerge).toBe(true);
    expect(b.engine.stats.blocksCompiled).toBe(3); // the loop twice, the int3 block once
    // Each miss ran the block's 4 instructions in the interpreter; none after the recompile.
    expect(b.engine.stats.interpretedInstructions).toBe(4 * FP_RETRY_LIMIT);
    const merged = generate(formRegion(b.cache, blk, 0)).source;
    expect(merged).toContain('.exec(c');
    expect(merged).not.toContain('fpRetry');
  });

  it('a side exit leaves exact flags: a fault in the interpreted rest of the block sees the cmp before the miss', () => {
    // cmp's flags are dead in compiled code (add overwrites them), but the load faults first.
    const code = build([
      I.createRegReg(Code.Cmp_r64_rm64, R.RAX, R.RBX),
      I.createRegReg(Code.Mulsd_xmm_xmmm64, R.XMM0, R.XMM1),
      I.createRegMem(Code.Mov_r64_rm64, R.RDX, mem(R.RSI)),
      I.createRegI32(Code.Add_rm64_imm8, R.RCX, 1),
      I.create(Code.Int3),
    ]);
    const [a, b] = interpretedAndCompiled(code, (m) => {
      m.cpu.mxcsr = 0x1f80;
      m.cpu.regs[0] = 5; m.cpu.regs[2] = 7; // rax < rbx: CF, SF set
      m.cpu.regs[2 * 6] = 0x1000; // unmapped
      m.cpu.xmmF64[0] = 1e-310; m.cpu.xmmF64[2] = 2;
    });
    expect(a.cpu.fault?.signo).toBe(SIGSEGV);
    expectSameStop(a, b);
    expect(Array.from(b.cpu.xmm)).toEqual(Array.from(a.cpu.xmm));
    expect(b.cpu.mxcsr).toBe(a.cpu.mxcsr);
    expect(b.cache.get(CODE).fpRetries).toBe(1);
  });

  it('tests the MXCSR and a known operand once per block; a recompiled (fpMerge) block tests them at each operation', () => {
    const code = build([
      I.createRegReg(Code.Mulpd_xmm_xmmm128, R.XMM1, R.XMM0),
      I.createRegReg(Code.Addpd_xmm_xmmm128, R.XMM1, R.XMM0),
      I.createRegReg(Code.Subpd_xmm_xmmm128, R.XMM2, R.XMM1),
      I.create(Code.Int3),
    ]);
    const m = machine(code, engineOpts(0));
    const blk = m.cache.get(CODE);
    const count = (src: string, text: string) => src.split(text).length - 1;
    const denormalTest = (src: string) => count(src, '>= 2.2250738585072014e-308 || d');
    const exits = generate(formRegion(m.cache, blk, 0)).source;
    expect(count(exits, '(c.mxcsr & 0xffc0) === 0x1f80')).toBe(1);
    // Operands tested for denormals: xmm1's and xmm0's lanes by mulpd (4), none by addpd (both
    // known), xmm2's by subpd (2: xmm1's lanes are addpd's results); plus each result's full test (6).
    expect(denormalTest(exits)).toBe(4 + 0 + 2 + 6);
    blk.fpMerge = true;
    const merged = generate(formRegion(m.cache, blk, 0)).source;
    expect(count(merged, '(c.mxcsr & 0xffc0) === 0x1f80')).toBe(3);
    expect(denormalTest(merged)).toBe(4 + 4 + 4 + 6);
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
          const m = machine(code, engineOpts(threshold));
          const set = (r: number, v: bigint) => setReg64(m, r, v);
          set(0, x); set(3, y); set(2, x * 7n); set(6, y); set(7, BigInt(DATA));
          new DataView(m.mem.u8.buffer).setBigInt64(DATA, x, true);
          runToTrap(m);
          return m;
        };
        const a = run(null), b = run(0);
        expect(b.engine.stats.blocksCompiled).toBe(1);
        const src = generate(formRegion(b.cache, b.cache.get(CODE), 0)).source;
        // The dead-flags path: the low half only; the flags only in the fault path (the catch).
        expect(src.slice(0, src.indexOf('} catch (e) {'))).not.toMatch(/X\.imul64Flags/);
        expect(src.match(/X\.mulLo64\(/g)).toHaveLength(3);
        expect(Array.from(b.cpu.regs)).toEqual(Array.from(a.cpu.regs));
        expect(getRflags(b.cpu)).toBe(getRflags(a.cpu));
      }
    }
  });

  it('imul r64 with live flags (seto, setb; muldiv.ts imul64Flags near 2^63 too) and dead flags before a fault match the interpreter', () => {
    const code = build([
      I.createRegReg(Code.Imul_r64_rm64, R.RAX, R.RBX),
      I.createReg(Code.Seto_rm8, R.CL),
      I.createRegRegI32(Code.Imul_r64_rm64_imm32, R.RDX, R.RBX, 3),
      I.createReg(Code.Setb_rm8, R.CH),
      I.createRegReg(Code.Imul_r64_rm64, R.RSI, R.RBX),
      I.createRegMem(Code.Mov_r64_rm64, R.R9, mem(R.RDI)), // faults when rdi is unmapped
      I.createRegReg(Code.Xor_r32_rm32, R.R8D, R.R8D),
      I.create(Code.Int3),
    ]);
    const p63 = 1n << 63n;
    const values = [0n, 1n, -1n, 3n, p63 - 1n, -p63, 3037000499n, 3037000500n, -3037000500n, 0x100000000n, p63 / 3n, -(p63 / 3n), p63 / 3n + 1n,
      0x123456789abcdefn, 2n ** 31n, -(2n ** 31n), 2n ** 32n + 1n];
    for (const x of values) {
      for (const y of values) {
        for (const fault of [false, true]) {
          const run = (threshold: number | null) => {
            const m = machine(code, engineOpts(threshold));
            const set = (r: number, v: bigint) => setReg64(m, r, v);
            set(0, x); set(3, y); set(6, y * 5n); set(7, fault ? 0x1000n : BigInt(DATA));
            runToTrap(m);
            return m;
          };
          const a = run(null), b = run(0);
          expect(a.cpu.fault?.signo).toBe(fault ? SIGSEGV : SIGTRAP);
          expectSameStop(a, b);
        }
      }
    }
  });
});

describe('bsf with dead flags matches the interpreter', () => {
  it('32 and 64 bits, zero and non-zero sources (a zero source leaves the destination alone)', () => {
    const code = build([
      I.createRegReg(Code.Bsf_r64_rm64, R.RAX, R.RBX),
      I.createRegReg(Code.Bsf_r32_rm32, R.ECX, R.EDX),
      I.createRegReg(Code.Bsf_r64_rm64, R.RSI, R.RSI),
      I.createRegReg(Code.Xor_r32_rm32, R.R8D, R.R8D),
      I.create(Code.Int3),
    ]);
    const values = [0n, 1n, 0x80000000n, 0x100000000n, 0x8000000000000000n, 0xfffffff0n, 0x123400000000n, -1n];
    for (const x of values) {
      for (const y of values) {
        const run = (threshold: number | null) => {
          const m = machine(code, engineOpts(threshold));
          const set = (r: number, v: bigint) => setReg64(m, r, v);
          set(0, 0x1111222233334444n); set(1, 0x5555666677778888n); set(3, x); set(2, y); set(6, x ^ y);
          runToTrap(m);
          return m;
        };
        const a = run(null), b = run(0);
        expect(generate(formRegion(b.cache, b.cache.get(CODE), 0)).source).toMatch(/X\.ctz32/);
        expect(Array.from(b.cpu.regs)).toEqual(Array.from(a.cpu.regs));
        expect(getRflags(b.cpu)).toBe(getRflags(a.cpu));
      }
    }
  });
});

describe('bsf with dead flags, then a fault', () => {
  it('the signal sees the flags bsf left (the fault path applies them)', () => {
    const code = build([
      I.createRegReg(Code.Sub_r32_rm32, R.EDX, R.EDI), // a lazy record bsf materialises
      I.createRegReg(Code.Bsf_r64_rm64, R.RAX, R.RBX),
      I.createRegMem(Code.Mov_r64_rm64, R.RCX, mem(R.RSI, 0x5000)), // unmapped
      I.createRegReg(Code.Cmp_r32_rm32, R.EAX, R.EAX),
      I.create(Code.Int3),
    ]);
    for (const x of [0, 8, -1]) {
      const run = (threshold: number | null) => {
        const m = machine(code, engineOpts(threshold));
        m.cpu.regs[2 * 6] = DATA; m.cpu.regs[2 * 3] = x; m.cpu.regs[2 * 2] = 5; m.cpu.regs[2 * 7] = 9;
        runToTrap(m);
        return m;
      };
      const a = run(null), b = run(0);
      expect(a.cpu.fault?.signo).toBe(SIGSEGV);
      expect(b.cpu.fault).toEqual(a.cpu.fault);
      expect(b.cpu.rip).toBe(a.cpu.rip);
      expect(Array.from(b.cpu.regs)).toEqual(Array.from(a.cpu.regs));
      expect(getRflags(b.cpu)).toBe(getRflags(a.cpu));
    }
  });
});

describe('128-bit moves keep every bit', () => {
  it('NaN payloads (signalling, V8\'s hole pattern) survive load, register copy and store', () => {
    const code = build([
      I.createRegMem(Code.Movdqu_xmm_xmmm128, R.XMM1, mem(R.RSI)),
      I.createRegReg(Code.Movaps_xmm_xmmm128, R.XMM2, R.XMM1),
      I.createMemReg(Code.Movups_xmmm128_xmm, mem(R.RDI), R.XMM2),
      I.create(Code.Int3),
    ]);
    const patterns = [0x7ff0000000000001n, 0xfff7fffffff7ffffn, 0x7ff7fffffff7ffffn, 0x7ff8deadbeef0001n, 0xfff0000000000000n, 0x0000000000000001n];
    for (const lo of patterns) {
      for (const hi of patterns) {
        const mm = machine(code, { enabled: true, threshold: 0 });
        const dv = new DataView(mm.mem.u8.buffer);
        dv.setBigUint64(DATA, lo, true);
        dv.setBigUint64(DATA + 8, hi, true);
        mm.cpu.regs[2 * 6] = DATA; mm.cpu.regs[2 * 7] = DATA + 0x400;
        runToTrap(mm);
        expect(mm.engine.stats.blocksCompiled).toBe(1);
        expect(dv.getBigUint64(DATA + 0x400, true)).toBe(lo);
        expect(dv.getBigUint64(DATA + 0x408, true)).toBe(hi);
      }
    }
  });
});

describe('int32 lanes kept in locals across a block (xmm-locals.ts, Gen.readXM)', () => {
  it('packed-integer chains, with lanes rewritten through the double view and by handlers, agree with the interpreter', () => {
    // Lanes written by one instruction and read by the next (the source as the destination too),
    // a 128-bit register copy and a scalar double move in between (XF writes), a handler (pshufb: no
    // template), movd/movq out to registers and memory, pmovmskb, and stores of every register.
    const code = build([
      I.createRegMem(Code.Movdqu_xmm_xmmm128, R.XMM0, mem(R.RSI)),
      I.createRegMem(Code.Movdqu_xmm_xmmm128, R.XMM1, mem(R.RSI, 16)),
      I.createRegReg(Code.Paddd_xmm_xmmm128, R.XMM1, R.XMM0),
      I.createRegRegU32(Code.Pshufd_xmm_xmmm128_imm8, R.XMM2, R.XMM1, 0x1b),
      I.createRegReg(Code.Punpcklbw_xmm_xmmm128, R.XMM2, R.XMM2),
      I.createRegU32(Code.Psrlq_xmm_imm8, R.XMM2, 3),
      I.createRegReg(Code.Movapd_xmm_xmmm128, R.XMM3, R.XMM2),
      I.createRegReg(Code.Paddd_xmm_xmmm128, R.XMM3, R.XMM1),
      I.createRegReg(Code.Movsd_xmm_xmmm64, R.XMM3, R.XMM0),
      I.createRegReg(Code.Pxor_xmm_xmmm128, R.XMM3, R.XMM1),
      I.createRegReg(Code.Pshufb_xmm_xmmm128, R.XMM1, R.XMM0),
      I.createRegReg(Code.Pcmpeqb_xmm_xmmm128, R.XMM1, R.XMM3),
      I.createRegReg(Code.Pmovmskb_r32_xmm, R.EAX, R.XMM1),
      I.createRegReg(Code.Movq_rm64_xmm, R.RBX, R.XMM2),
      I.createRegReg(Code.Movd_rm32_xmm, R.ECX, R.XMM3),
      I.createRegReg(Code.Pxor_xmm_xmmm128, R.XMM0, R.XMM0),
      I.createRegReg(Code.Psubq_xmm_xmmm128, R.XMM0, R.XMM3),
      I.createRegReg(Code.Movq_xmm_rm64, R.XMM4, R.RBX),
      I.createRegReg(Code.Paddq_xmm_xmmm128, R.XMM4, R.XMM0),
      I.createMemReg(Code.Movdqu_xmmm128_xmm, mem(R.RDI), R.XMM0),
      I.createMemReg(Code.Movdqu_xmmm128_xmm, mem(R.RDI, 16), R.XMM1),
      I.createMemReg(Code.Movdqu_xmmm128_xmm, mem(R.RDI, 32), R.XMM2),
      I.createMemReg(Code.Movdqu_xmmm128_xmm, mem(R.RDI, 48), R.XMM3),
      I.createMemReg(Code.Movq_rm64_xmm, mem(R.RDI, 64), R.XMM4),
      I.create(Code.Int3),
    ]);
    let seed = 7;
    const rnd = () => (seed = (Math.imul(seed, 1103515245) + 12345) | 0);
    for (let n = 0; n < 40; n++) {
      const words = Array.from({ length: 8 }, () => (n % 5 === 0 ? rnd() & 0x80ff00ff : rnd()));
      const [a, b] = interpretedAndCompiled(code, (m) => {
        m.cpu.mxcsr = 0x1fa0;
        const dv = new DataView(m.mem.u8.buffer);
        words.forEach((w, k) => dv.setInt32(DATA + 4 * k, w, true));
        m.cpu.regs[2 * 6] = DATA;
        m.cpu.regs[2 * 7] = DATA + 0x400;
      });
      expectSameStop(a, b);
      expect(Array.from(b.cpu.xmm)).toEqual(Array.from(a.cpu.xmm));
      expect(Array.from(b.mem.u8.subarray(DATA + 0x400, DATA + 0x448))).toEqual(Array.from(a.mem.u8.subarray(DATA + 0x400, DATA + 0x448)));
      expect(b.engine.stats.interpretedInstructions).toBe(0);
    }
    // Lanes come from locals: xmm1's lane 0 is read from the view by paddd (after the load, which
    // writes the double view) and by pcmpeqb (after pshufb's handler wrote it), not by pshufd or pxor.
    const m = machine(code, engineOpts(0));
    const src = generate(formRegion(m.cache, m.cache.get(CODE), 0)).source;
    const reads = (n: number) => src.split(`= XM[${n}];`).length - 1;
    expect(reads(4)).toBe(2);
    expect(src).toContain('.exec(c'); // pshufb's handler, after which lanes are read again
  });

  it('an inline SSE arithmetic result (written through the double view) is read again as int32 lanes', () => {
    const code = build([
      I.createRegReg(Code.Paddd_xmm_xmmm128, R.XMM1, R.XMM0),
      I.createRegReg(Code.Addpd_xmm_xmmm128, R.XMM1, R.XMM0),
      I.createRegReg(Code.Pxor_xmm_xmmm128, R.XMM2, R.XMM1),
      I.create(Code.Int3),
    ]);
    const m = machine(code, engineOpts(0));
    for (const merge of [false, true]) {
      const blk = m.cache.get(CODE);
      blk.fpMerge = merge;
      const src = generate(formRegion(m.cache, blk, 0)).source;
      const add = src.indexOf('XF[2] = ');
      expect(add).toBeGreaterThan(0);
      expect(src.indexOf('= XM[4];', add)).toBeGreaterThan(add); // pxor reads xmm1 from the view again
    }
  });
});

describe('double lanes kept in locals across a block (xmm-locals.ts)', () => {
  it('reads after writes through every view, handler calls and slow paths agree with the interpreter', () => {
    // One straight-line block: lanes written by one instruction and read by the next, writes
    // through the int32 view (pxor, paddq), a handler call that writes a register (cvtsi2sd,
    // shufpd), scalar and half moves, and stores of everything at the end.
    const code = build([
      I.createRegMem(Code.Movupd_xmm_xmmm128, R.XMM0, mem(R.RSI)),
      I.createRegReg(Code.Movapd_xmm_xmmm128, R.XMM1, R.XMM0),
      I.createRegReg(Code.Mulpd_xmm_xmmm128, R.XMM1, R.XMM0),
      I.createRegMem(Code.Movsd_xmm_xmmm64, R.XMM2, mem(R.RSI, 16)),
      I.createRegReg(Code.Addsd_xmm_xmmm64, R.XMM2, R.XMM1),
      I.createRegMem(Code.Movhpd_xmm_m64, R.XMM2, mem(R.RSI, 24)),
      I.createRegReg(Code.Unpckhpd_xmm_xmmm128, R.XMM3, R.XMM2),
      I.createRegReg(Code.Paddq_xmm_xmmm128, R.XMM1, R.XMM3),
      I.createRegReg(Code.Subpd_xmm_xmmm128, R.XMM1, R.XMM2),
      I.createRegReg(Code.Cvtsi2sd_xmm_rm64, R.XMM2, R.RCX),
      I.createRegReg(Code.Divsd_xmm_xmmm64, R.XMM2, R.XMM0),
      I.createRegRegU32(Code.Shufpd_xmm_xmmm128_imm8, R.XMM0, R.XMM3, 1),
      I.createRegReg(Code.Addpd_xmm_xmmm128, R.XMM0, R.XMM1),
      I.createRegReg(Code.Pxor_xmm_xmmm128, R.XMM3, R.XMM3),
      I.createRegReg(Code.Addpd_xmm_xmmm128, R.XMM3, R.XMM0),
      I.createRegReg(Code.Movsd_xmm_xmmm64, R.XMM1, R.XMM3),
      I.createRegReg(Code.Ucomisd_xmm_xmmm64, R.XMM1, R.XMM2),
      I.createRegReg(Code.Unpcklpd_xmm_xmmm128, R.XMM2, R.XMM1),
      I.createMemReg(Code.Movupd_xmmm128_xmm, mem(R.RDI), R.XMM0),
      I.createMemReg(Code.Movupd_xmmm128_xmm, mem(R.RDI, 16), R.XMM1),
      I.createMemReg(Code.Movupd_xmmm128_xmm, mem(R.RDI, 32), R.XMM2),
      I.createMemReg(Code.Movsd_xmmm64_xmm, mem(R.RDI, 48), R.XMM3),
      I.createMemReg(Code.Movhpd_m64_xmm, mem(R.RDI, 56), R.XMM3),
      I.create(Code.Int3),
    ]);
    const values = [1.5, -3, 0.1, 1e300, 5e-324, 0, -0, NaN, Infinity, 7, 2 ** -1030, 1e-310];
    let compiled = 0;
    for (const mx of [0x1f80, 0x1fa0, 0x1f80 | 0x8040]) {
      for (let n = 0; n < 24; n++) {
        const [a, b] = interpretedAndCompiled(code, (m) => {
          m.cpu.mxcsr = mx;
          const dv = new DataView(m.mem.u8.buffer);
          for (let k = 0; k < 4; k++) dv.setFloat64(DATA + 8 * k, values[(n * 5 + k * 7 + (n >> 3) * k) % values.length], true);
          if (n === 23) dv.setBigUint64(DATA, 0x7ff0000000000001n, true); // a signalling NaN's payload
          m.cpu.regs[2 * 6] = DATA;
          m.cpu.regs[2 * 7] = DATA + 0x400;
          m.cpu.regs[2 * 1] = n - 12; // rcx for cvtsi2sd
        });
        expectSameStop(a, b);
        expect(Array.from(b.cpu.xmm)).toEqual(Array.from(a.cpu.xmm));
        expect(b.cpu.mxcsr).toBe(a.cpu.mxcsr);
        expect(Array.from(b.mem.u8.subarray(DATA + 0x400, DATA + 0x440))).toEqual(Array.from(a.mem.u8.subarray(DATA + 0x400, DATA + 0x440)));
        compiled += b.engine.stats.blocksCompiled;
      }
    }
    expect(compiled).toBe(3 * 24);
    // The block does read lanes from locals (not every lane from the view again).
    const m = machine(code, engineOpts(0));
    const src = generate(formRegion(m.cache, m.cache.get(CODE), 0)).source;
    const viewReads = src.match(/^d\d+ = XF\[\d+\];$/gm)?.length ?? 0;
    expect(viewReads).toBeLessThan(30); // 38 with every lane read from the view
  });
});

/**
 * Compiled code ran everything of the block at CODE except what its inline SSE fast paths handed
 * to the interpreter (runtime.ts fpRetry: the rest of the block, at most two instructions before
 * the int3 here), and the block was compiled again with the slow path inline (Block.fpMerge)
 * exactly when it had missed FP_RETRY_LIMIT times.
 */
function expectRetriesOnly(m: Machine): void {
  const blk = m.cache.get(CODE);
  expect(blk.fpMerge).toBe(blk.fpRetries >= FP_RETRY_LIMIT);
  expect(m.engine.stats.blocksCompiled).toBe(blk.fpMerge ? 2 : 1);
  expect(m.engine.stats.interpretedInstructions).toBeLessThanOrEqual(2 * Math.min(blk.fpRetries, FP_RETRY_LIMIT));
}

describe('inline SSE floating point and rotates agree with the interpreter', () => {
  // The ISA goldens start from random MXCSR values, which rarely are the fast path's (round to
  // nearest, no DAZ/FTZ, all masked; PE set or not): here every operand class meets every MXCSR
  // class, and exact results (small integers) meet inexact ones while PE is clear.
  const doubles = [0, -0, 1, -1.5, Math.PI, 0.1, 1e-10, 1e308, -1e308, 2.2250738585072014e-308, 3e-308, 5e-324, 1e-300, 1e300,
    Infinity, -Infinity, NaN, 123456789.123, -7, 4, 0.25, 9, 3, 2 ** 60, 2 ** -1000, 2 ** 990];
  const floats = [0, -0, 1, -1.5, 3.4028234663852886e38, 1.1754943508222875e-38, 1e-45, 1e-30, 1e30, Infinity, NaN, 0.1, 3, -2.5e-20,
    4, 9, 0.5, 16777216, 16777217, 2 ** 100];
  const fp = [
    Code.Addsd_xmm_xmmm64, Code.Subsd_xmm_xmmm64, Code.Mulsd_xmm_xmmm64, Code.Divsd_xmm_xmmm64, Code.Sqrtsd_xmm_xmmm64,
    Code.Addpd_xmm_xmmm128, Code.Subpd_xmm_xmmm128, Code.Mulpd_xmm_xmmm128, Code.Divpd_xmm_xmmm128, Code.Sqrtpd_xmm_xmmm128,
    Code.Addss_xmm_xmmm32, Code.Subss_xmm_xmmm32, Code.Mulss_xmm_xmmm32, Code.Divss_xmm_xmmm32, Code.Sqrtss_xmm_xmmm32,
    Code.Addps_xmm_xmmm128, Code.Subps_xmm_xmmm128, Code.Mulps_xmm_xmmm128, Code.Divps_xmm_xmmm128, Code.Sqrtps_xmm_xmmm128,
  ];
  it('add/sub/mul/div/sqrt, scalar and packed, single and double, register and memory operands', () => {
    const mxcsrs = [0x1fa0, 0x1f80, 0x1fa0 | 0x2000, 0x1fa0 | 0x8040, 0x1fa0 & ~0x0200, 0x1fbf];
    let fast = 0;
    for (const op of fp) {
      // xmm0 op= xmm1, then xmm2 op= [rdi] (16 aligned bytes): fresh operands for each.
      const code = build([I.createRegReg(op, R.XMM0, R.XMM1), I.createRegMem(op, R.XMM2, mem(R.RDI)), I.create(Code.Int3)]);
      const a = machine(code, { enabled: false, threshold: 0 }), b = machine(code, { enabled: true, threshold: 0 });
      for (const mx of mxcsrs) {
        for (let n = 0; n < 48; n++) {
          const pick = (xs: number[], k: number) => xs[(n * 7 + k * 13 + (n >> 2) * k) % xs.length];
          for (const m of [a, b]) {
            m.cpu.rip = CODE;
            m.cpu.fault = null;
            m.cpu.mxcsr = mx;
            const f64 = m.cpu.xmmF64, f32 = m.cpu.xmmF32;
            // Doubles in xmm0/xmm1, floats in xmm2; memory holds doubles or floats (mixed classes either way).
            for (let k = 0; k < 2; k++) { f64[0 + k] = pick(doubles, k); f64[2 + k] = pick(doubles, k + 2); }
            for (let k = 0; k < 4; k++) f32[8 + k] = pick(floats, k + 4);
            const dv = new DataView(m.mem.u8.buffer);
            if (n % 2) { dv.setFloat64(DATA, pick(doubles, 9), true); dv.setFloat64(DATA + 8, pick(doubles, 11), true); }
            else for (let k = 0; k < 4; k++) dv.setFloat32(DATA + 4 * k, pick(floats, k + 7), true);
            m.cpu.regs[2 * 7] = DATA;
            runToTrap(m);
          }
          expect(b.cpu.fault?.signo).toBe(a.cpu.fault?.signo);
          expect(Array.from(b.cpu.xmm)).toEqual(Array.from(a.cpu.xmm));
          expect(b.cpu.mxcsr).toBe(a.cpu.mxcsr);
          expect(b.cpu.rip).toBe(a.cpu.rip);
          if (mx === 0x1fa0 || mx === 0x1f80) fast++;
        }
      }
      expectRetriesOnly(b);
      expect(generate(formRegion(b.cache, b.cache.get(CODE), 0)).source).toContain('(c.mxcsr & 0xffc0) === 0x1f80');
    }
    expect(fast).toBe(fp.length * 2 * 48); // the two fast-path MXCSRs (PE set, PE clear)
  });

  it('every pair of special operands (zeros, infinities, NaN, denormals, extremes) on the fast-path MXCSRs', () => {
    // The fast path tests an operand only for not being a denormal and leaves infinities and
    // NaNs to the result's test (templates-sse-float.ts): every pair, not a sample, must agree.
    const specials64 = [0, -0, 1, -1.5, Infinity, -Infinity, NaN, 5e-324, -1e-310, 2.2250738585072014e-308, 1.7976931348623157e308, 1e-200, 1e200];
    const specials32 = [0, -0, 1, -1.5, Infinity, -Infinity, NaN, 1e-45, -1e-40, 1.1754943508222875e-38, 3.4028234663852886e38, 1e-30, 1e30];
    for (const op of fp) {
      const single = fp.indexOf(op) >= 10;
      const code = build([I.createRegReg(op, R.XMM0, R.XMM1), I.create(Code.Int3)]);
      const a = machine(code, { enabled: false, threshold: 0 }), b = machine(code, { enabled: true, threshold: 0 });
      const vs = single ? specials32 : specials64;
      for (const mx of [0x1f80, 0x1fa0]) {
        for (const x of vs) {
          for (const y of vs) {
            for (const m of [a, b]) {
              m.cpu.rip = CODE; m.cpu.fault = null; m.cpu.mxcsr = mx;
              if (single) { m.cpu.xmmF32.fill(x, 0, 4); m.cpu.xmmF32.fill(y, 4, 8); }
              else { m.cpu.xmmF64.fill(x, 0, 2); m.cpu.xmmF64.fill(y, 2, 4); }
              runToTrap(m);
            }
            expect(Array.from(b.cpu.xmm), `${x} ${y}`).toEqual(Array.from(a.cpu.xmm));
            expect(b.cpu.mxcsr, `${x} ${y}`).toBe(a.cpu.mxcsr);
          }
        }
      }
      expectRetriesOnly(b);
    }
  });

  it('add/sub/mul double while PE is clear: the inline exactness tests set PE exactly when softfloat does', () => {
    // templates-sse-float.ts exactOrPE: a sum is exact iff r - a === b and r - b === a; a
    // product of operands Math.fround keeps is exact; else TwoProduct. Operand pairs: short and
    // long significands, near and far exponents, opposite signs (cancellation), zeros.
    let seed = 12345;
    const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) | 0) >>> 0) / 4294967296;
    const value = (): number => {
      const sign = rnd() < 0.5 ? -1 : 1;
      switch (Math.floor(rnd() * 7)) {
        case 0: return sign * Math.floor(rnd() * 1000);
        case 1: return sign * Math.floor(rnd() * 2 ** 20) / 2 ** Math.floor(rnd() * 30);
        case 2: return sign * Math.fround(rnd() * 2 ** Math.floor(rnd() * 60 - 30));
        case 3: return sign * (1 + rnd()) * 2 ** Math.floor(rnd() * 200 - 100);
        case 4: return sign * 2 ** Math.floor(rnd() * 120 - 60);
        case 5: return sign * (2 ** 53 - Math.floor(rnd() * 8));
        default: return sign * rnd();
      }
    };
    const ops = [Code.Addsd_xmm_xmmm64, Code.Subsd_xmm_xmmm64, Code.Mulsd_xmm_xmmm64, Code.Addpd_xmm_xmmm128, Code.Subpd_xmm_xmmm128, Code.Mulpd_xmm_xmmm128];
    let exact = 0, inexact = 0;
    for (const op of ops) {
      const code = build([I.createRegReg(op, R.XMM0, R.XMM1), I.create(Code.Int3)]);
      const a = machine(code, { enabled: false, threshold: 0 }), b = machine(code, { enabled: true, threshold: 0 });
      for (let n = 0; n < 1500; n++) {
        const x = [value(), value()], y = [value(), rnd() < 0.3 ? -x[1] + value() : value()];
        if (rnd() < 0.2) y[0] = -x[0] * (rnd() < 0.5 ? 1 : 1 + 2 ** -40); // cancellation
        for (const m of [a, b]) {
          m.cpu.rip = CODE;
          m.cpu.fault = null;
          m.cpu.mxcsr = 0x1f80;
          m.cpu.xmmF64[0] = x[0]; m.cpu.xmmF64[1] = x[1]; m.cpu.xmmF64[2] = y[0]; m.cpu.xmmF64[3] = y[1];
          runToTrap(m);
        }
        expect(Array.from(b.cpu.xmm)).toEqual(Array.from(a.cpu.xmm));
        expect(b.cpu.mxcsr, `${x} ${y}`).toBe(a.cpu.mxcsr);
        if (a.cpu.mxcsr === 0x1f80) exact++; else if (a.cpu.mxcsr === 0x1fa0) inexact++;
      }
      expect(b.engine.stats.interpretedInstructions).toBe(0);
    }
    // Both outcomes are well represented.
    expect(exact).toBeGreaterThan(1500);
    expect(inexact).toBeGreaterThan(1500);
  });

  it('comisd/ucomisd/comiss/ucomiss feed setcc, jcc and adc like the interpreter (NaNs, zeros, denormals, every MXCSR class)', () => {
    const setccs = [Code.Seta_rm8, Code.Setae_rm8, Code.Setb_rm8, Code.Setbe_rm8, Code.Sete_rm8, Code.Setne_rm8, Code.Setp_rm8, Code.Setnp_rm8];
    const regs8 = [R.AL, R.BL, R.CL, R.DL, R.SIL, R.DIL, R.R8L, R.R9L];
    for (const op of [Code.Ucomisd_xmm_xmmm64, Code.Comisd_xmm_xmmm64, Code.Ucomiss_xmm_xmmm32, Code.Comiss_xmm_xmmm32]) {
      const code = build([
        I.createRegReg(op, R.XMM0, R.XMM1),
        ...setccs.map((cc, k) => I.createReg(cc, regs8[k])),
        I.createRegMem(op, R.XMM1, mem(R.R10)),
        I.createRegI32(Code.Adc_rm32_imm8, R.R11D, 0),
        I.create(Code.Int3),
      ]);
      const a = machine(code, { enabled: false, threshold: 0 }), b = machine(code, { enabled: true, threshold: 0 });
      const values = [0, -0, 1, -1, 2.5, 1e300, 5e-324, 1e-40, Infinity, -Infinity, NaN];
      for (const mx of [0x1f80, 0x1fa0, 0x1f00 /* IE unmasked: SIGFPE on NaN for comisd */]) {
        for (const x of values) {
          for (const y of values) {
            for (const m of [a, b]) {
              m.cpu.rip = CODE; m.cpu.fault = null; m.cpu.mxcsr = mx;
              m.cpu.regs.fill(0);
              m.cpu.regs[2 * 10] = DATA;
              if (op === Code.Ucomisd_xmm_xmmm64 || op === Code.Comisd_xmm_xmmm64) {
                m.cpu.xmmF64[0] = x; m.cpu.xmmF64[2] = y; new DataView(m.mem.u8.buffer).setFloat64(DATA, x, true);
              } else {
                m.cpu.xmmF32[0] = x; m.cpu.xmmF32[4] = y; new DataView(m.mem.u8.buffer).setFloat32(DATA, x, true);
              }
              runToTrap(m);
            }
            expect(b.cpu.fault?.signo).toBe(a.cpu.fault?.signo);
            expect(b.cpu.rip).toBe(a.cpu.rip);
            expect(Array.from(b.cpu.regs)).toEqual(Array.from(a.cpu.regs));
            expect(getRflags(b.cpu)).toBe(getRflags(a.cpu));
            expect(b.cpu.mxcsr).toBe(a.cpu.mxcsr);
          }
        }
      }
      expect(b.engine.stats.blocksCompiled).toBe(1);
      expect(generate(formRegion(b.cache, b.cache.get(CODE), 0)).source).not.toContain('X.cond(');
    }
  });

  it('rol/ror by a constant with dead flags (32 and 64 bits, register and memory)', () => {
    const code = build([
      I.createRegI32(Code.Rol_rm32_imm8, R.EAX, 7),
      I.createRegI32(Code.Ror_rm32_imm8, R.EBX, 13),
      I.createRegI32(Code.Rol_rm64_imm8, R.RCX, 5),
      I.createRegI32(Code.Ror_rm64_imm8, R.RDX, 40),
      I.createRegI32(Code.Rol_rm64_imm8, R.RSI, 32),
      I.createRegI32(Code.Ror_rm64_1, R.R8, 1),
      I.createMemI32(Code.Rol_rm64_imm8, mem(R.RDI), 17),
      I.createMemI32(Code.Ror_rm32_imm8, mem(R.RDI, 8), 3),
      I.createRegReg(Code.Xor_r32_rm32, R.R9D, R.R9D),
      I.create(Code.Int3),
    ]);
    const values = [0n, 1n, -1n, 0x8000000000000000n, 0x123456789abcdefn, 0xfedcba9876543210n, 0x80000001n];
    for (const x of values) {
      const run = (threshold: number | null) => {
        const m = machine(code, engineOpts(threshold));
        const set = (r: number, v: bigint) => setReg64(m, r, v);
        for (const r of [0, 1, 2, 3, 6, 8]) set(r, x * BigInt(r + 1));
        set(7, BigInt(DATA));
        new DataView(m.mem.u8.buffer).setBigInt64(DATA, x, true);
        new DataView(m.mem.u8.buffer).setBigInt64(DATA + 8, ~x, true);
        runToTrap(m);
        return m;
      };
      const a = run(null), b = run(0);
      expect(generate(formRegion(b.cache, b.cache.get(CODE), 0)).source).not.toMatch(/= X\.shift\.ro/); // (the catch block's fault records still call it)
      expect(Array.from(b.cpu.regs)).toEqual(Array.from(a.cpu.regs));
      expect(getRflags(b.cpu)).toBe(getRflags(a.cpu));
      expect(b.mem.u8.subarray(DATA, DATA + 16)).toEqual(a.mem.u8.subarray(DATA, DATA + 16));
    }
  });

  it('shl/shr/sar of 64-bit registers and memory by cl, and bsf, with flags live and dead', () => {
    // Counts 0 (nothing changes, flags included), 1..31, 32..63 and above 63 (masked).
    const counts = [0, 1, 5, 31, 32, 33, 63, 64, 65, 127];
    const values = [0n, 1n, -1n, 0x8000000000000000n, 0x123456789abcdefn, 0xfedcba9876543210n, 0x80000001n];
    for (const live of [true, false]) {
      // Live: setcc reads the flags right after; dead: cmp overwrites them all first.
      const after = (k: number) => live
        ? [I.createReg([Code.Setb_rm8, Code.Sete_rm8, Code.Sets_rm8, Code.Setp_rm8][k % 4], [R.R8L, R.R9L, R.R10L, R.R11L][k % 4])]
        : [I.createRegReg(Code.Cmp_r64_rm64, R.R12, R.R13)];
      const code = build([
        I.createRegReg(Code.Shl_rm64_CL, R.RAX, R.CL), ...after(0),
        I.createRegReg(Code.Shr_rm64_CL, R.RBX, R.CL), ...after(1),
        I.createRegReg(Code.Sar_rm64_CL, R.RDX, R.CL), ...after(2),
        I.createMemReg(Code.Shl_rm64_CL, mem(R.RDI), R.CL), ...after(3),
        I.createMemReg(Code.Sar_rm64_CL, mem(R.RDI, 8), R.CL), ...after(0),
        I.createRegReg(Code.Bsf_r32_rm32, R.R14D, R.EAX), ...after(1),
        I.createRegReg(Code.Bsf_r64_rm64, R.R15, R.RBX), // flags live at the block's end
        I.create(Code.Int3),
      ]);
      for (const x of values) {
        for (const n of counts) {
          const run = (jit: boolean) => {
            const m = machine(code, { enabled: jit, threshold: 0 });
            const set = (r: number, v: bigint) => setReg64(m, r, v);
            for (const r of [0, 2, 3, 12, 13, 14, 15]) set(r, x * BigInt(r + 1));
            set(1, BigInt(n));
            set(7, BigInt(DATA));
            new DataView(m.mem.u8.buffer).setBigInt64(DATA, x, true);
            new DataView(m.mem.u8.buffer).setBigInt64(DATA + 8, ~x, true);
            runToTrap(m);
            return m;
          };
          const a = run(false), b = run(true);
          expect(Array.from(b.cpu.regs), `${x} ${n}`).toEqual(Array.from(a.cpu.regs));
          expect(getRflags(b.cpu), `${x} ${n}`).toBe(getRflags(a.cpu));
          expect(b.mem.u8.subarray(DATA, DATA + 16)).toEqual(a.mem.u8.subarray(DATA, DATA + 16));
          expect(b.engine.stats.interpretedInstructions).toBe(0);
        }
      }
      // Every instruction but the int3 (the 14th) inline: no other handler call (the catch
      // block's fault records may call shift.ts).
      const m = machine(code, { enabled: true, threshold: 0 });
      const source = generate(formRegion(m.cache, m.cache.get(CODE), 0)).source;
      expect(source.split('\n').filter((l) => l.includes('.exec(c'))).toEqual(['I[0][13].exec(c, I[0][13]);']);
      expect(source.includes('= X.shift.sar64(')).toBe(live);
    }
  });
});

describe('accesses that cross a page boundary', () => {
  // Inline fast paths take a crossing access when both pages allow it (codegen.ts readable/
  // writable); into an unmapped page it must still fault exactly as the interpreter does.
  const insns = (): Instruction[] => [
    I.createRegMem(Code.Mov_r64_rm64, R.RAX, mem(R.RDI, -4)),
    I.createMemReg(Code.Mov_rm64_r64, mem(R.RDI, -3), R.RBX),
    I.createRegMem(Code.Mov_r32_rm32, R.ECX, mem(R.RDI, -2)),
    I.createMemReg(Code.Mov_rm16_r16, mem(R.RDI, -1), R.DX),
    I.createMemReg(Code.Add_rm64_r64, mem(R.RDI, -6), R.RSI),
    I.createRegMem(Code.Movups_xmm_xmmm128, R.XMM0, mem(R.RDI, -8)),
    I.createMemReg(Code.Movups_xmmm128_xmm, mem(R.RDI, -5), R.XMM1),
    I.createRegMem(Code.Addsd_xmm_xmmm64, R.XMM2, mem(R.RDI, -4)),
    I.createRegMem(Code.Movq_xmm_rm64, R.XMM3, mem(R.RDI, -7)),
  ];
  for (let k = 0; k < insns().length; k++) {
    it(`${insns()[k].toString()} into a mapped and into an unmapped page`, () => {
      const code = build([insns()[k], I.create(Code.Int3)]);
      for (const rdi of [DATA + 0x1000, DATA + 0x2000]) {
        const run = (jit: boolean) => {
          const m = machine(code, { enabled: jit, threshold: 0 });
          for (let b = 0; b < 0x2000; b++) m.mem.u8[DATA + b] = (b * 7 + 3) & 0xff;
          m.cpu.regs[2 * 7] = rdi;
          m.cpu.regs[2 * 3] = 0x11223344; m.cpu.regs[2 * 3 + 1] = 0x55667788;
          m.cpu.regs[2 * 2] = 0xabcd; m.cpu.regs[2 * 6] = 0x01020304;
          m.cpu.mxcsr = 0x1fa0;
          for (let q = 0; q < 16; q++) m.cpu.xmm[q] = 0x3ff00000 + q;
          runToTrap(m);
          return m;
        };
        const a = run(false), b = run(true);
        expect(b.cpu.fault?.signo, `rdi ${rdi.toString(16)}`).toBe(a.cpu.fault?.signo);
        expect(b.cpu.rip).toBe(a.cpu.rip);
        expect(Array.from(b.cpu.regs)).toEqual(Array.from(a.cpu.regs));
        expect(Array.from(b.cpu.xmm)).toEqual(Array.from(a.cpu.xmm));
        expect(b.mem.u8.subarray(DATA, DATA + 0x2000)).toEqual(a.mem.u8.subarray(DATA, DATA + 0x2000));
        expect(b.engine.stats.interpretedInstructions).toBe(0);
        // Into the mapped page: the int3's SIGTRAP; into the unmapped one: SIGSEGV at the access.
        expect(a.cpu.fault?.signo).toBe(rdi === DATA + 0x1000 ? SIGTRAP : SIGSEGV);
        if (rdi !== DATA + 0x1000) expect(a.cpu.rip).toBe(CODE);
      }
    });
  }
});

describe('conditions on flags another block left', () => {
  // A setcc at the start of a block, after a jmp, finds the flags as a lazy record in the flag
  // locals (or the eager bits of a shift): ZF and SF are read from the locals without X.cond
  // (templates.ts fromFlagLocals), for every operand size and for the eager form.
  it('sete/setne/sets/setns after cmp, add, test, inc, shl of each size match the interpreter', () => {
    const producers: Instruction[] = [
      I.createRegReg(Code.Cmp_r8_rm8, R.AL, R.BL),
      I.createRegReg(Code.Cmp_r16_rm16, R.AX, R.BX),
      I.createRegReg(Code.Cmp_r32_rm32, R.EAX, R.EBX),
      I.createRegReg(Code.Cmp_r64_rm64, R.RAX, R.RBX),
      I.createRegReg(Code.Add_r32_rm32, R.EAX, R.EBX),
      I.createRegReg(Code.Add_r8_rm8, R.AL, R.BL),
      I.createRegReg(Code.Test_rm64_r64, R.RAX, R.RBX),
      I.createReg(Code.Inc_rm16, R.AX),
      I.createRegI32(Code.Shl_rm32_imm8, R.EAX, 4),
    ];
    const values = [0n, -1n, 0x80n, 0x8000n, 0x80000000n, -0x8000000000000000n];
    let fromLocals = 0;
    for (const p of producers) {
      const code = build([
        p,
        I.createBranch(Code.Jmp_rel8_64, BigInt(CODE + 0x40)),
        withIp(I.createReg(Code.Sete_rm8, R.CL), CODE + 0x40),
        I.createReg(Code.Setne_rm8, R.DL),
        I.createReg(Code.Sets_rm8, R.SIL),
        I.createReg(Code.Setns_rm8, R.DIL),
        I.create(Code.Int3),
      ]);
      for (const x of values) {
        for (const y of values) {
          const run = (threshold: number | null) => {
            const m = machine(code, engineOpts(threshold));
            const set = (r: number, v: bigint) => setReg64(m, r, v);
            set(0, x); set(3, y);
            runToTrap(m);
            return m;
          };
          const a = run(null), b = run(0);
          const src = generate(formRegion(b.cache, b.cache.get(CODE + 0x40), 0)).source;
          if (!/X\.cond/.test(src) && /fop < 4/.test(src)) fromLocals++;
          expect(Array.from(b.cpu.regs)).toEqual(Array.from(a.cpu.regs));
          expect(getRflags(b.cpu)).toBe(getRflags(a.cpu));
        }
      }
    }
    expect(fromLocals).toBe(producers.length * values.length * values.length);
  });
});

describe('region forming', () => {
  // A loop of 10 small blocks: the first region stops at MAX_REGION_BLOCKS (8) and leaves the
  // loop open; the retiered region (a block entered RETIER_ENTRIES times) takes the whole loop.
  it('a retiered region grows to close a loop the first region left open, and runs like the interpreter', () => {
    const blockAt = (k: number) => CODE + 0x10 + k * 0x10;
    const insns: Instruction[] = [I.createRegU32(Code.Mov_r32_imm32, R.ECX, 30000), I.createBranch(Code.Jmp_rel8_64, BigInt(blockAt(0)))];
    for (let k = 0; k < 9; k++) {
      insns.push(withIp(I.createRegI32(Code.Add_rm32_imm8, R.EAX, k + 1), blockAt(k)), I.createBranch(Code.Jmp_rel8_64, BigInt(blockAt(k + 1))));
    }
    insns.push(withIp(I.createReg(Code.Dec_rm32, R.ECX), blockAt(9)), I.createBranch(Code.Jne_rel8_64, BigInt(blockAt(0))), I.create(Code.Int3));
    const code = build(insns);
    const interp = machine(code, { enabled: false, threshold: 0 });
    runToTrap(interp);
    const entry = interp.cache.get(blockAt(0));
    const first = formRegion(interp.cache, entry, 16);
    expect(first.blocks.length).toBe(8);
    const grown = formRegion(interp.cache, entry, 16, true);
    expect(grown.closedLoop).toBe(true);
    expect(grown.blocks.map((b) => b.addr).sort()).toEqual(Array.from({ length: 10 }, (_, k) => blockAt(k)).sort());
    // With the JIT (threshold 16): the loop runs 30000 times, enough for the dispatcher to
    // retier (RETIER_ENTRIES) the block where the loop enters its second region; that block
    // then runs a region of the whole loop, with the interpreter's result.
    const jit = machine(code, { enabled: true, threshold: 16 });
    runToTrap(jit);
    const owners = Array.from({ length: 10 }, (_, k) => jit.cache.get(blockAt(k)).owner?.blocks.length ?? 0);
    expect(Math.max(...owners)).toBe(10);
    expect(Array.from(jit.cpu.regs)).toEqual(Array.from(interp.cpu.regs));
    expect(getRflags(jit.cpu)).toBe(getRflags(interp.cpu));
  });

  /** A loop of 10 blocks, each `extra` adds and a jmp to the next; the last decrements ecx and loops. */
  function loopOfBlocks(extra: number) {
    const blockAt = (k: number) => CODE + 0x10 + k * 0x18; // (build() assembles 256 bytes)
    const insns: Instruction[] = [I.createRegU32(Code.Mov_r32_imm32, R.ECX, 100), I.createBranch(Code.Jmp_rel8_64, BigInt(blockAt(0)))];
    for (let k = 0; k < 9; k++) {
      insns.push(withIp(I.createRegI32(Code.Add_rm32_imm8, R.EAX, k + 1), blockAt(k)));
      for (let n = 1; n < extra; n++) insns.push(I.createRegI32(Code.Add_rm32_imm8, R.EDX, n));
      insns.push(I.createBranch(Code.Jmp_rel32_64, BigInt(blockAt(k + 1))));
    }
    insns.push(withIp(I.createReg(Code.Dec_rm32, R.ECX), blockAt(9)), I.createBranch(Code.Jne_rel32_64, BigInt(blockAt(0))), I.create(Code.Int3));
    const m = machine(build(insns), { enabled: false, threshold: 0 });
    runToTrap(m);
    return { m, blockAt };
  }

  it('a retier closes only short loops (at most MAX_LOOP_REGION_INSNS instructions)', () => {
    // 9 blocks of 4 adds and a jmp, and dec/jne: 47 instructions, within MAX_REGION_INSNS.
    const { m, blockAt } = loopOfBlocks(4);
    const grown = formRegion(m.cache, m.cache.get(blockAt(0)), 16, true);
    expect(grown.blocks.length).toBe(10); // the loop is closed...
    expect(grown.closedLoop).toBe(false); // ...but too long to be worth a second function
  });

  it('a compiled loop stays out of later regions', () => {
    const { m, blockAt } = loopOfBlocks(1);
    const entry = m.cache.get(blockAt(0));
    const inner = m.cache.get(blockAt(5));
    const compiledFn = () => null;
    expect(formRegion(m.cache, entry, 16).blocks.length).toBe(8);
    // Compiled, but no loop of its own: it joins.
    inner.compiled = compiledFn;
    expect(formRegion(m.cache, entry, 16).blocks.length).toBe(8);
    // The entry of a compiled region that loops back to it: the region stops before it.
    inner.owner = { blocks: [inner], dead: false, loopEntry: inner };
    expect(formRegion(m.cache, entry, 16).blocks.map((b) => b.addr)).toEqual([0, 1, 2, 3, 4].map(blockAt));
    // A compiled block that branches to itself stays out too (counted-loop's body).
    const c = setup('counted-loop', null);
    runToTrap(c);
    const body = c.cache.get(CODE + 0x10);
    expect(formRegion(c.cache, c.cache.get(CODE), 0).blocks).toContain(body);
    body.compiled = compiledFn;
    expect(formRegion(c.cache, c.cache.get(CODE), 0).blocks).not.toContain(body);
  });
});

describe('indirect branches in a region', () => {
  // Region code dispatches indirect targets on their low 32 bits (codegen.ts exitDynamic): a
  // target beyond the 4 GiB window whose low half is a block of the region must leave the
  // region and fault, not run that block.
  it('a jmp to an address beyond the window faults like the interpreter, even when its low half is a block of the region', () => {
    // One block looping on itself through `jmp rax`; when ecx reaches 0, rax gets 2^32 added.
    const code = build([
      I.createRegU32(Code.Mov_r32_imm32, R.ECX, 5000),
      I.createRegU32(Code.Mov_r32_imm32, R.EAX, CODE + 0x10),
      I.createBranch(Code.Jmp_rel8_64, BigInt(CODE + 0x10)),
      withIp(I.createReg(Code.Dec_rm32, R.ECX), CODE + 0x10),
      I.createReg(Code.Sete_rm8, R.DL),
      I.createRegReg(Code.Movzx_r32_rm8, R.EDX, R.DL),
      I.createRegI32(Code.Shl_rm64_imm8, R.RDX, 32),
      I.createRegReg(Code.Add_r64_rm64, R.RAX, R.RDX),
      I.createReg(Code.Jmp_rm64, R.RAX),
    ]);
    const run = (threshold: number | null) => {
      const m = machine(code, engineOpts(threshold));
      runToTrap(m);
      return m;
    };
    const a = run(null), b = run(16);
    expect(a.cpu.fault?.signo).toBe(SIGSEGV);
    expect(a.cpu.rip).toBe(0x1_0000_0000 + CODE + 0x10);
    expect(b.engine.stats.blocksCompiled).toBeGreaterThan(0);
    expect(b.cpu.fault).toEqual(a.cpu.fault);
    expect(b.cpu.rip).toBe(a.cpu.rip);
    expect(Array.from(b.cpu.regs)).toEqual(Array.from(a.cpu.regs));
    expect(b.cpu.icount).toBe(a.cpu.icount);
  });
});

describe('native entries (vDSO functions) in a region', () => {
  // A loop that changes rbx and r8 (a counter) in the region, then calls a native entry at
  // NATIVE: served (JavaScript computes rax and returns, as vdso.ts's entries do) or hooked
  // (rax = nr, then the syscall instruction's semantics and a real syscall: the region leaves
  // from the entry, codegen.ts emitNative, and must write back what it kept in locals).
  const NATIVE = CODE + 0x80;
  const code = build([
    I.createRegU32(Code.Mov_r32_imm32, R.R8D, 3000),
    I.createRegReg(Code.Xor_r32_rm32, R.EBX, R.EBX),
    I.createBranch(Code.Jmp_rel8_64, BigInt(CODE + 0x10)),
    withIp(I.createRegReg(Code.Add_r64_rm64, R.RBX, R.R8), CODE + 0x10),
    I.createRegReg(Code.Mov_r32_rm32, R.EDI, R.EBX),
    I.createRegU32(Code.Mov_r32_imm32, R.ESI, 7),
    I.createBranch(Code.Call_rel32_64, BigInt(NATIVE)),
    I.createRegReg(Code.Add_r64_rm64, R.RBX, R.RAX),
    I.createReg(Code.Dec_rm32, R.R8D),
    I.createBranch(Code.Jne_rel32_64, BigInt(CODE + 0x10)),
    I.create(Code.Int3),
    withIp(I.create(Code.Retnq), NATIVE + 7), // the image's `ret` after `mov $nr,%eax; syscall`
  ]);
  const served = (c: Cpu) => {
    const r = c.regs, sp = r[2 * RSP] >>> 0;
    const ret = c.mem.read64(sp);
    r[0] = (r[2 * 7] * 2 + r[2 * 6]) | 0; r[1] = 0;
    r[2 * RSP] = sp + 8;
    c.rip = ret;
  };
  const hooked = (c: Cpu) => {
    c.regs[0] = 228; c.regs[1] = 0;
    enterSyscall(c, NATIVE + 7);
    c.rip = NATIVE + 7;
  };
  // Served, and once (the 1500th call: the loop is compiled by then) its store lands on the
  // code's page (a timespec next to code): the decoded code is dropped, and the region must
  // leave at the return address.
  let storedFrom = '';
  const servedStoringIntoCode = () => {
    let calls = 0;
    return (c: Cpu) => {
      if (++calls === 1500) {
        c.mem.write32(CODE + 0x100, 0xcccccccc);
        storedFrom = /region_/.test(new Error().stack ?? '') ? 'region' : 'interpreter';
      }
      served(c);
    };
  };
  for (const [name, entry] of [['served', () => served], ['hooked', () => hooked], ['served, storing into the code page', servedStoringIntoCode]] as const) {
    it(`${name}: the same registers, flags and instruction count as the interpreter`, () => {
      const run = (threshold: number | null) => {
        const m = machine(code, engineOpts(threshold));
        m.mem.setProt(CODE, 0x1000, PROT_READ | PROT_WRITE | PROT_EXEC);
        m.cache.natives.set(NATIVE, entry());
        toyKernel(m, true);
        runToTrap(m, 10000); // a hooked call ends the engine's run: 3000 of them
        return m;
      };
      const a = run(null), b = run(16);
      expect(a.cpu.fault?.signo).toBe(SIGTRAP);
      expect(b.engine.stats.blocksCompiled).toBeGreaterThan(0);
      if (name.startsWith('served, storing')) expect(storedFrom).toBe('region'); // the store came from compiled code
      else expect(b.cache.get(NATIVE).regions.length).toBeGreaterThan(0); // the entry ran inside a region
      expect(Array.from(b.cpu.regs)).toEqual(Array.from(a.cpu.regs));
      expect(getRflags(b.cpu)).toBe(getRflags(a.cpu));
      expect(b.cpu.icount).toBe(a.cpu.icount);
      if (name === 'hooked') expect(b.syscalls).toBe(3000);
    });
  }
});
