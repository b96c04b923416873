const EX = new Array(1).fill(null);
const P = m.prot, U8 = m.u8, DV = m.dv;
function IX(a) { switch (a) { case 268435472: return 0; case 268435477: return 1; case 268435484: return 2; } return -1; }
return function region_10000010(c, L) {
const R = c.regs;
let r0l = R[0], r0h = R[1], r2l = R[4], r2h = R[5], r7l = R[14], r7h = R[15];
let fop = c.fop, fa = c.fa, fb = c.fb, fr = c.fr, fah = c.faHi, fbh = c.fbHi, frh = c.frHi, fcf = c.fcf, frf = c.rflags;
let t0 = 0, t1 = 0, t2 = 0, t3 = 0, t4 = 0, t5 = 0, t6 = 0, t7 = 0, t8 = 0, t9 = 0;
let pc = 0, ic = 0, ie = 0, bc = 0, xs = -1;
let lim = X.limit - c.icount;
let S = L < 0 ? (L === -2 ? -2 : -1) : IX(L | 0), J = 0;
try {
dispatch: for (;;) switch (S) {
case 0: { // 0x10000010
bc++;
t0 = (r2l >>> 0) + 39;
r0l = t0 | 0; r0h = 0;
pc = 1;
R[0] = r0l; R[1] = r0h; R[4] = r2l; R[5] = r2h; R[14] = r7l; R[15] = r7h;
c.fop = fop; c.fa = fa; c.fb = fb; c.fr = fr; c.faHi = fah; c.fbHi = fbh; c.frHi = frh; c.fcf = fcf; c.rflags = frf;
c.rip = 268435477;
ic += 2; c.blocks += bc; c.icount += ic; lim -= ic; ic = -2; bc = 0;
if (!X.sys(c, 268435477)) return null;
r0l = R[0]; r0h = R[1];
ic += 2; if (ic >= lim) { L = 268435477; xs = -1; break dispatch; } /*fall through*/
}
case 1: { // 0x10000015
bc++;
t0 = r7l; t1 = r7h; t2 = r0l; t3 = r0h;
t6 = (t0 >>> 0) + (t2 >>> 0) + 0; t4 = t6 | 0; t5 = (t1 + t3 + (t6 > 4294967295 ? 1 : 0)) | 0;
fop = 7; fa = t0; fb = t2; fr = t4; fah = t1; fbh = t3; frh = t5;
r7l = t4; r7h = t5;
t7 = r2l;
t8 = (t7 - 1) | 0;
t9 = ((t5 >>> 0) < (t1 >>> 0) || (t5 === t1 && (t4 >>> 0) < (t0 >>> 0)) ? 1 : 0);
fop = 30; fa = t7; fb = 1; fr = t8; fcf = t9;
r2l = t8; r2h = 0;
if (!(t8 === 0)) {
ic += 3; if (ic >= lim) { L = 268435472; xs = -1; break dispatch; } S = 0; continue dispatch; /*exit*/
}
ic += 3; if (ic >= lim) { L = 268435484; xs = -1; break dispatch; } /*fall through*/
}
case 2: { // 0x1000001c
bc++;
pc = 2048;
R[0] = r0l; R[1] = r0h; R[4] = r2l; R[5] = r2h; R[14] = r7l; R[15] = r7h;
c.fop = fop; c.fa = fa; c.fb = fb; c.fr = fr; c.faHi = fah; c.fbHi = fbh; c.frHi = frh; c.fcf = fcf; c.rflags = frf;
c.rip = 268435485;
I[2][0].exec(c, I[2][0]);
c.blocks += bc; c.icount += ic + 1; return c.exit !== 0 ? null : X.lookup(c.rip); /*exit*/
}
default: xs = S === -2 ? 0 : -1; break dispatch;
}
R[0] = r0l; R[1] = r0h; R[4] = r2l; R[5] = r2h; R[14] = r7l; R[15] = r7h; c.fop = fop; c.fa = fa; c.fb = fb; c.fr = fr; c.faHi = fah; c.fbHi = fbh; c.frHi = frh; c.fcf = fcf; c.rflags = frf; c.blocks += bc; c.icount += ic + ie; c.rip = L;
if (xs >= 0) return EX[xs] || (EX[xs] = X.link(L));
return xs === -1 ? X.lookup(L) : null;
} catch (e) {
R[0] = r0l; R[1] = r0h; R[4] = r2l; R[5] = r2h; R[14] = r7l; R[15] = r7h; c.fop = fop; c.fa = fa; c.fb = fb; c.fr = fr; c.faHi = fah; c.fbHi = fbh; c.frHi = frh; c.fcf = fcf; c.rflags = frf; c.blocks += bc; c.icount += ic;
return X.fault(c, e, BLOCKS[pc >> 10], pc & 1023);
}
};
