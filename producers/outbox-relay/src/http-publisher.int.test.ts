import type { Server } from 'node:http';
import {
  createIngestGateway,
  gatewayConfig,
  gatewayPool,
  issueKey,
  prepareDatabase,
  type IngestGateway,
} from '@retail-stream/ingest-gateway';
import {
  AvroSerde,
  closeServer,
  createLogger,
  createMetricsRegistry,
  listen,
  parseConfig,
  STORE_EPOCH_HEADER,
} from '@retail-stream/runtime';
import { tolerateDroppedConnections, uniqueName, waitFor } from '@retail-stream/runtime/testing';
import { posEventRecord } from '@retail-stream/schemas';
import express from 'express';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { checkDelivery } from '../test/delivery-check.ts';
import {
  captureLogger,
  createStoreDb,
  createTopic,
  decodeAll,
  deleteTopic,
  ENV,
  freePort,
  insertOutbox,
  PG_URL,
  REGISTRY,
  registerCatalogue,
  testRelayEnv,
  TopicCollector,
  type StoreDb,
} from '../test/harness.ts';
import { StoreEventFactory } from '@retail-stream/schemas/testing';
import { signedByStores, TEST_SIGNING_MASTER_KEYS } from '@retail-stream/runtime/testing';
import { relayConfig } from './config.ts';
import { HttpPublisher } from './http-publisher.ts';
import { startOutboxRelay, type OutboxRelayService } from './relay-service.ts';

/**
 * relay → HTTPS ingest gateway → Kafka, all real: the store's outbox in Postgres, the gateway
 * in-process (its own Postgres schema), the broker and the registry. The relay is built with an
 * HttpPublisher as its Publisher, exactly what RELAY_SYNC_PROTOCOL=http wires.
 */

const serde = AvroSerde.fromConfig(REGISTRY);
const gatewaySchema = uniqueName('gw_relay_test').replace(/-/g, '_');
const cleanup: (() => Promise<unknown>)[] = [];
let topic: string;
let collector: TopicCollector;
let schemaIds: Record<string, number>;
let keysDb: pg.Pool;

beforeAll(async () => {
  schemaIds = await registerCatalogue();
  topic = await createTopic();
  collector = await new TopicCollector(topic).start();
  keysDb = tolerateDroppedConnections(gatewayPool(PG_URL, gatewaySchema, { max: 2 }));
  await prepareDatabase(keysDb, gatewaySchema); // so keys can be issued before a gateway runs
});
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn().catch(() => undefined);
});
afterAll(async () => {
  await collector?.stop();
  await keysDb?.end();
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`DROP SCHEMA IF EXISTS "${gatewaySchema}" CASCADE`);
  await admin.end();
  if (topic) await deleteTopic(topic);
});

async function startGateway(
  port = 0,
): Promise<{ url: string; gateway: IngestGateway; stop(): Promise<void> }> {
  const config = parseConfig(gatewayConfig, {
    PG_URL,
    GATEWAY_PG_SCHEMA: gatewaySchema,
    KAFKA_BROKERS: ENV.KAFKA_BROKERS,
    ...REGISTRY,
    GATEWAY_TOPIC: topic,
    SIGNING_MASTER_KEYS: TEST_SIGNING_MASTER_KEYS,
    LOG_LEVEL: 'error',
  });
  const gateway = createIngestGateway({
    config,
    logger: createLogger({ service: 'ingest-gateway-test', level: 'error' }),
    metrics: createMetricsRegistry('ingest-gateway', { defaultMetrics: false }),
  });
  const app = express();
  app.use(gateway.router);
  const { server, port: bound } = await listen(app, port, '127.0.0.1');
  await gateway.start();
  const stop = async () => {
    await closeServer(server as Server).catch(() => undefined);
    await gateway.close();
  };
  cleanup.push(stop);
  return { url: `http://127.0.0.1:${bound}`, gateway, stop };
}

async function startRelay(
  db: StoreDb,
  url: string,
  apiKey: string,
  publisherOverrides: { maxEvents?: number } = {},
) {
  const config = parseConfig(relayConfig, testRelayEnv(db.storeId, topic));
  const { logger, lines } = captureLogger('info');
  const publisher = new HttpPublisher({
    url,
    apiKey,
    timeoutMs: 10_000,
    maxEvents: publisherOverrides.maxEvents ?? 500,
    maxBodyBytes: 1_048_576,
    logger,
  });
  const service: OutboxRelayService = await startOutboxRelay({
    config,
    logger,
    metrics: createMetricsRegistry('outbox-relay', { defaultMetrics: false }),
    publisher,
  });
  cleanup.push(async () => {
    await service.stop();
    await service.close();
  });
  return { service, lines };
}

async function store(): Promise<StoreDb> {
  const db = await createStoreDb();
  cleanup.push(() => db.drop());
  return db;
}

async function httpState(db: StoreDb) {
  const { rows } = await db.pool.query<{
    unpublished: number;
    cursor: string | null;
    status: string | null;
    last_error: string | null;
  }>(
    `SELECT (SELECT count(*)::int FROM outbox WHERE store_id = $1 AND published_at IS NULL) AS unpublished,
            (SELECT last_published_seq::text FROM sync_cursors WHERE store_id = $1 AND destination = 'http') AS cursor,
            (SELECT status FROM relay_status WHERE store_id = $1 AND destination = 'http') AS status,
            (SELECT last_error FROM relay_status WHERE store_id = $1 AND destination = 'http') AS last_error`,
    [db.storeId],
  );
  return rows[0]!;
}

describe('outbox relay → ingest gateway → Kafka (RELAY_SYNC_PROTOCOL=http)', () => {
  it('delivers the backlog in store_seq order, byte-identical to the direct Kafka path', async () => {
    const gw = await startGateway();
    const db = await store();
    const { key } = await issueKey(keysDb, db.storeId);
    const events = new StoreEventFactory(db.storeId).mixed(1_200);
    await insertOutbox(db.pool, events);
    // Relay batches of 500 sent as gateway requests of at most 200 events.
    await startRelay(db, gw.url, key, { maxEvents: 200 });

    await waitFor(() => collector.messages.filter((m) => m.key === db.storeId).length >= events.length, {
      timeoutMs: 60_000,
      what: 'all events in Kafka',
    });
    await waitFor(async () => (await httpState(db)).unpublished === 0, { what: 'all rows marked' });
    const got = collector.messages.filter((m) => m.key === db.storeId);
    const decoded = await decodeAll(serde, got);
    expect(
      checkDelivery(
        decoded.map((e) => e.store_seq),
        events.length,
      ),
    ).toMatchObject({ ok: true, duplicates: 0 });
    expect(decoded).toEqual(events);
    // The relay sends its database's epoch; the gateway puts it on every record, as the Kafka path does.
    const { rows: epochRows } = await db.pool.query<{ e: string }>(
      'SELECT epoch_id::text AS e FROM store_epoch',
    );
    got.forEach((m, i) => {
      // As the relay signs on the Kafka path: the gateway signs with the same store key.
      const r = posEventRecord(serde, (t) => schemaIds[t], events[i]!);
      const headers = { ...r.headers, [STORE_EPOCH_HEADER]: epochRows[0]!.e };
      const [expected] = signedByStores([{ key: r.key, value: r.value, headers }]);
      expect(m.key).toBe(expected!.key);
      // Plus the W3C traceparent of the gateway's request span (not signed: store-signature.ts).
      const { traceparent, ...signedHeaders } = m.headers as Record<string, unknown>;
      expect(signedHeaders).toEqual(expected!.headers);
      expect(traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/);
      expect(m.value.equals(expected!.value as Buffer)).toBe(true);
    });
    await waitFor(async () => (await httpState(db)).status === 'ONLINE', {
      what: 'relay_status http ONLINE',
    });
    expect(await httpState(db)).toMatchObject({
      unpublished: 0,
      cursor: String(events.length),
      status: 'ONLINE',
    });
  });

  it('gateway down at first: the relay reports OFFLINE, then drains in order once the gateway is up', async () => {
    const db = await store();
    const { key } = await issueKey(keysDb, db.storeId);
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;

    const events = new StoreEventFactory(db.storeId).mixed(300);
    await insertOutbox(db.pool, events);
    const relay = await startRelay(db, url, key);
    await waitFor(async () => (await httpState(db)).status === 'OFFLINE', {
      what: 'relay_status http OFFLINE',
    });
    expect((await httpState(db)).last_error).toMatch(/GATEWAY_UNREACHABLE/);

    await startGateway(port);
    await waitFor(() => collector.messages.filter((m) => m.key === db.storeId).length >= events.length, {
      timeoutMs: 30_000,
      what: 'backlog drained after the gateway came up',
    });
    await waitFor(async () => (await httpState(db)).status === 'ONLINE', {
      what: 'relay_status http ONLINE',
    });
    const decoded = await decodeAll(
      serde,
      collector.messages.filter((m) => m.key === db.storeId),
    );
    expect(
      checkDelivery(
        decoded.map((e) => e.store_seq),
        events.length,
      ),
    ).toMatchObject({ ok: true, duplicates: 0 });
    expect(
      relay.lines.some((l) => l.msg === 'publish failed; retrying from the first unacknowledged row'),
    ).toBe(true);
  });

  it('a wrong key: nothing published, OFFLINE with the reason', async () => {
    const gw = await startGateway();
    const db = await store();
    const { key: otherStoresKey } = await issueKey(keysDb, `${db.storeId}_x`.slice(0, 31));
    await insertOutbox(db.pool, new StoreEventFactory(db.storeId).mixed(20));
    await startRelay(db, gw.url, otherStoresKey);
    // The heartbeat may write OFFLINE before the first refused batch has written its reason.
    let state = await httpState(db);
    await waitFor(
      async () => {
        state = await httpState(db);
        return state.status === 'OFFLINE' && state.last_error !== null;
      },
      { what: 'relay_status http OFFLINE with its reason' },
    );
    expect(state.last_error).toMatch(/GATEWAY_FORBIDDEN: .*403.*another store/);
    expect(state.unpublished).toBe(20);
    expect(collector.messages.filter((m) => m.key === db.storeId)).toEqual([]);
  });
});
