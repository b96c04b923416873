/**
 * Inline templates for the SSE instructions that glibc's and musl's string functions and
 * memcpy spend their time in: 128-bit moves, the bitwise ops, pcmpeqb and pmovmskb (xmm forms
 * only; MMX forms and everything else call their handler through the light path in codegen.ts).
 * The XMM file stays in the Cpu (`XM` = c.xmm, four int32 lanes per register). The ISA goldens
 * run these with the JIT forced on, against the handlers in src/cpu/sse.
 *
 * Like every template: memory is read (or probed for writing) before any register changes,
 * so a fault leaves the state as it was before the instruction.
 */
import { Mnemonic } from 'iced-x86';
import type { Insn } from '../cpu/insn.js';
import { OP_XMM, OP_MEM, OP_GPR } from '../cpu/insn.js';
import { type Gen, smcCheck } from './codegen.js';
import { TEMPLATES } from './templates.js';

/** The four lanes of operand 1 (xmm register or m128) as JS expressions. */
function source128(g: Gen, i: Insn, aligned: boolean): string[] | null {
  if (i.k1 === OP_XMM) return [0, 1, 2, 3].map((k) => `XM[${i.r1 * 4 + k}]`);
  if (i.k1 !== OP_MEM) return null;
  const a = g.ea(i);
  if (aligned) g.emit(`if ((${a} & 15) !== 0) X.misalignedSse();`);
  const v = [g.t(), g.t(), g.t(), g.t()];
  g.emit(`if ((${a} & 4095) <= 4080 && (P[${a} >>> 12] & 1) !== 0) { ${v.map((t, k) => `${t} = DV.getInt32(${a} + ${4 * k}, true);`).join(' ')} }` +
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
    if (i.k0 === OP_XMM) {
      const v = source128(g, i, aligned);
      if (!v) return false;
      if (i.k1 === OP_XMM && i.r1 === i.r0) return true;
      const o = i.r0 * 4;
      // Through temps: the lanes must all be read before any is written.
      const t = v.map((x) => { if (x.startsWith('t')) return x; const n = g.t(); g.emit(`${n} = ${x};`); return n; });
      g.emit(t.map((x, k) => `XM[${o + k}] = ${x};`).join(' '));
      return true;
    }
    if (i.k0 !== OP_MEM || i.k1 !== OP_XMM) return false;
    const a = g.ea(i);
    if (aligned) g.emit(`if ((${a} & 15) !== 0) X.misalignedSse();`);
    const s = i.r1 * 4;
    g.emit(`if ((${a} & 4095) <= 4080 && (P[${a} >>> 12] & 10) === 2) { ${[0, 1, 2, 3].map((k) => `DV.setInt32(${a} + ${4 * k}, XM[${s + k}], true);`).join(' ')} }` +
      ` else { X.probeWrite(c, ${a}, 16); ${[0, 1, 2, 3].map((k) => `m.write32(${a} + ${4 * k}, XM[${s + k}]);`).join(' ')} sw = true; }`);
    g.stores = true;
    smcCheck(g, i.next, g.k);
    return true;
  };
}
for (const m of [Mnemonic.Movaps, Mnemonic.Movapd, Mnemonic.Movdqa]) TEMPLATES.set(m, move128(true));
for (const m of [Mnemonic.Movups, Mnemonic.Movupd, Mnemonic.Movdqu, Mnemonic.Lddqu]) TEMPLATES.set(m, move128(false));

/** dst = op(dst lane, src lane) for each of the four int32 lanes (legacy SSE: m128 aligned). */
function lanes(op: (a: string, b: string) => string) {
  return (g: Gen, i: Insn): boolean => {
    if (i.nops !== 2 || i.k0 !== OP_XMM) return false;
    usesXmm(g);
    const v = source128(g, i, true);
    if (!v) return false;
    const o = i.r0 * 4;
    const t = v.map((x, k) => { const n = g.t(); g.emit(`${n} = ${op(`XM[${o + k}]`, x)};`); return n; });
    g.emit(t.map((x, k) => `XM[${o + k}] = ${x};`).join(' '));
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
  return true;
}

/** pmovmskb r32/r64, xmm: the top bit of each of the 16 bytes. */
TEMPLATES.set(Mnemonic.Pmovmskb, (g, i) => {
  if (i.k0 !== OP_GPR || i.k1 !== OP_XMM) return false;
  usesXmm(g);
  const s = i.r1 * 4;
  const lane = (k: number) => `(((XM[${s + k}] >>> 7) & 1) | ((XM[${s + k}] >>> 14) & 2) | ((XM[${s + k}] >>> 21) & 4) | ((XM[${s + k}] >>> 28) & 8))`;
  const r = g.t();
  g.emit(`${r} = ${lane(0)} | (${lane(1)} << 4) | (${lane(2)} << 8) | (${lane(3)} << 12);`);
  g.writeReg(i.r0, 4, r);
  return true;
});
