/**
 * Syscall hooks (RunOptions.syscalls, src/kernel/hooks.ts): JavaScript interposed on syscalls
 * before x64run's table. A hook answers a call, changes its arguments and passes it on, or runs
 * x64run's handler through `pass()` and post-processes the result. The guest is
 * corpus/bin/hook-demo-* (corpus/src/hook-demo.c): it prints getpid() and the files it is given.
 */
import { describe, it, expect } from 'vitest';
import * as path from 'node:path';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { run, SyscallError, type RunOptions, type SyscallHooks } from '../../src/index.js';
import * as harness from '../../corpus/harness.mjs';

const ROOT = path.resolve(__dirname, '../..');
const EACCES = 13;

/** Runs hook-demo in a fresh copy of corpus/fixtures/hook (greeting.txt). */
async function demo(libc: 'glibc' | 'musl', args: string[], options: RunOptions = {}) {
  const work = harness.prepareWorkDir('fixture:hook')!;
  try {
    const lines: string[] = [];
    const r = await run(path.join(ROOT, `corpus/bin/hook-demo-${libc}`), ['hook-demo', ...args], {}, {
      cwd: work.dir, stdout: 'capture', stderr: 'capture', onWarning: () => {}, trace: (l) => lines.push(l), ...options,
    });
    return { r, lines, stdout: Buffer.from(r.stdout!).toString() };
  } finally {
    work.cleanup();
  }
}

/** A tiny library OS: files served from memory through open/openat, read and close. */
function memoryFiles(files: Record<string, string>): SyscallHooks {
  const open = new Map<number, { data: Uint8Array; pos: number }>();
  let nextFd = 100;
  const openPath = (p: string) => {
    if (!(p in files)) return undefined; // not ours: x64run's VFS opens it
    open.set(nextFd, { data: new TextEncoder().encode(files[p]), pos: 0 });
    return nextFd++;
  };
  return {
    openat: (c) => openPath(c.mem.readString(c.args[1])),
    open: (c) => openPath(c.mem.readString(c.args[0])), // musl uses open(2)
    read: (c) => {
      const f = open.get(c.args[0]);
      if (!f) return undefined;
      const chunk = f.data.subarray(f.pos, f.pos + c.args[2]);
      c.mem.write(c.args[1], chunk);
      f.pos += chunk.length;
      return chunk.length;
    },
    close: (c) => (open.delete(c.args[0]) ? 0 : undefined),
  };
}

describe('syscall hooks', () => {
  it('without hooks the demo prints what it prints natively', async () => {
    const { r, stdout } = await demo('glibc', ['greeting.txt']);
    expect(r.exitCode).toBe(0);
    expect(stdout).toBe('getpid() > 0: yes\ngetpid() == syscall(SYS_getpid): yes\ngreeting.txt "Greetings from a host file.\\n" (28)\n');
  });

  it('a getpid hook changes what the guest prints', async () => {
    const seen: { nr: number; name: string; same: boolean }[] = [];
    for (const libc of ['glibc', 'musl'] as const) {
      const { stdout, lines } = await demo(libc, ['-p'], {
        syscalls: { getpid: (c) => { seen.push({ nr: c.nr, name: c.name, same: c.pid === c.tid }); return 4242; } },
      });
      expect(stdout).toBe('getpid() > 0: yes\ngetpid() == syscall(SYS_getpid): yes\npid 4242\n');
      expect(lines.filter((l) => l.startsWith('getpid('))).toEqual(['getpid()                                = 4242', 'getpid()                                = 4242']);
    }
    expect(seen).toEqual(Array(4).fill({ nr: 39, name: 'getpid', same: true }));
  });

  it('hooks by number ("39", 39, "syscall_39"); a name wins over its number', async () => {
    expect((await demo('glibc', ['-p'], { syscalls: { 39: () => 7 } })).stdout).toContain('pid 7\n');
    expect((await demo('glibc', ['-p'], { syscalls: { '39': () => 8 } })).stdout).toContain('pid 8\n');
    expect((await demo('glibc', ['-p'], { syscalls: { syscall_39: () => 9 } })).stdout).toContain('pid 9\n');
    expect((await demo('glibc', ['-p'], { syscalls: { 39: () => 10, getpid: () => 11 } })).stdout).toContain('pid 11\n');
  });

  it('serves files from memory through openat/read/close (a tiny library OS), others from the VFS', async () => {
    const files = { '/lib-os/motd': 'Hello from a JavaScript library OS\n', 'greeting.txt': 'served from memory, not the fixture\n' };
    for (const libc of ['glibc', 'musl'] as const) {
      const { r, stdout, lines } = await demo(libc, ['-p', '/lib-os/motd', 'greeting.txt', 'missing.txt'], {
        syscalls: { getpid: () => 4242, ...memoryFiles(files) },
      });
      expect(r.exitCode).toBe(0);
      expect(stdout).toBe('getpid() > 0: yes\ngetpid() == syscall(SYS_getpid): yes\npid 4242\n' +
        '/lib-os/motd "Hello from a JavaScript library OS\\n" (35)\n' +
        'greeting.txt "served from memory, not the fixture\\n" (36)\n' +
        'open missing.txt = -1 ENOENT\n');
      const openName = libc === 'glibc' ? 'openat' : 'open';
      expect(lines.some((l) => l.startsWith(`${openName}(`) && l.includes('"/lib-os/motd"') && l.endsWith('= 100'))).toBe(true);
      expect(lines.some((l) => l.startsWith(`${openName}(`) && l.includes('"missing.txt"') && l.includes('ENOENT'))).toBe(true);
    }
  });

  it('a hook that changes the arguments and passes the call on', async () => {
    // Every read of fd 3 asks for at most 5 bytes: the guest's read loop still gets the whole file.
    const { stdout, lines } = await demo('glibc', ['greeting.txt'], {
      syscalls: { read: (c) => { if (c.args[0] === 3) c.args[2] = Math.min(c.args[2], 5); } },
    });
    expect(stdout).toContain('greeting.txt "Greetings from a host file.\\n" (28)\n');
    const reads = lines.filter((l) => l.startsWith('read(3,'));
    expect(reads.map((l) => l.split(' = ')[1].trim())).toEqual(['5', '5', '5', '5', '5', '3', '0']);
    expect(reads.every((l) => /, 5\) +=/.test(l))).toBe(true); // the trace shows the changed count
  });

  it('a hook that redirects the call to another syscall (call.nr) and passes it on', async () => {
    const { stdout, lines } = await demo('glibc', ['-p'], { uid: 4321, syscalls: { getpid: (c) => { c.nr = 102; } } }); // getuid
    expect(stdout).toContain('pid 4321\n');
    expect(lines.filter((l) => l.startsWith('getpid('))).toEqual(['getpid()                                = 4321', 'getpid()                                = 4321']);
  });

  it('pass() runs x64run\'s handler and lets the hook post-process the result', async () => {
    const { stdout } = await demo('glibc', ['greeting.txt'], {
      syscalls: {
        read: (c) => {
          const n = c.pass() as number;
          if (n > 0 && c.args[0] === 3) c.mem.write(c.args[1], new TextEncoder().encode(new TextDecoder().decode(c.mem.read(c.args[1], n)).toUpperCase()));
          return n;
        },
      },
    });
    expect(stdout).toContain('greeting.txt "GREETINGS FROM A HOST FILE.\\n" (28)\n');
  });

  it('fails a call with SyscallError(errno); async hooks block the guest until they settle', async () => {
    const { stdout } = await demo('glibc', ['-p', 'greeting.txt'], {
      syscalls: {
        openat: (c) => { if (c.mem.readString(c.args[1]) === 'greeting.txt') throw new SyscallError(EACCES); },
        getpid: async () => { await new Promise((r) => setTimeout(r, 5)); return 555; },
      },
    });
    expect(stdout).toBe('getpid() > 0: yes\ngetpid() == syscall(SYS_getpid): yes\npid 555\nopen greeting.txt = -1 EACCES\n');
  });

  it('a bad guest pointer in the memory API fails the call with -EFAULT', async () => {
    const { stdout } = await demo('glibc', ['greeting.txt'], {
      syscalls: { openat: (c) => { c.mem.readString(0x10); return 3; } },
    });
    expect(stdout).toContain('open greeting.txt = -1 EFAULT');
  });

  it('rejects hooks for unknown names, and a hook that throws ends the run with its error', async () => {
    await expect(demo('glibc', [], { syscalls: { no_such_syscall: () => 0 } })).rejects.toThrow(/unknown syscall name "no_such_syscall"/);
    await expect(demo('glibc', [], { syscalls: { getpid: () => { throw new Error('boom'); } } })).rejects.toThrow(/syscall hook for getpid threw: boom/);
    await expect(demo('glibc', [], { syscalls: { getpid: async () => { throw new Error('late boom'); } } })).rejects.toThrow(/syscall hook for getpid threw: late boom/);
  });
});

describe("the README's library-OS example", () => {
  const dist = path.join(ROOT, 'dist/index.js');
  it.skipIf(!fs.existsSync(dist))('runs and prints what it says (needs dist/: `npm test` builds it)', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const at = readme.indexOf('<!-- libos-example');
    expect(at).toBeGreaterThan(0);
    const start = readme.indexOf('```js\n', at) + 6;
    const code = readme.slice(start, readme.indexOf('\n```', start));
    expect(code.split('\n').length).toBeLessThanOrEqual(14);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'x64run-readme-'));
    try {
      const file = path.join(dir, 'libos.mjs');
      fs.writeFileSync(file, code.replace("from 'x64run'", `from ${JSON.stringify(pathToFileURL(dist).href)}`));
      const r = spawnSync(process.execPath, [file], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
      expect(r.stderr).toBe('');
      expect(r.stdout).toBe('getpid() > 0: yes\ngetpid() == syscall(SYS_getpid): yes\npid 4242\n' +
        '/etc/motd "Hello from a JavaScript library OS\\n" (35)\n');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
