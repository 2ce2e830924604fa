import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { clientEnv, HOST, PG_HQ_DATABASE, PG_USER, type InfraConfig } from '../infra-config.ts';
import { InfraError } from '../infra-error.ts';
import { ensureDatabase } from '@retail-stream/runtime';
import { isAlive, readPid, tailFile } from '../process-control.ts';
import { logDir, serviceDir, type LocalService, type ServiceContext } from '../service.ts';
import {
  ensureOsUser,
  ensureTraversable,
  execError,
  installedServer,
  isRoot,
  pgExec,
  requireServer,
} from './postgres-os.ts';

/** initdb -U: a fixed bootstrap superuser name, whoever runs initdb, so admin connections never guess. */
const BOOTSTRAP_SUPERUSER = 'postgres';
/** sun_path is 108 bytes on Linux; Postgres appends "/.s.PGSQL.<port>" to the directory. */
const MAX_SOCKET_DIR = 107 - '/.s.PGSQL.65535'.length;
const ROLE_NAME = /^[a-z][a-z0-9_]{0,62}$/;

interface Paths {
  root: string;
  data: string;
  socketDir: string;
  log: string;
  pidFile: string;
}

function paths(cfg: InfraConfig): Paths {
  const root = serviceDir(cfg, 'postgres');
  const data = path.join(root, 'data');
  return {
    root,
    data,
    socketDir: path.join(root, 'run'),
    log: path.join(logDir(cfg), 'postgres.log'),
    pidFile: path.join(data, 'postmaster.pid'),
  };
}

function isPostgres(pid: number | undefined): pid is number {
  if (!isAlive(pid)) return false;
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('postgres');
  } catch {
    // No /proc (not Linux): trust the pid file.
    return true;
  }
}

function corrupt(message: string): InfraError {
  return new InfraError(
    'PG_DATA_CORRUPT',
    message,
    'npm run infra:reset -- postgres   (deletes the local Postgres data)',
  );
}

/** Fails loudly on a half-written or foreign data folder instead of letting postgres guess. */
function checkDataDir(p: Paths, major: string): 'empty' | 'ok' {
  if (!fs.existsSync(p.data) || fs.readdirSync(p.data).length === 0) return 'empty';
  const versionFile = path.join(p.data, 'PG_VERSION');
  if (!fs.existsSync(versionFile))
    return fail(`${p.data} is not a PostgreSQL data folder (PG_VERSION missing)`);
  const dataMajor = fs.readFileSync(versionFile, 'utf8').trim();
  if (dataMajor !== major) {
    return fail(`${p.data} was created by PostgreSQL ${dataMajor}, but the installed server is ${major}`);
  }
  if (!fs.existsSync(path.join(p.data, 'global', 'pg_control')))
    return fail(`${p.data} is damaged (global/pg_control missing)`);
  return 'ok';

  function fail(message: string): never {
    throw corrupt(message);
  }
}

/**
 * Settings we own, rewritten on every prepare so a changed PG_PORT takes effect; postgresql.conf
 * itself stays initdb's and only gains an include line.
 */
export function projectConf(cfg: InfraConfig, p: Pick<Paths, 'socketDir'>): string {
  return [
    '# Written by infra/src/services/postgres.ts on every infra:up; edits are overwritten.',
    `port = ${cfg.PG_PORT}`,
    `listen_addresses = '${HOST}'`,
    // Inside our folder: /var/run/postgresql may be missing, root-only, or used by the system cluster.
    `unix_socket_directories = '${p.socketDir.replaceAll("'", "''")}'`,
    // Sized for a dev/bench box shared with Kafka, ClickHouse and Cassandra.
    'shared_buffers = 256MB',
    'max_connections = 200',
    // Durability is something the project tests (exactly-once sinks, crash recovery): never trade it for speed here.
    'fsync = on',
    'synchronous_commit = on',
    'full_page_writes = on',
    // Logical decoding for change-data-capture peers (Debezium's pgoutput, issue 14): a replication
    // slot per reader. Costs a little WAL (logical adds the old tuple identity and a few extra
    // records, ~1-3 % more WAL bytes on inserts); takes effect on the next start of the cluster.
    'wal_level = logical',
    'max_replication_slots = 10',
    'max_wal_senders = 10',
    // pg_ctl -l captures stderr; a collector would move logs into the data folder.
    'logging_collector = off',
    "log_line_prefix = '%m [%p] %q%u@%d '",
    "log_timezone = 'UTC'",
    "timezone = 'UTC'",
    '',
  ].join('\n');
}

const INCLUDE_LINE = "include = 'retail-stream.conf'";

/**
 * Local development only: trust on the unix socket and on 127.0.0.1, nothing else. The server also
 * listens on 127.0.0.1 only, so no other machine can reach it; never copy this file to a shared host.
 */
export const PG_HBA = [
  '# Written by infra/src/services/postgres.ts — LOCAL DEVELOPMENT ONLY: no passwords, loopback only.',
  '# TYPE  DATABASE     USER  ADDRESS       METHOD',
  'local   all          all                 trust',
  'host    all          all   127.0.0.1/32  trust',
  // `all` does not cover replication connections: a logical-decoding reader (Debezium) needs this line.
  'host    replication  all   127.0.0.1/32  trust',
  '',
].join('\n');

async function initCluster(
  p: Paths,
  bin: string,
  owner: { uid: number; gid: number } | undefined,
  say: (m: string) => void,
): Promise<void> {
  say('postgres: initialising a new cluster (initdb)…');
  // initdb into a side folder and rename: an interrupted initdb then never leaves a half cluster behind.
  const staging = `${p.data}.initdb`;
  fs.rmSync(staging, { recursive: true, force: true });
  fs.rmSync(p.data, { recursive: true, force: true });
  fs.mkdirSync(staging, { mode: 0o700 });
  if (owner) fs.chownSync(staging, owner.uid, owner.gid);
  try {
    await pgExec(bin, 'initdb', [
      '-D',
      staging,
      '-U',
      BOOTSTRAP_SUPERUSER,
      '-E',
      'UTF8',
      '--locale=C',
      '--auth=trust',
      '--no-instructions',
    ]);
  } catch (err) {
    throw new InfraError(
      'PG_INITDB_FAILED',
      'initdb failed',
      `fix the cause below, then npm run infra:up -- postgres`,
      execError(err),
    );
  }
  fs.renameSync(staging, p.data);
}

function writeConfig(cfg: InfraConfig, p: Paths, owner: { uid: number; gid: number } | undefined): void {
  const conf = path.join(p.data, 'postgresql.conf');
  const main = fs.readFileSync(conf, 'utf8');
  if (!main.includes(INCLUDE_LINE)) fs.appendFileSync(conf, `\n${INCLUDE_LINE}\n`);
  const files: [string, string][] = [
    [path.join(p.data, 'retail-stream.conf'), projectConf(cfg, p)],
    [path.join(p.data, 'pg_hba.conf'), PG_HBA],
  ];
  for (const [file, text] of files) {
    fs.writeFileSync(file, text, { mode: 0o600 });
    if (owner) fs.chownSync(file, owner.uid, owner.gid);
  }
}

function adminConfig(cfg: InfraConfig, p: Paths): pg.ClientConfig {
  // Over the socket as the bootstrap superuser: works before the `retail` role exists.
  return {
    host: p.socketDir,
    port: cfg.PG_PORT,
    user: BOOTSTRAP_SUPERUSER,
    database: 'postgres',
    connectionTimeoutMillis: 5_000,
  };
}

/** The `retail` role and HQ database every service expects; idempotent. */
async function bootstrap(cfg: InfraConfig, p: Paths): Promise<void> {
  if (!ROLE_NAME.test(PG_USER)) throw new Error(`PG_USER '${PG_USER}' is not a plain identifier`);
  const admin = new pg.Client(adminConfig(cfg, p));
  await admin.connect();
  try {
    const role = await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [PG_USER]);
    if (!role.rowCount) {
      // Superuser only because this is a local dev cluster: services create per-store databases on demand.
      await admin.query(`CREATE ROLE "${PG_USER}" LOGIN SUPERUSER`);
    }
  } finally {
    await admin.end();
  }
  await ensureDatabase(`postgres://${PG_USER}@${HOST}:${cfg.PG_PORT}/postgres`, PG_HQ_DATABASE);
}

async function pgCtlStop(p: Paths, bin: string): Promise<void> {
  // -m fast: roll back open transactions and disconnect clients; the default ("smart") waits for
  // every client — including idle pools of a forgotten dev process — to leave.
  await pgExec(bin, 'pg_ctl', ['stop', '-D', p.data, '-m', 'fast', '-w', '-t', '60'], 70_000);
}

export const postgresService: LocalService = {
  name: 'postgres',
  expectedStartSeconds: 5,
  portVariables: ['PG_PORT'],

  endpoints: ({ cfg }) => [`${HOST}:${cfg.PG_PORT}`],
  ports: ({ cfg }) => [cfg.PG_PORT],
  logFiles: ({ cfg }) => [paths(cfg).log],

  async prepare({ cfg, say }: ServiceContext) {
    const p = paths(cfg);
    const { major, bin } = await requireServer(say);
    if (p.socketDir.length > MAX_SOCKET_DIR) {
      throw new InfraError(
        'PG_SOCKET_PATH_TOO_LONG',
        `the Postgres socket folder ${p.socketDir} is longer than ${MAX_SOCKET_DIR} characters (a Linux socket-path limit)`,
        'set RS_DATA_DIR to a shorter path',
      );
    }
    const owner = isRoot() ? await ensureOsUser(say) : undefined;
    fs.mkdirSync(p.root, { recursive: true });
    fs.mkdirSync(logDir(cfg), { recursive: true });
    fs.mkdirSync(p.socketDir, { recursive: true, mode: 0o700 });
    if (owner) {
      ensureTraversable(p.root, say);
      fs.chmodSync(p.root, 0o755);
      fs.chownSync(p.socketDir, owner.uid, owner.gid);
      // pg_ctl opens the log as the server user, in a folder shared with other services.
      fs.closeSync(fs.openSync(p.log, 'a'));
      fs.chownSync(p.log, owner.uid, owner.gid);
    }
    if (checkDataDir(p, major) === 'empty') await initCluster(p, bin, owner, say);
    writeConfig(cfg, p, owner);
  },

  async start({ cfg }: ServiceContext) {
    const p = paths(cfg);
    const { bin } = await requireServer(() => {});
    try {
      // -w: the role/database bootstrap below needs a server that accepts connections.
      await pgExec(
        bin,
        'pg_ctl',
        ['start', '-D', p.data, '-l', p.log, '-w', '-t', String(cfg.INFRA_START_TIMEOUT_S)],
        (cfg.INFRA_START_TIMEOUT_S + 10) * 1000,
      );
    } catch (err) {
      throw new InfraError(
        'PG_START_FAILED',
        'pg_ctl start failed',
        'read the log (npm run infra:logs -- postgres)',
        // pg_ctl only says "examine the log"; the server's own complaint is in the log file.
        `${execError(err)}\n${p.log}:\n${tailFile(p.log, 10)}`,
      );
    }
    try {
      await bootstrap(cfg, p);
    } catch (err) {
      // Stop again so the next infra:up retries the bootstrap instead of waiting on an unusable server.
      await pgCtlStop(p, bin).catch(() => {});
      throw new InfraError(
        'PG_BOOTSTRAP_FAILED',
        `could not create role '${PG_USER}' / database '${PG_HQ_DATABASE}': ${(err as Error).message}`,
        'read the log (npm run infra:logs -- postgres); npm run infra:reset -- postgres starts from a fresh cluster',
      );
    }
  },

  runningPids({ cfg }: ServiceContext) {
    // postmaster.pid is the server's own record; a stale one (after a crash or reboot) names a dead
    // pid — or a reused one, hence the check that it really is a postgres process.
    const pid = readPid(paths(cfg).pidFile);
    return isPostgres(pid) ? [pid] : [];
  },

  async isHealthy({ cfg }: ServiceContext) {
    const url = clientEnv(cfg).PG_URL;
    // Without a URL pg would fall back to PG* variables and port 5432 — possibly the system cluster.
    if (!url) throw new Error('clientEnv() has no PG_URL');
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return true;
    } catch {
      return false;
    } finally {
      await client.end().catch(() => {});
    }
  },

  async stop(ctx: ServiceContext) {
    const p = paths(ctx.cfg);
    const pid = postgresService.runningPids(ctx)[0];
    if (pid === undefined) return;
    const server = installedServer();
    try {
      if (!server) throw new Error('server binaries gone');
      await pgCtlStop(p, server.bin);
    } catch {
      // SIGINT is Postgres' "fast shutdown" — the same as pg_ctl -m fast, without pg_ctl.
      process.kill(pid, 'SIGINT');
      const deadline = Date.now() + 60_000;
      while (isAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      if (isAlive(pid))
        throw new InfraError(
          'PG_STOP_FAILED',
          `postgres (pid ${pid}) did not stop within 60s`,
          `kill -QUIT ${pid}  (immediate shutdown; crash recovery on next start)`,
        );
    }
  },
};
