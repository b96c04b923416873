/**
 * Helpers to replay corpus cases (corpus/cases.json) recorded natively (corpus/golden/*.json)
 * under the emulator with exactly the same argv, environment, stdin and working directory.
 *
 * Directory preparation ("cwd": "tmp" | "fixture:<name>"), the "tree" listing and the
 * encoding of outputs come from corpus/harness.mjs, the module corpus/record.mjs uses for the
 * native runs, so the two sides cannot drift apart.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { run, type RunOptions, type RunResult } from '../../src/index.js';
import * as harness from '../../corpus/harness.mjs';

export const ROOT = path.resolve(__dirname, '../..');

export interface Golden {
  name: string;
  program: string;
  args: string[];
  env: Record<string, string>;
  stdin: string | null;
  stdinBase64?: string;
  /** "tmp" or "fixture:<name>": run in a freshly prepared directory. */
  cwd?: string;
  sortLines?: boolean;
  /** Output names the owner of files created by the run: comparable only when run by `recordedUid`. */
  ownerDependent?: boolean;
  recordedUid?: number;
  stdout: string | null;
  stdoutBase64?: string;
  stderr: string | null;
  stderrBase64?: string;
  exitCode: number | null;
  signal: string | null;
  /** Listing of the working directory after the run (harness.listTree). */
  tree?: string;
}

export function loadGoldens(filter?: (g: Golden) => boolean): Golden[] {
  const dir = path.join(ROOT, 'corpus/golden');
  return fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort()
    .map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as Golden)
    .filter((g) => !filter || filter(g));
}

export interface GoldenRun {
  result: RunResult;
  /** harness.listTree of the working directory after the run (when the golden has a tree). */
  tree?: string;
}

/**
 * Which build runs the case: the TypeScript sources (as vitest transforms them) or the built
 * dist/ that `npx x64run` and the benchmarks run (tsc output after the build's constant
 * inlining, src/tools/inline-constants.ts; `npm test` builds it first).
 */
export type Build = 'src' | 'dist';

/**
 * Runs a golden case under x64run: from the repository root (argv[0] = program string, like
 * the recorder), or in a fresh copy of its fixture directory.
 */
export async function runGoldenCase(g: Golden, options: RunOptions = {}, build: Build = 'src'): Promise<GoldenRun> {
  const runner = build === 'dist' ? (await import('../../dist/index.js')).run as typeof run : run;
  const cwd = process.cwd();
  const oldUmask = process.umask(harness.CASE_UMASK);
  process.chdir(ROOT);
  const work = harness.prepareWorkDir(g.cwd);
  try {
    const started = Date.now();
    const result = await runner(work ? harness.programPath(g) : g.program, [g.program, ...g.args], g.env, {
      stdin: new Uint8Array(harness.caseStdin(g)), stdout: 'capture', stderr: 'capture', onWarning: () => {},
      ...(work ? { cwd: work.dir } : {}),
      ...options,
    });
    return { result, tree: g.tree !== undefined && work ? harness.listTree(work.dir, started) : undefined };
  } finally {
    work?.cleanup();
    process.chdir(cwd);
    process.umask(oldUmask);
  }
}

/** Runs a golden case and returns only the RunResult (see runGoldenCase). */
export async function runGolden(g: Golden, options: RunOptions = {}): Promise<RunResult> {
  return (await runGoldenCase(g, options)).result;
}

/** The golden's fields for an emulated output, encoded like the recorder encodes native output. */
export function outputFields(name: 'stdout' | 'stderr', bytes: Uint8Array | undefined, sortLines = false): Record<string, string | null> {
  return harness.outputFields(name, bytes ?? new Uint8Array(0), sortLines);
}

/** Why a golden cannot be compared on this host, or null. */
export function skipReason(g: Golden): string | null {
  if (g.ownerDependent && process.getuid && g.recordedUid !== process.getuid()) {
    return `output names file owners; recorded as uid ${g.recordedUid}, running as uid ${process.getuid()}`;
  }
  return null;
}

export const text = (b: Uint8Array | undefined): string => Buffer.from(b ?? new Uint8Array(0)).toString('utf8');
