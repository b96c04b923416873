/**
 * iced-wasm-memory.ts: iced's WebAssembly memory must never be detached (V8's
 * ArrayBufferDetaching protector), and the rewritten module must see the memory it would have
 * seen without the rewrite.
 */
import { describe, it, expect } from 'vitest';
import { createRequire } from 'node:module';
import { keepMemoryAttached } from '../../src/cpu/iced-wasm-memory.js';
import { Decoder, DecoderOptions } from '../../src/cpu/iced.js';

const leb = (v: number): number[] => { const o: number[] = []; do { let x = v & 0x7f; v >>>= 7; if (v) x |= 0x80; o.push(x); } while (v); return o; };
const section = (id: number, body: number[]): number[] => [id, ...leb(body.length), ...body];
const name = (s: string): number[] => [s.length, ...[...s].map((ch) => ch.charCodeAt(0))];
const body = (code: number[]): number[] => [...leb(code.length + 1), 0x00, ...code]; // no locals

/**
 * (memory 1) with grow(d) = memory.grow(d) and size() = memory.size. size() first runs an
 * f32.const whose immediate holds the bytes 40 00 (memory.grow's), which must stay as it is.
 */
function tinyModule(extraCode: number[] = []): Uint8Array {
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [2, 0x60, 1, 0x7f, 1, 0x7f, 0x60, 0, 1, 0x7f]),
    ...section(3, [2, 0, 1]),
    ...section(5, [1, 0x00, 1]),
    ...section(7, [3, ...name('grow'), 0, 0, ...name('size'), 0, 1, ...name('mem'), 2, 0]),
    ...section(10, [2,
      ...body([0x20, 0x00, 0x40, 0x00, 0x0b]),
      ...body([...extraCode, 0x43, 0x00, 0x00, 0x40, 0x00, 0x1a, 0x3f, 0x00, 0x0b])]),
  ]);
}

interface Tiny { grow(d: number): number; size(): number; mem: WebAssembly.Memory }
const instantiate = (b: Uint8Array): Tiny => new WebAssembly.Instance(new WebAssembly.Module(b)).exports as unknown as Tiny;
const PAGE = 65536;

describe('keepMemoryAttached', () => {
  it('grows inside reserved pages without detaching, and answers like the original module', () => {
    const original = instantiate(tinyModule());
    const rewritten = instantiate(keepMemoryAttached(tinyModule(), 4));
    const buffer = rewritten.mem.buffer;
    expect(buffer.byteLength).toBe(4 * PAGE);
    const steps = (m: Tiny) => [m.size(), m.grow(1), m.size(), m.grow(2), m.size(), m.grow(0)];
    expect(steps(rewritten)).toEqual(steps(original)); // [1, 1, 2, 2, 4, 4]
    expect(rewritten.size()).toBe(4);
    expect(rewritten.mem.buffer).toBe(buffer); // still the same, attached ArrayBuffer
    expect(buffer.byteLength).toBe(4 * PAGE);
    // Past the reserve the memory really grows (and only then detaches).
    expect(rewritten.grow(3)).toBe(original.grow(3));
    expect(rewritten.size()).toBe(7);
    expect(rewritten.mem.buffer.byteLength).toBe(7 * PAGE);
    expect(buffer.byteLength).toBe(0);
  });

  it('returns a binary it does not fully understand unchanged', () => {
    const simd = tinyModule([0xfd, 0x0c, ...new Array(16).fill(0), 0x1a]); // v128.const; drop
    expect(keepMemoryAttached(simd, 4)).toBe(simd);
  });

  it("keeps iced's own memory attached while it decodes", () => {
    const iced = createRequire(import.meta.url)('iced-x86') as { __wasm: { memory: WebAssembly.Memory } };
    const buffer = iced.__wasm.memory.buffer;
    for (let k = 0; k < 200; k++) {
      const d = new Decoder(64, new Uint8Array(4096).fill(0x90), DecoderOptions.None);
      while (d.canDecode) d.decode().free();
      d.free();
    }
    expect(iced.__wasm.memory.buffer).toBe(buffer);
    expect(buffer.byteLength).toBeGreaterThan(0);
  });
});
