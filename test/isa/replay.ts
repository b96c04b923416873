/**
 * Replays golden oracle cases on the emulator. One function per engine mode: every case runs in
 * every mode and must reach the recorded state. Engine modes are the ENGINES list; the JIT adds
 * its modes (threshold 0, tiny blocks) here.
 */
import { gunzipSync } from 'node:zlib';
import { Decoder, DecoderOptions, Register } from 'iced-x86';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Memory, PROT_READ, PROT_WRITE, PROT_EXEC } from '../../src/memory/memory.js';
import { Cpu, Exit } from '../../src/cpu/state.js';
import { CodeCache } from '../../src/cpu/code-cache.js';
import { interpret } from '../../src/cpu/interpreter.js';
import { Engine as JitEngine } from '../../src/jit/engine.js';
import { getRflags, setRflags } from '../../src/cpu/flags.js';
import '../../src/cpu/instructions.js';
import {
  CODE_ADDR, CODE_SIZE, DATA_ADDR, DATA_RW, DATA_RO, DATA_SIZE, INSN_OFF, FORMAT_VERSION,
  type FullState, type GoldenCase, type GoldenHeader, type Fault,
  inputState, expectedState, compareStates, cloneState, describeInput, unhex,
} from './format.js';

/** Every case runs in every mode: the interpreter, and the JIT compiling on first execution. */
export const ENGINES = ['interpreter', 'jit'] as const;
export type Engine = (typeof ENGINES)[number];

/**
 * RFLAGS.RF (bit 16): the CPU sets it in the RFLAGS image it saves for a fault, so it shows in the
 * recorded signal frame of faulting cases; it is not state the emulator's CPU holds (its kernel
 * builds signal frames). Masked in every comparison.
 */
export const RF = 0x10000;

/** Instructions an engine may run before a case counts as "did not stop". */
const MAX_INSNS = 100_000;

export interface CaseResult {
  state: FullState;
  data: Uint8Array;
  fault: Fault | null;
  /** Set when the engine stopped for another reason (syscall, budget, emulator error). */
  error?: string;
}

let sharedMem: Memory | null = null;

/** Maps the case's code page and data region in a Memory reused across cases (the 4 GiB window is reserved once). */
function prepareMemory(bytes: Uint8Array, data: Uint8Array): Memory {
  const mem = (sharedMem ??= new Memory());
  mem.unmapPages(CODE_ADDR, CODE_SIZE);
  mem.unmapPages(DATA_ADDR, DATA_SIZE);
  mem.setProt(CODE_ADDR, CODE_SIZE, PROT_READ | PROT_WRITE | PROT_EXEC);
  mem.setProt(DATA_ADDR, DATA_RW, PROT_READ | PROT_WRITE);
  mem.setProt(DATA_ADDR + DATA_RW, DATA_RO, PROT_READ);
  mem.u8.fill(0xcc, CODE_ADDR, CODE_ADDR + CODE_SIZE);
  mem.u8.set(bytes, CODE_ADDR + INSN_OFF);
  mem.u8.set(data, DATA_ADDR);
  return mem;
}

function loadCpu(c: Cpu, s: FullState): void {
  for (let i = 0; i < 16; i++) {
    c.regs[2 * i] = Number(BigInt.asIntN(32, s.gpr[i]));
    c.regs[2 * i + 1] = Number(BigInt.asIntN(32, s.gpr[i] >> 32n));
  }
  c.rip = s.rip;
  setRflags(c, s.rflags);
  c.xmmU8.set(s.xmm);
  c.mxcsr = s.mxcsr;
  const x = c.x87;
  x.cw = s.fcw;
  x.top = (s.fsw >> 11) & 7;
  x.sw = s.fsw & ~0x3800;
  x.tagValid = s.ftw;
  for (let i = 0; i < 8; i++) {
    const p = (x.top + i) & 7;
    const dv = new DataView(s.st.buffer, s.st.byteOffset + 10 * i, 10);
    x.mantLo[p] = dv.getInt32(0, true);
    x.mantHi[p] = dv.getInt32(4, true);
    x.signExp[p] = dv.getUint16(8, true);
  }
}

function saveCpu(c: Cpu, into: FullState): void {
  for (let i = 0; i < 16; i++) into.gpr[i] = (BigInt(c.regs[2 * i + 1] >>> 0) << 32n) | BigInt(c.regs[2 * i] >>> 0);
  into.rip = c.rip;
  into.rflags = getRflags(c);
  into.xmm.set(c.xmmU8);
  into.mxcsr = c.mxcsr >>> 0;
  const x = c.x87;
  into.fcw = x.cw;
  into.fsw = x.statusWord();
  into.ftw = x.tagValid & 0xff;
  for (let i = 0; i < 8; i++) {
    const p = (x.top + i) & 7;
    const dv = new DataView(into.st.buffer, into.st.byteOffset + 10 * i, 10);
    dv.setInt32(0, x.mantLo[p], true);
    dv.setInt32(4, x.mantHi[p], true);
    dv.setUint16(8, x.signExp[p], true);
  }
}

/** Runs one case in the interpreter until it faults (the int3 after it, or its own fault). */
function runInterpreter(g: GoldenCase, input: FullState, data: Uint8Array): CaseResult {
  return runWith(g, input, data, (cpu, cache) => interpret(cpu, cache, 1000));
}

/** Runs one case with the JIT translating every block on its first execution (threshold 0). */
function runJit(g: GoldenCase, input: FullState, data: Uint8Array): CaseResult {
  let engine: JitEngine | null = null;
  return runWith(g, input, data, (cpu, cache) => {
    engine ??= new JitEngine(cache, { enabled: true, threshold: 0 });
    return engine.run(cpu, 1000);
  });
}

function runWith(g: GoldenCase, input: FullState, data: Uint8Array, step: (cpu: Cpu, cache: CodeCache) => Exit): CaseResult {
  const mem = prepareMemory(unhex(g.b), data);
  const cpu = new Cpu(mem);
  loadCpu(cpu, input);
  const cache = new CodeCache(mem);
  let error: string | undefined;
  try {
    for (;;) {
      const exit = step(cpu, cache);
      if (exit === Exit.Fault) break;
      if (exit === Exit.Syscall) { error = 'stopped at a syscall'; break; }
      if (cpu.icount > MAX_INSNS) { error = `did not stop after ${MAX_INSNS} instructions`; break; }
    }
  } catch (e) {
    error = `emulator error: ${e instanceof Error ? e.message : String(e)}`;
  }
  const state = cloneState(input);
  saveCpu(cpu, state);
  const f = cpu.fault;
  const fault: Fault | null = f ? { signo: f.signo, code: f.code, addr: BigInt(f.addr), trapno: f.trapno, err: f.err } : null;
  return { state, data: mem.u8.slice(DATA_ADDR, DATA_ADDR + DATA_SIZE), fault, error };
}

export const RUNNERS: Record<Engine, (g: GoldenCase, input: FullState, data: Uint8Array) => CaseResult> = {
  interpreter: runInterpreter,
  jit: runJit,
};

/**
 * rcpps/rcpss/rsqrtps/rsqrtss return approximations whose exact bits are each CPU's own (SDM: relative
 * error at most 1.5 * 2^-12). Their result lanes are compared with a tolerance of twice that bound
 * (both the CPU's and the emulator's value are within it of the true value); special values
 * (zeros, infinities, NaNs) must match exactly.
 */
const APPROX = new Set(['Rcpps_xmm_xmmm128', 'Rcpss_xmm_xmmm32', 'Rsqrtps_xmm_xmmm128', 'Rsqrtss_xmm_xmmm32']);
const APPROX_REL = 3 * 2 ** -12;

function acceptApproximations(exp: FullState, act: FullState): void {
  const e = new DataView(exp.xmm.buffer, exp.xmm.byteOffset, 256), a = new DataView(act.xmm.buffer, act.xmm.byteOffset, 256);
  for (let o = 0; o < 256; o += 4) {
    const x = e.getFloat32(o, true), y = a.getFloat32(o, true);
    if (e.getUint32(o, true) === a.getUint32(o, true)) continue;
    if (!Number.isFinite(x) || !Number.isFinite(y) || x === 0 || y === 0 || Math.sign(x) !== Math.sign(y)) continue;
    if (Math.abs(x - y) <= APPROX_REL * Math.abs(x)) a.setUint32(o, e.getUint32(o, true), true);
  }
}

/**
 * The MXCSR_MASK field of an FXSAVE image (bytes 28-31) describes the host's MXCSR (AMD CPUs with
 * misaligned-SSE mode report 0x2ffff, x64run 0xffff): host-dependent like CPUID, so masked.
 */
function acceptMxcsrMask(g: GoldenCase, input: FullState, exp: Uint8Array, act: Uint8Array): void {
  const dec = new Decoder(64, unhex(g.b), DecoderOptions.None);
  dec.ip = BigInt(CODE_ADDR + INSN_OFF);
  const ins = dec.decode();
  try {
    const reg = (r: Register): bigint => {
      if (r === Register.None) return 0n;
      if (r >= Register.RAX && r <= Register.R15) return input.gpr[r - Register.RAX];
      if (r >= Register.EAX && r <= Register.R15D) return input.gpr[r - Register.EAX] & 0xffffffffn;
      if (r === Register.RIP || r === Register.EIP) return 0n; // iced resolves rip-relative displacements
      throw new Error(`address register ${Register[r]}`);
    };
    let a = ins.memoryDisplacement + reg(ins.memoryBase) + reg(ins.memoryIndex) * BigInt(ins.memoryIndexScale);
    const a32 = (ins.memoryBase >= Register.EAX && ins.memoryBase <= Register.R15D) || ins.memoryBase === Register.EIP ||
      (ins.memoryIndex >= Register.EAX && ins.memoryIndex <= Register.R15D);
    a = a32 ? BigInt.asUintN(32, a) : BigInt.asUintN(64, a);
    const off = Number(a - BigInt(DATA_ADDR)) + 28;
    if (off >= 0 && off + 4 <= DATA_SIZE) act.set(exp.subarray(off, off + 4), off);
  } finally {
    ins.free();
    dec.free();
  }
}

/** Runs a case in an engine; returns the differences (empty when it matches the golden result). */
export function checkCase(engine: Engine, g: GoldenCase): string[] {
  const { state: input, data } = inputState(g.in);
  const exp = expectedState(input, data, g.out);
  const res = RUNNERS[engine](g, input, data);
  exp.state.rflags &= ~RF;
  res.state.rflags &= ~RF;
  if (APPROX.has(g.code)) acceptApproximations(exp.state, res.state);
  if (/^Fxsave/.test(g.code)) acceptMxcsrMask(g, input, exp.data, res.data);
  const d = compareStates(exp.state, exp.data, g.out.sig, g.out, res.state, res.data, res.fault);
  if (res.error) d.unshift(res.error);
  return d;
}

/** Failure report for one case: instruction, initial state, differing fields. */
export function describeFailure(engine: Engine, g: GoldenCase, diffs: string[]): string {
  return [
    `${g.id} [${engine}]: ${g.asm}   (${g.b})`,
    describeInput(g.in).split('\n').map((l) => '    ' + l).join('\n'),
    ...diffs.map((d) => '  ! ' + d),
  ].join('\n');
}

export interface GoldenFile { header: GoldenHeader; cases: GoldenCase[] }

export function loadGolden(dir: string): Map<string, GoldenFile> {
  const out = new Map<string, GoldenFile>();
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.jsonl.gz')).sort()) {
    const lines = gunzipSync(readFileSync(join(dir, f))).toString('utf8').split('\n').filter((l) => l.length > 0);
    const header = JSON.parse(lines[0]) as GoldenHeader;
    if (header.format !== FORMAT_VERSION) throw new Error(`${f}: golden format ${header.format}, expected ${FORMAT_VERSION}`);
    const cases = lines.slice(1).map((l) => JSON.parse(l) as GoldenCase);
    if (cases.length !== header.count) throw new Error(`${f}: ${cases.length} cases, header says ${header.count}`);
    out.set(header.family, { header, cases });
  }
  return out;
}
