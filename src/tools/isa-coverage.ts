/**
 * `npm run isa-coverage`: for every family of the user-mode baseline ISA (src/tools/isa-baseline.ts)
 * prints which iced `Code`s are implemented (registered in the dispatch table, src/cpu/dispatch.ts)
 * and which have golden cases in the instruction oracle (test/isa/golden), and lists the ones
 * missing either. Excluded forms are listed with their reason.
 *
 *   node dist/tools/isa-coverage.js [--verbose]     (--verbose lists every Code, not only the gaps)
 */
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { Code } from '../cpu/iced.js';
import { isImplemented, familyOfCode } from '../cpu/dispatch.js';
import '../cpu/instructions.js';
import { FAMILIES, baselineCodes } from './isa-baseline.js';

const here = dirname(fileURLToPath(import.meta.url));
const goldenDir = resolve(here, '../../test/isa/golden');
const verbose = process.argv.includes('--verbose');

/** Golden case count per Code name. */
function goldenCounts(): Map<string, number> {
  const m = new Map<string, number>();
  if (!existsSync(goldenDir)) return m;
  for (const f of readdirSync(goldenDir).filter((n) => n.endsWith('.jsonl.gz'))) {
    const lines = gunzipSync(readFileSync(join(goldenDir, f))).toString('utf8').split('\n');
    for (let k = 1; k < lines.length; k++) {
      if (!lines[k]) continue;
      const code = (JSON.parse(lines[k]) as { code: string }).code;
      m.set(code, (m.get(code) ?? 0) + 1);
    }
  }
  return m;
}

function main(): void {
  const golden = goldenCounts();
  const all = baselineCodes();
  const pad = (s: string | number, n: number) => String(s).padStart(n);
  console.log('Baseline ISA coverage: implemented = registered in src/cpu/dispatch.ts; oracle = has golden cases in test/isa/golden.\n');
  console.log(`${'family'.padEnd(10)} ${pad('codes', 6)} ${pad('impl', 6)} ${pad('oracle', 7)} ${pad('both', 6)} ${pad('cases', 7)} ${pad('excl', 5)}`);
  let tot = [0, 0, 0, 0, 0, 0];
  const details: string[] = [];
  for (const fam of FAMILIES) {
    const codes = all.filter((c) => c.family === fam);
    const incl = codes.filter((c) => !c.excluded);
    const impl = incl.filter((c) => isImplemented(c.code));
    const orc = incl.filter((c) => golden.has(c.name));
    const both = incl.filter((c) => isImplemented(c.code) && golden.has(c.name));
    const cases = incl.reduce((s, c) => s + (golden.get(c.name) ?? 0), 0);
    const excl = codes.length - incl.length;
    console.log(`${fam.padEnd(10)} ${pad(incl.length, 6)} ${pad(impl.length, 6)} ${pad(orc.length, 7)} ${pad(both.length, 6)} ${pad(cases, 7)} ${pad(excl, 5)}`);
    tot = [tot[0] + incl.length, tot[1] + impl.length, tot[2] + orc.length, tot[3] + both.length, tot[4] + cases, tot[5] + excl];
    const notImpl = incl.filter((c) => !isImplemented(c.code)).map((c) => c.name);
    const noGolden = incl.filter((c) => !golden.has(c.name)).map((c) => c.name);
    if (notImpl.length) details.push(`${fam}: not implemented (${notImpl.length}): ${notImpl.join(' ')}`);
    if (noGolden.length) details.push(`${fam}: no golden cases (${noGolden.length}): ${noGolden.join(' ')}`);
    const elsewhere = impl.filter((c) => familyOfCode(c.code) && familyOfCode(c.code) !== fam && !familyOfCode(c.code).startsWith(fam));
    if (verbose && elsewhere.length) details.push(`${fam}: implemented in another family file: ${elsewhere.map((c) => `${c.name}(${familyOfCode(c.code)})`).join(' ')}`);
    if (verbose) details.push(`${fam}: ${incl.map((c) => `${c.name}[${isImplemented(c.code) ? 'impl' : '-'}${golden.has(c.name) ? `,${golden.get(c.name)}` : ''}]`).join(' ')}`);
  }
  console.log(`${'total'.padEnd(10)} ${pad(tot[0], 6)} ${pad(tot[1], 6)} ${pad(tot[2], 7)} ${pad(tot[3], 6)} ${pad(tot[4], 7)} ${pad(tot[5], 5)}`);
  const extra = [...golden].filter(([n]) => !all.some((c) => c.name === n && !c.excluded));
  if (extra.length) console.log(`\nGolden cases beyond the baseline Codes (privileged #GP, ...): ${extra.map(([n, k]) => `${n}:${k}`).join(' ')}`);
  if (details.length) console.log('\n' + details.join('\n\n'));
  const reasons = new Map<string, string[]>();
  for (const c of all) if (c.excluded) { const l = reasons.get(c.excluded) ?? []; l.push(c.name); reasons.set(c.excluded, l); }
  console.log('\nExcluded from the oracle:');
  for (const [r, names] of reasons) console.log(`- ${r} (${names.length}): ${names.join(' ')}`);
  void Code;
}

main();
