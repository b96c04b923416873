/**
 * Pins x64run's rt_sigframe (src/kernel/signal.ts FRAME, SIGCONTEXT_REGS, frameLayout...) to the
 * layout measured natively by corpus/src/sig-layout.c, whose golden output
 * (corpus/golden/sig-layout-glibc.json, recorded on x86-64 Linux) lists the C library's offsets
 * (ucontext_t, mcontext_t gregs REG_*, stack_t, siginfo_t, the FXSAVE area) and what a handler
 * sees at entry (rsp % 16, ucontext - rsp, siginfo - ucontext, fpregs - siginfo...). Any drift
 * between the constants and the native ABI fails here, before a guest's handler reads garbage.
 *
 * The last tests build a real frame with deliverOne on a bare thread and read it back through
 * the native offsets, then change it like a handler would and check what rt_sigreturn restores.
 */
import { describe, it, expect } from 'vitest';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  FRAME, SIGCONTEXT_REGS, GREG_RIP, GREG_EFL, CSGSFS, UC_FLAGS, FP_STATE_SIZE, frameLayout, deliverOne, sigreturn,
  sigbit, SIGUSR1, SA_SIGINFO, SA_RESTORER, SI_TKILL, encodeSiginfo,
} from '../../src/kernel/signal.js';
import { Process } from '../../src/kernel/process.js';
import { R8, R9, R10, R11, R12, R13, R14, R15, RDI, RSI, RBP, RBX, RDX, RAX, RCX, RSP } from '../../src/cpu/state.js';
import { PROT_READ, PROT_WRITE } from '../../src/memory/memory.js';
import { getRflags } from '../../src/cpu/flags.js';

const golden = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../corpus/golden/sig-layout-glibc.json'), 'utf8')) as { stdout: string };
const values = new Map<string, string>();
for (const line of golden.stdout.split('\n')) {
  const k = line.indexOf(' = ');
  if (k > 0) values.set(line.slice(0, k), line.slice(k + 3));
}
/** A value of the native run, as a number. */
function g(name: string): number {
  const v = values.get(name);
  if (v === undefined) throw new Error(`sig-layout golden has no line "${name}"`);
  return Number(v);
}

/** The ucontext starts after pretcode: offsets in the libc's ucontext_t are frame offsets minus this. */
const UC = FRAME.ucFlags;
const REGS: Record<string, number> = {
  REG_R8: R8, REG_R9: R9, REG_R10: R10, REG_R11: R11, REG_R12: R12, REG_R13: R13, REG_R14: R14, REG_R15: R15,
  REG_RDI: RDI, REG_RSI: RSI, REG_RBP: RBP, REG_RBX: RBX, REG_RDX: RDX, REG_RAX: RAX, REG_RCX: RCX, REG_RSP: RSP,
};
const gregOff = (reg: string) => g('offsetof(ucontext_t, uc_mcontext.gregs)') + 8 * g(`gregs[${reg}]`);

describe('rt_sigframe constants match the native layout (sig-layout-glibc)', () => {
  it('ucontext_t and stack_t', () => {
    expect(g('offsetof(ucontext_t, uc_flags)')).toBe(FRAME.ucFlags - UC);
    expect(g('offsetof(ucontext_t, uc_link)')).toBe(FRAME.ucLink - UC);
    expect(g('offsetof(ucontext_t, uc_stack)')).toBe(FRAME.ucStack - UC);
    expect(g('offsetof(ucontext_t, uc_stack.ss_sp)')).toBe(FRAME.ucStack - UC + g('offsetof(stack_t, ss_sp)'));
    expect(g('offsetof(ucontext_t, uc_stack.ss_flags)')).toBe(FRAME.ucStack - UC + 8);
    expect(g('offsetof(ucontext_t, uc_stack.ss_size)')).toBe(FRAME.ucStack - UC + 16);
    expect(g('sizeof(stack_t)')).toBe(24);
    expect(g('offsetof(ucontext_t, uc_mcontext)')).toBe(FRAME.sigcontext - UC);
    expect(g('offsetof(ucontext_t, uc_mcontext.gregs)')).toBe(FRAME.sigcontext - UC);
    expect(g('offsetof(ucontext_t, uc_mcontext.fpregs)')).toBe(FRAME.fpstate - UC);
    expect(g('offsetof(ucontext_t, uc_sigmask)')).toBe(FRAME.ucSigmask - UC);
    // The kernel's sigcontext (mcontext_t) fills the space up to uc_sigmask.
    expect(g('sizeof(mcontext_t)')).toBe(FRAME.ucSigmask - FRAME.sigcontext);
  });

  it('gregs: the order of the general registers and the fields after them', () => {
    for (const [name, reg] of Object.entries(REGS)) expect(SIGCONTEXT_REGS[g(`gregs[${name}]`)], name).toBe(reg);
    expect(g('gregs[REG_RIP]')).toBe(GREG_RIP);
    expect(g('gregs[REG_EFL]')).toBe(GREG_EFL);
    expect(FRAME.sigcontext - UC + 8 * g('gregs[REG_CSGSFS]')).toBe(FRAME.csgsfsss - UC);
    expect(FRAME.sigcontext - UC + 8 * g('gregs[REG_ERR]')).toBe(FRAME.err - UC);
    expect(FRAME.sigcontext - UC + 8 * g('gregs[REG_TRAPNO]')).toBe(FRAME.trapno - UC);
    expect(FRAME.sigcontext - UC + 8 * g('gregs[REG_OLDMASK]')).toBe(FRAME.oldmask - UC);
    expect(FRAME.sigcontext - UC + 8 * g('gregs[REG_CR2]')).toBe(FRAME.cr2 - UC);
    expect(g('offsetof(ucontext_t, uc_mcontext.fpregs)')).toBe(gregOff('REG_CR2') + 8);
  });

  it('siginfo_t', () => {
    expect(g('sizeof(siginfo_t)')).toBe(FRAME.size - FRAME.siginfo);
    const b = encodeSiginfo({ signo: 10, errno: 3, code: -1, pid: 0x1234, uid: 0x5678, value: 0x9abcdefn });
    const dv = new DataView(b.buffer);
    expect(b.length).toBe(g('sizeof(siginfo_t)'));
    expect(dv.getInt32(g('offsetof(siginfo_t, si_signo)'), true)).toBe(10);
    expect(dv.getInt32(g('offsetof(siginfo_t, si_errno)'), true)).toBe(3);
    expect(dv.getInt32(g('offsetof(siginfo_t, si_code)'), true)).toBe(-1);
    expect(dv.getInt32(g('offsetof(siginfo_t, si_pid)'), true)).toBe(0x1234);
    expect(dv.getInt32(g('offsetof(siginfo_t, si_uid)'), true)).toBe(0x5678);
    expect(dv.getBigUint64(g('offsetof(siginfo_t, si_value)'), true)).toBe(0x9abcdefn);
    const f = new DataView(encodeSiginfo({ signo: 11, errno: 0, code: 1, addr: 0xdead000 }).buffer);
    expect(f.getBigUint64(g('offsetof(siginfo_t, si_addr)'), true)).toBe(0xdead000n);
  });

  it('the FP state is an FXSAVE image', () => {
    expect(g('fpstate: sizeof')).toBe(FP_STATE_SIZE);
  });

  it('handler entry: alignment and distances between the pieces', () => {
    expect(g('handler: ucontext - entry rsp')).toBe(FRAME.ucFlags);
    expect(g('handler: siginfo - ucontext')).toBe(FRAME.siginfo - FRAME.ucFlags);
    expect(g('handler: uc_flags & ~UC_FP_XSTATE')).toBe(UC_FLAGS);
    expect(BigInt(values.get('handler: gregs[REG_CSGSFS]')!)).toBe(CSGSFS);
    for (let sp = 0x7fff0000; sp > 0x7fff0000 - 200; sp -= 8) {
      const { fpstate, frame } = frameLayout(sp);
      expect(frame % 16).toBe(g('handler: entry rsp % 16'));
      expect(fpstate % 64).toBe(g('handler: fpregs % 64'));
      expect(fpstate - (frame + FRAME.siginfo)).toBe(g('handler: fpregs - siginfo'));
      expect(sp - fpstate).toBeGreaterThanOrEqual(FP_STATE_SIZE);
    }
  });
});

/** A thread of a bare process with a stack, a SIGUSR1 handler and a pending SIGUSR1 from tkill. */
function threadWithPendingSignal() {
  const p = new Process(1000, 1);
  const top = 0x40000000;
  p.as.map(top - 0x10000, 0x10000, PROT_READ | PROT_WRITE, '[stack]');
  const t = p.newThread(1000, 'sigframe');
  const c = t.cpu;
  Object.values(REGS).forEach((r, k) => c.set64(r, 0x0101010101010101n * BigInt(k + 1)));
  c.setNum(RSP, top - 0x1000 + 8);
  c.rip = 0x401234;
  c.mxcsr = 0x7f80;
  p.signals.actions[SIGUSR1] = { handler: 0x402000, flags: SA_SIGINFO | SA_RESTORER, restorer: 0x403000, mask: 0n };
  t.signals.mask = sigbit(12);
  t.signals.pending |= sigbit(SIGUSR1);
  t.signals.info.set(SIGUSR1, [{ signo: SIGUSR1, errno: 0, code: SI_TKILL, pid: 1000, uid: 0 }]);
  return { p, t, c, before: new Map(Object.values(REGS).map((r) => [r, c.get64(r)])) };
}

describe('a frame built by x64run reads back through the native offsets', () => {
  it('deliverOne', () => {
    const { t, c, before } = threadWithPendingSignal();
    const oldRsp = c.getNum(RSP);
    expect(deliverOne(t, null)).toEqual({ handled: true });
    const mem = c.mem;
    const u64 = (a: number) => { const b = mem.readBytes(a, 8); return new DataView(b.buffer, b.byteOffset).getBigUint64(0, true); };
    const i32 = (a: number) => { const b = mem.readBytes(a, 4); return new DataView(b.buffer, b.byteOffset).getInt32(0, true); };
    const rsp = c.getNum(RSP), info = c.getNum(RSI), uc = c.getNum(RDX);
    expect(c.rip).toBe(0x402000);
    expect(c.getNum(RDI)).toBe(SIGUSR1);
    expect(c.getNum(RAX)).toBe(0);
    expect(rsp % 16).toBe(g('handler: entry rsp % 16'));
    expect(uc - rsp).toBe(g('handler: ucontext - entry rsp'));
    expect(info - uc).toBe(g('handler: siginfo - ucontext'));
    expect(u64(rsp)).toBe(0x403000n); // pretcode = sa_restorer
    for (const [name, reg] of Object.entries(REGS)) {
      const want = reg === RSP ? BigInt(oldRsp) : before.get(reg)!;
      expect(u64(uc + gregOff(name)), name).toBe(want);
    }
    expect(u64(uc + gregOff('REG_RIP'))).toBe(0x401234n);
    expect(u64(uc + gregOff('REG_CSGSFS'))).toBe(CSGSFS);
    expect(u64(uc + gregOff('REG_OLDMASK'))).toBe(sigbit(12));
    expect(u64(uc + g('offsetof(ucontext_t, uc_sigmask)'))).toBe(sigbit(12));
    expect(i32(uc + g('offsetof(ucontext_t, uc_flags)'))).toBe(UC_FLAGS);
    const fpregs = Number(u64(uc + g('offsetof(ucontext_t, uc_mcontext.fpregs)')));
    expect(fpregs - info).toBe(g('handler: fpregs - siginfo'));
    expect(i32(fpregs + g('fpstate: offsetof mxcsr'))).toBe(0x7f80);
    expect(oldRsp - fpregs >= 128 + 512).toBe(g('handler: interrupted rsp - fpregs >= 128 + 512') === 1);
    expect(i32(info + g('offsetof(siginfo_t, si_signo)'))).toBe(SIGUSR1);
    expect(i32(info + g('offsetof(siginfo_t, si_code)'))).toBe(SI_TKILL);
    expect(i32(info + g('offsetof(siginfo_t, si_pid)'))).toBe(1000);
    // The handler runs with its signal blocked, and a clean MXCSR (native: "own mxcsr 0x1f80").
    expect(t.signals.mask).toBe(sigbit(12) | sigbit(SIGUSR1));
    expect(c.mxcsr).toBe(0x1f80);
  });

  it('rt_sigreturn restores the (edited) context', () => {
    const { t, c } = threadWithPendingSignal();
    deliverOne(t, null);
    const uc = c.getNum(RDX);
    const w64 = (a: number, v: bigint) => { const b = new Uint8Array(8); new DataView(b.buffer).setBigUint64(0, v, true); c.mem.writeBytes(a, b); };
    w64(uc + gregOff('REG_RBX'), 0x5151515151515151n);
    w64(uc + gregOff('REG_RIP'), 0x401300n);
    w64(uc + gregOff('REG_EFL'), 0x203n); // CF set
    w64(uc + g('offsetof(ucontext_t, uc_sigmask)'), sigbit(2));
    const fpregs = Number(new DataView(c.mem.readBytes(uc + g('offsetof(ucontext_t, uc_mcontext.fpregs)'), 8).buffer).getBigUint64(0, true));
    const m = new Uint8Array(4);
    new DataView(m.buffer).setUint32(0, 0x3f80, true);
    c.mem.writeBytes(fpregs + g('fpstate: offsetof mxcsr'), m);
    // The handler's `ret` pops pretcode; __restore_rt then calls rt_sigreturn with rsp = frame + 8.
    c.setNum(RSP, c.getNum(RSP) + 8);
    sigreturn(t);
    expect(c.get64(RBX)).toBe(0x5151515151515151n);
    expect(c.get64(R12)).toBe(0x0101010101010101n * 5n);
    expect(c.rip).toBe(0x401300);
    expect(getRflags(c) & 1).toBe(1);
    expect(c.mxcsr).toBe(0x3f80);
    expect(t.signals.mask).toBe(sigbit(2));
    expect(c.getNum(RSP)).toBe(0x40000000 - 0x1000 + 8);
  });
});
