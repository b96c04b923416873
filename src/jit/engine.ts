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
import { generate } from './codegen.js';
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

export type Factory = (X: JitRuntime, m: unknown, I: unknown, B: Block) => (c: Cpu) => Block | null;

export class Engine {
  readonly rt: JitRuntime;
  readonly stats: JitStats = {
    blocksCompiled: 0, compileMs: 0, compileFailures: 0, interpretedInstructions: 0, inlineInstructions: 0, calledInstructions: 0,
  };
  /** Called once per compile failure (an emulator bug: the block keeps running in the interpreter). */
  onCompileError: (b: Block, e: unknown) => void = () => {};

  constructor(readonly cache: CodeCache, readonly opts: JitOptions = DEFAULT_JIT) {
    this.rt = new JitRuntime(cache);
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

  compile(b: Block): void {
    const t0 = performance.now();
    try {
      const g = generate(b);
      if (DUMP) process.stderr.write(`--- block 0x${b.addr.toString(16)} (${b.insns.length} insns)\n${g.source}\n`);
      const factory = new Function('X', 'm', 'I', 'B', g.source) as Factory;
      b.compiled = factory(this.rt, this.cache.mem, b.insns, b);
      this.stats.blocksCompiled++;
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
