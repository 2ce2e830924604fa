import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { ensureDatabase } from '@retail-stream/runtime';
import { HOST, PG_HQ_DATABASE, PG_USER, type InfraConfig } from '../infra-config.ts';
import { InfraError } from '../infra-error.ts';
import { findJava } from '../java-home.ts';
import { ensureMavenArchive } from '../maven-artifacts.ts';
import { rotateLogIfLarge, spawnDetached, stopPid, verifiedPid } from '../process-control.ts';
import { APICURIO_CCOMPAT_PATH, apicurioBaseUrl } from '../registry-choice.ts';
import { logDir, serviceDir, type LocalService, type ServiceContext } from '../service.ts';

/**
 * Apicurio Registry 3 (Red Hat's open-source registry), the optional alternative to our own
 * (`infra:up --registry apicurio`, or `infra:up apicurio-registry` beside it). Maven Central has
 * the whole Quarkus application as an attached tar.gz; it is downloaded once into the cache and
 * run with `java -jar quarkus-run.jar` — Java 21+, which Debian 12 does not ship by default.
 *
 * Storage is a database in the stack's own Postgres, so its schemas live (and are backed up) with
 * the rest of the local data. Clients use its Confluent-compatible API under /apis/ccompat/v7;
 * how it differs from Confluent's registry is pinned by the conformance suite (infra/README.md).
 */
export const APICURIO_VERSION = '3.3.3';
const COORDINATES = `io.apicurio:apicurio-registry-app:${APICURIO_VERSION}:tar.gz:all`;
const MIN_JAVA = 21;
/** Quarkus finishes in-flight requests and closes the pool on SIGTERM in a second or two. */
const STOP_GRACE_MS = 30_000;
const PROBE_TIMEOUT_MS = 2_000;

function paths(cfg: InfraConfig) {
  const root = serviceDir(cfg, 'apicurio-registry');
  return {
    root,
    pidFile: path.join(root, 'apicurio-registry.pid'),
    /** Present once this data dir's database was created fresh; `infra:reset` removes it with the dir. */
    databaseMarker: path.join(root, 'database-created'),
    log: path.join(logDir(cfg), 'apicurio-registry.log'),
    app: path.join(cfg.RS_CACHE_DIR, `apicurio-registry-${APICURIO_VERSION}`),
  };
}

const pgUrl = (cfg: InfraConfig, database: string) =>
  `postgres://${PG_USER}@${HOST}:${cfg.PG_PORT}/${database}`;

/** infra:up starts every service at once: Apicurio's first start needs Postgres accepting connections. */
async function waitForPostgres(cfg: InfraConfig, say: (m: string) => void): Promise<void> {
  const deadline = Date.now() + cfg.INFRA_START_TIMEOUT_S * 1000;
  let told = false;
  for (;;) {
    const client = new pg.Client({
      connectionString: pgUrl(cfg, PG_HQ_DATABASE),
      connectionTimeoutMillis: 2_000,
    });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return;
    } catch {
      if (Date.now() > deadline) {
        throw new InfraError(
          'START_TIMEOUT',
          `apicurio-registry: Postgres on ${HOST}:${cfg.PG_PORT} did not accept connections within ${cfg.INFRA_START_TIMEOUT_S}s`,
          'Apicurio stores its schemas in the local Postgres: npm run infra:up -- postgres apicurio-registry',
        );
      }
      if (!told) say('apicurio-registry: waiting for Postgres…');
      told = true;
      await sleep(1_000);
    } finally {
      await client.end().catch(() => {});
    }
  }
}

/**
 * The database, created idempotently. A data dir without the marker (new, or after `infra:reset --
 * apicurio-registry`) starts from an empty database, as a reset of any other service does.
 */
async function prepareDatabase(cfg: InfraConfig): Promise<void> {
  const p = paths(cfg);
  const database = cfg.APICURIO_DATABASE;
  if (!fs.existsSync(p.databaseMarker)) {
    const admin = new pg.Client({ connectionString: pgUrl(cfg, PG_HQ_DATABASE) });
    await admin.connect();
    try {
      // The config schema limits the name to [a-z0-9_]; DROP DATABASE takes no bind parameters.
      // Without FORCE: a database another Apicurio still uses is refused, not pulled from under it.
      await admin.query(`DROP DATABASE IF EXISTS "${database}"`);
    } catch (err) {
      throw new InfraError(
        'APICURIO_DATABASE_IN_USE',
        `apicurio-registry: could not empty database ${database} for this new data dir: ${(err as Error).message}`,
        'another Apicurio (another RS_DATA_DIR on this Postgres) uses it: stop that one, or set APICURIO_DATABASE',
      );
    } finally {
      await admin.end();
    }
  }
  await ensureDatabase(pgUrl(cfg, PG_HQ_DATABASE), database);
  fs.writeFileSync(p.databaseMarker, `${database}\n`);
}

function apicurioPid(cfg: InfraConfig): number | undefined {
  const p = paths(cfg);
  return verifiedPid(p.pidFile, [path.join(p.app, 'quarkus-run.jar')]);
}

export const apicurioRegistryService: LocalService = {
  name: 'apicurio-registry',
  expectedStartSeconds: 15,
  portVariables: ['APICURIO_PORT', 'APICURIO_MANAGEMENT_PORT'],

  endpoints: ({ cfg }) => [
    `${apicurioBaseUrl(cfg)}${APICURIO_CCOMPAT_PATH}`,
    `management ${HOST}:${cfg.APICURIO_MANAGEMENT_PORT}`,
  ],
  ports: ({ cfg }) => [cfg.APICURIO_PORT, cfg.APICURIO_MANAGEMENT_PORT],
  logFiles: ({ cfg }) => [paths(cfg).log],

  async prepare({ cfg, say }: ServiceContext) {
    const p = paths(cfg);
    fs.mkdirSync(p.root, { recursive: true });
    fs.mkdirSync(logDir(cfg), { recursive: true });
    await findJava(MIN_JAVA, 'APICURIO_JAVA_HOME', ', or keep the built-in registry (--registry builtin)');
    await ensureMavenArchive(COORDINATES, cfg.RS_CACHE_DIR, path.basename(p.app), say);
    await waitForPostgres(cfg, say);
    await prepareDatabase(cfg);
  },

  async start({ cfg }: ServiceContext) {
    const p = paths(cfg);
    const java = await findJava(MIN_JAVA, 'APICURIO_JAVA_HOME');
    rotateLogIfLarge(p.log);
    spawnDetached(
      java,
      [`-Xms64m`, `-Xmx${cfg.APICURIO_HEAP}`, '-jar', path.join(p.app, 'quarkus-run.jar')],
      {
        cwd: p.root,
        logFile: p.log,
        pidFile: p.pidFile,
        env: {
          ...process.env,
          QUARKUS_HTTP_HOST: HOST,
          QUARKUS_HTTP_PORT: String(cfg.APICURIO_PORT),
          // Health and metrics: Quarkus binds them to 0.0.0.0:9000 unless told otherwise.
          QUARKUS_MANAGEMENT_HOST: HOST,
          QUARKUS_MANAGEMENT_PORT: String(cfg.APICURIO_MANAGEMENT_PORT),
          APICURIO_STORAGE_KIND: 'sql',
          APICURIO_STORAGE_SQL_KIND: 'postgresql',
          APICURIO_DATASOURCE_URL: `jdbc:postgresql://${HOST}:${cfg.PG_PORT}/${cfg.APICURIO_DATABASE}`,
          APICURIO_DATASOURCE_USERNAME: PG_USER,
          // The local Postgres trusts loopback (postgres.ts); there is no password to give.
          APICURIO_DATASOURCE_PASSWORD: '',
          // Its default pool holds 20 connections open (up to 100): the local Postgres has other users.
          APICURIO_DATASOURCE_JDBC_INITIAL_SIZE: '2',
          APICURIO_DATASOURCE_JDBC_MIN_SIZE: '2',
          APICURIO_DATASOURCE_JDBC_MAX_SIZE: '10',
          // Apicurio's default is NONE; Confluent's and ours is BACKWARD.
          APICURIO_RULES_GLOBAL_COMPATIBILITY: 'BACKWARD',
          // Confluent clients delete subjects and versions; Apicurio refuses unless enabled.
          APICURIO_REST_DELETION_ARTIFACT_ENABLED: 'true',
          APICURIO_REST_DELETION_ARTIFACT_VERSION_ENABLED: 'true',
          APICURIO_REST_DELETION_GROUP_ENABLED: 'true',
          APICURIO_REST_ARTIFACT_DELETION_ENABLED: 'true',
        },
      },
    );
  },

  runningPids({ cfg }: ServiceContext) {
    const pid = apicurioPid(cfg);
    return pid === undefined ? [] : [pid];
  },

  /** Ready when the Confluent API lists subjects, which reads the database. */
  async isHealthy({ cfg }: ServiceContext) {
    const res = await fetch(`${apicurioBaseUrl(cfg)}${APICURIO_CCOMPAT_PATH}/subjects`, {
      signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
    });
    if (res.status !== 200) return false;
    return Array.isArray(await res.json());
  },

  async stop({ cfg }: ServiceContext) {
    const pid = apicurioPid(cfg);
    if (pid !== undefined && (await stopPid(pid, STOP_GRACE_MS)) === 'killed') {
      fs.appendFileSync(
        paths(cfg).log,
        `\n===== apicurio registry did not stop within ${STOP_GRACE_MS / 1000}s; killed =====\n`,
      );
    }
    fs.rmSync(paths(cfg).pidFile, { force: true });
  },
};
