/**
 * System information and per-process controls: uname, arch_prctl, prctl, getrandom.
 */
import { sys, a, type TraceDecoder } from '../syscall-table.js';
import { escapeBytes } from '../trace.js';
import { EINVAL, EFAULT } from '../errno.js';
import { copyOut, readCString } from '../guest-mem.js';
import { encodeUtsname } from '../layouts.js';
import { ARCH_PRCTL_NAMES, PRCTL_NAMES, GRND_NAMES } from './flags.js';
import { write64 } from '../guest-mem.js';

/** What uname reports: a recent kernel, so that libcs enable their modern paths. */
export const UNAME_RELEASE = '6.1.0-x64run';
export const UNAME_VERSION = '#1 SMP PREEMPT_DYNAMIC x64run';

sys(63, 'uname', [a('buf', 'ptr')], (t, buf) => {
  copyOut(t, buf, encodeUtsname(['Linux', t.process.kernel.config.hostname, UNAME_RELEASE, UNAME_VERSION, 'x86_64', '(none)']));
  return 0;
});

const ARCH_SET_GS = 0x1001, ARCH_SET_FS = 0x1002, ARCH_GET_FS = 0x1003, ARCH_GET_GS = 0x1004;
const ARCH_GET_CPUID = 0x1011, ARCH_SET_CPUID = 0x1012;
/** Largest canonical user address + 1 (TASK_SIZE_MAX). */
const TASK_SIZE = 2 ** 47 - 4096;

sys(158, 'arch_prctl', [a('code', 'flags', { enumValues: ARCH_PRCTL_NAMES }), a('addr', 'hex')], (t, code, addr) => {
  switch (code) {
    case ARCH_SET_FS: if (addr >= TASK_SIZE) return -EPERM_; t.cpu.fsBase = addr; return 0;
    case ARCH_SET_GS: if (addr >= TASK_SIZE) return -EPERM_; t.cpu.gsBase = addr; return 0;
    case ARCH_GET_FS: write64(t, addr, t.cpu.fsBase); return 0;
    case ARCH_GET_GS: write64(t, addr, t.cpu.gsBase); return 0;
    case ARCH_GET_CPUID: return 1;
    case ARCH_SET_CPUID: return addr === 1 ? 0 : -ENODEV_;
    default: return -EINVAL;
  }
});
const EPERM_ = 1, ENODEV_ = 19;

const PR_SET_NAME = 15, PR_GET_NAME = 16, PR_SET_NO_NEW_PRIVS = 38, PR_GET_NO_NEW_PRIVS = 39, PR_SET_DUMPABLE = 4, PR_GET_DUMPABLE = 3;

/** strace's prctl decoder for the options we implement: the name for PR_[GS]ET_NAME, no arguments for the getters. */
const tracePrctl: TraceDecoder = (t, args, exit, result) => {
  const [option, arg2] = args;
  const name = PRCTL_NAMES[option];
  const str = (): string => {
    try {
      return escapeBytes(readCString(t, arg2, 16).subarray(0, 16));
    } catch {
      return `0x${arg2.toString(16)}`;
    }
  };
  switch (option) {
    case PR_SET_NAME: return `${name}, ${str()}`;
    case PR_GET_NAME: return `${name}, ${exit && result === 0 ? str() : `0x${arg2.toString(16)}`}`;
    case PR_GET_DUMPABLE: case PR_GET_NO_NEW_PRIVS: return name;
    default: return null;
  }
};
sys(157, 'prctl', [a('option', 'flags', { enumValues: PRCTL_NAMES }), a('arg2', 'hex'), a('arg3', 'hex'), a('arg4', 'hex'), a('arg5', 'hex')],
  (t, option, arg2) => {
    switch (option) {
      case PR_SET_NAME: t.name = new TextDecoder().decode(readCString(t, arg2, 4096).subarray(0, 15)); return 0;
      case PR_GET_NAME: {
        const b = new Uint8Array(16);
        b.set(new TextEncoder().encode(t.name).subarray(0, 15));
        copyOut(t, arg2, b);
        return 0;
      }
      case PR_GET_DUMPABLE: return 1;
      case PR_SET_DUMPABLE: return arg2 <= 1 ? 0 : -EINVAL;
      case PR_SET_NO_NEW_PRIVS: return arg2 === 1 ? 0 : -EINVAL;
      case PR_GET_NO_NEW_PRIVS: return 0;
      default: return -EINVAL;
    }
  }, { support: 'partial', note: 'PR_SET_NAME/PR_GET_NAME, dumpable, no_new_privs; others -EINVAL', trace: tracePrctl });

const GRND_NONBLOCK = 1, GRND_RANDOM = 2, GRND_INSECURE = 4;
sys(318, 'getrandom', [a('buf', 'buf', { dir: 'out', hex: true }), a('buflen', 'size'), a('flags', 'flags', { flags: GRND_NAMES })], (t, buf, len, flags) => {
  if (flags & ~(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE)) return -EINVAL;
  if ((flags & (GRND_RANDOM | GRND_INSECURE)) === (GRND_RANDOM | GRND_INSECURE)) return -EINVAL;
  const n = Math.min(len, 33554431);
  copyOut(t, buf, t.process.kernel.config.randomBytes(n));
  return n;
});

void EFAULT;
