/**
 * Meta-tests of the syscall table (CONVENTIONS 4): numbers are unique and every name matches
 * Linux's x86-64 table (recorded from the host's asm/unistd_64.h into a fixture).
 */
import { describe, it, expect } from 'vitest';
import * as fs from 'node:fs';
import * as path from 'node:path';
import '../../src/kernel/syscalls/index.js';
import { SYSCALLS } from '../../src/kernel/syscall-table.js';
import { syscallTableMarkdown } from '../../src/tools/syscall-table.js';

const linux = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures/linux-x86_64-syscalls.json'), 'utf8')).syscalls as Record<string, string>;

describe('syscall table', () => {
  const defs = SYSCALLS.filter((d) => d !== undefined);
  it('registers the issue-2 baseline', () => {
    const names = new Set(defs.map((d) => d!.name));
    for (const n of ['read', 'write', 'writev', 'close', 'lseek', 'fstat', 'newfstatat', 'exit', 'exit_group', 'brk', 'mmap',
      'munmap', 'mprotect', 'mremap', 'madvise', 'arch_prctl', 'set_tid_address', 'set_robust_list', 'rseq', 'getpid', 'gettid',
      'getppid', 'getuid', 'geteuid', 'getgid', 'getegid', 'uname', 'ioctl', 'prlimit64', 'readlink', 'getrandom',
      'clock_gettime', 'gettimeofday', 'time', 'prctl']) {
      expect(names, n).toContain(n);
    }
  });
  it('uses Linux x86-64 numbers and names', () => {
    for (const d of defs) expect(linux[String(d!.nr)], `nr ${d!.nr}`).toBe(d!.name);
  });
  it('has argument specs of at most six arguments and a support level', () => {
    for (const d of defs) {
      expect(d!.args.length).toBeLessThanOrEqual(6);
      expect(['full', 'partial', 'ignored-ok', 'enosys']).toContain(d!.support);
    }
  });
  it('prints as a Markdown table', () => {
    const md = syscallTableMarkdown();
    expect(md).toMatch(/^\| nr \| syscall \| support \| note \|/);
    expect(md).toContain('| 334 | `rseq(');
  });
});
