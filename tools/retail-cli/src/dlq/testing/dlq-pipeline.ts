import { serviceEnv } from '@retail-stream/infra';
import { ingestConfig, startIngestProcessor } from '@retail-stream/ingest-processor';
import { postgresSinkSpec, sinkConfig } from '@retail-stream/postgres-sink';
import { AvroSerde, createKafka, ensureTopics, parseConfig } from '@retail-stream/runtime';
import { startSinkService } from '@retail-stream/runtime/sink-kit';
import {
  deleteTestGroups,
  deleteTestTopics,
  startInProcess,
  testEndpoints,
  testPgDatabase,
  Teardowns,
  TestProducer,
  TopicCollector,
  TEST_SIGNING_MASTER_KEYS,
  uniqueName,
  waitForGroupCaughtUp,
  type TestPgDatabase,
} from '@retail-stream/runtime/testing';

/**
 * The part of the pipeline a dead letter travels through, in the test's process and on topics of
 * its own: the real ingest processor (raw → enriched, poison → DLQ) and the real Postgres sink
 * (enriched → HQ tables, its refusals → the same DLQ), a database of its own for the sink's
 * schema and the CLI's ops tables, and the env the CLI runs with.
 */
export class DlqPipeline {
  readonly endpoints = testEndpoints(serviceEnv());
  readonly name = uniqueName('dlq-it');
  readonly topics = {
    pos: `${this.name}-pos`,
    enriched: `${this.name}-enriched`,
    dlq: `${this.name}-dlq`,
    parking: `${this.name}-parking`,
    kpi: `${this.name}-kpi`,
    /** Operators' store epoch decisions (`retail store epoch --start --topic`). */
    epochs: `${this.name}-store-epochs`,
  };
  readonly ingestGroup = `${this.name}-ingest`;
  readonly sinkGroup = `${this.name}-pg-sink`;
  readonly hqSchema = 'hq';
  readonly serde = AvroSerde.fromConfig(this.endpoints.registry);
  db!: TestPgDatabase;
  private readonly teardowns = new Teardowns({ ignoreErrors: true });
  private ingestStop: (() => Promise<void>) | undefined;

  async start(): Promise<void> {
    const { kafkaBrokers } = this.endpoints;
    this.teardowns.push(
      () => deleteTestTopics(this.endpoints.brokers, this.allTopics()),
      () => deleteTestGroups(this.endpoints.brokers, [this.ingestGroup, this.sinkGroup]),
    );
    this.db = this.teardowns.add(await testPgDatabase(this.endpoints.pgUrl, { prefix: 'dlq_it' }), (d) =>
      d.drop(),
    );
    await ensureTopics(this.endpoints.brokers, [{ topic: this.topics.pos, numPartitions: 2 }]);
    await this.startIngest();
    const sink = parseConfig(sinkConfig, {
      KAFKA_BROKERS: kafkaBrokers,
      ...this.endpoints.registry,
      PG_URL: this.db.url,
      HQ_PG_SCHEMA: this.hqSchema,
      SINK_GROUP_ID: this.sinkGroup,
      SINK_EVENTS_TOPIC: this.topics.enriched,
      SINK_KPI_TOPIC: this.topics.kpi,
      SINK_DLQ_TOPIC: this.topics.dlq,
      SINK_SESSION_TIMEOUT_MS: '6000',
      LOG_LEVEL: 'warn',
    });
    const running = await startInProcess((deps) => startSinkService(postgresSinkSpec(sink), deps), {
      name: 'postgres-sink',
    });
    this.teardowns.add(running, (r) => r.stop());
  }

  /** A fresh ingest instance (new schema cache), in the same group: it resumes where the last stopped. */
  async startIngest(): Promise<void> {
    const config = parseConfig(ingestConfig, {
      KAFKA_BROKERS: this.endpoints.kafkaBrokers,
      ...this.endpoints.registry,
      LOG_LEVEL: 'warn',
      SIGNING_MASTER_KEYS: TEST_SIGNING_MASTER_KEYS,
      INGEST_GROUP_ID: this.ingestGroup,
      INGEST_INPUT_TOPIC: this.topics.pos,
      INGEST_OUTPUT_TOPIC: this.topics.enriched,
      INGEST_DLQ_TOPIC: this.topics.dlq,
      INGEST_ALERTS_TOPIC: `${this.name}-alerts`,
      INGEST_STATE_TOPIC: `${this.name}-state`,
      INGEST_REF_STORES_TOPIC: `${this.name}-ref-stores`,
      INGEST_REF_PRODUCTS_TOPIC: `${this.name}-ref-products`,
      INGEST_STORE_EPOCHS_TOPIC: this.topics.epochs,
      INGEST_TOPIC_PARTITIONS: '2',
      INGEST_SESSION_TIMEOUT_MS: '6000',
      INGEST_REGISTER_SCHEMAS: 'true',
      INGEST_MAX_FUTURE_SKEW_MS: '60000',
    });
    const running = await startInProcess(
      ({ logger, metrics, onFatal }) =>
        startIngestProcessor({
          config,
          kafka: createKafka(config, 'ingest-processor', logger),
          serde: AvroSerde.fromConfig(config),
          logger,
          metrics,
          onFatal,
        }),
      { name: 'ingest-processor' },
    );
    this.ingestStop = running.stop;
    this.teardowns.add(running, (r) => r.stop());
  }

  async stopIngest(): Promise<void> {
    await this.ingestStop?.();
    this.ingestStop = undefined;
  }

  async producer(): Promise<TestProducer> {
    return this.teardowns.add(await TestProducer.connect(this.endpoints.brokers, `${this.name}-feed`), (p) =>
      p.close(),
    );
  }

  async collect(topic: string): Promise<TopicCollector> {
    const c = await new TopicCollector(
      this.endpoints.brokers,
      topic,
      `${this.name}-${topic.slice(-8)}-c`,
    ).start();
    return this.teardowns.add(c, (x) => x.stop());
  }

  /** The Postgres sink has committed everything on the enriched topic. */
  sinkCaughtUp(): Promise<void> {
    return waitForGroupCaughtUp(this.endpoints.brokers, this.sinkGroup, [this.topics.enriched], 60_000);
  }

  /** The env `retail` runs with: the services' names, the test database for ops and hq. */
  cliEnv(): Record<string, string> {
    return {
      KAFKA_BROKERS: this.endpoints.kafkaBrokers,
      ...this.endpoints.registry,
      PG_URL: this.db.url,
      LOG_LEVEL: 'error',
      RETAIL_ACTOR: 'dlq-it',
    };
  }

  onTeardown(fn: () => Promise<unknown>): void {
    this.teardowns.push(fn);
  }

  stop(): Promise<void> {
    return this.teardowns.run();
  }

  private allTopics(): string[] {
    return [
      ...Object.values(this.topics),
      `${this.name}-alerts`,
      `${this.name}-state`,
      `${this.name}-ref-stores`,
      `${this.name}-ref-products`,
    ];
  }
}
