/**
 * x87/SSE state images: FNSTENV/FLDENV (14- and 28-byte environments), FNSAVE/FRSTOR (94 and 108
 * bytes), FXSAVE/FXRSTOR (512 bytes, both the REX.W "64-bit" and the default layout).
 * Layouts: Intel SDM Vol. 1 8.1.10 (Figures 8-9, 8-10: protected-mode environments) and Vol. 2
 * FXSAVE (Tables 3-53 and 3-56). Verified against native dumps:
 * - the 28-byte environment fills its reserved upper halves with 0xffff and stores FCS = 0x33
 *   (the Linux user code selector) next to FOP;
 * - FXSAVE writes bytes 0..415 only (416..511 are left alone), zeroes the 6 bytes after each
 *   80-bit register, and reports MXCSR_MASK = 0xffff (DAZ supported; the host's AMD part also
 *   sets bit 17, which x64run does not implement);
 * - the full tag word is computed from the register contents (valid / zero / special / empty).
 *
 * Every store checks the whole destination before writing anything, and every load reads the
 * whole image before changing state, so faults are precise. `fxsaveImage`/`fxrstorImage` expose
 * the 512-byte image for the kernel's signal frames (struct _fpstate_64 is this layout).
 */
import type { Cpu } from './state.js';
import type { X87 } from './x87-state.js';
import { tagOf, ES, BUSY } from './x87-float80.js';
import { generalProtection } from './exceptions.js';

/** Linux x86-64 user code segment selector, reported as FCS. */
const USER_CS = 0x33;
/** MXCSR bits FXRSTOR/LDMXCSR accept (everything else is reserved: #GP). */
export const MXCSR_MASK = 0xffff;

/** Full 16-bit tag word: 2 bits per physical register (00 valid, 01 zero, 10 special, 11 empty). */
export function fullTag(x: X87): number {
  let t = 0;
  for (let p = 0; p < 8; p++) {
    const tag = (x.tagValid >> p) & 1 ? tagOf(x.signExp[p], x.mantHi[p], x.mantLo[p]) : 3;
    t |= tag << (2 * p);
  }
  return t;
}

/** Tag valid bits from a full tag word (only "empty" matters to the register file). */
function validFromTag(t: number): number {
  let v = 0;
  for (let p = 0; p < 8; p++) if (((t >> (2 * p)) & 3) !== 3) v |= 1 << p;
  return v;
}

/** Recomputes ES and B from the exception flags and masks (after loading a status word or control word). */
export function updateSummary(x: X87): void {
  if ((x.sw & ~x.cw & 0x3f) !== 0) x.sw |= ES | BUSY;
  else x.sw &= ~(ES | BUSY);
}

function setStatus(x: X87, sw: number): void {
  x.top = (sw >> 11) & 7;
  x.sw = sw & ~0x3800;
}

/** FNINIT state (register contents are kept, as on hardware). */
export function finit(x: X87): void {
  x.cw = 0x37f;
  x.sw = 0;
  x.top = 0;
  x.tagValid = 0;
  x.fop = 0;
  x.fip = 0;
  x.fdp = 0;
}

// ------------------------------------------------------------------ environments

function envBytes(x: X87, is32: boolean): Uint8Array {
  const fcs = x.fip !== 0 ? USER_CS : 0;
  if (is32) {
    const b = new Uint8Array(28);
    const v = new DataView(b.buffer);
    v.setUint32(0, 0xffff0000 | x.cw, true);
    v.setUint32(4, 0xffff0000 | x.statusWord(), true);
    v.setUint32(8, 0xffff0000 | fullTag(x), true);
    v.setUint32(12, x.fip >>> 0, true);
    v.setUint16(16, fcs, true);
    v.setUint16(18, x.fop & 0x7ff, true);
    v.setUint32(20, x.fdp >>> 0, true);
    v.setUint32(24, 0xffff0000, true);
    return b;
  }
  const b = new Uint8Array(14);
  const v = new DataView(b.buffer);
  v.setUint16(0, x.cw, true);
  v.setUint16(2, x.statusWord(), true);
  v.setUint16(4, fullTag(x), true);
  v.setUint16(6, x.fip & 0xffff, true);
  v.setUint16(8, fcs, true);
  v.setUint16(10, x.fdp & 0xffff, true);
  v.setUint16(12, 0, true);
  return b;
}

function loadEnvBytes(x: X87, b: Uint8Array, is32: boolean): void {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (is32) {
    x.cw = (v.getUint16(0, true) & 0x1f3f) | 0x40;
    setStatus(x, v.getUint16(4, true));
    x.tagValid = validFromTag(v.getUint16(8, true));
    x.fip = v.getUint32(12, true);
    x.fop = v.getUint16(18, true) & 0x7ff;
    x.fdp = v.getUint32(20, true);
  } else {
    x.cw = (v.getUint16(0, true) & 0x1f3f) | 0x40;
    setStatus(x, v.getUint16(2, true));
    x.tagValid = validFromTag(v.getUint16(4, true));
    x.fip = v.getUint16(6, true);
    x.fdp = v.getUint16(10, true);
  }
  updateSummary(x);
}

/** FNSTENV: stores the environment, then masks all exceptions (SDM FSTENV). */
export function fnstenv(c: Cpu, a: number, is32: boolean): void {
  const x = c.x87;
  c.mem.writeBytes(a, envBytes(x, is32));
  x.cw |= 0x3f;
  updateSummary(x); // everything is masked now: ES and B clear (as Bochs does)
}

export function fldenv(c: Cpu, a: number, is32: boolean): void {
  loadEnvBytes(c.x87, c.mem.readBytes(a, is32 ? 28 : 14), is32);
}

function regBytes(x: X87, out: Uint8Array, off: number, stride: number): void {
  const v = new DataView(out.buffer, out.byteOffset, out.byteLength);
  for (let i = 0; i < 8; i++) {
    const p = (x.top + i) & 7;
    const o = off + i * stride;
    v.setInt32(o, x.mantLo[p], true);
    v.setInt32(o + 4, x.mantHi[p], true);
    v.setUint16(o + 8, x.signExp[p], true);
  }
}

function loadRegBytes(x: X87, b: Uint8Array, off: number, stride: number): void {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  for (let i = 0; i < 8; i++) {
    const p = (x.top + i) & 7;
    const o = off + i * stride;
    x.mantLo[p] = v.getInt32(o, true);
    x.mantHi[p] = v.getInt32(o + 4, true);
    x.signExp[p] = v.getUint16(o + 8, true);
  }
}

/** FNSAVE: environment + ST0..ST7, then FNINIT. */
export function fnsave(c: Cpu, a: number, is32: boolean): void {
  const x = c.x87;
  const env = envBytes(x, is32);
  const b = new Uint8Array(env.length + 80);
  b.set(env);
  regBytes(x, b, env.length, 10);
  c.mem.writeBytes(a, b);
  finit(x);
}

export function frstor(c: Cpu, a: number, is32: boolean): void {
  const x = c.x87;
  const n = is32 ? 28 : 14;
  const b = c.mem.readBytes(a, n + 80);
  loadEnvBytes(x, b.subarray(0, n), is32);
  loadRegBytes(x, b, n, 10);
}

// ------------------------------------------------------------------ FXSAVE / FXRSTOR

/** The 512-byte FXSAVE image of the current state (bytes 416..511 zero). */
export function fxsaveImage(c: Cpu, rexw = true): Uint8Array {
  const x = c.x87;
  const b = new Uint8Array(512);
  const v = new DataView(b.buffer);
  v.setUint16(0, x.cw, true);
  v.setUint16(2, x.statusWord(), true);
  b[4] = x.tagValid & 0xff;
  v.setUint16(6, x.fop & 0x7ff, true);
  if (rexw) {
    v.setUint32(8, x.fip >>> 0, true);
    v.setUint32(12, Math.floor(x.fip / 4294967296), true);
    v.setUint32(16, x.fdp >>> 0, true);
    v.setUint32(20, Math.floor(x.fdp / 4294967296), true);
  } else {
    v.setUint32(8, x.fip >>> 0, true);
    v.setUint16(12, x.fip !== 0 ? USER_CS : 0, true);
    v.setUint32(16, x.fdp >>> 0, true);
  }
  v.setUint32(24, c.mxcsr >>> 0, true);
  v.setUint32(28, MXCSR_MASK, true);
  regBytes(x, b, 32, 16);
  b.set(c.xmmU8.subarray(0, 256), 160);
  return b;
}

/** Loads a 512-byte FXSAVE image; returns false (nothing changed) if MXCSR has reserved bits set. */
export function fxrstorImage(c: Cpu, b: Uint8Array, rexw = true): boolean {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const mxcsr = v.getUint32(24, true);
  if ((mxcsr & ~MXCSR_MASK) !== 0) return false;
  const x = c.x87;
  x.cw = (v.getUint16(0, true) & 0x1f3f) | 0x40;
  setStatus(x, v.getUint16(2, true));
  x.tagValid = b[4];
  x.fop = v.getUint16(6, true) & 0x7ff;
  if (rexw) {
    x.fip = v.getUint32(8, true) + v.getUint32(12, true) * 4294967296;
    x.fdp = v.getUint32(16, true) + v.getUint32(20, true) * 4294967296;
  } else {
    x.fip = v.getUint32(8, true);
    x.fdp = v.getUint32(16, true);
  }
  loadRegBytes(x, b, 32, 16);
  updateSummary(x);
  c.mxcsr = mxcsr;
  c.xmmU8.set(b.subarray(160, 416));
  return true;
}

/** FXSAVE/FXSAVE64: 16-byte aligned (#GP otherwise); writes bytes 0..415. */
export function fxsave(c: Cpu, a: number, rexw: boolean): void {
  if ((a & 15) !== 0) generalProtection('misaligned FXSAVE area');
  c.mem.writeBytes(a, fxsaveImage(c, rexw).subarray(0, 416));
}

export function fxrstor(c: Cpu, a: number, rexw: boolean): void {
  if ((a & 15) !== 0) generalProtection('misaligned FXRSTOR area');
  const b = c.mem.readBytes(a, 512);
  if (!fxrstorImage(c, b, rexw)) generalProtection('FXRSTOR: reserved MXCSR bits set');
}
