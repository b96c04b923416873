/**
 * io_uring ABI: constants and typed layouts of include/uapi/linux/io_uring.h (Linux 6.1, the
 * header liburing 2.3 ships) for io_uring_params, io_sqring_offsets, io_cqring_offsets,
 * io_uring_sqe, io_uring_cqe, io_uring_getevents_arg, io_uring_probe, io_uring_rsrc_update and
 * io_uring_restriction. Sizes and offsets were checked with offsetof/sizeof natively
 * (../shared/reference/linux-abi.md §5) and are pinned by test/kernel/io_uring.test.ts.
 */

// ------------------------------------------------------------------ syscalls, mmap offsets

export const NR_IO_URING_SETUP = 425, NR_IO_URING_ENTER = 426, NR_IO_URING_REGISTER = 427;

/** mmap offsets of the ring fd (IORING_OFF_*); Linux 6.x masks the offset with IORING_OFF_MMAP_MASK. */
export const IORING_OFF_SQ_RING = 0, IORING_OFF_CQ_RING = 0x8000000, IORING_OFF_SQES = 0x10000000;
export const IORING_OFF_MMAP_MASK = 0xf8000000;

/** IORING_MAX_ENTRIES / IORING_MAX_CQ_ENTRIES (io_uring/io_uring.c). */
export const IORING_MAX_ENTRIES = 32768, IORING_MAX_CQ_ENTRIES = 2 * IORING_MAX_ENTRIES;

// ------------------------------------------------------------------ io_uring_params (120 bytes)

export const PARAMS_SIZE = 120;
export const PARAMS = {
  sqEntries: 0, cqEntries: 4, flags: 8, sqThreadCpu: 12, sqThreadIdle: 16, features: 20, wqFd: 24, resv: 28, sqOff: 40, cqOff: 80,
} as const;
/** struct io_sqring_offsets (40 bytes), relative to PARAMS.sqOff. */
export const SQ_OFF = { head: 0, tail: 4, ringMask: 8, ringEntries: 12, flags: 16, dropped: 20, array: 24, resv1: 28, userAddr: 32 } as const;
/** struct io_cqring_offsets (40 bytes), relative to PARAMS.cqOff. */
export const CQ_OFF = { head: 0, tail: 4, ringMask: 8, ringEntries: 12, overflow: 16, cqes: 20, flags: 24, resv1: 28, userAddr: 32 } as const;

/**
 * Where the fields live in the rings mapping (struct io_rings, io_uring/io_uring.c): the same for
 * every ring size. The SQ index array follows the CQEs, cache-line aligned.
 */
export const RINGS = {
  sqHead: 0, sqTail: 4, cqHead: 8, cqTail: 12, sqRingMask: 16, cqRingMask: 20, sqRingEntries: 24, cqRingEntries: 28,
  sqDropped: 32, sqFlags: 36, cqFlags: 40, cqOverflow: 44, cqes: 64,
} as const;
export const CQE_SIZE = 16, SQE_SIZE = 64;
export function sqArrayOffset(cqEntries: number): number {
  return Math.ceil((RINGS.cqes + CQE_SIZE * cqEntries) / 64) * 64;
}

// ------------------------------------------------------------------ flags

/** io_uring_setup flags (IORING_SETUP_*). */
export const SETUP_IOPOLL = 1, SETUP_SQPOLL = 2, SETUP_SQ_AFF = 4, SETUP_CQSIZE = 8, SETUP_CLAMP = 16, SETUP_ATTACH_WQ = 32;
export const SETUP_R_DISABLED = 64, SETUP_SUBMIT_ALL = 128, SETUP_COOP_TASKRUN = 256, SETUP_TASKRUN_FLAG = 512;
export const SETUP_SQE128 = 1024, SETUP_CQE32 = 2048, SETUP_SINGLE_ISSUER = 4096, SETUP_DEFER_TASKRUN = 8192;
export const SETUP_NAMES: readonly (readonly [number, string])[] = [
  [1, 'IORING_SETUP_IOPOLL'], [2, 'IORING_SETUP_SQPOLL'], [4, 'IORING_SETUP_SQ_AFF'], [8, 'IORING_SETUP_CQSIZE'],
  [16, 'IORING_SETUP_CLAMP'], [32, 'IORING_SETUP_ATTACH_WQ'], [64, 'IORING_SETUP_R_DISABLED'], [128, 'IORING_SETUP_SUBMIT_ALL'],
  [256, 'IORING_SETUP_COOP_TASKRUN'], [512, 'IORING_SETUP_TASKRUN_FLAG'], [1024, 'IORING_SETUP_SQE128'],
  [2048, 'IORING_SETUP_CQE32'], [4096, 'IORING_SETUP_SINGLE_ISSUER'], [8192, 'IORING_SETUP_DEFER_TASKRUN'],
];

/** IORING_FEAT_*. x64run advertises 0x1fff (SINGLE_MMAP .. LINKED_FILE), the features it implements. */
export const FEAT_SINGLE_MMAP = 1, FEAT_NODROP = 2, FEAT_SUBMIT_STABLE = 4, FEAT_RW_CUR_POS = 8, FEAT_CUR_PERSONALITY = 16;
export const FEAT_FAST_POLL = 32, FEAT_POLL_32BITS = 64, FEAT_SQPOLL_NONFIXED = 128, FEAT_EXT_ARG = 256, FEAT_NATIVE_WORKERS = 512;
export const FEAT_RSRC_TAGS = 1024, FEAT_CQE_SKIP = 2048, FEAT_LINKED_FILE = 4096;
export const FEATURE_NAMES: readonly (readonly [number, string])[] = [
  [1, 'IORING_FEAT_SINGLE_MMAP'], [2, 'IORING_FEAT_NODROP'], [4, 'IORING_FEAT_SUBMIT_STABLE'], [8, 'IORING_FEAT_RW_CUR_POS'],
  [16, 'IORING_FEAT_CUR_PERSONALITY'], [32, 'IORING_FEAT_FAST_POLL'], [64, 'IORING_FEAT_POLL_32BITS'],
  [128, 'IORING_FEAT_SQPOLL_NONFIXED'], [256, 'IORING_FEAT_EXT_ARG'], [512, 'IORING_FEAT_NATIVE_WORKERS'],
  [1024, 'IORING_FEAT_RSRC_TAGS'], [2048, 'IORING_FEAT_CQE_SKIP'], [4096, 'IORING_FEAT_LINKED_FILE'],
];

/** SQ ring flags (IORING_SQ_*) and CQ ring flags (IORING_CQ_*). */
export const SQ_NEED_WAKEUP = 1, SQ_CQ_OVERFLOW = 2, SQ_TASKRUN = 4;
export const CQ_EVENTFD_DISABLED = 1;

/** io_uring_enter flags (IORING_ENTER_*). */
export const ENTER_GETEVENTS = 1, ENTER_SQ_WAKEUP = 2, ENTER_SQ_WAIT = 4, ENTER_EXT_ARG = 8, ENTER_REGISTERED_RING = 16;
export const ENTER_NAMES: readonly (readonly [number, string])[] = [
  [1, 'IORING_ENTER_GETEVENTS'], [2, 'IORING_ENTER_SQ_WAKEUP'], [4, 'IORING_ENTER_SQ_WAIT'], [8, 'IORING_ENTER_EXT_ARG'],
  [16, 'IORING_ENTER_REGISTERED_RING'],
];

/** SQE flags (IOSQE_*). */
export const IOSQE_FIXED_FILE = 1, IOSQE_IO_DRAIN = 2, IOSQE_IO_LINK = 4, IOSQE_IO_HARDLINK = 8, IOSQE_ASYNC = 16;
export const IOSQE_BUFFER_SELECT = 32, IOSQE_CQE_SKIP_SUCCESS = 64;
export const SQE_VALID_FLAGS = 0x7f;
export const SQE_FLAG_NAMES: readonly (readonly [number, string])[] = [
  [1, 'IOSQE_FIXED_FILE'], [2, 'IOSQE_IO_DRAIN'], [4, 'IOSQE_IO_LINK'], [8, 'IOSQE_IO_HARDLINK'], [16, 'IOSQE_ASYNC'],
  [32, 'IOSQE_BUFFER_SELECT'], [64, 'IOSQE_CQE_SKIP_SUCCESS'],
];

/** CQE flags (IORING_CQE_F_*). */
export const CQE_F_BUFFER = 1, CQE_F_MORE = 2, CQE_BUFFER_SHIFT = 16;

/** Op-specific flags. */
export const FSYNC_DATASYNC = 1;
export const TIMEOUT_ABS = 1, TIMEOUT_UPDATE = 2, TIMEOUT_BOOTTIME = 4, TIMEOUT_REALTIME = 8, LINK_TIMEOUT_UPDATE = 16;
export const TIMEOUT_ETIME_SUCCESS = 32, TIMEOUT_CLOCK_MASK = TIMEOUT_BOOTTIME | TIMEOUT_REALTIME;
export const POLL_ADD_MULTI = 1, POLL_UPDATE_EVENTS = 2, POLL_UPDATE_USER_DATA = 4, POLL_ADD_LEVEL = 8;
export const ASYNC_CANCEL_ALL = 1, ASYNC_CANCEL_FD = 2, ASYNC_CANCEL_ANY = 4, ASYNC_CANCEL_FD_FIXED = 8, ASYNC_CANCEL_USERDATA = 16;
export const MSG_DATA = 0, MSG_SEND_FD = 1, MSG_RING_CQE_SKIP = 1, MSG_RING_FLAGS_PASS = 2;
export const SPLICE_F_FD_IN_FIXED = 0x80000000, SPLICE_F_NONBLOCK = 2, SPLICE_F_ALL = 0xf;
/** Direct descriptors: file_index = slot + 1, or IORING_FILE_INDEX_ALLOC. */
export const FILE_INDEX_ALLOC = 0xffffffff;
export const REGISTER_FILES_SKIP = -2;

// ------------------------------------------------------------------ opcodes

export enum Op {
  NOP = 0, READV = 1, WRITEV = 2, FSYNC = 3, READ_FIXED = 4, WRITE_FIXED = 5, POLL_ADD = 6, POLL_REMOVE = 7,
  SYNC_FILE_RANGE = 8, SENDMSG = 9, RECVMSG = 10, TIMEOUT = 11, TIMEOUT_REMOVE = 12, ACCEPT = 13, ASYNC_CANCEL = 14,
  LINK_TIMEOUT = 15, CONNECT = 16, FALLOCATE = 17, OPENAT = 18, CLOSE = 19, FILES_UPDATE = 20, STATX = 21, READ = 22,
  WRITE = 23, FADVISE = 24, MADVISE = 25, SEND = 26, RECV = 27, OPENAT2 = 28, EPOLL_CTL = 29, SPLICE = 30,
  PROVIDE_BUFFERS = 31, REMOVE_BUFFERS = 32, TEE = 33, SHUTDOWN = 34, RENAMEAT = 35, UNLINKAT = 36, MKDIRAT = 37,
  SYMLINKAT = 38, LINKAT = 39, MSG_RING = 40, FSETXATTR = 41, SETXATTR = 42, FGETXATTR = 43, GETXATTR = 44, SOCKET = 45,
  URING_CMD = 46, SEND_ZC = 47, SENDMSG_ZC = 48,
}
/** IORING_OP_LAST of the uapi header x64run follows (Linux 6.1): what the probe reports as last_op + 1. */
export const OP_LAST = 49;

export const OP_NAMES: readonly string[] = [
  'NOP', 'READV', 'WRITEV', 'FSYNC', 'READ_FIXED', 'WRITE_FIXED', 'POLL_ADD', 'POLL_REMOVE', 'SYNC_FILE_RANGE', 'SENDMSG',
  'RECVMSG', 'TIMEOUT', 'TIMEOUT_REMOVE', 'ACCEPT', 'ASYNC_CANCEL', 'LINK_TIMEOUT', 'CONNECT', 'FALLOCATE', 'OPENAT', 'CLOSE',
  'FILES_UPDATE', 'STATX', 'READ', 'WRITE', 'FADVISE', 'MADVISE', 'SEND', 'RECV', 'OPENAT2', 'EPOLL_CTL', 'SPLICE',
  'PROVIDE_BUFFERS', 'REMOVE_BUFFERS', 'TEE', 'SHUTDOWN', 'RENAMEAT', 'UNLINKAT', 'MKDIRAT', 'SYMLINKAT', 'LINKAT', 'MSG_RING',
  'FSETXATTR', 'SETXATTR', 'FGETXATTR', 'GETXATTR', 'SOCKET', 'URING_CMD', 'SEND_ZC', 'SENDMSG_ZC',
];
export function opName(op: number): string {
  return op < OP_NAMES.length ? `IORING_OP_${OP_NAMES[op]}` : `${op} /* IORING_OP_??? */`;
}

// ------------------------------------------------------------------ io_uring_register opcodes

export const REG_BUFFERS = 0, UNREG_BUFFERS = 1, REG_FILES = 2, UNREG_FILES = 3, REG_EVENTFD = 4, UNREG_EVENTFD = 5;
export const REG_FILES_UPDATE = 6, REG_EVENTFD_ASYNC = 7, REG_PROBE = 8, REG_PERSONALITY = 9, UNREG_PERSONALITY = 10;
export const REG_RESTRICTIONS = 11, REG_ENABLE_RINGS = 12, REG_FILES2 = 13, REG_FILES_UPDATE2 = 14, REG_BUFFERS2 = 15;
export const REG_BUFFERS_UPDATE = 16, REG_RING_FDS = 20, UNREG_RING_FDS = 21;
/** IORING_REGISTER_USE_REGISTERED_RING (Linux 6.3): the fd argument is a registered ring index. */
export const REG_USE_REGISTERED_RING = 0x80000000;
export const REGISTER_NAMES: Record<number, string> = {
  0: 'IORING_REGISTER_BUFFERS', 1: 'IORING_UNREGISTER_BUFFERS', 2: 'IORING_REGISTER_FILES', 3: 'IORING_UNREGISTER_FILES',
  4: 'IORING_REGISTER_EVENTFD', 5: 'IORING_UNREGISTER_EVENTFD', 6: 'IORING_REGISTER_FILES_UPDATE', 7: 'IORING_REGISTER_EVENTFD_ASYNC',
  8: 'IORING_REGISTER_PROBE', 9: 'IORING_REGISTER_PERSONALITY', 10: 'IORING_UNREGISTER_PERSONALITY',
  11: 'IORING_REGISTER_RESTRICTIONS', 12: 'IORING_REGISTER_ENABLE_RINGS', 13: 'IORING_REGISTER_FILES2',
  14: 'IORING_REGISTER_FILES_UPDATE2', 15: 'IORING_REGISTER_BUFFERS2', 16: 'IORING_REGISTER_BUFFERS_UPDATE',
  17: 'IORING_REGISTER_IOWQ_AFF', 18: 'IORING_UNREGISTER_IOWQ_AFF', 19: 'IORING_REGISTER_IOWQ_MAX_WORKERS',
  20: 'IORING_REGISTER_RING_FDS', 21: 'IORING_UNREGISTER_RING_FDS', 22: 'IORING_REGISTER_PBUF_RING',
  23: 'IORING_UNREGISTER_PBUF_RING', 24: 'IORING_REGISTER_SYNC_CANCEL', 25: 'IORING_REGISTER_FILE_ALLOC_RANGE',
};
/** IO_RINGFD_REG_MAX: registered ring slots per task. */
export const RINGFD_REG_MAX = 16;
/** IORING_MAX_REG_BUFFERS, and the 1 GiB (SZ_1G) limit per registered buffer. */
export const MAX_REG_BUFFERS = 1 << 14, MAX_REG_BUFFER_LEN = 1 << 30;
/** IORING_MAX_FIXED_FILES. */
export const MAX_FIXED_FILES = 1 << 20;
/** Restriction kinds (IORING_RESTRICTION_*). */
export const RESTRICTION_REGISTER_OP = 0, RESTRICTION_SQE_OP = 1, RESTRICTION_SQE_FLAGS_ALLOWED = 2, RESTRICTION_SQE_FLAGS_REQUIRED = 3;
/** io_uring_probe: 16-byte header {u8 last_op, u8 ops_len, u16 resv, u32 resv2[3]}, then 8-byte ops {u8 op, u8 resv, u16 flags, u32 resv2}. */
export const PROBE_HEADER = 16, PROBE_OP_SIZE = 8, IO_URING_OP_SUPPORTED = 1;

// ------------------------------------------------------------------ io_uring_sqe (64 bytes)

/** An SQE as read from the ring (copied once: IORING_FEAT_SUBMIT_STABLE). 64-bit fields stay BigInts. */
export interface Sqe {
  opcode: number; // u8 @0
  flags: number; // u8 @1
  ioprio: number; // u16 @2
  fd: number; // s32 @4
  off: bigint; // u64 @8 (off / addr2)
  addr: bigint; // u64 @16 (addr / splice_off_in)
  len: number; // u32 @24
  opFlags: number; // u32 @28 (rw_flags, fsync_flags, poll32_events, timeout_flags, open_flags, ...)
  userData: bigint; // u64 @32
  bufIndex: number; // u16 @40 (buf_index / buf_group)
  personality: number; // u16 @42
  fileIndex: number; // u32 @44 (splice_fd_in as s32 / file_index)
  addr3: bigint; // u64 @48
  pad2: bigint; // u64 @56
}

export function readSqe(dv: DataView, off: number): Sqe {
  return {
    opcode: dv.getUint8(off), flags: dv.getUint8(off + 1), ioprio: dv.getUint16(off + 2, true), fd: dv.getInt32(off + 4, true),
    off: dv.getBigUint64(off + 8, true), addr: dv.getBigUint64(off + 16, true), len: dv.getUint32(off + 24, true),
    opFlags: dv.getUint32(off + 28, true), userData: dv.getBigUint64(off + 32, true), bufIndex: dv.getUint16(off + 40, true),
    personality: dv.getUint16(off + 42, true), fileIndex: dv.getUint32(off + 44, true), addr3: dv.getBigUint64(off + 48, true),
    pad2: dv.getBigUint64(off + 56, true),
  };
}

/** A 64-bit SQE field used as a guest address: exact below 2^53, and anything larger faults anyway. */
export function ptr(v: bigint): number {
  return Number(v);
}
/** A 64-bit SQE field used as a signed file offset (-1 = the file position). */
export function soff(v: bigint): number {
  return Number(BigInt.asIntN(64, v));
}

// ------------------------------------------------------------------ io_uring_cqe (16 bytes), getevents arg

/** struct io_uring_cqe: u64 user_data @0, s32 res @8, u32 flags @12. */
export function writeCqe(dv: DataView, off: number, userData: bigint, res: number, flags: number): void {
  dv.setBigUint64(off, userData, true);
  dv.setInt32(off + 8, res, true);
  dv.setUint32(off + 12, flags >>> 0, true);
}

/** struct io_uring_getevents_arg (24 bytes): u64 sigmask @0, u32 sigmask_sz @8, u32 pad @12, u64 ts @16. */
export const GETEVENTS_ARG_SIZE = 24;
/** struct io_uring_rsrc_update (16 bytes): u32 offset @0, u32 resv @4, u64 data @8 (also io_uring_files_update). */
export const RSRC_UPDATE_SIZE = 16;
/** struct io_uring_restriction (16 bytes): u16 opcode @0, u8 register_op/sqe_op/sqe_flags @2, u8 resv @3, u32 resv2[3]. */
export const RESTRICTION_SIZE = 16;
