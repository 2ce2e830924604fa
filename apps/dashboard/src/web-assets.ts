import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppError } from '@retail-stream/runtime';

export const PACKAGE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_DIST_DIR = path.join(PACKAGE_DIR, 'dist');
const WEB_DIR = path.join(PACKAGE_DIR, 'web');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/**
 * The server never builds: building needs vite and a few seconds of CPU the demo should spend
 * knowingly. A missing build fails with the command to run; a build older than the sources is
 * served but reported, so a stale UI is never a silent surprise.
 */
export function checkWebBuild(distDir: string): { stale: boolean } {
  const index = path.join(distDir, 'index.html');
  if (!existsSync(index)) {
    throw new AppError(
      'DASHBOARD_NOT_BUILT',
      `${index} is missing: run \`npm run build -w @retail-stream/dashboard\` first`,
    );
  }
  const stale = existsSync(WEB_DIR) && newestMtime(WEB_DIR) > statSync(index).mtimeMs;
  return { stale };
}
