import pg from 'pg';
import { percentile, waitFor } from '@retail-stream/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeDatabaseUrl } from './db/store-database.ts';
import { OUTBOX_CHANNEL } from './db/outbox-rows.ts';
import { lastSeq, onHand, openSale, outboxRows, PG_URL, PRODUCTS, START_STOCK } from '../test/harness.ts';
import { useHarness } from '../test/use-harness.ts';

const h = useHarness();
let listener: pg.Client;
const notifications: { from_seq: number; to_seq: number }[] = [];

beforeAll(async () => {
  listener = new pg.Client({ connectionString: storeDatabaseUrl(PG_URL, h.storeId) });
  await listener.connect();
  listener.on('notification', (n) => {
    if (n.channel === OUTBOX_CHANNEL) notifications.push(JSON.parse(n.payload!));
  });
  await listener.query(`LISTEN ${OUTBOX_CHANNEL}`);
});
afterAll(async () => {
  await listener?.end();
});

const TERMINALS = ['T1', 'T2', 'T3', 'T4', 'T5'];
const SALES_PER_TERMINAL = 20;

describe('store_seq under concurrency', () => {
  it('5 terminals × 20 sales: store_seq is exactly 1..N, each request contiguous, commit order = sequence order', async () => {
    const finalizeMs: number[] = [];
    const sold = new Map<string, number>();
    let expectedEvents = 0;

    await Promise.all(
      TERMINALS.map(async (terminal, t) => {
        for (let i = 0; i < SALES_PER_TERMINAL; i++) {
          // Overlapping SKUs in varying order: the inventory rows are contended from every terminal.
          const a = PRODUCTS[(t + i) % PRODUCTS.length]!.sku;
          const b = PRODUCTS[(t * 3 + i * 2 + 1) % PRODUCTS.length]!.sku;
          const items: [string, number][] =
            a === b
              ? [[a, 2]]
              : [
                  [b, 1],
                  [a, 1],
                ];
          const sale = await openSale(h, items, terminal);
          const post = async (action: string, body: unknown) =>
            (await h.call('POST', `/v1/transactions/${sale.id}/${action}`, { terminal, body })).status;
          if (i % 5 === 4) {
            // A draft with a pending QR payment, voided: PaymentFailed + SaleVoided in one transaction.
            expect(await post('payments', { method: 'QR' })).toBe(201);
            expect(await post('void', { reason: 'walked away' })).toBe(200);
          } else {
            expect(await post('payments', { method: 'CASH' })).toBe(201);
            const started = performance.now();
            const fin = await h.call('POST', `/v1/transactions/${sale.id}/finalize`, { terminal });
            finalizeMs.push(performance.now() - started);
            expect(fin.status).toBe(200);
            for (const [sku, q] of items) sold.set(sku, (sold.get(sku) ?? 0) + q);
          }
          expectedEvents += 2;
        }
      }),
    );

    const rows = await outboxRows(h);
    const n = rows.length;
    expect(n).toBe(expectedEvents);
    expect(n).toBe(TERMINALS.length * SALES_PER_TERMINAL * 2);
    expect(rows.map((r) => r.store_seq)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    expect(await lastSeq(h)).toBe(n);
    rows.forEach((r) => expect(r.payload.store_seq).toBe(r.store_seq));
    expect(new Set(rows.map((r) => r.event_id)).size).toBe(n);

    // Postgres delivers NOTIFY in commit order. Each committing transaction announced its range,
    // so contiguous, increasing ranges in arrival order mean: commit order = store_seq order.
    // NOTIFY reaches the listener after COMMIT returns to the edge: wait until the last range
    // arrived rather than sleeping and hoping it did.
    await waitFor(() => notifications.some((x) => x.to_seq === n), {
      timeoutMs: 5_000,
      what: `a NOTIFY whose range ends at store_seq ${n}`,
    });
    const byCommit = notifications.filter((x) => x.to_seq <= n);
    expect(byCommit[0]!.from_seq).toBe(1);
    for (let i = 1; i < byCommit.length; i++) expect(byCommit[i]!.from_seq).toBe(byCommit[i - 1]!.to_seq + 1);
    expect(byCommit.at(-1)!.to_seq).toBe(n);

    // One transaction's events share a trace and are adjacent.
    for (const range of byCommit.filter((x) => x.to_seq > x.from_seq)) {
      const inRange = rows.filter((r) => r.store_seq >= range.from_seq && r.store_seq <= range.to_seq);
      expect(inRange.map((r) => r.event_type)).toEqual(['PaymentFailed', 'SaleVoided']);
      expect(new Set(inRange.map((r) => r.trace_id)).size).toBe(1);
    }
    expect(byCommit.filter((x) => x.to_seq > x.from_seq)).toHaveLength(
      TERMINALS.length * (SALES_PER_TERMINAL / 5),
    );

    // Each sale's payment precedes its record; stock replayed in store_seq order ends where the table is.
    const seqOf = new Map<string, number>();
    for (const r of rows) seqOf.set(`${r.event_type}:${r.payload.transaction_id}`, r.store_seq);
    for (const r of rows.filter((x) => x.event_type === 'SaleRecorded')) {
      expect(seqOf.get(`PaymentCaptured:${r.payload.transaction_id}`)!).toBeLessThan(r.store_seq);
    }
    const replayed = new Map<string, number>();
    for (const r of rows) {
      for (const s of (r.payload.stock ?? []) as { sku: string; delta: number; on_hand_after: number }[]) {
        const prev = replayed.get(s.sku) ?? START_STOCK;
        expect(s.on_hand_after, `${s.sku} at seq ${r.store_seq}`).toBe(prev + s.delta);
        replayed.set(s.sku, s.on_hand_after);
      }
    }
    for (const p of PRODUCTS) {
      expect(await onHand(h, p.sku)).toBe(START_STOCK - (sold.get(p.sku) ?? 0));
      expect(replayed.get(p.sku) ?? START_STOCK).toBe(START_STOCK - (sold.get(p.sku) ?? 0));
    }

    finalizeMs.sort((x, y) => x - y);
    const p50 = percentile(finalizeMs, 50);
    const p99 = percentile(finalizeMs, 99);
    // Logged for the reader, not asserted: a shared machine's timing is no fact about ordering, and
    // finalize latency is measured where it can be compared, in `npm run bench:checkout`.
    console.log(
      `finalize latency over HTTP with 5 concurrent terminals: n=${finalizeMs.length} p50=${p50.toFixed(1)}ms p99=${p99.toFixed(1)}ms`,
    );
  });

  it('a failure after the sequence was taken rolls back the change, its outbox rows and its store_seq', async () => {
    const sale = await openSale(h, [['SKU-B', 2]]);
    await h.call('POST', `/v1/transactions/${sale.id}/payments`, { body: { method: 'CASH' } });
    const seq = await lastSeq(h);
    const stock = await onHand(h, 'SKU-B');
    // Fails the outbox insert, i.e. after stock, status and the store_sequence UPDATE already ran.
    await h.db.query(`
      CREATE FUNCTION inject_outbox_failure() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.event_type = 'SaleRecorded' THEN RAISE EXCEPTION 'injected failure'; END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER inject_outbox_failure BEFORE INSERT ON outbox FOR EACH ROW EXECUTE FUNCTION inject_outbox_failure();`);
    try {
      const failed = await h.call('POST', `/v1/transactions/${sale.id}/finalize`, {
        key: 'finalize-after-crash',
      });
      expect(failed.status).toBe(500);
      expect(failed.body).toEqual({ error: { code: 'INTERNAL', message: 'internal error', field: null } });
    } finally {
      await h.db.query('DROP TRIGGER inject_outbox_failure ON outbox; DROP FUNCTION inject_outbox_failure()');
    }
    expect(await lastSeq(h)).toBe(seq);
    expect((await outboxRows(h)).at(-1)!.store_seq).toBe(seq);
    expect(await onHand(h, 'SKU-B')).toBe(stock);
    expect((await h.call('GET', `/v1/transactions/${sale.id}`)).body.status).toBe('DRAFT');
    const keys = await h.db.query("SELECT 1 FROM idempotency_keys WHERE idem_key = 'finalize-after-crash'");
    expect(keys.rowCount).toBe(0);

    // The terminal retries with the same key: the sale goes through, taking the very next number.
    const retried = await h.call('POST', `/v1/transactions/${sale.id}/finalize`, {
      key: 'finalize-after-crash',
    });
    expect(retried.status).toBe(200);
    const last = (await outboxRows(h)).at(-1)!;
    expect(last).toMatchObject({ store_seq: seq + 1, event_type: 'SaleRecorded' });
    expect(await onHand(h, 'SKU-B')).toBe(stock - 2);
  });
});
