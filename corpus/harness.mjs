// Case setup and result encoding shared by the native recorder (corpus/record.mjs) and the
// emulated replay (test/helpers/corpus.ts). Both sides import this one module, so a fixture
// is prepared and a result is encoded in exactly the same way natively and under x64run.
//
//   const work = prepareWorkDir(c.cwd);        // null, or { dir, cleanup() }
//   ... run the program with cwd = work.dir ...
//   listTree(work.dir, startedMs)               // the "tree" golden
//   encodeOutput(bytes, c.sortLines)            // { text } or { base64 }
//
// See corpus/README.md, "Cases", for the meaning of every case field.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const CORPUS_DIR = path.dirname(fileURLToPath(import.meta.url));
export const ROOT_DIR = path.dirname(CORPUS_DIR);

/** Every entry of a fixture copy gets this atime and mtime: 2020-09-13T12:26:40Z. */
export const FIXTURE_MTIME = 1600000000;

/** The umask both sides run guests with (x64run's default is 022 too). */
export const CASE_UMASK = 0o022;

/**
 * Prepares the working directory a case asks for:
 *   undefined          -> null: run in the repository root
 *   "tmp"              -> a fresh, empty temporary directory (mode 0755)
 *   "fixture:<name>"   -> a fresh copy of corpus/fixtures/<name>, normalised: directories 0755,
 *                         files 0644 (0755 when the source has an execute bit), every entry's
 *                         atime/mtime = FIXTURE_MTIME (symlinks too); entries are created in
 *                         sorted name order
 * Returns { dir, cleanup }.
 */
export function prepareWorkDir(spec) {
  if (spec === undefined || spec === null) return null;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'x64run-case-'));
  const cleanup = () => {
    // The guest may have left read-only directories behind.
    try { fs.rmSync(dir, { recursive: true, force: true }); } catch { /* best effort */ }
  };
  try {
    if (spec === 'tmp') {
      fs.chmodSync(dir, 0o755);
    } else if (typeof spec === 'string' && spec.startsWith('fixture:')) {
      const src = path.join(CORPUS_DIR, 'fixtures', spec.slice('fixture:'.length));
      if (!fs.statSync(src).isDirectory()) throw new Error(`fixture ${src} is not a directory`);
      copyTree(src, dir);
      normalise(dir);
    } else {
      throw new Error(`unknown cwd spec ${JSON.stringify(spec)}`);
    }
  } catch (e) {
    cleanup();
    throw e;
  }
  return { dir, cleanup };
}

function copyTree(src, dst) {
  for (const name of fs.readdirSync(src).sort()) {
    const s = path.join(src, name), d = path.join(dst, name);
    const st = fs.lstatSync(s);
    if (st.isSymbolicLink()) fs.symlinkSync(fs.readlinkSync(s), d);
    else if (st.isDirectory()) { fs.mkdirSync(d); copyTree(s, d); }
    else if (st.isFile()) { fs.copyFileSync(s, d); fs.chmodSync(d, st.mode & 0o111 ? 0o755 : 0o644); }
    else throw new Error(`fixture entry ${s} is not a file, directory or symlink`);
  }
}

/** Modes and times, bottom-up (creating an entry changes its directory's mtime). */
function normalise(dir) {
  for (const name of fs.readdirSync(dir).sort()) {
    const p = path.join(dir, name);
    const st = fs.lstatSync(p);
    if (st.isDirectory()) normalise(p);
    if (st.isSymbolicLink()) fs.lutimesSync(p, FIXTURE_MTIME, FIXTURE_MTIME);
    else fs.utimesSync(p, FIXTURE_MTIME, FIXTURE_MTIME);
  }
  fs.chmodSync(dir, 0o755);
  fs.utimesSync(dir, FIXTURE_MTIME, FIXTURE_MTIME);
}

/**
 * The "tree" golden: one line per entry below `dir`, sorted by path:
 *   <type> <mode> <size> <mtime> <path>[ -> <target>]
 * type d/f/l/p/s/c/b; mode in octal (permission bits); size for files (and the target length
 * for symlinks), "-" for directories (their size is the file system's business); mtime is
 * "fixture" (untouched), "new" (set at or after `startedMs` - 1s, i.e. by the run) or the
 * seconds since the epoch (set explicitly to an older time, e.g. by touch -d or tar x).
 */
export function listTree(dir, startedMs) {
  const lines = [];
  const newSince = Math.floor(startedMs / 1000) - 1;
  const walk = (abs, rel) => {
    for (const name of fs.readdirSync(abs).sort()) {
      const p = path.join(abs, name), r = rel ? `${rel}/${name}` : name;
      const st = fs.lstatSync(p);
      const type = st.isDirectory() ? 'd' : st.isFile() ? 'f' : st.isSymbolicLink() ? 'l' : st.isFIFO() ? 'p'
        : st.isSocket() ? 's' : st.isCharacterDevice() ? 'c' : 'b';
      const mode = (st.mode & 0o7777).toString(8).padStart(4, '0');
      const size = type === 'd' ? '-' : String(st.size);
      const secs = Math.floor(st.mtimeMs / 1000);
      const mtime = secs === FIXTURE_MTIME ? 'fixture' : secs >= newSince ? 'new' : String(secs);
      lines.push(`${type} ${mode} ${size} ${mtime} ${r}${type === 'l' ? ` -> ${fs.readlinkSync(p)}` : ''}`);
      if (type === 'd') walk(p, r);
    }
  };
  walk(dir, '');
  return lines.join('\n') + (lines.length ? '\n' : '');
}

/** stdin bytes of a case: "stdinBase64" (binary input) or "stdin" (UTF-8 text) or empty. */
export function caseStdin(c) {
  if (typeof c.stdinBase64 === 'string') return Buffer.from(c.stdinBase64, 'base64');
  return Buffer.from(c.stdin ?? '', 'utf8');
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * How an output stream is stored: { text } when the bytes are valid UTF-8, else { base64 }.
 * With `sortLines` the text's lines are sorted (byte order) first: for programs whose output
 * order is the directory order of the host file system (find, grep -r).
 */
export function encodeOutput(bytes, sortLines = false) {
  const b = Buffer.from(bytes ?? new Uint8Array(0));
  let text;
  try {
    text = strictUtf8.decode(b);
  } catch {
    return { base64: b.toString('base64') };
  }
  if (sortLines) text = sortTextLines(text);
  return { text };
}

export function sortTextLines(text) {
  if (text === '') return text;
  const nl = text.endsWith('\n');
  const lines = (nl ? text.slice(0, -1) : text).split('\n');
  lines.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  return lines.join('\n') + (nl ? '\n' : '');
}

/** The golden's fields for one stream: stdout / stdoutBase64 (stderr alike). */
export function outputFields(name, bytes, sortLines = false) {
  const e = encodeOutput(bytes, sortLines);
  return e.base64 !== undefined ? { [name]: null, [`${name}Base64`]: e.base64 } : { [name]: e.text };
}

/** Absolute path of the program of a case (program strings are relative to the repository root). */
export function programPath(c) {
  return path.resolve(ROOT_DIR, c.program);
}
