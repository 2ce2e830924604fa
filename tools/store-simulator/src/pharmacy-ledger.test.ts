import { describe, expect, it } from 'vitest';
import { ledgerLine, parseLedger, type LedgerRecord } from './ledger.ts';
import { pharmacyDocumentOf, pharmacyDocuments, type PharmacyStore } from './pharmacy-ledger.ts';

const pharmacy: PharmacyStore = {
  ma_co_so: 'HCM-0001',
  drugs: new Map([
    ['SKU-D1', { national_drug_code: 'DQG00010231', registration_no: 'VD-21134-14' }],
    ['SKU-D2', { national_drug_code: 'DQG00010368', registration_no: 'VD-25216-16' }],
  ]),
};
const lotA = { lot_no: 'L25010001', manufactured_on: '2025-01-10', expires_on: '2027-01-10', qty: 2 };
const lotB = { lot_no: 'L25030002', manufactured_on: '2025-03-01', expires_on: '2028-03-01', qty: 1 };

const sale: Extract<LedgerRecord, { kind: 'sale' }> = {
  kind: 'sale',
  store_id: 's002',
  terminal_id: 'T01',
  cashier_id: 'C1',
  transaction_id: 'tx-1',
  status: 'PAID',
  currency: 'VND',
  subtotal_minor: 0,
  discount_minor: 0,
  tax_minor: 0,
  total_minor: 35_000,
  item_count: 4,
  prescription_code: '01234abcdefg-c',
  lines: [
    {
      line_no: 1,
      sku: 'SKU-D1',
      qty: 3,
      unit_price_minor: 5_000,
      discount_minor: 0,
      tax_minor: 0,
      line_total_minor: 15_000,
      lots: [lotA, lotB],
    },
    {
      line_no: 2,
      sku: 'SKU-000007',
      qty: 1,
      unit_price_minor: 20_000,
      discount_minor: 0,
      tax_minor: 0,
      line_total_minor: 20_000,
    },
  ],
  payments: [],
  finalized_at: '2026-12-06T05:00:00.000Z',
};

describe('pharmacy documents in the ledger', () => {
  it('a sale is a hoa_don of its drug lines only (other products left out), with lots and prescription', () => {
    const doc = pharmacyDocumentOf(sale, pharmacy)!;
    expect(doc).toEqual({
      kind: 'pharmacy_document',
      store_id: 's002',
      ma_co_so: 'HCM-0001',
      doc_type: 'hoa_don',
      loai: null,
      local_id: 'tx-1',
      source: 'sale',
      transaction_id: 'tx-1',
      prescription_code: '01234abcdefg-c',
      supplier_id: null,
      reason: null,
      currency: 'VND',
      lines: [
        {
          sku: 'SKU-D1',
          national_drug_code: 'DQG00010231',
          registration_no: 'VD-21134-14',
          qty: 3,
          unit_price_minor: 5_000,
          amount_minor: 15_000,
          lots: [lotA, lotB],
        },
      ],
      qty_total: 3,
      amount_total_minor: 15_000,
    });
  });

  it('no drug lines, a refund without goods back, a stock count: no document', () => {
    expect(pharmacyDocumentOf({ ...sale, lines: [sale.lines[1]!] }, pharmacy)).toBeUndefined();
    const refund: LedgerRecord = {
      kind: 'refund',
      store_id: 's002',
      terminal_id: 'T01',
      transaction_id: 'tx-1',
      refund_id: 'rf-1',
      whole: false,
      amount_minor: 5_000,
      currency: 'VND',
      transaction_status: 'PARTIALLY_REFUNDED',
      restock: false,
      lines: [{ line_no: 1, sku: 'SKU-D1', qty: 1, amount_minor: 5_000 }],
    };
    expect(pharmacyDocumentOf(refund, pharmacy)).toBeUndefined();
    const withGoods = pharmacyDocumentOf(
      { ...refund, restock: true, lines: [{ ...refund.lines[0]!, lots: [{ ...lotA, qty: 1 }] }] },
      pharmacy,
    )!;
    expect(withGoods).toMatchObject({
      doc_type: 'phieu_nhap',
      loai: 2,
      local_id: 'rf-1',
      transaction_id: 'tx-1',
    });
    expect(withGoods.lines[0]).toMatchObject({ qty: 1, unit_price_minor: 5_000, amount_minor: 5_000 });
    expect(
      pharmacyDocumentOf(
        {
          kind: 'stock_count',
          store_id: 's002',
          terminal_id: 'BO1',
          adjustment_id: 'a',
          reason: 'COUNT',
          lines: [],
        },
        pharmacy,
      ),
    ).toBeUndefined();
  });

  it('a delivery is a phieu_nhap type 1 (cost × qty), a write-off a phieu_xuat type 3 without price', () => {
    const receipt = pharmacyDocumentOf(
      {
        kind: 'goods_receipt',
        store_id: 's002',
        terminal_id: 'BO1',
        receipt_id: 'gr-1',
        supplier_id: 'SUP-003',
        currency: 'VND',
        total_cost_minor: 1,
        lines: [
          { sku: 'SKU-D2', qty: 24, unit_cost_minor: 3_500, lots: [{ ...lotA, qty: 24 }] },
          { sku: 'SKU-000009', qty: 12, unit_cost_minor: 1_000 },
        ],
      },
      pharmacy,
    )!;
    expect(receipt).toMatchObject({
      doc_type: 'phieu_nhap',
      loai: 1,
      local_id: 'gr-1',
      supplier_id: 'SUP-003',
    });
    expect(receipt.lines.map((l) => [l.sku, l.qty, l.amount_minor])).toEqual([['SKU-D2', 24, 84_000]]);
    const writeOff = pharmacyDocumentOf(
      {
        kind: 'write_off',
        store_id: 's002',
        terminal_id: 'BO1',
        adjustment_id: 'adj-1',
        reason: 'EXPIRY',
        currency: 'VND',
        lines: [{ sku: 'SKU-D1', qty: 2, on_hand_after: 10, lots: [lotA] }],
      },
      pharmacy,
    )!;
    expect(writeOff).toMatchObject({
      doc_type: 'phieu_xuat',
      loai: 3,
      local_id: 'adj-1',
      reason: 'EXPIRY',
      qty_total: 2,
      amount_total_minor: 0,
    });
  });

  it('folds a ledger: a paid void voids its hoa_don; an abandoned basket has none; duplicates are problems', () => {
    const doc = pharmacyDocumentOf(sale, pharmacy)!;
    const other = { ...doc, local_id: 'tx-2', transaction_id: 'tx-2' };
    const voidOf = (tx: string, paid: boolean): LedgerRecord => ({
      kind: 'void',
      store_id: 's002',
      terminal_id: 'T01',
      transaction_id: tx,
      was_paid: paid,
      total_minor: 1,
      currency: 'VND',
      reason: 'x',
    });
    const records: LedgerRecord[] = [sale, doc, other, voidOf('tx-2', true), voidOf('tx-3', false)];
    const at = new Date('2026-12-06T05:00:00Z');
    const entries = parseLedger(records.map((r, i) => ledgerLine(r, i + 1, at)).join(''));
    const { documents, problems } = pharmacyDocuments(entries);
    expect(problems).toEqual([]);
    expect(documents.map((d) => [d.local_id, d.voided, d.seq])).toEqual([
      ['tx-1', false, 2],
      ['tx-2', true, 3],
    ]);
    expect(pharmacyDocuments([...entries, { ...entries[1]!, seq: 6 }]).problems).toEqual([
      'pharmacy document hoa_don:s002:tx-1 recorded twice',
    ]);
  });
});
