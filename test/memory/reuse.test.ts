/**
 * Host-side reuse between runs: the guest window of an ended run goes to the next one
 * (Memory.release), and decoded blocks are shared by address and bytes (decode.ts). Neither may
 * let one run see another's data or stale code.
 */
import { describe, it, expect } from 'vitest';
import { Memory, PROT_READ, PROT_WRITE, PROT_EXEC } from '../../src/memory/memory.js';
import { MemoryFault } from '../../src/memory/fault.js';
import { decodeBlock } from '../../src/cpu/decode.js';
import { Mnemonic } from 'iced-x86';
import '../../src/cpu/instructions.js';

describe('guest window reuse', () => {
  it('a released window comes back zeroed, and the old Memory faults instead of reaching it', () => {
    const a = new Memory();
    a.setProt(0x10000, 0x3000, PROT_READ | PROT_WRITE);
    a.write32(0x10ffc, 0x11223344);
    a.write32(0x12000, 0x55667788);
    // Above 2 GiB, and a store across a 1 MiB boundary (release walks the window by 1 MiB).
    a.setProt(0xc01ff000, 0x2000, PROT_READ | PROT_WRITE);
    a.write32(0xc01ffffe, 0x7f7f7f7f);
    a.release();
    expect(() => a.read32(0x10ffc)).toThrow(MemoryFault);
    expect(() => a.write8(0x12000, 1)).toThrow(MemoryFault);
    a.release(); // a second release must not pool the buffer twice
    const b = new Memory();
    // Identity by `===`: a failing (or negated) toBe makes vitest deep-compare the two 4 GiB
    // buffers byte by byte to suggest toStrictEqual, which took 60 s.
    expect(b.buffer === a.buffer).toBe(true); // the pooled window
    expect(new Memory().buffer === b.buffer).toBe(false);
    b.setProt(0x10000, 0x3000, PROT_READ);
    expect(b.read32(0x10ffc)).toBe(0);
    expect(b.read32(0x12000)).toBe(0);
    b.setProt(0xc01ff000, 0x2000, PROT_READ);
    expect(b.read32(0xc01ffffe)).toBe(0);
    b.release();
  });
});

describe('shared decoded blocks', () => {
  it('are reused only while the bytes at the address are the same', () => {
    const m = new Memory();
    m.setProt(0x400000, 0x1000, PROT_READ | PROT_WRITE | PROT_EXEC);
    m.u8.set([0x48, 0x01, 0xd8, 0xc3], 0x400000); // add rax, rbx; ret
    const first = decodeBlock(m, 0x400000);
    const again = decodeBlock(m, 0x400000);
    expect(again).not.toBe(first); // a Block of its own (per-process state)...
    expect(again.insns).toBe(first.insns); // ...sharing the decoded instructions
    m.u8[0x400001] = 0x29; // sub rax, rbx
    const changed = decodeBlock(m, 0x400000);
    expect(changed.insns).not.toBe(first.insns);
    expect(changed.insns[0].mnemonic).toBe(Mnemonic.Sub);
    m.release();
  });
});
