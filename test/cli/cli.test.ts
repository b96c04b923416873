/**
 * The x64run command: runs a program with the guest's exit status, reports signal deaths like a
 * shell (128 + signal) with the faulting instruction, and rejects bad ELF files with a message.
 */
import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import * as fs from 'node:fs';
import * as os from 'node:os';

const ROOT = path.resolve(__dirname, '../..');
const BIN = path.join(ROOT, 'bin/x64run.js');

function x64run(args: string[], input = '') {
  return spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, input, encoding: 'utf8', timeout: 60_000 });
}

describe('x64run CLI', () => {
  it('runs a nolibc program and passes its exit status through', () => {
    const r = x64run(['corpus/bin/hello-nolibc']);
    expect(r.stdout).toBe('hello from nolibc\n');
    expect(r.status).toBe(0);
  });
  it('passes arguments after the program to the guest (options included)', () => {
    const r = x64run(['--clear-env', 'corpus/bin/echo-nolibc', '--stats', '-x']);
    expect(r.stdout).toContain('argv[1]: "--stats"');
    expect(r.stdout).toContain('argv[2]: "-x"');
    expect(r.stderr).not.toContain('statistics');
  });
  it('sets guest environment variables with -E and --clear-env', () => {
    const r = x64run(['--clear-env', '-E', 'FOO=bar baz', 'corpus/bin/echo-nolibc']);
    expect(r.stdout).toContain('envp[0]: "FOO=bar baz"');
    expect(r.stdout).toContain('envc: 1');
  });
  it('a null-pointer write ends with SIGSEGV, status 139 and the faulting instruction', () => {
    const r = x64run(['corpus/bin/segv-glibc']);
    expect(r.status).toBe(139);
    expect(r.stderr).toMatch(/SIGSEGV \(Segmentation fault\)/);
    expect(r.stderr).toMatch(/fault address 0x0/);
    expect(r.stderr).toMatch(/rip=0x[0-9a-f]+: mov/);
  });
  it('reports a malformed ELF with a clear message and status 126', () => {
    const f = path.join(os.tmpdir(), `x64run-bad-${process.pid}`);
    fs.writeFileSync(f, 'not an elf');
    try {
      const r = x64run([f]);
      expect(r.status).toBe(126);
      expect(r.stderr).toMatch(/not an ELF file: bad magic/);
    } finally {
      fs.unlinkSync(f);
    }
  });
  it('reports a missing program with status 127', () => {
    const r = x64run(['corpus/bin/does-not-exist']);
    expect(r.status).toBe(127);
    expect(r.stderr).toMatch(/No such file or directory/);
  });
  it('--strace prints syscalls in strace format', () => {
    const r = x64run(['--strace', 'corpus/bin/hello-nolibc']);
    // strace aligns " = " at column 40.
    expect(r.stderr).toContain(`${'write(1, "hello from nolibc\\n", 18)'.padEnd(40)}= 18`);
    expect(r.stderr).toMatch(/exit_group\(0\) += \?/);
  });
  it('--stats reports retired instructions and syscalls', () => {
    const r = x64run(['--stats', 'corpus/bin/hello-nolibc']);
    expect(r.stderr).toMatch(/instructions retired +\d+/);
    expect(r.stderr).toMatch(/write +1/);
  });
});
