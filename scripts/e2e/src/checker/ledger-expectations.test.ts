import { describe, expect, it } from 'vitest';
import { ledgerLine, parseLedger, type LedgerRecord } from '@retail-stream/store-simulator';
import { hqStatus, ledgerExpectations, netSalesByStore } from './ledger-expectations.ts';

const at = new Date('2026-03-10T02:00:00Z');
const ledger = (records: LedgerRecord[]) =>
  parseLedger(records.map((r, i) => ledgerLine(r, i + 1, at)).join(''));

const sale = (id: string, store: string, total: number): LedgerRecord => ({
  kind: 'sale',
  store_id: store,
  terminal_id: 'T01',
  cashier_id: 'C1',
  transaction_id: id,
  status: 'PAID',
  currency: 'VND',
  subtotal_minor: total,
  discount_minor: 0,
  tax_minor: 0,
  total_minor: total,
  item_count: 2,
  lines: [],
  payments: [{ payment_id: `p-${id}`, method: 'CASH', status: 'CAPTURED', amount_minor: total }],
  finalized_at: at.toISOString(),
});

const base: LedgerRecord[] = [
  {
    kind: 'run_started',
    run_id: 'r1',
    seed: 1,
    options: {},
    stores: [
      { store_id: 's001', currency: 'VND', timezone: 'Asia/Ho_Chi_Minh' },
      { store_id: 's002', currency: 'VND', timezone: 'Asia/Ho_Chi_Minh' },
    ],
  },
  sale('t1', 's001', 100_000),
  sale('t2', 's001', 50_000),
  sale('t3', 's002', 70_000),
  {
    kind: 'void',
    store_id: 's001',
    terminal_id: 'T01',
    transaction_id: 't2',
    was_paid: true,
    total_minor: 50_000,
    currency: 'VND',
    reason: 'customer',
  },
  {
    kind: 'void',
    store_id: 's002',
    terminal_id: 'T01',
    transaction_id: 'basket-9',
    was_paid: false,
    total_minor: 0,
    currency: 'VND',
    reason: 'abandoned',
  },
  {
    kind: 'refund',
    store_id: 's002',
    terminal_id: 'T01',
    transaction_id: 't3',
    refund_id: 'r-a',
    whole: false,
    amount_minor: 20_000,
    currency: 'VND',
    transaction_status: 'PARTIALLY_REFUNDED',
    restock: true,
    lines: [],
  },
  {
    kind: 'refund',
    store_id: 's002',
    terminal_id: 'T01',
    transaction_id: 't3',
    refund_id: 'r-b',
    whole: true,
    amount_minor: 50_000,
    currency: 'VND',
    transaction_status: 'REFUNDED',
    restock: true,
    lines: [],
  },
];

describe('ledgerExpectations', () => {
  it('gives every sale its final status, void and refunded amount', () => {
    const x = ledgerExpectations(ledger(base));
    expect(x.runId).toBe('r1');
    expect(x.storeIds).toEqual(['s001', 's002']);
    expect(x.sales.size).toBe(3);
    expect(x.sales.get('t1')).toMatchObject({ status: 'PAID', voided: false, refunded_minor: 0 });
    expect(x.sales.get('t2')).toMatchObject({ status: 'VOIDED', voided: true });
    expect(x.sales.get('t3')).toMatchObject({ status: 'REFUNDED', refunded_minor: 70_000, refund_count: 2 });
    expect(hqStatus(x.sales.get('t2')!)).toBe('VOIDED');
    expect(hqStatus(x.sales.get('t3')!)).toBe('PAID');
    expect([...x.voids.keys()]).toEqual(['t2', 'basket-9']);
    expect(x.refunds.get('r-b')).toEqual({ store_id: 's002', transaction_id: 't3', amount_minor: 50_000 });
    expect(x.problems).toEqual([]);
    expect(x.finished).toBe(false);
  });

  it('nets sales per store as the README defines (unpaid voids do not count)', () => {
    const net = netSalesByStore(ledgerExpectations(ledger(base)));
    expect(net.get('s001')).toBe(100_000);
    expect(net.get('s002')).toBe(0);
  });

  it('reports a refund or paid void of a sale the ledger never recorded', () => {
    const x = ledgerExpectations(
      ledger([
        { ...(base[6] as Extract<LedgerRecord, { kind: 'refund' }>), transaction_id: 'ghost' },
        { ...(base[4] as Extract<LedgerRecord, { kind: 'void' }>), transaction_id: 'ghost2' },
        sale('t1', 's001', 1),
        sale('t1', 's001', 1),
      ]),
    );
    expect(x.problems).toHaveLength(3);
    expect(x.problems[0]).toContain('ghost');
  });
});
