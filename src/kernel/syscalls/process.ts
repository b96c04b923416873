/**
 * Process and thread identity: getpid, gettid, getppid, the uid/gid
 * family, set_tid_address, set_robust_list/get_robust_list, rseq (always -ENOSYS: see
 * ../shared/reference/linux-abi.md §7), prlimit64/getrlimit/setrlimit.
 */
import { sys, a } from '../syscall-table.js';
import type { Thread } from '../thread.js';
import { EINVAL, ENOSYS, EPERM, ESRCH } from '../errno.js';
import { copyIn, copyOut, write64 } from '../guest-mem.js';
import { RLIMIT_NAMES } from './flags.js';
import { STACK_SIZE } from '../../memory/address-space.js';

sys(39, 'getpid', [], (t) => t.process.pid);
sys(186, 'gettid', [], (t) => t.tid);
sys(110, 'getppid', [], (t) => t.process.ppid);
sys(102, 'getuid', [], (t) => t.process.kernel.config.uid);
sys(107, 'geteuid', [], (t) => t.process.kernel.config.uid);
sys(104, 'getgid', [], (t) => t.process.kernel.config.gid);
sys(108, 'getegid', [], (t) => t.process.kernel.config.gid);

sys(218, 'set_tid_address', [a('tidptr', 'ptr')], (t, ptr) => {
  t.clearChildTid = ptr;
  return t.tid;
});

/** struct robust_list_head is 24 bytes; any other size is -EINVAL (kernel/futex/syscalls.c). */
sys(273, 'set_robust_list', [a('head', 'ptr'), a('len', 'size')], (t, head, len) => {
  if (len !== 24) return -EINVAL;
  t.robustListHead = head;
  t.robustListLen = len;
  return 0;
});

sys(274, 'get_robust_list', [a('pid', 'pid'), a('head_ptr', 'ptr'), a('len_ptr', 'ptr')], (t, pid, headPtr, lenPtr) => {
  const th = pid === 0 ? t : t.process.threads.find((x) => x.tid === pid);
  if (!th) return -ESRCH;
  write64(t, headPtr, th.robustListHead);
  write64(t, lenPtr, 24);
  return 0;
});

// Always refused, for every thread: glibc then falls back to the vDSO for sched_getcpu, and a
// registration accepted for the main thread but refused later would be fatal (reference §7).
sys(334, 'rseq', [a('rseq', 'ptr'), a('rseq_len', 'hex'), a('flags', 'int'), a('sig', 'hex')], () => -ENOSYS,
  { support: 'enosys', note: 'deliberately unsupported: glibc falls back cleanly' });

// ------------------------------------------------------------------ resource limits

const RLIM_INFINITY = 2n ** 64n - 1n;
const RLIMIT_STACK = 3, RLIMIT_NOFILE = 7;

function limitsFor(t: Thread, res: number): [bigint, bigint] {
  const p = t.process;
  p.rlimits ??= new Map();
  const cur = p.rlimits.get(res);
  if (cur) return cur;
  switch (res) {
    case RLIMIT_STACK: return [BigInt(STACK_SIZE), RLIM_INFINITY];
    case RLIMIT_NOFILE: return [BigInt(p.fds.limit), 4096n];
    case 4: return [0n, RLIM_INFINITY]; // RLIMIT_CORE
    default: return [RLIM_INFINITY, RLIM_INFINITY];
  }
}

function encodeRlimit(l: [bigint, bigint]): Uint8Array {
  const b = new Uint8Array(16);
  const dv = new DataView(b.buffer);
  dv.setBigUint64(0, l[0], true);
  dv.setBigUint64(8, l[1], true);
  return b;
}

function setLimit(t: Thread, res: number, newPtr: number): number {
  const raw = copyIn(t, newPtr, 16);
  const dv = new DataView(raw.buffer);
  const cur = dv.getBigUint64(0, true), max = dv.getBigUint64(8, true);
  if (cur > max) return -EINVAL;
  const old = limitsFor(t, res);
  if (max > old[1]) return -EPERM; // unprivileged: cannot raise the hard limit
  t.process.rlimits!.set(res, [cur, max]);
  if (res === RLIMIT_NOFILE) t.process.fds.limit = Number(cur > 65536n ? 65536n : cur);
  return 0;
}

sys(302, 'prlimit64', [a('pid', 'pid'), a('resource', 'flags', { enumValues: RLIMIT_NAMES }),
  a('new_limit', 'struct', { struct: 'rlimit', dir: 'in' }), a('old_limit', 'struct', { struct: 'rlimit', dir: 'out' })],
  (t, pid, res, newPtr, oldPtr) => {
    if (pid !== 0 && pid !== t.process.pid) return -ESRCH;
    if (res < 0 || res > 15) return -EINVAL;
    const old = limitsFor(t, res);
    if (newPtr) {
      const r = setLimit(t, res, newPtr);
      if (r < 0) return r;
    }
    if (oldPtr) copyOut(t, oldPtr, encodeRlimit(old));
    return 0;
  });

sys(97, 'getrlimit', [a('resource', 'flags', { enumValues: RLIMIT_NAMES }), a('rlim', 'ptr')], (t, res, ptr) => {
  if (res < 0 || res > 15) return -EINVAL;
  copyOut(t, ptr, encodeRlimit(limitsFor(t, res)));
  return 0;
});

sys(160, 'setrlimit', [a('resource', 'flags', { enumValues: RLIMIT_NAMES }), a('rlim', 'ptr')], (t, res, ptr) => {
  if (res < 0 || res > 15) return -EINVAL;
  return setLimit(t, res, ptr);
});
