import fs from 'node:fs';
import path from 'node:path';
import { hashPassword } from '@retail-stream/runtime';
import { HOST, repoRoot, type InfraConfig } from '../infra-config.ts';
import { InfraError } from '../infra-error.ts';
import { isAlive, readPid, spawnDetached, stopPid } from '../process-control.ts';
import { ensureRegistryPassword, REGISTRY_USER } from '../registry-credentials.ts';
import { logDir, serviceDir, type LocalService, type ServiceContext } from '../service.ts';

/**
 * Our own Confluent-API-compatible registry (infra/schema-registry), the default: Confluent's is
 * not on Maven Central, and Apicurio (apicurio-registry.ts, optional) needs Java 21+. It is a Node process, run through tsx
 * straight from the workspace sources, keeping its event log under the service's data dir.
 */
const MAIN = path.join(repoRoot, 'infra', 'schema-registry', 'src', 'main.ts');
const TSX = path.join(repoRoot, 'node_modules', 'tsx');
/** Shutdown finishes in-flight requests (milliseconds each); anything longer is a hang. */
const STOP_GRACE_MS = 15_000;
const PROBE_TIMEOUT_MS = 2_000;

function paths(cfg: InfraConfig) {
  const root = serviceDir(cfg, 'schema-registry');
  return {
    root,
    data: path.join(root, 'data'),
    pidFile: path.join(root, 'schema-registry.pid'),
    log: path.join(logDir(cfg), 'schema-registry.log'),
  };
}

const baseUrl = (cfg: InfraConfig) => `http://${HOST}:${cfg.SCHEMA_REGISTRY_PORT}`;

/** The pid file's process, if it is still our registry (a stale pid may have been reused by anything). */
function registryPid(cfg: InfraConfig): number | undefined {
  const pid = readPid(paths(cfg).pidFile);
  if (!isAlive(pid)) return undefined;
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(MAIN) ? pid : undefined;
  } catch {
    // No /proc (not Linux): the pid file is all there is to go on.
    return pid;
  }
}

async function getJson(url: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
  const text = await res.text();
  try {
    return { status: res.status, body: JSON.parse(text) };
  } catch {
    return { status: res.status, body: text };
  }
}

export const schemaRegistryService: LocalService = {
  name: 'schema-registry',
  expectedStartSeconds: 2,
  portVariables: ['SCHEMA_REGISTRY_PORT'],

  endpoints: ({ cfg }) => [`${HOST}:${cfg.SCHEMA_REGISTRY_PORT}`],
  ports: ({ cfg }) => [cfg.SCHEMA_REGISTRY_PORT],
  logFiles: ({ cfg }) => [paths(cfg).log],

  async prepare({ cfg }: ServiceContext) {
    if (!fs.existsSync(TSX)) {
      throw new InfraError(
        'TSX_MISSING',
        `the schema registry runs through tsx, which is not installed at ${TSX}`,
        'run `npm ci` in the repository root',
      );
    }
    const p = paths(cfg);
    fs.mkdirSync(p.data, { recursive: true });
    fs.mkdirSync(logDir(cfg), { recursive: true });
    ensureRegistryPassword(cfg);
  },

  async start({ cfg }: ServiceContext) {
    const p = paths(cfg);
    // `--import tsx` resolves from cwd, hence the repository root; the registry's own config
    // (LOG_LEVEL, SCHEMA_REGISTRY_DEFAULT_COMPATIBILITY) comes through the inherited environment.
    spawnDetached(process.execPath, ['--import', 'tsx', MAIN], {
      cwd: repoRoot,
      logFile: p.log,
      pidFile: p.pidFile,
      env: {
        ...process.env,
        SCHEMA_REGISTRY_PORT: String(cfg.SCHEMA_REGISTRY_PORT),
        SCHEMA_REGISTRY_HOST: HOST,
        SCHEMA_REGISTRY_DATA_DIR: p.data,
        // Changes need basic auth; the registry only ever sees the hash (a fresh salt each start).
        SCHEMA_REGISTRY_AUTH_USERS: `${REGISTRY_USER}:${hashPassword(ensureRegistryPassword(cfg))}`,
      },
    });
  },

  runningPids({ cfg }: ServiceContext) {
    const pid = registryPid(cfg);
    return pid === undefined ? [] : [pid];
  },

  /** Ready (log replayed, not stopping) and answering the API the way clients use it. */
  async isHealthy({ cfg }: ServiceContext) {
    const ready = await getJson(`${baseUrl(cfg)}/readyz`);
    if (ready.status !== 200) return false;
    const subjects = await getJson(`${baseUrl(cfg)}/subjects`);
    return subjects.status === 200 && Array.isArray(subjects.body);
  },

  async stop({ cfg }: ServiceContext) {
    const pid = registryPid(cfg);
    if (pid !== undefined && (await stopPid(pid, STOP_GRACE_MS)) === 'killed') {
      fs.appendFileSync(
        paths(cfg).log,
        `\n===== schema registry did not stop within ${STOP_GRACE_MS / 1000}s; killed =====\n`,
      );
    }
    fs.rmSync(paths(cfg).pidFile, { force: true });
  },
};
