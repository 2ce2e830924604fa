import type { Enrichment, StoreEvent } from '@retail-stream/schemas';
import { StoreEventFactory } from '@retail-stream/schemas/testing';
import { seededRandom } from '@retail-stream/runtime';
import { describe, expect, it } from 'vitest';
import { planWrites, transactionIdsOf, transactionKey, type TransactionState } from './projection-plan.ts';
import type { PaymentCell, RowWrite } from './statements.ts';

// 2026-11-21 18:30 UTC = 2026-11-22 01:30 in Ho Chi Minh City.
const T0 = Date.UTC(2026, 10, 21, 18, 30);
const HCM: Enrichment = {
  store_known: true,
  store_name: 'Store 1',
  region: 'south',
  timezone: 'Asia/Ho_Chi_Minh',
  products: [],
  ingested_at: T0,
  pharmacy_code: null,
};

function factory(storeId = 's1') {
  let now = T0;
  return new StoreEventFactory(storeId, seededRandom(7), 1, () => (now += 1_000));
}
const enrich = <E extends StoreEvent>(e: E, enrichment: Enrichment | null = HCM): E => ({ ...e, enrichment });
const of = (writes: RowWrite[], statement: RowWrite['statement']) =>
  writes.filter((w) => w.statement === statement);

describe('planWrites', () => {
  it('writes a sale to its store row of transaction_by_id_and_store, its store-local day and the inventory, all at its store_seq', () => {
    const f = factory();
    const sale = enrich(f.sale(3));
    const writes = planWrites([sale], new Map());
    const ts = BigInt(sale.store_seq);
    expect(writes.every((w) => w.params[0] === ts)).toBe(true);

    const [tx] = of(writes, 'txSale');
    expect(tx!.partition).toBe(`transaction_by_id_and_store|${sale.transaction_id}`);
    expect(tx!.params.slice(-2)).toEqual([sale.transaction_id, 's1']);
    expect(tx!.params.slice(1, 3)).toEqual(['2026-11-22', sale.occurred_at]);
    expect(tx!.params).toContain(BigInt(sale.total_minor));
    const lines = tx!.params[11] as { sku: string; line_total_minor: bigint }[];
    expect(lines.map((l) => l.sku)).toEqual(sale.lines.map((l) => l.sku));
    expect(lines.map((l) => l.line_total_minor)).toEqual(sale.lines.map((l) => BigInt(l.line_total_minor)));

    const [day] = of(writes, 'daySale');
    expect(day!.partition).toBe('sales_by_store_day|s1|2026-11-22');
    expect(day!.params.slice(-4)).toEqual(['s1', '2026-11-22', sale.occurred_at, sale.transaction_id]);

    const inv = of(writes, 'inventory');
    expect(inv.map((w) => [w.params[5], w.params[1], w.params[2]])).toEqual(
      sale.stock.map((s) => [s.sku, s.on_hand_after, BigInt(sale.store_seq)]),
    );
  });

  it('puts a sale of an unknown store on its day in STORE_DEFAULT_TIMEZONE, as KPI windows and reconcile count it', () => {
    const sale = enrich(factory().sale(1), null);
    // The default zone (Ho Chi Minh) is already on the 22nd, where UTC would still say the 21st.
    expect(of(planWrites([sale], new Map()), 'daySale')[0]!.partition).toBe(
      'sales_by_store_day|s1|2026-11-22',
    );
    expect(of(planWrites([sale], new Map(), 'America/New_York'), 'daySale')[0]!.partition).toBe(
      'sales_by_store_day|s1|2026-11-21',
    );
  });

  it('writes payments, voids and refunds to the sale row found in the same batch, each at its own seq', () => {
    const f = factory();
    const sale = enrich(f.sale(2));
    const pay = enrich(f.paymentCaptured(sale));
    const refund = enrich(f.refund(sale));
    const voided = enrich(f.void(sale));
    const writes = planWrites([sale, pay, refund, voided], new Map());
    const dayKey = ['s1', '2026-11-22', sale.occurred_at, sale.transaction_id];

    const [dayPay] = of(writes, 'dayPayment');
    expect(dayPay!.params[0]).toBe(BigInt(pay.store_seq));
    expect(dayPay!.params.slice(1, 3)).toEqual([
      pay.payment_id,
      {
        method: pay.method,
        amount_minor: BigInt(pay.amount_minor),
        status: 'CAPTURED',
        store_seq: BigInt(pay.store_seq),
      },
    ]);
    expect(dayPay!.params.slice(-4)).toEqual(dayKey);

    const [dayRefund] = of(writes, 'dayRefund');
    expect(dayRefund!.params).toEqual([
      BigInt(refund.store_seq),
      refund.refund_id,
      BigInt(refund.amount_minor),
      ...dayKey,
    ]);

    const [dayStatus] = of(writes, 'dayStatus');
    expect(dayStatus!.params).toEqual([BigInt(voided.store_seq), 'VOIDED', ...dayKey]);
    expect(of(writes, 'txVoid')[0]!.params[0]).toBe(BigInt(voided.store_seq));
    // The void also puts the stock back, at the void's seq.
    expect(of(writes, 'inventory').filter((w) => w.params[0] === BigInt(voided.store_seq))).toHaveLength(2);
  });

  it('finds the sale row of an earlier batch through the transaction state read before planning', () => {
    const f = factory();
    const sale = enrich(f.sale(1));
    const voided = enrich(f.void(sale));
    const known = new Map<string, TransactionState>([
      [
        transactionKey('s1', sale.transaction_id),
        state({
          storeId: 's1',
          day: '2026-11-22',
          occurredAt: sale.occurred_at,
          status: 'PAID',
          statusTimestamp: BigInt(sale.store_seq),
        }),
      ],
    ]);
    expect(transactionIdsOf([voided])).toEqual([sale.transaction_id]);
    const [dayStatus] = of(planWrites([voided], known), 'dayStatus');
    expect(dayStatus!.params).toEqual([
      BigInt(voided.store_seq),
      'VOIDED',
      's1',
      '2026-11-22',
      sale.occurred_at,
      sale.transaction_id,
    ]);
  });

  it('only touches transaction_by_id_and_store when the sale is not known yet (the sale will copy the state)', () => {
    const f = factory();
    const sale = enrich(f.sale(1));
    const pay = enrich(f.paymentCaptured(sale));
    const writes = planWrites([pay], new Map());
    expect(writes.map((w) => w.statement)).toEqual(['txPayment']);
  });

  it('copies earlier-seen payments, refunds and a newer void into a sale arriving late', () => {
    const f = factory();
    const sale = enrich(f.sale(1));
    const pay = enrich(f.paymentCaptured(sale));
    const voided = enrich(f.void(sale));
    const cell: PaymentCell = {
      method: 'CASH',
      amount_minor: 5n,
      status: 'CAPTURED',
      store_seq: BigInt(pay.store_seq),
    };
    const known = new Map([
      [
        transactionKey('s1', sale.transaction_id),
        state({
          storeId: 's1',
          status: 'VOIDED',
          statusTimestamp: BigInt(voided.store_seq),
          payments: new Map([[pay.payment_id, cell]]),
          refunds: new Map([['r1', 7n]]),
        }),
      ],
    ]);
    const writes = planWrites([sale], known);
    const dayKey = ['s1', '2026-11-22', sale.occurred_at, sale.transaction_id];
    expect(of(writes, 'dayPayment')[0]!.params).toEqual([
      BigInt(sale.store_seq),
      pay.payment_id,
      cell,
      ...dayKey,
    ]);
    expect(of(writes, 'dayRefund')[0]!.params).toEqual([BigInt(sale.store_seq), 'r1', 7n, ...dayKey]);
    // The void's status keeps the void's timestamp, so it still beats the sale's own PAID.
    expect(of(writes, 'dayStatus')[0]!.params).toEqual([BigInt(voided.store_seq), 'VOIDED', ...dayKey]);
  });

  it('does not copy a status the sale itself set (a replayed sale)', () => {
    const sale = enrich(factory().sale(1));
    const known = new Map([
      [
        transactionKey('s1', sale.transaction_id),
        state({ storeId: 's1', status: 'PAID', statusTimestamp: BigInt(sale.store_seq) }),
      ],
    ]);
    expect(of(planWrites([sale], known), 'dayStatus')).toHaveLength(0);
  });

  it('never writes into another store partition when a transaction id shows up under another store', () => {
    const f = factory('s2');
    const sale = enrich(f.sale(1));
    const voided = enrich(f.void(sale));
    const known = new Map([
      [
        transactionKey('s1', sale.transaction_id),
        state({ storeId: 's1', day: '2026-11-22', occurredAt: 1, status: 'PAID', statusTimestamp: 1n }),
      ],
    ]);
    const writes = planWrites([voided], known);
    expect(of(writes, 'dayStatus')).toHaveLength(0);
    // Its own store's row of the id, never s1's.
    expect(of(writes, 'txVoid').map((w) => w.params.slice(-2))).toEqual([[sale.transaction_id, 's2']]);
  });

  it('is deterministic: the same events and state always give the same writes', () => {
    const events = factory()
      .mixed(300)
      .map((e) => enrich(e));
    expect(planWrites(events, new Map())).toEqual(planWrites(events, new Map()));
  });
});

function state(s: Partial<TransactionState>): TransactionState {
  return {
    storeId: 'store_1',
    day: null,
    occurredAt: null,
    status: null,
    statusTimestamp: null,
    payments: new Map(),
    refunds: new Map(),
    ...s,
  };
}
