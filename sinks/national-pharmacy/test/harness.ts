import path from 'node:path';
import { serviceEnv } from '@retail-stream/infra';
import {
  startNationalPharmacyMock,
  type NationalPharmacyMock,
  type NationalPharmacyMockOptions,
} from '@retail-stream/national-pharmacy-mock';
import { AvroSerde, parseConfig, schemaPool } from '@retail-stream/runtime';
import { startSinkService } from '@retail-stream/runtime/sink-kit';
import {
  deleteTestGroups,
  packageDirs,
  ServiceProcess,
  startInProcess,
  Teardowns,
  testEndpoints,
  testPgSchema,
  TestProducer,
  testTopics,
  uniqueName,
  waitFor,
  waitForGroupCaughtUp,
  type InProcessService,
} from '@retail-stream/runtime/testing';
import { registerAll, type StoreEvent } from '@retail-stream/schemas';
import { storeEventMessage } from '@retail-stream/schemas/testing';
import type { Message } from 'kafkajs';
import type pg from 'pg';
import { nationalSyncConfig, type NationalSyncConfig } from '../src/config.ts';
import { prepareSyncDatabase } from '../src/db.ts';
import type { RunningService } from '@retail-stream/runtime';
import { nationalSyncSpec, type SyncHandles } from '../src/writer.ts';
import { TEST_DRUGS } from './pharmacy-events.ts';

export const { packageDir: PACKAGE_DIR } = packageDirs(import.meta.url);

export interface TestAccount {
  ma_co_so: string;
  usr: string;
  pwd: string;
}

export const accountsFor = (codes: string[]): TestAccount[] =>
  codes.map((c, i) => ({ ma_co_so: c, usr: `nhathuoc${i + 1}-${c.toLowerCase()}`, pwd: `secret-${c}` }));

export interface DocRow {
  id: string;
  doc_type: string;
  op: string;
  store_id: string;
  ma_co_so: string;
  local_id: string;
  status: string;
  attempts: number;
  national_id: string | null;
  last_error: string | null;
  waiting_reason: string | null;
  total_amount: string;
}

/**
 * One test file's world: a fresh Postgres schema, enriched + DLQ topics, the catalogue's schema
 * ids, a producer writing enriched events as ingest does, and the mock authority over HTTP.
 */
export class SyncTestBed {
  private readonly endpoints = testEndpoints(serviceEnv());
  readonly brokers = this.endpoints.brokers;
  readonly groupId = uniqueName('np-sync');
  schema = '';
  topic = '';
  dlqTopic = '';
  pool!: pg.Pool;
  mock!: NationalPharmacyMock;
  private serde!: AvroSerde;
  private ids: Record<string, number> = {};
  private producer!: TestProducer;
  private readonly teardowns = new Teardowns({ ignoreErrors: true });

  constructor(
    /** Accounts the mock knows. */
    readonly mockAccounts: TestAccount[],
    /** Accounts the sync is given (default: all of the mock's). */
    readonly syncAccounts: TestAccount[] = mockAccounts,
  ) {}

  async setup(mockOptions: Partial<NationalPharmacyMockOptions> = {}, partitions = 2): Promise<this> {
    const s = testPgSchema(this.endpoints.pgUrl, 'npsync');
    this.schema = this.teardowns.add(s, (x) => x.drop()).name;
    this.pool = this.teardowns.add(
      schemaPool(this.endpoints.pgUrl, this.schema, {
        max: 4,
        connectionTimeoutMillis: 5_000,
        applicationName: 'np-sync-test',
      }),
      (p) => p.end(),
    );
    this.pool.on('error', () => undefined);
    await prepareSyncDatabase(this.pool, this.schema);
    const topics = await testTopics(this.brokers, 'npsync', { enriched: partitions, dlq: 1 });
    this.teardowns.add(topics, (t) => t.drop());
    [this.topic, this.dlqTopic] = [topics.enriched, topics.dlq];
    this.teardowns.push(() => deleteTestGroups(this.brokers, [this.groupId]));
    this.serde = AvroSerde.fromConfig(this.endpoints.registry);
    this.ids = await registerAll(this.serde, { registryUrl: this.endpoints.registryUrl });
    this.producer = this.teardowns.add(await TestProducer.connect(this.brokers, 'np-sync-test'), (p) =>
      p.close(),
    );
    this.mock = this.teardowns.add(
      await startNationalPharmacyMock({
        accounts: this.mockAccounts,
        drugs: Object.values(TEST_DRUGS).map((d) => d.national_drug_code),
        ...mockOptions,
      }),
      (m) => m.close(),
    );
    return this;
  }

  async teardown(): Promise<void> {
    await this.teardowns.run();
  }

  env(extra: Record<string, string> = {}): Record<string, string> {
    return {
      ...this.endpoints.env,
      NATIONAL_SYNC_PG_SCHEMA: this.schema,
      NATIONAL_SYNC_BASE_URL: this.mock.url,
      NATIONAL_SYNC_ACCOUNTS: JSON.stringify(this.syncAccounts),
      NATIONAL_SYNC_RETRY_INITIAL_MS: '50',
      NATIONAL_SYNC_RETRY_MAX_MS: '400',
      NATIONAL_SYNC_REQUEST_TIMEOUT_MS: '1000',
      // Longer than the request timeout: a send given up on under load may still land meanwhile.
      NATIONAL_SYNC_UNKNOWN_OUTCOME_GRACE_MS: '1500',
      NATIONAL_SYNC_SWEEP_INTERVAL_MS: '200',
      NATIONAL_SYNC_POLL_MS: '100',
      NATIONAL_SYNC_MAX_ATTEMPTS: '50',
      SINK_EVENTS_TOPIC: this.topic,
      SINK_DLQ_TOPIC: this.dlqTopic,
      SINK_GROUP_ID: this.groupId,
      LOG_LEVEL: 'warn',
      ...extra,
    };
  }

  config(extra: Record<string, string> = {}): NationalSyncConfig {
    return parseConfig(nationalSyncConfig, this.env(extra));
  }

  /** Events encoded as ingest writes them to the enriched topic. */
  messages(events: readonly StoreEvent[]): Message[] {
    return events.map((e) => storeEventMessage(this.serde, this.ids, e));
  }

  /** In acknowledged requests of up to 500 records (fewer: one request, so one Kafka batch). */
  async produce(events: readonly StoreEvent[]): Promise<void> {
    await this.producer.send(this.topic, this.messages(events), 500);
  }

  async produceRaw(messages: Message[]): Promise<void> {
    await this.producer.send(this.topic, messages, Math.max(1, messages.length));
  }

  /** The sync inside this process; stop() stops consuming, then the workers (in-flight documents settle). */
  async startInProcess(
    extra: Record<string, string> = {},
  ): Promise<InProcessService<RunningService> & { handles: SyncHandles }> {
    const config = this.config(extra);
    let handles: SyncHandles | undefined;
    const svc = await startInProcess(
      (deps) =>
        startSinkService(
          nationalSyncSpec(config, (h) => (handles = h)),
          deps,
        ),
      {
        name: 'national-sync-test',
        logLevel: config.LOG_LEVEL,
        waitReady: true,
        onFatal: (err) => {
          throw err;
        },
      },
    );
    this.teardowns.add(svc, (s) => s.stop());
    return Object.assign(svc, { handles: handles! });
  }

  /** The sync as a child process (`src/main.ts`), for kill -9. */
  async startChild(extra: Record<string, string> = {}): Promise<ServiceProcess> {
    const proc = await ServiceProcess.start(
      path.join(PACKAGE_DIR, 'src/main.ts'),
      this.env({ OPS_PORT: '0', LOG_LEVEL: 'info', ...extra }),
      {
        cwd: PACKAGE_DIR,
        readyTimeoutMs: 60_000,
      },
    );
    this.teardowns.add(proc, (p) => p.kill9());
    return proc;
  }

  async caughtUp(): Promise<void> {
    await waitForGroupCaughtUp(this.brokers, this.groupId, [this.topic], 30_000);
  }

  async documents(where = 'true', params: unknown[] = []): Promise<DocRow[]> {
    const res = await this.pool.query<DocRow>(
      `SELECT id::text, doc_type, op, store_id, ma_co_so, local_id, status, attempts, national_id, last_error,
              waiting_reason, total_amount::text FROM documents WHERE ${where} ORDER BY id`,
      params,
    );
    return res.rows;
  }

  /** Waits until no document is PENDING_SYNC or IN_FLIGHT (and there are `count`). */
  async settled(count: number, timeoutMs = 60_000): Promise<DocRow[]> {
    // A count per poll (not every row): the benchmark polls this while the sync runs beside it.
    await waitFor(
      async () => {
        const r = await this.pool.query<{ total: number; open: number }>(
          `SELECT count(*)::int AS total,
                  count(*) FILTER (WHERE status IN ('PENDING_SYNC', 'IN_FLIGHT'))::int AS open FROM documents`,
        );
        return r.rows[0]!.total === count && r.rows[0]!.open === 0;
      },
      { timeoutMs, intervalMs: 100, what: `${count} documents final` },
    );
    return this.documents();
  }
}
