import { readDeadLetter, sqlString } from '@retail-stream/runtime';
import { TopicCollector, uniqueIdentifier } from '@retail-stream/runtime/testing';
import type { StoreEvent } from '@retail-stream/schemas';
import { StoreEventFactory } from '@retail-stream/schemas/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SinksWorld } from './sinks-world.ts';

/**
 * No cross-store writes (issue 13, item 4): store B, with its own valid identity, gets events
 * carrying store A's transaction ids and store A's event ids onto the enriched topic (ingest checks
 * B's signature and sequence, not whose ids B names) and so into the real Postgres, ClickHouse and
 * Cassandra sinks. Nothing of A's changes
 * in any database (rows compared before and after, ClickHouse merged), and the refusals are dead
 * letters with their codes: CROSS_STORE_TRANSACTION_ID from the Cassandra sink, whose
 * transaction_by_id is keyed by transaction id alone, and CROSS_STORE_EVENT_ID from the Postgres
 * sink, whose inbox is keyed by event id alone. B's own events still go through.
 */
describe('store B writing with store A ids', () => {
  const A = uniqueIdentifier('xsa');
  const B = uniqueIdentifier('xsb');
  let w: SinksWorld;
  let dlq: TopicCollector;
  const now = () => Date.now() - 60_000;
  const fa = new StoreEventFactory(A, undefined, 1, now);
  const fb = new StoreEventFactory(B, undefined, 1, now);
  const saleA = fa.sale(3);
  const payA = fa.paymentCaptured(saleA);
  const saleA2 = fa.sale(2);
  const payA2 = fa.paymentCaptured(saleA2);
  const eventsA: StoreEvent[] = [saleA, payA, saleA2, payA2];

  // B's attack, in B's own sequence: each names A's transaction and/or reuses A's event id.
  const voidOfA = fb.void(saleA);
  const refundOfA = fb.refund(saleA);
  const payWithAsEventId = { ...fb.paymentCaptured(saleA), event_id: payA.event_id };
  const saleOverA = { ...fb.sale(2), transaction_id: saleA.transaction_id };
  const saleWithAsEventId = { ...fb.sale(1), event_id: saleA2.event_id };
  const ownSaleB = fb.sale(2);
  const eventsB: StoreEvent[] = [
    voidOfA,
    refundOfA,
    payWithAsEventId,
    saleOverA,
    saleWithAsEventId,
    ownSaleB,
  ];

  beforeAll(async () => {
    w = await SinksWorld.start();
    dlq = await new TopicCollector(w.endpoints.brokers, w.topics.dlq, `${w.name}-xs-dlq`).start();
    await w.publish(eventsA);
    await w.settle();
  }, 240_000);

  afterAll(async () => {
    await dlq?.stop();
    await w?.stop();
  }, 120_000);

  /** Every row of store A in the three databases, and every row anywhere keyed by A's ids. */
  async function rowsOfA() {
    const hq = async (sql: string, params: unknown[]) =>
      (await w.hq.query(sql.replaceAll('hq.', `"${w.hqSchema}".`), params)).rows;
    const txIds = [saleA.transaction_id, saleA2.transaction_id];
    const eventIds = eventsA.map((e) => e.event_id);
    const postgres = {
      inbox: await hq(
        'SELECT * FROM hq.hq_inbox WHERE store_id = $1 OR event_id = ANY($2) ORDER BY event_id',
        [A, eventIds],
      ),
      transactions: await hq('SELECT * FROM hq.hq_transactions WHERE store_id = $1 ORDER BY transaction_id', [
        A,
      ]),
      lineItems: await hq(
        'SELECT * FROM hq.hq_line_items WHERE store_id = $1 ORDER BY transaction_id, line_no',
        [A],
      ),
      payments: await hq('SELECT * FROM hq.hq_payments WHERE store_id = $1 ORDER BY payment_id', [A]),
      refunds: await hq('SELECT * FROM hq.hq_refunds WHERE store_id = $1 ORDER BY refund_id', [A]),
      inventory: await hq('SELECT * FROM hq.hq_inventory WHERE store_id = $1 ORDER BY sku', [A]),
    };
    const clickhouse: Record<string, unknown[]> = {};
    for (const table of ['sales', 'sale_lines', 'payments', 'refunds', 'voids', 'inventory_movements']) {
      // Merged first: a ReplacingMergeTree replaces rows only when parts merge.
      await w.ch.command({ query: `OPTIMIZE TABLE ${table} FINAL` });
      const rs = await w.ch.query({
        query: `SELECT * FROM ${table} FINAL WHERE store_id = ${sqlString(A)}`,
        format: 'JSONEachRow',
      });
      clickhouse[table] = ((await rs.json()) as unknown[]).map((r) => JSON.stringify(r)).sort();
    }
    const cql = async (q: string, params: unknown[]) =>
      (await w.cassandra.execute(q.replaceAll('ks.', `${w.keyspace}.`), params, { prepare: true })).rows.map(
        (r) => r.get('[json]') as string,
      );
    const cassandra = {
      transactions: await cql('SELECT JSON * FROM ks.transaction_by_id WHERE transaction_id IN ?', [txIds]),
      days: (
        await cql('SELECT JSON * FROM ks.sales_by_store_day WHERE store_id = ? ALLOW FILTERING', [A])
      ).sort(),
      inventory: await cql('SELECT JSON * FROM ks.inventory_by_store WHERE store_id = ?', [A]),
    };
    return { postgres, clickhouse, cassandra };
  }

  it("changes nothing of A's in Postgres, ClickHouse and Cassandra, and dead-letters the attempts", async () => {
    const before = await rowsOfA();
    // The world really holds A's data (so "unchanged" is not "empty").
    expect(before.postgres.transactions).toHaveLength(2);
    expect(before.postgres.inbox).toHaveLength(4);
    expect(before.clickhouse.sales).toHaveLength(2);
    expect(before.clickhouse.payments).toHaveLength(2);
    expect(before.cassandra.transactions).toHaveLength(2);
    expect(before.cassandra.days).toHaveLength(2);

    await w.publish(eventsB);
    await w.settle();

    const after = await rowsOfA();
    expect(after).toEqual(before);
    for (const json of after.cassandra.transactions) expect(JSON.parse(json).store_id).toBe(A);

    // The refusals, counted by sink and code, and dead-lettered (ClickHouse refused nothing).
    expect(await w.deadLetters('cassandra', 'CROSS_STORE_TRANSACTION_ID')).toBe(4);
    expect(await w.deadLetters('postgres', 'CROSS_STORE_EVENT_ID')).toBe(2);
    await dlq.waitForCount(6, 30_000);
    await new Promise((r) => setTimeout(r, 1_000)); // nothing more arrives
    const letters = dlq.messages.map((m) => readDeadLetter(m.headers as never)!);
    expect(letters.map((l) => `${l.processor} ${l.code}`).sort()).toEqual([
      ...Array(4).fill('cassandra-sink CROSS_STORE_TRANSACTION_ID'),
      ...Array(2).fill('postgres-sink CROSS_STORE_EVENT_ID'),
    ]);
    const pgMessages = letters.filter((l) => l.code === 'CROSS_STORE_EVENT_ID').map((l) => l.message);
    expect(pgMessages.sort()).toEqual(
      [
        `event ${payA.event_id} from store ${B} is already recorded for store ${A}`,
        `event ${saleA2.event_id} from store ${B} is already recorded for store ${A}`,
      ].sort(),
    );
    for (const l of letters.filter((x) => x.code === 'CROSS_STORE_TRANSACTION_ID')) {
      expect(l.message).toBe(`transaction ${saleA.transaction_id} named by store ${B} belongs to store ${A}`);
    }

    // B's own sale went everywhere; B's events naming A's transaction are B's rows in HQ and ClickHouse
    // (both keyed by store first), never A's.
    const own = await w.hq.query(
      `SELECT store_id FROM "${w.hqSchema}".hq_transactions WHERE transaction_id = $1`,
      [ownSaleB.transaction_id],
    );
    expect(own.rows).toEqual([{ store_id: B }]);
    const sameId = await w.hq.query(
      `SELECT store_id, status FROM "${w.hqSchema}".hq_transactions WHERE transaction_id = $1 ORDER BY store_id`,
      [saleA.transaction_id],
    );
    expect(sameId.rows.map((r) => r.store_id).sort()).toEqual([A, B].sort());
    const ownCs = await w.cassandra.execute(
      `SELECT store_id FROM ${w.keyspace}.transaction_by_id WHERE transaction_id = ?`,
      [ownSaleB.transaction_id],
      { prepare: true },
    );
    expect(ownCs.rows.map((r) => r.get('store_id'))).toEqual([B]);
    const chCopy = await w.ch.query({
      query: `SELECT store_id FROM sales FINAL WHERE event_id = ${sqlString(saleA2.event_id)}`,
      format: 'JSONEachRow',
    });
    expect(((await chCopy.json()) as { store_id: string }[]).map((r) => r.store_id).sort()).toEqual(
      [A, B].sort(),
    );
  }, 180_000);
});
