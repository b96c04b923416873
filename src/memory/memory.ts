/**
 * The guest address space as a flat window (DESIGN "Memory").
 *
 * Guest virtual address == byte offset into one ArrayBuffer of WINDOW_SIZE bytes. The OS commits
 * pages only when they are touched, so reserving 4 GiB costs nothing until the guest uses it.
 * Every access is checked against a per-page protection byte (`prot`), which also carries the
 * PAGE_CODE bit ("decoded or translated code lives here"): a store to such a page goes through
 * the slow path, which tells the code cache to drop that page's blocks (self-modifying code).
 *
 * Fast paths are written so that a single byte load and compare decides the common case:
 *   read:  (prot[page] & PROT_READ) !== 0 and the access does not cross a page
 *   write: (prot[page] & (PROT_WRITE | PAGE_CODE)) === PROT_WRITE and it does not cross a page
 * Everything else (page-crossing, faults, code pages) goes to the slow path.
 *
 * Values: 8/16-bit reads return zero-extended numbers, 32-bit reads return int32 (signed), and
 * 64-bit values travel as (lo, hi) int32 pairs: read64 returns lo and leaves hi in `this.hi`.
 * Addresses passed in are non-negative integers below WINDOW_SIZE (the CPU's effective-address
 * computation guarantees it and raises the fault otherwise).
 */
import { MemoryFault } from './fault.js';

export const PAGE_SHIFT = 12;
export const PAGE_SIZE = 1 << PAGE_SHIFT;
export const PAGE_MASK = PAGE_SIZE - 1;

/** Size of the guest window: addresses [0, WINDOW_SIZE) are representable, everything else faults. */
export const WINDOW_SIZE = 2 ** 32;
export const PAGE_COUNT = WINDOW_SIZE / PAGE_SIZE;

export const PROT_NONE = 0;
export const PROT_READ = 1;
export const PROT_WRITE = 2;
export const PROT_EXEC = 4;
/** Not a Linux bit: the page holds decoded/compiled code, so stores must invalidate it. */
export const PAGE_CODE = 8;
/** Not a Linux bit: the page belongs to some mapping (mapped with PROT_NONE still has this). */
export const PAGE_MAPPED = 16;

export type CodeWriteListener = (page: number) => void;

/**
 * Guest windows of ended runs (Memory.release), reused by new ones. `dirty`: the byte ranges
 * [start, end) that were mapped and may hold data; the Memory that takes the window zeroes them.
 * Why then and not at release: a process that ends after its run (the CLI) never pays for it,
 * and zeroing pages the guest mapped but never touched (an 8 MiB stack) makes the host commit
 * them (10-25 ms of a short run).
 */
const SPARE_WINDOWS: { buffer: ArrayBuffer; dirty: number[] }[] = [];
const MAX_SPARE_WINDOWS = 2;

export class Memory {
  readonly buffer: ArrayBuffer;
  readonly u8: Uint8Array;
  readonly dv: DataView;
  /** Per-page protection bits: PROT_* | PAGE_CODE | PAGE_MAPPED. */
  readonly prot: Uint8Array;
  /**
   * One flag per 256 pages (1 MiB): some page in it has been mapped since this Memory began.
   * release() walks only these stretches, not all 2^20 pages of the window (20-30 ms of a short
   * run's end while the loop was still unoptimised).
   */
  private readonly everMapped = new Uint8Array(PAGE_COUNT >>> 8);
  /** release() ran: the buffer belongs to the pool (or to a newer Memory). */
  private released = false;
  /** High half of the last read64 (see class comment). */
  hi = 0;
  /** Called (once per page) when a store hits a page marked PAGE_CODE. */
  onCodeWrite: CodeWriteListener = () => {};
  /**
   * Set when decoded code was invalidated (a store into a code page, munmap, mprotect): compiled
   * blocks check it after their stores to stop running code that no longer exists.
   */
  codeWritten = false;

  constructor() {
    const spare = SPARE_WINDOWS.pop();
    this.buffer = spare?.buffer ?? new ArrayBuffer(WINDOW_SIZE);
    this.u8 = new Uint8Array(this.buffer);
    if (spare) for (let k = 0; k < spare.dirty.length; k += 2) this.u8.fill(0, spare.dirty[k], spare.dirty[k + 1]);
    this.dv = new DataView(this.buffer);
    this.prot = new Uint8Array(PAGE_COUNT);
  }

  // ---------------------------------------------------------------- reads

  read8(a: number): number {
    if ((this.prot[a >>> PAGE_SHIFT] & PROT_READ) === 0) this.readFault(a);
    return this.u8[a];
  }

  read16(a: number): number {
    if ((a & PAGE_MASK) > PAGE_SIZE - 2 || (this.prot[a >>> PAGE_SHIFT] & PROT_READ) === 0) this.checkRead(a, 2);
    return this.dv.getUint16(a, true);
  }

  read32(a: number): number {
    if ((a & PAGE_MASK) > PAGE_SIZE - 4 || (this.prot[a >>> PAGE_SHIFT] & PROT_READ) === 0) this.checkRead(a, 4);
    return this.dv.getInt32(a, true);
  }

  /** Returns the low 32 bits (int32); the high 32 bits are left in `this.hi`. */
  read64(a: number): number {
    if ((a & PAGE_MASK) > PAGE_SIZE - 8 || (this.prot[a >>> PAGE_SHIFT] & PROT_READ) === 0) this.checkRead(a, 8);
    this.hi = this.dv.getInt32(a + 4, true);
    return this.dv.getInt32(a, true);
  }

  /** Reads `len` bytes after checking every page; the copy is independent of guest memory. */
  readBytes(a: number, len: number): Uint8Array {
    if (len > 0) this.checkRead(a, len);
    return this.u8.slice(a, a + len);
  }

  /** Zero-copy view after checking read permission (valid until the next guest store). */
  view(a: number, len: number): Uint8Array {
    if (len > 0) this.checkRead(a, len);
    return this.u8.subarray(a, a + len);
  }

  // ---------------------------------------------------------------- writes

  write8(a: number, v: number): void {
    if ((this.prot[a >>> PAGE_SHIFT] & (PROT_WRITE | PAGE_CODE)) !== PROT_WRITE) this.checkWrite(a, 1);
    this.u8[a] = v;
  }

  write16(a: number, v: number): void {
    if ((a & PAGE_MASK) > PAGE_SIZE - 2 || (this.prot[a >>> PAGE_SHIFT] & (PROT_WRITE | PAGE_CODE)) !== PROT_WRITE) {
      this.checkWrite(a, 2);
    }
    this.dv.setUint16(a, v, true);
  }

  write32(a: number, v: number): void {
    if ((a & PAGE_MASK) > PAGE_SIZE - 4 || (this.prot[a >>> PAGE_SHIFT] & (PROT_WRITE | PAGE_CODE)) !== PROT_WRITE) {
      this.checkWrite(a, 4);
    }
    this.dv.setInt32(a, v, true);
  }

  write64(a: number, lo: number, hi: number): void {
    if ((a & PAGE_MASK) > PAGE_SIZE - 8 || (this.prot[a >>> PAGE_SHIFT] & (PROT_WRITE | PAGE_CODE)) !== PROT_WRITE) {
      this.checkWrite(a, 8);
    }
    this.dv.setInt32(a, lo, true);
    this.dv.setInt32(a + 4, hi, true);
  }

  writeBytes(a: number, data: Uint8Array): void {
    if (data.length === 0) return;
    this.checkWrite(a, data.length);
    this.u8.set(data, a);
  }

  fill(a: number, len: number, value: number): void {
    if (len === 0) return;
    this.checkWrite(a, len);
    this.u8.fill(value, a, a + len);
  }

  // ---------------------------------------------------------------- checks (slow paths)

  /** Throws MemoryFault unless [a, a+len) is readable. */
  checkRead(a: number, len: number): void {
    this.checkPages(a, len, PROT_READ, false, false);
  }

  /** Throws MemoryFault unless [a, a+len) is writable; notifies code-page listeners. */
  checkWrite(a: number, len: number): void {
    this.checkPages(a, len, PROT_WRITE, true, false);
    const first = a >>> PAGE_SHIFT;
    const last = (a + len - 1) >>> PAGE_SHIFT;
    for (let p = first; p <= last; p++) {
      if (this.prot[p] & PAGE_CODE) {
        this.prot[p] &= ~PAGE_CODE;
        this.codeWritten = true;
        this.onCodeWrite(p);
      }
    }
  }

  /** Throws unless every page of [a, a+len) is executable (instruction fetch). */
  checkExec(a: number, len: number): void {
    this.checkPages(a, len, PROT_EXEC, false, true);
  }

  /**
   * Throws the MemoryFault of the first byte of [a, a+len) whose page lacks `bit`, in address
   * order as the CPU faults: pages inside the window first, then the window's end (an access
   * from the last page across 2^32 faults at its own address, the guard page, not at 2^32).
   */
  private checkPages(a: number, len: number, bit: number, write: boolean, exec: boolean): void {
    if (a < 0 || a >= WINDOW_SIZE) throw new MemoryFault(Math.max(a, WINDOW_SIZE), write, false, exec);
    const first = a >>> PAGE_SHIFT;
    const last = (Math.min(a + len, WINDOW_SIZE) - 1) >>> PAGE_SHIFT;
    for (let p = first; p <= last; p++) {
      const pr = this.prot[p];
      if ((pr & bit) === 0) throw new MemoryFault(p === first ? a : p << PAGE_SHIFT >>> 0, write, (pr & PAGE_MAPPED) !== 0, exec);
    }
    if (a + len > WINDOW_SIZE) throw new MemoryFault(WINDOW_SIZE, write, false, exec);
  }

  private readFault(a: number): never {
    throw new MemoryFault(a, false, (this.prot[a >>> PAGE_SHIFT] & PAGE_MAPPED) !== 0);
  }

  // ---------------------------------------------------------------- host-side helpers (kernel, loader)

  /** Reads a NUL-terminated string (at most `max` bytes) as UTF-8/latin1 bytes; faults like the kernel's EFAULT path. */
  readCString(a: number, max = 4096): Uint8Array {
    const out: number[] = [];
    for (let i = 0; i < max; i++) {
      const b = this.read8(a + i);
      if (b === 0) return Uint8Array.from(out);
      out.push(b);
    }
    throw new RangeError('string too long');
  }

  /** Sets protection bits for whole pages [a, a+len); keeps PAGE_CODE only if still executable. */
  setProt(a: number, len: number, prot: number): void {
    const first = a >>> PAGE_SHIFT;
    const last = (a + len - 1) >>> PAGE_SHIFT;
    for (let p = first; p <= last; p++) {
      const old = this.prot[p];
      const keepCode = (old & PAGE_CODE) !== 0 && (prot & PROT_EXEC) !== 0 ? PAGE_CODE : 0;
      if ((old & PAGE_CODE) && !keepCode) { this.codeWritten = true; this.onCodeWrite(p); }
      this.prot[p] = (prot & 7) | PAGE_MAPPED | keepCode;
      this.everMapped[p >>> 8] = 1;
    }
  }

  /** Removes pages from the address space (unmapped: any access faults with SEGV_MAPERR). */
  unmapPages(a: number, len: number): void {
    this.unmapRange(a, len, null);
  }

  /** unmapPages, with the byte ranges to zero appended to `dirty` instead of zeroed (non-null). */
  private unmapRange(a: number, len: number, dirty: number[] | null): void {
    const first = a >>> PAGE_SHIFT;
    const last = (a + len - 1) >>> PAGE_SHIFT;
    // Only pages that were mapped can hold data (stores fault elsewhere), so only they are
    // zeroed, in runs: mmap unmaps its range first, and zeroing a fresh 8 MiB stack or heap
    // reservation cost milliseconds and made the host commit memory the guest never touched.
    let run = -1;
    for (let p = first; p <= last + 1; p++) {
      const mapped = p <= last && this.prot[p] !== 0;
      if (mapped) {
        if (this.prot[p] & PAGE_CODE) { this.codeWritten = true; this.onCodeWrite(p); }
        this.prot[p] = 0;
        if (run < 0) run = p;
      } else if (run >= 0) {
        if (dirty === null) this.u8.fill(0, run * PAGE_SIZE, p * PAGE_SIZE);
        else dirty.push(run * PAGE_SIZE, p * PAGE_SIZE);
        run = -1;
      }
    }
  }

  /**
   * Ends this address space and keeps its 4 GiB buffer for the next Memory (run() calls this
   * when a run ended with nothing still in flight that could write guest memory). Every page
   * becomes unmapped in place, so code that still holds this Memory or its views (a compiled
   * region's `P`) faults instead of touching the buffer's next owner, and every page that was
   * mapped is zeroed by the Memory that takes the window (SPARE_WINDOWS), so the next guest sees
   * only zeros, as in a fresh buffer. Why reuse: every new 4 GiB ArrayBuffer counts as external
   * memory, and V8 answered each with a full mark-compact ("external memory pressure", ~20 ms),
   * a third of a short run's time.
   */
  release(): void {
    if (this.released) return; // a second push would hand one buffer to two address spaces
    this.released = true;
    const dirty: number[] = [];
    for (let k = 0; k < this.everMapped.length; k++) {
      if (this.everMapped[k] !== 0) this.unmapRange(k * 256 * PAGE_SIZE, 256 * PAGE_SIZE, dirty);
    }
    if (SPARE_WINDOWS.length < MAX_SPARE_WINDOWS) SPARE_WINDOWS.push({ buffer: this.buffer, dirty });
  }

  /** Marks a page as holding decoded code so that stores to it invalidate. */
  markCode(page: number): void {
    this.prot[page] |= PAGE_CODE;
  }
}
