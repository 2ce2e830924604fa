import { spawn } from 'node:child_process';
import path from 'node:path';
import { checkWebBuild } from '../src/web-assets.ts';

/**
 * Builds the dashboard's web app into outDir with the repo's vite, only when web/ changed since
 * the last build there: a browser test serves its own build, so it never depends on (or
 * overwrites) the demo's dist/.
 */
export async function buildWebIfStale(pkgDir: string, outDir: string): Promise<void> {
  if (!needsBuild(outDir)) return;
  const vite = path.resolve(pkgDir, '../../node_modules/vite/bin/vite.js');
  await run(process.execPath, [vite, 'build', '--outDir', outDir], pkgDir);
}

function needsBuild(dir: string): boolean {
  try {
    return checkWebBuild(dir).stale;
  } catch {
    return true;
  }
}

/** Runs a build tool with only PATH of the test's environment (vite needs nothing else). */
function run(cmd: string, args: string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env: { PATH: process.env.PATH ?? '' }, stdio: 'pipe' });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.once('exit', (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${output.slice(-3000)}`)),
    );
  });
}
