/**
 * The interpreter: runs pre-decoded blocks instruction by instruction.
 *
 * Invariant for precise faults: handlers perform every memory access before committing register
 * results, and `c.rip` is only set past an instruction once it completed; when a handler throws,
 * rip is the faulting instruction's address and the architectural state is as before it (rep
 * string instructions commit their per-iteration progress, as the CPU does).
 */
import { Cpu, Exit } from './state.js';
import type { CodeCache } from './code-cache.js';
import type { Block } from './decode.js';
import { MemoryFault } from '../memory/fault.js';
import { CpuException, SIGSEGV, SEGV_ACCERR, SEGV_MAPERR, X86_TRAP_PF, X86_TRAP_BP } from './exceptions.js';
import type { Insn } from './insn.js';
import { disassemble, hexBytes } from './decode-format.js';

/** Runs up to about `budget` instructions (whole blocks). Returns why it stopped. */
export function interpret(c: Cpu, cache: CodeCache, budget: number): Exit {
  c.exit = Exit.None;
  const limit = c.icount + budget;
  while (c.icount < limit) {
    let block;
    try {
      block = cache.get(c.rip);
    } catch (e) {
      return fault(c, e, null);
    }
    const x = runBlock(c, block);
    if (x !== Exit.None) return x;
  }
  return Exit.Budget;
}

/**
 * Interprets one block (stopping early if the block rewrites itself). Returns Exit.None to
 * continue at c.rip, or Exit.Syscall / Exit.Fault.
 */
export function runBlock(c: Cpu, block: Block): Exit {
  block.count++;
  c.blocks++;
  return runBlockFrom(c, block, 0);
}

/**
 * Interprets a block from its instruction `from` on: the whole block (runBlock), or the rest of
 * one whose compiled code handed an instruction back (jit/runtime.ts fpRetry). Stops early if
 * the block rewrites itself. (runBlock calling this measured the same as its own copy of the
 * loop: interpreter-only crc32 and sha256, alternated, 6 rounds.)
 */
export function runBlockFrom(c: Cpu, block: Block, from: number): Exit {
  const insns = block.insns;
  const n = insns.length;
  let k = from;
  try {
    for (; k < n - 1; k++) {
      const i = insns[k];
      i.exec(c, i);
      if (!block.valid) break; // the block rewrote itself: re-decode from the next instruction
    }
    if (k < n - 1) {
      c.rip = insns[k].next;
      c.icount += k + 1 - from;
      return Exit.None;
    }
    const last = insns[k];
    c.rip = last.next;
    last.exec(c, last);
  } catch (e) {
    c.icount += k - from;
    return fault(c, e, insns[k]);
  }
  c.icount += n - from;
  return c.exit;
}

/** Converts a thrown fault into Cpu.fault; anything else is an emulator bug and is rethrown with context. */
export function fault(c: Cpu, e: unknown, i: Insn | null): Exit {
  if (i) c.rip = i.addr;
  if (e instanceof MemoryFault) {
    c.fault = {
      signo: SIGSEGV,
      code: e.mapped ? SEGV_ACCERR : SEGV_MAPERR,
      addr: e.address,
      reason: e.message,
      trapno: X86_TRAP_PF,
      // Page-fault error code: bit0 = protection violation, bit1 = write, bit2 = user, bit4 = fetch.
      err: (e.mapped ? 1 : 0) | (e.write ? 2 : 0) | 4 | (e.exec ? 16 : 0),
    };
    c.exit = Exit.Fault;
    return Exit.Fault;
  }
  if (e instanceof CpuException) {
    if (e.trapno === X86_TRAP_BP && i) c.rip = i.next; // int3 is a trap: rip points after it
    c.fault = { signo: e.signo, code: e.code, addr: e.addr ?? c.rip, reason: e.message, trapno: e.trapno, err: 0 };
    c.exit = Exit.Fault;
    return Exit.Fault;
  }
  const where = i ? ` at 0x${i.addr.toString(16)}: ${disassemble(i.bytes, i.addr)} [${hexBytes(i.bytes)}]` : '';
  const err = new Error(`emulator error${where}: ${e instanceof Error ? e.message : String(e)}`);
  (err as Error & { cause?: unknown }).cause = e;
  throw err;
}
