import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const OBSERVABILITY_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const PROMETHEUS_DIR = path.join(OBSERVABILITY_DIR, 'prometheus');

let cached: string | undefined;

/** The pinned promtool (downloaded once into .data/cache by ensure-promtool.sh). */
export function promtoolPath(): string {
  cached ??= execFileSync('bash', [path.join(OBSERVABILITY_DIR, 'ensure-promtool.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
  return cached;
}

export interface PromtoolResult {
  status: number | null;
  output: string;
}

/** Runs promtool in `cwd` (rule and test files name each other relative to it). */
export function promtool(args: string[], cwd = PROMETHEUS_DIR): PromtoolResult {
  const r = spawnSync(promtoolPath(), args, { cwd, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}
