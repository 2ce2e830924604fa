import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { ensureDebianPackage } from '../debian-packages.ts';
import { InfraError } from '../infra-error.ts';

/**
 * The operating-system side of running Debian's Postgres from our own data folder: finding the
 * installed server, the `postgres` OS user it must run as (it refuses root), running its binaries
 * as that user, and the directory permissions it needs. postgres.ts keeps the cluster lifecycle.
 */

const run = promisify(execFile);

export const PG_LIB = '/usr/lib/postgresql';
/** Postgres refuses to run as root; this is the account Debian's package creates for it. */
export const OS_USER = 'postgres';

export const isRoot = () => process.getuid?.() === 0;

/** Newest Postgres server installed the Debian way (/usr/lib/postgresql/<major>/bin/postgres). */
export function installedServer(): { major: string; bin: string } | undefined {
  const majors = fs.existsSync(PG_LIB) ? fs.readdirSync(PG_LIB).filter((d) => /^\d+$/.test(d)) : [];
  const withServer = majors
    .filter((m) => fs.existsSync(path.join(PG_LIB, m, 'bin', 'postgres')))
    .sort((a, b) => Number(b) - Number(a));
  const major = withServer[0];
  return major ? { major, bin: path.join(PG_LIB, major, 'bin') } : undefined;
}

export async function requireServer(say: (m: string) => void): Promise<{ major: string; bin: string }> {
  const found = installedServer();
  if (found) return found;
  // Client-only packages also populate /usr/lib/postgresql/<major>/bin, so probe a server-side
  // file: pg_ctlcluster comes with postgresql-common, which only server packages pull in.
  await ensureDebianPackage('postgresql', '/usr/bin/pg_ctlcluster', say);
  const installed = installedServer();
  if (!installed) {
    throw new InfraError(
      'MISSING_PACKAGE',
      `no PostgreSQL server binary under ${PG_LIB}/<version>/bin`,
      'sudo apt-get install -y postgresql',
    );
  }
  return installed;
}

async function osUserIds(): Promise<{ uid: number; gid: number } | undefined> {
  try {
    const uid = Number((await run('id', ['-u', OS_USER])).stdout.trim());
    const gid = Number((await run('id', ['-g', OS_USER])).stdout.trim());
    return { uid, gid };
  } catch {
    return undefined;
  }
}

/** As root, the account the server runs as: Debian's `postgres`, or a system user we create like it. */
export async function ensureOsUser(say: (m: string) => void): Promise<{ uid: number; gid: number }> {
  const existing = await osUserIds();
  if (existing) return existing;
  say(`creating system user '${OS_USER}' to run PostgreSQL (it refuses to run as root)…`);
  await run('useradd', [
    '--system',
    '--user-group',
    '--no-create-home',
    '--home-dir',
    '/nonexistent',
    '--shell',
    '/usr/sbin/nologin',
    OS_USER,
  ]);
  const created = await osUserIds();
  if (!created)
    throw new InfraError(
      'PG_OS_USER',
      `could not create the '${OS_USER}' system user`,
      `useradd --system --user-group ${OS_USER}`,
    );
  return created;
}

/** Runs a Postgres binary as the server's OS user (root) or as ourselves (anyone else). */
export async function pgExec(
  bin: string,
  file: string,
  args: string[],
  timeoutMs = 120_000,
): Promise<{ stdout: string; stderr: string }> {
  const exe = path.join(bin, file);
  const [cmd, argv] = isRoot() ? ['runuser', ['-u', OS_USER, '--', exe, ...args]] : [exe, args];
  // A neutral cwd: runuser keeps ours, and the postgres user may not be allowed into it.
  return run(cmd, argv, {
    cwd: '/',
    timeout: timeoutMs,
    maxBuffer: 16 * 1024 * 1024,
    env: { ...process.env, LC_ALL: 'C' },
  });
}

export function execError(err: unknown): string {
  const e = err as { stderr?: string; stdout?: string; message: string };
  return (e.stderr || e.stdout || e.message).trim().split('\n').slice(-15).join('\n');
}

/**
 * The server's OS user needs search (x) permission on every directory above its data folder. Only
 * the traverse bit is added — nothing becomes listable or readable — and the user is told.
 */
export function ensureTraversable(dir: string, say: (m: string) => void): void {
  const fixed: string[] = [];
  for (let d = path.dirname(dir); ; d = path.dirname(d)) {
    const mode = fs.statSync(d).mode;
    if ((mode & 0o001) === 0) {
      fs.chmodSync(d, mode | 0o001);
      fixed.push(d);
    }
    if (d === path.dirname(d)) break;
  }
  if (fixed.length)
    say(`postgres: allowed the '${OS_USER}' user to traverse (o+x, not list) ${fixed.join(', ')}`);
}
