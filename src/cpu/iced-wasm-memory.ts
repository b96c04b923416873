/**
 * Keeps iced-x86's WebAssembly memory from ever being detached, so that V8's
 * ArrayBufferDetaching protector stays intact in our process.
 *
 * Why: growing a WebAssembly memory detaches its old ArrayBuffer, and the first detach in a
 * process invalidates that protector for good. From then on every typed-array and DataView
 * access in optimised code tests its buffer's "was detached" bit: the guest's memory, the
 * registers and the XMM lanes of every compiled region and of the interpreter (measured on a
 * loop shaped like memcpy's compiled code: 15-40% slower). iced's allocator (Rust, wasm32)
 * grows the memory on its first allocations (the first `new Decoder`: 22 -> 26 pages).
 *
 * How: a rewrite of iced's binary before it is compiled (iced.ts loads it through here).
 *   - The memory section's initial size becomes RESERVED_PAGES (pages are committed by the
 *     host only when touched).
 *   - A mutable global holds the size the module believes its memory has (its original
 *     initial size at first).
 *   - Every `memory.grow` becomes a call to an added function that grows that believed size
 *     inside the reserved pages (really growing the memory only past them), and every
 *     `memory.size` reads the global.
 * The module sees exactly the memory it would have had: its allocator is handed the same
 * fresh, zeroed pages at the same addresses. A binary this parser does not fully understand
 * (an opcode outside the MVP, bulk-memory and reference-types sets) is returned unchanged:
 * only speed is lost.
 *
 * Measured (concurrent A/B, 3 rounds, median ratio of run time with/without): sha256 0.80,
 * n-body 0.71, matmul 0.91, strhash 0.91, memops 0.93; sieve, crc32, qsort, bytecode and the
 * library workloads within noise (0.95-1.06). Start-up: ~13 ms for the rewrite.
 */

/**
 * Pages (64 KiB) the rewritten module's memory really starts with. iced's heap stayed at 26
 * pages in every corpus program tried (printf, libm, C++ exceptions, the CPU kernels).
 */
export const RESERVED_PAGES = 256;

class Unsupported extends Error {}

/** A cursor over the bytes of a WebAssembly binary. */
class Reader {
  constructor(readonly b: Uint8Array, public at: number) {}
  byte(): number {
    if (this.at >= this.b.length) throw new Unsupported('truncated');
    return this.b[this.at++];
  }
  /** Unsigned LEB128 (up to 2^53). */
  u32(): number {
    let v = 0, scale = 1;
    for (;;) {
      const x = this.byte();
      v += (x & 0x7f) * scale;
      scale *= 128;
      if ((x & 0x80) === 0) return v;
    }
  }
  /** Skips a signed or unsigned LEB128. */
  skipLeb(): void {
    while ((this.byte() & 0x80) !== 0);
  }
  skip(n: number): void {
    this.at += n;
  }
}

function leb(v: number): number[] {
  const out: number[] = [];
  do {
    let x = v % 128;
    v = Math.floor(v / 128);
    if (v > 0) x |= 0x80;
    out.push(x);
  } while (v > 0);
  return out;
}

/** Bytes collected as pieces (slices of the original binary and small new arrays), joined once. */
class Bytes {
  readonly parts: (Uint8Array | number[])[] = [];
  length = 0;
  add(p: Uint8Array | number[]): this {
    this.parts.push(p);
    this.length += p.length;
    return this;
  }
  join(): Uint8Array {
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const p of this.parts) { out.set(p, at); at += p.length; }
    return out;
  }
}

const section = (id: number, body: Bytes): Bytes => new Bytes().add([id, ...leb(body.length)]).add(body.join());

/** A section: its id byte at `head`, its body at [start, end). */
interface Section { id: number; head: number; start: number; end: number }

function sections(b: Uint8Array): Section[] {
  const out: Section[] = [];
  const r = new Reader(b, 8);
  if (b.length < 8 || b[0] !== 0 || b[1] !== 0x61 || b[2] !== 0x73 || b[3] !== 0x6d || b[4] !== 1) throw new Unsupported('not a wasm 1 binary');
  while (r.at < b.length) {
    const head = r.at;
    const id = r.byte();
    const size = r.u32();
    out.push({ id, head, start: r.at, end: r.at + size });
    r.skip(size);
  }
  if (r.at !== b.length) throw new Unsupported('section overruns the binary');
  return out;
}

/** Imported functions and globals come first in their index spaces. */
function countImports(b: Uint8Array, s: Section | undefined): { funcs: number; globals: number } {
  let funcs = 0, globals = 0;
  if (!s) return { funcs, globals };
  const r = new Reader(b, s.start);
  for (let n = r.u32(); n > 0; n--) {
    r.skip(r.u32()); // module name
    r.skip(r.u32()); // field name
    const kind = r.byte();
    if (kind === 0) { r.u32(); funcs++; }
    else if (kind === 1) { r.byte(); limits(r); }
    else if (kind === 2) throw new Unsupported('imported memory');
    else if (kind === 3) { r.byte(); r.byte(); globals++; }
    else throw new Unsupported(`import kind ${kind}`);
  }
  return { funcs, globals };
}

function limits(r: Reader): { flags: number; min: number; max: number } {
  const flags = r.byte();
  if (flags !== 0 && flags !== 1) throw new Unsupported(`limits flags ${flags}`);
  const min = r.u32();
  return { flags, min, max: flags === 1 ? r.u32() : Infinity };
}

/** Count of the entries of a vec-shaped section (0 when absent). */
function count(b: Uint8Array, s: Section | undefined): number {
  return s ? new Reader(b, s.start).u32() : 0;
}

/** The body of a vec section with `extra` appended to its entries. */
function appendTo(b: Uint8Array, s: Section | undefined, extra: number[]): Bytes {
  if (!s) return new Bytes().add(leb(1)).add(extra);
  const r = new Reader(b, s.start);
  const n = r.u32();
  return new Bytes().add(leb(n + 1)).add(b.subarray(r.at, s.end)).add(extra);
}

/**
 * One function body with memory.grow replaced by `call grow` and memory.size by `global.get
 * size`. Walks every instruction (immediates included) so that only real opcodes are replaced.
 */
function rewriteBody(b: Uint8Array, start: number, end: number, grow: number, size: number): Bytes {
  const r = new Reader(b, start);
  for (let n = r.u32(); n > 0; n--) { r.u32(); r.byte(); } // locals
  const out = new Bytes();
  let copied = start;
  while (r.at < end) {
    const at = r.at;
    const op = r.byte();
    if (op === 0x3f || op === 0x40) { // memory.size, memory.grow (memory index byte 0)
      if (r.byte() !== 0) throw new Unsupported('multi-memory');
      out.add(b.subarray(copied, at)).add(op === 0x40 ? [0x10, ...leb(grow)] : [0x23, ...leb(size)]);
      copied = r.at;
      continue;
    }
    skipImmediates(r, op);
  }
  if (r.at !== end) throw new Unsupported('body overrun');
  return out.add(b.subarray(copied, end));
}

function skipImmediates(r: Reader, op: number): void {
  if (op <= 0x01 || op === 0x05 || op === 0x0b || op === 0x0f || op === 0x1a || op === 0x1b || op === 0xd1) return;
  if (op >= 0x45 && op <= 0xc4) return; // numeric operators
  if (op >= 0x02 && op <= 0x04) { // block, loop, if: block type (0x40, a value type, or a type index)
    const t = r.b[r.at];
    if (t === 0x40 || (t >= 0x6f && t <= 0x7f)) r.skip(1);
    else r.skipLeb();
    return;
  }
  if (op === 0x0c || op === 0x0d || op === 0x10 || op === 0xd2 || (op >= 0x20 && op <= 0x26)) { r.skipLeb(); return; }
  if (op === 0x0e) { for (let n = r.u32(); n >= 0; n--) r.skipLeb(); return; } // br_table: labels + default
  if (op === 0x11) { r.skipLeb(); r.skipLeb(); return; } // call_indirect: type, table
  if (op === 0x1c) { for (let n = r.u32(); n > 0; n--) r.byte(); return; } // typed select
  if (op >= 0x28 && op <= 0x3e) { r.skipLeb(); r.skipLeb(); return; } // loads/stores: memarg
  if (op === 0x41 || op === 0x42) { r.skipLeb(); return; }
  if (op === 0x43) { r.skip(4); return; }
  if (op === 0x44) { r.skip(8); return; }
  if (op === 0xd0) { r.byte(); return; } // ref.null
  if (op === 0xfc) {
    const sub = r.u32();
    if (sub <= 7) return; // saturating truncations
    if (sub === 8) { r.skipLeb(); if (r.byte() !== 0) throw new Unsupported('multi-memory'); return; } // memory.init
    if (sub === 10) { if (r.byte() !== 0 || r.byte() !== 0) throw new Unsupported('multi-memory'); return; } // memory.copy
    if (sub === 11) { if (r.byte() !== 0) throw new Unsupported('multi-memory'); return; } // memory.fill
    if (sub === 9 || sub === 13 || (sub >= 15 && sub <= 17)) { r.skipLeb(); return; }
    if (sub === 12 || sub === 14) { r.skipLeb(); r.skipLeb(); return; }
  }
  throw new Unsupported(`opcode 0x${op.toString(16)}`);
}

/** Offsets in [start, end) of the byte pairs 3f 00 and 40 00, ascending (a native search). */
function pairs(b: Uint8Array, start: number, end: number): number[] {
  const buf = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  const out: number[] = [];
  for (const pattern of [Buffer.from([0x3f, 0]), Buffer.from([0x40, 0])]) {
    for (let k = buf.indexOf(pattern, start); k >= 0 && k < end; k = buf.indexOf(pattern, k + 1)) out.push(k);
  }
  return out.sort((x, y) => x - y);
}

/**
 * The added function: grow(delta) -> old believed size, or -1.
 *   want = size + delta; if want > memory.size: if memory.grow(want - memory.size) == -1: return -1
 *   old = size; size = want; return old
 */
function growBody(size: number): number[] {
  const get = [0x23, ...leb(size)];
  const want = [0x20, 0x00, ...get, 0x6a]; // local.get 0; global.get size; i32.add
  const code = [
    ...want, 0x3f, 0x00, 0x4b, // want > memory.size (unsigned)
    0x04, 0x40, // if
    ...want, 0x3f, 0x00, 0x6b, 0x40, 0x00, // memory.grow(want - memory.size)
    0x41, 0x7f, 0x46, // == -1
    0x04, 0x40, 0x41, 0x7f, 0x0f, 0x0b, // if: return -1
    0x0b,
    ...get, // old
    ...want, 0x24, ...leb(size), // size = want
    0x0b,
  ];
  const locals = [0x00];
  return [...leb(locals.length + code.length), ...locals, ...code];
}

/** `wasm` rewritten as the module comment says, or unchanged if it cannot be. */
export function keepMemoryAttached(wasm: Uint8Array, reserved = RESERVED_PAGES): Uint8Array {
  try {
    return rewrite(wasm, reserved);
  } catch (e) {
    if (e instanceof Unsupported) return wasm;
    throw e;
  }
}

function rewrite(b: Uint8Array, reserved: number): Uint8Array {
  const secs = sections(b);
  const find = (id: number) => secs.find((s) => s.id === id);
  const types = find(1), imports = find(2), funcs = find(3), memory = find(5), globals = find(6), code = find(10);
  if (!memory || !funcs || !code || !types) throw new Unsupported('no memory or code');
  const mr = new Reader(b, memory.start);
  if (mr.u32() !== 1) throw new Unsupported('memory count');
  const lim = limits(mr);
  const real = Math.max(lim.min, Math.min(reserved, lim.max));
  if (real === lim.min) return b; // nothing to reserve

  const imported = countImports(b, imports);
  const typeIndex = count(b, types);
  const growIndex = imported.funcs + count(b, funcs);
  const sizeIndex = imported.globals + count(b, globals);

  const cr = new Reader(b, code.start);
  const n = cr.u32();
  const bodies = new Bytes().add(leb(n + 1));
  // Only bodies holding the bytes of memory.grow or memory.size (opcode, memory index 0) can
  // contain them: walking every instruction of iced's 780 KB took 58 ms of a process's start,
  // finding the byte pairs and walking the bodies that hold one 13 ms.
  const hits = pairs(b, code.start, code.end);
  let h = 0, unchanged = cr.at;
  for (let k = 0; k < n; k++) {
    const head = cr.at;
    const len = cr.u32();
    const end = cr.at + len;
    while (h < hits.length && hits[h] < cr.at) h++;
    if (h < hits.length && hits[h] < end) {
      bodies.add(b.subarray(unchanged, head));
      const body = rewriteBody(b, cr.at, end, growIndex, sizeIndex);
      bodies.add(leb(body.length)).add(body.join());
      unchanged = end;
    }
    cr.skip(len);
  }
  bodies.add(b.subarray(unchanged, code.end));
  bodies.add(growBody(sizeIndex));

  const replaced = new Map<number, Bytes>([
    [1, appendTo(b, types, [0x60, 1, 0x7f, 1, 0x7f])], // (i32) -> i32
    [3, appendTo(b, funcs, leb(typeIndex))],
    [5, new Bytes().add([1, lim.flags, ...leb(real), ...(lim.flags === 1 ? leb(lim.max) : [])])],
    [6, appendTo(b, globals, [0x7f, 0x01, 0x41, ...sleb(lim.min), 0x0b])], // mut i32 = original initial
    [10, bodies],
  ]);
  const out = new Bytes().add(b.subarray(0, 8));
  let globalsWritten = false;
  for (const s of secs) {
    // The global section goes after the memory section (and before exports) when it is new.
    if (!globals && !globalsWritten && s.id > 6) { out.add(section(6, replaced.get(6)!).join()); globalsWritten = true; }
    const body = replaced.get(s.id);
    out.add(body && s.id !== 0 ? section(s.id, body).join() : b.subarray(s.head, s.end));
  }
  if (!globals && !globalsWritten) out.add(section(6, replaced.get(6)!).join());
  return out.join();
}

function sleb(v: number): number[] {
  const out: number[] = [];
  for (;;) {
    const x = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (x & 0x40) === 0) || (v === -1 && (x & 0x40) !== 0)) { out.push(x); return out; }
    out.push(x | 0x80);
  }
}
