/**
 * Lazy arithmetic flags (DESIGN "Flags").
 *
 * An arithmetic instruction records what it did (`Cpu.fop` = kind and size, operands `fa`/`fb`,
 * result `fr`, and for 64-bit ops their high halves) instead of computing CF/PF/AF/ZF/SF/OF.
 * Readers (jcc, setcc, cmovcc, adc, pushf, lahf, ...) compute just the bit they need from that
 * record. Instructions whose flags are rare or irregular (rotates, multiplies, bit tests, shifts)
 * compute all six bits at once and store them "eagerly" (fop = 0): then the bits live in
 * `Cpu.rflags` like every non-arithmetic flag (DF, IF, ...).
 *
 * Values of 8- and 16-bit operations are stored masked to their width (non-negative), 32-bit
 * values as int32, 64-bit values as (lo,hi) int32 pairs.
 */
import type { Cpu } from './state.js';

// RFLAGS bits (Intel SDM Vol. 1, 3.4.3).
export const CF = 0x1;
export const PF = 0x4;
export const AF = 0x10;
export const ZF = 0x40;
export const SF = 0x80;
export const TF = 0x100;
export const IF = 0x200;
export const DF = 0x400;
export const OF = 0x800;
export const AC = 0x40000;
export const ID = 0x200000;
export const ARITH_FLAGS = CF | PF | AF | ZF | SF | OF;
/** Bits a user-mode popf may change (the rest are kept; IOPL/VM/RF/VIF/VIP are not writable). */
export const USER_WRITABLE_FLAGS = ARITH_FLAGS | TF | DF | OF | AC | ID;
/** Bit 1 of RFLAGS always reads as 1; IF is always set in user mode. */
export const RFLAGS_FIXED = 0x2 | IF;

// Lazy kinds; fop = kind << 2 | log2(size in bytes).
export const K_NONE = 0;
export const K_ADD = 1;
export const K_ADC = 2; // carry-in in fcf
export const K_SUB = 3; // also cmp and neg (a = 0)
export const K_SBB = 4; // borrow-in in fcf
export const K_LOGIC = 5; // and/or/xor/test: CF = OF = 0, AF = 0
export const K_INC = 6; // CF preserved in fcf
export const K_DEC = 7; // CF preserved in fcf

export const SZ8 = 0;
export const SZ16 = 1;
export const SZ32 = 2;
export const SZ64 = 3;

const SIGN = [0x80, 0x8000, 0x80000000 | 0, 0x80000000 | 0];
const MASK = [0xff, 0xffff, -1, -1];

/** PARITY[b] = PF for low byte b (PF set when the number of one bits is even). */
export const PARITY = new Uint8Array(256);
for (let i = 0; i < 256; i++) {
  let b = i, n = 0;
  while (b) { n += b & 1; b >>= 1; }
  PARITY[i] = n & 1 ? 0 : PF;
}

/** Sign-extends a masked value of the given size code to int32. */
export function sext(v: number, sz: number): number {
  return sz === SZ8 ? (v << 24) >> 24 : sz === SZ16 ? (v << 16) >> 16 : v | 0;
}

export function getCF(c: Cpu): number {
  const op = c.fop;
  const k = op >> 2;
  if (k === K_NONE) return c.rflags & CF;
  if (k === K_LOGIC) return 0;
  if (k === K_INC || k === K_DEC) return c.fcf;
  const sz = op & 3;
  if (sz === SZ64) {
    const ah = c.faHi >>> 0, bh = c.fbHi >>> 0, rh = c.frHi >>> 0;
    const a = c.fa >>> 0, b = c.fb >>> 0, r = c.fr >>> 0;
    switch (k) {
      case K_ADD: return rh < ah || (rh === ah && r < a) ? 1 : 0;
      case K_ADC: return rh < ah || (rh === ah && (r < a || (c.fcf !== 0 && r === a))) ? 1 : 0;
      case K_SUB: return ah < bh || (ah === bh && a < b) ? 1 : 0;
      case K_SBB: return ah < bh || (ah === bh && (a < b || (c.fcf !== 0 && a === b))) ? 1 : 0;
    }
    return 0;
  }
  const a = c.fa >>> 0, b = c.fb >>> 0, r = c.fr >>> 0;
  switch (k) {
    case K_ADD: return r < a ? 1 : 0;
    case K_ADC: return r < a || (c.fcf !== 0 && r === a) ? 1 : 0;
    case K_SUB: return a < b ? 1 : 0;
    case K_SBB: return a < b || (c.fcf !== 0 && a === b) ? 1 : 0;
  }
  return 0;
}

export function getZF(c: Cpu): number {
  const op = c.fop;
  if (op >> 2 === K_NONE) return c.rflags & ZF;
  if ((op & 3) === SZ64) return c.fr === 0 && c.frHi === 0 ? ZF : 0;
  return c.fr === 0 ? ZF : 0;
}

export function getSF(c: Cpu): number {
  const op = c.fop;
  if (op >> 2 === K_NONE) return c.rflags & SF;
  const sz = op & 3;
  if (sz === SZ64) return c.frHi < 0 ? SF : 0;
  return (c.fr & SIGN[sz]) !== 0 ? SF : 0;
}

export function getOF(c: Cpu): number {
  const op = c.fop;
  const k = op >> 2;
  if (k === K_NONE) return c.rflags & OF;
  if (k === K_LOGIC) return 0;
  const sz = op & 3;
  let a, b, r;
  if (sz === SZ64) { a = c.faHi; b = c.fbHi; r = c.frHi; } else { a = c.fa; b = c.fb; r = c.fr; }
  const s = sz === SZ64 ? 0x80000000 | 0 : SIGN[sz];
  switch (k) {
    case K_ADD: case K_ADC: case K_INC: return ((a ^ r) & (b ^ r) & s) !== 0 ? OF : 0;
    case K_SUB: case K_SBB: case K_DEC: return ((a ^ b) & (a ^ r) & s) !== 0 ? OF : 0;
  }
  return 0;
}

export function getPF(c: Cpu): number {
  if (c.fop >> 2 === K_NONE) return c.rflags & PF;
  return PARITY[c.fr & 0xff];
}

export function getAF(c: Cpu): number {
  const k = c.fop >> 2;
  if (k === K_NONE) return c.rflags & AF;
  if (k === K_LOGIC) return 0;
  return (c.fa ^ c.fb ^ c.fr) & AF;
}

/**
 * The six arithmetic flags at once: what getCF | getPF | getAF | getZF | getSF | getOF give,
 * with one dispatch on the record instead of six (pushf, syscall's r11, materialize).
 */
export function arithFlags(c: Cpu): number {
  const op = c.fop;
  const k = op >> 2;
  if (k === K_NONE) return c.rflags & ARITH_FLAGS;
  const r = c.fr;
  let f = szp(r, op & 3, c.frHi);
  if (k === K_LOGIC) return f;
  f |= (c.fa ^ c.fb ^ r) & AF;
  if (k === K_INC || k === K_DEC) f |= c.fcf;
  else f |= getCF(c);
  return f | getOF(c);
}

/** Full RFLAGS value (materialises the lazy bits). */
export function getRflags(c: Cpu): number {
  if (c.fop === 0) return (c.rflags | RFLAGS_FIXED) >>> 0;
  return ((c.rflags & ~ARITH_FLAGS) | arithFlags(c) | RFLAGS_FIXED) >>> 0;
}

/** Replaces the arithmetic flags with explicit bits (eager form). */
export function setArith(c: Cpu, bits: number): void {
  c.rflags = (c.rflags & ~ARITH_FLAGS) | (bits & ARITH_FLAGS);
  c.fop = 0;
}

/** Writes RFLAGS as popf/sigreturn do: only user-writable bits change. */
export function setRflags(c: Cpu, v: number): void {
  c.rflags = (c.rflags & ~USER_WRITABLE_FLAGS) | (v & USER_WRITABLE_FLAGS) | RFLAGS_FIXED;
  c.fop = 0;
}

/** Materialises lazy flags into rflags (used before instructions that change only some bits). */
export function materialize(c: Cpu): void {
  if (c.fop !== 0) {
    c.rflags = (c.rflags & ~ARITH_FLAGS) | arithFlags(c);
    c.fop = 0;
  }
}

/** Eager SZP bits for a result of the given size code (helper for eager-flag instructions). */
export function szp(r: number, sz: number, rHi = 0): number {
  let f = PARITY[r & 0xff];
  if (sz === SZ64) {
    if (r === 0 && rHi === 0) f |= ZF;
    if (rHi < 0) f |= SF;
  } else {
    if ((r & MASK[sz]) === 0) f |= ZF;
    if (r & SIGN[sz]) f |= SF;
  }
  return f;
}

// Condition codes in x86 encoding order (jcc/setcc/cmovcc low nibble).
export const CC_O = 0, CC_NO = 1, CC_B = 2, CC_AE = 3, CC_E = 4, CC_NE = 5, CC_BE = 6, CC_A = 7;
export const CC_S = 8, CC_NS = 9, CC_P = 10, CC_NP = 11, CC_L = 12, CC_GE = 13, CC_LE = 14, CC_G = 15;

/**
 * Evaluates condition `cc` (0..15). A fast path answers the common cmp/sub + jcc pairs straight
 * from the recorded operands; everything else goes through the individual flag getters.
 */
export function cond(c: Cpu, cc: number): boolean {
  const op = c.fop;
  if (op >> 2 === K_SUB && (op & 3) === SZ32) {
    const a = c.fa, b = c.fb;
    switch (cc) {
      case CC_B: return (a >>> 0) < (b >>> 0);
      case CC_AE: return (a >>> 0) >= (b >>> 0);
      case CC_E: return a === b;
      case CC_NE: return a !== b;
      case CC_BE: return (a >>> 0) <= (b >>> 0);
      case CC_A: return (a >>> 0) > (b >>> 0);
      case CC_L: return a < b;
      case CC_GE: return a >= b;
      case CC_LE: return a <= b;
      case CC_G: return a > b;
    }
  }
  const r = condSlow(c, cc >> 1);
  return (cc & 1) === 0 ? r : !r;
}

function condSlow(c: Cpu, base: number): boolean {
  switch (base) {
    case 0: return getOF(c) !== 0;
    case 1: return getCF(c) !== 0;
    case 2: return getZF(c) !== 0;
    case 3: return getCF(c) !== 0 || getZF(c) !== 0;
    case 4: return getSF(c) !== 0;
    case 5: return getPF(c) !== 0;
    case 6: return (getSF(c) !== 0) !== (getOF(c) !== 0);
    default: return getZF(c) !== 0 || (getSF(c) !== 0) !== (getOF(c) !== 0);
  }
}
