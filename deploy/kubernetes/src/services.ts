import { POSTGRES_SINK_NODE_ARGS } from '@retail-stream/postgres-sink';
import { TOPICS } from '@retail-stream/schemas';

/**
 * Every long-running process, as Kubernetes sees it: one entry drives its Deployment, Service,
 * PodDisruptionBudget, ServiceAccount, Secret template, NetworkPolicy and (for consumers) KEDA
 * ScaledObject. The env names must be the service's own zod config keys: manifests.test.ts checks
 * each Deployment against the schema, so a renamed or misspelt variable fails the build.
 */

/** Partitions of the keyed pipeline topics in a cluster deployment (docs/scaling.md explains 12). */
export const PIPELINE_PARTITIONS = 12;

/** What a pod may open a connection to (NetworkPolicy egress); mirrored by the Kafka principals. */
export type Peer =
  | 'kafka'
  | 'schema-registry'
  | 'postgres'
  | 'clickhouse'
  | 'cassandra'
  | 'reports-api'
  | 'national-authority'
  | 'store-edges'
  | 'ingest-gateway';

export interface KedaScaling {
  consumerGroup: string;
  topic: string;
  /** Lag per replica before another one is added. */
  lagThreshold: number;
}

export interface ServiceSpec {
  /** Deployment name and `app.kubernetes.io/name`. */
  name: string;
  /** The TypeScript entry point; the container runs its bundle (`node <nodeArgs> dist/<entry>.js`, service-bundles.ts). */
  entry: string;
  /** Node flags before the entry point (e.g. the Postgres sink's young-generation size). */
  nodeArgs?: string[];
  /** Cap V8's old space at 3/4 of the pod's memory limit (`heapCapArgs`): set where measured. */
  v8HeapCap?: boolean;
  /** The config key holding the port the probes and /metrics answer on, and its value here. */
  portKey: string;
  port: number;
  /** Kafka principal (infra/src/kafka-principals.ts) whose SCRAM secret the pod mounts; none without Kafka. */
  kafkaPrincipal?: string;
  /** Plain settings (ConfigMap-free: short, per service, reviewed with the Deployment). */
  env: Record<string, string>;
  /** Settings read from the service's Secret `<name>-secrets` (key = env name). */
  secretEnv: string[];
  /** Steady RSS measured in docs/BENCHMARKS.md (MiB) -> memory request; the limit is 1.5 x. */
  memoryMiB: number;
  cpuMilli: number;
  replicas: number;
  /** Ops settings: SHUTDOWN_TIMEOUT_S is what the service's graceful stop may take. */
  shutdownTimeoutS: number;
  egress: Peer[];
  /** Who may connect in (besides Prometheus on the port): peers by name, or the outside world. */
  ingressFrom: ('dashboard' | 'world')[];
  keda?: KedaScaling;
  /** Store-side processes run one per store, outside the HQ overlay by default. */
  storeSide?: boolean;
}

/** A pod's memory limit: 1.5 × its request, room for a burst above the steady RSS. */
export const memoryLimitMiB = (s: Pick<ServiceSpec, 'memoryMiB'>): number => Math.ceil(s.memoryMiB * 1.5);

/**
 * V8's old space capped at 3/4 of the pod's memory limit. The live heaps are far below it (35–80
 * MB in the benches); what the cap changes is how far V8 lets the heap grow after each full GC: up
 * to 4× only when its limit is at least 2 GiB on Node's 64-bit build (V8's heap-controller,
 * MaxGrowingFactor: 1024 MB × the pointer multiplier), 1.3–2× below. Under their benches, with
 * these caps and throughput within noise, the RSS peak fell from 265 to 203–209 MiB (ingest, 360),
 * 353–358 to 252–274 MiB (KPI windows, 540) and 247–258 to 165–171 MiB (relay, 337), for 0–20 %
 * more CPU per event: docs/BENCHMARKS.md, "A V8 heap limit below 2 GiB". Near the limit V8
 * collects harder instead of the kernel killing the pod. Not on every service: the ClickHouse
 * sink lost 10–35 % of its rows/s under a 512 cap.
 */
export const heapCapArgs = (s: Pick<ServiceSpec, 'memoryMiB'>): string[] => [
  `--max-old-space-size=${Math.floor(memoryLimitMiB(s) * 0.75)}`,
];

const common = (port: string): Record<string, string> => ({
  LOG_LEVEL: 'info',
  // Pods listen on every interface; the NetworkPolicy, not the bind address, limits who connects.
  HTTP_HOST: '0.0.0.0',
  [port]: '',
});

const KAFKA = { KAFKA_BROKERS: 'retail-kafka-kafka-bootstrap:9092', KAFKA_SASL_MECHANISM: 'scram-sha-512' };
const REGISTRY = { SCHEMA_REGISTRY_URL: 'http://schema-registry:8081' };
/** Services that register their schemas at start send the registry's basic-auth credentials. */
const REGISTRY_SECRETS = ['SCHEMA_REGISTRY_USERNAME', 'SCHEMA_REGISTRY_PASSWORD'];
/** The chain's zone for stores reference data does not name: one value for every day-bucketing part. */
const STORE_ZONE = { STORE_DEFAULT_TIMEZONE: 'Asia/Ho_Chi_Minh' };

function spec(s: Omit<ServiceSpec, 'env'> & { env?: Record<string, string> }): ServiceSpec {
  const env = { ...common(s.portKey), ...(s.env ?? {}), [s.portKey]: String(s.port) };
  env.SHUTDOWN_TIMEOUT_S = String(s.shutdownTimeoutS);
  if (s.kafkaPrincipal) Object.assign(env, KAFKA, { KAFKA_SASL_USERNAME: s.kafkaPrincipal });
  return { ...s, env };
}

const sink = (
  name: string,
  entry: string,
  principal: string,
  db: Peer,
  memoryMiB: number,
  extra: Partial<ServiceSpec> = {},
): ServiceSpec =>
  spec({
    name,
    entry,
    portKey: 'OPS_PORT',
    port: 9400,
    kafkaPrincipal: principal,
    env: { ...REGISTRY, ...(extra.env ?? {}) },
    ...(extra.nodeArgs ? { nodeArgs: extra.nodeArgs } : {}),
    secretEnv: ['KAFKA_SASL_PASSWORD', ...REGISTRY_SECRETS, ...(extra.secretEnv ?? [])],
    memoryMiB,
    cpuMilli: 500,
    replicas: 2,
    shutdownTimeoutS: 30,
    egress: ['kafka', 'schema-registry', db, ...(extra.egress ?? [])],
    ingressFrom: [],
    keda: { consumerGroup: principal, topic: TOPICS.enrichedEvents, lagThreshold: 20_000 },
  });

export const SERVICES: readonly ServiceSpec[] = [
  spec({
    name: 'ingest-gateway',
    entry: 'producers/ingest-gateway/src/main.ts',
    portKey: 'PORT',
    port: 8090,
    kafkaPrincipal: 'ingest-gateway',
    env: { ...REGISTRY },
    secretEnv: ['KAFKA_SASL_PASSWORD', ...REGISTRY_SECRETS, 'PG_URL', 'SIGNING_MASTER_KEYS'],
    memoryMiB: 200,
    cpuMilli: 500,
    replicas: 2,
    shutdownTimeoutS: 30,
    egress: ['kafka', 'schema-registry', 'postgres'],
    ingressFrom: ['world'],
  }),
  spec({
    name: 'ingest',
    v8HeapCap: true,
    entry: 'stream-processors/ingest/src/main.ts',
    portKey: 'OPS_PORT',
    port: 9400,
    kafkaPrincipal: 'ingest',
    env: { ...REGISTRY, INGEST_TOPIC_PARTITIONS: String(PIPELINE_PARTITIONS) },
    secretEnv: ['KAFKA_SASL_PASSWORD', ...REGISTRY_SECRETS, 'SIGNING_MASTER_KEYS'],
    memoryMiB: 320,
    cpuMilli: 1000,
    replicas: 2,
    shutdownTimeoutS: 30,
    egress: ['kafka', 'schema-registry'],
    ingressFrom: [],
    keda: { consumerGroup: 'ingest-processor', topic: TOPICS.posEvents, lagThreshold: 20_000 },
  }),
  spec({
    name: 'kpi-windows',
    v8HeapCap: true,
    entry: 'stream-processors/kpi-windows/src/main.ts',
    portKey: 'OPS_PORT',
    port: 9400,
    kafkaPrincipal: 'kpi-windows',
    env: { ...REGISTRY, ...STORE_ZONE, KPI_OUTPUT_PARTITIONS: String(PIPELINE_PARTITIONS) },
    secretEnv: ['KAFKA_SASL_PASSWORD', ...REGISTRY_SECRETS],
    memoryMiB: 480,
    cpuMilli: 1000,
    replicas: 2,
    shutdownTimeoutS: 30,
    egress: ['kafka', 'schema-registry'],
    ingressFrom: [],
    keda: { consumerGroup: 'kpi-windows', topic: TOPICS.enrichedEvents, lagThreshold: 20_000 },
  }),
  sink('postgres-sink', 'sinks/postgres/src/main.ts', 'postgres-sink', 'postgres', 480, {
    secretEnv: ['PG_URL'],
    nodeArgs: [...POSTGRES_SINK_NODE_ARGS],
  }),
  // Pending rows are RowBinary bytes, not objects: 342–385 MiB RSS peak uncapped in the bench under
  // a firehose (JSON rows needed a --max-old-space-size=512 cap to stay at 433–475 MiB, and that cap
  // now costs 10–35 % of the rows/s): no heap cap (docs/BENCHMARKS.md, "ClickHouse sink: RowBinary").
  sink('clickhouse-sink', 'sinks/clickhouse/src/main.ts', 'clickhouse-sink', 'clickhouse', 480, {
    env: { CLICKHOUSE_URL: 'http://clickhouse:8123' },
    secretEnv: ['CLICKHOUSE_USER', 'CLICKHOUSE_PASSWORD'],
  }),
  sink('cassandra-sink', 'sinks/cassandra/src/main.ts', 'cassandra-sink', 'cassandra', 300, {
    env: { ...STORE_ZONE, CASSANDRA_CONTACT_POINTS: 'cassandra:9042', CASSANDRA_LOCAL_DC: 'datacenter1' },
    secretEnv: ['CASSANDRA_USERNAME', 'CASSANDRA_PASSWORD'],
  }),
  sink(
    'national-pharmacy-sync',
    'sinks/national-pharmacy/src/main.ts',
    'national-pharmacy-sync',
    'postgres',
    250,
    {
      env: { NATIONAL_SYNC_BASE_URL: 'https://national-pharmacy.example.invalid' },
      secretEnv: ['PG_URL', 'NATIONAL_SYNC_ACCOUNTS'],
      egress: ['national-authority'],
    },
  ),
  spec({
    name: 'reports-api',
    entry: 'sinks/postgres/src/reports-main.ts',
    portKey: 'REPORTS_PORT',
    port: 8090,
    secretEnv: ['PG_URL', 'REPORTS_API_TOKEN_SHA256'],
    memoryMiB: 150,
    cpuMilli: 250,
    replicas: 2,
    shutdownTimeoutS: 30,
    egress: ['postgres'],
    ingressFrom: ['dashboard'],
  }),
  spec({
    name: 'dashboard',
    entry: 'apps/dashboard/src/main.ts',
    portKey: 'DASHBOARD_PORT',
    port: 8088,
    kafkaPrincipal: 'dashboard',
    env: { REPORTS_API_URL: 'http://reports-api:8090' },
    // Bound to 0.0.0.0 it refuses to start without a login (DASHBOARD_USERS); the store panel reads
    // the edges with a read-only monitor token.
    secretEnv: ['KAFKA_SASL_PASSWORD', 'REPORTS_API_TOKEN', 'DASHBOARD_USERS', 'STORE_EDGE_MONITOR_TOKEN'],
    memoryMiB: 150,
    cpuMilli: 250,
    replicas: 1,
    shutdownTimeoutS: 30,
    egress: ['kafka', 'reports-api', 'store-edges'],
    ingressFrom: ['world'],
  }),
];

/**
 * A store's own pair, for chains that host a store's POS back end in the cluster instead of on the
 * store's box (rendered into store/, one copy per store via a kustomize overlay setting STORE_ID).
 */
export const STORE_SERVICES: readonly ServiceSpec[] = [
  spec({
    name: 'store-edge',
    entry: 'producers/store-edge/src/main.ts',
    portKey: 'EDGE_PORT',
    port: 8080,
    env: { STORE_ID: 'store_example' },
    secretEnv: [
      'PG_URL',
      'EDGE_TERMINAL_TOKENS',
      'EDGE_MONITOR_TOKENS',
      'EDGE_CUSTOMER_HMAC_KEY',
      'EDGE_QR_CALLBACK_SECRET',
      'EDGE_PAYMENT_PROVIDER',
    ],
    memoryMiB: 150,
    cpuMilli: 500,
    replicas: 1,
    shutdownTimeoutS: 30,
    egress: ['postgres'],
    ingressFrom: ['world'],
    storeSide: true,
  }),
  spec({
    name: 'outbox-relay',
    v8HeapCap: true,
    entry: 'producers/outbox-relay/src/main.ts',
    portKey: 'OPS_PORT',
    port: 9400,
    kafkaPrincipal: 'store-relay',
    env: { ...REGISTRY, STORE_ID: 'store_example' },
    // RELAY_SIGNING_KEY: this store's own key only (`retail keys derive --store <id>`), never the master.
    secretEnv: ['KAFKA_SASL_PASSWORD', ...REGISTRY_SECRETS, 'PG_URL', 'RELAY_SIGNING_KEY'],
    memoryMiB: 300,
    cpuMilli: 500,
    // One relay per store: it holds the store's outbox lease, a second would only wait.
    replicas: 1,
    shutdownTimeoutS: 30,
    egress: ['kafka', 'schema-registry', 'postgres'],
    ingressFrom: [],
    storeSide: true,
  }),
];
