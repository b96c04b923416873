#!/usr/bin/env node
/**
 * `npm run bench -- syscall-hooks` (or `node bench/syscall-hooks.mjs [--quick] [variant...]`):
 * the Library-OS "syscall + nops" against "call" study of glibc's RFC (benchtests/bench-nop.c,
 * shared/seeds/001), measured on x64run.
 *
 * The guest is corpus/bin/hook-bench-glibc (corpus/src/hook-bench.c): `hook-bench <variant> N`
 * makes N gettid calls in one loop, shaped as the RFC's six variants (libc syscall(), inline
 * syscall, syscall + 3 / 10 nops, jmp over 1 / 8 nops), plus the binary-rewriting layouts
 * (`call` into a stub that answers from a cached tid, or that forwards with `syscall; ret`) and
 * clock_gettime through the vDSO.
 *
 * For each variant:
 *   - guest instructions per iteration, exact: deterministic runs with N and 2N, (I(2N)-I(N))/N;
 *   - host ns per iteration under x64run with the JIT, with the interpreter only, and with the
 *     JIT when a JavaScript syscall hook answers gettid (RunOptions.syscalls): in-process run()
 *     of a loop split into CHUNKS chunks with a getppid() marker after each (hook-bench's 4th
 *     argument), timestamped by a getppid hook; per run, the median over the chunks of the
 *     loop's second half (the steady state: loading, decoding, compilation and V8's warm-up
 *     fall in the first half). (Differences of whole-loop times, T(2N)-T(N),
 *     were used before: with run-to-run variations of up to 2x on this VM they came out
 *     negative for some variants.)
 *   - native ns per iteration (x86-64 Linux hosts only): the program's own clock around its
 *     loop.
 * Each variant runs R rounds (--repeats=R, default 5) of a JIT run and a native run right after
 * it, then R runs in each other mode; the table gives the best run of each mode and the
 * JIT/native ratio of every round (this VM's speed drifts over seconds: pairs run back to back
 * compare like with like).
 * Prints a Markdown table, writes it to bench/results/syscall-hooks.md and draws
 * bench/results/syscall-hooks.svg (a grouped bar chart on a log scale, written by hand).
 *
 * Timings are this machine at this moment; nothing here is asserted by tests.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const PROG = path.join(root, 'corpus/bin/hook-bench-glibc');

/** The variants, in the RFC's order, then the rewriting layouts and the vDSO. */
export const VARIANTS = [
  { name: 'libc', what: 'syscall(SYS_gettid) (libc function call)', syscall: true },
  { name: 'inline', what: 'inline `syscall` (baseline)', syscall: true },
  { name: 'nop3', what: '`syscall` + 3 nops', syscall: true },
  { name: 'nop10', what: '`syscall` + 10 nops', syscall: true },
  { name: 'jmp1', what: '`jmp` over 1 nop, `syscall`', syscall: true },
  { name: 'jmp8', what: '`jmp` over 8 nops, `syscall`', syscall: true },
  { name: 'call-cached', what: '`call` stub returning a cached tid (no syscall)', syscall: false },
  { name: 'call-syscall', what: '`call` stub doing `syscall; ret`', syscall: true },
  { name: 'vdso', what: 'clock_gettime(MONOTONIC) via the vDSO', syscall: false },
];

const isNativeHost = process.platform === 'linux' && process.arch === 'x64';
const f1 = (x) => (x === null || x === undefined || !Number.isFinite(x) ? 'n/a' : x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));

function parseArgs(args) {
  const opts = { quick: false, native: isNativeHost, repeats: 5, targetMs: 400, only: [], clock: 'wall' };
  for (const a of args) {
    if (a === '--quick') { opts.quick = true; opts.targetMs = 100; opts.repeats = 2; }
    else if (a === '--no-native') opts.native = false;
    else if (a === '--clock=cpu' || a === '--clock=wall' || a === '--clock=thread') opts.clock = a.slice(8);
    else if (a.startsWith('--repeats=')) opts.repeats = Math.max(1, parseInt(a.slice(10), 10));
    else if (a.startsWith('--target-ms=')) opts.targetMs = Math.max(10, parseInt(a.slice(12), 10));
    else if (a.startsWith('--')) throw new Error(`syscall-hooks: unknown option ${a} (--quick, --no-native, --repeats=R, --target-ms=MS, --clock=wall|thread|cpu)`);
    else opts.only.push(a);
  }
  for (const v of opts.only) if (!VARIANTS.some((x) => x.name === v)) throw new Error(`syscall-hooks: unknown variant ${v}`);
  return opts;
}

/**
 * Which clock times a run:
 *   wall    performance.now() (the default; what the figures mean on an idle machine);
 *   thread  CPU time of this (the main) thread, from /proc/thread-self/schedstat, in ns: the
 *           emulator runs the guest on the main thread, so this leaves out time spent waiting
 *           for a CPU on a loaded machine, and V8's background compiler and GC threads;
 *   cpu     this process's user + system CPU time (all threads).
 * With thread or cpu, native runs are timed by the child's user + system CPU time.
 */
let clock = 'wall';
const cpuMs = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const threadMs = () => Number(fs.readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]) / 1e6;
const now = () => (clock === 'cpu' ? cpuMs() : clock === 'thread' ? threadMs() : performance.now());

/** Chunks of the loop (hook-bench's 4th argument): one getppid() marker after each. */
const CHUNKS = 20;

/**
 * One in-process run. hook-bench runs its loop as CHUNKS chunks with a getppid() marker before
 * the first and after each; a hook on getppid timestamps them. `ms` is the whole loop (start-up,
 * loading and exit excluded), `chunkNs` the ns per iteration of each chunk. The hook costs the
 * other syscalls one array lookup each.
 */
async function emulate(run, variant, n, options, chunks = CHUNKS) {
  const marks = [];
  const syscalls = { ...options.syscalls, getppid: () => { marks.push(now()); return 1; } };
  const r = await run(PROG, [PROG, variant, String(n), 'none', String(chunks)], {}, { stdout: 'capture', stderr: 'capture', onWarning: () => {}, ...options, syscalls });
  if (marks.length !== chunks + 1) throw new Error(`hook-bench ${variant}: expected ${chunks + 1} getppid markers, saw ${marks.length}`);
  const out = Buffer.from(r.stdout ?? []).toString();
  if (r.exitCode !== 0 || out !== `${variant} n=${n} consistent: yes\n`) {
    throw new Error(`hook-bench ${variant} ${n} failed under x64run: exit ${r.exitCode} ${r.signal ?? ''} ${JSON.stringify(out)} ${Buffer.from(r.stderr ?? []).toString()}`);
  }
  const per = n / chunks;
  const chunkNs = marks.slice(1).map((m, k) => ((m - marks[k]) * 1e6) / per);
  return { ms: marks[chunks] - marks[0], chunkNs, r };
}

const median = (xs) => { const a = [...xs].sort((x, y) => x - y); const m = a.length >> 1; return a.length & 1 ? a[m] : (a[m - 1] + a[m]) / 2; };

/**
 * Host ns per iteration of one run in the steady state: the median over the loop's second half
 * of the per-chunk times (the first half holds the warm-up: interpreted iterations until the
 * JIT threshold, and V8 running the new code unoptimised until TurboFan is done).
 */
async function steadyNs(runOne, n) {
  const { chunkNs } = await runOne(n);
  return median(chunkNs.slice(chunkNs.length >> 1));
}

/** Best, worst and per-round figures of a series of runs. */
const figures = (xs, n) => ({ ns: Math.min(...xs), worst: Math.max(...xs), all: xs, n });

/** Picks N (a multiple of 1000 * CHUNKS) so that the loop takes about targetMs. */
async function chooseN(runOne, probeN, targetMs) {
  let n = probeN;
  for (;;) {
    const { ms } = await runOne(n);
    if (ms >= 40 || n >= 50_000_000) {
      const perIter = Math.max(ms, 1) / n;
      const unit = 1000 * CHUNKS;
      return Math.max(unit, Math.min(50_000_000, Math.round(targetMs / perIter / unit) * unit));
    }
    n *= 4;
  }
}

/** A native run: the loop's time as the program measures it (CLOCK_MONOTONIC, or its thread's CPU time). */
function nativeMs(variant, n) {
  const r = spawnSync(PROG, [variant, String(n), clock === 'wall' ? 'wall' : 'cpu'], { encoding: 'utf8' });
  const m = /^loop (\d+)$/m.exec(r.stderr);
  if (r.status !== 0 || r.stdout !== `${variant} n=${n} consistent: yes\n` || !m) throw new Error(`hook-bench ${variant} ${n} failed natively: ${r.status} ${r.stdout} ${r.stderr}`);
  return Number(m[1]) / 1e6;
}

/** Native ns per iteration of one run of the whole loop (a native loop has no warm-up to leave out). */
const nativeNs = (variant, n) => (nativeMs(variant, n) * 1e6) / n;

export async function main(args = process.argv.slice(2)) {
  const opts = parseArgs(args);
  clock = opts.clock;
  if (!fs.existsSync(PROG)) throw new Error(`${PROG} is missing: build the corpus first (BUILD_ONLY=1 bash corpus/build.sh)`);
  const { run } = await import(pathToFileURL(path.join(root, 'dist/index.js')).href);
  const variants = VARIANTS.filter((v) => !opts.only.length || opts.only.includes(v.name));
  const hookCalls = { n: 0 };
  const hooks = { gettid: () => { hookCalls.n++; return 4242; } };
  const rows = [];
  // Warm-up: every variant once in each mode before anything is measured. All variants share
  // the host code of the syscall path (Kernel.syscall, enterSyscall, the scheduler), which V8
  // re-optimises as new callers and types reach it; without this the variants measured first
  // paid for it (measured: libc 241 and inline 194 ns, then nop3 104 ns, in one run).
  process.stderr.write('syscall-hooks: warm-up\n');
  for (const v of variants) {
    await emulate(run, v.name, opts.quick ? 40_000 : 200_000, { jit: { enabled: true } });
    await emulate(run, v.name, opts.quick ? 4_000 : 20_000, { jit: { enabled: false } });
    if (v.syscall) await emulate(run, v.name, opts.quick ? 40_000 : 200_000, { jit: { enabled: true }, syscalls: hooks });
  }
  for (const v of variants) {
    process.stderr.write(`syscall-hooks ${v.name}: `);
    // Exact instruction counts (deterministic mode), checked to agree between the engines.
    const N0 = 1000;
    const det = async (n, jit) => (await emulate(run, v.name, n, { deterministic: true, jit: { enabled: jit } })).r.stats;
    const s1 = await det(N0, true), s2 = await det(2 * N0, true), s2i = await det(2 * N0, false);
    if (s2.instructions !== s2i.instructions) throw new Error(`${v.name}: the JIT retired ${s2.instructions} instructions, the interpreter ${s2i.instructions}`);
    const insns = (s2.instructions - s1.instructions) / N0;
    const gettids = (s2.syscalls.gettid?.count ?? 0) - (s1.syscalls.gettid?.count ?? 0);
    const vdso = (s2.vdsoCalls.clock_gettime ?? 0) - (s1.vdsoCalls.clock_gettime ?? 0);
    process.stderr.write(`${insns} insns/iter, `);

    const runWith = (options) => (n) => emulate(run, v.name, n, options);
    const jitRun = runWith({ jit: { enabled: true } });
    const intRun = runWith({ jit: { enabled: false } });
    const hookRun = v.syscall ? runWith({ jit: { enabled: true }, syscalls: hooks }) : null;
    let nNat = opts.quick ? 100_000 : 1_000_000;
    if (opts.native) while (nativeMs(v.name, nNat) < 40 && nNat < 100_000_000) nNat *= 4;
    const nJit = await chooseN(jitRun, opts.quick ? 20_000 : 100_000, opts.targetMs);
    // Rounds of a JIT run and a native run right after it, so that each JIT/native pair is
    // measured in the same stretch of this VM's time (its speed drifts by up to 2x over
    // seconds, for native code and x64run alike: a best-of over runs made a minute apart
    // compared different machines). The interpreter's and the hook's runs come after: run
    // between JIT runs, they made the next JIT run ~15% slower (V8 re-optimising the shared
    // syscall path for their callers).
    const J = [], N = [], In = [], H = [];
    for (let k = 0; k < opts.repeats; k++) {
      J.push(await steadyNs(jitRun, nJit));
      if (opts.native) N.push(nativeNs(v.name, nNat));
    }
    const nInt = await chooseN(intRun, opts.quick ? 5_000 : 20_000, opts.targetMs);
    for (let k = 0; k < opts.repeats; k++) In.push(await steadyNs(intRun, nInt));
    const nHook = hookRun ? await chooseN(hookRun, opts.quick ? 20_000 : 100_000, opts.targetMs) : 0;
    hookCalls.n = 0;
    if (hookRun) for (let k = 0; k < opts.repeats; k++) H.push(await steadyNs(hookRun, nHook));
    if (hookRun && hookCalls.n < nHook) throw new Error(`${v.name}: the gettid hook was called ${hookCalls.n} times`);
    const jit = figures(J, nJit), interp = figures(In, nInt), hook = hookRun ? figures(H, nHook) : null;
    const native = opts.native ? figures(N, nNat) : null;
    const pairs = native ? J.map((x, k) => x / N[k]) : null;
    process.stderr.write(`jit ${f1(jit.ns)} ns, interpreter ${f1(interp.ns)} ns${hook ? `, JS hook ${f1(hook.ns)} ns` : ''}` +
      `${native ? `, native ${f1(native.ns)} ns, paired JIT/native ${pairs.map(f1).join(' ')}` : ''}`);
    process.stderr.write('\n');
    rows.push({ ...v, insns, gettids: gettids / N0, vdso: vdso / N0, jit, interp, hook, native, pairs });
  }

  const entries = await vdsoEntries();
  if (entries) process.stderr.write(`vDSO entries alone: ${entries.map((e) => `${e.name} ${f1(e.ns)} ns`).join(', ')}\n`);
  const text = report(rows, opts, entries);
  process.stdout.write(text);
  fs.mkdirSync(path.join(here, 'results'), { recursive: true });
  const base = opts.quick || opts.only.length ? 'syscall-hooks-partial' : 'syscall-hooks';
  fs.writeFileSync(path.join(here, 'results', `${base}.md`), text);
  fs.writeFileSync(path.join(here, 'results', `${base}.svg`), chart(rows, opts));
  process.stderr.write(`wrote bench/results/${base}.md and bench/results/${base}.svg\n`);
  return rows;
}

/**
 * The vDSO entries alone: the JavaScript an engine runs for a call into the vDSO
 * (src/kernel/vdso.ts), called directly in a loop on a bare process with a host clock, without
 * the guest code around it (the caller, glibc's wrapper, the engine's dispatch). Uses internal
 * modules of dist/; returns null if they changed shape.
 */
async function vdsoEntries() {
  try {
    const d = (m) => import(pathToFileURL(path.join(root, 'dist', m)).href);
    const [{ Kernel }, { MemFs }, { mapVdso, vdsoImage, VDSO_BASE }] = await Promise.all([d('kernel/kernel.js'), d('kernel/vfs/memfs.js'), d('kernel/vdso.js')]);
    const wall0 = BigInt(Date.now()) * 1_000_000n, t0 = process.hrtime.bigint();
    const k = new Kernel({
      uid: 0, gid: 0, hostname: 'bench', trace: null, warn: () => {}, deterministic: false, hooks: {},
      realtimeNs: () => wall0 + (process.hrtime.bigint() - t0), monotonicNs: () => process.hrtime.bigint(),
      monotonicSplit: (o) => { const h = process.hrtime(); o.sec = h[0]; o.nsec = h[1]; }, realtimeOffsetNs: wall0 - t0,
      randomBytes: (n) => new Uint8Array(n),
    }, new MemFs(false, 0, 0));
    const p = k.newProcess(1);
    const t = p.newThread(p.pid, 'bench');
    t.cpu.owner = t;
    p.as.map(0x10000, 0x2000, 3, 'data');
    mapVdso(p);
    const c = t.cpu, regs = c.regs, RSP = 4, RSI = 6, RDI = 7, N = 1_000_000;
    const out = [];
    for (const sym of vdsoImage().symbols) {
      const fn = p.cache.natives.get(VDSO_BASE + sym.offset);
      const ptrFirst = sym.name !== '__vdso_clock_gettime' && sym.name !== '__vdso_clock_getres';
      let best = Infinity;
      for (let rep = 0; rep < 5; rep++) {
        const s0 = now();
        for (let i = 0; i < N; i++) {
          regs[2 * RSP] = 0x11000; regs[2 * RSP + 1] = 0;
          c.mem.write64(0x11000, 0x401000, 0); // the return address
          regs[2 * RDI] = ptrFirst ? 0x10200 : 1; regs[2 * RDI + 1] = 0; // CLOCK_MONOTONIC, or the out pointer
          regs[2 * RSI] = ptrFirst ? 0 : 0x10100; regs[2 * RSI + 1] = 0;
          fn(c);
        }
        best = Math.min(best, ((now() - s0) * 1e6) / N);
      }
      out.push({ name: sym.name.replace('__vdso_', ''), ns: best });
    }
    return out;
  } catch (e) {
    process.stderr.write(`(vDSO entry measurement unavailable: ${e instanceof Error ? e.message : e})\n`);
    return null;
  }
}

function report(rows, opts, entries) {
  const L = [];
  L.push('# Syscall hooks: "syscall + nops" against "call" (glibc Library-OS RFC bench-nop) on x64run', '');
  L.push(`${new Date().toISOString()} · ${os.cpus()[0]?.model ?? 'cpu'} × ${os.cpus().length} · Node ${process.version} · ${os.platform()} ${os.arch()} · ` +
    `load average ${os.loadavg()[0].toFixed(1)} · ${{ cpu: 'process CPU time', thread: 'main-thread CPU time', wall: 'wall time' }[opts.clock]}${opts.quick ? ' · quick' : ''}`, '');
  L.push('| variant | loop body | guest insns / iter | syscalls / iter | vDSO calls / iter | JIT ns / iter | interpreter ns / iter | JIT + JS hook ns / iter | native ns / iter | JIT / native (best of each) | JIT / native (paired rounds: median, range) |');
  L.push('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  const range = (xs) => `${f1(median(xs))} (${f1(Math.min(...xs))}–${f1(Math.max(...xs))})`;
  for (const r of rows) {
    L.push(`| ${r.name} | ${r.what} | ${r.insns} | ${r.gettids} | ${r.vdso} | ${f1(r.jit.ns)} | ${f1(r.interp.ns)} | ${r.hook ? f1(r.hook.ns) : '—'} | ` +
      `${r.native ? f1(r.native.ns) : 'n/a'} | ${r.native ? f1(r.jit.ns / r.native.ns) : 'n/a'} | ${r.pairs ? range(r.pairs) : 'n/a'} |`);
  }
  L.push('');
  const inline = rows.find((r) => r.name === 'inline');
  const vdso = rows.find((r) => r.name === 'vdso');
  if (inline) {
    const nat = inline.native ? inline.native.ns : 190;
    const paired = inline.pairs ? median(inline.pairs) : null;
    L.push(`- Emulated inline gettid round trip with the JIT: **${f1(inline.jit.ns)} ns** against native ${f1(nat)} ns${inline.native ? '' : ' (reference figure)'} (best of each): ` +
      `${inline.jit.ns < nat ? 'cheaper than native' : 'more expensive than native'}` +
      (paired === null ? '.' : `; in the ${inline.pairs.length} rounds that ran both back to back, JIT/native was ${inline.pairs.map(f1).join(', ')} ` +
        `(median ${f1(paired)}: ${paired < 1 ? 'cheaper than native' : 'more expensive than native'}).`));
  }
  if (vdso) L.push(`- Emulated vDSO clock_gettime with the JIT: **${f1(vdso.jit.ns)} ns** per loop iteration at best, ${f1(median(vdso.jit.all))} ns median of the rounds ` +
    `(target < 200 ns: ${vdso.jit.ns < 200 ? 'met' : 'not met'} at best, ${median(vdso.jit.all) < 200 ? 'met' : 'not met'} at the median); ` +
    'the iteration also runs glibc\'s clock_gettime wrapper and the loop (see the instruction count).');
  if (entries) L.push(`- The vDSO entries alone (the JavaScript run for a call, including the host clock read and the return; loop overhead included): ` +
    entries.map((e) => `${e.name} ${f1(e.ns)} ns`).join(', ') + '.');
  L.push('');
  L.push('Method: guest instructions from deterministic runs (N = 1000 and 2000; the JIT and the interpreter must agree). ' +
    'Every variant first runs once in each mode, unmeasured (the variants share the host\'s syscall path, which V8 re-optimises ' +
    'as new callers reach it). ' +
    `Host times under x64run: an in-process \`run()\` of \`hook-bench <variant> N none ${CHUNKS}\`, whose loop runs in ${CHUNKS} chunks ` +
    'with a getppid() marker between chunks that a syscall hook timestamps; a run\'s figure is the median ns per iteration over ' +
    'the chunks of the loop\'s second half (the first half holds the warm-up: interpreted iterations until the JIT threshold, ' +
    'and V8 running new code unoptimised). Natively: the program\'s own clock around the whole loop (CLOCK_MONOTONIC, or ' +
    'CLOCK_THREAD_CPUTIME_ID with --clock=thread|cpu). Each variant runs R rounds of a JIT run and a native run right after it, ' +
    'then R interpreter runs and R hook runs; the table gives the best run of each mode, and the JIT/native ratio of each round ' +
    '(this 2-core VM\'s speed drifts by up to 2x over seconds, for native code as for x64run, so a pair run back to back ' +
    'compares like with like). N is chosen for loops of a few hundred ms. "JIT + JS hook": `syscalls: { gettid: () => 4242 }`. `call-cached` answers in the guest (no syscall); ' +
    '`call-syscall` forwards with `syscall; ret` from the stub. Reproduce with `npm run bench -- syscall-hooks` ' +
    '(`-- --clock=thread` on a loaded machine).');
  return L.join('\n') + '\n';
}

/** A grouped bar chart (log scale) of ns per iteration: JIT, interpreter, JIT + hook, native. */
function chart(rows, opts) {
  const series = [
    { key: 'jit', label: 'x64run JIT', color: '#2b6cb0' },
    { key: 'interp', label: 'x64run interpreter', color: '#a0aec0' },
    { key: 'hook', label: 'JIT + JS hook', color: '#38a169' },
    { key: 'native', label: 'native', color: '#dd6b20' },
  ];
  const W = 960, H = 440, left = 70, right = 20, top = 50, bottom = 90;
  const plotW = W - left - right, plotH = H - top - bottom;
  const values = rows.flatMap((r) => series.map((s) => r[s.key]?.ns).filter((x) => x > 0));
  const lo = Math.pow(10, Math.floor(Math.log10(Math.max(0.1, Math.min(...values, 1)))));
  const hi = Math.pow(10, Math.ceil(Math.log10(Math.max(...values, 10))));
  const y = (v) => top + plotH - ((Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) * plotH;
  const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const out = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`);
  out.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  out.push(`<text x="${W / 2}" y="22" text-anchor="middle" font-size="15">Host ns per gettid / clock_gettime iteration (log scale; ${{ cpu: 'process CPU time', thread: 'main-thread CPU time', wall: 'wall time' }[opts.clock]})</text>`);
  for (let v = lo; v <= hi * 1.0001; v *= 10) {
    const yy = y(v).toFixed(1);
    out.push(`<line x1="${left}" y1="${yy}" x2="${W - right}" y2="${yy}" stroke="#e2e8f0"/>`);
    out.push(`<text x="${left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${v >= 1 ? v : v.toFixed(1)}</text>`);
  }
  out.push(`<text x="16" y="${top + plotH / 2}" transform="rotate(-90 16 ${top + plotH / 2})" text-anchor="middle">ns / iteration</text>`);
  const group = plotW / Math.max(1, rows.length);
  const bw = Math.min(22, (group - 10) / series.length);
  rows.forEach((r, i) => {
    const gx = left + i * group + (group - bw * series.length) / 2;
    series.forEach((s, k) => {
      const v = r[s.key]?.ns;
      if (!(v > 0)) return;
      const yy = y(Math.max(v, lo));
      out.push(`<rect x="${(gx + k * bw).toFixed(1)}" y="${yy.toFixed(1)}" width="${(bw - 2).toFixed(1)}" height="${(top + plotH - yy).toFixed(1)}" fill="${s.color}"><title>${esc(`${r.name} ${s.label}: ${f1(v)} ns`)}</title></rect>`);
      out.push(`<text x="${(gx + k * bw + (bw - 2) / 2).toFixed(1)}" y="${(yy - 3).toFixed(1)}" text-anchor="middle" font-size="8" fill="#2d3748">${esc(f1(v))}</text>`);
    });
    const cx = left + i * group + group / 2;
    out.push(`<text x="${cx.toFixed(1)}" y="${top + plotH + 18}" text-anchor="middle">${esc(r.name)}</text>`);
    out.push(`<text x="${cx.toFixed(1)}" y="${top + plotH + 33}" text-anchor="middle" fill="#4a5568">${r.insns} insns</text>`);
  });
  out.push(`<line x1="${left}" y1="${top + plotH}" x2="${W - right}" y2="${top + plotH}" stroke="#4a5568"/>`);
  series.forEach((s, k) => {
    const lx = left + k * 190;
    out.push(`<rect x="${lx}" y="${H - 30}" width="14" height="14" fill="${s.color}"/>`);
    out.push(`<text x="${lx + 20}" y="${H - 19}">${esc(s.label)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((e) => { console.error(e); process.exit(1); });
}
