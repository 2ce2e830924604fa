import crypto from 'node:crypto';
import path from 'node:path';
import { serviceEnv } from '@retail-stream/infra';
import { AvroSerde } from '@retail-stream/runtime';
import {
  createTestTopic,
  decodeAll,
  deleteTestTopic,
  dropPgDatabase,
  registryConfigOf,
  ServiceProcess,
  testRelaySigningKey,
  TopicCollector,
} from '@retail-stream/runtime/testing';
import { registerAll, type StoreEvent } from '@retail-stream/schemas';
import { storeDatabaseName, storeDatabaseUrl } from '@retail-stream/store-edge';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../pipeline/pipeline-spec.ts';
import { LoadDriver, type AppendRecord } from './load-driver.ts';
import { prepareLoadStores } from './load-stores.ts';

const ENV = serviceEnv();
const PG_URL = ENV.PG_URL!;
const BROKERS = ENV.KAFKA_BROKERS!.split(',');
const REGISTRY = registryConfigOf(ENV.SCHEMA_REGISTRY_URL!, ENV);
const RATE = 40;
const SALES = 30;
const EVENTS_PER_SALE = 7;

/** The outbox of one store as the driver left it. */
async function outboxOf(storeId: string) {
  const db = new pg.Client({ connectionString: storeDatabaseUrl(PG_URL, storeId) });
  await db.connect();
  try {
    const { rows } = await db.query<{
      store_seq: string;
      event_type: string;
      transaction_id: string | null;
      created_ms: number;
    }>(
      `SELECT store_seq::text, event_type, payload->>'transaction_id' AS transaction_id,
              (extract(epoch FROM created_at) * 1000)::float8 AS created_ms
         FROM outbox WHERE store_id = $1 ORDER BY outbox.store_seq`,
      [storeId],
    );
    const last = await db.query<{ last_seq: string }>('SELECT last_seq::text FROM store_sequence');
    return { rows, lastSeq: Number(last.rows[0]!.last_seq) };
  } finally {
    await db.end();
  }
}

describe('e2e load driver (real Postgres, relay, broker, registry)', () => {
  // A prefix of its own: the stores' databases are this file's and dropped after it.
  const prefix = `ld${crypto.randomBytes(4).toString('hex')}`;
  let storeIds: string[] = [];
  const appends: AppendRecord[] = [];
  let result: Awaited<ReturnType<LoadDriver['run']>>;

  beforeAll(async () => {
    storeIds = await prepareLoadStores(PG_URL, { stores: 2, prefix, skus: 40, seed: 7 });
    const driver = await LoadDriver.connect(storeIds, {
      adminUrl: PG_URL,
      eventsPerSale: EVENTS_PER_SALE,
      seed: 7,
    });
    try {
      result = await driver.run({ salesPerSecond: RATE, sales: SALES, onAppend: (a) => appends.push(a) });
    } finally {
      await driver.close();
    }
  });
  afterAll(async () => {
    for (const id of storeIds) await dropPgDatabase(PG_URL, storeDatabaseName(id));
  });

  it('writes exactly the sales asked for, with contiguous store_seq per store and the mix per sale', async () => {
    expect(result.sales).toBe(SALES);
    let events = 0;
    for (const id of storeIds) {
      const { rows, lastSeq } = await outboxOf(id);
      // 1..n without a gap or a duplicate, and the store's counter agrees (the next sale continues it).
      expect(rows.map((r) => Number(r.store_seq))).toEqual(rows.map((_, i) => i + 1));
      expect(lastSeq).toBe(rows.length);
      const sales = rows.filter((r) => r.event_type === 'SaleRecorded');
      expect(sales).toHaveLength(SALES / storeIds.length);
      // The appends the driver reported are exactly the rows: every range and every sale is there.
      const mine = appends.filter((a) => a.storeId === id);
      expect(mine.map((a) => [a.fromSeq, a.toSeq])).toEqual(
        mine.map((_, i) => [i === 0 ? 1 : mine[i - 1]!.toSeq + 1, mine[i]!.toSeq]),
      );
      expect(mine.at(-1)!.toSeq).toBe(rows.length);
      // Each sale's store_seq points at its SaleRecorded row.
      const bySeq = new Map(rows.map((r) => [Number(r.store_seq), r]));
      for (const x of mine.flatMap((a) => a.sales))
        expect(bySeq.get(x.storeSeq)).toMatchObject({
          event_type: 'SaleRecorded',
          transaction_id: x.transactionId,
        });
      expect(sales.map((r) => r.transaction_id)).toEqual(
        mine.flatMap((a) => a.sales.map((s) => s.transactionId)),
      );
      events += rows.length;
    }
    expect(result.events).toBe(events);
    // The back-office credit makes the mix exact per sale on average (± one event per store).
    expect(Math.abs(events - SALES * EVENTS_PER_SALE)).toBeLessThanOrEqual(storeIds.length * 3);
  });

  it('keeps the open-loop schedule: sales spaced 1/rate apart, none committed before its time', async () => {
    const sales = appends.flatMap((a) => a.sales).sort((x, y) => x.scheduledAt - y.scheduledAt);
    const gaps = sales.slice(1).map((s, i) => s.scheduledAt - sales[i]!.scheduledAt);
    for (const g of gaps) expect(g).toBeCloseTo(1000 / RATE, 6);
    for (const s of sales) expect(s.committedAt).toBeGreaterThanOrEqual(s.scheduledAt);
    // Counted by the data: no sale entered the outbox before its scheduled time (the row's
    // created_at is its transaction's start by Postgres' clock, the same host clock), so the set
    // rate is never exceeded; a slow driver shows as lag, not as a burst or fewer sales.
    const scheduled = new Map(sales.map((s) => [s.transactionId, s.scheduledAt]));
    for (const id of storeIds) {
      for (const r of (await outboxOf(id)).rows.filter((x) => x.event_type === 'SaleRecorded'))
        expect(r.created_ms).toBeGreaterThanOrEqual(scheduled.get(r.transaction_id!)! - 1);
    }
  });

  it(
    'is accepted by the relay: every event published, in order, decodable',
    { timeout: 120_000 },
    async () => {
      await registerAll(AvroSerde.fromConfig(REGISTRY), { registryUrl: ENV.SCHEMA_REGISTRY_URL! });
      const storeId = storeIds[0]!;
      const topic = await createTestTopic(BROKERS, 'load-driver', 1);
      const collector = await new TopicCollector(BROKERS, topic, 'load-driver-reader').start();
      const relay = await ServiceProcess.start(
        path.join(REPO_ROOT, 'producers/outbox-relay/src/main.ts'),
        {
          STORE_ID: storeId,
          PG_URL,
          KAFKA_BROKERS: ENV.KAFKA_BROKERS!,
          ...REGISTRY,
          RELAY_TOPIC: topic,
          RELAY_SIGNING_KEY: testRelaySigningKey(storeId),
          // info: ServiceProcess learns the ops port from the 'http listening' line.
          LOG_LEVEL: 'info',
          OPS_PORT: '0',
        },
        { cwd: REPO_ROOT, readyTimeoutMs: 45_000 },
      );
      try {
        const { rows } = await outboxOf(storeId);
        await collector.waitForCount(rows.length, 30_000).catch((err: Error) => {
          throw new Error(`${err.message}\nrelay output:\n${relay.output}`);
        });
        const decoded = await decodeAll<StoreEvent>(AvroSerde.fromConfig(REGISTRY), collector.messages);
        expect(decoded.map((e) => e.store_seq)).toEqual(rows.map((r) => Number(r.store_seq)));
        expect(decoded.map((e) => e.event_type)).toEqual(rows.map((r) => r.event_type));
        expect(decoded.every((e) => e.store_id === storeId)).toBe(true);
        expect(relay.findLog((l) => l.level === 'error' || l.level === 'fatal')).toBeUndefined();
      } finally {
        await relay.stop();
        await collector.stop();
        await deleteTestTopic(BROKERS, 'load-driver-admin', topic);
      }
    },
  );
});
