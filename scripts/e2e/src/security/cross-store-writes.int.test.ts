import { transactionById, transactionsById } from '@retail-stream/cassandra-sink';
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
 * Cassandra sinks. Nothing of A's changes in any database (rows compared before and after,
 * ClickHouse merged). Every table naming a transaction is keyed by store too (Cassandra's
 * transaction_by_id_and_store included), so B's events naming A's transactions write B's own rows,
 * visible next to A's and counted by the Cassandra sink; only the Postgres inbox, keyed by event id
 * alone, refuses (CROSS_STORE_EVENT_ID). And because nothing is "first store wins" any more, B
 * naming a transaction of A's that A (offline) has not sent yet does not stop A's genuine events
 * when they arrive afterwards.
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
  // A sale A makes while offline: B learns its transaction id (a receipt) and reaches HQ first.
  const saleA3 = fa.sale(2);
  const payA3 = fa.paymentCaptured(saleA3);

  // B's attack, in B's own sequence: each names A's transaction and/or reuses A's event id.
  const voidOfA = fb.void(saleA);
  const refundOfA = fb.refund(saleA);
  const payWithAsEventId = { ...fb.paymentCaptured(saleA), event_id: payA.event_id };
  const saleOverA = { ...fb.sale(2), transaction_id: saleA.transaction_id };
  const saleWithAsEventId = { ...fb.sale(1), event_id: saleA2.event_id };
  const ownSaleB = fb.sale(2);
  const saleBeforeA3 = { ...fb.sale(1), transaction_id: saleA3.transaction_id };
  const voidBeforeA3 = fb.void(saleBeforeA3);
  const eventsB: StoreEvent[] = [
    voidOfA,
    refundOfA,
    payWithAsEventId,
    saleOverA,
    saleWithAsEventId,
    ownSaleB,
    saleBeforeA3,
    voidBeforeA3,
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
      transactions: await cql(
        'SELECT JSON * FROM ks.transaction_by_id_and_store WHERE transaction_id IN ? AND store_id = ?',
        [txIds, A],
      ),
      days: (
        await cql('SELECT JSON * FROM ks.sales_by_store_day WHERE store_id = ? ALLOW FILTERING', [A])
      ).sort(),
      inventory: await cql('SELECT JSON * FROM ks.inventory_by_store WHERE store_id = ?', [A]),
    };
    return { postgres, clickhouse, cassandra };
  }

  it("changes nothing of A's in Postgres, ClickHouse and Cassandra; B's ids only ever write B's rows", async () => {
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
    for (const json of after.cassandra.transactions) {
      const row = JSON.parse(json) as { store_id: string; status: string };
      expect([row.store_id, row.status]).toEqual([A, 'PAID']);
    }

    // Cassandra refuses nothing: B's events naming A's sale are B's own row of that id, beside A's.
    expect(await w.deadLetters('cassandra', 'CROSS_STORE_TRANSACTION_ID')).toBe(0);
    const both = await transactionsById(w.cassandra, w.keyspace, saleA.transaction_id);
    expect(both.map((t) => t.storeId).sort()).toEqual([A, B].sort());
    const rowB = both.find((t) => t.storeId === B)!;
    // B's own history of the id: its void, then its (later, so PAID) sale, refund and payment.
    expect(rowB).toMatchObject({
      status: 'PAID',
      voidedAt: voidOfA.occurred_at,
      totalMinor: saleOverA.total_minor,
      saleSeq: saleOverA.store_seq,
    });
    expect(rowB.refundedMinor).toBe(refundOfA.amount_minor);
    expect(rowB.payments.map((p) => p.paymentId)).toEqual([payWithAsEventId.payment_id]);
    const rowA = both.find((t) => t.storeId === A)!;
    expect(rowA).toMatchObject({ status: 'PAID', totalMinor: saleA.total_minor, refundedMinor: 0 });
    expect(rowA.payments.map((p) => p.paymentId)).toEqual([payA.payment_id]);
    // …and visible: each B event naming an id A holds is counted (B's pre-emptive sale is not yet).
    expect(await w.metric('cassandra', 'retail_sink_shared_transaction_ids_total')).toBe(4);

    // The Postgres inbox (keyed by event id) refuses B's copies of A's event ids, dead-lettered.
    expect(await w.deadLetters('postgres', 'CROSS_STORE_EVENT_ID')).toBe(2);
    await dlq.waitForCount(2, 30_000);
    const pgMessages = dlq.messages.map((m) => readDeadLetter(m.headers as never)!.message);
    expect(pgMessages.sort()).toEqual(
      [
        `event ${payA.event_id} from store ${B} is already recorded for store ${A}`,
        `event ${saleA2.event_id} from store ${B} is already recorded for store ${A}`,
      ].sort(),
    );

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
    expect(
      (await transactionsById(w.cassandra, w.keyspace, ownSaleB.transaction_id)).map((t) => t.storeId),
    ).toEqual([B]);
    const chCopy = await w.ch.query({
      query: `SELECT store_id FROM sales FINAL WHERE event_id = ${sqlString(saleA2.event_id)}`,
      format: 'JSONEachRow',
    });
    expect(((await chCopy.json()) as { store_id: string }[]).map((r) => r.store_id).sort()).toEqual(
      [A, B].sort(),
    );
  }, 180_000);

  it("does not refuse A's genuine events for a transaction B named first (no first-store-wins)", async () => {
    // B already sold and voided "A3" (the first test published it before A's events exist).
    const preempted = await transactionById(w.cassandra, w.keyspace, saleA3.transaction_id, B);
    expect(preempted).toMatchObject({ storeId: B, status: 'VOIDED', totalMinor: saleBeforeA3.total_minor });
    expect(await transactionById(w.cassandra, w.keyspace, saleA3.transaction_id, A)).toBeUndefined();
    const lettersBefore = dlq.messages.length;

    // A comes back online: its sale and payment for that id reach HQ after B's.
    await w.publish([saleA3, payA3]);
    await w.settle();

    const a3 = await transactionById(w.cassandra, w.keyspace, saleA3.transaction_id, A);
    expect(a3).toMatchObject({
      storeId: A,
      status: 'PAID',
      totalMinor: saleA3.total_minor,
      saleSeq: saleA3.store_seq,
      lastStoreSeq: payA3.store_seq,
    });
    expect(a3!.payments.map((p) => [p.paymentId, p.amountMinor])).toEqual([
      [payA3.payment_id, payA3.amount_minor],
    ]);
    // A's day row is A's sale, PAID (B's void of its own "A3" stays in B's row and partition).
    const [dayA3] = (
      await w.cassandra.execute(
        `SELECT status, total_minor FROM ${w.keyspace}.sales_by_store_day WHERE store_id = ? AND transaction_id = ? ALLOW FILTERING`,
        [A, saleA3.transaction_id],
        { prepare: true },
      )
    ).rows;
    expect([dayA3?.get('status'), Number(dayA3?.get('total_minor'))]).toEqual(['PAID', saleA3.total_minor]);
    expect(await transactionById(w.cassandra, w.keyspace, saleA3.transaction_id, B)).toEqual(preempted);
    const hqA3 = await w.hq.query(
      `SELECT store_id, total_minor FROM "${w.hqSchema}".hq_transactions WHERE transaction_id = $1 ORDER BY store_id`,
      [saleA3.transaction_id],
    );
    expect(hqA3.rows.map((r) => [r.store_id, Number(r.total_minor)]).sort()).toEqual(
      [
        [A, saleA3.total_minor],
        [B, saleBeforeA3.total_minor],
      ].sort(),
    );

    // Nothing refused, nothing dead-lettered; both of A's events counted as sharing an id with B.
    expect(await w.deadLetters('cassandra', 'CROSS_STORE_TRANSACTION_ID')).toBe(0);
    await new Promise((r) => setTimeout(r, 1_000)); // nothing more arrives
    expect(dlq.messages.length).toBe(lettersBefore);
    expect(await w.metric('cassandra', 'retail_sink_shared_transaction_ids_total')).toBe(6);
  }, 180_000);
});
