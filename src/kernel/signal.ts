/**
 * Signals (signal(7)): dispositions (shared by the threads of a process), per-thread masks and
 * pending sets, the process-wide pending set, delivery with the real x86-64 rt_sigframe, and
 * rt_sigreturn. Facts: ../shared/reference/linux-abi.md §6; arch/x86/kernel/signal.c.
 *
 * Signals are delivered when a thread is about to run again (after its syscall or fault, or at
 * the end of its time slice): "at block boundaries", as DESIGN asks.
 */
import type { Thread } from './thread.js';
import type { Process } from './process.js';
import { RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI, R8, R9, R10, R11, R12, R13, R14, R15 } from '../cpu/state.js';
import { getRflags, setRflags, DF, TF, AC } from '../cpu/flags.js';
import { fxsaveImage, fxrstorImage } from '../cpu/x87-env.js';
import { CORE_SIGNALS } from './signals.js';

export const SIGHUP = 1, SIGINT = 2, SIGQUIT = 3, SIGILL = 4, SIGTRAP = 5, SIGABRT = 6, SIGBUS = 7, SIGFPE = 8, SIGKILL = 9;
export const SIGUSR1 = 10, SIGSEGV = 11, SIGUSR2 = 12, SIGPIPE = 13, SIGALRM = 14, SIGTERM = 15, SIGCHLD = 17, SIGCONT = 18;
export const SIGSTOP = 19, SIGTSTP = 20, SIGTTIN = 21, SIGTTOU = 22, SIGURG = 23, SIGXCPU = 24, SIGXFSZ = 25, SIGVTALRM = 26;
export const SIGPROF = 27, SIGWINCH = 28, SIGIO = 29, SIGPWR = 30, SIGSYS = 31;
export const NSIG = 64;

export const SIG_DFL = 0, SIG_IGN = 1;
export const SA_NOCLDSTOP = 1, SA_NOCLDWAIT = 2, SA_SIGINFO = 4, SA_RESTORER = 0x04000000, SA_ONSTACK = 0x08000000;
export const SA_RESTART = 0x10000000, SA_NODEFER = 0x40000000, SA_RESETHAND = 0x80000000;

export const SI_USER = 0, SI_KERNEL = 0x80, SI_QUEUE = -1, SI_TIMER = -2, SI_TKILL = -6;

export const SS_ONSTACK = 1, SS_DISABLE = 2, SS_AUTODISARM = 0x80000000;
export const MINSIGSTKSZ = 2048;

/** Bit for signal n in a 64-bit mask. */
export const sigbit = (n: number): bigint => 1n << BigInt(n - 1);
/** SIGKILL and SIGSTOP can be neither blocked nor caught. */
export const UNBLOCKABLE = sigbit(SIGKILL) | sigbit(SIGSTOP);
/** Faults the CPU raises synchronously: dequeued before other signals (kernel/signal.c SYNCHRONOUS_MASK). */
const SYNCHRONOUS = sigbit(SIGSEGV) | sigbit(SIGBUS) | sigbit(SIGILL) | sigbit(SIGTRAP) | sigbit(SIGFPE) | sigbit(SIGSYS);

export interface SigAction {
  handler: number;
  flags: number;
  restorer: number;
  mask: bigint;
}

export interface SigInfo {
  signo: number;
  errno: number;
  code: number;
  /** For SIGSEGV/SIGBUS/SIGILL/SIGFPE/SIGTRAP: the address. */
  addr?: number;
  /** For kill/tkill/sigqueue: sender pid and uid; for timers: timer id and overrun. */
  pid?: number;
  uid?: number;
  /** sigqueue / timer value (sival_ptr). */
  value?: bigint;
  timerId?: number;
  overrun?: number;
  /** CPU-fault details for the signal frame (trapno, error code, cr2). */
  trapno?: number;
  err?: number;
}

export type DefaultAction = 'term' | 'core' | 'ign' | 'stop' | 'cont';

export function defaultAction(sig: number): DefaultAction {
  switch (sig) {
    case SIGCHLD: case SIGURG: case SIGWINCH: return 'ign';
    case SIGSTOP: case SIGTSTP: case SIGTTIN: case SIGTTOU: return 'stop';
    case SIGCONT: return 'cont';
  }
  if (sig >= 32) return 'term'; // real-time signals
  return CORE_SIGNALS.has(sig) ? 'core' : 'term';
}

/** Signal dispositions and the process-wide pending set. */
export class ProcessSignals {
  readonly actions: SigAction[] = Array.from({ length: NSIG + 1 }, () => ({ handler: SIG_DFL, flags: 0, restorer: 0, mask: 0n }));
  /** Pending for the whole process (kill). */
  pending = 0n;
  readonly info = new Map<number, SigInfo[]>();
  /** Where the round robin of sendToProcess continues (signal_struct curr_target). */
  nextTarget = 0;
}

/** Per-thread signal state. */
export class ThreadSignals {
  mask = 0n;
  pending = 0n;
  readonly info = new Map<number, SigInfo[]>();
  /**
   * The alternate signal stack as Linux keeps it (task_struct sas_ss_*): `altFlags` holds the
   * flags given to sigaltstack as they were (0, SS_ONSTACK, SS_AUTODISARM...), or SS_DISABLE
   * with sp = size = 0. The frame's uc_stack.ss_flags is this raw value.
   */
  altSp = 0;
  altSize = 0;
  altFlags = SS_DISABLE;
  /** rt_sigsuspend/ppoll: the mask to restore after the handler runs. */
  savedMask: bigint | null = null;
}

function queue(pending: { pending: bigint; info: Map<number, SigInfo[]> }, info: SigInfo): void {
  const sig = info.signo;
  const rt = sig >= 32;
  if (!rt && pending.pending & sigbit(sig)) return; // standard signals do not queue
  pending.pending |= sigbit(sig);
  const list = pending.info.get(sig) ?? [];
  list.push(info);
  pending.info.set(sig, list);
}

function dequeue(pending: { pending: bigint; info: Map<number, SigInfo[]> }, sig: number): SigInfo {
  const list = pending.info.get(sig) ?? [];
  const info = list.shift() ?? { signo: sig, errno: 0, code: SI_KERNEL };
  if (list.length === 0) {
    pending.info.delete(sig);
    pending.pending &= ~sigbit(sig);
  }
  return info;
}

/**
 * Is the signal ignored (explicitly, or by default)? Ignored signals are discarded when sent
 * (kernel/signal.c sig_task_ignored: SIG_KERNEL_IGNORE_MASK has SIGCONT, SIGCHLD, SIGWINCH and
 * SIGURG; SIGCONT's "continue" has nothing to resume in x64run).
 */
export function isIgnored(p: Process, sig: number): boolean {
  const a = p.signals.actions[sig];
  if (a.handler === SIG_IGN) return true;
  if (a.handler !== SIG_DFL) return false;
  const d = defaultAction(sig);
  return d === 'ign' || d === 'cont';
}

/** Sends a signal to one thread (tkill, faults, timers with SIGEV_THREAD_ID). */
export function sendToThread(t: Thread, info: SigInfo): void {
  if (isIgnored(t.process, info.signo) && info.signo !== SIGKILL) return;
  queue(t.signals, info);
  t.process.kernel.signalRaised(t);
}

/**
 * Sends a signal to a process (kill): it stays pending for the whole process, and one thread
 * that does not block it is woken to take it (kernel/signal.c complete_signal: the main thread
 * if it can, else the next thread round robin that has no signal pending already, else any
 * thread that does not block it). Waking only that thread matters: an interrupted blocking call
 * in a thread that then finds nothing to deliver would have to be restarted.
 */
export function sendToProcess(p: Process, info: SigInfo): void {
  const sig = info.signo;
  if (isIgnored(p, sig) && sig !== SIGKILL) return;
  queue(p.signals, info);
  const live = p.threads.filter((t) => !t.exited);
  if (live.length === 0) return;
  const wants = (t: Thread, strict: boolean) =>
    sig === SIGKILL || (!(t.signals.mask & sigbit(sig)) && (!strict || (t.signals.pending & ~t.signals.mask) === 0n));
  let target = wants(live[0], true) ? live[0] : undefined;
  if (!target) {
    const n = live.length;
    const start = p.signals.nextTarget % n;
    for (let k = 0; k < n && !target; k++) if (wants(live[(start + k) % n], true)) target = live[(start + k) % n];
    for (let k = 0; k < n && !target; k++) if (wants(live[(start + k) % n], false)) target = live[(start + k) % n];
    if (target) p.signals.nextTarget = (live.indexOf(target) + 1) % n;
  }
  if (sig === SIGKILL) {
    for (const t of live) p.kernel.signalRaised(t);
    return;
  }
  // Nobody can take it now: it stays pending until a thread unblocks it.
  if (target) p.kernel.signalRaised(target);
  else p.kernel.onSignal?.();
}

/** Lowest-numbered signal in `ready`, synchronous faults first (kernel/signal.c next_signal). */
function lowest(ready: bigint): number {
  const sync = ready & SYNCHRONOUS;
  const set = sync !== 0n ? sync : ready;
  for (let s = 1; s <= NSIG; s++) if (set & sigbit(s)) return s;
  return 0;
}

/**
 * Next deliverable signal for a thread, or 0: the thread's own pending set first, then the
 * process's (kernel/signal.c dequeue_signal), each synchronous faults first, then lowest number.
 */
export function nextSignal(t: Thread): number {
  const own = t.signals.pending & ~t.signals.mask;
  if (own !== 0n) return lowest(own);
  const shared = t.process.signals.pending & ~t.signals.mask;
  return shared !== 0n ? lowest(shared) : 0;
}

export function hasDeliverable(t: Thread): boolean {
  return ((t.signals.pending | t.process.signals.pending) & ~t.signals.mask) !== 0n;
}

export interface DeliveryResult {
  /** The process dies (default action term/core) with this signal. */
  kill?: { signal: number; core: boolean };
  /** A handler frame was set up. */
  handled?: boolean;
}

/**
 * A syscall a signal interrupted (arch/x86/kernel/signal.c handle_signal): `nr` is its number;
 * `sa` is true when it restarts under SA_RESTART (-ERESTARTSYS: read, write, wait4, futex
 * without a timeout...), false when a handler always makes it fail with EINTR (-ERESTARTNOHAND
 * and -ERESTART_RESTARTBLOCK: poll, select, nanosleep, pause, timed futex waits...). When no
 * handler runs, every interrupted call restarts (see restartSyscall).
 */
export interface Interrupted {
  nr: number;
  sa: boolean;
  /** Restarted after a handler in any case (-ERESTARTNOINTR). */
  always?: boolean;
}

/** Makes the thread execute its syscall again: back over the 2-byte `syscall`, rax = number. */
export function restartSyscall(t: Thread, nr: number): void {
  t.cpu.rip -= 2;
  t.cpu.regs[2 * RAX] = nr;
  t.cpu.regs[2 * RAX + 1] = 0;
}

/**
 * Delivers one pending signal to thread t: runs the default action or builds the handler frame.
 * `restartable` describes the syscall the thread was interrupted in, if any: a handler frame
 * saves it either restarted (SA_RESTART) or failed with EINTR.
 */
export function deliverOne(t: Thread, restartable: Interrupted | null): DeliveryResult | null {
  const sig = nextSignal(t);
  if (sig === 0) return null;
  const p = t.process;
  const info = t.signals.pending & sigbit(sig) ? dequeue(t.signals, sig) : dequeue(p.signals, sig);
  const act = p.signals.actions[sig];
  if (act.handler === SIG_IGN) return {};
  if (act.handler === SIG_DFL) {
    const d = defaultAction(sig);
    if (d === 'ign' || d === 'cont') return {};
    if (d === 'stop') {
      p.kernel.warnOnce('sigstop', `x64run: stop signals (${sig}) are ignored: a single emulated process cannot be stopped`);
      return {};
    }
    return { kill: { signal: sig, core: d === 'core' } };
  }
  if (restartable) {
    // An interrupted syscall: restart it after the handler under SA_RESTART, else -EINTR.
    if (restartable.always || (restartable.sa && act.flags & SA_RESTART)) {
      restartSyscall(t, restartable.nr);
    } else {
      t.cpu.regs[2 * RAX] = -4; // -EINTR
      t.cpu.regs[2 * RAX + 1] = -1;
    }
  }
  setupFrame(t, sig, info, act);
  return { handled: true };
}

// ------------------------------------------------------------------ the signal frame

/** Offsets in struct rt_sigframe (arch/x86/include/asm/sigframe.h), from the frame start. */
export const FRAME = {
  pretcode: 0,
  ucFlags: 8,
  ucLink: 16,
  ucStack: 24, // ss_sp +24, ss_flags +32, ss_size +40
  sigcontext: 48, // r8..r15, rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, eflags: 18 u64
  csgsfsss: 192,
  err: 200,
  trapno: 208,
  oldmask: 216,
  cr2: 224,
  fpstate: 232,
  reserved: 240,
  ucSigmask: 304,
  siginfo: 312,
  size: 440,
} as const;

/**
 * General registers in sigcontext order: gregs[0..15] (REG_R8 ... REG_RSP in <sys/ucontext.h>),
 * followed by rip (gregs[16]) and eflags (gregs[17]).
 */
export const SIGCONTEXT_REGS = [R8, R9, R10, R11, R12, R13, R14, R15, RDI, RSI, RBP, RBX, RDX, RAX, RCX, RSP];
export const GREG_RIP = 16, GREG_EFL = 17;

/** cs = 0x33 @+0, gs = fs = 0 @+2/+4, ss = 0x2b @+6: the 64-bit user selectors (gregs[REG_CSGSFS]). */
export const CSGSFS = 0x002b000000000033n;

/** uc_flags for an FXSAVE-format frame: UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS (reference §6). */
export const UC_FLAGS = 6;

/**
 * Is sp on the alternate stack (include/linux/sched/signal.h on_sig_stack)? Never with
 * SS_AUTODISARM: the stack is disarmed while in use, so a stack pointer near it is not "on" it.
 */
function onAltStack(t: Thread, sp: number): boolean {
  const s = t.signals;
  if (s.altFlags & SS_AUTODISARM) return false;
  return s.altSize > 0 && sp > s.altSp && sp - s.altSp <= s.altSize;
}

/** sas_ss_flags(sp): SS_DISABLE without a stack, else SS_ONSTACK when sp is on it, else 0. */
function sasSsFlags(t: Thread, sp: number): number {
  if (t.signals.altSize === 0) return SS_DISABLE;
  return onAltStack(t, sp) ? SS_ONSTACK : 0;
}

/** What sigaltstack reports as ss_flags: sas_ss_flags(rsp) plus the SS_AUTODISARM bit. */
export function altStackFlags(t: Thread): number {
  return (sasSsFlags(t, t.cpu.getNum(RSP)) | (t.signals.altFlags & SS_AUTODISARM)) >>> 0;
}

/** The current thread runs on its alternate stack (sigaltstack refuses changes: EPERM). */
export function onAlternateStack(t: Thread): boolean {
  return onAltStack(t, t.cpu.getNum(RSP));
}

/**
 * Sets the alternate stack like kernel/signal.c do_sigaltstack (no EPERM check: callers decide).
 * Returns 0 or -errno (EINVAL for an unknown mode, ENOMEM below MINSIGSTKSZ).
 */
export function setAltStack(t: Thread, sp: number, flags: number, size: number): number {
  const s = t.signals;
  const mode = (flags & ~SS_AUTODISARM) >>> 0;
  if (mode !== 0 && mode !== SS_DISABLE && mode !== SS_ONSTACK) return -22;
  if (mode === SS_DISABLE) {
    s.altSp = 0; s.altSize = 0; s.altFlags = SS_DISABLE;
    return 0;
  }
  if (size < MINSIGSTKSZ) return -12;
  s.altSp = sp; s.altSize = size; s.altFlags = flags >>> 0;
  return 0;
}

/**
 * Where a frame for a handler goes (arch/x86/kernel/signal.c get_sigframe): below the red zone,
 * or at the top of the alternate stack for SA_ONSTACK when not already on it; the FP state
 * 64-aligned below that, the rt_sigframe 16-aligned below the FP state minus 8 (so rsp % 16 is
 * 8 at handler entry, as after a call). Exported for test/kernel/sigframe.test.ts.
 */
export function frameLayout(sp: number, fpSize = FP_STATE_SIZE): { fpstate: number; frame: number } {
  const fpstate = Math.floor((sp - fpSize) / 64) * 64;
  const frame = Math.floor((fpstate - FRAME.size) / 16) * 16 - 8;
  return { fpstate, frame };
}

/** The FXSAVE image x64run puts in frames (no XSAVE header). */
export const FP_STATE_SIZE = 512;

function setupFrame(t: Thread, sig: number, info: SigInfo, act: SigAction): void {
  const c = t.cpu;
  const mem = c.mem;
  const rsp = c.getNum(RSP);
  const alt = t.signals;
  let sp = rsp - 128; // skip the red zone
  if (act.flags & SA_ONSTACK && sasSsFlags(t, sp) === 0) sp = alt.altSp + alt.altSize;
  const { fpstate, frame } = frameLayout(sp);
  const b = new Uint8Array(FRAME.size);
  const dv = new DataView(b.buffer);
  const u64 = (o: number, v: number | bigint) => dv.setBigUint64(o, BigInt.asUintN(64, BigInt(v)), true);
  u64(FRAME.pretcode, act.restorer);
  u64(FRAME.ucFlags, UC_FLAGS);
  u64(FRAME.ucLink, 0);
  // uc_stack is the thread's sigaltstack setting as it is (include/linux/signal.h __save_altstack).
  u64(FRAME.ucStack, alt.altSp);
  dv.setInt32(FRAME.ucStack + 8, alt.altFlags | 0, true);
  u64(FRAME.ucStack + 16, alt.altSize);
  SIGCONTEXT_REGS.forEach((r, k) => u64(FRAME.sigcontext + 8 * k, c.get64(r)));
  u64(FRAME.sigcontext + 8 * GREG_RIP, c.rip);
  u64(FRAME.sigcontext + 8 * GREG_EFL, getRflags(c));
  u64(FRAME.csgsfsss, CSGSFS);
  u64(FRAME.err, info.err ?? 0);
  u64(FRAME.trapno, info.trapno ?? 0);
  // The mask the handler returns to (sigmask_to_save: rt_sigsuspend's saved mask if it swapped one).
  const toSave = t.signals.savedMask ?? t.signals.mask;
  u64(FRAME.oldmask, toSave & 0xffffffffn);
  u64(FRAME.cr2, info.trapno === 14 ? info.addr ?? 0 : 0);
  u64(FRAME.fpstate, fpstate);
  u64(FRAME.ucSigmask, toSave);
  b.set(encodeSiginfo(info), FRAME.siginfo);
  const fx = fxsaveImage(c, true);
  fx.fill(0, 464, 512); // sw_reserved: no FP_XSTATE_MAGIC1, i.e. a plain FXSAVE frame
  // Both writes fault like a real frame push would (SIGSEGV then kills the process).
  mem.writeBytes(fpstate, fx);
  mem.writeBytes(frame, b);
  // The handler starts with a clean FPU/SSE state (fpu__clear_user_states): FCW 0x37f, MXCSR 0x1f80, XMM zero.
  resetFpu(c);
  // Handler entry (reference §6): rdi = sig, rsi = &info, rdx = &uc, rax = 0.
  const setReg = (r: number, v: number) => c.setNum(r, v);
  setReg(RDI, sig);
  setReg(RSI, frame + FRAME.siginfo);
  setReg(RDX, frame + FRAME.ucFlags);
  setReg(RAX, 0);
  setReg(RSP, frame);
  c.rip = act.handler;
  // DF and TF are cleared for the handler (and AC).
  setRflags(c, getRflags(c) & ~(DF | TF | AC));
  // Block the handler's mask and (unless SA_NODEFER) the signal itself.
  let m = t.signals.mask | act.mask;
  if (!(act.flags & SA_NODEFER)) m |= sigbit(sig);
  t.signals.mask = m & ~UNBLOCKABLE;
  t.signals.savedMask = null;
  // SS_AUTODISARM: the stack is disarmed while the handler runs; rt_sigreturn re-arms it from uc_stack.
  if (alt.altFlags & SS_AUTODISARM) { alt.altSp = 0; alt.altSize = 0; alt.altFlags = SS_DISABLE; }
  // SA_RESETHAND (SA_ONESHOT) resets only the handler: the flags and mask stay (kernel/signal.c signal_delivered).
  if (act.flags & SA_RESETHAND) t.process.signals.actions[sig] = { ...act, handler: SIG_DFL };
}

/** AC OF DF TF SF ZF AF PF CF and RF: the flags rt_sigreturn takes from the frame. */
const FIX_EFLAGS = 0x40000 | 0x800 | 0x400 | 0x100 | 0x80 | 0x40 | 0x10 | 0x4 | 0x1 | 0x10000;

function resetFpu(c: Thread['cpu']): void {
  c.x87.reset();
  c.xmm.fill(0);
  c.mxcsr = 0x1f80;
}

/** struct siginfo (128 bytes): signo 0, errno 4, code 8, union at 16. */
export function encodeSiginfo(info: SigInfo): Uint8Array {
  const b = new Uint8Array(128);
  const dv = new DataView(b.buffer);
  dv.setInt32(0, info.signo, true);
  dv.setInt32(4, info.errno, true);
  dv.setInt32(8, info.code, true);
  const s = info.signo;
  if ((s === SIGSEGV || s === SIGBUS || s === SIGILL || s === SIGFPE || s === SIGTRAP) && info.code > 0) {
    dv.setBigUint64(16, BigInt.asUintN(64, BigInt(info.addr ?? 0)), true);
  } else if (info.timerId !== undefined) {
    dv.setInt32(16, info.timerId, true);
    dv.setInt32(20, info.overrun ?? 0, true);
    dv.setBigUint64(24, info.value ?? 0n, true);
  } else {
    dv.setInt32(16, info.pid ?? 0, true);
    dv.setInt32(20, info.uid ?? 0, true);
    if (info.value !== undefined) dv.setBigUint64(24, info.value, true);
  }
  return b;
}

/** rt_sigreturn: restores the context saved by setupFrame from the frame at rsp - 8. */
export function sigreturn(t: Thread): void {
  const c = t.cpu;
  const frame = c.getNum(RSP) - 8;
  const b = c.mem.readBytes(frame, FRAME.size);
  const dv = new DataView(b.buffer);
  const u64 = (o: number) => dv.getBigUint64(o, true);
  SIGCONTEXT_REGS.forEach((r, k) => c.set64(r, u64(FRAME.sigcontext + 8 * k)));
  c.rip = Number(u64(FRAME.sigcontext + 8 * GREG_RIP));
  // Only the user-visible status and control bits come from the frame (FIX_EFLAGS: AC OF DF TF
  // SF ZF AF PF CF RF); IF, IOPL, ID... stay.
  const saved = Number(u64(FRAME.sigcontext + 8 * GREG_EFL) & 0xffffffffn);
  setRflags(c, (getRflags(c) & ~FIX_EFLAGS) | (saved & FIX_EFLAGS));
  const fp = Number(u64(FRAME.fpstate));
  if (fp !== 0) {
    const img = c.mem.readBytes(fp, FP_STATE_SIZE);
    if (!fxrstorImage(c, img, true)) {
      // Reserved MXCSR bits are cleared, not faulted (arch/x86/kernel/fpu/signal.c sanitises them).
      new DataView(img.buffer, img.byteOffset).setUint32(24, new DataView(img.buffer, img.byteOffset).getUint32(24, true) & 0xffff, true);
      fxrstorImage(c, img, true);
    }
  } else {
    // No FP state in the frame: the FPU starts clean (fpu__clear_user_states).
    resetFpu(c);
  }
  t.signals.mask = u64(FRAME.ucSigmask) & ~UNBLOCKABLE;
  // uc_stack is applied like sigaltstack(&uc_stack, NULL) with the restored rsp (kernel/signal.c
  // restore_altstack; errors are squashed): it fails with EPERM when the interrupted context was
  // itself on the alternate stack (a nested handler), and re-arms a stack SS_AUTODISARM disarmed.
  const ssSp = Number(u64(FRAME.ucStack)), ssFlags = dv.getUint32(FRAME.ucStack + 8, true), ssSize = Number(u64(FRAME.ucStack + 16));
  if (!onAltStack(t, c.getNum(RSP))) setAltStack(t, ssSp, ssFlags, ssSize);
}

export { RAX };
