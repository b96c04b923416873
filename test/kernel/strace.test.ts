/**
 * The syscall trace (RunOptions.trace, `x64run --strace`) follows strace 6.1's default output.
 * The expected lines below were checked against `strace /bin/busybox ls` run natively in a copy
 * of the same fixture (only guest addresses differ: they are matched loosely).
 */
import { describe, it, expect } from 'vitest';
import * as path from 'node:path';
import { run } from '../../src/index.js';
import { escapeBytes, traceLine, formatFlags } from '../../src/kernel/trace.js';
import { OPEN_FLAG_NAMES } from '../../src/kernel/syscalls/flags.js';
import * as harness from '../../corpus/harness.mjs';

const ROOT = path.resolve(__dirname, '../..');
const BUSYBOX = path.join(ROOT, 'corpus/bin/busybox');

async function traceBusyboxLs(): Promise<{ lines: string[]; stdout: string }> {
  const work = harness.prepareWorkDir('fixture:bb')!;
  try {
    const lines: string[] = [];
    const r = await run(BUSYBOX, ['busybox', 'ls'], { TZ: 'UTC' }, {
      cwd: work.dir, stdout: 'capture', stderr: 'capture', onWarning: () => {}, trace: (line) => lines.push(line),
    });
    expect(r.exitCode).toBe(0);
    return { lines, stdout: Buffer.from(r.stdout!).toString() };
  } finally {
    work.cleanup();
  }
}

describe('strace-format trace of busybox ls', () => {
  it('pins the lines strace 6.1 prints', async () => {
    const { lines, stdout } = await traceBusyboxLs();
    expect(stdout).toBe('archive.tar\nbin.dat\ndocs\ndos.txt\nhello.txt\nlines.txt\nnumbers.txt\nrun.sh\nsums.sha256\ntree\nwords.txt\n');
    const has = (l: string) => expect(lines).toContain(l);
    const matches = (re: RegExp) => expect(lines.some((l) => re.test(l)), `no line matches ${re}`).toBe(true);

    // start-up
    matches(/^brk\(NULL\) {31}= 0x[0-9a-f]+$/);
    has('prlimit64(0, RLIMIT_STACK, NULL, {rlim_cur=8192*1024, rlim_max=RLIM64_INFINITY}) = 0');
    matches(/^getrandom\("(\\x[0-9a-f]{2}){8}", 8, GRND_NONBLOCK\) = 8$/);
    matches(/^rseq\(0x[0-9a-f]+, 0x20, 0, 0x53053053\) += -1 ENOSYS \(Function not implemented\)$/);
    has('prctl(PR_GET_NAME, "busybox")           = 0');
    has(traceLine('getuid()', String(process.getuid?.() ?? 0)));

    // the directory walk
    matches(/^newfstatat\(AT_FDCWD, "\.", \{st_mode=S_IFDIR\|0755, st_size=\d+, \.\.\.\}, 0\) = 0$/);
    has('openat(AT_FDCWD, ".", O_RDONLY|O_NONBLOCK|O_CLOEXEC|O_DIRECTORY) = 3');
    matches(/^newfstatat\(3, "", \{st_mode=S_IFDIR\|0755, st_size=\d+, \.\.\.\}, AT_EMPTY_PATH\) = 0$/);
    matches(/^getdents64\(3, 0x[0-9a-f]+ \/\* 13 entries \*\/, 32768\) = 384$/);
    matches(/^getdents64\(3, 0x[0-9a-f]+ \/\* 0 entries \*\/, 32768\) = 0$/);
    has('newfstatat(AT_FDCWD, "./hello.txt", {st_mode=S_IFREG|0644, st_size=12, ...}, AT_SYMLINK_NOFOLLOW) = 0');
    has('newfstatat(AT_FDCWD, "./run.sh", {st_mode=S_IFREG|0755, st_size=19, ...}, AT_SYMLINK_NOFOLLOW) = 0');
    matches(/^newfstatat\(AT_FDCWD, "\.\/docs", \{st_mode=S_IFDIR\|0755, st_size=\d+, \.\.\.\}, AT_SYMLINK_NOFOLLOW\) = 0$/);
    has('close(3)                                = 0');

    // output and exit
    has('newfstatat(1, "", {st_mode=S_IFIFO|0600, st_size=0, ...}, AT_EMPTY_PATH) = 0');
    has('write(1, "archive.tar\\nbin.dat\\ndocs\\ndos.txt"..., 99) = 99');
    expect(lines.at(-2)).toBe('exit_group(0)                           = ?');
    expect(lines.at(-1)).toBe('+++ exited with 0 +++');
  }, 60_000);
});

describe('strace formatting helpers', () => {
  it('quotes bytes like strace (checked with strace 6.1 on a native write)', () => {
    const b = Uint8Array.from([1, 0x37, 0, 0x78, 0xff, 0x0b, 0x0c, 0x1b, 0x5b, 0x30, 0x6d]);
    expect(escapeBytes(b)).toBe('"\\0017\\0x\\377\\v\\f\\33[0m"');
    expect(escapeBytes(new TextEncoder().encode('a"b\\c\t\r\n'))).toBe('"a\\"b\\\\c\\t\\r\\n"');
    expect(escapeBytes(new Uint8Array(40).fill(0x61))).toBe(`"${'a'.repeat(32)}"...`);
    expect(escapeBytes(Uint8Array.from([0x31, 0x2e]), 32, true)).toBe('"\\x31\\x2e"');
  });
  it('aligns " = " at column 40', () => {
    expect(traceLine('brk(NULL)', '0x4000')).toBe('brk(NULL)                               = 0x4000');
    expect(traceLine('x'.repeat(39), '0')).toBe(`${'x'.repeat(39)} = 0`);
    expect(traceLine('x'.repeat(60), '0')).toBe(`${'x'.repeat(60)} = 0`);
  });
  it('prints open flags in strace order, access mode first', () => {
    expect(formatFlags(0o2204101, OPEN_FLAG_NAMES, true)).toBe('O_WRONLY|O_CREAT|O_NONBLOCK|O_CLOEXEC|O_DIRECTORY');
    expect(formatFlags(0, OPEN_FLAG_NAMES, true)).toBe('O_RDONLY');
    expect(formatFlags(2 | 0o100000 | 0o20000000000, OPEN_FLAG_NAMES, true)).toBe('O_RDWR|O_LARGEFILE|0x80000000');
  });
});
