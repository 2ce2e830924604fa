import { TOPICS } from '@retail-stream/schemas';

/**
 * Who may do what on Kafka: one SCRAM principal per role, least privilege, defined once. infra:up
 * turns this into users and ACLs (kafka-acls.ts); issue 15 renders Strimzi KafkaUsers and network
 * policies from the same table. Everything not granted here is refused (the authorizer runs with
 * allow.everyone.if.no.acl.found=false).
 *
 * Names are PREFIXED patterns on the production names: an isolated run (end-to-end test, benchmark)
 * suffixes every topic and group (`retail.pos.events.<run>`, `ingest-processor.<run>`) and must
 * still be covered, while no role's prefix is a prefix of a name another role owns.
 *
 * Topics: each service keeps creating the topics it writes at startup (auto-create on first
 * produce, or ensureTopics), so it holds CREATE on exactly those and nothing else. The admin could
 * pre-create them instead, but the isolated runs create suffixed topics on the fly, and a service
 * brought up before setup would then fail rather than wait; CREATE on its own output names gives a
 * service no power over anyone else's data.
 */
export type KafkaOperation =
  'READ' | 'WRITE' | 'CREATE' | 'DELETE' | 'DESCRIBE' | 'DESCRIBE_CONFIGS' | 'ALTER' | 'IDEMPOTENT_WRITE';

export interface KafkaGrant {
  resource: 'topic' | 'group' | 'transactional-id' | 'cluster';
  /** A name prefix (every grant is PREFIXED) or `kafka-cluster` for the cluster. */
  name: string;
  operations: readonly KafkaOperation[];
}

export interface KafkaPrincipal {
  /** SCRAM user name, `User:<name>` in ACLs; also the KAFKA_SASL_USERNAME of the role's processes. */
  name: string;
  /** Which processes run as it. */
  usedBy: string;
  grants: readonly KafkaGrant[];
}

const topic = (name: string, ...operations: KafkaOperation[]): KafkaGrant => ({
  resource: 'topic',
  name,
  operations: ['DESCRIBE', ...operations],
});
/** Produce to a topic the role also creates when missing. */
const writes = (name: string) => topic(name, 'WRITE', 'CREATE');
const reads = (name: string) => topic(name, 'READ');
const group = (name: string): KafkaGrant => ({ resource: 'group', name, operations: ['READ', 'DESCRIBE'] });
const transactions = (name: string): KafkaGrant => ({
  resource: 'transactional-id',
  name,
  operations: ['WRITE', 'DESCRIBE'],
});

/** The sink pattern: read its inputs with its own group, write nothing but dead letters. */
const sink = (name: string, inputs: string[]): KafkaPrincipal => ({
  name,
  usedBy: `${name} (sinks/…, SINK_GROUP_ID ${name}*)`,
  // CREATE on the DLQ too: the first dead letter of a run may come from any of its writers.
  grants: [...inputs.map(reads), writes(TOPICS.deadLetters), group(name)],
});

export const ADMIN_PRINCIPAL = 'admin';

/** Lag and membership of the pipeline's consumer groups, without joining them. */
const describesPipelineGroups: KafkaGrant[] = [
  'ingest-processor',
  'kpi-windows',
  'postgres-sink',
  'clickhouse-sink',
  'cassandra-sink',
  'national-pharmacy-sync',
].map((g) => ({ resource: 'group', name: g, operations: ['DESCRIBE'] }));

export const KAFKA_PRINCIPALS: readonly KafkaPrincipal[] = [
  {
    name: ADMIN_PRINCIPAL,
    usedBy: 'infra:up (users, ACLs), one-shot setup, tests and benchmarks; a super user, no ACLs needed',
    grants: [],
  },
  {
    name: 'store-relay',
    usedBy: 'outbox relays of the stores (tools/store-simulator host, producers/outbox-relay)',
    grants: [writes(TOPICS.posEvents)],
  },
  {
    name: 'ingest-gateway',
    usedBy: 'producers/ingest-gateway (stores that post events over HTTPS)',
    grants: [writes(TOPICS.posEvents)],
  },
  {
    name: 'ingest',
    usedBy: 'stream-processors/ingest (INGEST_GROUP_ID ingest-processor*)',
    grants: [
      // topic-setup.ts creates its inputs too (it owns their partition layout: the dedup changelog
      // needs one partition per raw partition); CREATE never lets it alter or write an existing topic.
      topic(TOPICS.posEvents, 'READ', 'CREATE'),
      topic(TOPICS.refStores, 'READ', 'CREATE'),
      topic(TOPICS.refProducts, 'READ', 'CREATE'),
      topic(TOPICS.storeEpochs, 'READ', 'CREATE'),
      writes(TOPICS.enrichedEvents),
      writes(TOPICS.deadLetters),
      writes(TOPICS.ingestDuplicates),
      writes(TOPICS.opsAlerts),
      // Its dedup changelog: written in each transaction, read back when a partition is restored.
      topic('retail.ingest.dedup-state', 'READ', 'WRITE', 'CREATE'),
      group('ingest-processor'),
      // PartitionWorker: `${group}-${input topic}-${partition}`.
      transactions('ingest-processor'),
    ],
  },
  {
    name: 'ref-publisher',
    usedBy: 'stream-processors/ingest/src/publish-refs.ts (HQ reference data: stores, products)',
    grants: [writes(TOPICS.refStores), writes(TOPICS.refProducts)],
  },
  {
    name: 'kpi-windows',
    usedBy:
      'stream-processors/kpi-windows (KPI_GROUP_ID kpi-windows*, KPI_CHAIN_GROUP_ID kpi-windows-chain*)',
    grants: [
      reads(TOPICS.enrichedEvents),
      // windows, store-windows, changelog, late: written and (store-windows, changelog) read back.
      topic('retail.kpi.', 'READ', 'WRITE', 'CREATE'),
      // setup.ts creates its outputs and the DLQ at startup (KPI_CREATE_TOPICS).
      writes(TOPICS.deadLetters),
      group('kpi-windows'),
      // partition-transaction.ts: `${group}.${input topic}.${partition}`.
      transactions('kpi-windows'),
    ],
  },
  sink('postgres-sink', [TOPICS.enrichedEvents, TOPICS.kpiWindows]),
  sink('clickhouse-sink', [TOPICS.enrichedEvents, TOPICS.kpiWindows]),
  sink('cassandra-sink', [TOPICS.enrichedEvents]),
  sink('national-pharmacy-sync', [TOPICS.enrichedEvents]),
  {
    name: 'dashboard',
    usedBy: 'apps/dashboard (consumer lag, DLQ and late-event counts; reads no record)',
    grants: [topic('retail.'), ...describesPipelineGroups],
  },
  {
    name: 'operator',
    usedBy: 'tools/retail-cli (replay, trace, dlq list/redrive/purge, store epoch)',
    grants: [
      // replay / trace / dlq scan read every pipeline topic without a consumer group.
      topic('retail.', 'READ'),
      // dlq redrive sends a dead letter back to its source: raw (ingest's), enriched (sinks', kpi's) or KPI windows.
      topic(TOPICS.posEvents, 'WRITE'),
      topic(TOPICS.enrichedEvents, 'WRITE'),
      topic(TOPICS.kpiWindows, 'WRITE'),
      // Letters that failed their last redrive are parked; purge deletes records below a bound.
      topic(TOPICS.dlqParking, 'WRITE', 'CREATE', 'DELETE'),
      topic(TOPICS.deadLetters, 'DELETE'),
      // `retail store epoch --start`: the decision record a rebuilt store starts from.
      writes(TOPICS.storeEpochs),
      // Kafka's own CLI (`npm run kafka-tool`): describe the pipeline's groups (lag), and consume
      // with a group of its own: the console consumer's default `console-consumer-*`, or `operator*`.
      // Resetting a pipeline group's offsets stays with admin.
      ...describesPipelineGroups,
      group('console-consumer'),
      group('operator'),
    ],
  },
  {
    // Our own registry keeps schemas on disk; Confluent's (docker-compose, a cluster) keeps them in
    // a Kafka topic and needs its own principal for it, nothing else.
    name: 'schema-registry',
    usedBy: 'the Confluent schema registry of infra/docker-compose.yml or a cluster (its _schemas topic)',
    grants: [topic('_schemas', 'DESCRIBE_CONFIGS', 'READ', 'WRITE', 'CREATE'), group('schema-registry')],
  },
];

export function principalNamed(name: string): KafkaPrincipal {
  const p = KAFKA_PRINCIPALS.find((x) => x.name === name);
  if (!p) throw new Error(`no Kafka principal '${name}' in kafka-principals.ts`);
  return p;
}
