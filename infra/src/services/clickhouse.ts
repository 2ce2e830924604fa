import fs from 'node:fs';
import path from 'node:path';
import { ClickHouseLogLevel, createClient } from '@clickhouse/client';
import { clickhouseClientOptions } from '@retail-stream/runtime';
import { ensureDebianPackage } from '../debian-packages.ts';
import { clientEnv, HOST, type InfraConfig } from '../infra-config.ts';
import { InfraError } from '../infra-error.ts';
import { isAlive, readPid, spawnDetached, stopPid } from '../process-control.ts';
import { logDir, serviceDir, type LocalService, type ServiceContext } from '../service.ts';

// Debian installs it under sbin (upstream's packages use /usr/bin).
const SERVER_BIN = '/usr/sbin/clickhouse-server';

interface Paths {
  root: string;
  data: string;
  config: string;
  users: string;
  pidFile: string;
  log: string;
  errLog: string;
  /** stdout/stderr of the process: where it complains before its own logger is configured. */
  console: string;
}

function paths(cfg: InfraConfig): Paths {
  const root = serviceDir(cfg, 'clickhouse');
  const logs = logDir(cfg);
  return {
    root,
    data: path.join(root, 'data'),
    config: path.join(root, 'config.xml'),
    users: path.join(root, 'users.xml'),
    pidFile: path.join(root, 'clickhouse.pid'),
    log: path.join(logs, 'clickhouse.log'),
    errLog: path.join(logs, 'clickhouse.err.log'),
    console: path.join(logs, 'clickhouse.console.log'),
  };
}

/** Paths and ports go into XML text; reject what would need escaping rather than escape it. */
function xmlSafe(value: string): string {
  if (/[<>&"']/.test(value)) {
    throw new InfraError(
      'CLICKHOUSE_BAD_PATH',
      `path '${value}' contains XML special characters`,
      'set RS_DATA_DIR to a plain path',
    );
  }
  return value;
}

/**
 * ClickHouse 18.16 (Debian's package) still uses the `<yandex>` root element. Everything the server
 * writes lives under our folder, so the system package's /var/lib/clickhouse is never touched.
 */
function configXml(cfg: InfraConfig, p: Paths): string {
  const dir = (sub: string) => xmlSafe(path.join(p.data, sub) + '/');
  return `<?xml version="1.0"?>
<!-- Written by infra/src/services/clickhouse.ts on every infra:up; edits are overwritten. -->
<yandex>
    <logger>
        <level>information</level>
        <log>${xmlSafe(p.log)}</log>
        <errorlog>${xmlSafe(p.errLog)}</errorlog>
        <size>100M</size>
        <count>3</count>
    </logger>

    <listen_host>${HOST}</listen_host>
    <http_port>${cfg.CLICKHOUSE_HTTP_PORT}</http_port>
    <tcp_port>${cfg.CLICKHOUSE_TCP_PORT}</tcp_port>
    <!-- No interserver_http_port: a single node never replicates, so no third port to collide. -->

    <max_connections>1024</max_connections>
    <keep_alive_timeout>10</keep_alive_timeout>
    <max_concurrent_queries>100</max_concurrent_queries>
    <!-- The defaults (8 GiB uncompressed, 5 GiB marks) assume a dedicated server; this box also runs Kafka, Cassandra, Postgres. -->
    <uncompressed_cache_size>268435456</uncompressed_cache_size>
    <mark_cache_size>268435456</mark_cache_size>

    <path>${dir('')}</path>
    <tmp_path>${dir('tmp')}</tmp_path>
    <user_files_path>${dir('user_files')}</user_files_path>
    <format_schema_path>${dir('format_schemas')}</format_schema_path>

    <users_config>${xmlSafe(p.users)}</users_config>
    <default_profile>default</default_profile>
    <default_database>default</default_database>
    <timezone>UTC</timezone>
    <mlock_executable>false</mlock_executable>

    <max_session_timeout>3600</max_session_timeout>
    <default_session_timeout>60</default_session_timeout>

    <!-- Protects tables from an accidental DROP in production; in a dev stack it only gets in the way. -->
    <max_table_size_to_drop>0</max_table_size_to_drop>
    <max_partition_size_to_drop>0</max_partition_size_to_drop>
</yandex>
`;
}

/** Local development only: user `default`, no password, reachable from loopback only. */
const USERS_XML = `<?xml version="1.0"?>
<!-- Written by infra/src/services/clickhouse.ts — LOCAL DEVELOPMENT ONLY: no password, loopback only. -->
<yandex>
    <profiles>
        <default>
            <!-- ~4 GB per query: big enough for benchmarks, small enough not to starve the rest of the stack. -->
            <max_memory_usage>4000000000</max_memory_usage>
            <use_uncompressed_cache>0</use_uncompressed_cache>
            <load_balancing>random</load_balancing>
        </default>
    </profiles>
    <users>
        <default>
            <password></password>
            <networks>
                <ip>127.0.0.1</ip>
                <ip>::1</ip>
            </networks>
            <profile>default</profile>
            <quota>default</quota>
        </default>
    </users>
    <quotas>
        <default>
            <interval>
                <duration>3600</duration>
                <queries>0</queries>
                <errors>0</errors>
                <result_rows>0</result_rows>
                <read_rows>0</read_rows>
                <execution_time>0</execution_time>
            </interval>
        </default>
    </quotas>
</yandex>
`;

/** A pid file can outlive a reboot and name an unrelated process; only signal a clickhouse one. */
function isClickhouse(pid: number | undefined): pid is number {
  if (!isAlive(pid)) return false;
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('clickhouse');
  } catch {
    // No /proc (not Linux): trust the pid file.
    return true;
  }
}

export const clickhouseService: LocalService = {
  name: 'clickhouse',
  expectedStartSeconds: 5,
  portVariables: ['CLICKHOUSE_HTTP_PORT', 'CLICKHOUSE_TCP_PORT'],

  endpoints: ({ cfg }) => [
    `http://${HOST}:${cfg.CLICKHOUSE_HTTP_PORT}`,
    `${HOST}:${cfg.CLICKHOUSE_TCP_PORT} (native)`,
  ],
  ports: ({ cfg }) => [cfg.CLICKHOUSE_HTTP_PORT, cfg.CLICKHOUSE_TCP_PORT],
  logFiles: ({ cfg }) => {
    const p = paths(cfg);
    return [p.console, p.log, p.errLog];
  },

  async prepare({ cfg, say }: ServiceContext) {
    // On a systemd machine the package also enables and starts a system clickhouse-server on the
    // default ports (8123/9000/9009, data in /var/lib/clickhouse). Nothing here uses it and its ports
    // differ from ours, so it is left alone; `systemctl disable --now clickhouse-server` reclaims its memory.
    await ensureDebianPackage('clickhouse-server', SERVER_BIN, say);
    const p = paths(cfg);
    for (const d of [p.root, p.data, logDir(cfg)]) fs.mkdirSync(d, { recursive: true });
    fs.writeFileSync(p.config, configXml(cfg, p));
    fs.writeFileSync(p.users, USERS_XML);
  },

  async start({ cfg }: ServiceContext) {
    const p = paths(cfg);
    spawnDetached(SERVER_BIN, [`--config-file=${p.config}`], {
      logFile: p.console,
      pidFile: p.pidFile,
      cwd: p.root,
    });
  },

  runningPids({ cfg }: ServiceContext) {
    const pid = readPid(paths(cfg).pidFile);
    return isClickhouse(pid) ? [pid] : [];
  },

  async isHealthy({ cfg }: ServiceContext) {
    const url = clientEnv(cfg).CLICKHOUSE_URL;
    if (!url) throw new Error('clientEnv() has no CLICKHOUSE_URL');
    // Polled while the server starts: failures are the expected answer, not something to log.
    const client = createClient({
      ...clickhouseClientOptions(url),
      request_timeout: 5_000,
      log: { level: ClickHouseLogLevel.OFF },
    });
    try {
      const ping = await fetch(`${url}/ping`, { signal: AbortSignal.timeout(2_000) });
      if (!ping.ok || (await ping.text()).trim() !== 'Ok.') return false;
      const rows = await (
        await client.query({ query: 'SELECT 1 AS ok', format: 'JSONEachRow' })
      ).json<{ ok: number }>();
      return rows[0]?.ok === 1;
    } catch {
      return false;
    } finally {
      await client.close();
    }
  },

  async stop({ cfg }: ServiceContext) {
    const p = paths(cfg);
    const pid = readPid(p.pidFile);
    if (!isClickhouse(pid)) return;
    // SIGTERM lets ClickHouse finish in-flight inserts and flush parts; 30 s covers a busy bench run.
    const outcome = await stopPid(pid, 30_000);
    if (outcome !== 'killed') fs.rmSync(p.pidFile, { force: true });
  },
};
