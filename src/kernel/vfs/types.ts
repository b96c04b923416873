/**
 * The VFS object model. A FileSystem owns Inodes; the VFS (vfs.ts) resolves guest paths itself,
 * component by component, over the mount table, so no host path is ever derived from an
 * unresolved guest string: the guest cannot name anything outside its mounts.
 *
 * Operations return a value or a negative errno (like handlers); they never throw for guest
 * errors.
 */
import type { OpenFile, StatInfo } from '../file.js';

export type InodeKind = 'file' | 'dir' | 'symlink' | 'chr' | 'blk' | 'fifo' | 'sock';

export interface DirEntry {
  name: string;
  ino: number;
  kind: InodeKind;
}

export interface OpenRequest {
  /** O_* flags as the guest passed them. */
  flags: number;
  mode: number;
  /** Guest path (for /proc/self/fd and traces). */
  path: string;
}

export interface Inode {
  readonly fs: FileSystem;
  readonly kind: InodeKind;
  stat(): StatInfo | number;

  // Directories
  lookup?(name: string): Inode | number;
  readdir?(): DirEntry[] | number;
  /** Creates a regular file (O_CREAT) and returns it; -EEXIST if present. */
  create?(name: string, mode: number): Inode | number;
  mkdir?(name: string, mode: number): number;
  mknod?(name: string, mode: number, dev: number): number;
  symlink?(name: string, target: string): number;
  /** Hard link `target` (an inode of the same fs) as `name`. */
  link?(name: string, target: Inode): number;
  unlink?(name: string): number;
  rmdir?(name: string): number;
  /** Renames `name` in this directory to `newName` in `newDir` (same fs). flags: RENAME_NOREPLACE/EXCHANGE. */
  rename?(name: string, newDir: Inode, newName: string, flags: number): number;

  // Symlinks
  readlink?(): string | number;

  // Files and directories
  open(req: OpenRequest): OpenFile | number;
  truncate?(len: number): number;
  chmod?(mode: number): number;
  chown?(uid: number, gid: number): number;
  /** Times in nanoseconds since the epoch; null = leave unchanged (UTIME_OMIT). */
  utimes?(atimeNs: bigint | null, mtimeNs: bigint | null): number;
  /**
   * Checks access(2) mode bits (R_OK 4, W_OK 2, X_OK 1) for the caller's credentials (host
   * directories ask the host, which sees x64run's own credentials: the guest's by default).
   */
  access?(mode: number, cred: Credentials): number;
}

/** Who asks (access(2) uses the real ids; x64run's processes have real == effective). */
export interface Credentials {
  uid: number;
  gid: number;
  groups: readonly number[];
}

export interface StatFs {
  type: number;
  bsize: number;
  blocks: number;
  bfree: number;
  bavail: number;
  files: number;
  ffree: number;
  namelen: number;
  frsize: number;
  flags: number;
}

export interface FileSystem {
  readonly name: string;
  readonly readOnly: boolean;
  root(): Inode;
  /** Two inodes are the same object (for rename/link checks and mount crossings). */
  same(a: Inode, b: Inode): boolean;
  statfs(): StatFs;
}
