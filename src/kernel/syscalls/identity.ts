/**
 * Credentials, answering as an unprivileged Linux process whose ids are all the configured
 * uid/gid: getgroups, setgroups, setuid, setgid, setreuid, setregid, setresuid, getresuid,
 * setresgid, getresgid, setfsuid, setfsgid. Changing to the ids one already has succeeds;
 * anything else is -EPERM (unless the guest runs as root, which may set anything it likes).
 */
import { sys, a } from '../syscall-table.js';
import type { Thread } from '../thread.js';
import { EINVAL, EPERM } from '../errno.js';
import { copyOut, write32 } from '../guest-mem.js';

const uidOf = (t: Thread) => t.process.kernel.config.uid;
const gidOf = (t: Thread) => t.process.kernel.config.gid;
/** -1 means "unchanged" for the set*id calls that take several ids. */
const keep = (v: number) => v === -1;

function mayBecome(t: Thread, id: number, own: number): number {
  if (keep(id) || id === own || uidOf(t) === 0) return 0;
  return -EPERM;
}

sys(115, 'getgroups', [a('size', 'int'), a('list', 'ptr')], (t, size, list) => {
  if (size < 0) return -EINVAL;
  if (size === 0) return 1;
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, gidOf(t), true);
  copyOut(t, list, b);
  return 1;
});
sys(116, 'setgroups', [a('size', 'int'), a('list', 'ptr')], (t) => (uidOf(t) === 0 ? 0 : -EPERM));
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
