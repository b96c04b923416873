/**
 * Linux errno values (include/uapi/asm-generic/errno-base.h, errno.h) and the mapping from
 * Node.js host error codes. Handlers return -errno, like the kernel.
 */
export const EPERM = 1, ENOENT = 2, ESRCH = 3, EINTR = 4, EIO = 5, ENXIO = 6, E2BIG = 7, ENOEXEC = 8, EBADF = 9;
export const ECHILD = 10, EAGAIN = 11, ENOMEM = 12, EACCES = 13, EFAULT = 14, ENOTBLK = 15, EBUSY = 16, EEXIST = 17;
export const EXDEV = 18, ENODEV = 19, ENOTDIR = 20, EISDIR = 21, EINVAL = 22, ENFILE = 23, EMFILE = 24, ENOTTY = 25;
export const ETXTBSY = 26, EFBIG = 27, ENOSPC = 28, ESPIPE = 29, EROFS = 30, EMLINK = 31, EPIPE = 32, EDOM = 33;
export const ERANGE = 34, EDEADLK = 35, ENAMETOOLONG = 36, ENOLCK = 37, ENOSYS = 38, ENOTEMPTY = 39, ELOOP = 40;
export const ENOMSG = 42, EIDRM = 43, ENODATA = 61, ETIME = 62, EOVERFLOW = 75, EBADFD = 77, EILSEQ = 84;
export const ENOTSOCK = 88, EDESTADDRREQ = 89, EMSGSIZE = 90, EPROTOTYPE = 91, ENOPROTOOPT = 92, EPROTONOSUPPORT = 93;
export const EOPNOTSUPP = 95, EAFNOSUPPORT = 97, EADDRINUSE = 98, ECONNRESET = 104, ENOBUFS = 105, EISCONN = 106;
export const ENOTCONN = 107, ETIMEDOUT = 110, ECONNREFUSED = 111, EALREADY = 114, EINPROGRESS = 115, ESTALE = 116;
export const EDQUOT = 122, ECANCELED = 125, EOWNERDEAD = 130, ENOTRECOVERABLE = 131;
/** Kernel-internal: restart the syscall (never seen by the guest). */
export const ERESTARTSYS = 512;

export const ERRNO_NAMES: Record<number, string> = {
  1: 'EPERM', 2: 'ENOENT', 3: 'ESRCH', 4: 'EINTR', 5: 'EIO', 6: 'ENXIO', 7: 'E2BIG', 8: 'ENOEXEC', 9: 'EBADF',
  10: 'ECHILD', 11: 'EAGAIN', 12: 'ENOMEM', 13: 'EACCES', 14: 'EFAULT', 15: 'ENOTBLK', 16: 'EBUSY', 17: 'EEXIST',
  18: 'EXDEV', 19: 'ENODEV', 20: 'ENOTDIR', 21: 'EISDIR', 22: 'EINVAL', 23: 'ENFILE', 24: 'EMFILE', 25: 'ENOTTY',
  26: 'ETXTBSY', 27: 'EFBIG', 28: 'ENOSPC', 29: 'ESPIPE', 30: 'EROFS', 31: 'EMLINK', 32: 'EPIPE', 33: 'EDOM',
  34: 'ERANGE', 35: 'EDEADLK', 36: 'ENAMETOOLONG', 37: 'ENOLCK', 38: 'ENOSYS', 39: 'ENOTEMPTY', 40: 'ELOOP',
  42: 'ENOMSG', 43: 'EIDRM', 61: 'ENODATA', 62: 'ETIME', 75: 'EOVERFLOW', 77: 'EBADFD', 84: 'EILSEQ', 88: 'ENOTSOCK',
  95: 'EOPNOTSUPP', 97: 'EAFNOSUPPORT', 104: 'ECONNRESET', 105: 'ENOBUFS', 110: 'ETIMEDOUT', 111: 'ECONNREFUSED',
  114: 'EALREADY', 115: 'EINPROGRESS',
  122: 'EDQUOT', 125: 'ECANCELED',
};

/** Descriptions as strerror/strace print them. */
export const ERRNO_TEXT: Record<number, string> = {
  1: 'Operation not permitted', 2: 'No such file or directory', 3: 'No such process', 4: 'Interrupted system call',
  5: 'Input/output error', 9: 'Bad file descriptor', 10: 'No child processes', 11: 'Resource temporarily unavailable',
  12: 'Cannot allocate memory', 13: 'Permission denied', 14: 'Bad address', 17: 'File exists', 18: 'Invalid cross-device link',
  20: 'Not a directory', 21: 'Is a directory', 22: 'Invalid argument', 24: 'Too many open files',
  25: 'Inappropriate ioctl for device', 28: 'No space left on device', 29: 'Illegal seek', 30: 'Read-only file system',
  32: 'Broken pipe', 34: 'Numerical result out of range', 36: 'File name too long', 38: 'Function not implemented',
  39: 'Directory not empty', 40: 'Too many levels of symbolic links', 62: 'Timer expired', 95: 'Operation not supported',
  110: 'Connection timed out', 125: 'Operation canceled',
  // io_uring's errors (strace 6.1 texts)
  6: 'No such device or address', 16: 'Device or resource busy', 77: 'File descriptor in bad state', 88: 'Socket operation on non-socket',
  105: 'No buffer space available', 114: 'Operation already in progress',
};

/** Maps a Node.js host error (err.code such as 'ENOENT') to a Linux errno; unknown errors become EIO. */
export function hostErrno(e: unknown): number {
  const code = (e as { code?: string } | null)?.code;
  if (code) {
    for (const [num, name] of Object.entries(ERRNO_NAMES)) if (name === code) return Number(num);
    if (code === 'EWOULDBLOCK') return EAGAIN;
  }
  return EIO;
}
