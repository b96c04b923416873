/**
 * The sandbox: a guest given a root directory (options.fs.root / `x64run --root DIR`) must not
 * read, create, rename or link anything outside it, whatever path tricks it plays. The probe
 * (corpus/src/sandbox-probe.c) makes the real escape attempts — `..` chains, absolute and
 * relative symlinks pointing out, /proc/self/root and /proc/self/cwd, dirfd-relative opens,
 * fchdir("..") loops, openat2 without RESOLVE_* flags, rename/link across the boundary — and the
 * tests check both what the guest saw and that the host files outside are untouched.
 */
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { run } from '../../src/index.js';

const REPO = path.resolve(__dirname, '../..');
const SECRET = 'top-secret-host-data';

let tmp: string, root: string, outside: string;

/** tmp/outside/secret.txt (must stay unreachable) and tmp/root with links that point out of it. */
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'x64run-sandbox-'));
  root = path.join(tmp, 'root');
  outside = path.join(tmp, 'outside');
  fs.mkdirSync(path.join(root, 'sub'), { recursive: true });
  fs.mkdirSync(outside);
  fs.writeFileSync(path.join(outside, 'secret.txt'), SECRET + '\n');
  fs.writeFileSync(path.join(root, 'inside.txt'), 'inside\n');
  fs.symlinkSync(path.join(outside, 'secret.txt'), path.join(root, 'abs'));
  fs.symlinkSync('../outside/secret.txt', path.join(root, 'rel'));
  fs.symlinkSync('../../outside/secret.txt', path.join(root, 'sub/rel2'));
  fs.symlinkSync(outside, path.join(root, 'outdir'));
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of fs.readdirSync(dir)) out[name] = fs.readFileSync(path.join(dir, name), 'utf8');
  return out;
}

async function probe(variant: string, cmds: string[], fsOpts: { readOnly?: boolean; mounts?: Record<string, { host: string }> } = {}) {
  const before = snapshot(outside);
  const elf = fs.readFileSync(path.join(REPO, 'corpus/bin', `sandbox-probe-${variant}`));
  const r = await run(elf, ['sandbox-probe', ...cmds], {}, { fs: { root, ...fsOpts } });
  expect(r.exitCode).toBe(0);
  // Nothing outside the root was read, created, renamed or changed.
  expect(snapshot(outside)).toEqual(before);
  const lines: Record<string, string> = {};
  const text = new TextDecoder().decode(r.stdout);
  expect(text).not.toContain(SECRET);
  for (const l of text.trimEnd().split('\n')) {
    const i = l.indexOf(' -> ');
    lines[l.slice(0, i)] = l.slice(i + 4);
  }
  return lines;
}

describe.each(['glibc', 'musl'])('sandboxed root (%s)', (variant) => {
  it('paths and symlinks that point outside resolve inside the root', async () => {
    const hostSecret = path.join(outside, 'secret.txt');
    const r = await probe(variant, [
      'read:/inside.txt', 'read:/abs', 'read:/rel', 'read:/sub/rel2', 'read:/outdir/secret.txt',
      `read:/../../..${hostSecret}`, `read:../../..${hostSecret}`, 'read:/../outside/secret.txt',
    ]);
    expect(r['read:/inside.txt']).toBe('"inside"');
    for (const k of ['read:/abs', 'read:/rel', 'read:/sub/rel2', 'read:/outdir/secret.txt', `read:/../../..${hostSecret}`,
      `read:../../..${hostSecret}`, 'read:/../outside/secret.txt']) expect(r[k]).toBe('ENOENT');
  });

  it('/proc/self/root and /proc/self/cwd are the guest root, not the host one', async () => {
    const r = await probe(variant, [
      'readlink:/proc/self/root', 'readlink:/proc/self/cwd', 'read:/proc/self/root/../outside/secret.txt',
      `read:/proc/self/root${path.join(outside, 'secret.txt')}`, 'read:/proc/self/cwd/../outside/secret.txt',
      'readat:/proc/self/cwd:../outside/secret.txt', 'list:/proc/self/root/..',
    ]);
    expect(r['readlink:/proc/self/root']).toBe('"/"');
    expect(r['readlink:/proc/self/cwd']).toBe('"/"');
    expect(r['read:/proc/self/root/../outside/secret.txt']).toBe('ENOENT');
    expect(r[`read:/proc/self/root${path.join(outside, 'secret.txt')}`]).toBe('ENOENT');
    expect(r['read:/proc/self/cwd/../outside/secret.txt']).toBe('ENOENT');
    expect(r['readat:/proc/self/cwd:../outside/secret.txt']).toBe('ENOENT');
    expect(r['list:/proc/self/root/..']).toBe('abs inside.txt outdir rel sub');
  });

  it('dirfd-relative opens, fchdir("..") loops and openat2 without RESOLVE flags stop at the root', async () => {
    const r = await probe(variant, [
      'readat:/sub:../../outside/secret.txt', 'readat:/:../outside/secret.txt', 'readat:/sub:../inside.txt',
      'chdir:/sub', 'fchdirup:6', 'getcwd', 'read:outside/secret.txt', 'read:inside.txt',
      'openat2:/../outside/secret.txt', 'openat2:/rel', 'openat2:/inside.txt',
    ]);
    expect(r['readat:/sub:../../outside/secret.txt']).toBe('ENOENT');
    expect(r['readat:/:../outside/secret.txt']).toBe('ENOENT');
    expect(r['readat:/sub:../inside.txt']).toBe('"inside"');
    expect(r['fchdirup:6']).toBe('ok');
    expect(r['getcwd']).toBe('"/"');
    expect(r['read:outside/secret.txt']).toBe('ENOENT');
    expect(r['read:inside.txt']).toBe('"inside"');
    expect(r['openat2:/../outside/secret.txt']).toBe('ENOENT');
    expect(r['openat2:/rel']).toBe('ENOENT');
    expect(r['openat2:/inside.txt']).toBe('"inside"');
  });

  it('writes, renames, links and new symlinks cannot cross the boundary', async () => {
    const r = await probe(variant, [
      'write:/../outside/new.txt', 'write:/outdir/new.txt', 'rename:/inside.txt:/../outside/moved',
      'rename:/inside.txt:/outdir/moved', 'link:/inside.txt:/../outside/hard', 'unlink:/outdir/secret.txt',
      `symlink:${path.join(outside, 'secret.txt')}:/mine`, 'read:/mine', 'write:/mine',
    ]);
    // /outdir is an absolute symlink to the host directory: inside the root it names a missing
    // directory, so writes through it fail instead of landing outside.
    expect(r['write:/../outside/new.txt']).toBe('ENOENT');
    expect(r['write:/outdir/new.txt']).toBe('ENOENT');
    expect(r['rename:/inside.txt:/../outside/moved']).toBe('ENOENT');
    expect(r['rename:/inside.txt:/outdir/moved']).toBe('ENOENT');
    expect(r['link:/inside.txt:/../outside/hard']).toBe('ENOENT');
    expect(r['unlink:/outdir/secret.txt']).toBe('ENOENT');
    expect(r[`symlink:${path.join(outside, 'secret.txt')}:/mine`]).toBe('ok');
    expect(r['read:/mine']).toBe('ENOENT');
    // O_CREAT through the guest's own dangling link would create its target, but the target's
    // directories do not exist inside the root (Linux answers ENOENT the same way).
    expect(r['write:/mine']).toBe('ENOENT');
  });

  it('a read-only root refuses every change with EROFS', async () => {
    const r = await probe(variant, ['write:/inside.txt', 'unlink:/inside.txt', 'symlink:x:/y', 'rename:/inside.txt:/z'],
      { readOnly: true });
    for (const v of Object.values(r)) expect(v).toBe('EROFS');
    expect(fs.readFileSync(path.join(root, 'inside.txt'), 'utf8')).toBe('inside\n');
  });

  it('".." from a mount point goes to the guest parent, and links/renames across mounts fail with EXDEV', async () => {
    const mnt = path.join(tmp, 'mnt');
    fs.mkdirSync(mnt);
    fs.writeFileSync(path.join(mnt, 'm.txt'), 'm\n');
    const r = await probe(variant, [
      'read:/data/m.txt', 'read:/data/../inside.txt', 'readat:/data:../../outside/secret.txt',
      'rename:/data/m.txt:/moved', 'link:/inside.txt:/data/x',
    ], { mounts: { '/data': { host: mnt } } });
    expect(r['read:/data/m.txt']).toBe('"m"');
    expect(r['read:/data/../inside.txt']).toBe('"inside"');
    expect(r['readat:/data:../../outside/secret.txt']).toBe('ENOENT');
    expect(r['rename:/data/m.txt:/moved']).toBe('EXDEV');
    expect(r['link:/inside.txt:/data/x']).toBe('EXDEV');
  });
});

describe('x64run --root', () => {
  it('confines the guest and shows the root as /', () => {
    const r = spawnSync(process.execPath, [path.join(REPO, 'bin/x64run.js'), '--root', root, '--read-only',
      'corpus/bin/sandbox-probe-musl', 'getcwd', 'read:/abs', 'read:/inside.txt', 'write:/n'],
    { cwd: REPO, encoding: 'utf8', timeout: 60_000 });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('getcwd -> "/"\nread:/abs -> ENOENT\nread:/inside.txt -> "inside"\nwrite:/n -> EROFS\n');
    expect(r.status).toBe(0);
  });
  it('rejects a root that is not a directory', () => {
    const r = spawnSync(process.execPath, [path.join(REPO, 'bin/x64run.js'), '--root', path.join(tmp, 'nope'),
      'corpus/bin/hello-nolibc'], { cwd: REPO, encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('not a directory');
  });
});
