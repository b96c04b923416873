/**
 * Double lanes of the XMM registers held in JavaScript locals within a block (codegen.ts's
 * Gen.readXF/writeXF), so that a lane written by one instruction is read by the next from a
 * local rather than from the Float64 view again (matmul's loop: 8 reads of `XF` per
 * iteration, 6 of them of lanes the loop had just written).
 *
 * The view is written through: every write still stores to `XF`, so handlers, faults, exits
 * and the interpreter always see the current registers, and a local can only be stale, never
 * the one copy. What makes one stale is tracked from the emitted text (`seen`):
 *   - a store to a lane through any view (`XF[n] =`, `XM[n] =`, `XS[n] =`, compound
 *     assignments too) forgets that lane's local;
 *   - a handler call (`.exec(`), a syscall or any runtime helper not known to leave the XMM
 *     registers alone forgets them all (so does an index that is not a literal).
 * Locals never outlive their block: every block starts with none (a block is entered from
 * several places, and a self-loop's next iteration starts at its top), and so does the code
 * after a template that gave up (Gen restores the set it had before).
 *
 * It also keeps what the inline SSE arithmetic's fast-path tests have established in the block
 * (templates-sse-float.ts, blocks compiled with FP side exits, where a failed test leaves the
 * region so the code after a fast path is reached only when its tests passed):
 *   - `normal`: double temps known finite and normal or zero (the operands and the result of a
 *     fast path that ran), which later operations need not test again. Temps are assigned once
 *     per block before any use, so a fact about one holds for the rest of the block;
 *   - `mxcsrFast`: MXCSR's control bits were the fast path's, and nothing since could change
 *     them (only a handler can: ldmxcsr, fxrstor, a syscall; any handler call or helper not
 *     known to be pure forgets it).
 */

/** Runtime helpers (`X.name(`) that never write an XMM register. */
const PURE_HELPERS = new Set([
  'fpRetry', 'ea', 'misalignedSse', 'pe', 'readF64', 'readF32', 'mulLo64', 'imul64Flags', 'probeWrite', 'target64', 'twoProdErr',
  'ctz32', 'scanFlags', 'alu', 'shift', 'cond', 'shiftValue64', 'r64', 'getCF', 'countFallback', 'link', 'lookup',
]);

const LANE_STORE = /\b(XF|XM|XS)\[([^\]]+)\]\s*(?:[-+*/%&|^]|<<|>>>?)?=(?!=)/g;
const HELPER_CALL = /\bX\.(\w+)[.\w]*\(/g;

export interface XmmSnapshot {
  locals: Map<number, string>;
  ints: Map<number, string>;
}

export class XmmLocals {
  /** XF index (2 per register) -> the double temp holding the lane's current value. */
  private readonly locals = new Map<number, string>();
  /**
   * XM index (4 per register) -> the int temp (or integer literal) holding that int32 lane's
   * current value: the packed-integer templates (templates-sse.ts readXM) read lanes written or
   * read earlier in the block from locals. Kept stale-free like the double lanes: a store to a
   * lane through any view forgets it.
   */
  private readonly ints = new Map<number, string>();
  /** Double temps known finite and normal, or zero (see the module comment). */
  readonly normal = new Set<string>();
  /** MXCSR's control bits are known to be the SSE fast path's (see the module comment). */
  mxcsrFast = false;

  get(lane: number): string | undefined {
    return this.locals.get(lane);
  }

  set(lane: number, local: string): void {
    this.locals.set(lane, local);
  }

  getInt(n: number): string | undefined {
    return this.ints.get(n);
  }

  setInt(n: number, local: string): void {
    this.ints.set(n, local);
  }

  /** Forgets both lanes of xmm register `reg`, and its int32 lanes. */
  forget(reg: number): void {
    this.locals.delete(reg * 2);
    this.locals.delete(reg * 2 + 1);
    this.forgetInts(reg);
  }

  /** Forgets the int32 lanes of xmm register `reg` (a handler wrote it). */
  forgetInts(reg: number): void {
    for (let k = 0; k < 4; k++) this.ints.delete(reg * 4 + k);
  }

  /** A new block: no locals, no facts. */
  clear(): void {
    this.locals.clear();
    this.ints.clear();
    this.normal.clear();
    this.mxcsrFast = false;
  }

  snapshot(): XmmSnapshot {
    return { locals: new Map(this.locals), ints: new Map(this.ints) };
  }

  restore(saved: XmmSnapshot): void {
    this.locals.clear();
    for (const [k, v] of saved.locals) this.locals.set(k, v);
    this.ints.clear();
    for (const [k, v] of saved.ints) this.ints.set(k, v);
  }

  /** Forgets the locals that text about to be emitted may make stale (see the module comment). */
  seen(text: string): void {
    if (this.locals.size === 0 && this.ints.size === 0 && !this.mxcsrFast) return;
    if (text.includes('.exec(')) { this.forgetAll(); return; }
    for (const m of text.matchAll(HELPER_CALL)) {
      if (!PURE_HELPERS.has(m[1])) { this.forgetAll(); return; }
    }
    for (const m of text.matchAll(LANE_STORE)) {
      const n = Number(m[2]);
      if (!Number.isInteger(n)) { this.locals.clear(); this.ints.clear(); return; }
      // XF: 2 lanes per register; XM and XS: 4, two of them per 64-bit lane.
      if (m[1] === 'XF') {
        this.locals.delete(n);
        this.ints.delete(2 * n);
        this.ints.delete(2 * n + 1);
      } else {
        this.locals.delete(n >> 1);
        this.ints.delete(n);
      }
    }
  }

  private forgetAll(): void {
    this.locals.clear();
    this.ints.clear();
    this.mxcsrFast = false;
  }
}
