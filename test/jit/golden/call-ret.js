const EX = new Array(1).fill(null);
const P = m.prot, U8 = m.u8, DV = m.dv;
return function region_10000000(c, L) {
const R = c.regs;
let sw = false;
let r4l = R[8], r4h = R[9];
let fop = c.fop, fa = c.fa, fb = c.fb, fr = c.fr, fah = c.faHi, fbh = c.fbHi, frh = c.frHi, fcf = c.fcf, frf = c.rflags;
let t0 = 0;
let pc = 0, ic = 0, bc = 0;
const lim = X.limit - c.icount;
try {
dispatch: for (;;) switch (L) {
case 268435456: {
bc++;
pc = 0;
t0 = (r4h === 0 ? r4l >>> 0 : X.ea(c, r4l, r4h, 0, 0, 1, 0, false, 0)) - 8;
if ((t0 & 4095) <= 4088 && (P[t0 >>> 12] & 10) === 2) { DV.setInt32(t0, 268435461, true); DV.setInt32(t0 + 4, 0, true); } else { m.write64(t0, 268435461, 0); sw = true; }
r4l = t0 | 0; r4h = 0;
R[8] = r4l; R[9] = r4h; c.fop = fop; c.fa = fa; c.fb = fb; c.fr = fr; c.faHi = fah; c.fbHi = fbh; c.frHi = frh; c.fcf = fcf; c.rflags = frf; c.blocks += bc; c.icount += ic + 1; c.rip = 268435472; return EX[0] || (EX[0] = X.link(268435472)); /*exit*/
}
case 268435461: {
bc++;
pc = 1024;
R[8] = r4l; R[9] = r4h;
c.fop = fop; c.fa = fa; c.fb = fb; c.fr = fr; c.faHi = fah; c.fbHi = fbh; c.frHi = frh; c.fcf = fcf; c.rflags = frf;
c.rip = 268435462;
I[1][0].exec(c, I[1][0]);
c.blocks += bc; c.icount += ic + 1; return c.exit !== 0 ? null : X.lookup(c.rip); /*exit*/
}
default: R[8] = r4l; R[9] = r4h; c.fop = fop; c.fa = fa; c.fb = fb; c.fr = fr; c.faHi = fah; c.fbHi = fbh; c.frHi = frh; c.fcf = fcf; c.rflags = frf; c.blocks += bc; c.icount += ic; c.rip = L; return X.lookup(L);
}
} catch (e) {
R[8] = r4l; R[9] = r4h; c.fop = fop; c.fa = fa; c.fb = fb; c.fr = fr; c.faHi = fah; c.fbHi = fbh; c.frHi = frh; c.fcf = fcf; c.rflags = frf; c.blocks += bc; c.icount += ic;
return X.fault(c, e, BLOCKS[pc >> 10], pc & 1023);
}
};
