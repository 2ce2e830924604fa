import path from 'node:path';
import { serviceEnv } from '@retail-stream/infra';
import {
  AvroSerde,
  parseConfig,
  type createMetricsRegistry,
  type RunningService,
} from '@retail-stream/runtime';
import { startSinkService } from '@retail-stream/runtime/sink-kit';
import {
  deleteTestGroups,
  packageDirs,
  ServiceProcess,
  startInProcess,
  Teardowns,
  testCassandraKeyspace,
  testEndpoints,
  TestProducer,
  testTopics,
  uniqueIdentifier,
  uniqueName,
  waitForGroupCaughtUp,
} from '@retail-stream/runtime/testing';
import { registerAll, TOPICS, type Enrichment, type StoreEvent } from '@retail-stream/schemas';
import { eventSkus, FACTORY_PRODUCTS, storeEventMessage } from '@retail-stream/schemas/testing';
import type cassandra from 'cassandra-driver';
import type { Message } from 'kafkajs';
import { createCassandraClient } from '../src/cassandra-client.ts';
import { cassandraSinkConfig, type CassandraSinkConfig } from '../src/config.ts';
import { migrate } from '../src/migrator.ts';
import { inventoryOfStore, salesOfStoreDay, transactionById } from '../src/queries.ts';
import { cassandraSinkSpec } from '../src/writer.ts';
import type { ExpectedProjections } from './expected-projections.ts';

export const { packageDir: PACKAGE_DIR, repoRoot: REPO_ROOT } = packageDirs(import.meta.url);

const CATEGORY = new Map<string, string>(FACTORY_PRODUCTS.map((p) => [p.sku, p.category]));

/** The enrichment the ingest processor would add: a known store in Ho Chi Minh City. */
export function enrich<E extends StoreEvent>(e: E, timezone: string | null = 'Asia/Ho_Chi_Minh'): E {
  const enrichment: Enrichment = {
    store_known: timezone !== null,
    store_name: timezone === null ? null : `Store ${e.store_id}`,
    region: timezone === null ? null : 'south',
    timezone,
    products: eventSkus(e).map((sku) => ({
      sku,
      known: true,
      category: CATEGORY.get(sku) ?? null,
      brand: 'Acme',
      drug: null,
    })),
    ingested_at: e.occurred_at + 50,
    pharmacy_code: null,
  };
  return { ...e, enrichment };
}

/** A keyspace name no other run uses. */
export function uniqueKeyspace(prefix = 'cs'): string {
  return uniqueIdentifier(prefix);
}

/**
 * One test's world: a fresh keyspace (migrated), a fresh enriched topic and DLQ topic, the schema
 * ids of the catalogue, and a producer that writes enriched events the way the ingest processor does.
 */
export class SinkTestBed {
  private readonly endpoints = testEndpoints(serviceEnv());
  readonly env = this.endpoints.env;
  readonly brokers = this.endpoints.brokers;
  readonly groupId = uniqueName('cs-sink');
  keyspace = '';
  topic = '';
  dlqTopic = '';
  client!: cassandra.Client;
  serde!: AvroSerde;
  private ids: Record<string, number> = {};
  private producer!: TestProducer;
  /** The consumer groups the sinks of this bed used, deleted by teardown. */
  private readonly groups = new Set<string>();
  private readonly teardowns = new Teardowns({ ignoreErrors: true });

  async setup(partitions = 2): Promise<this> {
    const client = createCassandraClient(parseConfig(cassandraSinkConfig, this.env));
    this.client = this.teardowns.add(client, (c) => c.shutdown());
    const replication = { class: 'SimpleStrategy', replicationFactor: 1 } as const;
    const keyspace = await testCassandraKeyspace(client, {
      prefix: 'cs',
      create: (name) => migrate(client, { keyspace: name, replication }),
    });
    this.keyspace = this.teardowns.add(keyspace, (k) => k.drop()).name;
    const topics = await testTopics(this.brokers, 'cs', { enriched: partitions, dlq: 1 });
    this.teardowns.add(topics, (t) => t.drop());
    [this.topic, this.dlqTopic] = [topics.enriched, topics.dlq];
    this.teardowns.push(() => deleteTestGroups(this.brokers, [...this.groups]));
    this.serde = AvroSerde.fromConfig(this.endpoints.registry);
    this.ids = await registerAll(this.serde, { registryUrl: this.endpoints.registryUrl });
    this.producer = this.teardowns.add(await TestProducer.connect(this.brokers, 'cs-sink-test'), (p) =>
      p.close(),
    );
    return this;
  }

  /** Environment for the sink (in-process config or child process). */
  sinkEnv(extra: Record<string, string> = {}): Record<string, string> {
    this.groups.add(extra.SINK_GROUP_ID ?? this.groupId);
    return {
      ...this.env,
      CASSANDRA_KEYSPACE: this.keyspace,
      SINK_EVENTS_TOPIC: this.topic,
      SINK_DLQ_TOPIC: this.dlqTopic,
      SINK_GROUP_ID: this.groupId,
      LOG_LEVEL: 'warn',
      ...extra,
    };
  }

  sinkConfig(extra: Record<string, string> = {}): CassandraSinkConfig {
    return parseConfig(cassandraSinkConfig, this.sinkEnv(extra));
  }

  record(e: StoreEvent): Message {
    return storeEventMessage(this.serde, this.ids, e);
  }

  async produce(events: readonly StoreEvent[], chunk = 500): Promise<void> {
    await this.producer.send(
      this.topic,
      events.map((e) => this.record(e)),
      chunk,
    );
  }

  /** The messages in one produce request (they share a Kafka batch). */
  async produceRaw(messages: Message[]): Promise<void> {
    await this.producer.send(this.topic, messages, Math.max(1, messages.length));
  }

  /** The sink inside this process (its own logger and metrics registry); a fatal error is thrown. */
  async startInProcess(
    extra: Record<string, string> = {},
  ): Promise<RunningService & { metrics: ReturnType<typeof createMetricsRegistry> }> {
    const config = this.sinkConfig(extra);
    const sink = await startInProcess((deps) => startSinkService(cassandraSinkSpec(config), deps), {
      name: 'cassandra-sink-test',
      logLevel: config.LOG_LEVEL,
      onFatal: (err) => {
        throw err;
      },
    });
    return Object.assign(sink.service, { metrics: sink.metrics });
  }

  /** Committed offsets of the sink's group reached the end of every partition. */
  async waitCaughtUp(timeoutMs = 45_000, groupId = this.groupId): Promise<void> {
    await waitForGroupCaughtUp(this.brokers, groupId, [this.topic], timeoutMs);
  }

  /** Every row of every projection, as JSON lines, sorted: equal snapshots mean equal projections. */
  async snapshot(): Promise<string[]> {
    const out: string[] = [];
    for (const table of ['inventory_by_store', 'sales_by_store_day', 'transaction_by_id_and_store']) {
      const rs = await this.client.execute(`SELECT JSON * FROM ${this.keyspace}.${table}`, [], {
        fetchSize: 100_000,
      });
      for (const r of rs.rows) out.push(`${table} ${r.get('[json]') as string}`);
    }
    return out.sort();
  }

  /** Differences between the projections and what the events define (empty: they agree). */
  async mismatches(expected: ExpectedProjections, stores: readonly string[]): Promise<string[]> {
    const problems: string[] = [];
    for (const store of stores) {
      const rows = await inventoryOfStore(this.client, this.keyspace, store);
      const want = [...expected.inventory].filter(([k]) => k.startsWith(`${store}|`));
      if (rows.length !== want.length)
        problems.push(`${store}: ${rows.length} inventory rows, want ${want.length}`);
      for (const r of rows) {
        const w = expected.inventory.get(`${store}|${r.sku}`);
        if (!w || w.onHand !== r.onHand || w.lastStoreSeq !== r.lastStoreSeq) {
          problems.push(
            `${store}/${r.sku}: on_hand ${r.onHand}@${r.lastStoreSeq}, want ${JSON.stringify(w)}`,
          );
        }
      }
    }
    for (const [key, ids] of expected.salesByDay) {
      const [store, day] = key.split('|') as [string, string];
      const rows = await salesOfStoreDay(this.client, this.keyspace, store, day);
      const got = rows.map((r) => r.transactionId).sort();
      if (JSON.stringify(got) !== JSON.stringify(ids)) {
        problems.push(`${key}: ${got.length} sales, want ${ids.length}`);
        continue;
      }
      for (const r of rows) {
        const w = expected.transactions.get(r.transactionId)!;
        if (
          r.status !== w.status ||
          r.refundedMinor !== w.refundedMinor ||
          r.payments.length !== w.payments ||
          r.totalMinor !== w.totalMinor
        ) {
          problems.push(
            `${key}/${r.transactionId}: ${r.status} total ${r.totalMinor} refunded ${r.refundedMinor} payments ${r.payments.length}, want ${JSON.stringify(w)}`,
          );
        }
      }
    }
    for (const [id, w] of expected.transactions) {
      const t = await transactionById(this.client, this.keyspace, id, w.storeId);
      if (
        !t ||
        t.status !== w.status ||
        t.totalMinor !== w.totalMinor ||
        t.refundedMinor !== w.refundedMinor ||
        t.payments.length !== w.payments ||
        t.lastStoreSeq !== w.lastStoreSeq ||
        t.day !== w.day
      ) {
        problems.push(
          `transaction ${id}: ${JSON.stringify(t && { ...t, lines: t.lines.length })}, want ${JSON.stringify(w)}`,
        );
      }
    }
    return problems;
  }

  async teardown(): Promise<void> {
    await this.teardowns.run();
  }
}

/** src/main.ts as a child process, so it can be SIGKILLed. */
export class SinkProcess extends ServiceProcess {
  constructor(env: Record<string, string>) {
    super(path.join(PACKAGE_DIR, 'src', 'main.ts'), env, { cwd: REPO_ROOT });
  }

  override stop(killAfterMs = 20_000): Promise<number | null> {
    return super.stop(killAfterMs);
  }
}

export { TOPICS };
