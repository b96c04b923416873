/**
 * The x64run command, in the spirit of qemu-x86_64:
 *   x64run [options] program [args...]
 * Options must come before the program; everything after it is passed to the guest.
 * Exit status: the guest's, or 128 + signal number when a signal killed it (like a shell).
 */
import { Command, Option } from 'commander';
import * as fs from 'node:fs';
import { run, type RunResult } from './index.js';
import { ElfError } from './elf/elf.js';
import { SIGNAL_TEXT } from './kernel/signals.js';

export async function main(argv: string[]): Promise<number> {
  const program = new Command();
  program
    .name('x64run')
    .description('Run a static x86-64 Linux ELF program in a user-mode emulator')
    .usage('[options] program [args...]')
    .argument('<program>', 'x86-64 ELF executable')
    .argument('[args...]', 'arguments passed to the guest')
    .option('-0, --argv0 <name>', 'argv[0] for the guest (default: the program path as given)')
    .option('-E, --env <VAR=VALUE>', 'set a guest environment variable (repeatable)', collect, [])
    .option('-U, --unset-env <VAR>', 'remove a variable from the guest environment (repeatable)', collect, [])
    .option('--clear-env', 'start the guest with an empty environment')
    .option('--strace', 'trace syscalls in strace format to stderr (--strace=FILE writes them to FILE)')
    .addOption(new Option('--strace-file <file>').hideHelp())
    .option('--stats', 'print run statistics to stderr at exit')
    .option('--max-instructions <n>', 'kill the guest (SIGXCPU) after N instructions', (v) => parseInt(v, 10))
    .option('--no-jit', 'interpret only (no translation to JavaScript)')
    .option('--deterministic', 'virtual time from retired instructions, seeded randomness, fixed ids (reproducible runs)')
    .option('--seed <n>', 'seed for deterministic randomness (implies --deterministic)', (v) => parseInt(v, 10))
    .option('--no-vdso', 'do not map the vDSO (libcs then make real clock_gettime/time syscalls)')
    .option('--jit-threshold <n>', 'executions before a block is compiled', (v) => parseInt(v, 10))
    .option('--root <dir>', 'confine the guest to host directory DIR, seen as / (default: the host root)')
    .option('--read-only', 'make the guest root (and --mount trees without :rw) read-only')
    .option('--mount <GUEST=HOST[:ro|:rw]>', 'also show host directory HOST at guest path GUEST (repeatable)', collect, [])
    .option('--cwd <dir>', 'guest working directory (default: the host cwd, or / with --root)')
    .passThroughOptions()
    .allowExcessArguments(true)
    .helpOption('-h, --help', 'show this help')
    .version('0.1.0', '-V, --version');
  program.exitOverride();
  program.configureOutput({ writeErr: (s) => process.stderr.write(s), writeOut: (s) => process.stdout.write(s) });
  // `--strace=FILE` (only with '=', so `--strace prog` still means "trace prog"): before parsing,
  // and only among the options that precede the program.
  argv = rewriteStraceFile(argv);
  try {
    program.parse(argv, { from: 'user' });
  } catch (e) {
    const code = (e as { exitCode?: number }).exitCode;
    return code ?? 2;
  }
  const opts = program.opts<{
    argv0?: string; env: string[]; unsetEnv: string[]; clearEnv?: boolean; strace?: boolean; straceFile?: string; stats?: boolean;
    maxInstructions?: number; jit: boolean; jitThreshold?: number; deterministic?: boolean; seed?: number; vdso: boolean;
    root?: string; readOnly?: boolean; mount: string[]; cwd?: string;
  }>();
  const [prog, ...rest] = program.args;

  const env: Record<string, string> = opts.clearEnv ? {} : { ...(process.env as Record<string, string>) };
  for (const u of opts.unsetEnv) delete env[u];
  for (const kv of opts.env) {
    const i = kv.indexOf('=');
    if (i < 0) { process.stderr.write(`x64run: --env expects VAR=VALUE, got '${kv}'\n`); return 2; }
    env[kv.slice(0, i)] = kv.slice(i + 1);
  }

  const mounts: Record<string, { host: string; readOnly: boolean }> = {};
  for (const m of opts.mount) {
    const eq = m.indexOf('=');
    if (eq <= 0) { process.stderr.write(`x64run: --mount expects GUEST=HOST[:ro|:rw], got '${m}'\n`); return 2; }
    let host = m.slice(eq + 1);
    let readOnly = !!opts.readOnly;
    const mode = /:(ro|rw)$/.exec(host);
    if (mode) { readOnly = mode[1] === 'ro'; host = host.slice(0, -3); }
    if (!isDirectory(host)) { process.stderr.write(`x64run: --mount: ${host}: not a directory\n`); return 2; }
    mounts[m.slice(0, eq)] = { host, readOnly };
  }
  if (opts.root !== undefined && !isDirectory(opts.root)) {
    process.stderr.write(`x64run: --root: ${opts.root}: not a directory\n`);
    return 2;
  }

  let traceSink: ((l: string) => void) | undefined;
  let traceFd = -1;
  if (opts.straceFile) {
    traceFd = fs.openSync(opts.straceFile, 'w');
    traceSink = (l) => fs.writeSync(traceFd, l + '\n');
  } else if (opts.strace) traceSink = (l) => process.stderr.write(l + '\n');

  let result: RunResult;
  try {
    result = await run(prog, [opts.argv0 ?? prog, ...rest], env, {
      stdin: 'inherit', stdout: 'inherit', stderr: 'inherit', trace: traceSink, maxInstructions: opts.maxInstructions,
      jit: { enabled: opts.jit, ...(opts.jitThreshold !== undefined ? { threshold: opts.jitThreshold } : {}) },
      deterministic: opts.seed !== undefined ? { seed: opts.seed } : opts.deterministic,
      vdso: opts.vdso,
      fs: { root: opts.root, readOnly: opts.readOnly, mounts },
      cwd: opts.cwd,
    });
  } catch (e) {
    if (e instanceof ElfError) {
      process.stderr.write(`x64run: ${prog}: ${e.message}\n`);
      return 126;
    }
    if ((e as { code?: string }).code === 'ENOENT') {
      process.stderr.write(`x64run: ${prog}: No such file or directory\n`);
      return 127;
    }
    throw e;
  } finally {
    if (traceFd >= 0) fs.closeSync(traceFd);
  }
  if (opts.stats) printStats(result);
  if (result.deadlock) {
    process.stderr.write(`x64run: ${result.deadlock}\n`);
    return 128 + (result.signo ?? 9);
  }
  if (result.signo) {
    const text = SIGNAL_TEXT[result.signo] ?? result.signal;
    process.stderr.write(`x64run: guest terminated by ${result.signal} (${text})\n`);
    if (result.fault) process.stderr.write(`x64run: ${result.fault}\n`);
    return 128 + result.signo;
  }
  return result.exitCode ?? 0;
}

/** Options that take a separate value (so the value is not mistaken for the program). */
const VALUE_OPTIONS = new Set(['-0', '--argv0', '-E', '--env', '-U', '--unset-env', '--max-instructions', '--strace-file', '--jit-threshold', '--seed', '--root', '--mount', '--cwd']);

function rewriteStraceFile(argv: string[]): string[] {
  const out: string[] = [];
  let k = 0;
  for (; k < argv.length; k++) {
    const x = argv[k];
    if (x === '--') break;
    if (!x.startsWith('-') || x === '-') break; // the program: everything after belongs to the guest
    if (x.startsWith('--strace=')) { out.push('--strace-file', x.slice('--strace='.length)); continue; }
    out.push(x);
    if (VALUE_OPTIONS.has(x) && k + 1 < argv.length) out.push(argv[++k]);
  }
  return [...out, ...argv.slice(k)];
}

function isDirectory(p: string): boolean {
  try { return fs.statSync(p).isDirectory(); } catch { return false; }
}

function collect(v: string, prev: string[]): string[] {
  return [...prev, v];
}

function printStats(r: RunResult): void {
  const s = r.stats;
  const lines = [
    `x64run statistics:`,
    `  instructions retired  ${s.instructions}`,
    `  blocks executed       ${s.blocksExecuted}`,
    `  blocks decoded        ${s.blocksDecoded}`,
    `  code invalidations    ${s.invalidations}`,
    `  jit: blocks compiled  ${s.jit.blocksCompiled} (${s.jit.compileMs.toFixed(1)} ms, ${s.jit.compileFailures} failures)`,
    `  jit: instructions     ${s.jit.compiledInstructions} compiled, ${s.jit.interpretedInstructions} interpreted`,
    `  wall time             ${s.wallMs.toFixed(1)} ms`,
    `  vdso calls:           ${Object.entries(s.vdsoCalls).map(([n, v]) => `${n} ${v}`).join(', ') || 'none'}`,
    `  syscalls:`,
    ...Object.entries(s.syscalls).sort((a, b) => b[1].count - a[1].count)
      .map(([n, v]) => `    ${n.padEnd(20)} ${String(v.count).padStart(8)}  ${(v.ns / 1000).toFixed(1)} us`),
  ];
  process.stderr.write(lines.join('\n') + '\n');
}
