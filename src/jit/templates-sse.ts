/**
 * Inline templates for the SSE instructions that glibc's and musl's string functions and
 * memcpy spend their time in: 128-bit moves, the bitwise ops, pcmpeqb and pmovmskb; and for the
 * hot SSE2 packed-integer ones (add/sub, compares, pmuludq, packs, unpacks, pshufd, shifts by an
 * immediate, movd/movq). xmm forms only; MMX forms and everything else call their handler
 * through the light path in codegen.ts.
 * The XMM file stays in the Cpu (`XM` = c.xmm, four int32 lanes per register), written through;
 * lanes a block already read or wrote are read from its locals (Gen.readXM, xmm-locals.ts):
 * sha256's SSE message schedule region took TurboFan 59 ms to optimise instead of 98 ms. The
 * ISA goldens run these with the JIT forced on, against the handlers in src/cpu/sse.
 *
 * Like every template: memory is read (or probed for writing) before any register changes,
 * so a fault leaves the state as it was before the instruction.
 */
import { Mnemonic } from '../cpu/iced.js';
import type { Insn } from '../cpu/insn.js';
import { OP_XMM, OP_MEM, OP_GPR, OP_IMM } from '../cpu/insn.js';
import { type Gen, smcCheck } from './codegen.js';
import { readable, writable } from './access.js';
import { TEMPLATES } from './templates.js';

/** The four lanes of operand 1 (xmm register or m128) as JS expressions. */
export function source128(g: Gen, i: Insn, aligned: boolean): string[] | null {
  if (i.k1 === OP_XMM) return [0, 1, 2, 3].map((k) => g.readXM(i.r1 * 4 + k));
  if (i.k1 !== OP_MEM) return null;
  const a = g.ea(i);
  if (aligned) g.emit(`if ((${a} & 15) !== 0) X.misalignedSse();`);
  const v = [g.t(), g.t(), g.t(), g.t()];
  g.emit(`if (${readable(a, 16, aligned)}) { ${v.map((t, k) => `${t} = DV.getInt32(${a} + ${4 * k}, true);`).join(' ')} }` +
    ` else { ${v.map((t, k) => `${t} = m.read32(${a} + ${4 * k});`).join(' ')} }`);
  return v;
}

function usesXmm(g: Gen): void {
  g.xmm = true;
}

/** movups/movaps/movdqu/movdqa/movupd/movapd/lddqu: load, store or register copy. */
function move128(aligned: boolean) {
  return (g: Gen, i: Insn): boolean => {
    if (i.nops !== 2) return false;
    usesXmm(g);
    // The fast paths move two 8-byte halves through the Float64 view (`XF`) rather than four
    // int32 lanes: half the accesses, and a store that follows a load of the same register
    // reads what was written at the same width (no store-forwarding stall). Bits are kept as
    // they are, NaN payloads included: V8 moves doubles between DataViews and typed arrays
    // without canonicalising them (checked, signalling NaNs and the hole pattern included, in
    // every tier), and the ISA goldens compare all 128 bits.
    g.xmmFloat = true;
    if (i.k0 === OP_XMM) {
      const d = i.r0 * 2;
      if (i.k1 === OP_XMM) {
        if (i.r1 !== i.r0) {
          const lo = g.readXF(i.r1 * 2), hi = g.readXF(i.r1 * 2 + 1);
          g.writeXF(d, lo);
          g.writeXF(d + 1, hi);
        }
        return true;
      }
      if (i.k1 !== OP_MEM) return false;
      const a = g.ea(i);
      if (aligned) g.emit(`if ((${a} & 15) !== 0) X.misalignedSse();`);
      // Slow path: all four reads (which may fault) before any write.
      const v = [g.t(), g.t(), g.t(), g.t()];
      const lo = g.f(), hi = g.f();
      g.emit(`if (${readable(a, 16, aligned)}) { ${lo} = DV.getFloat64(${a}, true); ${hi} = DV.getFloat64(${a} + 8, true); }` +
        ` else { ${v.map((t, k) => `${t} = m.read32(${a} + ${4 * k});`).join(' ')} ${v.map((t, k) => `XM[${i.r0 * 4 + k}] = ${t};`).join(' ')}` +
        ` ${lo} = XF[${d}]; ${hi} = XF[${d + 1}]; }`);
      g.writeXF(d, lo);
      g.writeXF(d + 1, hi);
      return true;
    }
    if (i.k0 !== OP_MEM || i.k1 !== OP_XMM) return false;
    const a = g.ea(i);
    if (aligned) g.emit(`if ((${a} & 15) !== 0) X.misalignedSse();`);
    const s = i.r1 * 4;
    const lo = g.readXF(i.r1 * 2), hi = g.readXF(i.r1 * 2 + 1);
    g.emit(`if (${writable(a, 16, aligned)}) { DV.setFloat64(${a}, ${lo}, true); DV.setFloat64(${a} + 8, ${hi}, true); }` +
      ` else { X.probeWrite(c, ${a}, 16); ${[0, 1, 2, 3].map((k) => `m.write32(${a} + ${4 * k}, XM[${s + k}]);`).join(' ')} sw = true; }`);
    g.stores = true;
    smcCheck(g, i.next, g.k);
    return true;
  };
}
// movntdq/movntps/movntpd: aligned stores (the non-temporal hint changes nothing we model).
for (const m of [Mnemonic.Movaps, Mnemonic.Movapd, Mnemonic.Movdqa, Mnemonic.Movntdq, Mnemonic.Movntps, Mnemonic.Movntpd]) TEMPLATES.set(m, move128(true));
for (const m of [Mnemonic.Movups, Mnemonic.Movupd, Mnemonic.Movdqu, Mnemonic.Lddqu]) TEMPLATES.set(m, move128(false));

/** dst = op(dst lane, src lane) for each of the four int32 lanes (legacy SSE: m128 aligned). */
function lanes(op: (a: string, b: string) => string) {
  return (g: Gen, i: Insn): boolean => {
    if (i.nops !== 2 || i.k0 !== OP_XMM) return false;
    usesXmm(g);
    const v = source128(g, i, true);
    if (!v) return false;
    writeLanes(g, i.r0, DST(g, i.r0).map((d, k) => op(d, v[k])));
    return true;
  };
}
const xor = lanes((a, b) => `${a} ^ ${b}`);
TEMPLATES.set(Mnemonic.Pxor, (g, i) => (i.k1 === OP_XMM && i.r1 === i.r0 && i.k0 === OP_XMM ? zero(g, i) : xor(g, i)));
TEMPLATES.set(Mnemonic.Xorps, (g, i) => (i.k1 === OP_XMM && i.r1 === i.r0 && i.k0 === OP_XMM ? zero(g, i) : xor(g, i)));
TEMPLATES.set(Mnemonic.Xorpd, (g, i) => (i.k1 === OP_XMM && i.r1 === i.r0 && i.k0 === OP_XMM ? zero(g, i) : xor(g, i)));
for (const m of [Mnemonic.Por, Mnemonic.Orps, Mnemonic.Orpd]) TEMPLATES.set(m, lanes((a, b) => `${a} | ${b}`));
for (const m of [Mnemonic.Pand, Mnemonic.Andps, Mnemonic.Andpd]) TEMPLATES.set(m, lanes((a, b) => `${a} & ${b}`));
for (const m of [Mnemonic.Pandn, Mnemonic.Andnps, Mnemonic.Andnpd]) TEMPLATES.set(m, lanes((a, b) => `~${a} & ${b}`));
/**
 * pcmpeqb: per byte 0xff where equal. With x = a ^ b, a byte of x is zero iff the bytes were
 * equal: ((x & 0x7f7f7f7f) + 0x7f7f7f7f) | x has the top bit of every non-zero byte set.
 */
TEMPLATES.set(Mnemonic.Pcmpeqb, lanes((a, b) => `((~((((${a} ^ ${b}) & 0x7f7f7f7f) + 0x7f7f7f7f) | (${a} ^ ${b})) & 0x80808080) >>> 7) * 0xff | 0`));

/** xor/pxor of a register with itself: zero, without reading it. */
function zero(g: Gen, i: Insn): boolean {
  usesXmm(g);
  const o = i.r0 * 4;
  g.emit(`XM[${o}] = 0; XM[${o + 1}] = 0; XM[${o + 2}] = 0; XM[${o + 3}] = 0;`);
  for (let k = 0; k < 4; k++) g.xf.setInt(o + k, '0');
  return true;
}

/**
 * pmovmskb r32/r64, xmm: the top bit of each of the 16 bytes. Per 32-bit lane, the four top
 * bits moved to bits 0, 8, 16, 24 and multiplied by 2^0 + 2^7 + 2^14 + 2^21 land on bits 21..24
 * in order (every partial product bit has its own position: no carries), so one multiply
 * gathers them (strlen/strcmp/memchr run one pmovmskb per 16 bytes).
 */
TEMPLATES.set(Mnemonic.Pmovmskb, (g, i) => {
  if (i.k0 !== OP_GPR || i.k1 !== OP_XMM) return false;
  usesXmm(g);
  const s = i.r1 * 4;
  const x = [0, 1, 2, 3].map((k) => g.readXM(s + k));
  const lane = (k: number) => `((Math.imul((${x[k]} >>> 7) & 0x01010101, 0x204081) >>> 21) & 15)`;
  const r = g.t();
  g.emit(`${r} = ${lane(0)} | (${lane(1)} << 4) | (${lane(2)} << 8) | (${lane(3)} << 12);`);
  g.writeReg(i.r0, 4, r);
  return true;
});

// ------------------------------------------------------------------ packed integers (SSE2)
//
// xmm forms only (MMX forms decline and call their handler). Each template computes the four
// result lanes from the destination's lanes and the source's and writes the destination; results
// that mix lanes go through temps first (the source may be the destination register).
// Semantics: src/cpu/sse/int.ts (the ISA goldens and the interpreter check both agree).

const ATOM = /^(t\d+|-?\d+)$/;

/**
 * Writes the four result lanes to xmm r, evaluated into temps first (every input is read before
 * any lane is written: the source may be the destination); the temps (or literals) then hold
 * the lanes for the rest of the block (Gen.readXM).
 */
function writeLanes(g: Gen, r: number, v: string[]): void {
  const t = v.map((x) => { if (ATOM.test(x)) return x; const n = g.t(); g.emit(`${n} = ${x};`); return n; });
  g.emit(t.map((x, k) => `XM[${r * 4 + k}] = ${x};`).join(' '));
  t.forEach((x, k) => g.xf.setInt(r * 4 + k, x));
}

/** The four int32 lanes of xmm r as temps (Gen.readXM). */
const DST = (g: Gen, r: number): string[] => [0, 1, 2, 3].map((k) => g.readXM(r * 4 + k));

/** xmm = fn(xmm lanes, xmm/m128 lanes): the two-operand packed forms (legacy SSE: m128 aligned). */
function packed(fn: (d: string[], s: string[], g: Gen) => string[]) {
  return (g: Gen, i: Insn): boolean => {
    if (i.nops !== 2 || i.k0 !== OP_XMM) return false;
    const s = source128(g, i, true);
    if (!s) return false;
    usesXmm(g);
    writeLanes(g, i.r0, fn(DST(g, i.r0), s, g));
    return true;
  };
}
const perLane = (op: (a: string, b: string) => string) => packed((d, s) => d.map((x, k) => op(x, s[k])));

TEMPLATES.set(Mnemonic.Paddd, perLane((a, b) => `(${a} + ${b}) | 0`));
TEMPLATES.set(Mnemonic.Psubd, perLane((a, b) => `(${a} - ${b}) | 0`));
/**
 * Bytes and words as SWAR within an int32 lane: the low 7 (15) bits of each element add without
 * reaching the next element, the top bit is the xor of both tops and that carry. Subtraction
 * sets each top bit first so no element borrows from its neighbour.
 */
TEMPLATES.set(Mnemonic.Paddb, perLane((a, b) => `((${a} & 0x7f7f7f7f) + (${b} & 0x7f7f7f7f)) ^ ((${a} ^ ${b}) & 0x80808080)`));
TEMPLATES.set(Mnemonic.Psubb, perLane((a, b) => `((${a} | 0x80808080) - (${b} & 0x7f7f7f7f)) ^ ((${a} ^ ~${b}) & 0x80808080)`));
TEMPLATES.set(Mnemonic.Paddw, perLane((a, b) => `((${a} & 0x7fff7fff) + (${b} & 0x7fff7fff)) ^ ((${a} ^ ${b}) & 0x80008000)`));
TEMPLATES.set(Mnemonic.Psubw, perLane((a, b) => `((${a} | 0x80008000) - (${b} & 0x7fff7fff)) ^ ((${a} ^ ~${b}) & 0x80008000)`));
/** paddq/psubq: two int32 halves per qword, carry (borrow) from the low half. */
TEMPLATES.set(Mnemonic.Paddq, packed((d, s, g) => [0, 2].flatMap((k) => {
  const x = g.t(), lo = g.t(), hi = g.t();
  g.emit(`${x} = (${d[k]} >>> 0) + (${s[k]} >>> 0); ${lo} = ${x} | 0; ${hi} = (${d[k + 1]} + ${s[k + 1]} + (${x} > 4294967295 ? 1 : 0)) | 0;`);
  return [lo, hi];
})));
TEMPLATES.set(Mnemonic.Psubq, packed((d, s, g) => [0, 2].flatMap((k) => {
  const x = g.t(), lo = g.t(), hi = g.t();
  g.emit(`${x} = (${d[k]} >>> 0) - (${s[k]} >>> 0); ${lo} = ${x} | 0; ${hi} = (${d[k + 1]} - ${s[k + 1]} - (${x} < 0 ? 1 : 0)) | 0;`);
  return [lo, hi];
})));

TEMPLATES.set(Mnemonic.Pcmpeqd, perLane((a, b) => `${a} === ${b} ? -1 : 0`));
/** pcmpeqw: like pcmpeqb, per word (bits 15 and 31 of the mask, spread to 0xffff). */
TEMPLATES.set(Mnemonic.Pcmpeqw, perLane((a, b) => `((~((((${a} ^ ${b}) & 0x7fff7fff) + 0x7fff7fff) | (${a} ^ ${b})) & 0x80008000) >>> 15) * 0xffff | 0`));
TEMPLATES.set(Mnemonic.Pcmpgtd, perLane((a, b) => `${a} > ${b} ? -1 : 0`));
TEMPLATES.set(Mnemonic.Pcmpgtw, perLane((a, b) => `((${a} << 16) > (${b} << 16) ? 0xffff : 0) | ((${a} >> 16) > (${b} >> 16) ? -65536 : 0)`));
TEMPLATES.set(Mnemonic.Pcmpgtb, perLane((a, b) => [0, 1, 2, 3].map((k) =>
  `(((${a} << ${24 - 8 * k}) >> 24) > ((${b} << ${24 - 8 * k}) >> 24) ? ${(0xff << (8 * k)) | 0} : 0)`).join(' | ')));

/** pmuludq: the unsigned 64-bit products of the low dwords of each qword. */
TEMPLATES.set(Mnemonic.Pmuludq, packed((d, s, g) => [0, 2].flatMap((k) => {
  const lo = g.t(), hi = g.t();
  g.emit(`${lo} = X.mulLo64(${d[k]}, 0, ${s[k]}, 0); ${hi} = X.hi;`);
  return [lo, hi];
})));

/** Packs with saturation: destination elements first, then the source's (int16 -> 8 bits, int32 -> 16 bits). */
function packWords(sat: (w: string) => string) {
  const words = (x: string) => [`((${x} << 16) >> 16)`, `(${x} >> 16)`];
  const lane = (x: string, y: string) => [...words(x), ...words(y)].map((w, k) => (k === 0 ? sat(w) : `(${sat(w)} << ${8 * k})`)).join(' | ');
  return packed((d, s) => [lane(d[0], d[1]), lane(d[2], d[3]), lane(s[0], s[1]), lane(s[2], s[3])]);
}
/**
 * packuswb as SWAR on each lane's two words: the low byte, 0xff where bits 8-14 are not all
 * zero (> 255), 0 where the word is negative; then the two bytes at 0 and 16 are packed.
 */
TEMPLATES.set(Mnemonic.Packuswb, packed((d, s, g) => {
  const r = [...d, ...s].map((x) => {
    const t = g.t();
    g.emit(`${t} = ${x}; ${t} = ((${t} & 0xff00ff) | (((((${t} & 0x7f007f00) + 0x7f007f00) >>> 15) & 0x10001) * 0xff)) & ~(((${t} >>> 15) & 0x10001) * 0xff);`);
    return t;
  });
  return [0, 2, 4, 6].map((k) => `((${r[k]} | (${r[k]} >>> 8)) & 0xffff) | ((${r[k + 1]} | (${r[k + 1]} >>> 8)) << 16)`);
}));
TEMPLATES.set(Mnemonic.Packsswb, packWords((w) => `(Math.min(Math.max(${w}, -128), 127) & 0xff)`));
TEMPLATES.set(Mnemonic.Packssdw, packed((d, s) => [[d[0], d[1]], [d[2], d[3]], [s[0], s[1]], [s[2], s[3]]].map(([x, y]) =>
  `(Math.min(Math.max(${x}, -32768), 32767) & 0xffff) | (Math.min(Math.max(${y}, -32768), 32767) << 16)`)));

/**
 * Unpacks interleave the low (high) halves: lanes d0 d1 (d2 d3) and s0 s1 (s2 s3). For bytes and
 * words each result lane takes one half-lane of each operand.
 */
const bytesLow = (x: string, y: string) => `(${x} & 0xff) | ((${x} & 0xff00) << 8) | ((${y} & 0xff) << 8) | ((${y} & 0xff00) << 16)`;
const bytesHigh = (x: string, y: string) => `((${x} >>> 16) & 0xff) | ((${x} >>> 8) & 0xff0000) | ((${y} >>> 8) & 0xff00) | (${y} & 0xff000000)`;
const wordsLow = (x: string, y: string) => `(${x} & 0xffff) | (${y} << 16)`;
const wordsHigh = (x: string, y: string) => `(${x} >>> 16) | (${y} & 0xffff0000)`;
function unpack(base: number, low: (x: string, y: string) => string, high: (x: string, y: string) => string) {
  return packed((d, s) => [low(d[base], s[base]), high(d[base], s[base]), low(d[base + 1], s[base + 1]), high(d[base + 1], s[base + 1])]);
}
TEMPLATES.set(Mnemonic.Punpcklbw, unpack(0, bytesLow, bytesHigh));
TEMPLATES.set(Mnemonic.Punpckhbw, unpack(2, bytesLow, bytesHigh));
TEMPLATES.set(Mnemonic.Punpcklwd, unpack(0, wordsLow, wordsHigh));
TEMPLATES.set(Mnemonic.Punpckhwd, unpack(2, wordsLow, wordsHigh));
TEMPLATES.set(Mnemonic.Punpckldq, packed((d, s) => [d[0], s[0], d[1], s[1]]));
TEMPLATES.set(Mnemonic.Punpckhdq, packed((d, s) => [d[2], s[2], d[3], s[3]]));
TEMPLATES.set(Mnemonic.Punpcklqdq, packed((d, s) => [d[0], d[1], s[0], s[1]]));
TEMPLATES.set(Mnemonic.Punpckhqdq, packed((d, s) => [d[2], d[3], s[2], s[3]]));

/** pshufd xmm, xmm/m128, imm8: lane k of the result is source lane (imm >> 2k) & 3. */
TEMPLATES.set(Mnemonic.Pshufd, (g, i) => {
  if (i.nops !== 3 || i.k0 !== OP_XMM || i.k2 !== OP_IMM) return false;
  const s = source128(g, i, true);
  if (!s) return false;
  usesXmm(g);
  const sel = i.imm & 0xff;
  writeLanes(g, i.r0, [0, 1, 2, 3].map((k) => s[(sel >> (2 * k)) & 3]));
  return true;
});

/**
 * Shifts by an immediate (xmm, imm8; the count is imm & 0xff as in the handler): counts at or
 * above the element width give 0 (logical) or the sign fill (arithmetic). `fn` maps the
 * register's lanes to the result for a count it is given; null: the register is unchanged.
 */
function shiftImm(fn: (x: string[], n: number) => string[] | null) {
  return (g: Gen, i: Insn): boolean => {
    if (i.nops !== 2 || i.k0 !== OP_XMM || i.k1 !== OP_IMM) return false;
    usesXmm(g);
    const v = fn(DST(g, i.r0), i.imm & 0xff);
    if (v) writeLanes(g, i.r0, v);
    return true;
  };
}
const ZERO = ['0', '0', '0', '0'];
TEMPLATES.set(Mnemonic.Pslld, shiftImm((x, n) => (n === 0 ? null : n >= 32 ? ZERO : x.map((a) => `${a} << ${n}`))));
TEMPLATES.set(Mnemonic.Psrld, shiftImm((x, n) => (n === 0 ? null : n >= 32 ? ZERO : x.map((a) => `(${a} >>> ${n}) | 0`))));
TEMPLATES.set(Mnemonic.Psrad, shiftImm((x, n) => (n === 0 ? null : x.map((a) => `${a} >> ${Math.min(n, 31)}`))));
TEMPLATES.set(Mnemonic.Psllw, shiftImm((x, n) => (n === 0 ? null : n >= 16 ? ZERO : x.map((a) => `(${a} << ${n}) & ${(((0xffff << n) & 0xffff) * 0x10001) | 0}`))));
TEMPLATES.set(Mnemonic.Psrlw, shiftImm((x, n) => (n === 0 ? null : n >= 16 ? ZERO : x.map((a) => `(${a} >>> ${n}) & ${(0xffff >>> n) * 0x10001}`))));
TEMPLATES.set(Mnemonic.Psraw, shiftImm((x, n) => {
  if (n === 0) return null;
  const m = Math.min(n, 15);
  return x.map((a) => `((${a} >> ${m}) & -65536) | (((${a} << 16) >> ${m}) >>> 16)`);
}));
TEMPLATES.set(Mnemonic.Psllq, shiftImm((x, n) => {
  if (n === 0) return null;
  if (n >= 64) return ZERO;
  return [0, 2].flatMap((k) => (n < 32
    ? [`${x[k]} << ${n}`, `(${x[k + 1]} << ${n}) | (${x[k]} >>> ${32 - n})`]
    : ['0', `${x[k]} << ${n - 32}`]));
}));
TEMPLATES.set(Mnemonic.Psrlq, shiftImm((x, n) => {
  if (n === 0) return null;
  if (n >= 64) return ZERO;
  return [0, 2].flatMap((k) => (n < 32
    ? [`(${x[k]} >>> ${n}) | (${x[k + 1]} << ${32 - n})`, `(${x[k + 1]} >>> ${n}) | 0`]
    : [`(${x[k + 1]} >>> ${n - 32}) | 0`, '0']));
}));
/** pslldq/psrldq: the whole register as a 128-bit integer shifted by 8 * imm bits (imm > 15: zero). */
TEMPLATES.set(Mnemonic.Pslldq, shiftImm((x, n) => {
  if (n === 0) return null;
  if (n > 15) return ZERO;
  const q = n >> 2, r = (n & 3) * 8;
  return [0, 1, 2, 3].map((j) => {
    const k = j - q;
    if (k < 0) return '0';
    if (r === 0) return x[k];
    return k === 0 ? `${x[k]} << ${r}` : `(${x[k]} << ${r}) | (${x[k - 1]} >>> ${32 - r})`;
  });
}));
TEMPLATES.set(Mnemonic.Psrldq, shiftImm((x, n) => {
  if (n === 0) return null;
  if (n > 15) return ZERO;
  const q = n >> 2, r = (n & 3) * 8;
  return [0, 1, 2, 3].map((j) => {
    const k = j + q;
    if (k > 3) return '0';
    if (r === 0) return x[k];
    return k === 3 ? `(${x[k]} >>> ${r}) | 0` : `(${x[k]} >>> ${r}) | (${x[k + 1]} << ${32 - r})`;
  });
}));

// ------------------------------------------------------------------ movd / movq

/**
 * movd/movq between an xmm register and a general register or memory (MMX forms decline).
 * Loads into xmm zero-extend to 128 bits; movq xmm, xmm copies the low qword and zeroes the rest.
 */
function movdq(size: 4 | 8) {
  return (g: Gen, i: Insn): boolean => {
    if (i.nops !== 2) return false;
    if (i.k0 === OP_XMM) {
      let lo: string, hi = '0';
      if (i.k1 === OP_GPR) {
        lo = g.lo(i.r1);
        if (size === 8) hi = g.hi(i.r1);
      } else if (i.k1 === OP_MEM) {
        const a = g.ea(i);
        if (size === 8) [lo, hi] = g.load64(a);
        else lo = g.load(4, a);
      } else if (i.k1 === OP_XMM && size === 8) {
        lo = g.readXM(i.r1 * 4);
        hi = g.readXM(i.r1 * 4 + 1);
      } else return false;
      usesXmm(g);
      writeLanes(g, i.r0, [lo, hi, '0', '0']);
      return true;
    }
    if (i.k1 !== OP_XMM) return false;
    usesXmm(g);
    const s = i.r1 * 4;
    if (i.k0 === OP_GPR) {
      if (size === 8) g.write64(i.r0, g.readXM(s), g.readXM(s + 1));
      else g.writeReg(i.r0, 4, g.readXM(s));
      return true;
    }
    if (i.k0 !== OP_MEM) return false;
    const a = g.ea(i);
    if (size === 8) g.store64(a, g.readXM(s), g.readXM(s + 1));
    else g.store(4, a, g.readXM(s));
    smcCheck(g, i.next, g.k);
    return true;
  };
}
TEMPLATES.set(Mnemonic.Movd, movdq(4));
TEMPLATES.set(Mnemonic.Movq, movdq(8));
