const EX = new Array(1).fill(null);
const P = m.prot, U8 = m.u8, DV = m.dv;
function IX(a) { switch (a) { case 268435456: return 0; case 268435472: return 1; case 268435461: return 2; } return -1; }
return function region_10000000(c, L) {
const R = c.regs;
let sw = false;
let r0l = R[0], r0h = R[1], r4l = R[8], r4h = R[9], r6l = R[12], r6h = R[13], r7l = R[14], r7h = R[15];
let fop = c.fop, fa = c.fa, fb = c.fb, fr = c.fr, fah = c.faHi, fbh = c.fbHi, frh = c.frHi, fcf = c.fcf, frf = c.rflags;
let t0 = 0, t1 = 0, t2 = 0, t3 = 0, t4 = 0, t5 = 0, t6 = 0;
let pc = 0, ic = 0, ie = 0, bc = 0, xs = -1;
const lim = X.limit - c.icount;
let S = L < 0 ? (L === -2 ? -2 : -1) : IX(L | 0), J = 0;
try {
dispatch: for (;;) switch (S) {
case 0: { // 0x10000000
bc++;
pc = 0;
t0 = (r4h === 0 ? r4l >>> 0 : X.ea(c, r4l, r4h, 0, 0, 1, 0, false, 0)) - 8;
if (((P[t0 >>> 12] & P[(t0 + 7) / 4096 | 0] & 2) | ((P[t0 >>> 12] | P[(t0 + 7) / 4096 | 0]) & 8)) === 2) { DV.setInt32(t0, 268435461, true); DV.setInt32(t0 + 4, 0, true); } else { m.write64(t0, 268435461, 0); sw = true; }
r4l = t0 | 0; r4h = 0;
ic += 1; if (ic >= lim) { L = 268435472; xs = -1; break dispatch; } /*fall through*/
}
case 1: { // 0x10000010
bc++;
t0 = (r7l >>> 0) + (r6l >>> 0) + 0;
r0l = t0 | 0; r0h = 0;
pc = 1025;
t1 = (r4h === 0 ? r4l >>> 0 : X.ea(c, r4l, r4h, 0, 0, 1, 0, false, 0));
if ((P[t1 >>> 12] & P[(t1 + 7) / 4096 | 0] & 1) !== 0) { t5 = DV.getInt32(t1, true); t6 = DV.getInt32(t1 + 4, true); } else { t5 = m.read64(t1); t6 = m.hi; }
t2 = t5; t3 = t6; t4 = (t3 === 0 ? t2 >>> 0 : X.target64(t2, t3));
r4l = (t1 + 8) | 0; r4h = t1 + 8 > 4294967295 ? 1 : 0;
ic += 2; J = t4; S = ic >= lim || J > 4294967295 ? -1 : IX(J | 0); if (S < 0) L = J; continue dispatch; /*exit*/
}
case 2: { // 0x10000005
bc++;
pc = 2048;
R[0] = r0l; R[1] = r0h; R[8] = r4l; R[9] = r4h; R[12] = r6l; R[13] = r6h; R[14] = r7l; R[15] = r7h;
c.fop = fop; c.fa = fa; c.fb = fb; c.fr = fr; c.faHi = fah; c.fbHi = fbh; c.frHi = frh; c.fcf = fcf; c.rflags = frf;
c.rip = 268435462;
I[2][0].exec(c, I[2][0]);
c.blocks += bc; c.icount += ic + 1; return c.exit !== 0 ? null : X.lookup(c.rip); /*exit*/
}
default: xs = S === -2 ? 0 : -1; break dispatch;
}
R[0] = r0l; R[1] = r0h; R[8] = r4l; R[9] = r4h; R[12] = r6l; R[13] = r6h; R[14] = r7l; R[15] = r7h; c.fop = fop; c.fa = fa; c.fb = fb; c.fr = fr; c.faHi = fah; c.fbHi = fbh; c.frHi = frh; c.fcf = fcf; c.rflags = frf; c.blocks += bc; c.icount += ic + ie; c.rip = L;
if (xs >= 0) return EX[xs] || (EX[xs] = X.link(L));
return xs === -1 ? X.lookup(L) : null;
} catch (e) {
R[0] = r0l; R[1] = r0h; R[8] = r4l; R[9] = r4h; R[12] = r6l; R[13] = r6h; R[14] = r7l; R[15] = r7h; c.fop = fop; c.fa = fa; c.fb = fb; c.fr = fr; c.faHi = fah; c.fbHi = fbh; c.frHi = frh; c.fcf = fcf; c.rflags = frf; c.blocks += bc; c.icount += ic;
return X.fault(c, e, BLOCKS[pc >> 10], pc & 1023);
}
};
