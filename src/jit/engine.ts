/**
 * The execution engine with the JIT (DESIGN "The JIT"): blocks are interpreted until they have
 * run `threshold` times, then translated to JavaScript (codegen.ts) and cached on the Block.
 * Compiled blocks return their successor Block, remembered per direct exit (chaining), so the
 * dispatcher below only consults the code cache after indirect branches, invalidations and
 * interpreted blocks.
 */
import { Cpu, Exit } from '../cpu/state.js';
import type { CodeCache } from '../cpu/code-cache.js';
import type { Block, CompiledRegion } from '../cpu/decode.js';
import { runBlock, fault } from '../cpu/interpreter.js';
import { generate, loopsOnItself, type Region } from './codegen.js';
import { Mnemonic } from '../cpu/iced.js';
import { JitRuntime } from './runtime.js';

export interface JitOptions {
  enabled: boolean;
  /**
   * Executions before a block is compiled. 0 compiles on first execution (tests). The default
   * was chosen by measurement (`npm run bench -- jit-threshold`, bench/results/jit-threshold.md):
   * translating a block costs ~0.2-0.6 ms of our code generation plus V8's parsing, and V8 runs
   * the generated function unoptimised (slower than the interpreter) until TurboFan has
   * optimised it, which takes 0.1-2 s per region on a busy core. So code that runs a few
   * hundred or thousand times (libm, printf, C++ unwinding) ran 1.5-2.5x slower with threshold
   * 32 than interpreted, and within 10-20% of the interpreter at 16000; the CPU kernels vary
   * by +-30% between thresholds 32 and 64000, in both directions. 16000 had the best geometric
   * mean over both kinds.
   */
  threshold: number;
}

/** X64RUN_JIT_DUMP=1 prints every generated block (debugging aid). */
const DUMP = typeof process !== 'undefined' && process.env.X64RUN_JIT_DUMP === '1';

export const DEFAULT_JIT: JitOptions = { enabled: true, threshold: 16000 };

export interface JitStats {
  blocksCompiled: number;
  compileMs: number;
  compileFailures: number;
  /** Instructions retired in interpreted blocks (the rest ran in compiled code). */
  interpretedInstructions: number;
  inlineInstructions: number;
  calledInstructions: number;
}

export type RegionFactory = (X: JitRuntime, m: unknown, I: unknown, BLOCKS: Block[]) => (c: Cpu, L: number) => Block | null;

export class Engine {
  readonly rt: JitRuntime;
  readonly stats: JitStats = {
    blocksCompiled: 0, compileMs: 0, compileFailures: 0, interpretedInstructions: 0, inlineInstructions: 0, calledInstructions: 0,
  };
  /** primeLink ran. */
  private linkPrimed = false;
  /** Called once per compile failure (an emulator bug: the block keeps running in the interpreter). */
  onCompileError: (b: Block, e: unknown) => void = () => {};

  constructor(readonly cache: CodeCache, readonly opts: JitOptions = DEFAULT_JIT) {
    this.rt = new JitRuntime(cache);
    this.rt.stats = this.stats;
    // A block whose inline floating point keeps missing its fast path: its regions go, and it
    // is compiled again (it is past the threshold) with the slow path inline.
    this.rt.onFpMerge = dropRegionsOf;
    cache.onInvalidate = dropRegionsOf;
  }

  /** Runs the thread for about `budget` instructions; returns why it stopped. */
  run(c: Cpu, budget: number): Exit {
    c.exit = Exit.None;
    const limit = c.icount + budget;
    this.rt.limit = limit;
    const mem = this.cache.mem;
    const threshold = this.opts.enabled ? this.opts.threshold : Infinity;
    let b: Block | null = null;
    while (c.icount < limit) {
      if (b === null || !b.valid || b.addr !== c.rip) {
        try {
          b = this.cache.get(c.rip);
        } catch (e) {
          return fault(c, e, null);
        }
      }
      const fn: ((c: Cpu, at: number) => Block | null) | null = b.compiled;
      if (fn !== null) {
        if (++b.entries === RETIER_ENTRIES) this.compile(b, c, true);
        mem.codeWritten = false;
        b = b.compiled!(c, b.addr);
        if (c.exit !== Exit.None) return c.exit;
        continue;
      }
      if (b.count >= threshold && !b.noJit) {
        this.compile(b, c);
        if (b.compiled !== null) continue;
      }
      const before = c.icount;
      const x = runBlock(c, b);
      this.stats.interpretedInstructions += c.icount - before;
      if (x !== Exit.None) return x;
      if (b.indirectJmp && (b.targets !== null || (b.lastSuccessor !== c.rip && b.lastSuccessor !== 0))) noteTarget(b, c.rip);
      b.lastSuccessor = c.rip;
      b = null;
    }
    return Exit.Budget;
  }

  /**
   * Compiles the region rooted at `b`. The region's function becomes the entry of `b` and of
   * every block of the region that has no compiled entry yet; blocks already compiled keep
   * theirs (re-installing would make regions that share blocks recompile each other forever).
   * `retier`: the second, larger region of a block entered RETIER_ENTRIES times (formRegion).
   */
  compile(b: Block, c: Cpu, retier = false): void {
    const t0 = performance.now();
    const region = formRegion(this.cache, b, this.opts.threshold, retier);
    // Retiering only pays when it takes in a switch's cases or closes a loop.
    if (retier && !region.switched && !region.closedLoop) return;
    try {
      const g = generate(region);
      if (DUMP) process.stderr.write(`--- region 0x${b.addr.toString(16)} (${region.blocks.length} blocks)\n${g.source}\n`);
      const factory = new Function('X', 'm', 'I', 'BLOCKS', g.source) as RegionFactory;
      const fn = factory(this.rt, this.cache.mem, region.blocks.map((x) => x.insns), region.blocks);
      primeExit(fn, c, g.source.length);
      if (!this.linkPrimed) primeLink(this.rt, b.addr);
      this.linkPrimed = true;
      const compiled: CompiledRegion = { blocks: region.blocks, dead: false, loopEntry: closesLoop(region) ? b : null };
      for (const x of region.blocks) {
        x.regions.push(compiled);
        if (x === b || x.compiled === null) {
          x.compiled = fn;
          x.owner = compiled;
        }
      }
      this.stats.blocksCompiled += region.blocks.length;
      this.stats.inlineInstructions += g.inline;
      this.stats.calledInstructions += g.calls;
    } catch (e) {
      b.noJit = true;
      this.stats.compileFailures++;
      this.onCompileError(b, e);
    }
    this.stats.compileMs += performance.now() - t0;
  }
}

/**
 * Most blocks and guest instructions compiled into one region. TurboFan's compile time grows
 * faster than linearly with function size (a 7-block, 100-instruction region made 36 KB of
 * bytecode and took it 1-2 s to optimise, during which the region ran unoptimised), so regions
 * stay small. Measured on sha256, n-body, qsort, the bytecode interpreter, memops and
 * isa-libm (bench/jit-threshold.mjs workloads, threshold 1000): 16 blocks/120 instructions
 * was slowest overall, 4-8 blocks with 40-60 instructions fastest (within noise of each other),
 * single blocks lost on the bytecode interpreter (more region transitions).
 */
export const MAX_REGION_BLOCKS = 8;
export const MAX_REGION_INSNS = 60;
/**
 * The limits once a region takes in the cases of a switch (an indirect jmp with several
 * profiled targets): an interpreter's dispatch loop leaves a region at every case that is not
 * in it, through the dispatcher with a full register write-back and reload (bytecode: ~10M
 * region entries for 169M instructions with the default limits, 35k with these: its dispatch
 * region has 13 blocks). Not larger, and not for other regions: letting every region entered
 * 20k times grow to 24 blocks / 140 instructions cut qsort's region entries 3x but made it 4x
 * slower and n-body 15x slower (V8 ran those functions unoptimised for most of the run).
 */
export const MAX_SWITCH_REGION_BLOCKS = 16;
export const MAX_SWITCH_REGION_INSNS = 100;

/**
 * The block limit of a retiered region (RETIER_ENTRIES) whose larger budget closes a loop
 * through its entry that the first region left open: a loop of 9-12 small blocks (the syscall
 * benchmark's vDSO loop: its body, glibc's clock_gettime and the vDSO call are 10 blocks and 31
 * instructions) otherwise runs as two regions and pays two region transitions per iteration
 * (write-back, dispatcher, reload). Only for such regions: raising the block limit to 12 for
 * every region made n-body 25% and qsort 10% slower (bench A/B, 3 runs each). The instruction
 * limit stays MAX_REGION_INSNS.
 */
export const MAX_LOOP_REGION_BLOCKS = 12;
/**
 * Instructions of a region retiered to close a loop (MAX_LOOP_REGION_BLOCKS): only a short
 * loop gains enough from losing its two region transitions per iteration to pay for a new
 * function that V8 runs unoptimised for a while. The vDSO loop (31 instructions) does; the
 * two 57- and 58-instruction regions strhash retiered around its per-word calls (strlen,
 * strcmp) did not: without them strhash ran 0.82x the time (alternated A/B, 5 rounds), and
 * they were the only closed-loop retiers in the CPU kernels.
 */
export const MAX_LOOP_REGION_INSNS = 40;

/**
 * The region rooted at a hot block: the block plus decoded blocks reachable through direct
 * branches, fall-throughs, calls (callee and return site) and the last observed target of
 * indirect branches (ret, jmp/call through a register or memory), breadth first. Following
 * calls and profiled indirect targets keeps a caller, its callees (qsort's comparison function,
 * memcpy behind an IRELATIVE jump) and their returns inside one JavaScript function: an
 * indirect branch whose target is in the region continues through the region's switch instead
 * of writing every register back and going through the dispatcher. Native entries (the vDSO's
 * functions) join like any block: a call to clock_gettime then runs without leaving the region.
 * A compiled loop does not join (growRegion): a block that loops on itself, or the entry of a
 * compiled region that loops back to it (CompiledRegion.loopEntry); it keeps running in its own,
 * optimised function. Measured against taking such loops in (alternated A/B, 3-7 rounds, whole
 * runs): self-loops: memops 0.81, matmul 0.92-0.95, strhash 0.91-0.95, crc32 0.95-0.97,
 * n-body 1.01 (its 5-body update loop: two more region transitions per step), others 1.00;
 * region loop heads on top of that: memops 0.90, qsort 0.93, sha256 0.95, others within noise
 * (bytecode is bimodal, 3.2-3.6 s or 4.8-5.3 s per run, either way).
 *
 * `retier`: the second forming of a block entered RETIER_ENTRIES times. It takes in the hot
 * cases of switch dispatches (Region.switched), or failing that, grows to MAX_LOOP_REGION_BLOCKS
 * when that closes a loop through the entry (Region.closedLoop); the engine keeps the first
 * region when neither happened.
 */
export function formRegion(cache: CodeCache, entry: Block, threshold = DEFAULT_JIT.threshold, retier = false): Region {
  // Only blocks that ran often (in the interpreter, or already compiled) join: code V8 never saw
  // run is compiled without type feedback, and reaching it later deoptimises the whole region.
  const warm = Math.max(1, threshold >> 2);
  const first = growRegion(cache, entry, warm, retier, MAX_REGION_BLOCKS);
  if (!retier || first.switched || closesLoop(first)) return first;
  const grown = growRegion(cache, entry, warm, false, MAX_LOOP_REGION_BLOCKS);
  grown.closedLoop = closesLoop(grown) && grown.blocks.reduce((n, b) => n + b.insns.length, 0) <= MAX_LOOP_REGION_INSNS;
  return grown;
}

/** Breadth-first growth of a region from its entry, up to `maxBlocks` and MAX_REGION_INSNS. */
function growRegion(cache: CodeCache, entry: Block, warm: number, switches: boolean, maxBlocks: number): Region {
  let switched = false;
  const blocks: Block[] = [entry];
  const byAddr = new Map<number, Block>([[entry.addr, entry]]);
  let insns = entry.insns.length;
  // Native entries do not count: they are one call each, and a vDSO call would otherwise cost
  // the caller's loop the block that completes it (glibc's clock_gettime returns through one).
  let counted = 1;
  let maxInsns = MAX_REGION_INSNS;
  for (let q = 0; q < blocks.length && counted < maxBlocks; q++) {
    const b = blocks[q];
    let succ: number[];
    if (switches && b.indirectJmp && b.targets !== null) {
      switched = true;
      // Switch dispatch: the hot cases, most frequent first, and room for them (see MAX_SWITCH_*).
      succ = [...b.targets.entries()].sort((x, y) => y[1] - x[1]).map(([a]) => a);
      maxBlocks = MAX_SWITCH_REGION_BLOCKS;
      maxInsns = MAX_SWITCH_REGION_INSNS;
    } else succ = successors(b);
    for (const t of succ) {
      if (t === 0 || byAddr.has(t)) continue;
      const s = cache.blocks.get(t);
      if (!s || !s.valid || (s.noJit && !s.native) || (s.count < warm && s.compiled === null)) continue;
      // A compiled loop stays in its region: taken into a new one, it would run in a function
      // V8 has yet to optimise (memops: the new region of memcpy's size dispatch took in its
      // 64-byte loop, already compiled and optimised, and ran it at a tenth of the speed for
      // ~100 ms). The new region leaves to it through a chaining slot instead. A loop is a
      // block that branches to itself, or the entry of a region with a branch back to it.
      if (s.compiled !== null && (loopsOnItself(s) || s.owner?.loopEntry === s)) continue;
      if (insns + s.insns.length > maxInsns) continue;
      insns += s.insns.length;
      blocks.push(s);
      byAddr.set(t, s);
      if (!s.native) counted++;
      if (counted >= maxBlocks) break;
    }
  }
  return { entry, blocks, byAddr, switched };
}

/** Where a block goes next, as far as region forming follows it (0: unknown). */
function successors(b: Block): number[] {
  const last = b.insns[b.insns.length - 1];
  const observed = b.lastSuccessor;
  if (b.native) return [observed]; // where the entry returned to
  if (last.cc >= 0 && last.target) return [last.target, last.next];
  if (last.mnemonic === Mnemonic.Jmp) return [last.target || observed];
  if (last.mnemonic === Mnemonic.Call) return [last.target || observed, last.next];
  if (last.mnemonic === Mnemonic.Ret) return [observed];
  return [last.next]; // also after a syscall: compiled code continues there (emitSyscall)
}

/** Some block of the region branches back to its entry. */
function closesLoop(r: Region): boolean {
  return r.blocks.some((b) => successors(b).includes(r.entry.addr));
}

/**
 * Region entries through the dispatcher after which a block's region is formed again, this time
 * taking in the hot cases of switch dispatches, or closing a loop the first region left open
 * (formRegion `retier`, MAX_LOOP_REGION_BLOCKS). An interpreter's
 * dispatch loop leaves its region at every case outside it and comes back through the
 * dispatcher, writing back and reloading every register (bench-bytecode: ~10M entries for
 * 169M instructions). Doing it for every region up front made lukewarm library code with jump
 * tables (printf) pay TurboFan for regions three times the size: measured isa-printf 0.94 ->
 * 1.49 s; only regions entered this often are worth it.
 */
const RETIER_ENTRIES = 20_000;

/** Distinct indirect-jmp targets profiled per block (Block.targets). */
const MAX_TARGETS = 16;

function noteTarget(b: Block, target: number): void {
  let t = b.targets;
  if (t === null) {
    t = b.targets = new Map();
    t.set(b.lastSuccessor, 1);
  }
  const n = t.get(target);
  if (n !== undefined) t.set(target, n + 1);
  else if (t.size < MAX_TARGETS) t.set(target, 1);
}

/**
 * Runs the region's common exit, without executing any block, so that V8 has type feedback for
 * it before optimising the function. Otherwise a region whose loop V8 compiled on the stack
 * (OSR) before any exit had run deoptimised at its first exit ("insufficient type feedback" at
 * the write-back), and V8 kept re-entering that cached OSR code: 89 such deopts in one 4M-call
 * run of the syscall benchmark's gettid loop, 25 in its vDSO loop. Address -1 is no block of
 * any region, so the function writes back the values it just loaded, adds 0 to the counters
 * and finds no successor; only c.rip (set to -1 or -2) needs restoring.
 *
 * It takes many calls: V8 gives a function its feedback vector only once it has run about 8x
 * its own bytecode size (--lazy-feedback-allocation, --interrupt-budget-factor-for-feedback-
 * allocation=8 in Node 20), and calls before that record nothing. Measured: a 9 KB region
 * needed 100 calls (50 were not enough), a 250-byte function 16; one call per 60 characters of
 * source, plus 16, covers both with room to spare. The calls run unoptimised: 1.5-3 ms per
 * region (sha256: 6 regions, 16 ms of 42 ms compile time; isa-libm: 26 regions, 44 of 104 ms).
 */
function primeExit(fn: (c: Cpu, at: number) => Block | null, c: Cpu, sourceLength: number): void {
  const rip = c.rip;
  const calls = Math.ceil(sourceLength / 60) + 16;
  // Both ways out of the common exit: -1 the dispatcher's lookup, -2 a chaining slot (the
  // region's spare last one; X.link(-2) finds no block). Without the second, the first exit
  // through a slot deoptimised at the slot's keyed load, at every loop end of OSR code
  // (syscall benchmark: 20 deopts per run, one per chunk).
  for (let k = 0; k < calls; k++) fn(c, k & 1 ? -2 : -1);
  c.rip = rip;
}

/**
 * Runs both of X.link's paths once, for V8's type feedback: V8 inlines link() into a region's
 * common exit, and primeExit reaches only its early return, so a region optimised before any
 * real link() call in the process deoptimised at its first chained exit (sieve's first region:
 * a cached successor, then an undecoded one). `cached`: a decoded block's address; address 0
 * is never mapped (below vm.mmap_min_addr), so its decode faults and link() returns null.
 */
function primeLink(rt: JitRuntime, cached: number): void {
  // Many calls: V8 allocates a function's feedback vector only after it ran for a while (see
  // primeExit); calls before that record nothing.
  for (let k = 0; k < 64; k++) {
    rt.link(cached);
    rt.link(0);
  }
}

/**
 * Every region containing `b` goes (its code was invalidated, or must be compiled again): the
 * block loses its compiled entry, and so does every block those regions had installed one in.
 */
function dropRegionsOf(b: Block): void {
  for (const r of b.regions) dropRegion(r);
  b.regions = [];
  b.compiled = null;
  b.owner = null;
}

/** A block of the region was invalidated: every entry into the region's code goes away. */
export function dropRegion(r: CompiledRegion): void {
  if (r.dead) return;
  r.dead = true;
  for (const x of r.blocks) {
    if (x.owner === r) { x.compiled = null; x.owner = null; }
    x.regions = x.regions.filter((y) => y !== r);
  }
}
