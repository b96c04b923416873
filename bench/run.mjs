#!/usr/bin/env node
/**
 * `npm run bench [-- suite] [-- --quick] [-- --rounds=N]`: x64run benchmarks. Suites:
 *
 *   cpu (default)   the CPU kernels in corpus/src/bench (sha256, sieve, n-body, CRC32, qsort of
 *                   1M ints, a bytecode interpreter, matrix multiply, memcpy/memset, string
 *                   hashing), each run natively (when the host is x86-64 Linux), under x64run
 *                   with the JIT and interpreter-only, in the same process run. Prints times,
 *                   JIT/native and interpreter/JIT ratios, guest MIPS and geometric means as a
 *                   Markdown table and writes it to bench/results/cpu.md.
 *   syscall-hooks   bench/syscall-hooks.mjs (the Library-OS "syscall + nops" vs "call" study).
 *   jit-threshold   bench/jit-threshold.mjs (compile threshold vs. hot loops and lukewarm library code).
 *   jit-warmup      bench/jit-warmup.mjs (instructions per 100 ms over a JIT run: how long until steady speed).
 *
 * Emulated runs are timed in-process around run() (the guest's whole life: loading, decoding,
 * compiling and executing); native runs are timed around spawnSync of the same binary with the
 * same arguments (best of 3). The cpu suite runs every kernel in each mode once per round
 * (`--rounds=N`, default 2) and reports each mode's best round. Outputs must equal the native
 * ones (the kernels print checksums).
 * Timings are measurements of this machine at this moment: they are never asserted in tests.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as os from 'node:os';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');

/** Iteration counts chosen so each kernel runs for roughly 50-150 ms natively. */
export const KERNELS = [
  { name: 'sha256', args: ['120'] },
  { name: 'sieve', args: ['8'] },
  { name: 'nbody', args: ['1000000'] },
  { name: 'crc32', args: ['150'] },
  { name: 'qsort', args: ['1'] },
  { name: 'bytecode', args: ['10000000'] },
  { name: 'matmul', args: ['60'] },
  { name: 'memops', args: ['20000'] },
  { name: 'strhash', args: ['400'] },
];

const native = process.platform === 'linux' && process.arch === 'x64';

/**
 * Rounds of the cpu suite (`--rounds=N`; `--quick` runs one). Each mode's figure is its best
 * round: native times were already the best of 3 spawns, and a single emulated run per mode
 * left the JIT/native and interpreter/JIT ratios at the mercy of whichever mode ran during one of
 * this VM's slow spells (up to 2x for seconds, for native code as for x64run). Two rounds keep
 * the full suite near 15 minutes (the interpreter runs are most of it).
 */
const DEFAULT_ROUNDS = 2;

function timeNative(prog, args) {
  let best = Infinity, out = '';
  for (let k = 0; k < 3; k++) {
    const t0 = performance.now();
    const r = spawnSync(prog, args, { encoding: 'utf8' });
    const t = performance.now() - t0;
    if (r.status !== 0) throw new Error(`${prog} failed natively: ${r.stderr}`);
    out = r.stdout;
    best = Math.min(best, t);
  }
  return { ms: best, out };
}

/**
 * Records [time, retired instructions] after every scheduler slice (Engine.run, 200k
 * instructions at most: well under a millisecond) while `slices` is set, for steadyMs (the
 * kernels are single-threaded: c.icount is the run's count). The wrapper is in place for every
 * emulated run, so both modes pay its (negligible) cost.
 */
export function installTimeline(Engine) {
  const rec = { slices: null };
  const run0 = Engine.prototype.run;
  Engine.prototype.run = function (c, budget) {
    const x = run0.call(this, c, budget);
    if (rec.slices !== null) rec.slices.push(performance.now(), c.icount);
    return x;
  };
  return rec;
}

/** Width of the windows steadyMs measures rates over (ms). */
const STEADY_WINDOW = 50;

/**
 * How long the run's instructions would take at its steady rate: the best rate over three
 * consecutive complete STEADY_WINDOW-ms windows (the median of the three, so one window sped up
 * or slowed down by the machine does not decide it). Short kernels reach that rate only in
 * their last few hundred ms (sha256: regions optimised by TurboFan 500-600 ms into a 900 ms
 * run), so a median over the run's second half would still count warm-up. The difference to
 * the run's time is warm-up: interpretation until the JIT threshold, generated code running
 * before V8 has optimised it, the process's first run of our own code (bench/jit-warmup.mjs
 * shows it window by window). `slices`: [time, instructions retired, time, ...]. null when the
 * run has fewer than three windows.
 */
export function steadyMs(slices, t0, total, insns) {
  const counts = [];
  let last = 0, k = 0;
  for (let w = STEADY_WINDOW; w <= total; w += STEADY_WINDOW) {
    while (k < slices.length && slices[k] - t0 <= w) k += 2;
    const n = k > 0 ? slices[k - 1] : 0;
    counts.push(n - last);
    last = n;
  }
  let rate = 0;
  for (let i = 0; i + 3 <= counts.length; i++) rate = Math.max(rate, counts.slice(i, i + 3).sort((a, b) => a - b)[1]);
  return rate > 0 ? (insns / rate) * STEADY_WINDOW : null;
}

async function timeEmulated(run, timeline, prog, args, jit) {
  timeline.slices = [];
  const t0 = performance.now();
  const r = await run(prog, [prog, ...args], {}, { jit, stdout: 'capture', stderr: 'capture', onWarning: () => {} });
  const ms = performance.now() - t0;
  const slices = timeline.slices;
  timeline.slices = null;
  if (r.exitCode !== 0) throw new Error(`${prog} failed under x64run: ${r.signal ?? r.exitCode} ${Buffer.from(r.stderr ?? []).toString()}`);
  const insns = r.stats.instructions;
  return { ms, out: Buffer.from(r.stdout).toString(), insns, stats: r.stats, steadyMs: steadyMs(slices, t0, ms, insns) };
}

const geo = (xs) => Math.exp(xs.reduce((s, x) => s + Math.log(x), 0) / xs.length);
const f1 = (x) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));

async function cpuSuite(argv) {
  const quick = argv.includes('--quick');
  const roundsArg = argv.find((a) => a.startsWith('--rounds='));
  const rounds = roundsArg ? Math.max(1, Number(roundsArg.slice('--rounds='.length)) | 0) : quick ? 1 : DEFAULT_ROUNDS;
  const { run } = await import(path.join(root, 'dist/index.js'));
  const timeline = installTimeline((await import(path.join(root, 'dist/jit/engine.js'))).Engine);
  const only = argv.filter((a) => !a.startsWith('--'));
  const kernels = KERNELS.filter((k) => !only.length || only.includes(k.name));
  const rows = kernels.map((k) => ({
    name: k.name, args: quick ? [String(Math.max(1, Math.floor(Number(k.args[0]) / 20)))] : k.args,
    native: [], jit: [], jitSteady: [], interp: [], insns: 0,
  }));
  // Rounds go over all kernels before repeating, so a slow spell of the machine (this VM's
  // speed swings by up to 2x for seconds at a time) hits one run of each mode, not all of one.
  for (let round = 0; round < rounds; round++) {
    for (const row of rows) {
      const prog = path.join(root, `corpus/bin/bench-${row.name}-glibc`);
      process.stderr.write(`bench ${row.name} ${row.args.join(' ')}${rounds > 1 ? ` (round ${round + 1}/${rounds})` : ''}: `);
      const nat = native ? timeNative(prog, row.args) : null;
      if (nat) process.stderr.write(`native ${f1(nat.ms)} ms, `);
      const jit = await timeEmulated(run, timeline, prog, row.args, { enabled: true });
      process.stderr.write(`jit ${f1(jit.ms)} ms, `);
      const interp = await timeEmulated(run, timeline, prog, row.args, { enabled: false });
      process.stderr.write(`interpreter ${f1(interp.ms)} ms\n`);
      for (const [what, r] of [['jit', jit], ['interpreter', interp]]) {
        if (nat && r.out !== nat.out) throw new Error(`${row.name}: ${what} output ${JSON.stringify(r.out)} != native ${JSON.stringify(nat.out)}`);
      }
      if (nat) row.native.push(nat.ms);
      row.jit.push(jit.ms);
      if (jit.steadyMs !== null) row.jitSteady.push(jit.steadyMs);
      row.interp.push(interp.ms);
      row.insns = jit.insns;
    }
  }
  const best = (xs) => (xs.length ? Math.min(...xs) : null);
  const lines = [];
  lines.push(`# x64run CPU benchmarks`, '');
  lines.push(`${new Date().toISOString()} · ${os.cpus()[0]?.model ?? 'cpu'} · Node ${process.version} · ${os.platform()} ${os.arch()}${quick ? ' · quick' : ''} · ${rounds} round${rounds > 1 ? 's' : ''}`, '');
  lines.push('| kernel | args | native ms | JIT ms | interpreter ms | JIT / native | interpreter / JIT | JIT ms at steady rate | steady JIT / native | guest instructions | JIT guest MIPS |');
  lines.push('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  const table = rows.map((r) => ({ ...r, native: best(r.native), jit: best(r.jit), jitSteady: best(r.jitSteady), interp: best(r.interp) }));
  const na = (x, f) => (x === null ? 'n/a' : f(x));
  for (const r of table) {
    lines.push(`| ${r.name} | ${r.args.join(' ')} | ${na(r.native, f1)} | ${f1(r.jit)} | ${f1(r.interp)} | ` +
      `${na(r.native, (n) => f1(r.jit / n))} | ${f1(r.interp / r.jit)} | ${na(r.jitSteady, f1)} | ` +
      `${r.native === null || r.jitSteady === null ? 'n/a' : f1(r.jitSteady / r.native)} | ${r.insns} | ${f1(r.insns / r.jit / 1000)} |`);
  }
  const withNative = table.filter((r) => r.native !== null);
  const withSteady = withNative.filter((r) => r.jitSteady !== null);
  lines.push(`| **geometric mean** | | | | | ${withNative.length ? f1(geo(withNative.map((r) => r.jit / r.native))) : 'n/a'} | ${f1(geo(table.map((r) => r.interp / r.jit)))} | | ` +
    `${withSteady.length === withNative.length && withSteady.length ? f1(geo(withSteady.map((r) => r.jitSteady / r.native))) : 'n/a'} | | ${f1(geo(table.map((r) => r.insns / r.jit / 1000)))} |`);
  if (rounds > 1) {
    lines.push('', 'Every run, in round order (ms):', '');
    lines.push('| kernel | native (best of 3 spawns per round) | JIT | interpreter |', '|---|---|---|---|');
    for (const r of rows) lines.push(`| ${r.name} | ${r.native.map(f1).join(', ') || 'n/a'} | ${r.jit.map(f1).join(', ')} | ${r.interp.map(f1).join(', ')} |`);
  }
  lines.push('', `Times include loading, decoding and JIT compilation (the whole guest run, in-process). Each mode's figure is its best run over ${rounds} round${rounds > 1 ? 's' : ''} (a native run: the best of 3 spawns in each round); ratios are between those best runs. "JIT ms at steady rate": the time the JIT run's instructions would take at its best rate over three consecutive ${STEADY_WINDOW} ms windows (the median of the three; best round); the rest of the JIT time is warm-up (interpretation until the compile threshold, compiled code running before V8 has optimised it, and, for the first kernel, the process's first run of x64run's own code), so "steady JIT / native" is what the compiled code itself costs against native code. The targets are on the whole-run ratios.`);
  const text = lines.join('\n') + '\n';
  process.stdout.write(text);
  fs.mkdirSync(path.join(here, 'results'), { recursive: true });
  // A quick or partial run (some kernels only) must not replace the full table.
  fs.writeFileSync(path.join(here, 'results', quick ? 'cpu-quick.md' : only.length ? 'cpu-partial.md' : 'cpu.md'), text);
}

export async function main(argv = process.argv.slice(2)) {
  const suite = argv[0] && !argv[0].startsWith('--') && !KERNELS.some((k) => k.name === argv[0]) ? argv[0] : 'cpu';
  const rest = suite === argv[0] ? argv.slice(1) : argv;
  if (suite === 'cpu') return cpuSuite(rest);
  if (suite === 'syscall-hooks') return (await import('./syscall-hooks.mjs')).main(rest);
  if (suite === 'jit-threshold') return (await import('./jit-threshold.mjs')).main(rest);
  if (suite === 'jit-warmup') return (await import('./jit-warmup.mjs')).main(rest);
  throw new Error(`unknown benchmark suite '${suite}' (cpu, syscall-hooks, jit-threshold, jit-warmup)`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((e) => { console.error(e); process.exit(1); });
}
