/**
 * x64run public API: run an x86-64 Linux ELF program inside this Node process.
 *
 *   const r = await run('corpus/bin/hello-glibc', ['hello-glibc'], { LANG: 'C' });
 *   r.exitCode, r.stdout (captured by default)
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as os from 'node:os';
import { randomBytes } from 'node:crypto';
import { Kernel, type KernelConfig } from './kernel/kernel.js';
import { Scheduler, type FaultReport } from './kernel/scheduler.js';
import { execProgram } from './kernel/exec.js';
import { HostStream, MemoryInput, CaptureOutput, NullStream, hostUid, hostGid } from './kernel/stdio.js';
import type { OpenFile } from './kernel/file.js';
import { O_RDWR, O_RDONLY, O_WRONLY } from './kernel/syscalls/flags.js';
import { signalName, SIGNAL_TEXT } from './kernel/signals.js';
import { disassemble, hexBytes, decodeLength } from './cpu/decode-format.js';
import { GPR_NAMES } from './cpu/state.js';
import { getRflags } from './cpu/flags.js';
import './cpu/instructions.js';
import { HostFs } from './kernel/vfs/hostfs.js';
import { MemFs, type MemTree } from './kernel/vfs/memfs.js';
import type { FileSystem } from './kernel/vfs/types.js';
import { mountSynthetic } from './kernel/vfs/synthetic.js';
import { DEFAULT_JIT, type JitOptions, type JitStats } from './jit/engine.js';
import { VirtualClock, seededRandom } from './kernel/determinism.js';
import type { SyscallHooks } from './kernel/hooks.js';

/**
 * The host's monotonic clock as seconds and nanoseconds, for the vDSO's clock reads
 * (KernelConfig.monotonicSplit). process.hrtime is read once here: `process` is an accessor on
 * the global object in ES modules, and looking it up (with `.hrtime`) in every call was ~6% of
 * the syscall benchmark's vDSO loop (perf). Its array is the fastest host clock Node offers
 * JavaScript (~43 ns; performance.now() and hrtime.bigint() ~97 ns here).
 */
const hrtime = process.hrtime;
function hostMonotonic(out: { sec: number; nsec: number }): void {
  const h = hrtime();
  out.sec = h[0];
  out.nsec = h[1];
}
export type { SyscallHooks, SyscallHook, SyscallCall, GuestMemory } from './kernel/hooks.js';
/** Throw `new SyscallError(errno)` from a syscall hook to fail the call with -errno. */
export { SyscallError } from './kernel/syscall-table.js';

export { ElfError } from './elf/elf.js';
export type { ElfErrorKind } from './elf/elf.js';

export type OutputOption = 'capture' | 'inherit' | 'ignore' | ((chunk: Uint8Array) => void);

export interface RunOptions {
  /** stdin: bytes or a string to read, or 'inherit' to pass the host's stdin through. Default: empty. */
  stdin?: string | Uint8Array | 'inherit';
  /** stdout/stderr: 'capture' (default: returned in RunResult), 'inherit', 'ignore', or a callback per chunk. */
  stdout?: OutputOption;
  stderr?: OutputOption;
  /** Path the guest sees as its own executable (/proc/self/exe, AT_EXECFN). Defaults to the file path. */
  exePath?: string;
  /** Strace-like trace: a callback per line, or true for stderr of the host. */
  trace?: boolean | ((line: string) => void);
  /** Diagnostics (unimplemented syscalls, limits): default writes to the host's stderr. */
  onWarning?: (message: string) => void;
  /** Stop the guest after this many instructions (killed with SIGXCPU). Default: unlimited. */
  maxInstructions?: number;
  /** Identity the guest sees. Default: the host's uid/gid. */
  uid?: number;
  gid?: number;
  hostname?: string;
  /**
   * The guest's file system. Default: the host's "/" passed through (like qemu-user) with the
   * guest starting in the host's current directory. `root` confines the guest to a host
   * directory (optionally read-only); `files` supplies an in-memory tree (the root when `root`
   * is not given); `mounts` adds more host directories or in-memory trees at guest paths.
   * /proc and /dev are always synthetic.
   */
  fs?: FsOptions;
  /** Initial working directory inside the guest (default: see `fs`). */
  cwd?: string;
  /** JIT settings: `enabled` (default true) and `threshold` (executions before a block is compiled). */
  jit?: Partial<JitOptions>;
  /**
   * Deterministic mode: virtual time from retired instructions, seeded randomness, fixed
   * identity (pid 1000, uid/gid 1000, hostname "x64run"), fixed scheduling; statistics report no
   * host times. `true` uses seed 0.
   */
  deterministic?: boolean | { seed?: number };
  /**
   * Syscall hooks, by name ("getpid") or number: a hook returns the result (or -errno) to answer
   * the call, or undefined to pass it on (after changing `call.args` if it likes). See
   * SyscallCall for the memory API.
   */
  syscalls?: SyscallHooks;
  /** Map the vDSO (default true). Without it, libcs make real syscalls for clock_gettime & co. */
  vdso?: boolean;
}

export interface FsOptions {
  root?: string;
  readOnly?: boolean;
  files?: MemTree;
  mounts?: Record<string, string | MemTree | { host: string; readOnly?: boolean }>;
}

export interface RunStats {
  /** Guest instructions retired. */
  instructions: number;
  /** Basic blocks decoded. */
  blocksDecoded: number;
  /** Code-cache invalidations (self-modifying code, munmap/mprotect of code). */
  invalidations: number;
  /** Syscalls by name: calls and total host nanoseconds in the handler (0 in deterministic mode). */
  syscalls: Record<string, { count: number; ns: number }>;
  /** vDSO entry points served without a syscall, by name (clock_gettime, ...). */
  vdsoCalls: Record<string, number>;
  /** Blocks executed (interpreted blocks plus blocks run inside compiled regions). */
  blocksExecuted: number;
  /** Wall-clock milliseconds of the run. */
  wallMs: number;
  /** JIT: blocks compiled, compile time, instructions retired by the interpreter vs compiled code. */
  jit: JitStats & { compiledInstructions: number };
}

export interface RunResult {
  /** Exit status (0..255) when the guest exited; null when a signal killed it. */
  exitCode: number | null;
  /** Signal name that killed the guest (e.g. 'SIGSEGV'). */
  signal?: string;
  signo?: number;
  /** Human-readable description of a fatal fault: signal, address, faulting instruction and registers. */
  fault?: string;
  /** Set when every guest thread blocked forever: the run was ended (SIGKILL) with this message. */
  deadlock?: string;
  stdout?: Uint8Array;
  stderr?: Uint8Array;
  stats: RunStats;
}

/**
 * Runs `elf` (a path or the file's bytes) with the full argument vector `argv` (argv[0] included,
 * like execve; defaults to [path]) and environment `env` (an object or "K=V" strings).
 */
export async function run(
  elf: string | Uint8Array,
  argv: string[] = [],
  env: Record<string, string> | string[] = {},
  options: RunOptions = {},
): Promise<RunResult> {
  const started = performance.now();
  const givenPath = typeof elf === 'string' ? elf : options.exePath ?? '/x64run/guest';
  const bytes = typeof elf === 'string' ? new Uint8Array(fs.readFileSync(elf)) : elf;
  const exePath = options.exePath ?? (typeof elf === 'string' ? path.resolve(elf) : givenPath);
  const envp = Array.isArray(env) ? env : Object.entries(env).map(([k, v]) => `${k}=${v}`);
  const args = argv.length ? argv : [givenPath];

  const warn = options.onWarning ?? ((m: string) => process.stderr.write(m + '\n'));
  let trace: ((line: string) => void) | null = null;
  if (options.trace === true) trace = (l) => process.stderr.write(l + '\n');
  else if (typeof options.trace === 'function') trace = options.trace;
  const t0 = process.hrtime.bigint();
  const wall0 = BigInt(Date.now()) * 1_000_000n;
  const det = options.deterministic ? (options.deterministic === true ? {} : options.deterministic) : null;
  // Virtual time reads the retired-instruction count of every thread (filled in once the kernel exists).
  let totalInstructions = (): number => 0;
  const vclock = det ? new VirtualClock(() => totalInstructions()) : null;
  const config: KernelConfig = {
    uid: options.uid ?? (det ? 1000 : hostUid()),
    gid: options.gid ?? (det ? 1000 : hostGid()),
    hostname: options.hostname ?? (det ? 'x64run' : os.hostname()),
    trace,
    warn,
    realtimeNs: vclock ? () => vclock.realtimeNs() : () => wall0 + (process.hrtime.bigint() - t0),
    monotonicNs: vclock ? () => vclock.monotonicNs() : () => process.hrtime.bigint(),
    // The same clocks without BigInt, for the vDSO (process.hrtime() is hrtime.bigint() split).
    monotonicSplit: vclock ? (out) => vclock.monotonicSplit(out) : hostMonotonic,
    realtimeOffsetNs: vclock ? vclock.realtimeNs() - vclock.monotonicNs() : wall0 - t0,
    randomBytes: det ? seededRandom(det.seed ?? 0) : (n) => new Uint8Array(randomBytes(n)),
    deterministic: !!det,
    hooks: options.syscalls ?? {},
  };
  const fsOpts = options.fs ?? {};
  let rootFs: FileSystem;
  if (fsOpts.root !== undefined) rootFs = new HostFs(fsOpts.root, fsOpts.readOnly ?? false);
  else if (fsOpts.files) {
    const m = new MemFs(fsOpts.readOnly ?? false, config.uid, config.gid);
    if (vclock) m.now = () => vclock.realtimeNs(); // deterministic file times
    m.populate(fsOpts.files);
    rootFs = m;
  } else rootFs = new HostFs('/', fsOpts.readOnly ?? false);
  const kernel = new Kernel(config, rootFs);
  totalInstructions = () => {
    let n = 0;
    for (const p of kernel.processes.values()) for (const t of p.threads) n += t.cpu.icount;
    return n;
  };
  if (vclock) {
    kernel.sleep = (ns) => vclock.sleep(ns);
    kernel.tscSource = () => Number(vclock.elapsedNs());
  }
  kernel.threadCreated = (t) => { if (kernel.tscSource) t.cpu.readTsc = kernel.tscSource; };
  for (const [at, spec] of Object.entries(fsOpts.mounts ?? {})) {
    if (typeof spec === 'string') kernel.vfs.mount(at, new HostFs(spec));
    else if ('host' in spec && typeof spec.host === 'string') kernel.vfs.mount(at, new HostFs(spec.host, !!spec.readOnly));
    else {
      const m = new MemFs(false, config.uid, config.gid);
      if (vclock) m.now = () => vclock.realtimeNs();
      m.populate(spec as MemTree);
      kernel.vfs.mount(at, m);
    }
  }
  mountSynthetic(kernel);
  const proc = kernel.newProcess(1);
  proc.startNs = config.monotonicNs();
  const thread = proc.newThread(proc.pid, path.basename(givenPath));
  proc.cwd = options.cwd ?? (rootFs instanceof HostFs && rootFs.hostRoot === '/' ? process.cwd() : '/');

  // Standard streams.
  const stdin: OpenFile = options.stdin === 'inherit' ? new HostStream(0, '/dev/stdin')
    : new MemoryInput(typeof options.stdin === 'string' ? new TextEncoder().encode(options.stdin) : options.stdin ?? new Uint8Array(0));
  stdin.flags = options.stdin === 'inherit' ? O_RDWR : O_RDONLY;
  const out = makeOutput(options.stdout ?? 'capture', 1, 'pipe:[stdout]');
  const err = makeOutput(options.stderr ?? 'capture', 2, 'pipe:[stderr]');
  proc.fds.set(0, stdin);
  proc.fds.set(1, out);
  proc.fds.set(2, err);

  if (kernel.tscSource) thread.cpu.readTsc = kernel.tscSource;
  execProgram(proc, thread, { elf: bytes, path: givenPath, exePath, argv: args, envp, vdso: options.vdso ?? true });

  const jit: JitOptions = { ...DEFAULT_JIT, ...options.jit };
  const scheduler = new Scheduler(kernel, {
    maxInstructions: options.maxInstructions ?? 0,
    jit,
    advanceVirtualTime: vclock ? (ns) => { vclock.sleptNs += ns; } : undefined,
  });
  await scheduler.run(proc);
  if (kernel.internalError) throw kernel.internalError; // e.g. an async syscall hook threw

  const exit = proc.exit!;
  const syscalls: Record<string, { count: number; ns: number }> = {};
  kernel.settleSyscallStats();
  for (const [name, s] of kernel.syscallStats) syscalls[name] = { count: s.count, ns: s.ns };
  const result: RunResult = {
    exitCode: exit.signal ? null : exit.code ?? 0,
    stats: {
      instructions: proc.threads.reduce((n, t) => n + t.cpu.icount, 0),
      blocksDecoded: proc.cache.blocksDecoded,
      invalidations: proc.cache.invalidations,
      syscalls,
      vdsoCalls: Object.fromEntries([...kernel.vdsoCalls].filter(([, v]) => v.count > 0).map(([n, v]) => [n, v.count])),
      blocksExecuted: proc.threads.reduce((n, t) => n + t.cpu.blocks, 0),
      wallMs: det ? 0 : performance.now() - started,
      jit: jitStats(scheduler, proc, !!det),
    },
  };
  if (exit.signal) {
    result.signal = signalName(exit.signal);
    result.signo = exit.signal;
    if (scheduler.lastFault) result.fault = describeFault(scheduler.lastFault);
  }
  if (scheduler.deadlock) result.deadlock = scheduler.deadlock;
  if (out instanceof CaptureOutput) result.stdout = out.bytes();
  if (err instanceof CaptureOutput) result.stderr = err.bytes();
  // The guest window goes back to the pool (Memory.release) unless something could still write
  // into it: a syscall still pending in some thread, or io_uring requests running on the host.
  if (kernel.ioRings === 0 && proc.threads.every((t) => t.blocked === null)) proc.as.mem.release();
  return result;
}

function jitStats(s: Scheduler, proc: import('./kernel/process.js').Process, deterministic: boolean): RunStats['jit'] {
  const e = s.engineFor(proc);
  const total = proc.threads.reduce((n, t) => n + t.cpu.icount, 0);
  return { ...e.stats, compileMs: deterministic ? 0 : e.stats.compileMs, compiledInstructions: total - e.stats.interpretedInstructions };
}

function makeOutput(o: OutputOption, hostFd: number, name: string): OpenFile {
  let f: OpenFile;
  if (o === 'inherit') f = new HostStream(hostFd, hostFd === 1 ? '/dev/stdout' : '/dev/stderr');
  else if (o === 'ignore') f = new NullStream();
  else if (typeof o === 'function') f = new CaptureOutput(name, o, false);
  else f = new CaptureOutput(name);
  f.flags = o === 'inherit' ? O_RDWR : O_WRONLY;
  return f;
}

/** "SIGSEGV (Segmentation fault) at 0x401136: movl $0x1,(%rax) [c7 00 01 00 00 00], fault address 0x0 ..." */
export function describeFault(r: FaultReport): string {
  const f = r.fault;
  const c = r.thread.cpu;
  let insn = '';
  try {
    const bytes = c.mem.readBytes(r.rip, Math.min(15, Math.max(1, 0x1000 - (r.rip & 0xfff))));
    insn = `${disassemble(bytes, r.rip)} [${hexBytes(bytes.subarray(0, decodeLength(bytes, r.rip) || 1))}]`;
  } catch {
    insn = '(instruction not readable)';
  }
  const regs = GPR_NAMES.map((n, k) => `${n}=0x${c.get64(k).toString(16)}`).join(' ');
  const addr = f.signo === 11 || f.signo === 7 ? `, fault address 0x${f.addr.toString(16)}` : '';
  return `${signalName(f.signo)} (${SIGNAL_TEXT[f.signo] ?? 'signal'}) at rip=0x${r.rip.toString(16)}: ${insn}${addr}; ${f.reason}\n` +
    `  ${regs} rflags=0x${getRflags(c).toString(16)}`;
}
