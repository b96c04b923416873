/**
 * Credentials, answering as an unprivileged Linux process whose ids are all the configured
 * uid/gid: getgroups, setgroups, setuid, setgid, setreuid, setregid, setresuid, getresuid,
 * setresgid, getresgid, setfsuid, setfsgid. Changing to the ids one already has succeeds;
 * anything else is -EPERM (unless the guest runs as root, which may set anything it likes).
 */
import { sys, a } from '../syscall-table.js';
import type { Thread } from '../thread.js';
import { EINVAL, EPERM } from '../errno.js';
import { copyIn, copyOut, write32 } from '../guest-mem.js';

const uidOf = (t: Thread) => t.process.kernel.config.uid;
const gidOf = (t: Thread) => t.process.kernel.config.gid;
/** -1 means "unchanged" for the set*id calls that take several ids. */
const keep = (v: number) => v === -1;

function mayBecome(t: Thread, id: number, own: number): number {
  if (keep(id) || id === own || uidOf(t) === 0) return 0;
  return -EPERM;
}

/** getgroups(2): the process's supplementary groups; EINVAL when `size` is too small for them. */
sys(115, 'getgroups', [a('size', 'int'), a('list', 'ptr')], (t, size, list) => {
  const groups = t.process.groups;
  if (size < 0) return -EINVAL;
  if (size === 0) return groups.length;
  if (size < groups.length) return -EINVAL;
  const b = new Uint8Array(4 * groups.length);
  const dv = new DataView(b.buffer);
  groups.forEach((g, k) => dv.setUint32(4 * k, g, true));
  copyOut(t, list, b);
  return groups.length;
});
const NGROUPS_MAX = 65536;
/** setgroups(2): root only (CAP_SETGID); at most NGROUPS_MAX entries. */
sys(116, 'setgroups', [a('size', 'int'), a('list', 'ptr')], (t, size, list) => {
  if (size < 0 || size > NGROUPS_MAX) return -EINVAL;
  if (uidOf(t) !== 0) return -EPERM;
  const raw = size ? copyIn(t, list, 4 * size) : new Uint8Array(0);
  const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  t.process.groups = Array.from({ length: size }, (_, k) => dv.getUint32(4 * k, true));
  return 0;
});
sys(105, 'setuid', [a('uid', 'int')], (t, uid) => mayBecome(t, uid, uidOf(t)));
sys(106, 'setgid', [a('gid', 'int')], (t, gid) => mayBecome(t, gid, gidOf(t)));
sys(113, 'setreuid', [a('ruid', 'int'), a('euid', 'int')], (t, r, e) => mayBecome(t, r, uidOf(t)) || mayBecome(t, e, uidOf(t)));
sys(114, 'setregid', [a('rgid', 'int'), a('egid', 'int')], (t, r, e) => mayBecome(t, r, gidOf(t)) || mayBecome(t, e, gidOf(t)));
sys(117, 'setresuid', [a('ruid', 'int'), a('euid', 'int'), a('suid', 'int')],
  (t, r, e, s) => mayBecome(t, r, uidOf(t)) || mayBecome(t, e, uidOf(t)) || mayBecome(t, s, uidOf(t)));
sys(119, 'setresgid', [a('rgid', 'int'), a('egid', 'int'), a('sgid', 'int')],
  (t, r, e, s) => mayBecome(t, r, gidOf(t)) || mayBecome(t, e, gidOf(t)) || mayBecome(t, s, gidOf(t)));
sys(118, 'getresuid', [a('ruid', 'ptr'), a('euid', 'ptr'), a('suid', 'ptr')], (t, r, e, s) => {
  for (const p of [r, e, s]) write32(t, p, uidOf(t));
  return 0;
});
sys(120, 'getresgid', [a('rgid', 'ptr'), a('egid', 'ptr'), a('sgid', 'ptr')], (t, r, e, s) => {
  for (const p of [r, e, s]) write32(t, p, gidOf(t));
  return 0;
});
// setfsuid/setfsgid return the previous fsuid/fsgid, whatever happens.
sys(122, 'setfsuid', [a('fsuid', 'int')], (t) => uidOf(t));
sys(123, 'setfsgid', [a('fsgid', 'int')], (t) => gidOf(t));
