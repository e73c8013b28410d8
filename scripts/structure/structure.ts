// Structure rules the house keeps: no import cycle (type imports included), no file over 800 lines, no function over 120.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { parseCircular, parseDependencyTree } from 'dpdm';

export const MAX_FILE_LINES = 800;
export const MAX_FUNCTION_LINES = 120;

export interface Violation {
  readonly rule: 'cycle' | 'file-lines' | 'function-lines';
  readonly where: string;
  readonly detail: string;
}

/** Every .ts file under `dir`, relative to `root`, sorted. */
export function tsFiles(root: string, dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const full = join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(relative(root, full));
    }
  };
  walk(join(root, dir));
  return out.sort();
}

/** Files longer than `max` lines (tests included: a test file that long hides its fixtures). */
export function longFiles(root: string, files: readonly string[], max = MAX_FILE_LINES): Violation[] {
  const out: Violation[] = [];
  for (const f of files) {
    const lines = readFileSync(join(root, f), 'utf8').split('\n').length - 1;
    if (lines > max) out.push({ rule: 'file-lines', where: f, detail: `${lines} lines (max ${max})` });
  }
  return out;
}

/** The name a function node is known by in a report: its declared name, or the variable/property it is assigned to. */
function functionName(node: ts.Node, sf: ts.SourceFile): string {
  const named = node as ts.Node & { name?: ts.Node };
  if (named.name !== undefined) return named.name.getText(sf);
  const parent = node.parent;
  if (parent !== undefined && (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent))) return parent.name.getText(sf);
  if (ts.isConstructorDeclaration(node)) return 'constructor';
  return '<anonymous>';
}

/**
 * Functions (declarations, methods, arrows, function expressions) longer than `max` lines, in
 * non-test sources. Test files are exempt: their describe/it callbacks group cases, not logic.
 */
export function longFunctions(root: string, files: readonly string[], max = MAX_FUNCTION_LINES): Violation[] {
  const out: Violation[] = [];
  for (const f of files) {
    if (f.endsWith('.test.ts')) continue;
    const text = readFileSync(join(root, f), 'utf8');
    const sf = ts.createSourceFile(f, text, ts.ScriptTarget.ES2022, true);
    const visit = (node: ts.Node): void => {
      if (ts.isFunctionLike(node) && (node as ts.FunctionLikeDeclaration).body !== undefined) {
        const start = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line;
        const end = sf.getLineAndCharacterOfPosition(node.getEnd()).line;
        const lines = end - start + 1;
        if (lines > max) out.push({ rule: 'function-lines', where: `${f}:${start + 1} ${functionName(node, sf)}`, detail: `${lines} lines (max ${max})` });
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return out;
}

/** Import cycles among `entries`, type-only imports included (an interface in the wrong file is a cycle too). */
export async function importCycles(root: string, entries: readonly string[]): Promise<Violation[]> {
  const cwd = process.cwd();
  process.chdir(root);
  try {
    const tree = await parseDependencyTree([...entries], { context: root, transform: false, skipDynamicImports: false, onProgress: () => undefined });
    return parseCircular(tree).map((cycle) => ({ rule: 'cycle' as const, where: cycle[0] ?? '', detail: cycle.join(' -> ') }));
  } finally {
    process.chdir(cwd);
  }
}

/** Every violation in `internal/` (file and function sizes) and in the import graph of internal/ and cmd/. */
export async function checkStructure(root: string): Promise<Violation[]> {
  const internal = tsFiles(root, 'internal');
  const sources = [...internal, ...tsFiles(root, 'cmd')].filter((f) => !f.endsWith('.test.ts'));
  return [...(await importCycles(root, sources)), ...longFiles(root, internal), ...longFunctions(root, internal)];
}

/** CLI: prints each violation and exits 1 if there is any. */
async function main(): Promise<void> {
  const root = process.argv[2] ?? process.cwd();
  const violations = await checkStructure(root);
  for (const v of violations) console.log(`${v.rule}\t${v.where}\t${v.detail}`);
  console.log(violations.length === 0 ? 'structure: ok' : `structure: ${violations.length} violation(s)`);
  process.exitCode = violations.length === 0 ? 0 : 1;
}

if (process.argv[1] !== undefined && import.meta.url === `file://${process.argv[1]}`) void main();
