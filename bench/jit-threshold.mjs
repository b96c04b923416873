#!/usr/bin/env node
/**
 * `npm run bench -- jit-threshold [--quick]`: how the JIT's compile threshold (jit.threshold,
 * --jit-threshold) and region size trade compile work against execution, on the CPU kernels
 * (hot loops) and on corpus programs that run much code a few hundred times (libm, printf, C++
 * exception handling), where compiling too eagerly costs more than it saves: V8 first runs
 * generated code unoptimised, and optimises big functions slowly.
 *
 * Each cell is the best of R fresh `x64run` processes (wall time, ms, whole process). The
 * interpreter-only time is measured in the same run. Prints a Markdown table and writes
 * bench/results/jit-threshold.md. Nothing here is asserted by tests.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const CLI = path.join(root, 'bin/x64run.js');
const LIBM_ENV = { GLIBC_TUNABLES: 'glibc.cpu.hwcaps=-AVX2,-FMA,-FMA4,-AVX' };

const WORKLOADS = [
  { name: 'sha256', prog: 'bench-sha256-glibc', args: ['30'] },
  { name: 'nbody', prog: 'bench-nbody-glibc', args: ['200000'] },
  { name: 'qsort', prog: 'bench-qsort-glibc', args: ['1', '300000'] },
  { name: 'bytecode', prog: 'bench-bytecode-glibc', args: ['2000000'] },
  { name: 'memops', prog: 'bench-memops-glibc', args: ['4000'] },
  { name: 'isa-libm unary1', prog: 'isa-libm-glibc', args: ['unary1'], env: LIBM_ENV },
  { name: 'isa-printf double', prog: 'isa-printf-glibc', args: ['double', 'integers', 'float'] },
  { name: 'isa-cxx eh', prog: 'isa-cxx-glibcxx', args: ['exceptions', 'dispatch'] },
];

function time(args, env, repeats) {
  let best = Infinity;
  for (let k = 0; k < repeats; k++) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    const ms = performance.now() - t0;
    if (r.status !== 0) throw new Error(`x64run ${args.join(' ')} failed: ${r.stderr}`);
    best = Math.min(best, ms);
  }
  return best;
}

export async function main(argv = []) {
  const quick = argv.includes('--quick');
  const repeats = quick ? 1 : 3;
  const thresholds = quick ? [32, 16000] : [32, 1000, 4000, 16000, 64000];
  const rows = [];
  for (const w of WORKLOADS) {
    const prog = path.join(root, 'corpus/bin', w.prog);
    const args = quick && !w.name.startsWith('isa-') ? [String(Math.max(1, Math.floor(Number(w.args[0]) / 10))), ...w.args.slice(1)] : w.args;
    const cells = { interpreter: time(['--no-jit', prog, ...args], w.env, repeats) };
    for (const t of thresholds) cells[t] = time(['--jit-threshold', String(t), prog, ...args], w.env, repeats);
    process.stderr.write(`${w.name}: ${JSON.stringify(Object.fromEntries(Object.entries(cells).map(([k, v]) => [k, Math.round(v)])))}\n`);
    rows.push({ name: w.name, args, cells });
  }
  const geo = (xs) => Math.exp(xs.reduce((s, x) => s + Math.log(x), 0) / xs.length);
  const lines = [`# JIT threshold`, '', `${new Date().toISOString()} · ${os.cpus()[0]?.model ?? 'cpu'} · Node ${process.version}${quick ? ' · quick' : ''}`, '',
    'Wall time of whole `x64run` processes in ms (best of ' + repeats + '); columns are `--jit-threshold` values.', '',
    `| workload | args | interpreter | ${thresholds.join(' | ')} |`, `|---|---|---:|${thresholds.map(() => '---:').join('|')}|`];
  for (const r of rows) lines.push(`| ${r.name} | ${r.args.join(' ')} | ${Math.round(r.cells.interpreter)} | ${thresholds.map((t) => Math.round(r.cells[t])).join(' | ')} |`);
  lines.push(`| **geometric mean** | | ${Math.round(geo(rows.map((r) => r.cells.interpreter)))} | ${thresholds.map((t) => Math.round(geo(rows.map((r) => r.cells[t])))).join(' | ')} |`);
  const text = lines.join('\n') + '\n';
  process.stdout.write(text);
  fs.mkdirSync(path.join(here, 'results'), { recursive: true });
  fs.writeFileSync(path.join(here, 'results', quick ? 'jit-threshold-quick.md' : 'jit-threshold.md'), text);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).catch((e) => { console.error(e); process.exit(1); });
}
