import type { ClickHouseClient } from '@clickhouse/client';
import { serviceEnv } from '@retail-stream/infra';
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
import { ingestConfig, startIngestProcessor } from '@retail-stream/ingest-processor';
import { postgresSinkSpec, sinkConfig as postgresSinkConfig } from '@retail-stream/postgres-sink';
import {
  AvroSerde,
  createKafka,
  createLogger,
  parseConfig,
  type RunningService,
} from '@retail-stream/runtime';
import { startSinkService } from '@retail-stream/runtime/sink-kit';
import {
  deleteTestGroups,
  startInProcess,
  Teardowns,
  testCassandraKeyspace,
  testClickHouseDatabase,
  testEndpoints,
  testPgDatabase,
  testPgSchema,
  TestProducer,
  testTopics,
  uniqueName,
  waitForGroupCaughtUp,
  waitFor,
  handledAndWritten,
  metricSum,
  type InProcessService,
  type TestPgDatabase,
  signedByStores,
  TEST_SIGNING_MASTER_KEYS,
} from '@retail-stream/runtime/testing';
import { posEventRecord, registerAll, type StoreEvent } from '@retail-stream/schemas';
import { prepareStoreDatabase, storeDatabaseName } from '@retail-stream/store-edge';
import type cassandra from 'cassandra-driver';
import type { Kafka, Message } from 'kafkajs';
import pg from 'pg';
// KPI windows exports no start function from its index (only the recompute core): imported by
// path for this test world (the lead may export startKpiWindows/kpiConfig from the package).
import { kpiConfig, startKpiWindows } from '@retail-stream/kpi-windows';

/**
 * Test support (never used by the CLI itself): a small real pipeline of its own — fresh topics,
 * one store database per store, ingest, KPI windows, and the Postgres, ClickHouse and Cassandra
 * sinks in this process — so trace and reconcile tests drive events from a store's outbox to every
 * sink. The test plays the relay: it commits outbox rows, publishes them and marks them published.
 */
export class PipelineWorld {
  readonly endpoints = testEndpoints(serviceEnv());
  readonly name = uniqueName('c4w');
  readonly teardowns = new Teardowns({ ignoreErrors: true });
  readonly groups = {
    ingest: `${this.name}-ingest`,
    pg: `${this.name}-pg`,
    ch: `${this.name}-ch`,
    cs: `${this.name}-cs`,
    kpi: `${this.name}-kpi`,
  };
  topics!: Record<
    | 'pos'
    | 'enriched'
    | 'dlq'
    | 'dups'
    | 'kpi'
    | 'state'
    | 'alerts'
    | 'refStores'
    | 'refProducts'
    | 'kpiStore'
    | 'kpiChangelog'
    | 'kpiLate',
    string
  >;
  hqSchema = '';
  hq!: pg.Pool;
  ch!: ClickHouseClient;
  chDatabase = '';
  cassandra!: cassandra.Client;
  keyspace = '';
  kafka!: Kafka;
  serde!: AvroSerde;
  readonly storeDbs = new Map<string, TestPgDatabase>();
  private ids: Record<string, number> = {};
  private producer!: TestProducer;
  private readonly services: InProcessService<RunningService>[] = [];

  /** Consumer session timeout of every service: short for tests, longer under load (benchmarks). */
  sessionTimeoutMs = 6_000;

  static async start(stores: string[], opts: { sessionTimeoutMs?: number } = {}): Promise<PipelineWorld> {
    const w = new PipelineWorld();
    w.sessionTimeoutMs = opts.sessionTimeoutMs ?? w.sessionTimeoutMs;
    try {
      await w.setup(stores);
    } catch (err) {
      await w.stop(); // what setup created so far (a test's afterAll never sees a world that failed)
      throw err;
    }
    return w;
  }

  private async setup(stores: string[]): Promise<void> {
    const { brokers, pgUrl, clickhouseUrl, registryUrl, env } = this.endpoints;
    const t = await testTopics(brokers, 'c4w', {
      pos: 2,
      enriched: 2,
      dlq: 1,
      dups: 2,
      kpi: 1,
      state: 2,
      alerts: 1,
      refStores: 1,
      refProducts: 1,
      kpiStore: 1,
      kpiChangelog: 2,
      kpiLate: 1,
    });
    this.teardowns.add(t, (x) => x.drop());
    this.topics = t as unknown as PipelineWorld['topics'];
    this.teardowns.push(() =>
      deleteTestGroups(brokers, [...Object.values(this.groups), `${this.groups.kpi}-chain`]),
    );
    for (const s of stores) {
      // The store edge's own naming (store_<id> on the HQ server), so the CLI's default rule finds it.
      const db = await testPgDatabase(pgUrl, {
        name: storeDatabaseName(s),
        create: (admin) => prepareStoreDatabase(admin, s),
      });
      this.storeDbs.set(
        s,
        this.teardowns.add(db, (d) => d.drop()),
      );
    }
    const schema = testPgSchema(pgUrl, 'c4hq');
    this.hqSchema = this.teardowns.add(schema, (s) => s.drop()).name;
    this.hq = this.teardowns.add(new pg.Pool({ connectionString: pgUrl, max: 4 }), (p) => p.end());
    const chDb = await testClickHouseDatabase(clickhouseUrl, {
      prefix: 'c4ch',
      migrate: (c) => migrateClickhouse(c),
    });
    this.teardowns.add(chDb, (d) => d.drop());
    this.ch = chDb.client;
    this.chDatabase = chDb.name;
    const csEnv = { ...env, LOG_LEVEL: 'warn' };
    this.cassandra = this.teardowns.add(createCassandraClient(parseConfig(cassandraSinkConfig, csEnv)), (c) =>
      c.shutdown(),
    );
    const ks = await testCassandraKeyspace(this.cassandra, {
      prefix: 'c4cs',
      create: (name) =>
        migrateCassandra(this.cassandra, {
          keyspace: name,
          replication: { class: 'SimpleStrategy', replicationFactor: 1 },
        }),
    });
    this.keyspace = this.teardowns.add(ks, (k) => k.drop()).name;
    this.serde = AvroSerde.fromConfig(this.endpoints.registry);
    this.ids = await registerAll(this.serde, { registryUrl });
    this.kafka = createKafka(
      { KAFKA_BROKERS: brokers, KAFKA_CONNECTION_TIMEOUT_MS: 3_000, KAFKA_REQUEST_TIMEOUT_MS: 30_000 },
      'c4w',
      createLogger({ service: 'c4w', level: 'warn' }),
    );
    this.producer = this.teardowns.add(await TestProducer.connect(brokers, 'c4w'), (p) => p.close());
    this.teardowns.push(() => this.stopServices());
    await this.startServices();
  }

  /** The environment the services (and the CLI under test) read. */
  env(): Record<string, string> {
    const t = this.topics;
    return {
      ...this.endpoints.env,
      LOG_LEVEL: 'warn',
      HQ_PG_SCHEMA: this.hqSchema,
      CLICKHOUSE_DATABASE: this.chDatabase,
      CASSANDRA_KEYSPACE: this.keyspace,
      INGEST_DUPLICATES_TOPIC: t.dups,
      SIGNING_MASTER_KEYS: TEST_SIGNING_MASTER_KEYS,
    };
  }

  private async startServices(): Promise<void> {
    const t = this.topics;
    const base = this.env();
    const ingest = parseConfig(ingestConfig, {
      ...base,
      INGEST_GROUP_ID: this.groups.ingest,
      INGEST_INPUT_TOPIC: t.pos,
      INGEST_OUTPUT_TOPIC: t.enriched,
      INGEST_DLQ_TOPIC: t.dlq,
      INGEST_ALERTS_TOPIC: t.alerts,
      INGEST_STATE_TOPIC: t.state,
      INGEST_DUPLICATES_TOPIC: t.dups,
      INGEST_REF_STORES_TOPIC: t.refStores,
      INGEST_REF_PRODUCTS_TOPIC: t.refProducts,
      INGEST_TOPIC_PARTITIONS: '2',
      INGEST_SESSION_TIMEOUT_MS: String(this.sessionTimeoutMs),
      INGEST_REGISTER_SCHEMAS: 'true',
    });
    this.services.push(
      await startInProcess(
        (d) => startIngestProcessor({ ...d, config: ingest, kafka: this.kafka, serde: this.serde }),
        { name: 'ingest-processor', waitReady: true, readyTimeoutMs: 60_000 },
      ),
    );
    const kpi = parseConfig(kpiConfig, {
      ...base,
      KPI_INPUT_TOPIC: t.enriched,
      KPI_OUTPUT_TOPIC: t.kpi,
      KPI_STORE_WINDOWS_TOPIC: t.kpiStore,
      KPI_CHANGELOG_TOPIC: t.kpiChangelog,
      KPI_LATE_TOPIC: t.kpiLate,
      KPI_DLQ_TOPIC: t.dlq,
      KPI_GROUP_ID: this.groups.kpi,
      KPI_CHAIN_GROUP_ID: `${this.groups.kpi}-chain`,
      KPI_SESSION_TIMEOUT_MS: String(this.sessionTimeoutMs),
      KPI_EMIT_INTERVAL_MS: '0',
      KPI_REGISTER_SCHEMAS: 'true',
      KPI_OUTPUT_PARTITIONS: '1',
    });
    this.services.push(
      await startInProcess(
        (d) => startKpiWindows({ ...d, config: kpi, kafka: this.kafka, registry: d.metrics }),
        {
          name: 'kpi-windows',
          waitReady: true,
          readyTimeoutMs: 60_000,
        },
      ),
    );
    const sinkEnv = (group: string, extra: Record<string, string> = {}) => ({
      ...base,
      SINK_EVENTS_TOPIC: t.enriched,
      SINK_DLQ_TOPIC: t.dlq,
      SINK_GROUP_ID: group,
      SINK_SESSION_TIMEOUT_MS: String(this.sessionTimeoutMs),
      ...extra,
    });
    const pgCfg = parseConfig(postgresSinkConfig, sinkEnv(this.groups.pg, { SINK_KPI_TOPIC: t.kpi }));
    const chCfg = parseConfig(
      clickhouseSinkConfig,
      sinkEnv(this.groups.ch, { SINK_KPI_TOPIC: t.kpi, SINK_MIGRATE: 'false' }),
    );
    const csCfg = parseConfig(cassandraSinkConfig, sinkEnv(this.groups.cs));
    for (const [name, start] of [
      [
        'postgres-sink',
        (d: Parameters<typeof startSinkService>[1]) => startSinkService(postgresSinkSpec(pgCfg), d),
      ],
      [
        'clickhouse-sink',
        (d: Parameters<typeof startSinkService>[1]) => startSinkService(clickhouseSinkSpec(chCfg), d),
      ],
      [
        'cassandra-sink',
        (d: Parameters<typeof startSinkService>[1]) => startSinkService(cassandraSinkSpec(csCfg), d),
      ],
    ] as const) {
      this.services.push(await startInProcess(start, { name, waitReady: true, readyTimeoutMs: 60_000 }));
    }
  }

  private async stopServices(): Promise<void> {
    for (const s of this.services.splice(0).reverse()) await s.stop().catch(() => undefined);
  }

  storeDb(storeId: string): TestPgDatabase {
    const db = this.storeDbs.get(storeId);
    if (!db) throw new Error(`no store database for ${storeId}`);
    return db;
  }

  /** The store commits events: outbox rows as the store edge writes them (payload = the event). */
  async commit(events: readonly StoreEvent[]): Promise<void> {
    for (const e of events) {
      await this.storeDb(e.store_id).pool.query(
        `INSERT INTO outbox (store_id, store_seq, event_id, event_type, occurred_at, trace_id, payload)
         VALUES ($1, $2, $3::uuid, $4, to_timestamp($5 / 1000.0), $6, $7::jsonb)`,
        [e.store_id, e.store_seq, e.event_id, e.event_type, e.occurred_at, e.trace_id, JSON.stringify(e)],
      );
    }
  }

  /** commit() for many events at once (benchmarks): one INSERT per store and chunk. */
  async commitMany(events: readonly StoreEvent[], chunk = 5_000): Promise<void> {
    for (const [store, db] of this.storeDbs) {
      const mine = events.filter((e) => e.store_id === store);
      for (let i = 0; i < mine.length; i += chunk) {
        const rows = mine.slice(i, i + chunk).map((e) => ({ ...e, payload: e }));
        await db.pool.query(
          `INSERT INTO outbox (store_id, store_seq, event_id, event_type, occurred_at, trace_id, payload, published_at, publish_attempts)
           SELECT x.store_id, x.store_seq, x.event_id::uuid, x.event_type, to_timestamp(x.occurred_at / 1000.0), x.trace_id,
                  x.payload, now(), 1
             FROM json_to_recordset($1::json) AS x(store_id text, store_seq bigint, event_id text, event_type text,
                  occurred_at bigint, trace_id text, payload jsonb)`,
          [JSON.stringify(rows)],
        );
      }
    }
  }

  /** publish() without marking the outbox (commitMany already did), in large acknowledged chunks. */
  async publishMany(events: readonly StoreEvent[]): Promise<void> {
    await this.producer.send(
      this.topics.pos,
      events.map((e) => this.record(e)),
      500,
    );
  }

  /** The record the store's relay writes: signed with the store's (test) key. */
  record(e: StoreEvent): Message {
    const r = posEventRecord(this.serde, (type) => this.ids[type], e);
    return signedByStores([{ key: r.key, value: r.value, headers: { ...r.headers } }])[0]!;
  }

  /** The relay's work: publish (`copies` times: a re-send after a lost ack) and mark published. */
  async publish(events: readonly StoreEvent[], copies = 1): Promise<void> {
    const messages = events.map((e) => this.record(e));
    for (let i = 0; i < copies; i++) await this.producer.send(this.topics.pos, messages);
    for (const e of events) {
      await this.storeDb(e.store_id).pool.query(
        `UPDATE outbox SET published_at = now(), publish_attempts = publish_attempts + $3 WHERE store_id = $1 AND store_seq = $2`,
        [e.store_id, e.store_seq, copies],
      );
    }
  }

  /** Enriched records expected so far (settle's target). */
  private enrichedTotal = 0;

  /**
   * Waits until everything published is written in every part: ingest committed the POS topic's
   * end; KPI windows and every sink handled `enriched` more enriched records, and the KPI topic's
   * sinks every revision KPI windows published (with KPI_EMIT_INTERVAL_MS 0 a batch's revisions
   * share its transaction), each with nothing left unwritten (handledAndWritten). Last, HQ must
   * hold a KPI revision of each store newer than its last event.
   */
  async settle(enriched: number, stores: readonly string[], timeoutMs = 60_000): Promise<void> {
    this.enrichedTotal += enriched;
    const t = this.topics;
    await waitForGroupCaughtUp(this.kafka, this.groups.ingest, [t.pos], timeoutMs);
    const [, kpi, ...sinks] = this.services;
    for (const s of [kpi!, ...sinks]) {
      await waitFor(async () => handledAndWritten(await s.metricsText(), t.enriched, this.enrichedTotal), {
        timeoutMs,
        what: `every consumer of ${t.enriched} to handle and write ${this.enrichedTotal} records`,
      });
    }
    const published = metricSum(await kpi!.metricsText(), 'retail_kpi_updates_total');
    // The Postgres and ClickHouse sinks (started in that order, before Cassandra) read the KPI topic.
    for (const s of sinks.slice(0, 2)) {
      await waitFor(async () => handledAndWritten(await s.metricsText(), t.kpi, published), {
        timeoutMs,
        what: `every consumer of ${t.kpi} to handle and write ${published} KPI revisions`,
      });
    }
    for (const store of stores) {
      await waitFor(
        async () => {
          const { rows } = await this.hq.query<{ ok: boolean }>(
            `SELECT coalesce((SELECT max(updated_at) FROM "${this.hqSchema}".kpi_windows
                               WHERE scope = $1 AND window_size = 'D1_LOCAL'), '-infinity')
                    >= (SELECT max(coalesce(enriched_at, received_at)) FROM "${this.hqSchema}".hq_inbox WHERE store_id = $2) AS ok`,
            [`store:${store}`, store],
          );
          return rows[0]?.ok === true;
        },
        { timeoutMs, what: `a KPI revision of ${store} in HQ after its last event` },
      );
    }
  }

  async stop(): Promise<void> {
    await this.teardowns.run();
  }
}
