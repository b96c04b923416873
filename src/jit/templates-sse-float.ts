/**
 * Inline templates for SSE/SSE2 floating-point arithmetic (add/sub/mul/div/sqrt, scalar and
 * packed, single and double) and the double-lane moves numeric code uses with them (movsd,
 * unpcklpd/unpckhpd, movlpd/movhpd).
 *
 * The semantics stay in src/cpu/sse/float.ts (softfloat: every rounding mode, DAZ/FTZ, NaN
 * rules, MXCSR exception flags). A template computes the common case with JavaScript's own
 * IEEE arithmetic and leaves everything else to that handler, so the fast path only has to be
 * exact where it is taken. Where the fast path does not apply, the region leaves through a side
 * exit and the interpreter runs the rest of the block (runtime.ts fpRetry), so the code after
 * a fast path knows its tests passed and later operations skip what they established
 * (xmm-locals.ts: operands known normal, the MXCSR's control bits). Measured on matmul and
 * n-body: 0.94 and 0.96 of the time (alternated A/B, 8 rounds each, on a noisy machine). A
 * block that misses FP_RETRY_LIMIT times is compiled again with the handler inline (a light
 * call, then the block goes on: Block.fpMerge). The fast path's conditions:
 *   - MXCSR is "round to nearest, DAZ and FTZ off, every exception masked":
 *     (mxcsr & 0xffc0) === 0x1f80. Then the only flag an ordinary result can raise is the
 *     sticky PE: nothing to do once it is set; while it is clear (programs whose arithmetic is
 *     all exact, like integer-valued matrices), X.pe checks the result with an error-free
 *     transformation and sets PE if it was rounded (or sends the instruction to the handler).
 *   - every operand and every result is finite and normal, or zero, and a product or quotient
 *     is zero only when an operand is: so no NaN (no payload or sign rules to follow, no IE), no
 *     denormal (DE, UE, DAZ/FTZ), no infinity or overflow (OE, ZE). The result is tested in full
 *     (normal64/normal32); an operand only for being a denormal (notDenormal64/32), because a
 *     NaN or infinite operand of + - * gives a NaN or infinite result, which fails the result's
 *     test (x / inf = 0 fails the zero rule unless x is 0, and 0 / inf = 0 raises nothing; the
 *     divisor is still tested in full for X.pe's sake). One to two compares per value instead of
 *     three: the range tests were half of matmul's loop.
 * JavaScript's + - * / and Math.sqrt on doubles are IEEE round-to-nearest-even. Single precision
 * is computed in double and rounded with Math.fround: for these five operations double (53 bits)
 * has more than 2 * 24 + 2 bits, so the double rounding gives the correctly rounded float.
 *
 * Nothing is written before the checks pass: the slow path sees the original operands. Memory
 * operands are read once, before anything else (faults are precise); legacy SSE packed m128
 * operands must be 16-byte aligned (#GP otherwise, like the handler).
 */
import { Mnemonic } from '../cpu/iced.js';
import type { Insn } from '../cpu/insn.js';
import { OP_XMM, OP_MEM } from '../cpu/insn.js';
import { type Gen, emitLightCall, emitHandlerCall, smcCheck, mayFault } from './codegen.js';
import { readable, writable } from './access.js';
import { TEMPLATES } from './templates.js';
import { MIN_FAST64, MAX_FAST64 } from '../cpu/sse/softfloat.js';

type Op = 'add' | 'sub' | 'mul' | 'div' | 'sqrt';

const EXPR: Record<Op, (a: string, b: string) => string> = {
  add: (a, b) => `${a} + ${b}`,
  sub: (a, b) => `${a} - ${b}`,
  mul: (a, b) => `${a} * ${b}`,
  div: (a, b) => `${a} / ${b}`,
  sqrt: (_a, b) => `Math.sqrt(${b})`,
};

/**
 * JS test that a double (float) temp is finite and normal, or zero (inline: V8 did not inline a
 * helper). Ordered for the common case, a normal number: two compares (NaN fails the first).
 */
const normal64 = (x: string) => `(Math.abs(${x}) <= 1.7976931348623157e308 && (Math.abs(${x}) >= 2.2250738585072014e-308 || ${x} === 0))`;
const normal32 = (x: string) => `(Math.abs(${x}) <= 3.4028234663852886e38 && (Math.abs(${x}) >= 1.1754943508222875e-38 || ${x} === 0))`;
/** JS test that a double (float) temp is not a denormal (NaN fails it too): one compare for a normal number. */
const notDenormal64 = (x: string) => `(Math.abs(${x}) >= 2.2250738585072014e-308 || ${x} === 0)`;
const notDenormal32 = (x: string) => `(Math.abs(${x}) >= 1.1754943508222875e-38 || ${x} === 0)`;

/** The fast-path MXCSR: RC nearest, no DAZ/FTZ, all exceptions masked (any sticky flags). */
const MXCSR_FAST = '(c.mxcsr & 0xffc0) === 0x1f80';
const OP_CODE: Record<Op, number> = { add: 0, sub: 1, mul: 2, div: 3, sqrt: 4 };

/**
 * Loads `n` lanes of `bytes` each from the memory operand (doubles: 8, floats: 4) into fresh
 * temps, as numbers. Packed (16-byte) operands must be aligned.
 */
function loadLanes(g: Gen, i: Insn, n: number, bytes: 4 | 8, aligned: boolean): string[] {
  const a = g.ea(i);
  if (aligned) g.emit(`if ((${a} & 15) !== 0) X.misalignedSse();`);
  const size = n * bytes;
  const v = Array.from({ length: n }, () => g.f());
  const get = bytes === 8 ? 'getFloat64' : 'getFloat32';
  const slow = bytes === 8 ? 'X.readF64' : 'X.readF32';
  g.emit(`if (${readable(a, size, aligned)}) { ${v.map((t, k) => `${t} = DV.${get}(${a} + ${k * bytes}, true);`).join(' ')} }` +
    ` else { ${v.map((t, k) => `${t} = ${slow}(${a} + ${k * bytes});`).join(' ')} }`);
  return v;
}

/**
 * Lane `k` of xmm register `r` as a double temp: a double lane from the block's locals where it
 * has one (Gen.readXF), a float lane from the Float32 view.
 */
function readLane(g: Gen, pd: boolean, r: number, k: number): string {
  if (pd) return g.readXF(r * 2 + k);
  const t = g.f();
  g.emit(`${t} = XS[${r * 4 + k}];`);
  return t;
}

/**
 * op{s,p}{s,d} xmm, xmm/mem. `pd`: double lanes; `scalar`: lane 0 only (the other lanes of the
 * destination are kept).
 */
function arith(op: Op, pd: boolean, scalar: boolean) {
  return (g: Gen, i: Insn): boolean => {
    if (i.nops !== 2 || i.k0 !== OP_XMM || (i.k1 !== OP_XMM && i.k1 !== OP_MEM)) return false;
    g.xmm = true;
    g.xmmFloat = true;
    const n = scalar ? 1 : pd ? 2 : 4;
    const V = pd ? 'XF' : 'XS';
    const per = pd ? 2 : 4; // lanes per register in the view
    const N = pd ? normal64 : normal32;
    const ND = pd ? notDenormal64 : notDenormal32;
    const b = i.k1 === OP_XMM
      ? Array.from({ length: n }, (_, k) => readLane(g, pd, i.r1, k))
      : loadLanes(g, i, n, pd ? 8 : 4, !scalar);
    const a = Array.from({ length: n }, (_, k) => readLane(g, pd, i.r0, k));
    const r = a.map((x, k) => {
      const t = g.f();
      const e = EXPR[op](x, b[k]);
      g.emit(`${t} = ${pd ? e : `Math.fround(${e})`};`);
      return t;
    });
    // In a block with FP side exits, what earlier fast paths established is not tested again
    // (xmm-locals.ts): a double operand known finite and normal or zero, the MXCSR control bits.
    const exit = g.fpExit;
    const known = (x: string) => exit && pd && g.xf.normal.has(x);
    const checks = new Set<string>(); // (in order; an operand used by both lanes is tested once)
    if (!(exit && g.xf.mxcsrFast)) checks.add(MXCSR_FAST);
    for (let k = 0; k < n; k++) {
      if (op !== 'sqrt' && !known(a[k])) checks.add(ND(a[k]));
      if (!known(b[k])) checks.add(op === 'div' ? N(b[k]) : ND(b[k]));
      checks.add(N(r[k]));
      // A zero product or quotient of non-zero operands underflowed (UE, PE).
      if (op === 'mul') checks.add(`(${r[k]} !== 0 || ${a[k]} === 0 || ${b[k]} === 0)`);
      if (op === 'div') checks.add(`(${r[k]} !== 0 || ${a[k]} === 0)`);
    }
    // Last: PE already set, or the exactness test could tell for every lane (it sets PE for a
    // rounded one).
    checks.add(`((c.mxcsr & 0x20) !== 0 || (${a.map((x, k) => exactOrPE(op, pd, x, b[k], r[k])).join(' && ')}))`);
    const test = [...checks].join(' && ');
    const writes = r.map((t, k) => `${V}[${i.r0 * per + k}] = ${t};`).join(' ');
    const kept = g.xf.snapshot();
    if (exit) {
      // Side exit: the region leaves as at a fault before this instruction (exact flags: a fault
      // site even without a memory operand) and the interpreter runs it (runtime.ts fpRetry).
      if (!mayFault(i)) g.faultSite(g.k);
      g.emit(`if (${test}) { ${writes} } else throw X.fpRetry(BLOCKS[${g.blockIndex}]);`);
      g.xf.restore(kept);
      g.xf.forgetInts(i.r0);
      g.xf.mxcsrFast = true;
      if (pd) {
        // Operands that passed: not denormal, and finite, or the result would not be (an
        // infinite or NaN operand of + - * / sqrt gives an infinite or NaN result, or a zero
        // quotient x / inf that fails the zero rule unless x is 0; a divisor is tested in full).
        for (let k = 0; k < n; k++) {
          if (op !== 'sqrt') g.xf.normal.add(a[k]);
          g.xf.normal.add(b[k]);
          g.xf.normal.add(r[k]);
        }
        r.forEach((t, k) => g.xf.set(i.r0 * 2 + k, t));
      } else g.xf.forget(i.r0);
      return true;
    }
    g.emit(`if (${test}) { ${writes} } else {`);
    emitLightCall(g, i, g.k);
    // The result temps hold the destination lanes on both paths from here on.
    if (pd) g.emit(r.map((t, k) => `${t} = XF[${i.r0 * 2 + k}];`).join(' '));
    g.emit('}');
    // The handler writes nothing but the destination (and MXCSR): the other lanes' locals still
    // hold their values on both paths.
    g.xf.restore(kept);
    g.xf.forgetInts(i.r0);
    if (pd) r.forEach((t, k) => g.xf.set(i.r0 * 2 + k, t));
    else g.xf.forget(i.r0);
    return true;
  };
}

/**
 * The inexactness test of one lane while PE is clear, as a JS expression: true when the lane
 * was exact, or was rounded and PE is now set; false when it cannot tell (then the handler
 * runs). Double add and sub test inline (below); double mul too for short operands, else it
 * calls softfloat.ts's TwoProduct (twoProdErr), a small function V8 inlines, so the doubles
 * are not boxed. The general X.pe, which V8 did not inline (its boxed double arguments
 * allocated per lane), took 30% of matmul's time, whose sums and products are all exact so PE
 * never gets set. The rest (float lanes, div, sqrt) and products near overflow or underflow
 * call X.pe.
 */
function exactOrPE(op: Op, pd: boolean, a: string, b: string, r: string): string {
  const call = `X.pe(c, ${OP_CODE[op]}, ${a}, ${b}, ${r}, ${!pd})`;
  if (!pd || (op !== 'add' && op !== 'sub' && op !== 'mul')) return call;
  const setPE = '(c.mxcsr |= 0x20, true)';
  if (op !== 'mul') {
    // r = a + b' (b' = b, or -b for sub) is exact iff r - a === b' and r - b' === a: the
    // subtraction of the larger operand is exact (Fast2Sum, Sterbenz), so it equals the other
    // operand exactly when nothing was rounded off (two independent operations instead of
    // TwoSum's chain of five; the other one holds for an exact sum too).
    const nb = op === 'sub' ? `-${b}` : b;
    return `((${r} - ${a} === ${nb} && ${r} ${op === 'sub' ? '+' : '-'} ${b} === ${a}) || ${setPE})`;
  }
  // Operands of at most 24 significant bits (floats: Math.fround keeps them) have an exact
  // product of at most 48 bits, which the normal result r then holds exactly: two conversions
  // instead of TwoProduct's 17 operations (matmul's products are all such). Otherwise
  // TwoProduct, exact away from overflow and underflow (the same range X.pe checks).
  const short = `(Math.fround(${a}) === ${a} && Math.fround(${b}) === ${b})`;
  const inRange = `Math.abs(${a}) < ${MAX_FAST64} && Math.abs(${b}) < ${MAX_FAST64} && Math.abs(${r}) > ${MIN_FAST64} && Math.abs(${r}) < ${MAX_FAST64}`;
  return `(${a} === 0 || ${b} === 0 || ${short} || (${inRange} ? (X.twoProdErr(${a}, ${b}, ${r}) === 0 || ${setPE}) : ${call}))`;
}

const OPS: [Op, Mnemonic, Mnemonic, Mnemonic, Mnemonic][] = [
  ['add', Mnemonic.Addsd, Mnemonic.Addpd, Mnemonic.Addss, Mnemonic.Addps],
  ['sub', Mnemonic.Subsd, Mnemonic.Subpd, Mnemonic.Subss, Mnemonic.Subps],
  ['mul', Mnemonic.Mulsd, Mnemonic.Mulpd, Mnemonic.Mulss, Mnemonic.Mulps],
  ['div', Mnemonic.Divsd, Mnemonic.Divpd, Mnemonic.Divss, Mnemonic.Divps],
  ['sqrt', Mnemonic.Sqrtsd, Mnemonic.Sqrtpd, Mnemonic.Sqrtss, Mnemonic.Sqrtps],
];
for (const [op, sd, pd, ss, ps] of OPS) {
  TEMPLATES.set(sd, arith(op, true, true));
  TEMPLATES.set(pd, arith(op, true, false));
  TEMPLATES.set(ss, arith(op, false, true));
  TEMPLATES.set(ps, arith(op, false, false));
}

// ------------------------------------------------------------------ comisd/ucomisd/comiss/ucomiss

/**
 * Ordered compares into ZF/PF/CF (OF, SF, AF cleared). With neither operand a NaN or a denormal
 * (infinities compare like numbers), no MXCSR flag can be raised (QNaN/SNaN give IE, denormals
 * DE) whatever MXCSR holds, so the fast path needs no MXCSR test. The flags become a 'bits'
 * record the next jcc/setcc/cmovcc reads directly; the slow path (the handler) leaves the same
 * bits in RFLAGS.
 */
function compare(pd: boolean) {
  return (g: Gen, i: Insn): boolean => {
    if (i.nops !== 2 || i.k0 !== OP_XMM || (i.k1 !== OP_XMM && i.k1 !== OP_MEM)) return false;
    g.xmm = true;
    g.xmmFloat = true;
    const N = pd ? notDenormal64 : notDenormal32;
    const b = i.k1 === OP_XMM ? readLane(g, pd, i.r1, 0) : loadLanes(g, i, 1, pd ? 8 : 4, false)[0];
    const a = readLane(g, pd, i.r0, 0), bits = g.t();
    const live = g.flagsLive(0x8d5);
    g.emit(`if (${N(a)} && ${N(b)}) {`);
    g.emit(`${bits} = ${a} < ${b} ? 1 : ${a} === ${b} ? 0x40 : 0;`);
    if (live) {
      g.flagLocals = true;
      g.flagsAssigned.add('frf');
      g.flagsAssigned.add('fop');
      g.emit(`frf = (frf & ~0x8d5) | ${bits}; fop = 0;`);
    }
    const kept = g.xf.snapshot();
    g.emit('} else {');
    emitHandlerCall(g, i, g.k);
    g.emit(`${bits} = frf & 0x8d5;`);
    g.emit('}');
    g.xf.restore(kept); // the handler writes only RFLAGS and MXCSR
    // A later fault in the block must still see these flags in the Cpu.
    g.pendingFault = live ? null : `c.rflags = (c.rflags & ~0x8d5) | ${bits}; c.fop = 0;`;
    g.flags = { kind: 'bits', size: 4, a: bits, b: bits, r: bits };
    return true;
  };
}
TEMPLATES.set(Mnemonic.Ucomisd, compare(true));
TEMPLATES.set(Mnemonic.Comisd, compare(true));
TEMPLATES.set(Mnemonic.Ucomiss, compare(false));
TEMPLATES.set(Mnemonic.Comiss, compare(false));

// ------------------------------------------------------------------ double-lane moves (bit copies)
//
// These move whole 64-bit lanes through the Float64 view (`XF`, two per register), like
// move128 in templates-sse.ts: the arithmetic above reads its operands through that view, and
// a double read right after two int32 stores to the same 8 bytes (which is what moving the lane
// through `XM` did) cannot be forwarded from the store buffer: the CPU stalls until the stores
// retire. n-body moves every operand this way (movsd loads, unpcklpd/unpckhpd broadcasts).
// Bits are kept as they are, NaN payloads included (see move128). The slow paths (a page
// boundary, a fault, a store into code) go through int32 lanes and Memory's methods.

/** XF index of 64-bit lane `k` (0 or 1) of xmm register `r`. */
const half = (r: number, k: number) => `XF[${r * 2 + k}]`;

/** Loads 8 bytes as a double into a fresh temp (bit copy): reads once, may fault. */
function loadDouble(g: Gen, a: string): string {
  const d = g.f();
  g.emit(`${d} = ${readable(a, 8)} ? DV.getFloat64(${a}, true) : X.readF64(${a});`);
  return d;
}

/** Stores 64-bit lane `k` of register `r` to memory. */
function storeDouble(g: Gen, i: Insn, r: number, k: number): void {
  const a = g.ea(i);
  const v = g.readXF(r * 2 + k);
  g.emit(`if (${writable(a, 8)}) DV.setFloat64(${a}, ${v}, true); else { m.write64(${a}, XM[${r * 4 + 2 * k}], XM[${r * 4 + 2 * k + 1}]); sw = true; }`);
  g.stores = true;
  smcCheck(g, i.next, g.k);
}

/** movsd (SSE2): xmm <- m64 zeroes the upper lane; xmm <- xmm copies the low lane; m64 <- xmm. The string movsd has no XMM operand. */
TEMPLATES.set(Mnemonic.Movsd, (g, i) => {
  if (i.nops !== 2) return false;
  g.xmm = true;
  g.xmmFloat = true;
  if (i.k0 === OP_XMM && i.k1 === OP_MEM) {
    const d = loadDouble(g, g.ea(i));
    g.writeXF(i.r0 * 2, d);
    g.emit(`${half(i.r0, 1)} = 0;`);
    return true;
  }
  if (i.k0 === OP_XMM && i.k1 === OP_XMM) {
    if (i.r0 !== i.r1) g.writeXF(i.r0 * 2, g.readXF(i.r1 * 2));
    return true;
  }
  if (i.k0 === OP_MEM && i.k1 === OP_XMM) {
    storeDouble(g, i, i.r1, 0);
    return true;
  }
  return false;
});

/** unpcklpd: dst = [dst.lo, src.lo]; unpckhpd: dst = [dst.hi, src.hi] (m128 aligned). */
function unpack(high: boolean) {
  return (g: Gen, i: Insn): boolean => {
    if (i.nops !== 2 || i.k0 !== OP_XMM || (i.k1 !== OP_XMM && i.k1 !== OP_MEM)) return false;
    g.xmm = true;
    g.xmmFloat = true;
    const k = high ? 1 : 0;
    let src: string;
    if (i.k1 === OP_XMM) src = g.readXF(i.r1 * 2 + k);
    else {
      const a = g.ea(i);
      g.emit(`if ((${a} & 15) !== 0) X.misalignedSse();`);
      if (high) {
        // The m128 operand is read from its start, like the handler (and the CPU): a fault
        // reports its first byte, not the high half's.
        src = g.f();
        g.emit(`if (${readable(a, 16, true)}) ${src} = DV.getFloat64(${a} + 8, true); else { X.readF64(${a}); ${src} = X.readF64(${a} + 8); }`);
      } else src = loadDouble(g, a);
    }
    if (high) g.writeXF(i.r0 * 2, g.readXF(i.r0 * 2 + 1));
    g.writeXF(i.r0 * 2 + 1, src);
    return true;
  };
}
TEMPLATES.set(Mnemonic.Unpcklpd, unpack(false));
TEMPLATES.set(Mnemonic.Unpckhpd, unpack(true));

/** movlpd/movlps and movhpd/movhps: one 64-bit half of an xmm register to or from memory. */
function moveHalf(high: boolean) {
  return (g: Gen, i: Insn): boolean => {
    if (i.nops !== 2) return false;
    const k = high ? 1 : 0;
    if (i.k0 === OP_XMM && i.k1 === OP_MEM) {
      g.xmm = true;
      g.xmmFloat = true;
      const d = loadDouble(g, g.ea(i));
      g.writeXF(i.r0 * 2 + k, d);
      return true;
    }
    if (i.k0 === OP_MEM && i.k1 === OP_XMM) {
      g.xmm = true;
      g.xmmFloat = true;
      storeDouble(g, i, i.r1, k);
      return true;
    }
    return false; // movhlps/movlhps (register forms) have their own mnemonics; anything else: the handler
  };
}
TEMPLATES.set(Mnemonic.Movlpd, moveHalf(false));
TEMPLATES.set(Mnemonic.Movlps, moveHalf(false));
TEMPLATES.set(Mnemonic.Movhpd, moveHalf(true));
TEMPLATES.set(Mnemonic.Movhps, moveHalf(true));
