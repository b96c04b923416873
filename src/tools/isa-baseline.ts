/**
 * The user-mode baseline ISA the instruction oracle (test/isa) covers: every iced-x86 `Code` with
 * a legacy encoding that is valid in 64-bit mode, not privileged, and whose CPUID features are
 * general purpose (8086..486, x86-64, CMOV, CX8, CMPXCHG16B, POPCNT, LZCNT, TZCNT), x87, MMX,
 * SSE, SSE2 or SSE3 -- minus the forms listed in EXCLUDED with the reason they cannot be pinned
 * by a user-mode oracle on one host. Each Code belongs to one family; families match the
 * instruction family files in src/cpu (alu.ts, shift.ts, ..., sse/*.ts, x87*.ts).
 *
 * Shared by the oracle's generator (test/isa/gen) and `npm run isa-coverage`.
 */
import { Code, CodeExt, CpuidFeature, EncodingKind, Instruction, OpCodeOperandKind } from '../cpu/iced.js';

export const FAMILIES = [
  'alu', 'shift', 'muldiv', 'bit', 'mov', 'stack', 'control', 'string', 'system',
  'sse-move', 'sse-int', 'sse-float', 'mmx', 'x87',
] as const;
export type Family = (typeof FAMILIES)[number];

const BASELINE_FEATURES = new Set<number>([
  CpuidFeature.INTEL8086, CpuidFeature.INTEL186, CpuidFeature.INTEL286, CpuidFeature.INTEL386, CpuidFeature.INTEL486,
  CpuidFeature.X64, CpuidFeature.CMOV, CpuidFeature.CX8, CpuidFeature.CMPXCHG16B, CpuidFeature.FPU, CpuidFeature.FPU287,
  CpuidFeature.FPU387, CpuidFeature.MMX, CpuidFeature.SSE, CpuidFeature.SSE2, CpuidFeature.SSE3, CpuidFeature.FXSR,
  CpuidFeature.MULTIBYTENOP, CpuidFeature.PAUSE, CpuidFeature.POPCNT, CpuidFeature.LZCNT, CpuidFeature.BMI1,
  CpuidFeature.TSC, CpuidFeature.RDTSCP, CpuidFeature.SYSCALL, CpuidFeature.CPUID, CpuidFeature.CLFSH,
]);

/** Baseline forms the oracle does not record, by reason. */
export const EXCLUDED: { re: RegExp; reason: string }[] = [
  {
    re: /^(J[a-z]+_rel(8_16|16)|Jmp_rel(8_16|16)|Call_rel16|Retnw(_imm16)?|Call_rm16|Jmp_rm16|Loop[a-z]*_rel8_16_[ER]CX|J[er]cxz_rel8_16)$/,
    reason: 'vendor-specific: 66h-prefixed near branches (Intel ignores the prefix in 64-bit mode, AMD truncates RIP to 16 bits)',
  },
  {
    re: /^(Call_m16(16|32|64)|Jmp_m16(16|32|64)|Retf[wdq](_imm16)?|Iret[wdq]|L[sfg]s_r\d+_m16\d+|Mov_Sreg_.*|Pop[wq]_[FG]S)$/,
    reason: 'segment loading / far transfers (selectors are the kernel\'s)',
  },
  {
    re: /^(Sldt|Str|Verr|Verw|Sgdt|Sidt|Smsw|Lar|Lsl)_|^(Int_imm8|Int1|Syscall)$/,
    reason: 'system: descriptor tables, UMIP, software interrupts and syscall are the kernel\'s',
  },
  { re: /^(Cpuid|Rdtsc|Rdtscp)$/, reason: 'host-dependent result (x64run reports its own CPU and clock)' },
  { re: /^Bswap_r16$/, reason: 'undefined result (SDM BSWAP: 16-bit operand)' },
  {
    re: /^Reservednop_r(16|32|64)_r(16|32|64)_0F0D$|^Reservednop_rm(16|32|64)_r(16|32|64)_0F0D$/,
    reason: 'vendor-specific: 0F 0D is PREFETCH/PREFETCHW on AMD and recent Intel (register forms #UD; memory forms decode as Prefetch*)',
  },
];

export function exclusionReason(code: number): string | null {
  const name = Code[code];
  for (const e of EXCLUDED) if (e.re.test(name)) return e.reason;
  return null;
}

const CODE_COUNT = Object.keys(Code).length / 2;

function hasMmxOperand(code: number): boolean {
  const oc = CodeExt.opCode(code);
  try {
    for (let i = 0; i < oc.opCount; i++) {
      const k = oc.opKind(i);
      if (k === OpCodeOperandKind.mm_reg || k === OpCodeOperandKind.mm_rm || k === OpCodeOperandKind.mm_or_mem) return true;
    }
    return false;
  } finally {
    oc.free();
  }
}

const GP_FAMILY: [RegExp, Family][] = [
  [/^(Add|Or|Adc|Sbb|And|Sub|Xor|Cmp|Test|Inc|Dec|Neg|Not)_/, 'alu'],
  [/^(Shl|Sal|Shr|Sar|Rol|Ror|Rcl|Rcr|Shld|Shrd)_/, 'shift'],
  [/^(Mul|Imul|Div|Idiv)_/, 'muldiv'],
  [/^(Bt|Bts|Btr|Btc|Bsf|Bsr|Tzcnt|Lzcnt|Popcnt)_/, 'bit'],
  [/^(Push|Pop|Pushf|Popf|Enter|Leave)[wdq]?(_|$)/, 'stack'],
  [/^(J[a-z]+|Call|Ret[nf][wdq]?|Loop[a-z]*|Iret[wdq])(_|$)/, 'control'],
  [/^(Movs|Cmps|Stos|Lods|Scas)[bwdq]_/, 'string'],
  [/^(Lahf|Sahf|Clc|Stc|Cmc|Cld|Std|Ud0|Ud1|Ud2|Int3|Int_imm8|Int1|Hlt|Syscall|Cpuid|Rdtscp?|Sldt|Str|Verr|Verw|Sgdt|Sidt|Smsw|Lar|Lsl)(_|$)/, 'system'],
];

const SSE_MOVE = /^(Mov(ups|upd|aps|apd|ss|sd|hlps|lhps|lps|lpd|hps|hpd|ddup|shdup|sldup|dqa|dqu|d|q|nti|ntps|ntpd|ntdq|mskps|mskpd)|Lddqu|Maskmovdqu|Ldmxcsr|Stmxcsr)_/;

/** The family of a baseline Code (by mnemonic and operands). */
export function familyOf(code: number): Family {
  const name = Code[code];
  const oc = CodeExt.opCode(code);
  const ins = new Instruction();
  let feats: number[];
  try {
    ins.code = code;
    feats = [...ins.cpuidFeatures()];
  } finally {
    ins.free();
    oc.free();
  }
  if (feats.some((f) => f === CpuidFeature.FPU || f === CpuidFeature.FPU287 || f === CpuidFeature.FPU387) ||
      feats.includes(CpuidFeature.FXSR) || name === 'Wait') return 'x87';
  if (hasMmxOperand(code) || name === 'Emms') return 'mmx';
  if (feats.some((f) => f === CpuidFeature.SSE || f === CpuidFeature.SSE2 || f === CpuidFeature.SSE3)) {
    if (SSE_MOVE.test(name)) return 'sse-move';
    if (/^P|^Pextrw|^Pinsrw/.test(name)) return 'sse-int';
    if (/fence|^Clflush|^Prefetch|^Pause|^Movnti/.test(name)) return 'mov';
    return 'sse-float';
  }
  for (const [re, fam] of GP_FAMILY) if (re.test(name)) return fam;
  return 'mov';
}

/** Whether a Code is in the user-mode baseline (before exclusions). */
export function isBaseline(code: number): boolean {
  const oc = CodeExt.opCode(code);
  try {
    if (oc.encoding !== EncodingKind.Legacy || !oc.isInstruction || !oc.isAvailableInMode(64) || oc.isPrivileged) return false;
  } finally {
    oc.free();
  }
  const ins = new Instruction();
  try {
    ins.code = code;
    return [...ins.cpuidFeatures()].every((f) => BASELINE_FEATURES.has(f));
  } finally {
    ins.free();
  }
}

export interface BaselineCode {
  code: number;
  name: string;
  family: Family;
  /** null when the oracle records it; the reason otherwise. */
  excluded: string | null;
}

let cache: BaselineCode[] | null = null;

/** Every baseline Code with its family and exclusion status, in Code order. */
export function baselineCodes(): BaselineCode[] {
  if (cache) return cache;
  const out: BaselineCode[] = [];
  for (let code = 0; code < CODE_COUNT; code++) {
    if (!isBaseline(code)) continue;
    out.push({ code, name: Code[code], family: familyOf(code), excluded: exclusionReason(code) });
  }
  cache = out;
  return out;
}
