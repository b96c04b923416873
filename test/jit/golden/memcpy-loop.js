const EX = new Array(1).fill(null);
const P = m.prot, U8 = m.u8, DV = m.dv;
function IX(a) { switch (a) { case 268435456: return 0; case 268435477: return 1; } return -1; }
return function region_10000000(c, L) {
const R = c.regs;
let sw = false;
let r0l = R[0], r0h = R[1], r1l = R[2], r1h = R[3], r6l = R[12], r6h = R[13], r7l = R[14], r7h = R[15];
let fop = c.fop, fa = c.fa, fb = c.fb, fr = c.fr, fah = c.faHi, fbh = c.fbHi, frh = c.frHi, fcf = c.fcf, frf = c.rflags;
let t0 = 0, t1 = 0, t2 = 0, t3 = 0, t4 = 0, t5 = 0, t6 = 0, t7 = 0, t8 = 0, t9 = 0, t10 = 0, t11 = 0, t12 = 0, t13 = 0, t14 = 0, t15 = 0, t16 = 0, t17 = 0, t18 = 0, t19 = 0, t20 = 0, t21 = 0, t22 = 0;
let pc = 0, ic = 0, ie = 0, bc = 0, xs = -1;
const lim = X.limit - c.icount;
let S = L < 0 ? (L === -2 ? -2 : -1) : IX(L | 0), J = 0;
try {
dispatch: for (;;) switch (S) {
case 0: { // 0x10000000
for (;;) {
bc++;
pc = 0;
t0 = (r6l >>> 0);
if ((r6h) !== 0 || t0 > 4294967295) t0 = X.ea(c, r6l, r6h, 0, 0, 1, 0, false, 0, false, false);
if ((P[t0 >>> 12] & P[(t0 + 7) / 4096 | 0] & 1) !== 0) { t1 = DV.getInt32(t0, true); t2 = DV.getInt32(t0 + 4, true); } else { t1 = m.read64(t0); t2 = m.hi; }
r0l = t1; r0h = t2;
pc = 1;
t3 = (r7l >>> 0);
if ((r7h) !== 0 || t3 > 4294967295) t3 = X.ea(c, r7l, r7h, 0, 0, 1, 0, false, 0, true, false);
if (((P[t3 >>> 12] & P[(t3 + 7) / 4096 | 0] & 2) | ((P[t3 >>> 12] | P[(t3 + 7) / 4096 | 0]) & 8)) === 2) { DV.setInt32(t3, r0l, true); DV.setInt32(t3 + 4, r0h, true); } else { m.write64(t3, r0l, r0h); sw = true; }
if (sw) { sw = false; if (m.codeWritten) { ie = 2; L = 268435464; xs = -2; break dispatch; } }
t4 = r6l; t5 = r6h; t6 = 8; t7 = 0;
t10 = (t4 >>> 0) + (t6 >>> 0) + 0; t8 = t10 | 0; t9 = (t5 + t7 + (t10 > 4294967295 ? 1 : 0)) | 0;
r6l = t8; r6h = t9;
t11 = r7l; t12 = r7h; t13 = 8; t14 = 0;
t17 = (t11 >>> 0) + (t13 >>> 0) + 0; t15 = t17 | 0; t16 = (t12 + t14 + (t17 > 4294967295 ? 1 : 0)) | 0;
fop = 7; fa = t11; fb = t13; fr = t15; fah = t12; fbh = t14; frh = t16;
r7l = t15; r7h = t16;
t20 = r1l; t21 = r1h;
t18 = (t20 - 1) | 0; t19 = t20 === 0 ? (t21 - 1) | 0 : t21;
t22 = ((t16 >>> 0) < (t12 >>> 0) || (t16 === t12 && (t15 >>> 0) < (t11 >>> 0)) ? 1 : 0);
fop = 31; fa = t20; fb = 1; fr = t18; fah = t21; fbh = 0; frh = t19; fcf = t22;
r1l = t18; r1h = t19;
if (!((t18 | t19) === 0)) {
ic += 6; if (ic >= lim) { L = 268435456; xs = -1; break dispatch; } continue; /*exit*/
}
ic += 6; if (ic >= lim) { L = 268435477; xs = -1; break dispatch; } break; /*fall through*/
}
}
case 1: { // 0x10000015
bc++;
pc = 1024;
R[0] = r0l; R[1] = r0h; R[2] = r1l; R[3] = r1h; R[12] = r6l; R[13] = r6h; R[14] = r7l; R[15] = r7h;
c.fop = fop; c.fa = fa; c.fb = fb; c.fr = fr; c.faHi = fah; c.fbHi = fbh; c.frHi = frh; c.fcf = fcf; c.rflags = frf;
c.rip = 268435478;
I[1][0].exec(c, I[1][0]);
c.blocks += bc; c.icount += ic + 1; return c.exit !== 0 ? null : X.lookup(c.rip); /*exit*/
}
default: xs = S === -2 ? 0 : -1; break dispatch;
}
R[0] = r0l; R[1] = r0h; R[2] = r1l; R[3] = r1h; R[12] = r6l; R[13] = r6h; R[14] = r7l; R[15] = r7h; c.fop = fop; c.fa = fa; c.fb = fb; c.fr = fr; c.faHi = fah; c.fbHi = fbh; c.frHi = frh; c.fcf = fcf; c.rflags = frf; c.blocks += bc; c.icount += ic + ie; c.rip = L;
if (xs >= 0) return EX[xs] || (EX[xs] = X.link(L));
return xs === -1 ? X.lookup(L) : null;
} catch (e) {
R[0] = r0l; R[1] = r0h; R[2] = r1l; R[3] = r1h; R[12] = r6l; R[13] = r6h; R[14] = r7l; R[15] = r7h; c.fop = fop; c.fa = fa; c.fb = fb; c.fr = fr; c.faHi = fah; c.fbHi = fbh; c.frHi = frh; c.fcf = fcf; c.rflags = frf; c.blocks += bc; c.icount += ic;
return X.fault(c, e, BLOCKS[pc >> 10], pc & 1023);
}
};
