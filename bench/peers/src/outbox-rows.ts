import { StoreEventFactory } from '@retail-stream/schemas/testing';
import { OUTBOX_CHANNEL } from '@retail-stream/store-edge';
import type pg from 'pg';

/** relay-bench.ts's insert: SaleRecorded rows with the columns the store edge writes, in one statement. */
async function insertSales(
  db: pg.Pool | pg.PoolClient,
  storeId: string,
  factory: StoreEventFactory,
  n: number,
): Promise<string[]> {
  const events = factory.sales(n);
  const rows = events.map(
    (e) =>
      `{"store_seq":${e.store_seq},"event_id":"${e.event_id}","trace_id":"${e.trace_id}","occurred_at":${e.occurred_at},"payload":${JSON.stringify(e)}}`,
  );
  await db.query(
    `INSERT INTO outbox (store_id, store_seq, event_id, event_type, occurred_at, trace_id, payload)
     SELECT $1, e.store_seq, e.event_id, 'SaleRecorded', to_timestamp(e.occurred_at / 1000.0), e.trace_id, e.payload
       FROM jsonb_to_recordset($2::jsonb) AS e(store_seq bigint, event_id uuid, trace_id text, occurred_at bigint, payload jsonb)`,
    [storeId, `[${rows.join(',')}]`],
  );
  return events.map((e) => e.event_id);
}

/** The relay bench's backlog: `total` SaleRecorded events (3–10 lines each) from StoreEventFactory(storeId). */
export async function fillOutbox(
  db: pg.Pool,
  storeId: string,
  factory: StoreEventFactory,
  total: number,
): Promise<void> {
  for (let done = 0; done < total;) {
    const n = Math.min(5_000, total - done);
    await insertSales(db, storeId, factory, n);
    done += n;
  }
  await db.query('VACUUM ANALYZE outbox');
}

/**
 * Live outbox traffic: `rate` events/s for `seconds`, one transaction per 20 ms tick (a till
 * commits a sale and its events together) with the store edge's NOTIFY; each event's commit time
 * goes to `onCommitted`.
 */
export async function paceOutbox(
  db: pg.Pool,
  storeId: string,
  factory: StoreEventFactory,
  rate: number,
  seconds: number,
  onCommitted: (eventId: string, at: number) => void,
): Promise<number> {
  const started = Date.now();
  let sent = 0;
  while (Date.now() - started < seconds * 1000) {
    const due = Math.min(500, Math.floor(((Date.now() - started) / 1000) * rate) - sent);
    if (due > 0) {
      // As the store edge commits (db/outbox-rows.ts): the rows and a NOTIFY on OUTBOX_CHANNEL in one
      // transaction, which wakes our relay at commit; Debezium's walsender is pushed the WAL anyway.
      const client = await db.connect();
      let ids: string[];
      try {
        await client.query('BEGIN');
        const from = factory.nextSeq;
        ids = await insertSales(client, storeId, factory, due);
        await client.query(`SELECT pg_notify($1, $2)`, [
          OUTBOX_CHANNEL,
          JSON.stringify({ store_id: storeId, from_seq: from, to_seq: factory.nextSeq - 1 }),
        ]);
        await client.query('COMMIT');
      } finally {
        client.release();
      }
      const at = Date.now();
      for (const id of ids) onCommitted(id, at);
      sent += due;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return sent;
}
