/**
 * The instruction oracle: every golden case (recorded on a real x86-64 CPU by
 * `npm run isa-record`, see test/isa/README.md) replayed in every engine mode. A group passes when
 * exactly the number of cases listed in known-failures.json fail (0 when absent); a mismatch prints
 * the failing cases with their disassembly, initial state and differing fields.
 *
 * ISA_ONLY=group[,group] limits the run; ISA_REPORT=file writes every failure to a file.
 */
import { describe, it, expect } from 'vitest';
import { readFileSync, writeFileSync, appendFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ENGINES, checkCase, describeFailure, loadGolden } from './replay.js';

const here = dirname(fileURLToPath(import.meta.url));
const golden = loadGolden(join(here, 'golden'));
const known = JSON.parse(readFileSync(join(here, 'known-failures.json'), 'utf8')) as Record<string, Record<string, number>> & { reasons?: Record<string, string> };
const only = process.env.ISA_ONLY?.split(',');
const report = process.env.ISA_REPORT;
if (report) writeFileSync(report, '');

/** Failures printed in full per group (the rest are summarised by Code). */
const SHOW = 12;

describe('instruction oracle', () => {
  it('has golden cases for every group', () => {
    let total = 0;
    for (const [, f] of golden) total += f.cases.length;
    expect(total).toBeGreaterThanOrEqual(25000);
  });

  for (const engine of ENGINES) {
    for (const [group, file] of golden) {
      if (only && !only.includes(group)) continue;
      it(`${group} [${engine}] (${file.cases.length} cases)`, () => {
        const failures: string[] = [];
        let failed = 0;
        const byCode = new Map<string, number>();
        for (const c of file.cases) {
          const d = checkCase(engine, c);
          if (d.length === 0) continue;
          if (failed++ < SHOW || report) failures.push(describeFailure(engine, c, d));
          byCode.set(c.code, (byCode.get(c.code) ?? 0) + 1);
        }
        if (report && failures.length) appendFileSync(report, failures.join('\n\n') + '\n\n');
        const expected = known[engine]?.[group] ?? 0;
        if (failed !== expected) {
          const summary = [...byCode].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k}:${n}`).join(' ');
          const msg = `${group} [${engine}]: ${failed} of ${file.cases.length} cases fail, known-failures.json says ${expected}` +
            `${known.reasons?.[group] ? ` (${known.reasons[group]})` : ''}\n` +
            `failing Codes: ${summary}\n\n${failures.slice(0, SHOW).join('\n\n')}`;
          expect.fail(msg);
        }
      });
    }
  }
});
