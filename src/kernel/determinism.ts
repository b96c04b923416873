/**
 * Deterministic mode (`--deterministic`, options.deterministic): every source of
 * non-determinism the guest can observe is derived from the run itself.
 *
 *  - Time is virtual: it advances by one nanosecond per retired guest instruction (a 1 GHz
 *    guest), plus whatever the guest sleeps (sleeping advances the clock instead of waiting).
 *    clock_gettime, gettimeofday, time, the vDSO and rdtsc (1 tick per ns) all read it.
 *  - Random bytes (AT_RANDOM, getrandom, /dev/urandom) come from a seeded generator.
 *  - Identity is fixed: pid 1000 (tids count up from there), uid/gid 1000, hostname "x64run".
 *  - Scheduling is a fixed function of instruction counts.
 * Two runs of the same program with the same inputs then produce the same output and the same
 * statistics (host-time figures are reported as 0), with the JIT or in the interpreter: both
 * retire the same instructions, so virtual time agrees between engines too
 * (test/kernel/determinism.test.ts).
 *
 * In-memory file systems (RunOptions.fs.files and memory mounts) stamp files with the virtual
 * wall clock. Not covered: files on host directories keep the host's timestamps and inode
 * numbers, and host I/O (stdin: 'inherit', host pipes) arrives when it arrives.
 */

/** 2024-01-01T00:00:00Z: the virtual wall clock's origin. */
export const VIRTUAL_EPOCH_NS = 1704067200n * 1_000_000_000n;
/** Virtual time of boot, so CLOCK_MONOTONIC does not start at 0. */
export const VIRTUAL_BOOT_NS = 1_000_000_000_000n;
const VIRTUAL_BOOT_NUMBER = Number(VIRTUAL_BOOT_NS);

export class VirtualClock {
  sleptNs = 0n;
  constructor(private readonly instructions: () => number, readonly epochNs = VIRTUAL_EPOCH_NS) {}

  /** Nanoseconds since the run started. */
  elapsedNs(): bigint {
    return BigInt(this.instructions()) + this.sleptNs;
  }
  realtimeNs(): bigint {
    return this.epochNs + this.elapsedNs();
  }
  monotonicNs(): bigint {
    return VIRTUAL_BOOT_NS + this.elapsedNs();
  }
  /** monotonicNs() as seconds and nanoseconds (KernelConfig.monotonicSplit; virtual runs stay far below 2^53 ns). */
  monotonicSplit(out: { sec: number; nsec: number }): void {
    const ns = VIRTUAL_BOOT_NUMBER + this.instructions() + Number(this.sleptNs);
    const s = Math.floor(ns / 1e9);
    out.sec = s;
    out.nsec = ns - s * 1e9;
  }
  sleep(ns: bigint): Promise<void> {
    if (ns > 0n) this.sleptNs += ns;
    return Promise.resolve();
  }
}

/** splitmix64 stream: deterministic bytes from a seed. */
export function seededRandom(seed: number): (n: number) => Uint8Array {
  let s = BigInt.asUintN(64, BigInt(seed) * 0x9e3779b97f4a7c15n + 1n);
  const next = (): bigint => {
    s = BigInt.asUintN(64, s + 0x9e3779b97f4a7c15n);
    let z = s;
    z = BigInt.asUintN(64, (z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n);
    z = BigInt.asUintN(64, (z ^ (z >> 27n)) * 0x94d049bb133111ebn);
    return z ^ (z >> 31n);
  };
  return (n: number) => {
    const out = new Uint8Array(n);
    for (let k = 0; k < n; k += 8) {
      let v = next();
      for (let b = 0; b < 8 && k + b < n; b++) { out[k + b] = Number(v & 0xffn); v >>= 8n; }
    }
    return out;
  };
}
