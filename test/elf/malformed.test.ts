/**
 * Malformed executables get a typed ElfError naming the problem; never a host exception.
 * Each case mutates a real binary (corpus/bin/hello-nolibc) in one specific way.
 */
import { describe, it, expect } from 'vitest';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { run, ElfError } from '../../src/index.js';
import { parseElf, PT_LOAD, PT_INTERP } from '../../src/elf/elf.js';

const ROOT = path.resolve(__dirname, '../..');
const good = new Uint8Array(fs.readFileSync(path.join(ROOT, 'corpus/bin/hello-nolibc')));

function mutate(f: (b: Uint8Array, dv: DataView) => void | Uint8Array): Uint8Array {
  const b = good.slice();
  const r = f(b, new DataView(b.buffer));
  return r ?? b;
}

const phoff = Number(new DataView(good.buffer).getBigUint64(32, true));
const phnum = new DataView(good.buffer).getUint16(56, true);
function phdrIndex(type: number): number {
  const dv = new DataView(good.buffer);
  for (let k = 0; k < phnum; k++) if (dv.getUint32(phoff + k * 56, true) === type) return k;
  throw new Error('no such phdr');
}
const ph = (k: number) => phoff + k * 56;

async function expectElfError(bytes: Uint8Array, kind: string, message: RegExp) {
  let err: unknown;
  try {
    await run(bytes, ['bad'], {}, { onWarning: () => {} });
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(ElfError);
  expect((err as ElfError).kind).toBe(kind);
  expect((err as ElfError).message).toMatch(message);
}

describe('malformed ELF files give typed errors', () => {
  it('accepts the unmodified binary', () => {
    expect(parseElf(good).loads.length).toBeGreaterThan(0);
  });
  it('zero-length file', () => expectElfError(new Uint8Array(0), 'empty', /empty/));
  it('not an ELF file (text)', () => expectElfError(new TextEncoder().encode('#!/bin/sh\necho hi\n'), 'not-elf', /bad magic/));
  it('random bytes', async () => {
    // deterministic pseudo-random bytes
    let s = 12345;
    const b = new Uint8Array(4096).map(() => ((s = (s * 1103515245 + 12345) >>> 0) >>> 24));
    await expectElfError(b, 'not-elf', /not an ELF/);
  });
  it('random bytes behind a valid magic', async () => {
    let s = 777;
    const b = new Uint8Array(4096).map(() => ((s = (s * 1103515245 + 12345) >>> 0) >>> 24));
    b.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]);
    let err: unknown;
    try { await run(b, ['x'], {}, { onWarning: () => {} }); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(ElfError);
  });
  it('32-bit ELF', () => expectElfError(mutate((b) => { b[4] = 1; }), 'not-64-bit', /32-bit/));
  it('big-endian ELF', () => expectElfError(mutate((b) => { b[5] = 2; }), 'not-little-endian', /little-endian/));
  it('wrong machine (AArch64)', () => expectElfError(mutate((b, dv) => { dv.setUint16(18, 183, true); }), 'wrong-machine', /AArch64/));
  it('relocatable object', () => expectElfError(mutate((b, dv) => { dv.setUint16(16, 1, true); }), 'wrong-type', /relocatable/));
  it('truncated ELF header', () => expectElfError(good.slice(0, 40), 'truncated-header', /truncated ELF header/));
  it('truncated program headers', () => expectElfError(good.slice(0, phoff + 20), 'truncated-phdrs', /past the end/));
  it('wrong program header entry size', () => expectElfError(mutate((b, dv) => { dv.setUint16(54, 32, true); }), 'bad-phentsize', /entry size/));
  it('segment outside the file', () => expectElfError(mutate((b, dv) => {
    dv.setBigUint64(ph(phdrIndex(PT_LOAD)) + 32, BigInt(good.length * 4), true); // p_filesz
    dv.setBigUint64(ph(phdrIndex(PT_LOAD)) + 40, BigInt(good.length * 4), true); // p_memsz
  }), 'segment-outside-file', /past the end of the file/));
  it('overlapping segments', () => expectElfError(mutate((b, dv) => {
    // make the second PT_LOAD start inside the first one
    const loads: number[] = [];
    for (let k = 0; k < phnum; k++) if (dv.getUint32(ph(k), true) === PT_LOAD) loads.push(k);
    const first = ph(loads[0]);
    const v0 = dv.getBigUint64(first + 16, true);
    const second = ph(loads[1]);
    const off = dv.getBigUint64(second + 8, true);
    dv.setBigUint64(second + 16, v0 + (off % 4096n), true);
    dv.setBigUint64(second + 24, v0 + (off % 4096n), true);
  }), 'segments-overlap', /overlap/));
  it('p_filesz larger than p_memsz', () => expectElfError(mutate((b, dv) => {
    const p = ph(phdrIndex(PT_LOAD));
    dv.setBigUint64(p + 40, 1n, true);
  }), 'segment-bad-size', /p_filesz/));
  it('entry point outside executable segments', () => expectElfError(mutate((b, dv) => { dv.setBigUint64(24, 0x10n, true); }), 'bad-entry', /entry point/));
  it('PT_INTERP (dynamically linked)', () => expectElfError(mutate((b, dv) => {
    // turn the PT_NOTE header into a PT_INTERP pointing at a string inside the file
    for (let k = 0; k < phnum; k++) {
      if (dv.getUint32(ph(k), true) === 4 /* PT_NOTE */) {
        dv.setUint32(ph(k), PT_INTERP, true);
        const at = good.length - 32;
        b.set(new TextEncoder().encode('/lib64/ld-linux-x86-64.so.2\0'), at);
        dv.setBigUint64(ph(k) + 8, BigInt(at), true);
        dv.setBigUint64(ph(k) + 32, 28n, true);
        return;
      }
    }
    throw new Error('no PT_NOTE');
  }), 'dynamic-not-supported', /dynamically linked executables are not supported yet/));
  it('no program headers', () => expectElfError(mutate((b, dv) => { dv.setUint16(56, 0, true); }), 'no-load-segments', /no program headers/));
  it('every single-byte truncation of the headers gives an ElfError', async () => {
    for (let n = 1; n < phoff + phnum * 56; n += 7) {
      expect(() => parseElf(good.slice(0, n))).toThrow(ElfError);
    }
  });
});
