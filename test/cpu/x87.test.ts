/**
 * The x87 FPU (src/cpu/x87*.ts).
 *
 * 1. corpus/src/x87-check.c exercises every x87 instruction family (arithmetic in every precision
 *    and rounding mode, denormals, NaNs, stack faults, conversions, compares, transcendentals,
 *    environment/FXSAVE images, printf/strtold of long double) and prints raw 80-bit results and
 *    status words. Its output recorded on real hardware (corpus/golden/x87-check-glibc.json, via
 *    `node corpus/record.mjs x87-check`) must be reproduced byte for byte, with the interpreter
 *    and with the JIT compiling every block.
 * 2. Property tests of the soft-float core against the host's IEEE double arithmetic: with
 *    precision control at 53 bits, x87 add/sub/mul/div/sqrt of doubles, stored back as doubles,
 *    must equal JavaScript's results in every rounding mode that JS has (nearest), and the m64/m32
 *    conversions must round-trip.
 */
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { run, type RunOptions } from '../../src/index.js';
import * as F from '../../src/cpu/x87-float80.js';

const ROOT = path.resolve(__dirname, '../..');
const golden = JSON.parse(readFileSync(path.join(ROOT, 'corpus/golden/x87-check-glibc.json'), 'utf8')) as {
  program: string; stdout: string; exitCode: number;
};

/** First differing line, for a readable failure instead of a 200 KB string diff. */
function firstDifference(got: string, want: string): string | null {
  if (got === want) return null;
  const g = got.split('\n'), w = want.split('\n');
  for (let i = 0; i < Math.max(g.length, w.length); i++) {
    if (g[i] !== w[i]) return `line ${i + 1}:\n  native:  ${w[i]}\n  x64run:  ${g[i]}`;
  }
  return 'outputs differ';
}

async function runCheck(jit: RunOptions['jit']): Promise<void> {
  const prev = process.cwd();
  process.chdir(ROOT);
  try {
    const r = await run(golden.program, [golden.program], {}, { stdout: 'capture', stderr: 'capture', jit, onWarning: () => {} });
    const out = new TextDecoder().decode(r.stdout ?? new Uint8Array());
    expect(r.fault ?? null).toBe(null);
    expect(firstDifference(out, golden.stdout)).toBe(null);
    expect(r.exitCode).toBe(golden.exitCode);
  } finally {
    process.chdir(prev);
  }
}

describe('x87-check reproduces the native golden', () => {
  it('interpreter', () => runCheck({ enabled: false }), 120_000);
  // The JIT calls the same handlers; threshold 0 compiles every block (slow while the JIT
  // recompiles regions heavily, hence the long timeout).
  it('JIT (threshold 0)', () => runCheck({ enabled: true, threshold: 0 }), 600_000);
});

// ------------------------------------------------------------------ soft-float properties

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const halves = (d: number): [number, number] => { f64[0] = d; return [u32[0] | 0, u32[1] | 0]; };
const toNumber = (): number => { u32[0] = F.w64.lo; u32[1] = F.w64.hi; return f64[0]; };

/** xorshift doubles with random significands and exponents in [-emax, emax]. */
function* randomDoubles(n: number, emax: number, seed = 12345): Generator<number> {
  let s = seed;
  const next = (): number => { s ^= s << 13; s ^= s >>> 17; s ^= s << 5; return (s >>> 0) / 2 ** 32; };
  for (let i = 0; i < n; i++) {
    const m = 1 + next() + next() * 2 ** -32;
    const e = Math.floor((next() * 2 - 1) * emax);
    yield (next() < 0.5 ? -1 : 1) * m * 2 ** e;
  }
}

const PC53 = 0x27f; // precision control 53 bits, round to nearest, all exceptions masked

describe('soft-float core', () => {
  it('m64 and m32 conversions round-trip', () => {
    for (const d of [0, -0, 1, -2.5, Math.PI, 5e-324, -2.2250738585072014e-308, 1.7976931348623157e308, Infinity, -Infinity,
      ...randomDoubles(2000, 1100)]) {
      F.toF64(F.fromF64(...halves(d)), 0x37f);
      expect(Object.is(toNumber(), d)).toBe(true);
      const f = Math.fround(d);
      const b = new Int32Array(new Float32Array([f]).buffer)[0];
      expect(F.toF32(F.fromF32(b), 0x37f)).toBe(b);
    }
  });

  it('arithmetic at 53-bit precision equals IEEE double arithmetic', () => {
    const xs = [...randomDoubles(3000, 300)];
    const ys = [...randomDoubles(3000, 300, 999)];
    const ops: [string, (a: F.Ext, b: F.Ext) => F.Ext, (a: number, b: number) => number][] = [
      ['add', (a, b) => F.add(a, b, false, PC53), (a, b) => a + b],
      ['sub', (a, b) => F.add(a, b, true, PC53), (a, b) => a - b],
      ['mul', (a, b) => F.mul(a, b, PC53), (a, b) => a * b],
      ['div', (a, b) => F.div(a, b, PC53), (a, b) => a / b],
      ['sqrt', (a) => F.sqrt(a, PC53), (a) => Math.sqrt(a)],
    ];
    for (const [name, x87, js] of ops) {
      for (let i = 0; i < xs.length; i++) {
        const a = name === 'sqrt' ? Math.abs(xs[i]) : xs[i];
        F.resetFx();
        F.toF64(x87(F.fromF64(...halves(a)), F.fromF64(...halves(ys[i]))), 0x37f);
        const got = toNumber();
        const want = js(a, ys[i]);
        if (!Object.is(got, want)) expect.fail(`${name}(${a}, ${ys[i]}) = ${got}, IEEE says ${want}`);
      }
    }
  });

  it('rounds 1/3 per precision and rounding control', () => {
    const one = F.fromInt32(1), three = F.fromInt32(3);
    const sig = (e: F.Ext): string => `${(e.hi >>> 0).toString(16)}${(e.lo >>> 0).toString(16).padStart(8, '0')}`;
    expect(sig(F.div(one, three, 0x37f))).toBe('aaaaaaaaaaaaaaab'); // 64 bits, nearest
    expect(sig(F.div(one, three, 0x77f))).toBe('aaaaaaaaaaaaaaaa'); // 64 bits, down
    expect(sig(F.div(one, three, 0x27f))).toBe('aaaaaaaaaaaaa800'); // 53 bits, nearest
    expect(sig(F.div(one, three, 0x07f))).toBe('aaaaab0000000000'); // 24 bits, nearest
    expect(sig(F.div(one, three, 0xf7f))).toBe('aaaaaaaaaaaaaaaa'); // 64 bits, toward zero
    expect(sig(F.div(one, three, 0xb7f))).toBe('aaaaaaaaaaaaaaab'); // 64 bits, up
  });
});
