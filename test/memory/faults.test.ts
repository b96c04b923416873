/**
 * Memory's fault addresses for accesses that run past the 4 GiB window's end: in address order,
 * as the CPU reports them (cr2 = the first byte it cannot access).
 */
import { describe, it, expect } from 'vitest';
import { Memory, PROT_READ, PROT_WRITE } from '../../src/memory/memory.js';
import { MemoryFault } from '../../src/memory/fault.js';

const faultOf = (f: () => void): MemoryFault => {
  try { f(); } catch (e) { if (e instanceof MemoryFault) return e; throw e; }
  throw new Error('no fault');
};

describe('accesses across the end of the window', () => {
  it('fault at their own address when the last page is unmapped (the guard page), not at 2^32', () => {
    const m = new Memory();
    expect(faultOf(() => m.read64(0xfffffffc)).address).toBe(0xfffffffc);
    expect(faultOf(() => m.write64(0xfffffffc, 1, 2)).address).toBe(0xfffffffc);
    expect(faultOf(() => m.checkExec(0xfffffffe, 4)).address).toBe(0xfffffffe);
    expect(faultOf(() => m.read64(0xfffffffc)).mapped).toBe(false);
  });
  it('fault at 2^32 when the last page is mapped', () => {
    const m = new Memory();
    m.setProt(0xfffff000, 0x1000, PROT_READ | PROT_WRITE);
    expect(faultOf(() => m.read64(0xfffffffc)).address).toBe(2 ** 32);
    expect(faultOf(() => m.write64(0xfffffffc, 1, 2)).address).toBe(2 ** 32);
  });
});
