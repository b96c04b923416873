/**
 * The execution engine with the JIT (DESIGN "The JIT"): blocks are interpreted until they have
 * run `threshold` times, then translated to JavaScript (codegen.ts) and cached on the Block.
 * Compiled blocks return their successor Block, remembered per direct exit (chaining), so the
 * dispatcher below only consults the code cache after indirect branches, invalidations and
 * interpreted blocks.
 */
import { Cpu, Exit } from '../cpu/state.js';
import type { CodeCache } from '../cpu/code-cache.js';
import type { Block } from '../cpu/decode.js';
import { runBlock, fault } from '../cpu/interpreter.js';
import { generate, type Region } from './codegen.js';
import { Mnemonic } from 'iced-x86';
import { JitRuntime } from './runtime.js';

export interface JitOptions {
  enabled: boolean;
  /**
   * Executions before a block is compiled. 0 compiles on first execution (tests). The default
   * was chosen by measurement (bench/): compiling is ~0.2 ms per block, so only blocks that run
   * a few dozen times repay it.
   */
  threshold: number;
}

/** X64RUN_JIT_DUMP=1 prints every generated block (debugging aid). */
const DUMP = typeof process !== 'undefined' && process.env.X64RUN_JIT_DUMP === '1';

export const DEFAULT_JIT: JitOptions = { enabled: true, threshold: 32 };

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
  /** Called once per compile failure (an emulator bug: the block keeps running in the interpreter). */
  onCompileError: (b: Block, e: unknown) => void = () => {};

  constructor(readonly cache: CodeCache, readonly opts: JitOptions = DEFAULT_JIT) {
    this.rt = new JitRuntime(cache);
    cache.onInvalidate = (b) => {
      for (const r of b.regions) dropRegion(r);
      b.regions = [];
      b.compiled = null;
    };
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
      const fn: ((c: Cpu) => Block | null) | null = b.compiled;
      if (fn !== null) {
        mem.codeWritten = false;
        b = fn(c);
        if (c.exit !== Exit.None) return c.exit;
        continue;
      }
      if (b.count >= threshold && !b.noJit) {
        this.compile(b);
        if (b.compiled !== null) continue;
      }
      const before = c.icount;
      const x = runBlock(c, b);
      this.stats.interpretedInstructions += c.icount - before;
      if (x !== Exit.None) return x;
      b = null;
    }
    return Exit.Budget;
  }

  /**
   * Compiles the region rooted at `b`. The region's function becomes the entry of `b` and of
   * every block of the region that has no compiled entry yet; blocks already compiled keep
   * theirs (re-installing would make regions that share blocks recompile each other forever).
   */
  compile(b: Block): void {
    const t0 = performance.now();
    const region = formRegion(this.cache, b);
    try {
      const g = generate(region);
      if (DUMP) process.stderr.write(`--- region 0x${b.addr.toString(16)} (${region.blocks.length} blocks)\n${g.source}\n`);
      const factory = new Function('X', 'm', 'I', 'BLOCKS', g.source) as RegionFactory;
      const fn = factory(this.rt, this.cache.mem, region.blocks.map((x) => x.insns), region.blocks);
      const compiled = { blocks: region.blocks, dead: false };
      for (const x of region.blocks) {
        x.regions.push(compiled);
        if (x === b || x.compiled === null) {
          const addr = x.addr;
          const entry = (c: Cpu) => fn(c, addr);
          entries.set(entry, compiled);
          x.compiled = entry;
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

/** Which region each installed entry function belongs to (to uninstall it when the region dies). */
const entries = new WeakMap<(c: Cpu) => Block | null, { blocks: Block[]; dead: boolean }>();

/** Most blocks compiled into one region (bounds compile time and code size). */
export const MAX_REGION_BLOCKS = 32;

/**
 * The region rooted at a hot block: the block plus decoded blocks reachable through direct
 * branches and fall-throughs (and the return sites of its calls), breadth first.
 */
export function formRegion(cache: CodeCache, entry: Block): Region {
  const blocks: Block[] = [entry];
  const byAddr = new Map<number, Block>([[entry.addr, entry]]);
  for (let q = 0; q < blocks.length && blocks.length < MAX_REGION_BLOCKS; q++) {
    const last = blocks[q].insns[blocks[q].insns.length - 1];
    const succ: number[] = [];
    if (last.cc >= 0 && last.target) succ.push(last.target, last.next);
    else if (last.mnemonic === Mnemonic.Jmp && last.target) succ.push(last.target);
    else if (last.mnemonic === Mnemonic.Call) succ.push(last.next);
    else if (last.mnemonic !== Mnemonic.Ret && last.mnemonic !== Mnemonic.Jmp && last.mnemonic !== Mnemonic.Syscall) succ.push(last.next);
    for (const t of succ) {
      if (byAddr.has(t)) continue;
      const s = cache.blocks.get(t);
      if (!s || !s.valid || s.noJit) continue;
      blocks.push(s);
      byAddr.set(t, s);
      if (blocks.length >= MAX_REGION_BLOCKS) break;
    }
  }
  return { entry, blocks, byAddr };
}

/** A block of the region was invalidated: every entry into the region's code goes away. */
export function dropRegion(r: { blocks: Block[]; dead: boolean }): void {
  if (r.dead) return;
  r.dead = true;
  for (const x of r.blocks) {
    if (x.compiled && entries.get(x.compiled) === r) x.compiled = null;
    x.regions = x.regions.filter((y) => y !== r);
  }
}
