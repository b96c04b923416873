/**
 * Build step (`npm run build`, after tsc): replaces references to numeric module constants in
 * the compiled JavaScript with their values.
 *
 * Why: V8 in Node 20 does not constant-fold module-level `const` bindings. Every use of
 * `K_SUB`, `CF` or `RAX` in a hot function is a load from the module's context or import cell,
 * and `switch (k) { case K_ADD: ... }` becomes a chain of such loads and compares instead of a
 * jump table. Measured (Node 20.20, this repository's flags.ts): getCF 16 ns per call with the
 * names, 4 ns with the literals; arithFlags 24 -> 14 ns; the syscall instruction's
 * enterSyscall 48 -> 21 ns. TypeScript's `const enum` would inline too, but would rename
 * hundreds of constants across the code base; this keeps the source as it is.
 *
 * What is inlined: top-level `const NAME = <expr>` (exported or not) whose expression folds to a
 * finite number from numeric literals, other such constants (of the same module or imported
 * from a relative module) and the operators + - * / % ** | & ^ << >> >>> ~ and unary -/+.
 * References are replaced; declarations, imports and exports stay (other modules and the
 * debugger still see the names). Line numbers do not change; columns after a replaced name on
 * the same line may (source maps map lines correctly, columns approximately).
 *
 * Shadowing: a file where any function, parameter, catch clause, class or nested variable
 * declares a name equal to a constant does not get that name inlined (no scope analysis
 * needed to be correct). `node dist/tools/inline-constants.js DIR [--verbose]` rewrites DIR in
 * place and prints how many references it replaced (--verbose: and the shadowed names).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse, type Node, type Program } from 'acorn';

type AnyNode = Node & Record<string, unknown>;

interface ModuleInfo {
  file: string;
  src: string;
  ast: Program;
  /** Top-level numeric constants of this module, by name, once folded. */
  consts: Map<string, number>;
}

const OPS: Record<string, (a: number, b: number) => number> = {
  '+': (a, b) => a + b, '-': (a, b) => a - b, '*': (a, b) => a * b, '/': (a, b) => a / b, '%': (a, b) => a % b,
  '**': (a, b) => a ** b, '|': (a, b) => a | b, '&': (a, b) => a & b, '^': (a, b) => a ^ b,
  '<<': (a, b) => a << b, '>>': (a, b) => a >> b, '>>>': (a, b) => a >>> b,
};

/** The numeric value of a constant expression, or undefined. */
function fold(n: AnyNode, known: (name: string) => number | undefined): number | undefined {
  switch (n.type) {
    case 'Literal':
      return typeof n.value === 'number' ? n.value : undefined;
    case 'Identifier':
      return known(n.name as string);
    case 'UnaryExpression': {
      const v = fold(n.argument as AnyNode, known);
      if (v === undefined) return undefined;
      return n.operator === '-' ? -v : n.operator === '+' ? v : n.operator === '~' ? ~v : undefined;
    }
    case 'BinaryExpression': {
      const op = OPS[n.operator as string];
      if (!op) return undefined;
      const a = fold(n.left as AnyNode, known), b = fold(n.right as AnyNode, known);
      return a === undefined || b === undefined ? undefined : op(a, b);
    }
  }
  return undefined;
}

/** JavaScript source for a number that reads back as exactly that number. */
function literal(v: number): string {
  if (Object.is(v, -0)) return '(-0)';
  return v < 0 ? `(${String(v)})` : String(v);
}

function topLevelConsts(ast: Program): [string, AnyNode][] {
  const out: [string, AnyNode][] = [];
  for (let st of ast.body as AnyNode[]) {
    if (st.type === 'ExportNamedDeclaration' && st.declaration) st = st.declaration as AnyNode;
    if (st.type !== 'VariableDeclaration' || st.kind !== 'const') continue;
    for (const d of st.declarations as AnyNode[]) {
      const id = d.id as AnyNode;
      if (id.type === 'Identifier' && d.init) out.push([id.name as string, d.init as AnyNode]);
    }
  }
  return out;
}

/** Local name -> [module file, exported name] for imports from relative modules. */
function relativeImports(m: ModuleInfo): Map<string, [string, string]> {
  const out = new Map<string, [string, string]>();
  for (const st of m.ast.body as AnyNode[]) {
    if (st.type !== 'ImportDeclaration') continue;
    const from = (st.source as AnyNode).value as string;
    if (!from.startsWith('.')) continue;
    const target = path.resolve(path.dirname(m.file), from);
    for (const s of st.specifiers as AnyNode[]) {
      if (s.type === 'ImportSpecifier') out.set((s.local as AnyNode).name as string, [target, (s.imported as AnyNode).name as string]);
    }
  }
  return out;
}

/** Every name bound anywhere below the top level (parameters, nested declarations, ...). */
function innerBindings(ast: Program): Set<string> {
  const names = new Set<string>();
  const pattern = (p: AnyNode | null | undefined): void => {
    if (!p) return;
    switch (p.type) {
      case 'Identifier': names.add(p.name as string); break;
      case 'ObjectPattern': for (const q of p.properties as AnyNode[]) pattern(q.type === 'RestElement' ? q.argument as AnyNode : q.value as AnyNode); break;
      case 'ArrayPattern': for (const q of p.elements as AnyNode[]) pattern(q); break;
      case 'RestElement': pattern(p.argument as AnyNode); break;
      case 'AssignmentPattern': pattern(p.left as AnyNode); break;
    }
  };
  const visit = (n: AnyNode, top: boolean): void => {
    switch (n.type) {
      case 'FunctionDeclaration': case 'FunctionExpression': case 'ArrowFunctionExpression':
        pattern(n.id as AnyNode);
        for (const p of n.params as AnyNode[]) pattern(p);
        break;
      case 'ClassDeclaration': case 'ClassExpression': pattern(n.id as AnyNode); break;
      case 'CatchClause': pattern(n.param as AnyNode); break;
      case 'VariableDeclaration':
        if (!top) for (const d of n.declarations as AnyNode[]) pattern(d.id as AnyNode);
        break;
    }
    for (const key of Object.keys(n)) {
      const v = n[key] as unknown;
      if (Array.isArray(v)) { for (const x of v) if (x && typeof x.type === 'string') visit(x, false); }
      else if (v && typeof (v as AnyNode).type === 'string') visit(v as AnyNode, false);
    }
  };
  for (const st of ast.body as AnyNode[]) {
    const decl = st.type === 'ExportNamedDeclaration' && st.declaration ? st.declaration as AnyNode : st;
    // Top-level var/let/const names are the module's own bindings, not shadows; their
    // initialisers are still searched.
    if (decl.type === 'VariableDeclaration') {
      for (const d of decl.declarations as AnyNode[]) if (d.init) visit(d.init as AnyNode, false);
    } else visit(decl, true);
  }
  return names;
}

export function inlineConstants(dir: string): { files: number; references: number; shadowed: string[] } {
  const files: string[] = [];
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (p.endsWith('.js')) files.push(p);
    }
  };
  walk(dir);
  const mods = new Map<string, ModuleInfo>();
  for (const file of files) {
    const src = fs.readFileSync(file, 'utf8');
    mods.set(file, { file, src, ast: parse(src, { ecmaVersion: 'latest', sourceType: 'module' }), consts: new Map() });
  }
  const imports = new Map([...mods.values()].map((m) => [m.file, relativeImports(m)]));
  const lookup = (m: ModuleInfo, name: string): number | undefined => {
    const own = m.consts.get(name);
    if (own !== undefined) return own;
    const imp = imports.get(m.file)!.get(name);
    return imp ? mods.get(imp[0])?.consts.get(imp[1]) : undefined;
  };
  // Fold until nothing changes: constants defined from imported constants need their
  // module's values first.
  for (let changed = true; changed;) {
    changed = false;
    for (const m of mods.values()) {
      for (const [name, init] of topLevelConsts(m.ast)) {
        if (m.consts.has(name)) continue;
        const v = fold(init, (n) => lookup(m, n));
        if (v !== undefined && Number.isFinite(v)) { m.consts.set(name, v); changed = true; }
      }
    }
  }
  let references = 0, changedFiles = 0;
  const skipped: string[] = [];
  for (const m of mods.values()) {
    const shadowed = innerBindings(m.ast);
    for (const name of shadowed) if (lookup(m, name) !== undefined) skipped.push(`${path.relative(dir, m.file)}: ${name}`);
    const value = (name: string): number | undefined => (shadowed.has(name) ? undefined : lookup(m, name));
    const edits: [number, number, string][] = [];
    const visit = (n: AnyNode, parent: AnyNode | null, key: string): void => {
      if (n.type === 'Identifier' && parent !== null) {
        const v = value(n.name as string);
        if (v === undefined) return;
        const p = parent;
        const notReference =
          (p.type === 'MemberExpression' && key === 'property' && !p.computed) ||
          ((p.type === 'Property' || p.type === 'PropertyDefinition' || p.type === 'MethodDefinition') && key === 'key' && !p.computed) ||
          (p.type === 'VariableDeclarator' && key === 'id') ||
          p.type === 'ImportSpecifier' || p.type === 'ExportSpecifier' || p.type === 'LabeledStatement' ||
          p.type === 'BreakStatement' || p.type === 'ContinueStatement';
        if (notReference) return;
        if (p.type === 'Property' && p.shorthand) edits.push([n.start, n.end, `${n.name as string}: ${literal(v)}`]);
        else edits.push([n.start, n.end, literal(v)]);
        return;
      }
      for (const k of Object.keys(n)) {
        const c = n[k] as unknown;
        if (Array.isArray(c)) { for (const x of c) if (x && typeof x.type === 'string') visit(x, n, k); }
        else if (c && typeof (c as AnyNode).type === 'string') visit(c as AnyNode, n, k);
      }
    };
    visit(m.ast as unknown as AnyNode, null, '');
    if (edits.length === 0) continue;
    // A shorthand property's key and value are the same identifier: keep one edit per range.
    const unique = [...new Map(edits.map((e) => [e[0], e])).values()].sort((a, b) => b[0] - a[0]);
    let out = m.src;
    for (const [s, e, t] of unique) out = out.slice(0, s) + t + out.slice(e);
    fs.writeFileSync(m.file, out);
    references += unique.length;
    changedFiles++;
  }
  return { files: changedFiles, references, shadowed: skipped };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dir = process.argv[2];
  if (!dir) {
    process.stderr.write('usage: node dist/tools/inline-constants.js DIR\n');
    process.exit(2);
  }
  const r = inlineConstants(path.resolve(dir));
  process.stdout.write(`inline-constants: ${r.references} references in ${r.files} files\n`);
  if (process.argv.includes('--verbose')) for (const s of r.shadowed) process.stdout.write(`  not inlined (shadowed in the file): ${s}\n`);
}
