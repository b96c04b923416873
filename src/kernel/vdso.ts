/**
 * Maps the vDSO (src/elf/vdso.ts) into a process and serves its entry points natively: a call
 * to __vdso_clock_gettime runs the clock_gettime handler of the syscall table directly inside
 * the engine (no exit to the scheduler, no trace line, like the real vDSO under strace), then
 * returns to the caller. The image's own code (`mov $nr,%eax; syscall; ret`) is what runs if
 * something jumps into the middle of an entry.
 */
import { buildVdso, type VdsoImage } from '../elf/vdso.js';
import { PROT_READ, PROT_EXEC } from '../memory/memory.js';
import { SYSCALLS, SyscallError, decodeArg } from './syscall-table.js';
import type { Process } from './process.js';
import type { Thread } from './thread.js';
import { RAX, RDI, RSI, RDX } from '../cpu/state.js';
import { pop64 } from '../cpu/stack.js';
import { setResult } from './kernel.js';

/** Where the vDSO page lives: right above the stack, below the window's last (guard) page. */
export const VDSO_BASE = 0xffffe000;

let image: VdsoImage | null = null;
export function vdsoImage(): VdsoImage {
  return (image ??= buildVdso());
}

export function mapVdso(proc: Process): number {
  const img = vdsoImage();
  const as = proc.as;
  as.map(VDSO_BASE, img.bytes.length, PROT_READ | PROT_EXEC, '[vdso]');
  as.mem.u8.set(img.bytes, VDSO_BASE);
  for (const sym of img.symbols) {
    const def = SYSCALLS[sym.nr];
    if (!def) continue;
    const argRegs = [RDI, RSI, RDX];
    proc.cache.natives.set(VDSO_BASE + sym.offset, (c) => {
      const t = c.owner as Thread;
      const regs = c.regs;
      const args = argRegs.map((r, k) => decodeArg(def.args[k]?.type ?? 'ulong', regs[2 * r], regs[2 * r + 1]));
      let r: number;
      try {
        const v = def.handler(t, args[0], args[1], args[2]);
        if (typeof v !== 'number') throw new Error(`vDSO handler ${def.name} blocked`);
        r = v;
      } catch (e) {
        if (!(e instanceof SyscallError)) throw e;
        r = -e.errno;
      }
      setResult(t, r);
      const k = t.process.kernel;
      k.vdsoCalls.set(def.name, (k.vdsoCalls.get(def.name) ?? 0) + 1);
      // ret
      const lo = pop64(c);
      c.rip = c.hi === 0 ? lo >>> 0 : (c.hi >>> 0) * 4294967296 + (lo >>> 0);
      void RAX;
    });
  }
  return VDSO_BASE;
}
