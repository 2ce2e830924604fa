import crypto from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serviceEnv } from '@retail-stream/infra';
import {
  AvroSerde,
  createLogger,
  createMetricsRegistry,
  parseConfig,
  type RunningService,
} from '@retail-stream/runtime';
import { startSinkService } from '@retail-stream/runtime/sink-kit';
import {
  createTestTopic,
  deleteTestTopic,
  groupCaughtUp,
  sendInChunks,
  ServiceProcess,
  uniqueName,
  waitFor,
} from '@retail-stream/runtime/testing';
import { registerAll, TOPICS, type Enrichment, type StoreEvent } from '@retail-stream/schemas';
import { eventSkus, FACTORY_PRODUCTS, storeEventMessage } from '@retail-stream/schemas/testing';
import type cassandra from 'cassandra-driver';
import { Kafka, logLevel, type Message, type Producer } from 'kafkajs';
import { createCassandraClient } from '../src/cassandra-client.ts';
import { cassandraSinkConfig, type CassandraSinkConfig } from '../src/config.ts';
import { migrate } from '../src/migrator.ts';
import { inventoryOfStore, salesOfStoreDay, transactionById } from '../src/queries.ts';
import { cassandraSinkSpec } from '../src/writer.ts';
import type { ExpectedProjections } from './expected-projections.ts';

export const PACKAGE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const REPO_ROOT = path.resolve(PACKAGE_DIR, '../..');

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
    })),
    ingested_at: e.occurred_at + 50,
  };
  return { ...e, enrichment };
}

/** A keyspace name no other run uses. */
export function uniqueKeyspace(prefix = 'cs'): string {
  return `${prefix}_${Date.now().toString(36)}_${crypto.randomBytes(3).toString('hex')}`;
}

/**
 * One test's world: a fresh keyspace (migrated), a fresh enriched topic and DLQ topic, the schema
 * ids of the catalogue, and a producer that writes enriched events the way the ingest processor does.
 */
export class SinkTestBed {
  readonly env = serviceEnv();
  readonly brokers = this.env.KAFKA_BROKERS!.split(',');
  readonly keyspace = uniqueKeyspace();
  readonly groupId = uniqueName('cs-sink');
  topic = '';
  dlqTopic = '';
  client!: cassandra.Client;
  serde!: AvroSerde;
  private ids: Record<string, number> = {};
  private producer!: Producer;
  readonly kafka = new Kafka({ clientId: 'cs-sink-test', brokers: this.brokers, logLevel: logLevel.NOTHING });

  async setup(partitions = 2): Promise<this> {
    this.client = createCassandraClient(parseConfig(cassandraSinkConfig, this.env));
    await migrate(this.client, {
      keyspace: this.keyspace,
      replication: { class: 'SimpleStrategy', replicationFactor: 1 },
    });
    this.topic = await createTestTopic(this.brokers, 'cs-enriched', partitions);
    this.dlqTopic = await createTestTopic(this.brokers, 'cs-dlq', 1);
    this.serde = AvroSerde.fromUrl(this.env.SCHEMA_REGISTRY_URL!);
    this.ids = await registerAll(this.serde, { registryUrl: this.env.SCHEMA_REGISTRY_URL! });
    this.producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await this.producer.connect();
    return this;
  }

  /** Environment for the sink (in-process config or child process). */
  sinkEnv(extra: Record<string, string> = {}): Record<string, string> {
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
    await sendInChunks(
      this.producer,
      this.topic,
      events.map((e) => this.record(e)),
      chunk,
    );
  }

  async produceRaw(messages: Message[]): Promise<void> {
    await this.producer.send({ topic: this.topic, acks: -1, messages });
  }

  /** The sink inside this process (its own logger and metrics registry). */
  async startInProcess(
    extra: Record<string, string> = {},
  ): Promise<RunningService & { metrics: ReturnType<typeof createMetricsRegistry> }> {
    const config = this.sinkConfig(extra);
    const metrics = createMetricsRegistry('cassandra-sink-test');
    const sink = await startSinkService(cassandraSinkSpec(config), {
      logger: createLogger({ service: 'cassandra-sink-test', level: config.LOG_LEVEL }),
      metrics,
      onFatal: (err) => {
        throw err;
      },
    });
    return Object.assign(sink, { metrics });
  }

  /** Committed offsets of the sink's group reached the end of every partition. */
  async waitCaughtUp(timeoutMs = 45_000, groupId = this.groupId): Promise<void> {
    await waitFor(() => groupCaughtUp(this.kafka, groupId, [this.topic]), {
      timeoutMs,
      intervalMs: 250,
      what: `group ${groupId} to commit the end of ${this.topic}`,
    });
  }

  /** Every row of every projection, as JSON lines, sorted: equal snapshots mean equal projections. */
  async snapshot(): Promise<string[]> {
    const out: string[] = [];
    for (const table of ['inventory_by_store', 'sales_by_store_day', 'transaction_by_id']) {
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
      const t = await transactionById(this.client, this.keyspace, id);
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
    await this.producer?.disconnect().catch(() => undefined);
    await deleteTestTopic(this.brokers, 'cs-sink-test', this.topic).catch(() => undefined);
    await deleteTestTopic(this.brokers, 'cs-sink-test', this.dlqTopic).catch(() => undefined);
    await this.client?.execute(`DROP KEYSPACE IF EXISTS ${this.keyspace}`).catch(() => undefined);
    await this.client?.shutdown();
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
