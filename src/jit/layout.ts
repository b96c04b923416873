/**
 * Layout of a region's switch cases (codegen.ts generate()): which block follows which, and the
 * jumps that become fall-throughs.
 */

/** One block's case as generate() emitted it. */
export interface CaseBody {
  /** `case k: {` ... `}` (with the inner `for (;;) {` ... `}` of a block looping on itself). */
  lines: string[];
  selfLoop: boolean;
  /** The body's last statement jumps to block `index` of the region after the budget test `prefix`. */
  tail: { index: number; prefix: string } | null;
}

/**
 * Orders the region's cases so that a block whose last statement jumps to another block of the
 * region (its fall-through successor, mostly) is followed by that block when it is not placed
 * yet, and turns that jump into a fall-through into the next case: no trip through the
 * dispatch loop's switch (an indirect jump) for the most common transfer. A block looping on
 * itself leaves its inner loop with `break` first. Case labels stay the block indices.
 */
export function layOut(bodies: CaseBody[]): string[] {
  const placed = new Array<boolean>(bodies.length).fill(false);
  const out: string[] = [];
  let cur = 0;
  for (let n = 0; n < bodies.length; n++) {
    placed[cur] = true;
    const b = bodies[cur];
    const next = b.tail !== null && !placed[b.tail.index] ? b.tail.index : placed.indexOf(false);
    if (b.tail !== null && next === b.tail.index) {
      // The transfer is the body's last statement: the line before the closing brace(s).
      const at = b.lines.length - (b.selfLoop ? 3 : 2);
      const lines = b.lines.slice();
      lines[at] = `${b.tail.prefix} ${b.selfLoop ? 'break; ' : ''}/*fall through*/`;
      out.push(...lines);
    } else out.push(...b.lines);
    if (next < 0) break;
    cur = next;
  }
  return out;
}
