import type { ClickHouseClient } from '@clickhouse/client';
import {
  cassandraSinkConfig,
  cassandraSinkSpec,
  createCassandraClient,
  migrate as migrateCassandra,
} from '@retail-stream/cassandra-sink';
import {
  clickhouseSinkSpec,
  sinkConfig as clickhouseSinkConfig,
  migrate as migrateClickhouse,
} from '@retail-stream/clickhouse-sink';
import { serviceEnv } from '@retail-stream/infra';
import { postgresSinkSpec, sinkConfig as postgresSinkConfig } from '@retail-stream/postgres-sink';
import { AvroSerde, parseConfig, type RunningService } from '@retail-stream/runtime';
import { startSinkService } from '@retail-stream/runtime/sink-kit';
import {
  deleteTestGroups,
  metricValue,
  handledAndWritten,
  startInProcess,
  Teardowns,
  testCassandraKeyspace,
  testClickHouseDatabase,
  testEndpoints,
  testPgSchema,
  TestProducer,
  testTopics,
  uniqueName,
  waitFor,
  type InProcessService,
} from '@retail-stream/runtime/testing';
import { registerAll, type StoreEvent } from '@retail-stream/schemas';
import { eventSkus, storeEventMessage } from '@retail-stream/schemas/testing';
import type cassandra from 'cassandra-driver';
import pg from 'pg';

/** The three sinks a store event reaches after ingest. */
export const SINKS = ['postgres', 'clickhouse', 'cassandra'] as const;
export type SinkName = (typeof SINKS)[number];

/**
 * Test support: the Postgres, ClickHouse and Cassandra sinks (the real specs, in this process) on
 * fresh topics and fresh databases, fed by writing enriched store events to their topic as ingest
 * would. For controls that live in the sinks themselves: what reaches the enriched topic is what a
 * store could get through ingest with its own valid identity.
 */
export class SinksWorld {
  readonly endpoints = testEndpoints(serviceEnv());
  readonly name = uniqueName('xsw');
  readonly teardowns = new Teardowns({ ignoreErrors: true });
  topics!: { enriched: string; kpi: string; dlq: string };
  hqSchema = '';
  hq!: pg.Pool;
  ch!: ClickHouseClient;
  cassandra!: cassandra.Client;
  keyspace = '';
  private serde!: AvroSerde;
  private ids: Record<string, number> = {};
  private producer!: TestProducer;
  private readonly services = new Map<SinkName, InProcessService<RunningService>>();
  private published = 0;

  static async start(): Promise<SinksWorld> {
    const w = new SinksWorld();
    try {
      await w.setup();
    } catch (err) {
      await w.stop();
      throw err;
    }
    return w;
  }

  private async setup(): Promise<void> {
    const { brokers, pgUrl, clickhouseUrl, registryUrl, env } = this.endpoints;
    const t = await testTopics(brokers, 'xsw', { enriched: 2, kpi: 1, dlq: 1 });
    this.teardowns.add(t, (x) => x.drop());
    this.topics = { enriched: t.enriched, kpi: t.kpi, dlq: t.dlq };
    const groups = SINKS.map((s) => `${this.name}-${s}`);
    this.teardowns.push(() => deleteTestGroups(brokers, groups));

    this.hqSchema = this.teardowns.add(testPgSchema(pgUrl, 'xshq'), (s) => s.drop()).name;
    this.hq = this.teardowns.add(new pg.Pool({ connectionString: pgUrl, max: 2 }), (p) => p.end());
    const chDb = await testClickHouseDatabase(clickhouseUrl, {
      prefix: 'xsch',
      migrate: (c) => migrateClickhouse(c),
    });
    this.teardowns.add(chDb, (d) => d.drop());
    this.ch = chDb.client;
    const base = { ...env, LOG_LEVEL: 'warn' };
    this.cassandra = this.teardowns.add(createCassandraClient(parseConfig(cassandraSinkConfig, base)), (c) =>
      c.shutdown(),
    );
    const ks = await testCassandraKeyspace(this.cassandra, {
      prefix: 'xscs',
      create: (name) =>
        migrateCassandra(this.cassandra, {
          keyspace: name,
          replication: { class: 'SimpleStrategy', replicationFactor: 1 },
        }),
    });
    this.keyspace = this.teardowns.add(ks, (k) => k.drop()).name;
    // With the registry's credentials when the stack has them (registration needs basic auth).
    this.serde = AvroSerde.fromConfig(this.endpoints.registry);
    this.ids = await registerAll(this.serde, { registryUrl });
    this.producer = this.teardowns.add(await TestProducer.connect(brokers, 'xsw'), (p) => p.close());
    this.teardowns.push(() => this.stopSinks());

    const sinkEnv = (sink: SinkName, extra: Record<string, string> = {}) => ({
      ...base,
      HQ_PG_SCHEMA: this.hqSchema,
      CLICKHOUSE_DATABASE: chDb.name,
      CASSANDRA_KEYSPACE: this.keyspace,
      SINK_EVENTS_TOPIC: this.topics.enriched,
      SINK_DLQ_TOPIC: this.topics.dlq,
      SINK_GROUP_ID: `${this.name}-${sink}`,
      SINK_SESSION_TIMEOUT_MS: '6000',
      ...extra,
    });
    type Start = (d: Parameters<typeof startSinkService>[1]) => Promise<RunningService>;
    const kpi = { SINK_KPI_TOPIC: this.topics.kpi };
    const starts: Record<SinkName, Start> = {
      postgres: (d) =>
        startSinkService(postgresSinkSpec(parseConfig(postgresSinkConfig, sinkEnv('postgres', kpi))), d),
      clickhouse: (d) =>
        startSinkService(
          clickhouseSinkSpec(
            parseConfig(clickhouseSinkConfig, sinkEnv('clickhouse', { ...kpi, SINK_MIGRATE: 'false' })),
          ),
          d,
        ),
      cassandra: (d) =>
        startSinkService(cassandraSinkSpec(parseConfig(cassandraSinkConfig, sinkEnv('cassandra'))), d),
    };
    for (const sink of SINKS) {
      this.services.set(
        sink,
        await startInProcess(starts[sink], { name: `${sink}-sink`, waitReady: true, readyTimeoutMs: 60_000 }),
      );
    }
  }

  /** Writes the events to the enriched topic as ingest would (keyed by store, enrichment set). */
  async publish(events: readonly StoreEvent[]): Promise<void> {
    await this.producer.send(
      this.topics.enriched,
      events.map((e) => storeEventMessage(this.serde, this.ids, enriched(e))),
    );
    this.published += events.length;
  }

  /** Waits until every sink handled and wrote every record published so far (refused ones included). */
  async settle(timeoutMs = 60_000): Promise<void> {
    for (const [sink, s] of this.services) {
      await waitFor(
        async () => handledAndWritten(await s.metricsText(), this.topics.enriched, this.published),
        { timeoutMs, what: `the ${sink} sink to handle and write ${this.published} records` },
      );
    }
  }

  /** A sink's retail_sink_dead_letters_total for a code (0 when it never dead-lettered one). */
  async deadLetters(sink: SinkName, code: string): Promise<number> {
    const text = await this.services.get(sink)!.metricsText();
    return metricValue(text, 'retail_sink_dead_letters_total', `code="${code}"`) ?? 0;
  }

  /** One sample of a sink's metric (0 when absent), e.g. a counter with a label filter. */
  async metric(sink: SinkName, name: string, labels = ''): Promise<number> {
    return metricValue(await this.services.get(sink)!.metricsText(), name, labels) ?? 0;
  }

  private async stopSinks(): Promise<void> {
    for (const s of [...this.services.values()].reverse()) await s.stop().catch(() => undefined);
    this.services.clear();
  }

  async stop(): Promise<void> {
    await this.teardowns.run();
  }
}

/** The enrichment ingest adds for a known store (UTC, so store days are UTC days). */
function enriched<E extends StoreEvent>(e: E): E {
  return {
    ...e,
    enrichment: {
      store_known: true,
      store_name: `Store ${e.store_id}`,
      region: 'south',
      timezone: 'UTC',
      products: eventSkus(e).map((sku) => ({
        sku,
        known: true,
        category: 'Food',
        brand: 'Acme',
        drug: null,
      })),
      ingested_at: e.occurred_at + 50,
      pharmacy_code: null,
    },
  };
}
