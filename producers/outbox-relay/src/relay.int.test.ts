import { STORE_EPOCH_HEADER } from '@retail-stream/runtime';
import { waitFor } from '@retail-stream/runtime/testing';
import type { StoreEvent } from '@retail-stream/schemas';
import { describe, expect, it } from 'vitest';
import {
  createStoreDb,
  decodeAll,
  insertOutbox,
  metricValue,
  publishedState,
  relayStatusRow,
  startRelay,
  testRelayEnv,
} from '../test/harness.ts';
import { StoreEventFactory } from '@retail-stream/schemas/testing';
import { useRelaySuite } from '../test/relay-suite.ts';
import { deletePublishedBefore } from './retention.ts';

const { serde, cleanup, setup, relay, allMarked, delivery } = useRelaySuite();

describe('outbox relay → Kafka (real Postgres, broker, registry)', () => {
  it('publishes every event exactly as recorded, in store_seq order, keyed by store, with headers', async () => {
    const { db, topic, collector } = await setup(3);
    const events = new StoreEventFactory(db.storeId).mixed(2_500);
    await insertOutbox(db.pool, events);
    const r = await relay(testRelayEnv(db.storeId, topic));

    await collector.waitForCount(events.length);
    await allMarked(db, 'all rows marked');

    const got = collector.messages;
    expect(new Set(got.map((m) => m.partition)).size).toBe(1); // one store → one partition
    expect(got.every((m) => m.key === db.storeId)).toBe(true);
    const { decoded, report } = await delivery(got, events.length);
    expect(report).toMatchObject({ ok: true, duplicates: 0 });
    expect(decoded).toEqual(events);
    // Every record carries the store database's epoch (drawn by migration 0005 when it was created).
    const { rows } = await db.pool.query<{ e: string }>('SELECT epoch_id::text AS e FROM store_epoch');
    expect(rows[0]!.e).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-/);
    got.forEach((m, i) => {
      expect(m.headers).toMatchObject({
        event_type: events[i]!.event_type,
        event_id: events[i]!.event_id,
        trace_id: events[i]!.trace_id,
        [STORE_EPOCH_HEADER]: rows[0]!.e,
      });
    });
    expect(new Set(events.map((e) => e.event_type)).size).toBe(7);

    expect(await publishedState(db.pool, db.storeId)).toEqual({
      published: events.length,
      unpublished: 0,
      cursor: events.length,
    });
    await waitFor(async () => (await relayStatusRow(db.pool, db.storeId))?.status === 'ONLINE', {
      what: 'relay_status ONLINE',
    });
    const metrics = await r.metricsText();
    expect(metricValue(metrics, 'retail_relay_published_total')).toBe(events.length);
    expect(metricValue(metrics, 'retail_relay_online')).toBe(1);
    expect(metricValue(metrics, 'retail_relay_lease_held')).toBe(1);
    await waitFor(async () => metricValue(await r.metricsText(), 'retail_outbox_backlog_rows') === 0, {
      what: 'backlog gauge 0',
    });
  });

  it('wakes on NOTIFY instead of waiting for the poll interval', async () => {
    const { db, topic, collector } = await setup();
    const factory = new StoreEventFactory(db.storeId);
    await relay(testRelayEnv(db.storeId, topic, { RELAY_POLL_INTERVAL_MS: '60000' }));
    await waitFor(async () => (await relayStatusRow(db.pool, db.storeId))?.status === 'ONLINE', {
      what: 'relay up',
    });

    // The wait's 5 s bound is far below the 60 s poll interval, so a round that arrives at all was
    // woken by NOTIFY: the wait itself is the proof, no elapsed-time assertion that a slow machine
    // could fail.
    for (let round = 1; round <= 3; round++) {
      await insertOutbox(db.pool, factory.mixed(5));
      await collector.waitForCount(round * 5, 5_000);
    }
    expect((await delivery(collector.messages, 15)).report.ok).toBe(true);
  });

  it('stops the store at a row that cannot be encoded, says so, and resumes in order once it is fixed', async () => {
    const { db, topic, collector } = await setup();
    const events = new StoreEventFactory(db.storeId).mixed(30);
    const badSeq = 12;
    await insertOutbox(db.pool, events, {
      payloadOverride: (e) =>
        e.store_seq === badSeq ? { ...e, store_seq: badSeq, occurred_at: 'yesterday' } : e,
    });
    const r = await relay(testRelayEnv(db.storeId, topic));

    await collector.waitForCount(badSeq - 1);
    await waitFor(async () => (await relayStatusRow(db.pool, db.storeId))?.status === 'OFFLINE', {
      what: 'relay_status OFFLINE',
    });
    const status = await relayStatusRow(db.pool, db.storeId);
    expect(status?.last_error).toMatch(/BLOCKED at store_seq 12: AVRO_INVALID_VALUE/);
    const { rows } = await db.pool.query<{ last_error: string; publish_attempts: number }>(
      'SELECT last_error, publish_attempts FROM outbox WHERE store_id = $1 AND store_seq = $2',
      [db.storeId, badSeq],
    );
    expect(rows[0]!.last_error).toMatch(/AVRO_INVALID_VALUE.*occurred_at/);
    expect(rows[0]!.publish_attempts).toBeGreaterThanOrEqual(1);
    const alert = r.lines.find(
      (l) => l.level === 'error' && /publishing for this store is STOPPED/.test(l.msg),
    );
    expect(alert).toMatchObject({
      store_seq: badSeq,
      code: 'AVRO_INVALID_VALUE',
      event_id: events[badSeq - 1]!.event_id,
    });
    const metrics = await r.metricsText();
    expect(metricValue(metrics, 'retail_relay_blocked')).toBe(1);
    expect(metrics).toMatch(/retail_relay_publish_errors_total\{code="AVRO_INVALID_VALUE"[^}]*\} [1-9]/);
    expect(r.service.readiness()).toMatch(/blocked at store_seq 12/);
    // Nothing after the bad row went out: ordering beats progress.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(collector.messages).toHaveLength(badSeq - 1);
    expect(await publishedState(db.pool, db.storeId)).toMatchObject({
      published: badSeq - 1,
      cursor: badSeq - 1,
    });

    // The fix at the edge: the row gets its correct payload.
    await db.pool.query('UPDATE outbox SET payload = $3 WHERE store_id = $1 AND store_seq = $2', [
      db.storeId,
      badSeq,
      JSON.stringify(events[badSeq - 1]),
    ]);
    await collector.waitForCount(events.length);
    const decoded = await decodeAll(serde, collector.messages);
    expect(decoded).toEqual(events);
    await waitFor(async () => metricValue(await r.metricsText(), 'retail_relay_blocked') === 0, {
      what: 'unblocked',
    });
    await waitFor(async () => (await relayStatusRow(db.pool, db.storeId))?.status === 'ONLINE', {
      what: 'ONLINE again',
    });
    expect(r.service.readiness()).toBe(true);
  });

  it('graceful stop finishes the batch in flight and marks it; a restart continues without duplicates', async () => {
    const { db, topic, collector } = await setup();
    const events = new StoreEventFactory(db.storeId).mixed(3_000);
    await insertOutbox(db.pool, events);
    const first = await startRelay(testRelayEnv(db.storeId, topic, { RELAY_BATCH_SIZE: '200' }));
    cleanup.push(() => first.stop());
    await waitFor(() => collector.messages.length > 0, { what: 'first records' });
    await first.stop();
    const afterStop = await publishedState(db.pool, db.storeId);
    // Everything acknowledged was marked before stop() returned.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(collector.messages.length).toBe(afterStop.published);
    expect(afterStop.published % 200).toBe(0);

    await relay(testRelayEnv(db.storeId, topic, { RELAY_BATCH_SIZE: '200' }));
    await collector.waitForCount(events.length);
    expect((await delivery(collector.messages, events.length)).report).toMatchObject({
      ok: true,
      duplicates: 0,
    });
  });
});

describe('store lease', () => {
  it('a broken lease session stops publishing at once; the relay takes the lease again and continues in order', async () => {
    const { db, topic, collector } = await setup();
    const events = new StoreEventFactory(db.storeId).mixed(6_000);
    await insertOutbox(db.pool, events);
    const r = await relay(testRelayEnv(db.storeId, topic, { RELAY_BATCH_SIZE: '300' }));
    await waitFor(() => collector.messages.length >= 600, { what: 'publishing under way' });

    // What a Postgres restart or a network cut does to the session that holds the advisory lock.
    const { rows } = await db.pool.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'outbox-relay-lease'`,
    );
    expect(rows).toHaveLength(1);
    await db.pool.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);

    await waitFor(
      () => r.lines.some((l) => l.msg === 'lease session lost; stopping publishing for this store'),
      { what: 'lease loss noticed' },
    );
    await waitFor(() => r.lines.filter((l) => l.msg === 'store lease acquired; publishing').length >= 2, {
      what: 'lease taken again',
    });
    await collector.waitForCount(events.length);
    await allMarked(db);
    await collector.settled();
    const { report } = await delivery(collector.messages, events.length);
    expect(report.problems).toEqual([]);
    expect(report.duplicates).toBeLessThanOrEqual(2 * 300);
  });
});

describe('retention', () => {
  it('deletes only published rows older than the limit, in small batches', async () => {
    const db = await createStoreDb();
    cleanup.push(() => db.drop());
    const events: StoreEvent[] = new StoreEventFactory(db.storeId).mixed(40);
    await insertOutbox(db.pool, events, { notify: false });
    // 1-10 published 10 days ago, 11-20 published just now, 21-30 unpublished but old, 31-40 new.
    await db.pool.query(
      `UPDATE outbox SET published_at = now() - interval '10 days' WHERE store_id = $1 AND store_seq <= 10`,
      [db.storeId],
    );
    await db.pool.query(
      `UPDATE outbox SET published_at = now() WHERE store_id = $1 AND store_seq BETWEEN 11 AND 20`,
      [db.storeId],
    );
    await db.pool.query(
      `UPDATE outbox SET created_at = now() - interval '30 days' WHERE store_id = $1 AND store_seq BETWEEN 21 AND 30`,
      [db.storeId],
    );

    const deleted = await deletePublishedBefore(db.pool, db.storeId, { maxAgeS: 7 * 24 * 3600, batch: 3 });
    expect(deleted).toBe(10);
    const { rows } = await db.pool.query<{ store_seq: string }>(
      'SELECT store_seq FROM outbox WHERE store_id = $1 ORDER BY store_seq',
      [db.storeId],
    );
    expect(rows.map((r) => Number(r.store_seq))).toEqual(Array.from({ length: 30 }, (_, i) => i + 11));
    expect(await deletePublishedBefore(db.pool, db.storeId, { maxAgeS: 7 * 24 * 3600, batch: 3 })).toBe(0);
  });

  it('runs inside the relay on its interval', async () => {
    const { db, topic, collector } = await setup();
    const events = new StoreEventFactory(db.storeId).mixed(20);
    await insertOutbox(db.pool, events);
    const r = await relay(
      testRelayEnv(db.storeId, topic, { RELAY_RETENTION_AGE_S: '2', RELAY_RETENTION_INTERVAL_S: '1' }),
    );
    await collector.waitForCount(20);
    await waitFor(
      async () =>
        (await db.pool.query('SELECT 1 FROM outbox WHERE store_id = $1', [db.storeId])).rowCount === 0,
      {
        what: 'published rows removed after 2 s',
        timeoutMs: 15_000,
      },
    );
    expect(metricValue(await r.metricsText(), 'retail_relay_retention_deleted_total')).toBe(20);
  });
});
