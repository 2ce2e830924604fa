import pg from 'pg';
import { waitFor } from '@retail-stream/runtime/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { GUARDED_ATTEMPTS } from './db/guarded-commit.ts';
import { storeDatabaseUrl } from './db/store-database.ts';
import { onHand, openSale, outboxRows, PG_URL, product, type Harness, type Json } from '../test/harness.ts';
import { usePharmacyFixture } from '../test/pharmacy-fixture.ts';
import { useHarness } from '../test/use-harness.ts';

/**
 * The checkout's optimistic path (guarded-commit.ts) when two requests race: each reads without a
 * lock, then writes in one guarded statement. The race is driven deterministically: a barrier
 * connection holds a row lock both writes need, the test waits until both requests' writes are
 * queued on it (so both have read the same state), then releases it. One write commits, the other
 * finds its guard broken, undoes itself, reads again and decides afresh — asserted on the rows.
 */

const h = useHarness();
const { barcodeOf, lots, receipt, lot } = usePharmacyFixture(h);

let barriers: pg.Client[] = [];
afterEach(async () => {
  await Promise.all(barriers.map((b) => b.end()));
  barriers = [];
});

/** A connection holding the row locks `lockSql` takes, in an open transaction, until released. */
async function barrier(on: Harness, lockSql: string, values: unknown[]) {
  const client = new pg.Client({ connectionString: storeDatabaseUrl(PG_URL, on.storeId) });
  barriers.push(client);
  await client.connect();
  await client.query('BEGIN');
  await client.query(lockSql, values);
  return {
    /**
     * Resolves once `n` store-edge statements wait for a lock (they have read and are writing).
     * Polled from the harness's pool, not from the barrier: pg_stat_activity is snapshotted once per
     * transaction, and the barrier's transaction stays open.
     */
    waiters: (n: number) =>
      waitFor(
        async () => {
          const { rows } = await on.db.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM pg_stat_activity
              WHERE datname = current_database() AND application_name = 'store-edge' AND wait_event_type = 'Lock'`,
          );
          return rows[0]!.n === n;
        },
        { timeoutMs: 10_000, intervalMs: 20, what: `${n} store-edge writes waiting on the barrier` },
      ),
    release: () => client.query('ROLLBACK'),
  };
}

async function conflicts(on: Harness): Promise<number> {
  const metric = on.metrics.getSingleMetric('retail_pos_checkout_conflicts_total');
  return (await metric!.get()).values[0]?.value ?? 0;
}

async function version(on: Harness, id: string): Promise<number> {
  const { rows } = await on.db.query<{ version: number }>('SELECT version FROM transactions WHERE id = $1', [
    id,
  ]);
  return rows[0]!.version;
}

describe('two requests on one sale that both read it before either writes', () => {
  it('two scans: one adds line 1, the other reads again and adds line 2 after it — no line lost or merged', async () => {
    const sale = await openSale(h, []);
    const before = await conflicts(h);
    const gate = await barrier(h, 'SELECT 1 FROM transactions WHERE id = $1 FOR UPDATE', [sale.id]);
    const scan = (sku: string, terminal: string) =>
      h.call('POST', `/v1/transactions/${sale.id}/items`, {
        terminal,
        body: { barcode: product(sku).barcode, quantity: 1 },
      });
    const a = scan('SKU-A', 'T1');
    const b = scan('SKU-B', 'T2');
    await gate.waiters(2);
    await gate.release();
    const [ra, rb] = await Promise.all([a, b]);

    expect([ra.status, rb.status]).toEqual([201, 201]);
    expect(await conflicts(h)).toBe(before + 1);
    const view = (await h.call('GET', `/v1/transactions/${sale.id}`)).body;
    expect(view.lines.map((l: Json) => l.line_no)).toEqual([1, 2]);
    expect(view.lines.map((l: Json) => l.sku).sort()).toEqual(['SKU-A', 'SKU-B']);
    expect(view.totals.total_minor).toBe(product('SKU-A').price + product('SKU-B').price);
    // The winner answered with its own line; the loser's answer, decided after its second read,
    // is the sale as it now stands, byte for byte.
    const [first, second] = [ra, rb].sort((x, y) => x.body.lines.length - y.body.lines.length);
    expect(first!.body.lines).toHaveLength(1);
    expect(second!.text).toBe((await h.call('GET', `/v1/transactions/${sale.id}`)).text);
    expect(await version(h, sale.id)).toBe(2);
    const keys = await h.db.query('SELECT count(*)::int AS n FROM idempotency_keys WHERE path LIKE $1', [
      `%${sale.id}/items`,
    ]);
    expect(keys.rows[0].n).toBe(2);
  });

  it('a cash payment racing a scan: the payment reads again and covers the new total (or is refused), never the old one', async () => {
    const sale = await openSale(h, [['SKU-A', 1]]);
    const gate = await barrier(h, 'SELECT 1 FROM transactions WHERE id = $1 FOR UPDATE', [sale.id]);
    const scan = h.call('POST', `/v1/transactions/${sale.id}/items`, {
      terminal: 'T1',
      body: { barcode: product('SKU-C').barcode, quantity: 1 },
    });
    const pay = h.call('POST', `/v1/transactions/${sale.id}/payments`, {
      terminal: 'T2',
      body: { method: 'CASH' },
    });
    await gate.waiters(2);
    await gate.release();
    const [rs, rp] = await Promise.all([scan, pay]);
    const view = (await h.call('GET', `/v1/transactions/${sale.id}`)).body;
    if (rs.status === 201) {
      // The scan won: the payment re-read the sale and paid the new total.
      expect(rp.status).toBe(201);
      expect(rp.body.amount_minor).toBe(product('SKU-A').price + product('SKU-C').price);
      expect(view.lines).toHaveLength(2);
    } else {
      // The payment won: the scan re-read the sale and was refused (payment started), adding nothing.
      expect(rs.body.error.code).toBe('PAYMENT_STARTED');
      expect(rp.body.amount_minor).toBe(product('SKU-A').price);
      expect(view.lines).toHaveLength(1);
    }
    expect(view.due_minor).toBe(0);
  });
});

describe('stock and lots are checked by the write, not locked by the read', () => {
  it('two finalizes of the last units of a lot: the loser reads again and takes the next lot (FEFO), none oversold', async () => {
    const received = await receipt([
      {
        sku: 'MED-1',
        quantity: 6,
        unit_cost_minor: 6_000,
        lots: [lot('R-SOON', -30, 20, 1), lot('R-LATE', -30, 500, 5)],
      },
    ]);
    expect(received.status).toBe(201);
    const sales: string[] = [];
    for (let i = 0; i < 2; i++) {
      const open = await h.call('POST', '/v1/transactions', { body: { cashier_id: 'C1' } });
      await h.call('POST', `/v1/transactions/${open.body.id}/items`, {
        body: { barcode: barcodeOf('MED-1') },
      });
      await h.call('POST', `/v1/transactions/${open.body.id}/payments`, { body: { method: 'CASH' } });
      sales.push(open.body.id as string);
    }
    const before = await conflicts(h);
    // Both finalizes read R-SOON (1 unit) as the lot to take, then queue on the inventory row.
    const gate = await barrier(h, "SELECT 1 FROM local_inventory WHERE sku = 'MED-1' FOR UPDATE", []);
    const finals = sales.map((id, i) =>
      h.call('POST', `/v1/transactions/${id}/finalize`, { terminal: `T${i + 1}` }),
    );
    await gate.waiters(2);
    await gate.release();
    const results = await Promise.all(finals);

    expect(results.map((r) => r.status)).toEqual([200, 200]);
    expect(await conflicts(h)).toBe(before + 1);
    expect((await lots('MED-1'))['R-SOON']).toBe(0);
    expect((await lots('MED-1'))['R-LATE']).toBe(4);
    const taken = results.map((r) => r.body.lines[0].lots.map((l: Json) => [l.lot_no, l.quantity])).sort();
    expect(taken).toEqual([[['R-LATE', 1]], [['R-SOON', 1]]]);
    const sold = await h.db.query(
      'SELECT lot_no, quantity FROM line_item_lots WHERE transaction_id = ANY($1::uuid[]) ORDER BY lot_no',
      [sales],
    );
    expect(sold.rows).toEqual([
      { lot_no: 'R-LATE', quantity: 1 },
      { lot_no: 'R-SOON', quantity: 1 },
    ]);
    // Each SaleRecorded says what on_hand became after it, in store_seq order.
    const recorded = (await outboxRows(h)).filter(
      (r) => r.event_type === 'SaleRecorded' && sales.includes(r.payload.transaction_id),
    );
    const after = await onHand(h, 'MED-1');
    expect(recorded.map((r) => r.payload.stock[0].on_hand_after)).toEqual([after + 1, after]);
  });
});

describe('EDGE_INSUFFICIENT_STOCK_POLICY=reject under a race', () => {
  const strict = useHarness({ EDGE_INSUFFICIENT_STOCK_POLICY: 'reject' });

  it('two finalizes that both saw enough stock: the write holds the loser to it, and its second read refuses', async () => {
    await strict.db.query("UPDATE local_inventory SET on_hand = 3 WHERE sku = 'SKU-D'");
    const sales: string[] = [];
    for (let i = 0; i < 2; i++) {
      const sale = await openSale(strict, [['SKU-D', 2]]);
      await strict.call('POST', `/v1/transactions/${sale.id}/payments`, { body: { method: 'CASH' } });
      sales.push(sale.id as string);
    }
    const before = await conflicts(strict);
    const gate = await barrier(strict, "SELECT 1 FROM local_inventory WHERE sku = 'SKU-D' FOR UPDATE", []);
    const finals = sales.map((id) => strict.call('POST', `/v1/transactions/${id}/finalize`));
    await gate.waiters(2);
    await gate.release();
    const results = await Promise.all(finals);

    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    const refused = results.find((r) => r.status === 409)!;
    expect(refused.body.error).toMatchObject({ code: 'INSUFFICIENT_STOCK', field: 'lines' });
    expect(refused.body.error.message).toContain('SKU-D (1 on hand)');
    expect(await conflicts(strict)).toBe(before + 1);
    expect(await onHand(strict, 'SKU-D')).toBe(1);
    const statuses = await strict.db.query('SELECT status FROM transactions WHERE id = ANY($1::uuid[])', [
      sales,
    ]);
    expect(statuses.rows.map((r) => r.status).sort()).toEqual(['DRAFT', 'PAID']);
  });
});

describe('a guard that never holds', () => {
  it(`gives up after ${GUARDED_ATTEMPTS} attempts with 503 CHECKOUT_CONFLICT and writes nothing, not even the key`, async () => {
    const sale = await openSale(h, [['SKU-E', 1]]);
    const before = await conflicts(h);
    // Every UPDATE of this sale is skipped, so each attempt's guard finds no row.
    await h.db.query(`
      CREATE FUNCTION skip_sale_update() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RETURN NULL; END $$;
      CREATE TRIGGER skip_sale_update BEFORE UPDATE ON transactions FOR EACH ROW
        WHEN (OLD.id = '${sale.id}') EXECUTE FUNCTION skip_sale_update();`);
    const res = await h
      .call('POST', `/v1/transactions/${sale.id}/items`, {
        key: 'never-holds-1',
        body: { barcode: product('SKU-A').barcode },
      })
      .finally(() =>
        h.db.query('DROP TRIGGER skip_sale_update ON transactions; DROP FUNCTION skip_sale_update()'),
      );
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('CHECKOUT_CONFLICT');
    expect(await conflicts(h)).toBe(before + GUARDED_ATTEMPTS);
    const keys = await h.db.query("SELECT 1 FROM idempotency_keys WHERE idem_key = 'never-holds-1'");
    expect(keys.rowCount).toBe(0);
    expect((await h.call('GET', `/v1/transactions/${sale.id}`)).body.lines).toHaveLength(1);

    // Retried with the same key once the sale can change again, it goes through.
    const retried = await h.call('POST', `/v1/transactions/${sale.id}/items`, {
      key: 'never-holds-1',
      body: { barcode: product('SKU-A').barcode },
    });
    expect(retried.status).toBe(201);
    expect(retried.body.lines).toHaveLength(2);
  });
});
