/**
 * Linux x86-64 ABI structures as typed layouts (CONVENTIONS 5). Sizes and offsets are checked
 * against a natively recorded C program in test/kernel/layouts.test.ts.
 */
import type { StatInfo } from './file.js';

/** struct stat, arch/x86/include/uapi/asm/stat.h (144 bytes). */
export const STAT_SIZE = 144;
export function encodeStat(s: StatInfo): Uint8Array {
  const b = new Uint8Array(STAT_SIZE);
  const dv = new DataView(b.buffer);
  const u64 = (o: number, v: number | bigint) => dv.setBigUint64(o, BigInt.asUintN(64, BigInt(v)), true);
  u64(0, s.dev);
  u64(8, s.ino);
  u64(16, s.nlink);
  dv.setUint32(24, s.mode, true);
  dv.setUint32(28, s.uid, true);
  dv.setUint32(32, s.gid, true);
  u64(40, s.rdev);
  u64(48, s.size);
  u64(56, s.blksize);
  u64(64, s.blocks);
  const ts = (o: number, ns: bigint) => { u64(o, ns / 1000000000n); u64(o + 8, ns % 1000000000n); };
  ts(72, s.atimeNs);
  ts(88, s.mtimeNs);
  ts(104, s.ctimeNs);
  return b;
}

/** struct timespec (16 bytes) from nanoseconds. */
export function encodeTimespec(ns: bigint): Uint8Array {
  const b = new Uint8Array(16);
  const dv = new DataView(b.buffer);
  dv.setBigInt64(0, ns / 1000000000n, true);
  dv.setBigInt64(8, ns % 1000000000n, true);
  return b;
}

/** struct timeval (16 bytes) from nanoseconds. */
export function encodeTimeval(ns: bigint): Uint8Array {
  const b = new Uint8Array(16);
  const dv = new DataView(b.buffer);
  dv.setBigInt64(0, ns / 1000000000n, true);
  dv.setBigInt64(8, (ns % 1000000000n) / 1000n, true);
  return b;
}

/** struct utsname: six 65-byte fields. */
export const UTSNAME_FIELD = 65;
export function encodeUtsname(fields: string[]): Uint8Array {
  const b = new Uint8Array(UTSNAME_FIELD * 6);
  const enc = new TextEncoder();
  fields.forEach((f, k) => b.set(enc.encode(f).subarray(0, UTSNAME_FIELD - 1), k * UTSNAME_FIELD));
  return b;
}
