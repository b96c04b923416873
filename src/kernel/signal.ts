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
}

/** Per-thread signal state. */
export class ThreadSignals {
  mask = 0n;
  pending = 0n;
  readonly info = new Map<number, SigInfo[]>();
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

/** Is the signal ignored (explicitly, or by default)? Ignored signals are discarded when sent. */
export function isIgnored(p: Process, sig: number): boolean {
  const a = p.signals.actions[sig];
  return a.handler === SIG_IGN || (a.handler === SIG_DFL && defaultAction(sig) === 'ign');
}

/** Sends a signal to one thread (tkill, faults, timers with SIGEV_THREAD_ID). */
export function sendToThread(t: Thread, info: SigInfo): void {
  if (isIgnored(t.process, info.signo) && info.signo !== SIGKILL) return;
  queue(t.signals, info);
  t.process.kernel.signalRaised(t);
}

/** Sends a signal to a process (kill): any thread that does not block it will take it. */
export function sendToProcess(p: Process, info: SigInfo): void {
  if (isIgnored(p, info.signo) && info.signo !== SIGKILL) return;
  queue(p.signals, info);
  for (const t of p.threads) if (!t.exited) p.kernel.signalRaised(t);
}

/** Next deliverable signal for a thread (its own pending first, then the process's), or 0. */
export function nextSignal(t: Thread): number {
  const ready = (t.signals.pending | t.process.signals.pending) & ~t.signals.mask;
  if (ready === 0n) return 0;
  // Lowest-numbered first, except that synchronous faults were queued on the thread.
  for (let s = 1; s <= NSIG; s++) if (ready & sigbit(s)) return s;
  return 0;
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
 * Delivers one pending signal to thread t: runs the default action or builds the handler frame.
 * `restart` describes the syscall the thread was blocked in, if any (for SA_RESTART).
 */
export function deliverOne(t: Thread, restartable: { nr: number } | null): DeliveryResult | null {
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
    if (act.flags & SA_RESTART) {
      t.cpu.rip -= 2;
      t.cpu.regs[2 * RAX] = restartable.nr;
      t.cpu.regs[2 * RAX + 1] = 0;
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

/** Registers in sigcontext order (gregs[0..15]), then rsp, rip. */
const SIGCONTEXT_REGS = [R8, R9, R10, R11, R12, R13, R14, R15, RDI, RSI, RBP, RBX, RDX, RAX, RCX, RSP];

/** uc_flags for an FXSAVE-format frame: UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS (reference §6). */
const UC_FLAGS = 6;

function onAltStack(t: Thread, sp: number): boolean {
  const s = t.signals;
  return s.altFlags !== SS_DISABLE && s.altSize > 0 && sp > s.altSp && sp <= s.altSp + s.altSize;
}

export function altStackFlags(t: Thread): number {
  const s = t.signals;
  if (s.altFlags === SS_DISABLE) return SS_DISABLE;
  return onAltStack(t, t.cpu.getNum(RSP)) ? SS_ONSTACK : 0;
}

function setupFrame(t: Thread, sig: number, info: SigInfo, act: SigAction): void {
  const c = t.cpu;
  const mem = c.mem;
  const rsp = c.getNum(RSP);
  let sp = rsp - 128; // skip the red zone
  if (act.flags & SA_ONSTACK && t.signals.altFlags !== SS_DISABLE && t.signals.altSize > 0 && !onAltStack(t, rsp)) {
    sp = t.signals.altSp + t.signals.altSize;
    if (t.signals.altFlags & SS_AUTODISARM) t.signals.altFlags = SS_DISABLE;
  }
  const fpstate = Math.floor((sp - 512) / 64) * 64;
  const frame = Math.floor((fpstate - FRAME.size) / 16) * 16 - 8;
  const b = new Uint8Array(FRAME.size);
  const dv = new DataView(b.buffer);
  const u64 = (o: number, v: number | bigint) => dv.setBigUint64(o, BigInt.asUintN(64, BigInt(v)), true);
  u64(FRAME.pretcode, act.restorer);
  u64(FRAME.ucFlags, UC_FLAGS);
  u64(FRAME.ucLink, 0);
  u64(FRAME.ucStack, t.signals.altFlags === SS_DISABLE ? 0 : t.signals.altSp);
  dv.setInt32(FRAME.ucStack + 8, altStackFlags(t), true);
  u64(FRAME.ucStack + 16, t.signals.altFlags === SS_DISABLE ? 0 : t.signals.altSize);
  SIGCONTEXT_REGS.forEach((r, k) => u64(FRAME.sigcontext + 8 * k, c.get64(r)));
  u64(FRAME.sigcontext + 8 * 16, c.rip);
  u64(FRAME.sigcontext + 8 * 17, getRflags(c));
  dv.setUint16(FRAME.csgsfsss, 0x33, true);
  dv.setUint16(FRAME.csgsfsss + 6, 0x2b, true);
  u64(FRAME.err, info.err ?? 0);
  u64(FRAME.trapno, info.trapno ?? 0);
  u64(FRAME.oldmask, t.signals.mask & 0xffffffffn);
  u64(FRAME.cr2, info.trapno === 14 ? info.addr ?? 0 : 0);
  u64(FRAME.fpstate, fpstate);
  u64(FRAME.ucSigmask, t.signals.savedMask ?? t.signals.mask);
  b.set(encodeSiginfo(info), FRAME.siginfo);
  const fx = fxsaveImage(c, true);
  fx.fill(0, 464, 512); // sw_reserved: no FP_XSTATE_MAGIC1, i.e. a plain FXSAVE frame
  // Both writes fault like a real frame push would (SIGSEGV then kills the process).
  mem.writeBytes(fpstate, fx);
  mem.writeBytes(frame, b);
  // The handler starts with a clean FPU/SSE state (fpu__clear_user_states): FCW 0x37f, MXCSR 0x1f80, XMM zero.
  c.x87.reset();
  c.xmm.fill(0);
  c.mxcsr = 0x1f80;
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
  if (act.flags & SA_RESETHAND) t.process.signals.actions[sig] = { handler: SIG_DFL, flags: 0, restorer: 0, mask: 0n };
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
  c.rip = Number(u64(FRAME.sigcontext + 8 * 16));
  setRflags(c, Number(u64(FRAME.sigcontext + 8 * 17) & 0xffffffffn));
  const fp = Number(u64(FRAME.fpstate));
  if (fp !== 0) fxrstorImage(c, c.mem.readBytes(fp, 512), true);
  t.signals.mask = u64(FRAME.ucSigmask) & ~UNBLOCKABLE;
  // uc_stack restores the alternate stack settings (like sigaltstack from the frame).
  const ssSp = Number(u64(FRAME.ucStack)), ssFlags = dv.getInt32(FRAME.ucStack + 8, true), ssSize = Number(u64(FRAME.ucStack + 16));
  if (!(ssFlags & SS_DISABLE) && ssSize >= MINSIGSTKSZ) {
    t.signals.altSp = ssSp;
    t.signals.altSize = ssSize;
    t.signals.altFlags = ssFlags & SS_AUTODISARM;
  }
}

export { RAX };
