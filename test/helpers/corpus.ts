/**
 * Helpers to replay corpus cases (corpus/cases.json) recorded natively (corpus/golden/*.json)
 * under the emulator with exactly the same argv, environment and stdin.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { run, type RunOptions, type RunResult } from '../../src/index.js';

export const ROOT = path.resolve(__dirname, '../..');

export interface Golden {
  name: string;
  program: string;
  args: string[];
  env: Record<string, string>;
  stdin: string | null;
  stdout: string;
  stderr: string;
  exitCode: number | null;
  signal: string | null;
}

export function loadGoldens(filter?: (g: Golden) => boolean): Golden[] {
  const dir = path.join(ROOT, 'corpus/golden');
  return fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort()
    .map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as Golden)
    .filter((g) => !filter || filter(g));
}

/** Runs a golden case under x64run from the repository root (argv[0] = program string, like the recorder). */
export async function runGolden(g: Golden, options: RunOptions = {}): Promise<RunResult> {
  const cwd = process.cwd();
  process.chdir(ROOT);
  try {
    return await run(g.program, [g.program, ...g.args], g.env, {
      stdin: g.stdin ?? '', stdout: 'capture', stderr: 'capture', onWarning: () => {}, ...options,
    });
  } finally {
    process.chdir(cwd);
  }
}

export const text = (b: Uint8Array | undefined): string => Buffer.from(b ?? new Uint8Array(0)).toString('utf8');
