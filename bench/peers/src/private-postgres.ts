import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { loadInfraConfig } from '@retail-stream/infra';
// The exact settings and binaries infra gives the shared cluster (incl. wal_level=logical), reused
// rather than copied, so the private cluster differs from a fresh `infra:up` only in port and folder.
import { PG_HBA, projectConf } from '../../../infra/src/services/postgres.ts';
import { ensureOsUser, isRoot, pgExec, requireServer } from '../../../infra/src/services/postgres-os.ts';
import { say } from './peer-env.ts';

export interface PrivatePostgres {
  /** Admin URL (role `retail`, database `postgres`), as PG_URL is for the shared cluster. */
  url: string;
  port: number;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * A throwaway Postgres cluster in /tmp for the outbox comparison: the shared one on 55432 must not
 * be restarted, and it only gets wal_level=logical at its next start. Same Debian server binaries
 * and the same settings file as infra/src/services/postgres.ts; deleted again by stop().
 */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const { bin } = await requireServer(say);
  const root = fs.mkdtempSync('/tmp/peers-pg-');
  const data = path.join(root, 'data');
  const socketDir = path.join(root, 'run');
  const log = path.join(root, 'postgres.log');
  fs.mkdirSync(socketDir);
  fs.mkdirSync(data, { mode: 0o700 });
  fs.closeSync(fs.openSync(log, 'a'));
  if (isRoot()) {
    const { uid, gid } = await ensureOsUser(say);
    fs.chmodSync(root, 0o755);
    for (const p of [root, socketDir, data, log]) fs.chownSync(p, uid, gid);
  }
  await pgExec(bin, 'initdb', [
    '-D',
    data,
    '-U',
    'postgres',
    '-E',
    'UTF8',
    '--locale=C',
    '--auth=trust',
    '--no-instructions',
  ]);
  const port = await freePort();
  const conf = projectConf(loadInfraConfig({ ...process.env, PG_PORT: String(port) }), { socketDir });
  fs.appendFileSync(path.join(data, 'postgresql.conf'), `\ninclude = 'retail-stream.conf'\n`);
  fs.writeFileSync(path.join(data, 'retail-stream.conf'), conf);
  fs.writeFileSync(path.join(data, 'pg_hba.conf'), PG_HBA);
  await pgExec(bin, 'pg_ctl', ['start', '-D', data, '-l', log, '-w', '-t', '60'], 70_000);
  const admin = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres' });
  await admin.connect();
  await admin.query('CREATE ROLE retail LOGIN SUPERUSER REPLICATION');
  const { rows } = await admin.query<{ wal_level: string }>('SHOW wal_level');
  await admin.end();
  say(`outbox: private Postgres on 127.0.0.1:${port} in ${root} (wal_level=${rows[0]?.wal_level})`);
  return {
    url: `postgres://retail@127.0.0.1:${port}/postgres`,
    port,
    async stop() {
      await pgExec(bin, 'pg_ctl', ['stop', '-D', data, '-m', 'fast', '-w', '-t', '60'], 70_000).catch(
        () => undefined,
      );
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}
