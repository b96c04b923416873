/**
 * io_uring at the kernel level: malformed submissions give the errors Linux gives (the values
 * were measured natively with corpus/src/uring-malformed.c, whose golden is
 * corpus/golden/uring-malformed.json) and never a host exception, whatever the SQEs contain.
 * Also: the ABI layout, the rings living in guest memory, blocking through the scheduler
 * (internal waits, signals), deterministic runs, and the strace-style trace.
 *
 * The tests drive the real dispatcher (Kernel.syscall) on a thread whose registers they set,
 * without running guest code.
 */
import { describe, it, expect } from 'vitest';
import * as path from 'node:path';
import { Kernel, type KernelConfig } from '../../src/kernel/kernel.js';
import { MemFs } from '../../src/kernel/vfs/memfs.js';
import type { Thread } from '../../src/kernel/thread.js';
import { RAX, RDI, RSI, RDX, R10, R8, R9 } from '../../src/cpu/state.js';
import { PROT_READ, PROT_WRITE } from '../../src/memory/memory.js';
import { isInternalWait } from '../../src/kernel/wait.js';
import { PARAMS, RINGS, sqArrayOffset, FEAT_SINGLE_MMAP, FEAT_EXT_ARG, FEAT_NODROP, Op } from '../../src/kernel/io_uring/abi.js';
import { FEATURES } from '../../src/kernel/io_uring/ring.js';
import { run } from '../../src/index.js';
import { loadGoldens, runGoldenCase, ROOT } from '../helpers/corpus.js';
import * as harness from '../../corpus/harness.mjs';

const EINVAL = 22, EBADF = 9, EFAULT = 14, EOPNOTSUPP = 95, ETIME = 62, EINTR = 4, EBADFD = 77, ENXIO = 6, ECANCELED = 125;
const NR = { setup: 425, enter: 426, register: 427, mmap: 9, munmap: 11, pipe2: 293, close: 3, openat: 257 };
const DATA = 0x10000000, DATA_SIZE = 0x100000;

interface Env { k: Kernel; t: Thread; dv: DataView; u8: Uint8Array; trace: string[] }

function env(opts: Partial<KernelConfig> = {}): Env {
  const trace: string[] = [];
  const config: KernelConfig = {
    uid: 1000, gid: 1000, hostname: 'test', trace: (l) => trace.push(l), warn: () => {},
    realtimeNs: () => BigInt(Date.now()) * 1_000_000n, monotonicNs: () => process.hrtime.bigint(),
    randomBytes: (n) => new Uint8Array(n), deterministic: false, hooks: {}, ...opts,
  };
  const k = new Kernel(config, new MemFs(false, 1000, 1000));
  const p = k.newProcess(1);
  const t = p.newThread(p.pid, 'test');
  p.as.map(DATA, DATA_SIZE, PROT_READ | PROT_WRITE, '');
  return { k, t, dv: p.as.mem.dv, u8: p.as.mem.u8, trace };
}

const ARGS = [RDI, RSI, RDX, R10, R8, R9];
/** Runs one syscall through the dispatcher; the result is rax (negative errno). */
function sc(e: Env, nr: number, ...args: (number | bigint)[]): number | Promise<number> {
  const regs = e.t.cpu.regs;
  regs[2 * RAX] = nr;
  regs[2 * RAX + 1] = 0;
  ARGS.forEach((r, k) => {
    const v = BigInt.asUintN(64, BigInt(args[k] ?? 0));
    regs[2 * r] = Number(v & 0xffffffffn) | 0;
    regs[2 * r + 1] = Number(v >> 32n) | 0;
  });
  const rax = () => Number(BigInt.asIntN(64, (BigInt(regs[2 * RAX + 1]) << 32n) | BigInt(regs[2 * RAX] >>> 0)));
  const p = e.k.syscall(e.t);
  // Keep the dispatcher's "internal wait" mark (deadlock detection) visible to the tests.
  return p ? Object.assign(p.then(rax), { internal: isInternalWait(p) }) : rax();
}
function scSync(e: Env, nr: number, ...args: (number | bigint)[]): number {
  const r = sc(e, nr, ...args);
  if (typeof r !== 'number') throw new Error(`syscall ${nr} blocked`);
  return r;
}

interface Ring { fd: number; sq: number; cq: number; sqes: number; sqEntries: number; cqEntries: number; tail: number }

/** io_uring_setup + the three mmaps, like a pre-SINGLE_MMAP program. */
function ring(e: Env, entries: number, flags = 0, cqEntries = 0): Ring {
  const pp = DATA;
  e.u8.fill(0, pp, pp + 120);
  e.dv.setUint32(pp + PARAMS.flags, flags, true);
  e.dv.setUint32(pp + PARAMS.cqEntries, cqEntries, true);
  const fd = scSync(e, NR.setup, entries, pp);
  expect(fd).toBeGreaterThanOrEqual(0);
  const sqEntries = e.dv.getUint32(pp + PARAMS.sqEntries, true), cqN = e.dv.getUint32(pp + PARAMS.cqEntries, true);
  const arr = e.dv.getUint32(pp + PARAMS.sqOff + 24, true);
  const sq = scSync(e, NR.mmap, 0, arr + 4 * sqEntries, 3, 1, fd, 0);
  const cq = scSync(e, NR.mmap, 0, 64 + 16 * cqN, 3, 1, fd, 0x8000000);
  const sqes = scSync(e, NR.mmap, 0, 64 * sqEntries, 3, 1, fd, 0x10000000);
  return { fd, sq, cq, sqes, sqEntries, cqEntries: cqN, tail: 0 };
}

/** Writes an SQE into the next slot (array[slot] = slot) and publishes the tail. */
function queue(e: Env, r: Ring, sqe: { op: number; fd?: number; addr?: number; len?: number; off?: bigint; flags?: number; ud: number; opFlags?: number }): number {
  const slot = r.tail & (r.sqEntries - 1);
  const at = r.sqes + 64 * slot;
  e.u8.fill(0, at, at + 64);
  e.dv.setUint8(at, sqe.op);
  e.dv.setUint8(at + 1, sqe.flags ?? 0);
  e.dv.setInt32(at + 4, sqe.fd ?? -1, true);
  e.dv.setBigUint64(at + 8, BigInt.asUintN(64, sqe.off ?? 0n), true);
  e.dv.setBigUint64(at + 16, BigInt(sqe.addr ?? 0), true);
  e.dv.setUint32(at + 24, sqe.len ?? 0, true);
  e.dv.setUint32(at + 28, sqe.opFlags ?? 0, true);
  e.dv.setBigUint64(at + 32, BigInt(sqe.ud), true);
  e.dv.setUint32(r.sq + sqArrayOffset(r.cqEntries) + 4 * slot, slot, true);
  r.tail = (r.tail + 1) >>> 0;
  e.dv.setUint32(r.sq + RINGS.sqTail, r.tail, true);
  return slot;
}

/** Consumes every visible CQE: [user_data, res][]. */
function cqes(e: Env, r: Ring): [number, number][] {
  const out: [number, number][] = [];
  let head = e.dv.getUint32(r.cq + RINGS.cqHead, true);
  const tail = e.dv.getUint32(r.cq + RINGS.cqTail, true);
  for (; head !== tail; head = (head + 1) >>> 0) {
    const at = r.cq + RINGS.cqes + 16 * (head & (r.cqEntries - 1));
    out.push([Number(e.dv.getBigUint64(at, true)), e.dv.getInt32(at + 8, true)]);
  }
  e.dv.setUint32(r.cq + RINGS.cqHead, head, true);
  return out;
}

describe('io_uring ABI layout (include/uapi/linux/io_uring.h, measured natively)', () => {
  it('io_uring_params and the ring offsets', () => {
    expect(PARAMS).toEqual({ sqEntries: 0, cqEntries: 4, flags: 8, sqThreadCpu: 12, sqThreadIdle: 16, features: 20, wqFd: 24, resv: 28, sqOff: 40, cqOff: 80 });
    expect([sqArrayOffset(2), sqArrayOffset(16), sqArrayOffset(128)]).toEqual([128, 320, 2112]);
    expect(FEATURES).toBe(0x1fff);
    expect(FEATURES & (FEAT_SINGLE_MMAP | FEAT_NODROP | FEAT_EXT_ARG)).toBe(0x103);
  });
  it('setup fills the params like Linux (sq_off/cq_off, entries rounding, features)', () => {
    const e = env();
    const r = ring(e, 8);
    const u = (o: number) => e.dv.getUint32(DATA + o, true);
    expect([u(0), u(4), u(20)]).toEqual([8, 16, 0x1fff]);
    expect(Array.from({ length: 7 }, (_, k) => u(40 + 4 * k))).toEqual([0, 4, 16, 24, 36, 32, 320]);
    expect(Array.from({ length: 7 }, (_, k) => u(80 + 4 * k))).toEqual([8, 12, 20, 28, 44, 64, 40]);
    // The kernel wrote mask and entries into the guest's mapping.
    expect(e.dv.getUint32(r.sq + RINGS.sqRingMask, true)).toBe(7);
    expect(e.dv.getUint32(r.cq + RINGS.cqRingEntries, true)).toBe(16);
    expect(scSync(e, 72 /* fcntl */, r.fd, 1 /* F_GETFD */)).toBe(1); // O_CLOEXEC like Linux
  });
});

describe('malformed submissions get the errors Linux gives', () => {
  it('enter on bad descriptors and flags', () => {
    const e = env();
    const r = ring(e, 4);
    const file = scSync(e, NR.openat, -100, DATA + 0x1000, 0o102, 0o644); // "f", O_CREAT|O_RDWR
    expect(file).toBeLessThan(0); // no path written yet: EFAULT/ENOENT, fine
    e.u8.set(new TextEncoder().encode('f\0'), DATA + 0x1000);
    const fd = scSync(e, NR.openat, -100, DATA + 0x1000, 0o102, 0o644);
    expect(scSync(e, NR.enter, 999, 0, 0, 0, 0, 0)).toBe(-EBADF);
    expect(scSync(e, NR.enter, fd, 0, 0, 0, 0, 0)).toBe(-EOPNOTSUPP);
    expect(scSync(e, NR.enter, r.fd, 0, 0, 1 << 10, 0, 0)).toBe(-EINVAL);
    expect(scSync(e, NR.enter, r.fd, 1, 0, 0, 0, 0)).toBe(0);
    expect(scSync(e, NR.enter, 0, 0, 0, 16, 0, 0)).toBe(-EBADF); // registered ring slot 0 is empty
    expect(scSync(e, NR.enter, 99, 0, 0, 16, 0, 0)).toBe(-EINVAL);
  });

  it('an unknown opcode is consumed, posts -EINVAL and ends the batch', () => {
    const e = env();
    const r = ring(e, 4);
    queue(e, r, { op: Op.NOP, ud: 1 });
    queue(e, r, { op: 200, ud: 2 });
    queue(e, r, { op: Op.NOP, ud: 3 });
    expect(scSync(e, NR.enter, r.fd, 3, 0, 0, 0, 0)).toBe(2);
    expect(e.dv.getUint32(r.sq + RINGS.sqHead, true)).toBe(2);
    expect(cqes(e, r)).toEqual([[1, 0], [2, -EINVAL]]);
    expect(scSync(e, NR.enter, r.fd, 3, 0, 0, 0, 0)).toBe(1);
    expect(cqes(e, r)).toEqual([[3, 0]]);
  });

  it('bad descriptors and buffer addresses fail only their request', () => {
    const e = env();
    const r = ring(e, 4);
    e.u8.set(new TextEncoder().encode('f\0'), DATA + 0x1000);
    const file = scSync(e, NR.openat, -100, DATA + 0x1000, 0o102, 0o644);
    queue(e, r, { op: Op.READ, fd: 999, addr: DATA + 0x2000, len: 4, ud: 20 });
    queue(e, r, { op: Op.READ, fd: file, addr: 0x1000, len: 4, ud: 21 });
    queue(e, r, { op: Op.WRITE, fd: file, addr: 0, len: 4, ud: 22 });
    queue(e, r, { op: Op.WRITE, fd: file, addr: 0xfffff000, len: 0x2000, ud: 23 });
    expect(scSync(e, NR.enter, r.fd, 4, 0, 0, 0, 0)).toBe(4);
    // Reads of an empty file return 0 bytes without touching the buffer (Linux returns 0 too).
    expect(cqes(e, r)).toEqual([[20, -EBADF], [21, 0], [22, -EFAULT], [23, -EFAULT]]);
    scSync(e, 1 /* write */, file, DATA + 0x1000, 2);
    queue(e, r, { op: Op.READ, fd: file, addr: 0x1000, len: 4, ud: 24 });
    queue(e, r, { op: Op.READ, fd: 0, addr: DATA, len: 4, flags: 1 /* FIXED_FILE */, ud: 25 });
    queue(e, r, { op: Op.READ_FIXED, fd: file, addr: DATA, len: 4, ud: 26 });
    expect(scSync(e, NR.enter, r.fd, 3, 0, 0, 0, 0)).toBe(3);
    expect(cqes(e, r)).toEqual([[24, -EFAULT], [25, -EBADF], [26, -EFAULT]]);
  });

  it('SQ array entries out of range are dropped; a far tail takes at most sq_entries', () => {
    const e = env();
    const r = ring(e, 4);
    const slot = queue(e, r, { op: Op.NOP, ud: 30 });
    e.dv.setUint32(r.sq + sqArrayOffset(r.cqEntries) + 4 * slot, 1000, true);
    queue(e, r, { op: Op.NOP, ud: 31 });
    expect(scSync(e, NR.enter, r.fd, 2, 0, 0, 0, 0)).toBe(0);
    expect(e.dv.getUint32(r.sq + RINGS.sqDropped, true)).toBe(1);
    expect(scSync(e, NR.enter, r.fd, 2, 0, 0, 0, 0)).toBe(1);
    expect(cqes(e, r)).toEqual([[31, 0]]);
    // to_submit larger than what is queued
    queue(e, r, { op: Op.NOP, ud: 40 });
    queue(e, r, { op: Op.NOP, ud: 41 });
    expect(scSync(e, NR.enter, r.fd, 100, 0, 0, 0, 0)).toBe(2);
    expect(scSync(e, NR.enter, r.fd, 100, 1, 1, 0, 0)).toBe(0); // nothing submitted: no wait either
    cqes(e, r);
    // the guest's tail 1000 ahead of the head
    const head = e.dv.getUint32(r.sq + RINGS.sqHead, true);
    for (let k = 0; k < 4; k++) queue(e, r, { op: Op.NOP, ud: 50 + k });
    e.dv.setUint32(r.sq + RINGS.sqTail, head + 1000, true);
    expect(scSync(e, NR.enter, r.fd, 1000, 0, 0, 0, 0)).toBe(4);
    expect(e.dv.getUint32(r.sq + RINGS.sqHead, true)).toBe(head + 4);
    expect(cqes(e, r).length).toBe(4);
  });

  it('enter arguments: EXT_ARG size, bad pointers, sigmask size, timeouts', async () => {
    const e = env();
    const r = ring(e, 4);
    const ga = DATA + 0x3000, ts = DATA + 0x3100;
    e.dv.setBigInt64(ts, 0n, true);
    e.dv.setBigInt64(ts + 8, 1_000_000n, true);
    e.dv.setBigUint64(ga + 16, BigInt(ts), true);
    expect(scSync(e, NR.enter, r.fd, 0, 1, 1 | 8, ga, 16)).toBe(-EINVAL);
    expect(await sc(e, NR.enter, r.fd, 0, 1, 1 | 8, ga, 24)).toBe(-ETIME);
    e.dv.setBigUint64(ga + 16, 0x1000n, true);
    expect(scSync(e, NR.enter, r.fd, 0, 1, 1 | 8, ga, 24)).toBe(-EFAULT);
    expect(scSync(e, NR.enter, r.fd, 0, 1, 1 | 8, 0x1000, 24)).toBe(-EFAULT);
    expect(scSync(e, NR.enter, r.fd, 0, 1, 1, DATA + 0x3200, 4)).toBe(-EINVAL);
    e.dv.setBigUint64(ga + 16, BigInt(ts), true);
    queue(e, r, { op: Op.NOP, ud: 60 });
    expect(await sc(e, NR.enter, r.fd, 1, 1, 1 | 8, ga, 24)).toBe(1);
    expect(await sc(e, NR.enter, r.fd, 0, 3, 1 | 8, ga, 24)).toBe(0); // timed out, but a CQE is ready
  });

  it('mmap offsets and register errors', () => {
    const e = env();
    const r = ring(e, 4);
    expect(scSync(e, NR.mmap, 0, 4096, 3, 1, r.fd, 0x20000000)).toBe(-EINVAL);
    expect(scSync(e, NR.register, r.fd, 99, 0, 0)).toBe(-EINVAL);
    expect(scSync(e, NR.register, r.fd, 1, 0, 0)).toBe(-ENXIO); // UNREGISTER_BUFFERS
    expect(scSync(e, NR.register, r.fd, 3, 0, 0)).toBe(-ENXIO); // UNREGISTER_FILES
    expect(scSync(e, NR.register, r.fd, 4, DATA, 2)).toBe(-EINVAL); // EVENTFD nr != 1
    expect(scSync(e, NR.register, r.fd, 0, 0x1000, 1)).toBe(-EFAULT);
    expect(scSync(e, NR.register, r.fd, 12, 0, 0)).toBe(-EBADFD); // ENABLE_RINGS on an enabled ring
    e.dv.setInt32(DATA + 0x400, r.fd, true);
    expect(scSync(e, NR.register, r.fd, 2, DATA + 0x400, 1)).toBe(-EBADF); // a ring in its own file table
    // the probe wants a zeroed buffer
    e.u8.fill(0, DATA + 0x500, DATA + 0x500 + 16 + 8 * 64);
    e.u8[DATA + 0x502] = 1;
    expect(scSync(e, NR.register, r.fd, 8, DATA + 0x500, 64)).toBe(-EINVAL);
    e.u8[DATA + 0x502] = 0;
    expect(scSync(e, NR.register, r.fd, 8, DATA + 0x500, 64)).toBe(0);
    const supported = Array.from({ length: 49 }, (_, k) => e.dv.getUint16(DATA + 0x500 + 16 + 8 * k + 2, true) ? k : -1).filter((k) => k >= 0);
    expect(supported).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 11, 12, 14, 15, 17, 18, 19, 21, 22, 23, 24, 25, 28, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40]);
  });

  it('random SQEs never raise a host exception', async () => {
    const e = env();
    const r = ring(e, 8);
    let seed = 12345;
    const rnd = (n: number) => { seed = (seed * 1103515245 + 12345) >>> 0; return seed % n; };
    const p = DATA + 0x8000;
    scSync(e, NR.pipe2, p, 0);
    const pick = <T,>(xs: T[]): T => xs[rnd(xs.length)];
    for (let round = 0; round < 300; round++) {
      const n = 1 + rnd(8);
      for (let k = 0; k < n; k++) {
        const slot = queue(e, r, {
          op: rnd(4) === 0 ? rnd(256) : rnd(41),
          fd: pick([-1, 0, 1, 2, 3, 4, 5, 99, r.fd, -100]),
          addr: pick([0, 0x1000, DATA + rnd(0x10000), 0xfffff000, DATA + 0x8000]),
          len: pick([0, 1, 16, 4096, 0xffffffff, rnd(100)]),
          off: pick([0n, -1n, 5n, BigInt(rnd(1 << 20)), 1n << 62n]),
          flags: rnd(3) === 0 ? rnd(256) : 0,
          opFlags: rnd(3) === 0 ? rnd(1 << 16) : 0,
          ud: round * 100 + k,
        });
        if (rnd(20) === 0) e.dv.setUint32(r.sq + sqArrayOffset(r.cqEntries) + 4 * slot, rnd(1 << 16), true);
        // random garbage in the rest of the SQE
        if (rnd(5) === 0) e.dv.setUint32(r.sqes + 64 * slot + 40 + 4 * rnd(6), rnd(1 << 30), true);
      }
      const res = sc(e, NR.enter, r.fd, rnd(3) === 0 ? 1000 : n, 0, rnd(4) === 0 ? 16 | 1 : 0, 0, 0);
      const v = typeof res === 'number' ? res : await Promise.race([res, new Promise<number>((ok) => setTimeout(() => ok(-1e9), 5))]);
      expect(typeof v).toBe('number');
      for (const [, rr] of cqes(e, r)) expect(Number.isInteger(rr)).toBe(true);
      // resynchronise the tail with the head the kernel reached
      r.tail = e.dv.getUint32(r.sq + RINGS.sqHead, true);
      e.dv.setUint32(r.sq + RINGS.sqTail, r.tail, true);
    }
    expect(scSync(e, NR.close, r.fd)).toBe(0);
  });
});

describe('the rings live in guest memory', () => {
  it('CQEs appear in the mapping without a syscall after the completion', () => {
    const e = env();
    const r = ring(e, 4);
    const p = DATA + 0x8000;
    expect(scSync(e, NR.pipe2, p, 0)).toBe(0);
    const rfd = e.dv.getInt32(p, true), wfd = e.dv.getInt32(p + 4, true);
    queue(e, r, { op: Op.READ, fd: rfd, addr: DATA + 0x9000, len: 8, ud: 7 });
    expect(scSync(e, NR.enter, r.fd, 1, 0, 0, 0, 0)).toBe(1);
    expect(e.dv.getUint32(r.cq + RINGS.cqTail, true)).toBe(0);
    e.u8.set(new TextEncoder().encode('ping'), DATA + 0x9100);
    expect(scSync(e, 1 /* write */, wfd, DATA + 0x9100, 4)).toBe(4);
    // Completed when the write returned (Linux: task work on return to user mode).
    expect(cqes(e, r)).toEqual([[7, 4]]);
    expect(new TextDecoder().decode(e.u8.subarray(DATA + 0x9000, DATA + 0x9004))).toBe('ping');
  });

  it('survives the guest unmapping its rings', () => {
    const e = env();
    const r = ring(e, 4);
    expect(scSync(e, NR.munmap, r.sq, 4096)).toBe(0);
    expect(scSync(e, NR.munmap, r.cq, 4096)).toBe(0);
    expect(scSync(e, NR.enter, r.fd, 1, 0, 0, 0, 0)).toBe(0);
    expect(scSync(e, NR.close, r.fd)).toBe(0);
  });
});

describe('blocking io_uring_enter', () => {
  it('waits through the scheduler: an internal wait, interrupted by a signal with -EINTR', async () => {
    const e = env();
    const r = ring(e, 4);
    const w = sc(e, NR.enter, r.fd, 0, 1, 1, 0, 0);
    expect(w).toBeInstanceOf(Promise);
    expect(isInternalWait(w)).toBe(true);
    e.t.interrupt!();
    expect(await w).toBe(-EINTR);
  });

  it('a pending TIMEOUT ends the wait with its CQE; the ring registers its timer with the kernel', async () => {
    const e = env();
    const r = ring(e, 4);
    const ts = DATA + 0x3100;
    e.dv.setBigInt64(ts, 0n, true);
    e.dv.setBigInt64(ts + 8, 50_000_000n, true);
    queue(e, r, { op: Op.TIMEOUT, addr: ts, len: 1, ud: 5 });
    expect(scSync(e, NR.enter, r.fd, 1, 0, 0, 0, 0)).toBe(1);
    expect(e.k.timers.nextRealDelayMs(e.k)).not.toBeNull();
    const w = sc(e, NR.enter, r.fd, 0, 1, 1, 0, 0);
    // What the scheduler does while every thread waits: poll the timer table.
    const until = Date.now() + 2000;
    let res: number | null = null;
    void (w as Promise<number>).then((v) => { res = v; });
    while (res === null && Date.now() < until) {
      await new Promise((ok) => setTimeout(ok, 1));
      e.k.timers.poll(e.k);
    }
    expect(res).toBe(0);
    expect(cqes(e, r)).toEqual([[5, -ETIME]]);
    expect(e.k.timers.nextRealDelayMs(e.k)).toBeNull();
  });

  it('closing the ring cancels what is pending', () => {
    const e = env();
    const r = ring(e, 4);
    const p = DATA + 0x8000;
    scSync(e, NR.pipe2, p, 0);
    queue(e, r, { op: Op.READ, fd: e.dv.getInt32(p, true), addr: DATA + 0x9000, len: 8, ud: 1 });
    expect(scSync(e, NR.enter, r.fd, 1, 0, 0, 0, 0)).toBe(1);
    expect(scSync(e, NR.close, r.fd)).toBe(0);
    e.u8.set([1, 2, 3], DATA + 0x9100);
    expect(scSync(e, 1, e.dv.getInt32(p + 4, true), DATA + 0x9100, 3)).toBe(3);
    expect(scSync(e, 0, e.dv.getInt32(p, true), DATA + 0x9200, 8)).toBe(3); // the data stayed in the pipe
    void ECANCELED;
  });
});

describe('whole programs', () => {
  it('deterministic mode: timers follow virtual time, two runs are identical and match the golden', async () => {
    const g = loadGoldens((x) => x.name === 'uring-ops-timeout')[0];
    const runs = [];
    for (let k = 0; k < 2; k++) {
      const work = harness.prepareWorkDir('tmp')!;
      try {
        runs.push(await run(path.join(ROOT, g.program), [g.program, ...g.args], {}, {
          cwd: work.dir, stdout: 'capture', stderr: 'capture', onWarning: () => {}, deterministic: true,
        }));
      } finally {
        work.cleanup();
      }
    }
    expect(Buffer.from(runs[0].stdout!).toString()).toBe(g.stdout);
    expect(Buffer.from(runs[1].stdout!).toString()).toBe(g.stdout);
    expect(runs[0].stats.instructions).toBe(runs[1].stats.instructions);
  }, 60_000);

  it('--strace decodes the calls and prints each SQE and CQE', async () => {
    const g = loadGoldens((x) => x.name === 'uring-ops-nop')[0];
    const lines: string[] = [];
    const { result } = await runGoldenCase(g, { trace: (l) => lines.push(l) });
    expect(result.exitCode).toBe(0);
    expect(lines).toContain('io_uring_setup(8, {flags=0, sq_thread_cpu=0, sq_thread_idle=0, sq_entries=8, cq_entries=16, ' +
      'features=IORING_FEAT_SINGLE_MMAP|IORING_FEAT_NODROP|IORING_FEAT_SUBMIT_STABLE|IORING_FEAT_RW_CUR_POS|' +
      'IORING_FEAT_CUR_PERSONALITY|IORING_FEAT_FAST_POLL|IORING_FEAT_POLL_32BITS|IORING_FEAT_SQPOLL_NONFIXED|' +
      'IORING_FEAT_EXT_ARG|IORING_FEAT_NATIVE_WORKERS|IORING_FEAT_RSRC_TAGS|IORING_FEAT_CQE_SKIP|IORING_FEAT_LINKED_FILE, ' +
      'sq_off={head=0, tail=4, ring_mask=16, ring_entries=24, flags=36, dropped=32, array=320}, ' +
      'cq_off={head=8, tail=12, ring_mask=20, ring_entries=28, overflow=44, cqes=64, flags=40}}) = 3');
    expect(lines).toContain('io_uring_enter(3, 8, 0, 0, NULL, 8)     = 8');
    expect(lines).toContain('io_uring_enter(3, 8, 8, IORING_ENTER_GETEVENTS, NULL, 8) = 8');
    expect(lines).toContain('--- io_uring sqe {opcode=IORING_OP_NOP, flags=IOSQE_CQE_SKIP_SUCCESS, fd=-1, off=0, addr=0x0, len=0, user_data=0x5} ---');
    expect(lines).toContain('--- io_uring cqe {user_data=0x8, res=0, flags=0x0} ---');
    expect(lines.filter((l) => l.startsWith('--- io_uring cqe')).length).toBe(15);
    expect(lines.some((l) => /^mmap\(NULL, 352, PROT_READ\|PROT_WRITE, MAP_SHARED\|MAP_POPULATE, 3, 0\) = 0x[0-9a-f]+$/.test(l))).toBe(true);
  }, 60_000);
});
