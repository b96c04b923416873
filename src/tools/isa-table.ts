/**
 * `npm run isa-table`: which iced-x86 Codes the interpreter implements, grouped by the family
 * file that implements them (so "where is shld?" is one lookup).
 */
import { Code } from '../cpu/iced.js';
import '../cpu/instructions.js';
import { isImplemented, familyOfCode } from '../cpu/dispatch.js';

export function implementedByFamily(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const n = Object.keys(Code).length / 2;
  for (let c = 0; c < n; c++) {
    if (!isImplemented(c)) continue;
    const fam = familyOfCode(c);
    if (!out.has(fam)) out.set(fam, []);
    out.get(fam)!.push(Code[c]);
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const fams = implementedByFamily();
  let total = 0;
  const lines: string[] = ['| family (src/cpu/…) | Codes | iced Code names |', '|---|---:|---|'];
  for (const [fam, codes] of [...fams].sort()) {
    total += codes.length;
    lines.push(`| ${fam} | ${codes.length} | ${codes.join(' ')} |`);
  }
  lines.push('', `${total} iced Codes implemented.`);
  process.stdout.write(lines.join('\n') + '\n');
}
