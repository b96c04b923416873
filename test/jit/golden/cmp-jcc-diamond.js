const EX = new Array(2).fill(null);
const P = m.prot, U8 = m.u8, DV = m.dv;
function IX(a) { switch (a) { case 268435456: return 0; case 268435461: return 1; } return -1; }
return function region_10000000(c, L) {
const R = c.regs;
let r0l = R[0], r0h = R[1], r6l = R[12], r6h = R[13], r7l = R[14], r7h = R[15];
let fop = c.fop, fa = c.fa, fb = c.fb, fr = c.fr, fah = c.faHi, fbh = c.fbHi, frh = c.frHi, fcf = c.fcf, frf = c.rflags;
let t0 = 0, t1 = 0, t2 = 0, t3 = 0, t4 = 0, t5 = 0, t6 = 0;
let pc = 0, ic = 0, ie = 0, bc = 0, xs = -1;
const lim = X.limit - c.icount;
let S = L < 0 ? (L === -2 ? -2 : -1) : IX(L | 0), J = 0;
try {
dispatch: for (;;) switch (S) {
case 0: { // 0x10000000
bc++;
t0 = r7l; t1 = r7h; t2 = r6l; t3 = r6h;
t6 = (t0 >>> 0) - (t2 >>> 0) - 0; t4 = t6 | 0; t5 = (t1 - t3 - (t6 < 0 ? 1 : 0)) | 0;
fop = 15; fa = t0; fb = t2; fr = t4; fah = t1; fbh = t3; frh = t5;
if (((t1 >>> 0) < (t3 >>> 0) || (t1 === t3 && (t0 >>> 0) < (t2 >>> 0)))) {
ie = 2; L = 268435488; xs = 0; break dispatch; /*exit*/
}
ic += 2; if (ic >= lim) { L = 268435461; xs = -1; break dispatch; } /*fall through*/
}
case 1: { // 0x10000005
bc++;
r0l = 2; r0h = 0;
pc = 1025;
R[0] = r0l; R[1] = r0h; R[12] = r6l; R[13] = r6h; R[14] = r7l; R[15] = r7h;
c.fop = fop; c.fa = fa; c.fb = fb; c.fr = fr; c.faHi = fah; c.fbHi = fbh; c.frHi = frh; c.fcf = fcf; c.rflags = frf;
c.rip = 268435467;
I[1][1].exec(c, I[1][1]);
c.blocks += bc; c.icount += ic + 2; return c.exit !== 0 ? null : X.lookup(c.rip); /*exit*/
}
default: xs = S === -2 ? 1 : -1; break dispatch;
}
R[0] = r0l; R[1] = r0h; R[12] = r6l; R[13] = r6h; R[14] = r7l; R[15] = r7h; c.fop = fop; c.fa = fa; c.fb = fb; c.fr = fr; c.faHi = fah; c.fbHi = fbh; c.frHi = frh; c.fcf = fcf; c.rflags = frf; c.blocks += bc; c.icount += ic + ie; c.rip = L;
if (xs >= 0) return EX[xs] || (EX[xs] = X.link(L));
return xs === -1 ? X.lookup(L) : null;
} catch (e) {
R[0] = r0l; R[1] = r0h; R[12] = r6l; R[13] = r6h; R[14] = r7l; R[15] = r7h; c.fop = fop; c.fa = fa; c.fb = fb; c.fr = fr; c.faHi = fah; c.fbHi = fbh; c.frHi = frh; c.fcf = fcf; c.rflags = frf; c.blocks += bc; c.icount += ic;
return X.fault(c, e, BLOCKS[pc >> 10], pc & 1023);
}
};
