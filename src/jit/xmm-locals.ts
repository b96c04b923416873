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
 */

/** Runtime helpers (`X.name(`) that never write an XMM register. */
const PURE_HELPERS = new Set([
  'ea', 'misalignedSse', 'pe', 'readF64', 'readF32', 'mulLo64', 'imul64', 'probeWrite', 'target64', 'twoProdErr',
  'ctz32', 'scanFlags', 'alu', 'shift', 'cond', 'shiftValue64', 'r64', 'getCF', 'countFallback', 'link', 'lookup',
]);

const LANE_STORE = /\b(XF|XM|XS)\[([^\]]+)\]\s*(?:[-+*/%&|^]|<<|>>>?)?=(?!=)/g;
const HELPER_CALL = /\bX\.(\w+)[.\w]*\(/g;

export class XmmLocals {
  /** XF index (2 per register) -> the double temp holding the lane's current value. */
  private readonly locals = new Map<number, string>();

  get(lane: number): string | undefined {
    return this.locals.get(lane);
  }

  set(lane: number, local: string): void {
    this.locals.set(lane, local);
  }

  /** Forgets both lanes of xmm register `reg`. */
  forget(reg: number): void {
    this.locals.delete(reg * 2);
    this.locals.delete(reg * 2 + 1);
  }

  clear(): void {
    this.locals.clear();
  }

  snapshot(): Map<number, string> {
    return new Map(this.locals);
  }

  restore(saved: Map<number, string>): void {
    this.locals.clear();
    for (const [k, v] of saved) this.locals.set(k, v);
  }

  /** Forgets the locals that text about to be emitted may make stale (see the module comment). */
  seen(text: string): void {
    if (this.locals.size === 0) return;
    if (text.includes('.exec(')) { this.locals.clear(); return; }
    for (const m of text.matchAll(HELPER_CALL)) {
      if (!PURE_HELPERS.has(m[1])) { this.locals.clear(); return; }
    }
    for (const m of text.matchAll(LANE_STORE)) {
      const n = Number(m[2]);
      if (!Number.isInteger(n)) { this.locals.clear(); return; }
      // XF: 2 lanes per register; XM and XS: 4, two of them per 64-bit lane.
      this.locals.delete(m[1] === 'XF' ? n : n >> 1);
    }
  }
}
