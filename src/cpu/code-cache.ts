/**
 * Decoded blocks by guest address, shared by every thread of an address space.
 *
 * Pages holding decoded code are marked PAGE_CODE in the memory's protection bytes; the first
 * store to such a page (or munmap/mprotect removing PROT_EXEC) calls `invalidatePage`, which
 * drops every block overlapping the page. Engines check `Block.valid` so a block that modifies
 * its own later instructions stops after the store.
 */
import { Block, decodeBlock } from './decode.js';
import { Insn } from './insn.js';
import type { Cpu } from './state.js';

/**
 * A guest address served by JavaScript instead of decoded code (the vDSO entry points): the
 * function performs the whole call, including the `ret` back to the caller.
 */
export type NativeEntry = (c: Cpu) => void;
/**
 * The registers a NativeEntry may read (rdx, rsp, rsi, rdi: its arguments and the return
 * address). Compiled code stores only these before calling one (codegen.ts emitNative); an
 * entry that read another register would see a stale value.
 */
export const NATIVE_ENTRY_READS: readonly number[] = [2, 4, 6, 7];
import type { Memory } from '../memory/memory.js';
import { PAGE_SHIFT } from '../memory/memory.js';

export class CodeCache {
  readonly blocks = new Map<number, Block>();
  private readonly byPage = new Map<number, Block[]>();
  /** Statistics. */
  blocksDecoded = 0;
  invalidations = 0;
  /** Listeners (the JIT) told about dropped blocks. */
  onInvalidate: ((b: Block) => void) | null = null;

  constructor(readonly mem: Memory) {
    mem.onCodeWrite = (page) => this.invalidatePage(page);
  }

  /** Addresses served natively (vDSO entries). */
  readonly natives = new Map<number, NativeEntry>();

  /** The block at `addr`, decoding it on first use (throws MemoryFault if not executable). */
  get(addr: number): Block {
    const b = this.blocks.get(addr);
    if (b !== undefined) return b;
    const native = this.natives.get(addr);
    if (native) return this.add(nativeBlock(this.mem, addr, native));
    return this.add(decodeBlock(this.mem, addr));
  }

  private add(b: Block): Block {
    this.blocksDecoded++;
    this.blocks.set(b.addr, b);
    const first = b.addr >>> PAGE_SHIFT;
    const last = (b.end - 1) >>> PAGE_SHIFT;
    for (let p = first; p <= last; p++) {
      this.mem.markCode(p);
      let list = this.byPage.get(p);
      if (!list) this.byPage.set(p, (list = []));
      list.push(b);
    }
    return b;
  }

  invalidatePage(page: number): void {
    const list = this.byPage.get(page);
    if (!list) return;
    this.byPage.delete(page);
    for (const b of list) {
      if (!b.valid) continue;
      b.valid = false;
      this.invalidations++;
      if (this.blocks.get(b.addr) === b) this.blocks.delete(b.addr);
      this.onInvalidate?.(b);
    }
  }

  /** Drops everything (execve). */
  clear(): void {
    for (const page of [...this.byPage.keys()]) this.invalidatePage(page);
  }
}

/** A one-instruction block whose handler is a native entry (never compiled by the JIT). */
function nativeBlock(mem: import('../memory/memory.js').Memory, addr: number, fn: NativeEntry): Block {
  mem.checkExec(addr, 1);
  const i = new Insn();
  i.addr = addr;
  i.len = 1;
  i.next = addr + 1;
  i.bytes = mem.u8.slice(addr, addr + 8);
  i.exec = (c) => fn(c);
  const b = new Block(addr, [i], addr + 1);
  b.noJit = true;
  b.native = true;
  return b;
}
