/**
 * Signal syscalls: rt_sigaction, rt_sigprocmask, rt_sigreturn, rt_sigpending, rt_sigsuspend,
 * rt_sigtimedwait, rt_sigqueueinfo, rt_tgsigqueueinfo, sigaltstack, kill, tkill, tgkill, pause.
 * Timers (alarm, setitimer, timer_create...) are in timers.ts. Semantics: signal(7),
 * kernel/signal.c; frame layout in ../signal.ts.
 */
import { sys, a } from '../syscall-table.js';
import type { Thread } from '../thread.js';
import { EINVAL, ESRCH, EPERM, EAGAIN } from '../errno.js';
import { copyIn, copyOut } from '../guest-mem.js';
import {
  NSIG, SIGKILL, SIGSTOP, sigbit, UNBLOCKABLE, SI_USER, SI_TKILL, sendToThread, sendToProcess, sigreturn, altStackFlags,
  onAlternateStack, setAltStack, isIgnored, hasDeliverable, encodeSiginfo, type SigInfo,
} from '../signal.js';
import { SIGNAL_NAMES } from '../signals.js';
import { internalWait } from '../wait.js';

const SIG_BLOCK = 0, SIG_UNBLOCK = 1, SIG_SETMASK = 2;

function readSet(t: Thread, p: number): bigint {
  return new DataView(copyIn(t, p, 8).buffer).getBigUint64(0, true);
}
function writeSet(t: Thread, p: number, v: bigint): void {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, v, true);
  copyOut(t, p, b);
}

const sigArg = (n = 'signum') => a(n, 'signal', { enumValues: SIGNAL_NAMES });

/** rt_sigaction(sig, act, oact, sigsetsize): struct sigaction {handler, flags, restorer, mask} (32 bytes). */
sys(13, 'rt_sigaction', [sigArg(), a('act', 'ptr'), a('oldact', 'ptr'), a('sigsetsize', 'size')], (t, sig, act, oact, size) => {
  if (size !== 8) return -EINVAL;
  if (sig < 1 || sig > NSIG) return -EINVAL;
  const actions = t.process.signals.actions;
  let newAct = null;
  if (act) {
    if (sig === SIGKILL || sig === SIGSTOP) return -EINVAL;
    const dv = new DataView(copyIn(t, act, 32).buffer);
    newAct = {
      handler: Number(dv.getBigUint64(0, true)),
      flags: Number(dv.getBigUint64(8, true) & 0xffffffffn) >>> 0,
      restorer: Number(dv.getBigUint64(16, true)),
      mask: dv.getBigUint64(24, true) & ~UNBLOCKABLE,
    };
  }
  if (oact) {
    const o = actions[sig];
    const b = new Uint8Array(32);
    const dv = new DataView(b.buffer);
    dv.setBigUint64(0, BigInt(o.handler), true);
    dv.setBigUint64(8, BigInt(o.flags >>> 0), true);
    dv.setBigUint64(16, BigInt(o.restorer), true);
    dv.setBigUint64(24, o.mask, true);
    copyOut(t, oact, b);
  }
  if (newAct) {
    actions[sig] = newAct;
    // Setting a signal to be ignored discards it where it is pending (POSIX).
    if (isIgnored(t.process, sig)) {
      t.process.signals.pending &= ~sigbit(sig);
      t.process.signals.info.delete(sig);
      for (const th of t.process.threads) { th.signals.pending &= ~sigbit(sig); th.signals.info.delete(sig); }
    }
  }
  return 0;
});

sys(14, 'rt_sigprocmask', [a('how', 'int', { enumValues: { 0: 'SIG_BLOCK', 1: 'SIG_UNBLOCK', 2: 'SIG_SETMASK' } }), a('set', 'ptr'), a('oldset', 'ptr'), a('sigsetsize', 'size')],
  (t, how, set, oset, size) => {
    if (size !== 8) return -EINVAL;
    const old = t.signals.mask;
    if (set) {
      const v = readSet(t, set);
      let m: bigint;
      switch (how) {
        case SIG_BLOCK: m = old | v; break;
        case SIG_UNBLOCK: m = old & ~v; break;
        case SIG_SETMASK: m = v; break;
        default: return -EINVAL;
      }
      t.signals.mask = m & ~UNBLOCKABLE;
    }
    if (oset) writeSet(t, oset, old);
    return 0;
  });

/** rt_sigreturn: restores the frame; the result is the restored rax (the table does not overwrite it). */
sys(15, 'rt_sigreturn', [], (t) => {
  try {
    sigreturn(t);
  } catch {
    // A corrupt frame is fatal, like the kernel's force_sig(SIGSEGV).
    t.process.kernel.forceSignal(t, { signo: 11, errno: 0, code: 0x80 });
  }
  return 0;
}, { ret: 'void', setsRax: true });

sys(127, 'rt_sigpending', [a('set', 'ptr'), a('sigsetsize', 'size')], (t, set, size) => {
  if (size > 8) return -EINVAL;
  writeSet(t, set, (t.signals.pending | t.process.signals.pending) & t.signals.mask);
  return 0;
});

/** rt_sigsuspend: replace the mask and wait for a signal; always -EINTR (the old mask comes back after the handler). */
sys(130, 'rt_sigsuspend', [a('mask', 'ptr'), a('sigsetsize', 'size')], (t, maskPtr, size) => {
  if (size !== 8) return -EINVAL;
  const m = readSet(t, maskPtr);
  t.signals.savedMask = t.signals.mask;
  t.signals.mask = m & ~UNBLOCKABLE;
  if (hasDeliverable(t)) return -4;
  // Only a signal ends the wait; in x64run signals come from guest threads or guest timers.
  return internalWait(t.waitFor(() => {}).then(() => -4, () => -4));
}, { blocking: true, restart: 'never' });

sys(34, 'pause', [], (t) => {
  if (hasDeliverable(t)) return -4;
  return internalWait(t.waitFor(() => {}).then(() => -4, () => -4));
}, { blocking: true, restart: 'never' });

/** rt_sigtimedwait(set, info, timeout, sigsetsize): accept a pending signal from `set` synchronously. */
sys(128, 'rt_sigtimedwait', [a('set', 'ptr'), a('info', 'ptr'), a('timeout', 'ptr'), a('sigsetsize', 'size')], (t, setPtr, infoPtr, tmo, size) => {
  if (size !== 8) return -EINVAL;
  const set = readSet(t, setPtr) & ~UNBLOCKABLE;
  const take = (): number => {
    const ready = (t.signals.pending | t.process.signals.pending) & set;
    if (ready === 0n) return 0;
    for (let s = 1; s <= NSIG; s++) {
      if (!(ready & sigbit(s))) continue;
      const src = t.signals.pending & sigbit(s) ? t.signals : t.process.signals;
      const list = src.info.get(s) ?? [];
      const info: SigInfo = list.shift() ?? { signo: s, errno: 0, code: SI_USER };
      if (list.length === 0) { src.info.delete(s); src.pending &= ~sigbit(s); }
      if (infoPtr) copyOut(t, infoPtr, encodeInfo(info));
      return s;
    }
    return 0;
  };
  const got = take();
  if (got) return got;
  let ms = -1;
  if (tmo) {
    const dv = new DataView(copyIn(t, tmo, 16).buffer);
    const sec = Number(dv.getBigInt64(0, true)), nsec = Number(dv.getBigInt64(8, true));
    if (sec < 0 || nsec < 0 || nsec >= 1e9) return -EINVAL;
    ms = sec * 1000 + nsec / 1e6;
    if (ms === 0) return -EAGAIN;
  }
  // Wait with the set temporarily unblocked-for-waiting: any signal in `set` ends the wait.
  const oldMask = t.signals.mask;
  t.signals.mask &= ~set;
  const done = (): number => {
    t.signals.mask = oldMask;
    const s = take();
    return s || (hasDeliverable(t) ? -4 : -EAGAIN);
  };
  const wait = ms < 0 ? t.waitFor(() => {}) : t.sleepMs(ms);
  return wait.then(done, () => {
    t.signals.mask = oldMask;
    const s = take();
    t.interrupted = s === 0;
    return s || -4;
  });
}, { blocking: true, restart: 'never' });

const encodeInfo = encodeSiginfo;

// ------------------------------------------------------------------ sending

function checkSig(sig: number): number | null {
  if (sig < 0 || sig > NSIG) return -EINVAL;
  return null;
}

sys(62, 'kill', [a('pid', 'pid'), sigArg('sig')], (t, pid, sig) => {
  const e = checkSig(sig);
  if (e) return e;
  const k = t.process.kernel;
  const targets = pid > 0 ? [k.processes.get(pid)].filter((p) => p && !p.exit)
    : pid === 0 || pid === -1 || pid === -t.process.pid ? [...k.processes.values()].filter((p) => !p.exit) : [];
  if (targets.length === 0) return -ESRCH;
  if (sig === 0) return 0;
  for (const p of targets) sendToProcess(p!, { signo: sig, errno: 0, code: SI_USER, pid: t.process.pid, uid: k.config.uid });
  return 0;
});

function findThread(t: Thread, tgid: number, tid: number): Thread | undefined {
  for (const p of t.process.kernel.processes.values()) {
    if (tgid > 0 && p.pid !== tgid) continue;
    const th = p.threads.find((x) => x.tid === tid && !x.exited);
    if (th) return th;
  }
  return undefined;
}

sys(200, 'tkill', [a('tid', 'pid'), sigArg('sig')], (t, tid, sig) => {
  const e = checkSig(sig);
  if (e) return e;
  if (tid <= 0) return -EINVAL;
  const th = findThread(t, 0, tid);
  if (!th) return -ESRCH;
  if (sig) sendToThread(th, { signo: sig, errno: 0, code: SI_TKILL, pid: t.process.pid, uid: t.process.kernel.config.uid });
  return 0;
});

sys(234, 'tgkill', [a('tgid', 'pid'), a('tid', 'pid'), sigArg('sig')], (t, tgid, tid, sig) => {
  const e = checkSig(sig);
  if (e) return e;
  if (tid <= 0 || tgid <= 0) return -EINVAL;
  const th = findThread(t, tgid, tid);
  if (!th) return -ESRCH;
  if (sig) sendToThread(th, { signo: sig, errno: 0, code: SI_TKILL, pid: t.process.pid, uid: t.process.kernel.config.uid });
  return 0;
});

/**
 * The siginfo of rt_sigqueueinfo/rt_tgsigqueueinfo. A process may put any si_code on a signal to
 * itself; to another process only negative codes other than SI_TKILL (EPERM otherwise: the
 * caller cannot pretend to be the kernel or kill()).
 */
function queueInfo(t: Thread, sig: number, infoPtr: number, targetPid: number): SigInfo | number {
  const dv = new DataView(copyIn(t, infoPtr, 128).buffer);
  const code = dv.getInt32(8, true);
  if ((code >= 0 || code === SI_TKILL) && targetPid !== t.process.pid) return -EPERM;
  return { signo: sig, errno: dv.getInt32(4, true), code, pid: dv.getInt32(16, true), uid: dv.getInt32(20, true), value: dv.getBigUint64(24, true) };
}

sys(129, 'rt_sigqueueinfo', [a('tgid', 'pid'), sigArg('sig'), a('info', 'ptr')], (t, pid, sig, infoPtr) => {
  const e = checkSig(sig);
  if (e) return e;
  const p = t.process.kernel.processes.get(pid);
  if (!p || p.exit) return -ESRCH;
  const info = queueInfo(t, sig, infoPtr, pid);
  if (typeof info === 'number') return info;
  if (sig) sendToProcess(p, info);
  return 0;
});

sys(297, 'rt_tgsigqueueinfo', [a('tgid', 'pid'), a('tid', 'pid'), sigArg('sig'), a('info', 'ptr')], (t, tgid, tid, sig, infoPtr) => {
  const e = checkSig(sig);
  if (e) return e;
  const th = findThread(t, tgid, tid);
  if (!th) return -ESRCH;
  const info = queueInfo(t, sig, infoPtr, tgid);
  if (typeof info === 'number') return info;
  if (sig) sendToThread(th, info);
  return 0;
});

// ------------------------------------------------------------------ sigaltstack

/**
 * sigaltstack(ss, old_ss) implements Linux syscall sigaltstack(2) (kernel/signal.c
 * do_sigaltstack). stack_t {void *ss_sp (0); int ss_flags (8); size_t ss_size (16)}. The old
 * setting is read before the new one is applied; its ss_flags is SS_DISABLE, SS_ONSTACK (the
 * thread runs on the stack) or 0, plus SS_AUTODISARM if set. Changing the stack while running
 * on it fails with EPERM.
 */
sys(131, 'sigaltstack', [a('ss', 'ptr'), a('old_ss', 'ptr')], (t, ssPtr, oldPtr) => {
  const s = t.signals;
  const old = new Uint8Array(24);
  const odv = new DataView(old.buffer);
  odv.setBigUint64(0, BigInt(s.altSp), true);
  odv.setUint32(8, altStackFlags(t), true);
  odv.setBigUint64(16, BigInt(s.altSize), true);
  if (ssPtr) {
    const dv = new DataView(copyIn(t, ssPtr, 24).buffer);
    const sp = Number(dv.getBigUint64(0, true)), flags = dv.getUint32(8, true), size = Number(dv.getBigUint64(16, true));
    if (onAlternateStack(t)) return -EPERM;
    const r = setAltStack(t, sp, flags, size);
    if (r < 0) return r;
  }
  if (oldPtr) copyOut(t, oldPtr, old);
  return 0;
});

