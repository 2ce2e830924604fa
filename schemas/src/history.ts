import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { AVRO_DIR, type SchemaFile } from './catalogue.ts';

/**
 * The catalogue as it was at every commit that changed one of today's `.avsc` files, oldest
 * first, then the working tree. CI replays these against the registry (compatibility.int.test.ts)
 * and the local evolution rule (history.test.ts), so a change that breaks any earlier version fails.
 *
 * Each file's versions come from `git log --follow` (renames included); a snapshot holds, for each
 * file, its latest version at or before that commit, so references resolve to the versions of the
 * referenced types that existed together.
 */

export interface SchemaSnapshot {
  /** Short commit id, or `working tree`. */
  label: string;
  files: SchemaFile[];
}

interface FileVersion {
  sha: string;
  file: string;
  text: string;
}

export function schemaHistory(dir: string = AVRO_DIR): SchemaSnapshot[] {
  const root = git(dir, ['rev-parse', '--show-toplevel']).trim();
  const current = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.avsc'))
    .sort();
  let commitOrder = new Map<string, number>();
  try {
    const shas = git(root, ['rev-list', '--reverse', '--topo-order', 'HEAD']).split('\n').filter(Boolean);
    commitOrder = new Map(shas.map((sha, i) => [sha, i]));
  } catch {
    // No commit yet: only the working tree exists.
  }

  const versions = new Map<string, FileVersion[]>();
  for (const file of current) {
    const rel = path.relative(root, path.join(dir, file));
    versions.set(file, commitOrder.size > 0 ? fileVersions(root, rel) : []);
  }

  const snapshots: SchemaSnapshot[] = [];
  const shas = [...new Set([...versions.values()].flat().map((v) => v.sha))].sort(
    (a, b) => (commitOrder.get(a) ?? 0) - (commitOrder.get(b) ?? 0),
  );
  for (const sha of shas) {
    const at = commitOrder.get(sha) ?? 0;
    const files: SchemaFile[] = [];
    for (const list of versions.values()) {
      const latest = list.filter((v) => (commitOrder.get(v.sha) ?? 0) <= at).at(-1);
      if (latest) files.push({ file: latest.file, text: latest.text });
    }
    snapshots.push({ label: sha.slice(0, 10), files });
  }
  snapshots.push({
    label: 'working tree',
    files: current.map((file) => ({ file, text: fs.readFileSync(path.join(dir, file), 'utf8') })),
  });
  // A snapshot equal to the one before it adds nothing (e.g. the working tree at a clean HEAD).
  return snapshots.filter((s, i) => i === 0 || !sameFiles(s.files, snapshots[i - 1]!.files));
}

/** History is incomplete in a shallow clone (CI should fetch with depth 0). */
export function isShallowClone(dir: string = AVRO_DIR): boolean {
  return git(dir, ['rev-parse', '--is-shallow-repository']).trim() === 'true';
}

/** Oldest first; commits where the file did not exist (deletions) are skipped. */
function fileVersions(root: string, rel: string): FileVersion[] {
  // `--name-only` prints, per commit, the sha line then the file's path as of that commit.
  const out = git(root, ['log', '--follow', '--format=%H', '--name-only', '--', rel]);
  const found: FileVersion[] = [];
  let sha: string | undefined;
  for (const line of out.split('\n').map((l) => l.trim())) {
    if (/^[0-9a-f]{40}$/.test(line)) {
      sha = line;
    } else if (line && sha) {
      try {
        const text = git(root, ['show', `${sha}:${line}`]);
        found.push({ sha, file: path.basename(line), text });
      } catch {
        // The commit deleted the file under this name.
      }
      sha = undefined;
    }
  }
  return found.reverse();
}

function sameFiles(a: SchemaFile[], b: SchemaFile[]): boolean {
  const key = (files: SchemaFile[]) =>
    JSON.stringify([...files].sort((x, y) => x.file.localeCompare(y.file)).map((f) => [f.file, f.text]));
  return key(a) === key(b);
}

function git(cwd: string, args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  });
}
