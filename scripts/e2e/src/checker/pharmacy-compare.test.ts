import type { LedgerEntry } from '@retail-stream/store-simulator';
import { describe, expect, it } from 'vitest';
import {
  compareNationalDocuments,
  expectedNationalDocuments,
  type MockDocument,
} from './pharmacy-compare.ts';

const lot = { lot_no: 'L1', manufactured_on: '2025-01-01', expires_on: '2027-01-01', qty: 2 };
const doc = (over: Record<string, unknown>) =>
  ({
    v: 1,
    seq: 1,
    at: '2026-12-06T00:00:00Z',
    kind: 'pharmacy_document',
    store_id: 's004',
    ma_co_so: 'HCM-0004',
    loai: null,
    source: 'sale',
    transaction_id: null,
    prescription_code: null,
    supplier_id: null,
    reason: null,
    currency: 'VND',
    ...over,
  }) as unknown as LedgerEntry;
const line = (qty: number, unit: number, amount: number) => ({
  sku: 'x',
  national_drug_code: 'VD-1',
  registration_no: 'R',
  qty,
  unit_price_minor: unit,
  amount_minor: amount,
  lots: [lot],
});
const ledger: LedgerEntry[] = [
  doc({
    doc_type: 'hoa_don',
    local_id: 'T1',
    lines: [line(2, 1000, 1900)],
    qty_total: 2,
    amount_total_minor: 1900,
  }),
  doc({
    doc_type: 'hoa_don',
    local_id: 'T2',
    lines: [line(1, 500, 500)],
    qty_total: 1,
    amount_total_minor: 500,
  }),
  doc({
    doc_type: 'hoa_don',
    local_id: 'T3',
    lines: [line(1, 700, 700)],
    qty_total: 1,
    amount_total_minor: 700,
  }),
  doc({
    doc_type: 'phieu_nhap',
    loai: 1,
    local_id: 'GR1',
    lines: [line(10, 300, 3000)],
    qty_total: 10,
    amount_total_minor: 3000,
  }),
  { v: 1, seq: 9, at: '', kind: 'void', transaction_id: 'T2', was_paid: true } as unknown as LedgerEntry,
  { v: 1, seq: 10, at: '', kind: 'void', transaction_id: 'T3', was_paid: true } as unknown as LedgerEntry,
];
const mock = (
  kind: MockDocument['kind'],
  ma: string,
  lines: unknown[],
  over: Partial<MockDocument> = {},
): MockDocument => ({
  kind,
  ma_co_so: 'HCM-0004',
  ma,
  national_id: `N-${ma}`,
  body: { [kind === 'hoa_don' ? 'hoa_don_chi_tiet' : 'chi_tiet']: lines },
  versions: 1,
  deleted: false,
  duplicate_refusals: 0,
  ...over,
});

describe('national documents check', () => {
  const expected = expectedNationalDocuments(ledger);
  it('clean: totals match, a voided sale deleted or never sent', () => {
    const row = compareNationalDocuments(expected, [
      mock('hoa_don', 'T1', [
        { so_luong: 1, don_gia: 1000, thanh_tien: 950 },
        { so_luong: 1, don_gia: 1000, thanh_tien: 950 },
      ]),
      mock('hoa_don', 'T2', [{ so_luong: 1, don_gia: 500, thanh_tien: 500 }], { deleted: true }),
      mock('phieu_nhap', 'GR1', [{ so_luong: 10, don_gia: 300 }]),
    ]);
    expect([row.missing, row.duplicated, row.wrong]).toEqual([0, 0, 0]);
  });
  it('finds a missing document, a duplicate POST refused, a voided one still live, wrong totals', () => {
    const row = compareNationalDocuments(expected, [
      mock('hoa_don', 'T1', [{ so_luong: 2, don_gia: 1000, thanh_tien: 2000 }]),
      mock('hoa_don', 'T2', [{ so_luong: 1, don_gia: 500, thanh_tien: 500 }]),
      mock('hoa_don', 'T3', [{ so_luong: 1, don_gia: 700, thanh_tien: 700 }], {
        deleted: true,
        duplicate_refusals: 1,
      }),
    ]);
    expect(row.missing).toBe(1); // GR1
    expect(row.wrong).toBe(3); // T1 amount, T2 not deleted, T3 refused as duplicate
  });
});
