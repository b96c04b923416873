/**
 * The inline fast-path tests of guest memory accesses in generated code (codegen.ts and the
 * templates): JavaScript conditions over `P` (Memory.prot) for the address held in a temp.
 *
 * An access that crosses into the next page takes the fast path too when both pages allow it:
 * sending it to the slow path (Memory's methods) made the first crossing of an unaligned access
 * (memcpy's overlapping 8-byte moves) reach code V8 had no type feedback for, and V8
 * deoptimised the whole region there (qsort: 11 of its 14 region deopts). `single`: the access
 * cannot cross (aligned to its size).
 */

/**
 * The page index of an access's last byte. It does not wrap at 2^32 (as `>>> 12` would, onto
 * page 0): past the window it indexes beyond `prot`, which reads as no access.
 */
export function lastPage(a: string, size: number): string {
  return `(${a} + ${size - 1}) / 4096 | 0`;
}

/** Every byte of the access is readable. */
export function readable(a: string, size: number, single = false): string {
  return size === 1 || single ? `(P[${a} >>> 12] & 1) !== 0` : `(P[${a} >>> 12] & P[${lastPage(a, size)}] & 1) !== 0`;
}

/** Every byte of the access is writable, on no page holding code (stores there invalidate it: the slow path). */
export function writable(a: string, size: number, single = false): string {
  if (size === 1 || single) return `(P[${a} >>> 12] & 10) === 2`;
  const p = `P[${a} >>> 12]`, q = `P[${lastPage(a, size)}]`;
  return `((${p} & ${q} & 2) | ((${p} | ${q}) & 8)) === 2`;
}
