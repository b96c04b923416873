#!/usr/bin/env node
// Record native golden outputs for the corpus.
//
//   node corpus/record.mjs                 record every case in corpus/cases.json
//   node corpus/record.mjs <substring>...  record only cases whose name contains
//                                          one of the substrings
//
// Each case is run natively with cwd = repo root (or the fresh directory its
// "cwd" asks for), argv[0] = the "program" string exactly, env = exactly the
// case's env (nothing inherited), stdin = the case's "stdin"/"stdinBase64"
// (or empty), umask 022. Every case is run twice, each time in a freshly
// prepared directory; differing results abort the recording (a golden must
// be deterministic). Directory preparation, the "tree" listing and output
// encoding come from corpus/harness.mjs, which test/helpers/corpus.ts uses
// too, so both sides do exactly the same thing.
// Output: corpus/golden/<name>.json
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { prepareWorkDir, listTree, caseStdin, outputFields, programPath, CASE_UMASK } from './harness.mjs';

if (process.platform !== 'linux' || process.arch !== 'x64') {
  console.error(`record.mjs: goldens must be recorded natively on linux/x64 (this is ${process.platform}/${process.arch})`);
  process.exit(1);
}

const corpusDir = path.dirname(fileURLToPath(import.meta.url));
const root = path.dirname(corpusDir);
const goldenDir = path.join(corpusDir, 'golden');
// Cases: corpus/cases.json plus every corpus/cases.d/*.json (one file per topic).
const cases = JSON.parse(fs.readFileSync(path.join(corpusDir, 'cases.json'), 'utf8'));
const casesDir = path.join(corpusDir, 'cases.d');
if (fs.existsSync(casesDir)) {
  for (const f of fs.readdirSync(casesDir).filter((x) => x.endsWith('.json')).sort()) {
    cases.push(...JSON.parse(fs.readFileSync(path.join(casesDir, f), 'utf8')));
  }
}

const filters = process.argv.slice(2);
const selected = filters.length ? cases.filter((c) => filters.some((f) => c.name.includes(f))) : cases;
if (selected.length === 0) {
  console.error(`record.mjs: no case matches ${filters.join(', ')}`);
  process.exit(1);
}

const names = new Set();
for (const c of cases) {
  if (names.has(c.name)) throw new Error(`duplicate case name ${c.name}`);
  names.add(c.name);
  if (typeof c.program !== 'string' || !Array.isArray(c.args) || typeof c.env !== 'object' || c.env === null)
    throw new Error(`malformed case ${JSON.stringify(c)}`);
  if (c.tree && !c.cwd) throw new Error(`${c.name}: "tree" needs a "cwd"`);
}
process.umask(CASE_UMASK);

const recordedOn = `${os.type()} ${os.release()} ${os.machine()} ${new Date().toISOString()}`;

function runOnce(c) {
  const work = prepareWorkDir(c.cwd);
  try {
    const started = Date.now();
    const r = spawnSync(work ? programPath(c) : c.program, c.args, {
      argv0: c.program,
      cwd: work ? work.dir : root,
      env: { ...c.env },          // exactly this; nothing inherited
      input: caseStdin(c),
      stdio: ['pipe', 'pipe', 'pipe'],
      timeout: 20_000,
      maxBuffer: 64 * 1024 * 1024,
      windowsHide: true,
    });
    // EPIPE on stdin just means the program exited without reading all of its
    // input (stdin is a pipe); the run itself is complete and valid.
    const benignEpipe = r.error?.code === 'EPIPE' && (r.status !== null || r.signal !== null);
    if (r.error && !benignEpipe) throw new Error(`${c.name}: cannot run ${c.program}: ${r.error.message}`);
    return {
      ...outputFields('stdout', r.stdout, !!c.sortLines),
      ...outputFields('stderr', r.stderr),
      exitCode: r.status,
      signal: r.signal ?? null,
      ...(c.tree ? { tree: listTree(work.dir, started) } : {}),
    };
  } finally {
    work?.cleanup();
  }
}

fs.mkdirSync(goldenDir, { recursive: true });
let failed = 0;
for (const c of selected) {
  const a = runOnce(c);
  const b = runOnce(c);
  if (JSON.stringify(a) !== JSON.stringify(b)) {
    console.error(`record.mjs: ${c.name}: output differs between two native runs; not recording`);
    failed++;
    continue;
  }
  const golden = {
    name: c.name,
    program: c.program,
    args: c.args,
    env: c.env,
    stdin: c.stdin ?? null,
    ...(c.stdinBase64 !== undefined ? { stdinBase64: c.stdinBase64 } : {}),
    ...(c.cwd !== undefined ? { cwd: c.cwd } : {}),
    ...(c.sortLines ? { sortLines: true } : {}),
    ...(c.ownerDependent ? { ownerDependent: true, recordedUid: process.getuid() } : {}),
    ...a,
    recordedOn,
  };
  fs.writeFileSync(path.join(goldenDir, `${c.name}.json`), JSON.stringify(golden, null, 2) + '\n');
  const how = a.signal ? `signal ${a.signal}` : `exit ${a.exitCode}`;
  const size = (f) => (a[f] ?? Buffer.from(a[`${f}Base64`], 'base64')).length;
  console.log(`  REC ${c.name.padEnd(28)} ${how.padEnd(16)} stdout ${size('stdout')} B, stderr ${size('stderr')} B${a.tree !== undefined ? ', tree' : ''}`);
}

// On a full recording, drop goldens whose case no longer exists.
if (!filters.length) {
  for (const f of fs.readdirSync(goldenDir)) {
    if (f.endsWith('.json') && !names.has(f.slice(0, -5))) {
      fs.unlinkSync(path.join(goldenDir, f));
      console.log(`  DEL ${f} (no such case)`);
    }
  }
}

if (failed) {
  console.error(`record.mjs: ${failed} case(s) failed`);
  process.exit(1);
}
console.log(`record.mjs: recorded ${selected.length} golden(s) in corpus/golden`);
