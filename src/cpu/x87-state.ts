/**
 * x87 FPU register state. Registers are kept as 80-bit extended values split into a 64-bit
 * significand (two uint32 halves) and a 16-bit sign+exponent word, so loads/stores of m80fp and
 * the MMX aliasing (MM0..7 = significands of the physical registers) are exact.
 * Instructions are in x87.ts, the soft-float arithmetic in x87-float80.ts, the FNSTENV/FNSAVE/
 * FXSAVE images (also for signal frames: fxsaveImage/fxrstorImage) in x87-env.ts.
 */
export class X87 {
  /** Significand low/high halves and sign+exponent of physical registers R0..R7. */
  readonly mantLo = new Int32Array(8);
  readonly mantHi = new Int32Array(8);
  readonly signExp = new Uint16Array(8);
  /** Control word (0x37f after fninit / at process start). */
  cw = 0x37f;
  /** Status word without TOP (bits 11..13 come from `top`). */
  sw = 0;
  top = 0;
  /** Abridged tag: bit i set = physical register i is valid (non-empty). */
  tagValid = 0;
  /** Last non-control instruction's opcode (11 bits), address, and memory operand address (FOP/FIP/FDP). */
  fop = 0;
  fip = 0;
  fdp = 0;

  copyFrom(o: X87): void {
    this.mantLo.set(o.mantLo);
    this.mantHi.set(o.mantHi);
    this.signExp.set(o.signExp);
    this.cw = o.cw; this.sw = o.sw; this.top = o.top; this.tagValid = o.tagValid;
    this.fop = o.fop; this.fip = o.fip; this.fdp = o.fdp;
  }

  reset(): void {
    this.mantLo.fill(0); this.mantHi.fill(0); this.signExp.fill(0);
    this.cw = 0x37f; this.sw = 0; this.top = 0; this.tagValid = 0;
    this.fop = 0; this.fip = 0; this.fdp = 0;
  }

  /** Status word as fnstsw reports it (TOP in bits 11..13). */
  statusWord(): number {
    return (this.sw & ~0x3800) | ((this.top & 7) << 11);
  }
}
