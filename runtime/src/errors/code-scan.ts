import fs from 'node:fs';
import path from 'node:path';

/** The repository root (runtime/src/errors/ is three levels down). */
export const REPO_ROOT = path.resolve(import.meta.dirname, '../../..');

/** Top-level folders that hold packages; their `src/` trees are scanned. */
const PACKAGE_ROOTS = [
  'runtime',
  'schemas',
  'infra',
  'producers',
  'stream-processors',
  'sinks',
  'apps',
  'tools',
  'scripts',
];

/**
 * Where a code is written as a literal that the type checker may not see as an ErrorCode: the
 * first argument of any `new …Error(…)`, a `code: …` property (HTTP error bodies, dead-letter
 * reasons, refusal objects), and `refuse(…)` / ingest-style `reject(record, …)` calls.
 */
const CODE_LITERALS = [
  /new\s+[A-Z]\w*Error\(\s*'([A-Z][A-Z0-9_]+)'/g,
  /\bcode:\s*'([A-Z][A-Z0-9_]+)'/g,
  /\breject\(\s*\w+\s*,\s*'([A-Z][A-Z0-9_]+)'/g,
  /\brefuse\(\s*'([A-Z][A-Z0-9_]+)'/g,
];

export interface CodeUse {
  code: string;
  file: string;
  line: number;
}

function sourceFiles(dir: string, out: string[], inSrc: boolean): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) sourceFiles(p, out, inSrc || e.name === 'src');
    else if (inSrc && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') && !/\.test\.ts$/.test(e.name))
      out.push(p);
  }
  return out;
}

/** Every code literal in non-test `src/**\/*.ts` of the tree, with where it is. */
export function scanCodeLiterals(root = REPO_ROOT): CodeUse[] {
  const uses: CodeUse[] = [];
  for (const top of PACKAGE_ROOTS) {
    const dir = path.join(root, top);
    if (!fs.existsSync(dir)) continue;
    for (const file of sourceFiles(dir, [], false)) {
      const text = fs.readFileSync(file, 'utf8');
      for (const re of CODE_LITERALS) {
        for (const m of text.matchAll(re)) {
          const line = text.slice(0, m.index).split('\n').length;
          uses.push({ code: m[1]!, file: path.relative(root, file), line });
        }
      }
    }
  }
  return uses;
}
