import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { promisify } from 'node:util';
import { InfraError } from './infra-error.ts';

const run = promisify(execFile);

/**
 * Makes sure a Debian package's binary is present. As root it installs the package (the README's
 * first command must work on a fresh machine); otherwise it tells the user the exact command.
 */
export async function ensureDebianPackage(
  pkg: string,
  probePath: string,
  say: (m: string) => void,
): Promise<void> {
  if (fs.existsSync(probePath)) return;
  const isRoot = process.getuid?.() === 0;
  if (!isRoot) {
    throw new InfraError(
      'MISSING_PACKAGE',
      `${probePath} not found (Debian package '${pkg}')`,
      `sudo apt-get install -y ${pkg}   (or run scripts/install-system-deps.sh as root)`,
    );
  }
  say(`installing Debian package ${pkg}…`);
  try {
    await run('apt-get', ['install', '-y', '--no-install-recommends', pkg], {
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new InfraError(
      'APT_INSTALL_FAILED',
      `apt-get install ${pkg} failed`,
      'run `apt-get update` once, then infra:up again',
      (e.stderr ?? e.message).trim().split('\n').slice(-15).join('\n'),
    );
  }
  if (!fs.existsSync(probePath)) {
    throw new InfraError(
      'MISSING_PACKAGE',
      `${pkg} installed but ${probePath} is still missing`,
      `dpkg -L ${pkg}`,
    );
  }
}
