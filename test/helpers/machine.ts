/**
 * A bare machine for engine-level tests: code assembled with iced-x86's BlockEncoder at CODE,
 * a read-write data page at DATA, a stack, and an engine (interpreter or JIT) run until the
 * int3 that ends every snippet (SIGTRAP) or another fault.
 */
import { BlockEncoder, BlockEncoderOptions, Instruction } from 'iced-x86';
import { Memory, PROT_READ, PROT_WRITE, PROT_EXEC } from '../../src/memory/memory.js';
import { Cpu, Exit, RSP } from '../../src/cpu/state.js';
import { CodeCache } from '../../src/cpu/code-cache.js';
import { Engine, type JitOptions } from '../../src/jit/engine.js';
import '../../src/cpu/instructions.js';

export const CODE = 0x10000000;
export const DATA = 0x20000000;
export const STACK_TOP = 0x30010000;

export function assemble(insns: Instruction[], ip = CODE): Uint8Array {
  const enc = new BlockEncoder(64, BlockEncoderOptions.None);
  for (const i of insns) enc.add(i);
  const bytes = enc.encode(BigInt(ip));
  enc.free();
  return bytes;
}

export interface Machine {
  mem: Memory;
  cpu: Cpu;
  cache: CodeCache;
  engine: Engine;
  /** toyKernel: what runToTrap does at Exit.Syscall, and how many calls were made. */
  kernel?: (c: Cpu) => void;
  syscalls?: number;
  /** How often the engine returned Exit.Syscall (compiled code going on after a call does not). */
  syscallExits?: number;
}

export function machine(code: Uint8Array, jit: JitOptions): Machine {
  const mem = new Memory();
  mem.setProt(CODE, 0x4000, PROT_READ | PROT_EXEC);
  mem.u8.fill(0xcc, CODE, CODE + 0x4000);
  mem.u8.set(code, CODE);
  mem.setProt(DATA, 0x2000, PROT_READ | PROT_WRITE);
  mem.setProt(STACK_TOP - 0x10000, 0x10000, PROT_READ | PROT_WRITE);
  const cpu = new Cpu(mem);
  cpu.rip = CODE;
  cpu.regs[2 * RSP] = STACK_TOP - 0x100;
  const cache = new CodeCache(mem);
  return { mem, cpu, cache, engine: new Engine(cache, jit) };
}

/** Sets 64-bit general register `r` (0 = rax ... 15 = r15) to `v` (taken modulo 2^64). */
export function setReg64(m: Machine, r: number, v: bigint): void {
  const u = BigInt.asUintN(64, v);
  m.cpu.regs[2 * r] = Number(u & 0xffffffffn) | 0;
  m.cpu.regs[2 * r + 1] = Number(u >> 32n) | 0;
}

/**
 * A toy kernel for snippets that make syscalls: rax = rax * 3 + rdi (a result that depends on
 * the registers at the call). `compiled` says whether compiled code may go on after the call
 * (JitRuntime.kernelGate, as the scheduler does) or must leave with Exit.Syscall.
 */
export function toyKernel(m: Machine, compiled: boolean): void {
  const call = (c: Cpu) => {
    const r = c.regs;
    r[0] = (r[0] * 3 + r[2 * 7]) | 0;
    r[1] = 0;
    m.syscalls = (m.syscalls ?? 0) + 1;
  };
  m.kernel = call;
  if (compiled) m.engine.rt.kernelGate = { syscallFromCompiledCode: (c) => { call(c); c.exit = Exit.None; return true; } };
}

/** Runs until the snippet stops with a fault (the closing int3 gives SIGTRAP). */
export function runToTrap(m: Machine, maxSlices = 1000): void {
  for (let k = 0; k < maxSlices; k++) {
    const x = m.engine.run(m.cpu, 100000);
    if (x === Exit.Fault) return;
    if (x === Exit.Syscall) {
      if (!m.kernel) throw new Error('unexpected syscall');
      m.syscallExits = (m.syscallExits ?? 0) + 1;
      m.kernel(m.cpu);
      m.cpu.exit = Exit.None;
    }
  }
  throw new Error('snippet did not stop');
}
