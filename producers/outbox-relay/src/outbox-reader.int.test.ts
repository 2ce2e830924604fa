import { StoreEventFactory } from '@retail-stream/schemas/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metricValue } from '@retail-stream/runtime/testing';
import { createStoreDb, insertOutbox, testRelayEnv, type StoreDb } from '../test/harness.ts';
import { useRelaySuite } from '../test/relay-suite.ts';
import { readUnpublished } from './outbox-reader.ts';

/**
 * The relay's read bounds against a real store database: at most `rows` rows, and rows only while
 * the stored payloads before them hold fewer than `bytes` (the first row always), with `full`
 * saying whether a bound cut the read. Then a relay with a tiny byte bound publishes everything.
 */
describe('outbox reader bounds', () => {
  let db: StoreDb;
  /** pg_column_size of each payload, in store_seq order (what the byte bound counts). */
  let sizes: number[];
  const seqs = (rows: { storeSeq: number }[]) => rows.map((r) => r.storeSeq);
  const sumFirst = (n: number) => sizes.slice(0, n).reduce((a, b) => a + b, 0);

  beforeAll(async () => {
    db = await createStoreDb();
    await insertOutbox(db.pool, new StoreEventFactory(db.storeId).sales(50), { notify: false });
    const { rows } = await db.pool.query<{ size: number }>(
      'SELECT pg_column_size(payload) AS size FROM outbox ORDER BY store_seq',
    );
    sizes = rows.map((r) => r.size);
  });

  afterAll(async () => db?.drop());

  it('without a binding byte bound: up to `rows` rows, full only when the count bound cut the read', async () => {
    const all = await readUnpublished(db.pool, db.storeId, { rows: 100, bytes: 1 << 30 });
    expect(seqs(all.rows)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(all.full).toBe(false);
    const page = await readUnpublished(db.pool, db.storeId, { rows: 20, bytes: 1 << 30 }, 20);
    expect(seqs(page.rows)).toEqual(Array.from({ length: 20 }, (_, i) => i + 21));
    expect(page.full).toBe(true);
    const exact = await readUnpublished(db.pool, db.storeId, { rows: 50, bytes: 1 << 30 });
    expect(exact).toMatchObject({ full: true }); // exactly `rows` left: one more (empty) read says so
  });

  it('the byte bound stops before the row that would start at or past it; the first row always passes', async () => {
    const ten = await readUnpublished(db.pool, db.storeId, { rows: 100, bytes: sumFirst(10) });
    expect(seqs(ten.rows)).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
    expect(ten.full).toBe(true);
    const eleven = await readUnpublished(db.pool, db.storeId, { rows: 100, bytes: sumFirst(10) + 1 });
    expect(eleven.rows).toHaveLength(11);
    const one = await readUnpublished(db.pool, db.storeId, { rows: 100, bytes: 1 }, 45);
    expect(seqs(one.rows)).toEqual([46]);
    expect(one.full).toBe(true);
  });

  it('published rows are skipped; nothing left reads as empty and not full', async () => {
    await db.pool.query('UPDATE outbox SET published_at = now() WHERE store_seq <= 48');
    const rest = await readUnpublished(db.pool, db.storeId, { rows: 100, bytes: 1 });
    expect(seqs(rest.rows)).toEqual([49]);
    const none = await readUnpublished(db.pool, db.storeId, { rows: 100, bytes: 1 << 30 }, 50);
    expect(none).toEqual({ rows: [], full: false });
  });
});

describe('outbox relay with a byte bound far below its row bound', () => {
  const { setup, relay, allMarked, delivery } = useRelaySuite();

  it('reads in many small pages and still publishes every event once, in order', async () => {
    const { db, topic, collector } = await setup(1);
    const events = new StoreEventFactory(db.storeId).mixed(400);
    await insertOutbox(db.pool, events);
    const { rows } = await db.pool.query<{ total: string }>(
      'SELECT sum(pg_column_size(payload))::text AS total FROM outbox',
    );
    const r = await relay(testRelayEnv(db.storeId, topic, { RELAY_BATCH_MAX_BYTES: '16384' }));
    await collector.waitForCount(events.length);
    await allMarked(db, 'all rows marked');
    const { decoded, report } = await delivery(collector.messages, events.length);
    expect(report).toMatchObject({ ok: true, duplicates: 0 });
    expect(decoded).toEqual(events);
    // Each read but the last carried at least 16 KiB (the row bound, 500, never bound here).
    const metrics = await r.metricsText();
    const reads = metricValue(metrics, 'retail_relay_batch_phase_seconds_count', 'phase="read"');
    expect(
      reads,
      metrics
        .split('\n')
        .filter((l) => l.includes('phase_seconds_count'))
        .join('\n'),
    ).toBeGreaterThanOrEqual(Math.floor(Number(rows[0]!.total) / (16_384 + 4_096)));
    expect(reads).toBeLessThanOrEqual(Math.ceil(Number(rows[0]!.total) / 16_384) + 1);
  });
});
