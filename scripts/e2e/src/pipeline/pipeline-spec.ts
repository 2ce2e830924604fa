import crypto from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleRunArgs, SERVICE_PROCESS_ENV } from '@retail-stream/scripts/bundle';
import type { ChildSpec } from '@retail-stream/scripts/supervisor';
import { kafkaPrincipalEnv, loadInfraConfig } from '@retail-stream/infra';
import { POSTGRES_SINK_NODE_ARGS } from '@retail-stream/postgres-sink';
import * as pharmacy from './national-spec.ts';
import {
  generateSecrets,
  pipelineNames,
  type PipelineNames,
  type PipelineSecrets,
} from './pipeline-names.ts';

/**
 * The whole pipeline as supervisor groups: one-shot setup (migrations, seed, reference data), the
 * HQ services, then the store host (store edges + relays) and the dashboard, then the simulator.
 * The demo runs it with the default names; the end-to-end test and benchmark run it isolated (every
 * topic, consumer group, database schema, keyspace and store id carries a run suffix), so they can
 * run next to a demo or other tests on the same services.
 */

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

export interface ServiceEndpoints {
  KAFKA_BROKERS: string;
  SCHEMA_REGISTRY_URL: string;
  /** Registry basic-auth user, when the registry has users (clientEnv() of the local stack). */
  SCHEMA_REGISTRY_USERNAME?: string;
  SCHEMA_REGISTRY_PASSWORD?: string;
  PG_URL: string;
  CLICKHOUSE_URL: string;
  CASSANDRA_CONTACT_POINTS: string;
  CASSANDRA_LOCAL_DC: string;
}

export interface PipelinePorts extends pharmacy.NationalPorts {
  /** Store i serves its POS API on storeBase + i. */
  storeBase: number;
  storeHostOps: number;
  ingestOps: number;
  kpiOps: number;
  postgresSinkOps: number;
  clickhouseSinkOps: number;
  cassandraSinkOps: number;
  reports: number;
  dashboard: number;
  simulator: number;
}

export const DEMO_PORTS: PipelinePorts = {
  storeBase: 18_100,
  storeHostOps: 9300,
  ingestOps: 9301,
  kpiOps: 9302,
  postgresSinkOps: 9303,
  clickhouseSinkOps: 9304,
  cassandraSinkOps: 9305,
  reports: 8090,
  dashboard: 8088,
  simulator: 8089,
  ...pharmacy.DEMO_NATIONAL_PORTS,
};

export interface SimulatorRun {
  rate: number;
  /** Seconds; 0 runs until stopped. */
  duration: number;
  terminals: number;
  offline: string[];
  ledger: string;
  seed: number;
  /** Each store's first till first serves one of every case (--every-case), for tests asserting on them. */
  everyCase?: boolean;
}

export interface PipelineOptions {
  endpoints: ServiceEndpoints;
  ports: PipelinePorts;
  stores: number;
  terminalsPerStore: number;
  /** Empty for the demo's default names; a short [a-z0-9] suffix isolates a test run. */
  runSuffix: string;
  /** SKUs seeded per store (the store edge's default is 2000). */
  skus: number;
  dashboard: boolean;
  simulator?: SimulatorRun;
  logLevel: string;
  /**
   * Each HQ service's bundle (absolute path by entry, from HQ_SERVICE_ENTRIES): the service then
   * runs as its container does, plain node on the bundle; an entry without one runs through tsx.
   */
  bundles?: ReadonlyMap<string, string>;
  /** Per-run secrets; generated when not given. */
  secrets?: PipelineSecrets;
  /**
   * KAFKA_SASL_* of one principal of infra/src/kafka-principals.ts, so each service runs as its
   * own role (least privilege, issue 13); the local stack's by default ({} when it has no SASL).
   */
  kafkaAuth?: (principal: string) => Record<string, string>;
}

/** Each principal's credentials as the local stack generated them (infra:up). */
const localKafkaAuth = (principal: string) => kafkaPrincipalEnv(loadInfraConfig(), principal);

export const sha256Hex = (text: string): string => crypto.createHash('sha256').update(text).digest('hex');
const tsx = (
  file: string,
  args: string[] = [],
  nodeArgs: readonly string[] = [],
): Pick<ChildSpec, 'command' | 'args' | 'cwd'> => ({
  command: process.execPath,
  args: [...nodeArgs, '--import', 'tsx', path.join(REPO_ROOT, file), ...args],
  cwd: REPO_ROOT,
});

/** The long-running HQ services of a run, which run from their bundles when the run has them. */
export const HQ_SERVICE_ENTRIES = [
  'stream-processors/ingest/src/main.ts',
  'stream-processors/kpi-windows/src/main.ts',
  'sinks/postgres/src/main.ts',
  'sinks/clickhouse/src/main.ts',
  'sinks/cassandra/src/main.ts',
  'sinks/postgres/src/reports-main.ts',
] as const;

const ready = (port: number) => `http://127.0.0.1:${port}/readyz`;

/** The supervisor groups of a run, in start order. */
export function pipelineGroups(opts: PipelineOptions): {
  groups: ChildSpec[][];
  names: PipelineNames;
  secrets: PipelineSecrets;
} {
  const names = pipelineNames(opts.runSuffix);
  const secrets = opts.secrets ?? generateSecrets();
  const e = opts.endpoints;
  const p = opts.ports;
  const T = names.topics;
  // Every process of the run, as the Deployments run them (malloc's settings among them).
  const base: Record<string, string> = { ...SERVICE_PROCESS_ENV, ...e, LOG_LEVEL: opts.logLevel };
  const kafkaAs = opts.kafkaAuth ?? localKafkaAuth;
  const hqService = (
    entry: (typeof HQ_SERVICE_ENTRIES)[number],
    nodeArgs: readonly string[] = [],
  ): Pick<ChildSpec, 'command' | 'args' | 'cwd'> => {
    const bundle = opts.bundles?.get(entry);
    if (!bundle) return tsx(entry, [], nodeArgs);
    return { command: process.execPath, args: [...nodeArgs, ...bundleRunArgs(bundle)], cwd: REPO_ROOT };
  };
  const storeArgs = [
    '--stores',
    String(opts.stores),
    '--prefix',
    names.storePrefix,
    '--skus',
    String(opts.skus),
  ];

  const national = pharmacy.nationalChildren({ names, ports: p, base, storeArgs, run: tsx, ready });
  national.sync.env = { ...national.sync.env, ...kafkaAs('national-pharmacy-sync') };
  const setup: ChildSpec[] = [
    {
      name: 'migrate-pg',
      ...tsx('sinks/postgres/src/migrate.ts'),
      env: { ...base, HQ_PG_SCHEMA: names.pgSchema },
      oneShot: true,
    },
    {
      name: 'migrate-ch',
      ...tsx('sinks/clickhouse/src/migrate.ts'),
      env: { ...base, CLICKHOUSE_DATABASE: names.clickhouseDatabase },
      oneShot: true,
    },
    {
      name: 'migrate-cass',
      ...tsx('sinks/cassandra/src/migrate.ts'),
      env: { ...base, CASSANDRA_KEYSPACE: names.cassandraKeyspace },
      oneShot: true,
    },
    { name: 'seed', ...tsx('producers/store-edge/src/seed.ts', storeArgs), env: base, oneShot: true },
    national.files,
    {
      name: 'publish-refs',
      ...tsx('stream-processors/ingest/src/publish-refs.ts', [...storeArgs, '--register']),
      env: {
        ...base,
        ...kafkaAs('ref-publisher'),
        INGEST_REF_STORES_TOPIC: T.refStores,
        INGEST_REF_PRODUCTS_TOPIC: T.refProducts,
      },
      oneShot: true,
    },
  ];

  const hq: ChildSpec[] = [
    {
      name: 'ingest',
      ...hqService('stream-processors/ingest/src/main.ts'),
      env: {
        ...base,
        ...kafkaAs('ingest'),
        OPS_PORT: String(p.ingestOps),
        INGEST_GROUP_ID: names.groups.ingest,
        INGEST_INPUT_TOPIC: T.pos,
        INGEST_OUTPUT_TOPIC: T.enriched,
        INGEST_DLQ_TOPIC: T.dlq,
        INGEST_ALERTS_TOPIC: T.alerts,
        INGEST_STATE_TOPIC: T.dedupState,
        INGEST_DUPLICATES_TOPIC: T.duplicates,
        INGEST_REF_STORES_TOPIC: T.refStores,
        INGEST_REF_PRODUCTS_TOPIC: T.refProducts,
        INGEST_REGISTER_SCHEMAS: 'true',
        SIGNING_MASTER_KEYS: secrets.signingMasterKeys,
      },
      readyUrl: ready(p.ingestOps),
    },
    {
      name: 'kpi',
      ...hqService('stream-processors/kpi-windows/src/main.ts'),
      env: {
        ...base,
        ...kafkaAs('kpi-windows'),
        OPS_PORT: String(p.kpiOps),
        KPI_STAGE: 'all',
        KPI_GROUP_ID: names.groups.kpi,
        KPI_CHAIN_GROUP_ID: names.groups.kpiChain,
        KPI_INPUT_TOPIC: T.enriched,
        KPI_OUTPUT_TOPIC: T.kpi,
        KPI_STORE_WINDOWS_TOPIC: T.kpiStoreWindows,
        KPI_CHANGELOG_TOPIC: T.kpiChangelog,
        KPI_LATE_TOPIC: T.kpiLate,
        KPI_DLQ_TOPIC: T.dlq,
        KPI_REGISTER_SCHEMAS: 'true',
        KPI_CREATE_TOPICS: 'true',
      },
      readyUrl: ready(p.kpiOps),
    },
    {
      name: 'sink-pg',
      ...hqService('sinks/postgres/src/main.ts', POSTGRES_SINK_NODE_ARGS),
      env: {
        ...base,
        ...kafkaAs('postgres-sink'),
        OPS_PORT: String(p.postgresSinkOps),
        HQ_PG_SCHEMA: names.pgSchema,
        SINK_GROUP_ID: names.groups.postgres,
        SINK_EVENTS_TOPIC: T.enriched,
        SINK_KPI_TOPIC: T.kpi,
        SINK_DLQ_TOPIC: T.dlq,
      },
      readyUrl: ready(p.postgresSinkOps),
    },
    {
      name: 'sink-ch',
      ...hqService('sinks/clickhouse/src/main.ts'),
      env: {
        ...base,
        ...kafkaAs('clickhouse-sink'),
        OPS_PORT: String(p.clickhouseSinkOps),
        CLICKHOUSE_DATABASE: names.clickhouseDatabase,
        SINK_GROUP_ID: names.groups.clickhouse,
        SINK_EVENTS_TOPIC: T.enriched,
        SINK_KPI_TOPIC: T.kpi,
        SINK_DLQ_TOPIC: T.dlq,
      },
      readyUrl: ready(p.clickhouseSinkOps),
    },
    {
      name: 'sink-cass',
      ...hqService('sinks/cassandra/src/main.ts'),
      env: {
        ...base,
        ...kafkaAs('cassandra-sink'),
        OPS_PORT: String(p.cassandraSinkOps),
        CASSANDRA_KEYSPACE: names.cassandraKeyspace,
        SINK_GROUP_ID: names.groups.cassandra,
        SINK_EVENTS_TOPIC: T.enriched,
        SINK_DLQ_TOPIC: T.dlq,
      },
      readyUrl: ready(p.cassandraSinkOps),
    },
    {
      name: 'reports',
      ...hqService('sinks/postgres/src/reports-main.ts'),
      env: {
        ...base,
        HQ_PG_SCHEMA: names.pgSchema,
        REPORTS_PORT: String(p.reports),
        REPORTS_API_TOKEN_SHA256: sha256Hex(secrets.reportsToken),
      },
      readyUrl: ready(p.reports),
    },
  ];

  const edge: ChildSpec[] = [
    {
      name: 'stores',
      ...tsx('tools/store-simulator/src/host-main.ts'),
      env: {
        ...base,
        ...kafkaAs('store-relay'),
        OPS_PORT: String(p.storeHostOps),
        STORE_COUNT: String(opts.stores),
        STORE_PREFIX: names.storePrefix,
        STORE_BASE_PORT: String(p.storeBase),
        TERMINALS_PER_STORE: String(opts.terminalsPerStore),
        TERMINAL_TOKEN_SECRET: secrets.terminalTokenSecret,
        CUSTOMER_HMAC_KEY: secrets.customerHmacKey,
        QR_CALLBACK_SECRET: secrets.qrCallbackSecret,
        STORE_MONITOR_TOKEN_SHA256: sha256Hex(secrets.monitorToken),
        STORE_HOST_CONTROL_TOKEN_SHA256: sha256Hex(secrets.hostControlToken),
        RELAY_TOPIC: T.pos,
        SIGNING_MASTER_KEYS: secrets.signingMasterKeys,
      },
      readyUrl: ready(p.storeHostOps),
      readyTimeoutMs: 180_000,
    },
  ];
  if (opts.dashboard) {
    const storeUrls = Array.from(
      { length: opts.stores },
      (_, i) => `${names.storePrefix}${String(i + 1).padStart(3, '0')}=http://127.0.0.1:${p.storeBase + i}`,
    );
    edge.push({
      name: 'dashboard',
      ...tsx('apps/dashboard/src/main.ts'),
      env: {
        ...base,
        ...kafkaAs('dashboard'),
        DASHBOARD_PORT: String(p.dashboard),
        REPORTS_API_URL: `http://127.0.0.1:${p.reports}`,
        REPORTS_API_TOKEN: secrets.reportsToken,
        STORE_EDGE_URLS: storeUrls.join(','),
        STORE_EDGE_MONITOR_TOKEN: secrets.monitorToken,
        DASHBOARD_CONSUMER_GROUPS: Object.values(names.groups).join(','),
        DLQ_TOPIC: T.dlq,
        KPI_LATE_TOPIC: T.kpiLate,
      },
      readyUrl: ready(p.dashboard),
    });
  }

  // Producers create their output topics: ingest (enriched) before kpi (windows) before the sinks.
  const [ingest, kpi, ...sinks] = hq;
  const groups: ChildSpec[][] = [setup, [ingest!, national.mock], [kpi!], [...sinks, national.sync], edge];
  if (opts.simulator) {
    const s = opts.simulator;
    groups.push([
      {
        name: 'simulator',
        ...tsx('tools/store-simulator/src/simulate-main.ts', [
          '--stores',
          String(opts.stores),
          '--terminals',
          String(s.terminals),
          '--rate',
          String(s.rate),
          '--duration',
          String(s.duration),
          '--seed',
          String(s.seed),
          '--ledger',
          s.ledger,
          '--port',
          String(p.simulator),
          ...s.offline.flatMap((o) => ['--offline', o]),
          ...(s.everyCase ? ['--every-case'] : []),
        ]),
        env: {
          ...base,
          STORE_HOST_URL: `http://127.0.0.1:${p.storeHostOps}`,
          TERMINAL_TOKEN_SECRET: secrets.terminalTokenSecret,
          QR_CALLBACK_SECRET: secrets.qrCallbackSecret,
          STORE_HOST_CONTROL_TOKEN: secrets.hostControlToken,
          SIM_CONTROL_TOKEN_SHA256: sha256Hex(secrets.simControlToken),
        },
        // The simulator ends after its duration; that is not a failure of the pipeline.
        required: false,
      },
    ]);
  }
  return { groups, names, secrets };
}
