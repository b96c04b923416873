#!/usr/bin/env node
/**
 * `npm run bench -- jit-warmup [kernel...]`: where a CPU kernel's JIT time goes before compiled
 * code runs at full speed. For each kernel (default: all of run.mjs's KERNELS), one JIT run in a
 * fresh process prints the guest instructions retired per 100 ms of wall time, when each region
 * was compiled (R: a retiered region, engine.ts RETIER_ENTRIES), and a summary: the steady rate
 * (the best median of three consecutive 50 ms windows, as in the cpu suite) and how much of the
 * run's time the same instructions would have taken at that rate ("warm-up": interpretation
 * until the threshold, regions running unoptimised until TurboFan has compiled them, TurboFan's
 * own compile time on a 2-core machine, and the process's first-run cost of our own code,
 * ~250 ms).
 *
 * Nothing here is asserted by tests. It timestamps slices (run.mjs installTimeline) and wraps
 * Engine.prototype.compile to timestamp compiles, so figures are of this build at this moment
 * on this machine.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { KERNELS, installTimeline, steadyMs as steadyOf } from './run.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');

/** One kernel in this process: the timeline and summary as text lines. */
async function timeline(name, args) {
  const { Engine } = await import(path.join(root, 'dist/jit/engine.js'));
  const { run } = await import(path.join(root, 'dist/index.js'));
  const compiles = [];
  const timeline = installTimeline(Engine);
  const slices = (timeline.slices = []); // [time, instructions retired, time, ...]
  const compile0 = Engine.prototype.compile;
  Engine.prototype.compile = function (b, c, retier) {
    compiles.push([performance.now(), b.addr, retier]);
    return compile0.call(this, b, c, retier);
  };
  const prog = path.join(root, 'corpus/bin', `bench-${name}-glibc`);
  const t0 = performance.now();
  const r = await run(prog, [prog, ...args], {}, { stdout: 'capture', stderr: 'capture', onWarning: () => {} });
  const total = performance.now() - t0;
  if (r.exitCode !== 0) throw new Error(`${name} failed under x64run`);
  const W = 100, rates = [];
  let last = 0;
  for (let w = W, k = 0; w < total + W; w += W) {
    while (k < slices.length && slices[k] - t0 <= w) k += 2;
    const n = k > 0 ? slices[k - 1] : last;
    rates.push((n - last) / 1e6);
    last = n;
  }
  const insns = slices.length ? slices[slices.length - 1] : 0;
  // The steady rate as in the cpu suite (run.mjs steadyMs: the best median of three consecutive
  // 50 ms windows); a median over the run's second half still counted warm-up in short kernels.
  const steadyMs = steadyOf(slices, t0, total, insns) ?? total;
  const steady = insns / 1e6 / steadyMs * W;
  return [
    `### ${name} ${args.join(' ')}`,
    '',
    `M instructions per 100 ms: ${rates.map((x) => x.toFixed(0)).join(' ')}`,
    '',
    `compiles (ms:address): ${compiles.map(([t, a, re]) => `${(t - t0).toFixed(0)}${re ? 'R' : ''}:${a.toString(16)}`).join(' ')}`,
    '',
    `SUMMARY | ${name} | ${total.toFixed(0)} | ${(steady * 10).toFixed(0)} | ${steadyMs.toFixed(0)} | ${(total - steadyMs).toFixed(0)} | ${((100 * (total - steadyMs)) / total).toFixed(0)}%`,
    '',
  ];
}

export async function main(argv = []) {
  const child = argv.indexOf('--child');
  if (child >= 0) {
    const k = KERNELS.find((x) => x.name === argv[child + 1]);
    process.stdout.write((await timeline(k.name, k.args)).join('\n') + '\n');
    return;
  }
  const names = argv.filter((a) => !a.startsWith('--'));
  const ks = names.length ? KERNELS.filter((k) => names.includes(k.name)) : KERNELS;
  const sections = [], rows = [];
  for (const k of ks) {
    // A fresh process per kernel: every run pays the same first-run cost.
    const r = spawnSync(process.execPath, [path.join(here, 'jit-warmup.mjs'), '--child', k.name], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`jit-warmup ${k.name}: ${r.stderr}`);
    const lines = r.stdout.trimEnd().split('\n');
    rows.push(lines.find((l) => l.startsWith('SUMMARY')).replace('SUMMARY ', ''));
    sections.push(...lines.filter((l) => !l.startsWith('SUMMARY')));
    process.stderr.write(`${rows[rows.length - 1]}\n`);
  }
  const md = [
    '# JIT warm-up',
    '',
    `${new Date().toISOString()} · Node ${process.version}`,
    '',
    'One JIT run per kernel in a fresh process. "at steady rate": the time the run\'s instructions take at the',
    'best rate the run sustained (the best median of three consecutive 50 ms windows); "warm-up" is the rest.',
    '',
    '| kernel | JIT ms | steady MIPS | ms at steady rate | warm-up ms | warm-up share |',
    '|---|---:|---:|---:|---:|---:|',
    ...rows.map((r) => `${r} |`),
    '',
    ...sections,
  ].join('\n');
  process.stdout.write(md + '\n');
  fs.mkdirSync(path.join(here, 'results'), { recursive: true });
  fs.writeFileSync(path.join(here, 'results', 'jit-warmup.md'), md + '\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((e) => {
    process.stderr.write(`${e.stack ?? e}\n`);
    process.exit(1);
  });
}
