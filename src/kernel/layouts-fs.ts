/**
 * File-system ABI structures: struct statx (include/uapi/linux/stat.h, 256 bytes) and
 * struct statfs (arch/x86 uses the generic 64-bit layout, 120 bytes).
 */
import type { StatInfo } from './file.js';
import type { StatFs } from './vfs/types.js';

export const STATX_SIZE = 256;
/** STATX_BASIC_STATS: type, mode, nlink, uid, gid, atime, mtime, ctime, ino, size, blocks. */
export const STATX_BASIC_STATS = 0x7ff;

/** Linux dev_t encoding (new_encode_dev): major = bits 8..19 | 32..43, minor = bits 0..7 | 20..31. */
export function devMajor(dev: number): number {
  return ((dev >>> 8) & 0xfff) | (Math.floor(dev / 2 ** 32) & ~0xfff);
}
export function devMinor(dev: number): number {
  return (dev & 0xff) | ((dev >>> 12) & ~0xff);
}

export function encodeStatx(s: StatInfo): Uint8Array {
  const b = new Uint8Array(STATX_SIZE);
  const dv = new DataView(b.buffer);
  dv.setUint32(0, STATX_BASIC_STATS, true); // stx_mask
  dv.setUint32(4, s.blksize, true);
  dv.setBigUint64(8, 0n, true); // stx_attributes
  dv.setUint32(16, s.nlink, true);
  dv.setUint32(20, s.uid, true);
  dv.setUint32(24, s.gid, true);
  dv.setUint16(28, s.mode, true);
  dv.setBigUint64(32, BigInt(s.ino), true);
  dv.setBigUint64(40, BigInt(s.size), true);
  dv.setBigUint64(48, BigInt(s.blocks), true);
  dv.setBigUint64(56, 0n, true); // stx_attributes_mask
  const ts = (o: number, ns: bigint) => {
    dv.setBigInt64(o, ns / 1_000_000_000n, true);
    dv.setUint32(o + 8, Number(ns % 1_000_000_000n), true);
  };
  ts(64, s.atimeNs);
  ts(80, 0n); // stx_btime (not in the mask)
  ts(96, s.ctimeNs);
  ts(112, s.mtimeNs);
  dv.setUint32(128, devMajor(s.rdev), true);
  dv.setUint32(132, devMinor(s.rdev), true);
  dv.setUint32(136, devMajor(s.dev), true);
  dv.setUint32(140, devMinor(s.dev), true);
  return b;
}

export const STATFS_SIZE = 120;
export function encodeStatfs(s: StatFs): Uint8Array {
  const b = new Uint8Array(STATFS_SIZE);
  const dv = new DataView(b.buffer);
  const u64 = (o: number, v: number) => dv.setBigInt64(o, BigInt(Math.trunc(v)), true);
  u64(0, s.type);
  u64(8, s.bsize);
  u64(16, s.blocks);
  u64(24, s.bfree);
  u64(32, s.bavail);
  u64(40, s.files);
  u64(48, s.ffree);
  // f_fsid {int val[2]} at 56 stays zero
  u64(64, s.namelen);
  u64(72, s.frsize);
  u64(80, s.flags);
  return b;
}
