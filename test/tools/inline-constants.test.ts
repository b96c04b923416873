/**
 * The build step that replaces numeric module constants with their values in dist
 * (src/tools/inline-constants.ts): what it replaces, what it must leave alone (property names,
 * declarations, shadowed names), and that the rewritten modules compute the same values.
 */
import { describe, it, expect } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { inlineConstants } from '../../src/tools/inline-constants.js';

describe('inline-constants', () => {
  it('inlines folded constants across modules, keeps names that are not references or are shadowed', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'x64run-inline-'));
    fs.writeFileSync(path.join(dir, 'a.js'), [
      'export const A = 1;',
      'export const B = A << 3;',
      'export const NEG = -5;',
      'export const F = 0.1;',
      'export const BIG = 2 ** 32;',
      "export const S = 'text';",
      'export const OBJ = { A: 7 };',
    ].join('\n'));
    fs.writeFileSync(path.join(dir, 'b.js'), [
      "import { A, B, NEG, F, BIG, S, OBJ } from './a.js';",
      'const LOCAL = B | A;',
      'export function kind(k) { switch (k) { case A: return "a"; case B: return "b"; } return "none"; }',
      'export function shadow(NEG) { return NEG * 2; }',
      'export const values = () => ({ A, B: B + 0, sum: A + B + F + BIG, neg: NEG, s: S, prop: OBJ.A, computed: { [A]: 1 }, local: LOCAL });',
    ].join('\n'));
    const r = inlineConstants(dir);
    const b = fs.readFileSync(path.join(dir, 'b.js'), 'utf8');
    expect(b).toContain('case 1: return "a"; case 8: return "b";');
    expect(b).toContain('({ A: 1, B: 8 + 0, sum: 1 + 8 + 0.1 + 4294967296');
    expect(b).toContain('OBJ.A'); // a property name, not the constant
    expect(b).toContain('[1]: 1');
    expect(b).toContain('const LOCAL = 8 | 1;');
    expect(b).toContain('neg: NEG'); // NEG is a parameter name somewhere in b.js: never inlined there
    expect(b).toContain('s: S'); // not a number
    expect(r.shadowed).toEqual(['b.js: NEG']);
    const mod = await import(pathToFileURL(path.join(dir, 'b.js')).href);
    expect(mod.values()).toEqual({ A: 1, B: 8, sum: 1 + 8 + 0.1 + 2 ** 32, neg: -5, s: 'text', prop: 7, computed: { 1: 1 }, local: 9 });
    expect([mod.kind(1), mod.kind(8), mod.kind(3), mod.shadow(4)]).toEqual(['a', 'b', 'none', 8]);
    // A second pass finds nothing left to do.
    expect(inlineConstants(dir).references).toBe(0);
  });
});
