import fs from 'node:fs';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { HOST, kafkaCaFile, kafkaNodePorts, repoRoot, type InfraConfig } from '../infra-config.ts';
import { ensureKafkaAccess } from '../kafka-access.ts';
import { ADMIN_PRINCIPAL } from '../kafka-principals.ts';
import { ensureKafkaPasswords, readKafkaPasswords, type KafkaPasswords } from '../kafka-secrets.ts';
import { InfraError } from '../infra-error.ts';
import { javaAndJars } from '../maven-artifacts.ts';
import { rotateLogIfLarge, spawnDetached, stopPid, tailFile, verifiedPid } from '../process-control.ts';
import { logDir, serviceDir, type LocalService } from '../service.ts';
import {
  CLUSTER_ID,
  formatStorage,
  log4jProperties,
  newClusterId,
  readProperties,
  RESET_HINT,
} from './kafka-files.ts';
import {
  clientSecurity,
  formatScramArgs,
  readSecurityMarker,
  securityProperties,
  writeSecurityMarker,
  type KafkaSecurityMarker,
} from './kafka-security.ts';

const POM = path.join(repoRoot, 'infra', 'kafka', 'pom.xml');
/** Kafka's log4j config writes to stdout, which spawnDetached appends to the log file; it never rotates by itself. */
/** A clean stop takes 2-3 s (single) or ~7 s (cluster: Raft waits 5 s for departed voters); slack for a loaded box. */
const STOP_GRACE_MS = 30_000;

/**
 * Single-node and 3-node data live side by side so switching KAFKA_CLUSTER_SIZE never reformats
 * (or corrupts) the other mode's topics.
 */
type Mode = 'single' | 'cluster';
const NODE_COUNT: Record<Mode, number> = { single: 1, cluster: 3 };

interface KafkaNode {
  id: number;
  dir: string;
  dataDir: string;
  propsFile: string;
  log4jFile: string;
  /** The storage formatter logs its whole config at INFO, which would bury its error message. */
  toolsLog4jFile: string;
  pidFile: string;
  logFile: string;
  broker: number;
  controller: number;
}

const modeOf = (cfg: InfraConfig): Mode => (cfg.KAFKA_CLUSTER_SIZE === 3 ? 'cluster' : 'single');
const otherMode = (mode: Mode): Mode => (mode === 'single' ? 'cluster' : 'single');
const modeDir = (cfg: InfraConfig, mode: Mode) => path.join(serviceDir(cfg, 'kafka'), mode);
const clusterIdFile = (cfg: InfraConfig, mode: Mode) => path.join(modeDir(cfg, mode), 'cluster-id');

function nodesOf(cfg: InfraConfig, mode: Mode): KafkaNode[] {
  return Array.from({ length: NODE_COUNT[mode] }, (_, i) => {
    const id = i + 1;
    const dir = path.join(modeDir(cfg, mode), `node-${id}`);
    const ports = kafkaNodePorts(cfg, i);
    return {
      id,
      dir,
      dataDir: path.join(dir, 'data'),
      propsFile: path.join(dir, 'server.properties'),
      log4jFile: path.join(dir, 'log4j.properties'),
      toolsLog4jFile: path.join(dir, 'tools-log4j.properties'),
      pidFile: path.join(dir, 'kafka.pid'),
      logFile: path.join(logDir(cfg), `kafka-${id}.log`),
      broker: ports.broker,
      controller: ports.controller,
    };
  });
}

function serverProperties(
  node: KafkaNode,
  all: KafkaNode[],
  security: Record<string, string | number | boolean>,
): string {
  const size = all.length;
  // With 3 nodes, RF 3 + min ISR 2 tolerates one node down for acks=all writes, like production.
  const minIsr = size === 1 ? 1 : 2;
  const props: Record<string, string | number | boolean> = {
    'process.roles': 'broker,controller',
    'node.id': node.id,
    'controller.quorum.voters': all.map((n) => `${n.id}@${HOST}:${n.controller}`).join(','),
    'controller.listener.names': 'CONTROLLER',
    // Loopback still: SASL and ACLs (kafka-security.ts) guard it, but a dev broker has no business on the network.
    listeners: `CLIENT://${HOST}:${node.broker},CONTROLLER://${HOST}:${node.controller}`,
    'advertised.listeners': `CLIENT://${HOST}:${node.broker}`,
    ...security,
    'log.dirs': node.dataDir,
    'num.partitions': 3,
    'default.replication.factor': size,
    'min.insync.replicas': minIsr,
    'offsets.topic.replication.factor': size,
    'transaction.state.log.replication.factor': size,
    'transaction.state.log.min.isr': minIsr,
    // Tests and demos start consumer groups and expect assignments at once, not after 3 s.
    'group.initial.rebalance.delay.ms': 0,
    // 50 (the default) of each would be created on the first consumer group / transaction, which on
    // a fresh CI machine stalls the first test by seconds; a local broker needs no coordinator spread.
    'offsets.topic.num.partitions': 10,
    'transaction.state.log.num.partitions': 10,
    // Convenience for ad-hoc tools; code and tests create their topics explicitly.
    'auto.create.topics.enable': true,
    // Local data is disposable; keep the disk footprint of a long-running dev broker bounded.
    'log.retention.hours': 72,
  };
  if (size > 1) {
    // infra:down stops all nodes together, and a broker's controlled shutdown needs a controller
    // quorum: the node whose request is granted last can find the other two controllers gone and
    // then waits Kafka's hard-coded 5 minutes (seen: killed after our 30 s grace). Handing leadership
    // to brokers that are themselves stopping buys nothing; logs are still closed cleanly.
    props['controlled.shutdown.enable'] = false;
    // Without controlled shutdown the old registrations live until their session expires, and a
    // restarted broker is refused (DUPLICATE_BROKER_REGISTRATION) until then: 9 s by default, which
    // made warm starts 18-23 s. 3 s (heartbeat 1 s) keeps them at ~10 s and fails over faster too.
    props['broker.session.timeout.ms'] = 3000;
    props['broker.heartbeat.interval.ms'] = 1000;
  }
  return [
    '# Generated by infra/src/services/kafka.ts on every start; edits here are overwritten.',
    ...Object.entries(props).map(([k, v]) => `${k}=${v}`),
    '',
  ].join('\n');
}

const metaFile = (node: KafkaNode) => path.join(node.dataDir, 'meta.properties');

/**
 * The id the storage of this mode was (or will be) formatted with. If the id file was lost but the
 * data survived, the id is recovered from the data rather than minting a new one that would not match it.
 */
function ensureClusterId(cfg: InfraConfig, mode: Mode, nodes: KafkaNode[]): string {
  const file = clusterIdFile(cfg, mode);
  const stored = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim() : undefined;
  const fromData = nodes
    .map((n) => readProperties(metaFile(n))?.['cluster.id'])
    .find((id) => id !== undefined);
  const id = stored ?? fromData ?? newClusterId();
  if (!CLUSTER_ID.test(id)) {
    throw new InfraError(
      'KAFKA_DATA_CORRUPT',
      `kafka: ${file} does not hold a valid cluster id ('${id}')`,
      RESET_HINT,
    );
  }
  if (stored === undefined) fs.writeFileSync(file, `${id}\n`);
  return id;
}

/** Refuses to start on data that belongs to another cluster or node: Kafka would fail later with a vaguer error. */
function isFormatted(node: KafkaNode, clusterId: string): boolean {
  const meta = readProperties(metaFile(node));
  if (!meta) return false;
  if (meta['cluster.id'] !== clusterId || meta['node.id'] !== String(node.id)) {
    throw new InfraError(
      'KAFKA_DATA_CORRUPT',
      `kafka node ${node.id}: ${metaFile(node)} belongs to cluster '${meta['cluster.id']}' node ${meta['node.id']}, expected cluster '${clusterId}' node ${node.id}`,
      RESET_HINT,
    );
  }
  return true;
}

/** A pid file can outlive its process (reboot, kill -9) and the pid be reused, so check it is our broker. */
function brokerPid(node: KafkaNode): number | undefined {
  return verifiedPid(node.pidFile, ['kafka.Kafka', node.propsFile]);
}

const runningPidsOf = (cfg: InfraConfig, mode: Mode) =>
  nodesOf(cfg, mode)
    .map(brokerPid)
    .filter((p): p is number => p !== undefined);

async function probe(
  nodes: KafkaNode[],
  clusterId: string | undefined,
  security: ReturnType<typeof clientSecurity> | undefined,
): Promise<boolean> {
  // Not newKafkaClient: the probe must use the running broker's own credentials, not the caller's env.
  const kafka = new Kafka({
    ...security,
    clientId: 'rs-infra-health',
    brokers: nodes.map((n) => `${HOST}:${n.broker}`),
    // The probe runs every second while a broker starts; refused connections are expected, not news.
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1_000,
    requestTimeout: 3_000,
    retry: { retries: 0 },
  });
  const admin = kafka.admin({ retry: { retries: 0 } });
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    const ids = new Set(cluster.brokers.map((b) => b.nodeId));
    // KRaft lists a broker only once the active controller has unfenced it, so all expected ids
    // present means the controller quorum is up too. The cluster id rules out someone else's Kafka.
    return (
      cluster.clusterId === clusterId && cluster.controller !== null && nodes.every((n) => ids.has(n.id))
    );
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** The probe authenticates as the admin when the storage was formatted with SASL. */
function adminSecurity(cfg: InfraConfig, marker: KafkaSecurityMarker | undefined) {
  const pw: KafkaPasswords | undefined = readKafkaPasswords(cfg);
  return marker && pw ? clientSecurity(cfg, marker, ADMIN_PRINCIPAL, pw[ADMIN_PRINCIPAL]!) : undefined;
}

export const kafkaService: LocalService = {
  name: 'kafka',
  expectedStartSeconds: 10,
  portVariables: ['KAFKA_PORT', 'KAFKA_CONTROLLER_PORT'],

  endpoints: ({ cfg }) => nodesOf(cfg, modeOf(cfg)).map((n) => `${HOST}:${n.broker}`),

  ports: ({ cfg }) => nodesOf(cfg, modeOf(cfg)).flatMap((n) => [n.broker, n.controller]),

  async prepare(ctx) {
    const { cfg } = ctx;
    const { java, libDir } = await javaAndJars(POM, ctx.cfg.RS_CACHE_DIR, ctx.say);
    const mode = modeOf(cfg);
    const nodes = nodesOf(cfg, mode);
    const marker = readSecurityMarker(modeDir(cfg, mode));
    if (marker && !readKafkaPasswords(cfg)) {
      throw new InfraError(
        'KAFKA_SECURITY_SETUP_FAILED',
        `kafka: ${modeDir(cfg, mode)} was formatted with SASL, but its passwords (<RS_DATA_DIR>/secrets/kafka-users.json) are gone`,
        RESET_HINT,
      );
    }
    const passwords = ensureKafkaPasswords(cfg);
    fs.mkdirSync(logDir(cfg), { recursive: true });
    for (const node of nodes) {
      fs.mkdirSync(node.dir, { recursive: true });
      // Rewritten each time so changed ports or sizes apply without a reset; 0600: it holds the admin password.
      fs.writeFileSync(node.propsFile, serverProperties(node, nodes, securityProperties(cfg, passwords)), {
        mode: 0o600,
      });
      fs.chmodSync(node.propsFile, 0o600);
      fs.writeFileSync(node.log4jFile, log4jProperties('INFO'));
      fs.writeFileSync(node.toolsLog4jFile, log4jProperties('WARN'));
    }
    const clusterId = ensureClusterId(cfg, mode, nodes);
    const unformatted = nodes.filter((n) => !isFormatted(n, clusterId));
    if (!marker && unformatted.length < nodes.length) {
      // Its metadata has no admin SCRAM credential: a SASL broker would start but admit nobody.
      throw new InfraError(
        'KAFKA_NOT_SASL',
        `kafka: ${modeDir(cfg, mode)} was formatted without SASL (before issue 13); the broker now requires it`,
        '`npm run infra:down -- kafka && npm run infra:reset -- kafka && npm run infra:up` (local topics are disposable)',
      );
    }
    if (unformatted.length > 0) {
      ctx.say(`kafka: formatting KRaft storage (${mode}, cluster id ${clusterId}, SASL/SCRAM + ACLs)…`);
      await Promise.all(
        unformatted.map((n) => formatStorage(java, libDir, n, clusterId, formatScramArgs(passwords))),
      );
    }
    writeSecurityMarker(modeDir(cfg, mode), cfg.KAFKA_TLS);
  },

  /** Users and ACLs of kafka-principals.ts, on every infra:up (also when Kafka was already running). */
  async afterHealthy(ctx) {
    const { cfg } = ctx;
    const mode = modeOf(cfg);
    const marker = readSecurityMarker(modeDir(cfg, mode));
    const passwords = readKafkaPasswords(cfg);
    if (!marker || !passwords) {
      ctx.say(
        'kafka: running WITHOUT SASL/ACLs (data formatted before issue 13); switch with `npm run infra:down -- kafka && npm run infra:reset -- kafka && npm run infra:up`',
      );
      return;
    }
    const { java, libDir } = await javaAndJars(POM, cfg.RS_CACHE_DIR, ctx.say);
    await ensureKafkaAccess(
      {
        brokers: nodesOf(cfg, mode).map((n) => `${HOST}:${n.broker}`),
        security: (u, p) => clientSecurity(cfg, marker, u, p),
        java,
        libDir,
        tls: marker.tls,
        caFile: kafkaCaFile(cfg),
      },
      ensureKafkaPasswords(cfg),
      ctx.say,
    );
  },

  async start(ctx) {
    const { cfg } = ctx;
    const { java, libDir } = await javaAndJars(POM, ctx.cfg.RS_CACHE_DIR, ctx.say);
    const mode = modeOf(cfg);
    for (const node of nodesOf(cfg, mode)) {
      rotateLogIfLarge(node.logFile);
      // Node 1's log is shared by single and cluster mode; a marker makes each run easy to find.
      fs.appendFileSync(
        node.logFile,
        `\n===== ${new Date().toISOString()} starting kafka node ${node.id} (${mode}) =====\n`,
      );
      spawnDetached(
        java,
        [
          `-Xms${cfg.KAFKA_HEAP}`,
          `-Xmx${cfg.KAFKA_HEAP}`,
          // Kafka's own launcher defaults: short GC pauses keep request latency and session heartbeats steady.
          '-XX:+UseG1GC',
          '-XX:MaxGCPauseMillis=20',
          '-XX:InitiatingHeapOccupancyPercent=35',
          '-XX:+ExplicitGCInvokesConcurrent',
          // C1 only: C2 compiling three brokers at once on a 2-core box more than doubled the
          // cluster's warm start (14-21 s → 7-9 s); a local broker never needs peak throughput.
          '-XX:TieredStopAtLevel=1',
          // A broker that ran out of heap should die visibly, not limp on half-working.
          '-XX:+ExitOnOutOfMemoryError',
          '-Djava.awt.headless=true',
          `-Dkafka.logs.dir=${logDir(cfg)}`,
          `-Dlog4j.configuration=file:${node.log4jFile}`,
          '-cp',
          path.join(libDir, '*'),
          'kafka.Kafka',
          node.propsFile,
        ],
        { logFile: node.logFile, pidFile: node.pidFile, cwd: node.dir },
      );
    }
  },

  runningPids: ({ cfg }) => [...runningPidsOf(cfg, 'single'), ...runningPidsOf(cfg, 'cluster')],

  async isHealthy({ cfg }) {
    const mode = modeOf(cfg);
    const nodes = nodesOf(cfg, mode);
    const down = nodes.filter((n) => brokerPid(n) === undefined);
    const describe = (m: Mode) => (m === 'cluster' ? 'a 3-node cluster' : 'a single node');
    if (down.length === nodes.length && runningPidsOf(cfg, otherMode(mode)).length > 0) {
      // Waiting cannot help: the ports are held by the other mode's nodes.
      throw new InfraError(
        'KAFKA_MODE_MISMATCH',
        `kafka is running as ${describe(otherMode(mode))}, but KAFKA_CLUSTER_SIZE=${cfg.KAFKA_CLUSTER_SIZE} asks for ${describe(mode)}`,
        'stop it first with `npm run infra:down -- kafka`, then run infra:up again (each mode keeps its own data)',
      );
    }
    if (down.length > 0 && down.length < nodes.length) {
      // infra:up would otherwise wait out its whole timeout for a node that is gone.
      throw new InfraError(
        'KAFKA_NODE_DOWN',
        `kafka node ${down.map((n) => n.id).join(', ')} of the 3-node cluster is not running`,
        'restart the cluster: `npm run infra:down -- kafka && npm run infra:up -- kafka`; the node log below says why it stopped',
        down.map((n) => `${n.logFile}:\n${tailFile(n.logFile, 15)}`).join('\n'),
      );
    }
    const stored = fs.existsSync(clusterIdFile(cfg, mode))
      ? fs.readFileSync(clusterIdFile(cfg, mode), 'utf8').trim()
      : undefined;
    return probe(nodes, stored, adminSecurity(cfg, readSecurityMarker(modeDir(cfg, mode))));
  },

  async stop({ cfg }) {
    // Whatever mode is configured now, stop what is actually running: the user may have switched sizes.
    const running = (['single', 'cluster'] as const).flatMap((mode) =>
      nodesOf(cfg, mode).map((node) => ({ node, pid: brokerPid(node) })),
    );
    await Promise.all(
      running
        .filter((r) => r.pid !== undefined)
        .map(async ({ node, pid }) => {
          if ((await stopPid(pid, STOP_GRACE_MS)) === 'killed') {
            fs.appendFileSync(
              node.logFile,
              `\n===== kafka node ${node.id} did not stop within ${STOP_GRACE_MS / 1000}s; killed =====\n`,
            );
          }
        }),
    );
    for (const { node } of running) fs.rmSync(node.pidFile, { force: true });
  },

  logFiles: ({ cfg }) => {
    const running = runningPidsOf(cfg, 'cluster').length > 0 ? 'cluster' : modeOf(cfg);
    return nodesOf(cfg, running).map((n) => n.logFile);
  },
};
