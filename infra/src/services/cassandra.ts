import fs from 'node:fs';
import path from 'node:path';
import { Client } from 'cassandra-driver';
import { CASSANDRA_DC, HOST, repoRoot, type InfraConfig } from '../infra-config.ts';
import { InfraError } from '../infra-error.ts';
import { javaAndJars } from '../maven-artifacts.ts';
import { rotateLogIfLarge, spawnDetached, stopPid, verifiedPid } from '../process-control.ts';
import { logDir, serviceDir, type LocalService } from '../service.ts';

/**
 * Apache Cassandra 5.0 as one local node, run straight from its Maven Central jars (the project
 * cannot download the tarball): `java … org.apache.cassandra.service.CassandraDaemon`.
 *
 * Files: infra/cassandra/pom.xml (jars), cassandra.yaml.tpl (rendered into the service dir on
 * every start), jvm-server.options (static JVM flags), logback.xml (everything to stdout, which
 * spawnDetached appends to <RS_DATA_DIR>/logs/cassandra.log).
 *
 * Memory: Cassandra mlockall()s the JVM at startup when it may (root, or a high RLIMIT_MEMLOCK), so
 * the whole CASSANDRA_HEAP is resident from the first second: ~1.5 GiB RSS with the 1g default.
 */

const CONF_SRC = path.join(repoRoot, 'infra', 'cassandra');
const POM = path.join(CONF_SRC, 'pom.xml');
const YAML_TEMPLATE = path.join(CONF_SRC, 'cassandra.yaml.tpl');
const JVM_OPTIONS = path.join(CONF_SRC, 'jvm-server.options');
const LOGBACK = path.join(CONF_SRC, 'logback.xml');

export const CASSANDRA_CLUSTER_NAME = 'retail-stream';
const MAIN_CLASS = 'org.apache.cassandra.service.CassandraDaemon';
/** On SIGTERM Cassandra drains: flushes every memtable and closes the commit log. Give it time. */
const STOP_GRACE_MS = 60_000;
/** stdout is the log and never rotates by itself; rotate at start once it is this big. */
/**
 * Local-only JMX for nodetool, at a fixed offset from the CQL port (19099 by default), e.g.
 * java $(grep -E '^--add-(opens|exports)' infra/cassandra/jvm-server.options) -cp '.data/cache/cassandra/lib/*' org.apache.cassandra.tools.NodeTool -p 19099 status
 */
const JMX_PORT_OFFSET = 57;

interface Layout {
  dir: string;
  confDir: string;
  yamlFile: string;
  pidFile: string;
  logFile: string;
  dataDirs: string[];
}

function layoutOf(cfg: InfraConfig): Layout {
  const dir = serviceDir(cfg, 'cassandra');
  return {
    dir,
    confDir: path.join(dir, 'conf'),
    yamlFile: path.join(dir, 'conf', 'cassandra.yaml'),
    pidFile: path.join(dir, 'cassandra.pid'),
    logFile: path.join(logDir(cfg), 'cassandra.log'),
    dataDirs: ['data', 'commitlog', 'saved_caches', 'hints', 'cdc_raw'].map((d) => path.join(dir, d)),
  };
}

const jmxPort = (cfg: InfraConfig) => cfg.CASSANDRA_PORT + JMX_PORT_OFFSET;

/** Fills the {{NAME}} placeholders of cassandra.yaml.tpl; an unknown or unfilled one is a bug, not a config. */
function renderYaml(cfg: InfraConfig, layout: Layout): string {
  const values: Record<string, string> = {
    HOST,
    NATIVE_PORT: String(cfg.CASSANDRA_PORT),
    STORAGE_PORT: String(cfg.CASSANDRA_STORAGE_PORT),
    DIR: layout.dir,
  };
  const body = fs.readFileSync(YAML_TEMPLATE, 'utf8').replace(/\{\{(\w+)\}\}/g, (m, name: string) => {
    const v = values[name];
    if (v === undefined) throw new Error(`${YAML_TEMPLATE}: unknown placeholder ${m}`);
    return v;
  });
  return `# Generated from infra/cassandra/cassandra.yaml.tpl by infra/src/services/cassandra.ts on every start; edits here are overwritten.\n${body}`;
}

/** Static flags from jvm-server.options: one per line, anything not starting with '-' is a comment. */
function staticJvmFlags(): string[] {
  return fs
    .readFileSync(JVM_OPTIONS, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('-'));
}

/** Cassandra's scripts load jamm as a java agent for exact on-heap sizes of memtables; use the jar Maven resolved. */
function jammAgent(libDir: string): string[] {
  const jar = fs.readdirSync(libDir).find((f) => /^jamm-[\d.]+\.jar$/.test(f));
  return jar ? [`-javaagent:${path.join(libDir, jar)}`] : [];
}

function jvmArgs(cfg: InfraConfig, layout: Layout, libDir: string): string[] {
  return [
    `-Xms${cfg.CASSANDRA_HEAP}`,
    `-Xmx${cfg.CASSANDRA_HEAP}`,
    ...staticJvmFlags(),
    ...jammAgent(libDir),
    `-Dcassandra.jmx.local.port=${jmxPort(cfg)}`,
    `-Dcassandra.config=file://${layout.yamlFile}`,
    `-Dcassandra.storagedir=${layout.dir}`,
    `-Dcassandra.logdir=${logDir(cfg)}`,
    `-Dlogback.configurationFile=${LOGBACK}`,
    // Keeps stdout/stderr open after startup: they are the log (see logback.xml).
    '-Dcassandra-foreground=yes',
    '-cp',
    path.join(libDir, '*'),
    MAIN_CLASS,
  ];
}

/** A pid file can outlive its process (reboot, kill -9) and the pid be reused, so check it is our node. */
function nodePid(layout: Layout): number | undefined {
  return verifiedPid(layout.pidFile, [MAIN_CLASS, layout.yamlFile]);
}

/** CQL round-trip; the cluster name rules out somebody else's Cassandra on the same port. */
async function probe(cfg: InfraConfig): Promise<boolean> {
  const client = new Client({
    contactPoints: [`${HOST}:${cfg.CASSANDRA_PORT}`],
    // Also the port the driver assumes for hosts it learns from events; the default would be 9042.
    protocolOptions: { port: cfg.CASSANDRA_PORT },
    localDataCenter: CASSANDRA_DC,
    socketOptions: { connectTimeout: 1_000, readTimeout: 3_000 },
    // Only the probe's query matters; skip reading all keyspace/table metadata on connect.
    isMetadataSyncEnabled: false,
  });
  try {
    const rs = await client.execute('SELECT release_version, cluster_name FROM system.local');
    const row = rs.first();
    return (
      row !== null &&
      row['cluster_name'] === CASSANDRA_CLUSTER_NAME &&
      typeof row['release_version'] === 'string'
    );
  } catch {
    return false;
  } finally {
    await client.shutdown().catch(() => undefined);
  }
}

export const cassandraService: LocalService = {
  name: 'cassandra',
  expectedStartSeconds: 20,
  portVariables: ['CASSANDRA_PORT', 'CASSANDRA_STORAGE_PORT'],

  endpoints: ({ cfg }) => [`${HOST}:${cfg.CASSANDRA_PORT}`],

  ports: ({ cfg }) => [cfg.CASSANDRA_PORT, cfg.CASSANDRA_STORAGE_PORT, jmxPort(cfg)],

  async prepare(ctx) {
    const { cfg } = ctx;
    await javaAndJars(POM, ctx.cfg.RS_CACHE_DIR, ctx.say);
    const layout = layoutOf(cfg);
    if (!fs.existsSync(path.join(layout.dir, 'data', 'system'))) {
      ctx.say('cassandra: new node, the first start also creates the system keyspaces…');
    }
    for (const d of [layout.confDir, ...layout.dataDirs, logDir(cfg)]) fs.mkdirSync(d, { recursive: true });
    // Rewritten each time so changed ports or paths apply without a reset.
    fs.writeFileSync(layout.yamlFile, renderYaml(cfg, layout));
  },

  async start(ctx) {
    const { cfg } = ctx;
    const { java, libDir } = await javaAndJars(POM, ctx.cfg.RS_CACHE_DIR, ctx.say);
    const layout = layoutOf(cfg);
    if (!fs.existsSync(layout.yamlFile)) {
      throw new InfraError(
        'CASSANDRA_NOT_PREPARED',
        `cassandra: ${layout.yamlFile} is missing`,
        'run `npm run infra:up -- cassandra`',
      );
    }
    rotateLogIfLarge(layout.logFile);
    fs.appendFileSync(layout.logFile, `\n===== ${new Date().toISOString()} starting cassandra =====\n`);
    spawnDetached(java, jvmArgs(cfg, layout, libDir), {
      logFile: layout.logFile,
      pidFile: layout.pidFile,
      cwd: layout.dir,
    });
  },

  runningPids: ({ cfg }) => {
    const pid = nodePid(layoutOf(cfg));
    return pid === undefined ? [] : [pid];
  },

  isHealthy: ({ cfg }) => probe(cfg),

  async stop({ cfg }) {
    const layout = layoutOf(cfg);
    const pid = nodePid(layout);
    if (pid !== undefined && (await stopPid(pid, STOP_GRACE_MS)) === 'killed') {
      fs.appendFileSync(
        layout.logFile,
        `\n===== cassandra did not stop within ${STOP_GRACE_MS / 1000}s; killed (commit log replays on next start) =====\n`,
      );
    }
    fs.rmSync(layout.pidFile, { force: true });
  },

  logFiles: ({ cfg }) => [layoutOf(cfg).logFile],
};
