/**
 * Readiness: poll, ppoll, select, pselect6. Regular files are always ready; pipes, eventfds and
 * other pollable objects report their state and wake waiters when it changes.
 */
import { sys, a } from '../syscall-table.js';
import type { Thread } from '../thread.js';
import { EINVAL, EFAULT } from '../errno.js';
import { copyIn, copyOut } from '../guest-mem.js';
import { pollWakeup, POLLNVAL, POLLIN, POLLOUT, POLLERR, POLLHUP, POLLPRI, POLLRDNORM, POLLWRNORM } from '../pipe.js';
import { internalWait } from '../wait.js';

interface PollFd { fd: number; events: number }

function readyMask(t: Thread, fd: number): number {
  if (fd < 0) return 0;
  const f = t.process.fds.get(fd);
  if (!f) return POLLNVAL;
  return f.poll();
}

/**
 * Waits until `check` reports readiness or the timeout (ms, -1 = forever) passes: any change of
 * a pollable object wakes pollWakeup, then everything is checked again. A signal interrupts it
 * (poll and select are never restarted: -EINTR, like Linux's -ERESTARTNOHAND).
 */
function waitFor(t: Thread, check: () => number, timeoutMs: number): number | Promise<number> {
  const n = check();
  if (n !== 0 || timeoutMs === 0) return n;
  const k = t.process.kernel;
  const deadline = timeoutMs < 0 ? null : k.config.monotonicNs() + BigInt(Math.round(timeoutMs * 1e6));
  const loop = (): Promise<number> => t.waitEvent(pollWakeup, deadline).then((woken) => {
    const r = check();
    if (r !== 0 || !woken) return r;
    return loop();
  });
  // Without a timeout only another guest thread can make a descriptor ready.
  return deadline === null ? internalWait(loop()) : loop();
}

function doPoll(t: Thread, fdsPtr: number, nfds: number, timeoutMs: number): number | Promise<number> {
  if (nfds > t.process.fds.limit) return -EINVAL;
  const raw = copyIn(t, fdsPtr, nfds * 8);
  const dv = new DataView(raw.buffer);
  const fds: PollFd[] = [];
  for (let k = 0; k < nfds; k++) fds.push({ fd: dv.getInt32(k * 8, true), events: dv.getInt16(k * 8 + 4, true) });
  const check = (): number => {
    let n = 0;
    for (let k = 0; k < nfds; k++) {
      const m = readyMask(t, fds[k].fd);
      const rev = m & (fds[k].events | POLLERR | POLLHUP | POLLNVAL);
      dv.setInt16(k * 8 + 6, rev, true);
      if (rev) n++;
    }
    return n;
  };
  const done = (n: number): number => {
    copyOut(t, fdsPtr, raw);
    return n;
  };
  const r = waitFor(t, check, timeoutMs);
  return typeof r === 'number' ? done(r) : r.then(done);
}

sys(7, 'poll', [a('fds', 'ptr'), a('nfds', 'uint'), a('timeout', 'int')], (t, p, n, timeout) => doPoll(t, p, n, timeout), { blocking: true, restart: 'never' });

function timespecMs(t: Thread, p: number): number {
  if (p === 0) return -1;
  const dv = new DataView(copyIn(t, p, 16).buffer);
  const sec = Number(dv.getBigInt64(0, true)), nsec = Number(dv.getBigInt64(8, true));
  if (sec < 0 || nsec < 0 || nsec >= 1e9) return -2;
  return sec * 1000 + Math.ceil(nsec / 1e6);
}

sys(271, 'ppoll', [a('fds', 'ptr'), a('nfds', 'uint'), a('tmo_p', 'ptr'), a('sigmask', 'ptr'), a('sigsetsize', 'size')],
  (t, p, n, tmo) => {
    const ms = timespecMs(t, tmo);
    if (ms === -2) return -EINVAL;
    return doPoll(t, p, n, ms);
  }, { blocking: true, restart: 'never', support: 'partial', note: 'the temporary signal mask is not applied while waiting' });

// ------------------------------------------------------------------ select

function doSelect(t: Thread, nfds: number, rPtr: number, wPtr: number, ePtr: number, timeoutMs: number): number | Promise<number> {
  if (nfds < 0 || nfds > 1024) return -EINVAL;
  const bytes = Math.ceil(nfds / 64) * 8;
  const load = (p: number) => (p ? copyIn(t, p, bytes) : null);
  const rIn = load(rPtr), wIn = load(wPtr), eIn = load(ePtr);
  const isSet = (b: Uint8Array | null, fd: number) => b !== null && (b[fd >> 3] & (1 << (fd & 7))) !== 0;
  for (let fd = 0; fd < nfds; fd++) {
    if ((isSet(rIn, fd) || isSet(wIn, fd) || isSet(eIn, fd)) && !t.process.fds.get(fd)) return -9; // EBADF
  }
  const rOut = new Uint8Array(bytes), wOut = new Uint8Array(bytes), eOut = new Uint8Array(bytes);
  const check = (): number => {
    rOut.fill(0); wOut.fill(0); eOut.fill(0);
    let n = 0;
    for (let fd = 0; fd < nfds; fd++) {
      const want = isSet(rIn, fd) || isSet(wIn, fd) || isSet(eIn, fd);
      if (!want) continue;
      const m = readyMask(t, fd);
      if (isSet(rIn, fd) && m & (POLLIN | POLLRDNORM | POLLHUP | POLLERR)) { rOut[fd >> 3] |= 1 << (fd & 7); n++; }
      if (isSet(wIn, fd) && m & (POLLOUT | POLLWRNORM | POLLERR)) { wOut[fd >> 3] |= 1 << (fd & 7); n++; }
      if (isSet(eIn, fd) && m & POLLPRI) { eOut[fd >> 3] |= 1 << (fd & 7); n++; }
    }
    return n;
  };
  const done = (n: number): number => {
    if (rPtr) copyOut(t, rPtr, rOut);
    if (wPtr) copyOut(t, wPtr, wOut);
    if (ePtr) copyOut(t, ePtr, eOut);
    return n;
  };
  const r = waitFor(t, check, timeoutMs);
  return typeof r === 'number' ? done(r) : r.then(done);
}

sys(23, 'select', [a('nfds', 'int'), a('readfds', 'ptr'), a('writefds', 'ptr'), a('exceptfds', 'ptr'), a('timeout', 'ptr')],
  (t, n, r, w, e, tv) => {
    let ms = -1;
    if (tv) {
      const dv = new DataView(copyIn(t, tv, 16).buffer);
      const sec = Number(dv.getBigInt64(0, true)), usec = Number(dv.getBigInt64(8, true));
      if (sec < 0 || usec < 0) return -EINVAL;
      ms = sec * 1000 + Math.ceil(usec / 1000);
    }
    return doSelect(t, n, r, w, e, ms);
  }, { blocking: true, restart: 'never' });

sys(270, 'pselect6', [a('nfds', 'int'), a('readfds', 'ptr'), a('writefds', 'ptr'), a('exceptfds', 'ptr'), a('timeout', 'ptr'), a('sigmask', 'ptr')],
  (t, n, r, w, e, ts) => {
    const ms = timespecMs(t, ts);
    if (ms === -2) return -EINVAL;
    return doSelect(t, n, r, w, e, ms);
  }, { blocking: true, restart: 'never', support: 'partial', note: 'the temporary signal mask is not applied while waiting' });
void EFAULT;
