const EX = new Array(1).fill(null);
const P = m.prot, U8 = m.u8, DV = m.dv;
function IX(a) { switch (a) { case 268435472: return 0; case 268435481: return 1; } return -1; }
return function region_10000010(c, L) {
const R = c.regs;
let r0l = R[0], r0h = R[1], r1l = R[2], r1h = R[3];
let fop = c.fop, fa = c.fa, fb = c.fb, fr = c.fr, fah = c.faHi, fbh = c.fbHi, frh = c.frHi, fcf = c.fcf, frf = c.rflags;
let t0 = 0, t1 = 0, t2 = 0, t3 = 0, t4 = 0, t5 = 0, t6 = 0, t7 = 0;
let pc = 0, ic = 0, ie = 0, bc = 0, xs = -1;
const lim = X.limit - c.icount;
let S = L < 0 ? (L === -2 ? -2 : -1) : IX(L | 0), J = 0;
try {
dispatch: for (;;) switch (S) {
case 0: { // 0x10000010
for (;;) {
bc++;
t0 = r0l; t1 = r1l;
t2 = (t0 + t1) | 0;
fop = 6; fa = t0; fb = t1; fr = t2;
r0l = t2; r0h = 0;
t3 = r1l;
t4 = (t3 + 1) | 0;
r1l = t4; r1h = 0;
t5 = r1l; t6 = 100;
t7 = (t5 - t6) | 0;
fop = 14; fa = t5; fb = t6; fr = t7;
if (!(t5 === t6)) {
ic += 4; if (ic >= lim) { L = 268435472; xs = -1; break dispatch; } continue; /*exit*/
}
ic += 4; if (ic >= lim) { L = 268435481; xs = -1; break dispatch; } break; /*fall through*/
}
}
case 1: { // 0x10000019
bc++;
pc = 1024;
R[0] = r0l; R[1] = r0h; R[2] = r1l; R[3] = r1h;
c.fop = fop; c.fa = fa; c.fb = fb; c.fr = fr; c.faHi = fah; c.fbHi = fbh; c.frHi = frh; c.fcf = fcf; c.rflags = frf;
c.rip = 268435482;
I[1][0].exec(c, I[1][0]);
c.blocks += bc; c.icount += ic + 1; return c.exit !== 0 ? null : X.lookup(c.rip); /*exit*/
}
default: xs = S === -2 ? 0 : -1; break dispatch;
}
R[0] = r0l; R[1] = r0h; R[2] = r1l; R[3] = r1h; c.fop = fop; c.fa = fa; c.fb = fb; c.fr = fr; c.faHi = fah; c.fbHi = fbh; c.frHi = frh; c.fcf = fcf; c.rflags = frf; c.blocks += bc; c.icount += ic + ie; c.rip = L;
if (xs >= 0) return EX[xs] || (EX[xs] = X.link(L));
return xs === -1 ? X.lookup(L) : null;
} catch (e) {
R[0] = r0l; R[1] = r0h; R[2] = r1l; R[3] = r1h; c.fop = fop; c.fa = fa; c.fb = fb; c.fr = fr; c.faHi = fah; c.fbHi = fbh; c.frHi = frh; c.fcf = fcf; c.rflags = frf; c.blocks += bc; c.icount += ic;
return X.fault(c, e, BLOCKS[pc >> 10], pc & 1023);
}
};
