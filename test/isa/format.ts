/**
 * The instruction oracle's case and golden format, shared by the generator/recorder
 * (test/isa/gen, built by `npm run isa-record`) and the replay test (test/isa/replay.test.ts).
 *
 * A case is one instruction run from a complete initial state until it stops: with SIGTRAP on
 * the int3 that fills the rest of its code page (after it ran, or after it branched anywhere in
 * the page), or with the fault it raised. The golden result is the state the real CPU stopped
 * in. Both sides use the same fixed layout, which fits the emulator's 4 GiB window:
 *
 *   CODE_ADDR  0x10000000  one RWX page of int3 (0xcc); the instruction at CODE_ADDR + INSN_OFF
 *   DATA_ADDR  0x20000000  two RW pages, then one read-only page; unmapped pages around them
 *
 * State that is not listed in a case takes a default: GPR i = DEFAULT_GPR[i], XMM i =
 * defaultXmm(i), the x87 unit as after fninit (control word 0x37f, empty stack, zero registers),
 * and the data region = fillData(seed) with the case's patches applied. Golden files store only
 * what differs from those defaults (inputs) or from the input (results), so they stay small.
 *
 * Golden file: test/isa/golden/<family>.jsonl.gz, gzip of JSON lines. Line 1 is a header
 * (`GoldenHeader`), every following line one `GoldenCase`.
 */

export const CODE_ADDR = 0x10000000;
export const CODE_SIZE = 0x1000;
export const INSN_OFF = 0x800;
export const DATA_ADDR = 0x20000000;
export const DATA_RW = 0x2000;
export const DATA_RO = 0x1000;
export const DATA_SIZE = DATA_RW + DATA_RO;
/** Bytes of the FXSAVE image that results compare (control words, ST0-7, XMM0-15). */
export const FX_BYTES = 416;

export const FORMAT_VERSION = 1;

/** Initial data region: xorshift32 words from `seed` (0 is treated as 1), little-endian. */
export function fillData(seed: number, out: Uint8Array = new Uint8Array(DATA_SIZE)): Uint8Array {
  let x = seed >>> 0 || 1;
  const dv = new DataView(out.buffer, out.byteOffset, out.byteLength);
  for (let i = 0; i < DATA_SIZE; i += 4) {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    dv.setUint32(i, x, true);
  }
  return out;
}

/** splitmix64, used only to derive the fixed defaults below. */
function splitmix(seed: bigint): bigint {
  let z = BigInt.asUintN(64, seed + 0x9e3779b97f4a7c15n);
  z = BigInt.asUintN(64, (z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n);
  z = BigInt.asUintN(64, (z ^ (z >> 27n)) * 0x94d049bb133111ebn);
  return z ^ (z >> 31n);
}

/** Default GPR values (x86 order rax, rcx, ..., r15): distinct, every byte non-trivial. */
export const DEFAULT_GPR: readonly bigint[] = Array.from({ length: 16 }, (_, i) => splitmix(BigInt(0x6770 + i)));

/** Default XMM register contents (16 bytes). */
export function defaultXmm(i: number): Uint8Array {
  const b = new Uint8Array(16);
  const dv = new DataView(b.buffer);
  dv.setBigUint64(0, splitmix(BigInt(0x786d6d00 + 2 * i)), true);
  dv.setBigUint64(8, splitmix(BigInt(0x786d6d01 + 2 * i)), true);
  return b;
}

export const DEFAULT_MXCSR = 0x1f80;
export const DEFAULT_FCW = 0x37f;

// ------------------------------------------------------------------ JSON shapes

/** x87 state in FXSAVE form: st[i] is ST(i) (stack order), 10 bytes as hex; tw is the abridged tag byte. */
export interface FpuJson {
  cw?: number;
  sw?: number;
  tw?: number;
  st?: Record<string, string>;
}

export interface CaseIn {
  /** GPRs that differ from DEFAULT_GPR: index -> 16 hex digits. */
  g?: Record<string, string>;
  /** RFLAGS. */
  f: number;
  /** XMM registers that differ from defaultXmm: index -> 32 hex digits (memory byte order). */
  x?: Record<string, string>;
  mx?: number;
  fpu?: FpuJson;
  /** Data region seed and patches [offset, hex bytes]. */
  ms: number;
  m?: [number, string][];
}

export interface CaseOut {
  /** GPRs that differ from the input. */
  g?: Record<string, string>;
  rip: number;
  f: number;
  /** RFLAGS bits the instruction leaves undefined (iced-x86's rflagsUndefined), masked in comparisons. */
  fu?: number;
  x?: Record<string, string>;
  mx?: number;
  /** x87 fields that differ from the input (st entries compared as 10-byte registers). */
  fpu?: FpuJson;
  /** FSW condition bits (C0-C3) the instruction leaves undefined. */
  swu?: number;
  /** [signo, si_code, si_addr (hex), trapno, err]. */
  sig: [number, number, string, number, number];
  /** Data region bytes that changed: [offset, hex bytes]. */
  m?: [number, string][];
}

export interface GoldenCase {
  /** Unique id: <template>/<n>. */
  id: string;
  /** iced Code name of the instruction. */
  code: string;
  /** Instruction bytes (hex) at CODE_ADDR + INSN_OFF. */
  b: string;
  /** Disassembly (informational). */
  asm: string;
  in: CaseIn;
  out: CaseOut;
}

export interface GoldenHeader {
  format: number;
  family: string;
  count: number;
  seed: number;
  /** Where it was recorded (informational): CPU model and kernel. */
  host: string;
}

// ------------------------------------------------------------------ full states

export interface FullState {
  gpr: bigint[];
  rip: number;
  rflags: number;
  xmm: Uint8Array; // 256 bytes
  mxcsr: number;
  fcw: number;
  fsw: number;
  ftw: number;
  st: Uint8Array; // 8 x 10 bytes, ST(i) order
}

export const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
export const unhex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'hex'));
export const hex64 = (v: bigint): string => BigInt.asUintN(64, v).toString(16).padStart(16, '0');

export function defaultState(): FullState {
  const xmm = new Uint8Array(256);
  for (let i = 0; i < 16; i++) xmm.set(defaultXmm(i), 16 * i);
  return {
    gpr: [...DEFAULT_GPR], rip: CODE_ADDR + INSN_OFF, rflags: 0x202, xmm, mxcsr: DEFAULT_MXCSR,
    fcw: DEFAULT_FCW, fsw: 0, ftw: 0, st: new Uint8Array(80),
  };
}

function applyFpu(s: FullState, f: FpuJson | undefined): void {
  if (!f) return;
  if (f.cw !== undefined) s.fcw = f.cw;
  if (f.sw !== undefined) s.fsw = f.sw;
  if (f.tw !== undefined) s.ftw = f.tw;
  if (f.st) for (const [k, v] of Object.entries(f.st)) s.st.set(unhex(v), 10 * Number(k));
}

/** The full initial state of a case (registers) and its data region. */
export function inputState(c: CaseIn): { state: FullState; data: Uint8Array } {
  const s = defaultState();
  if (c.g) for (const [k, v] of Object.entries(c.g)) s.gpr[Number(k)] = BigInt('0x' + v);
  s.rflags = c.f;
  if (c.x) for (const [k, v] of Object.entries(c.x)) s.xmm.set(unhex(v), 16 * Number(k));
  if (c.mx !== undefined) s.mxcsr = c.mx;
  applyFpu(s, c.fpu);
  const data = fillData(c.ms);
  if (c.m) for (const [off, h] of c.m) data.set(unhex(h), off);
  return { state: s, data };
}

export function cloneState(s: FullState): FullState {
  return { ...s, gpr: [...s.gpr], xmm: s.xmm.slice(), st: s.st.slice() };
}

/** The expected final state: the input with the golden result applied. */
export function expectedState(input: FullState, inData: Uint8Array, o: CaseOut): { state: FullState; data: Uint8Array } {
  const s = cloneState(input);
  if (o.g) for (const [k, v] of Object.entries(o.g)) s.gpr[Number(k)] = BigInt('0x' + v);
  s.rip = o.rip;
  s.rflags = o.f;
  if (o.x) for (const [k, v] of Object.entries(o.x)) s.xmm.set(unhex(v), 16 * Number(k));
  if (o.mx !== undefined) s.mxcsr = o.mx;
  applyFpu(s, o.fpu);
  const data = inData.slice();
  if (o.m) for (const [off, h] of o.m) data.set(unhex(h), off);
  return { state: s, data };
}

/** Sparse difference of registers b against a (for writing goldens). */
export function gprDelta(a: readonly bigint[], b: readonly bigint[]): Record<string, string> | undefined {
  const r: Record<string, string> = {};
  let any = false;
  for (let i = 0; i < 16; i++) if (a[i] !== b[i]) { r[i] = hex64(b[i]); any = true; }
  return any ? r : undefined;
}

export function xmmDelta(a: Uint8Array, b: Uint8Array): Record<string, string> | undefined {
  const r: Record<string, string> = {};
  let any = false;
  for (let i = 0; i < 16; i++) {
    const x = a.subarray(16 * i, 16 * i + 16), y = b.subarray(16 * i, 16 * i + 16);
    if (!x.every((v, k) => v === y[k])) { r[i] = hex(y); any = true; }
  }
  return any ? r : undefined;
}

export function fpuDelta(a: FullState, b: FullState): FpuJson | undefined {
  const r: FpuJson = {};
  let any = false;
  if (a.fcw !== b.fcw) { r.cw = b.fcw; any = true; }
  if (a.fsw !== b.fsw) { r.sw = b.fsw; any = true; }
  if (a.ftw !== b.ftw) { r.tw = b.ftw; any = true; }
  for (let i = 0; i < 8; i++) {
    const x = a.st.subarray(10 * i, 10 * i + 10), y = b.st.subarray(10 * i, 10 * i + 10);
    if (!x.every((v, k) => v === y[k])) { (r.st ??= {})[i] = hex(y); any = true; }
  }
  return any ? r : undefined;
}

/** Byte runs where b differs from a. */
export function dataDelta(a: Uint8Array, b: Uint8Array): [number, string][] | undefined {
  const runs: [number, string][] = [];
  for (let i = 0; i < a.length;) {
    if (a[i] === b[i]) { i++; continue; }
    let j = i;
    while (j < a.length && a[j] !== b[j]) j++;
    runs.push([i, hex(b.subarray(i, j))]);
    i = j;
  }
  return runs.length ? runs : undefined;
}

// ------------------------------------------------------------------ FXSAVE images

/** Writes the FXSAVE image (first FX_BYTES bytes) of a state. */
export function toFxsave(s: FullState, out: Uint8Array = new Uint8Array(FX_BYTES)): Uint8Array {
  out.fill(0, 0, FX_BYTES);
  const dv = new DataView(out.buffer, out.byteOffset, FX_BYTES);
  dv.setUint16(0, s.fcw, true);
  dv.setUint16(2, s.fsw, true);
  out[4] = s.ftw;
  dv.setUint32(24, s.mxcsr, true);
  dv.setUint32(28, 0xffff, true);
  for (let i = 0; i < 8; i++) out.set(s.st.subarray(10 * i, 10 * i + 10), 32 + 16 * i);
  out.set(s.xmm, 160);
  return out;
}

export function fromFxsave(fx: Uint8Array, s: FullState): void {
  const dv = new DataView(fx.buffer, fx.byteOffset, FX_BYTES);
  s.fcw = dv.getUint16(0, true);
  s.fsw = dv.getUint16(2, true);
  s.ftw = fx[4];
  s.mxcsr = dv.getUint32(24, true);
  for (let i = 0; i < 8; i++) s.st.set(fx.subarray(32 + 16 * i, 42 + 16 * i), 10 * i);
  s.xmm.set(fx.subarray(160, 416));
}

// ------------------------------------------------------------------ comparison

export interface Fault {
  signo: number;
  code: number;
  addr: bigint;
  trapno: number;
  err: number;
}

export const GPR_NAMES = ['rax', 'rcx', 'rdx', 'rbx', 'rsp', 'rbp', 'rsi', 'rdi', 'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15'];

/**
 * Differences between the expected and the actual final state, as readable lines. Undefined
 * RFLAGS bits (o.fu) and FSW condition bits (o.swu) are masked.
 */
export function compareStates(
  exp: FullState, expData: Uint8Array, expSig: CaseOut['sig'], o: CaseOut,
  act: FullState, actData: Uint8Array, actSig: Fault | null,
): string[] {
  const d: string[] = [];
  for (let i = 0; i < 16; i++) {
    if (exp.gpr[i] !== act.gpr[i]) d.push(`${GPR_NAMES[i]}: expected ${hex64(exp.gpr[i])} got ${hex64(act.gpr[i])}`);
  }
  if (exp.rip !== act.rip) d.push(`rip: expected ${exp.rip.toString(16)} got ${act.rip.toString(16)}`);
  const fm = ~(o.fu ?? 0);
  if (((exp.rflags ^ act.rflags) & fm) !== 0) {
    d.push(`rflags: expected ${flagsText(exp.rflags & fm)} got ${flagsText(act.rflags & fm)} (undefined ${flagsText(o.fu ?? 0)})`);
  }
  for (let i = 0; i < 16; i++) {
    const x = exp.xmm.subarray(16 * i, 16 * i + 16), y = act.xmm.subarray(16 * i, 16 * i + 16);
    if (!x.every((v, k) => v === y[k])) d.push(`xmm${i}: expected ${xmmText(x)} got ${xmmText(y)}`);
  }
  if (exp.mxcsr !== act.mxcsr) d.push(`mxcsr: expected ${exp.mxcsr.toString(16)} got ${act.mxcsr.toString(16)}`);
  if (exp.fcw !== act.fcw) d.push(`fcw: expected ${exp.fcw.toString(16)} got ${act.fcw.toString(16)}`);
  const swm = ~(o.swu ?? 0);
  if (((exp.fsw ^ act.fsw) & swm) !== 0) d.push(`fsw: expected ${(exp.fsw & swm).toString(16)} got ${(act.fsw & swm).toString(16)}`);
  if (exp.ftw !== act.ftw) d.push(`ftw: expected ${exp.ftw.toString(16)} got ${act.ftw.toString(16)}`);
  for (let i = 0; i < 8; i++) {
    const x = exp.st.subarray(10 * i, 10 * i + 10), y = act.st.subarray(10 * i, 10 * i + 10);
    if (!x.every((v, k) => v === y[k])) d.push(`st${i}: expected ${st80Text(x)} got ${st80Text(y)}`);
  }
  const exRuns = dataDelta(expData, actData);
  if (exRuns) for (const [off, h] of exRuns.slice(0, 8)) {
    const n = h.length / 2;
    d.push(`mem[0x${(DATA_ADDR + off).toString(16)}..+${n}]: expected ${hex(expData.subarray(off, off + n))} got ${h}`);
  }
  const [signo, code, addr, trapno, err] = expSig;
  if (!actSig) d.push(`fault: expected signal ${signo} got none`);
  else {
    const want = `signo=${signo} code=${code} addr=0x${addr} trapno=${trapno} err=${err}`;
    const got = `signo=${actSig.signo} code=${actSig.code} addr=0x${BigInt.asUintN(64, actSig.addr).toString(16)} trapno=${actSig.trapno} err=${actSig.err}`;
    if (want !== got) d.push(`fault: expected ${want} got ${got}`);
  }
  return d;
}

const FLAG_NAMES: [number, string][] = [[0x1, 'CF'], [0x4, 'PF'], [0x10, 'AF'], [0x40, 'ZF'], [0x80, 'SF'], [0x100, 'TF'], [0x200, 'IF'], [0x400, 'DF'], [0x800, 'OF'], [0x40000, 'AC'], [0x200000, 'ID']];
export function flagsText(f: number): string {
  const n = FLAG_NAMES.filter(([b]) => f & b).map(([, s]) => s);
  return `${(f >>> 0).toString(16)}[${n.join(' ')}]`;
}

function xmmText(b: Uint8Array): string {
  const dv = new DataView(b.buffer, b.byteOffset, 16);
  const w = [3, 2, 1, 0].map((k) => dv.getUint32(4 * k, true).toString(16).padStart(8, '0'));
  return `${w.join('_')} (f64 ${dv.getFloat64(8, true)}, ${dv.getFloat64(0, true)}; f32 ${[3, 2, 1, 0].map((k) => dv.getFloat32(4 * k, true)).join(', ')})`;
}

function st80Text(b: Uint8Array): string {
  const dv = new DataView(b.buffer, b.byteOffset, 10);
  return `${dv.getUint16(8, true).toString(16).padStart(4, '0')}:${dv.getBigUint64(0, true).toString(16).padStart(16, '0')}`;
}

/** Human-readable summary of a case's initial state (for failure messages). */
export function describeInput(c: CaseIn): string {
  const lines: string[] = [];
  const { state } = inputState(c);
  lines.push(GPR_NAMES.map((n, i) => `${n}=${hex64(state.gpr[i])}${c.g && c.g[i] !== undefined ? '*' : ''}`).join(' '));
  lines.push(`rflags=${flagsText(c.f)} mxcsr=${state.mxcsr.toString(16)} fcw=${state.fcw.toString(16)} fsw=${state.fsw.toString(16)} ftw=${state.ftw.toString(16)}`);
  if (c.x) for (const k of Object.keys(c.x)) lines.push(`xmm${k}=${xmmText(state.xmm.subarray(16 * Number(k), 16 * Number(k) + 16))}`);
  if (c.fpu?.st) for (const k of Object.keys(c.fpu.st)) lines.push(`st${k}=${st80Text(state.st.subarray(10 * Number(k), 10 * Number(k) + 10))}`);
  lines.push(`data seed=${c.ms}${c.m ? ' patches ' + c.m.map(([o, h]) => `0x${(DATA_ADDR + o).toString(16)}:${h}`).join(' ') : ''}`);
  return lines.join('\n');
}
