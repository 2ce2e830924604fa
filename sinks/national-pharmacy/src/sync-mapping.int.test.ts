import { metricValue, waitFor } from '@retail-stream/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountsFor, SyncTestBed } from '../test/harness.ts';
import { lot, PharmacyEvents, SNACK_SKU, TEST_DRUGS } from '../test/pharmacy-events.ts';

// Hanoi 2026-03-02 06:30 local (23:30 UTC the day before): the documents' day is the store's.
const AT = Date.parse('2026-03-01T23:30:00Z');
const [A, NOCRED] = ['CS-MAP-A', 'CS-MAP-NOCRED'];
const bed = new SyncTestBed(accountsFor([A, NOCRED]), accountsFor([A]));
const pharmacy = new PharmacyEvents({ storeId: 'S-MAP-1', maCoSo: A }, () => AT);
const noCred = new PharmacyEvents({ storeId: 'S-MAP-2', maCoSo: NOCRED }, () => AT);
const shop = new PharmacyEvents({ storeId: 'S-MAP-3', maCoSo: null }, () => AT);
const unknownDrug = new PharmacyEvents({ storeId: 'S-MAP-1', maCoSo: A }, () => AT, {
  ...TEST_DRUGS,
  'MED-AMOX': { ...TEST_DRUGS['MED-AMOX']!, national_drug_code: 'VD-NOT-LISTED' },
});

beforeAll(async () => {
  await bed.setup();
}, 120_000);
afterAll(() => bed.teardown(), 60_000);

describe('national pharmacy sync: each mapping at the authority, voids, bad input', () => {
  const sale = pharmacy.sale(
    [
      [
        'MED-PARA',
        3,
        1001,
        [lot('P1', 2, '2025-01-15', '2026-06-30'), lot('P2', 1, '2025-02-01', '2027-01-31')],
        2,
      ],
      [SNACK_SKU, 2, 15000],
      ['MED-AMOX', 1, 85000, [lot('A1', 1)]],
    ],
    { prescription: 'DT-777' },
  );
  const snacksOnly = pharmacy.sale([[SNACK_SKU, 1, 15000]]);
  const receipt = pharmacy.receipt([
    ['MED-PARA', 100, 700, [lot('P9', 60), lot('P10', 40, '2025-03-01', '2028-03-01')]],
  ]);
  const refund = pharmacy.refund(sale, [[1, 2, 2000, [lot('P1', 2, '2025-01-15', '2026-06-30')]]]);
  const expiry = pharmacy.writeOff('EXPIRY', [['MED-AMOX', [lot('A0', 4, '2024-01-01', '2026-02-28')]]]);
  const count = pharmacy.writeOff('COUNT', [['MED-PARA', [lot('P1', 1)]]]);
  const voidedBefore = pharmacy.sale([['MED-PARA', 1, 1000, [lot('P1', 1)]]]);
  const voidedAfter = pharmacy.sale([['MED-PARA', 2, 1000, [lot('P2', 2)]]]);
  const badDrug = unknownDrug.sale([['MED-AMOX', 1, 85000, [lot('A1', 1)]]]);
  const waiting = noCred.sale([['MED-PARA', 1, 1000, [lot('P1', 1)]]]);
  const notPharmacy = shop.sale([['MED-PARA', 1, 1000, [lot('P1', 1)]]]);

  it('cancels a sale voided before it was sent: never sent', async () => {
    // No sale workers: the hoa_don stays pending until its void arrives.
    const sync = await bed.startInProcess({ NATIONAL_SYNC_SALE_CONCURRENCY: '0' });
    await bed.produce([voidedBefore, pharmacy.void(voidedBefore)]);
    await bed.caughtUp();
    await sync.stop();
    const [doc] = await bed.documents('local_id = $1', [voidedBefore.transaction_id]);
    expect(doc).toMatchObject({ status: 'CANCELLED', attempts: 0, op: 'CREATE' });
    expect(doc!.last_error).toMatch(/voided before it was sent/);
  }, 120_000);

  it('sends every document once, field by field; voids a sent sale; refuses an unknown drug alone; waits without credentials', async () => {
    // A document pending longer than 300 ms is overdue: the one without credentials will be.
    const sync = await bed.startInProcess({ NATIONAL_SYNC_PENDING_ALERT_MS: '300' });
    await bed.produce([
      sale,
      snacksOnly,
      receipt,
      refund,
      expiry,
      count,
      voidedAfter,
      badDrug,
      waiting,
      notPharmacy,
    ]);
    await waitFor(
      async () =>
        (await bed.documents('local_id = $1', [voidedAfter.transaction_id]))[0]?.status === 'SYNC_SUCCESS',
      {
        what: 'the sale to void is sent',
      },
    );
    await bed.produce([pharmacy.void(voidedAfter)]);
    const docs = await waitFor(
      async () => {
        const all = await bed.documents();
        const open = all.filter((d) => d.status === 'PENDING_SYNC' || d.status === 'IN_FLIGHT');
        return all.length === 9 && open.length === 1 && open[0]!.ma_co_so === NOCRED ? all : null;
      },
      { timeoutMs: 60_000, what: 'all but the waiting document final' },
    );

    // hoa_don: drug lines only, one line per lot, thanh_tien split by lot, the store's day.
    const hd = bed.mock.document('hoa_don', A, sale.transaction_id)!;
    expect(hd.body).toEqual({
      ma_hoa_don: sale.transaction_id,
      ma_co_so: A,
      ma_don_thuoc_quoc_gia: 'DT-777',
      ngay_ban: '20260302',
      ho_ten_nguoi_ban: 'c101',
      ho_ten_khach_hang: 'Khách lẻ',
      hoa_don_chi_tiet: [
        {
          ma_thuoc: 'VD-PARA-500',
          ten_thuoc: 'Paracetamol 500mg',
          so_lo: 'P1',
          ngay_san_xuat: '20250115',
          han_dung: '20260630',
          don_vi_tinh: 'Viên',
          ham_luong: '500mg',
          duong_dung: 'Uống',
          lieu_dung: '1 viên x 3 lần/ngày',
          so_dang_ky: 'VD-12345-20',
          so_luong: 2,
          don_gia: 1001,
          thanh_tien: 2001,
          ty_le_quy_doi: 1,
        },
        {
          ma_thuoc: 'VD-PARA-500',
          ten_thuoc: 'Paracetamol 500mg',
          so_lo: 'P2',
          ngay_san_xuat: '20250201',
          han_dung: '20270131',
          don_vi_tinh: 'Viên',
          ham_luong: '500mg',
          duong_dung: 'Uống',
          lieu_dung: '1 viên x 3 lần/ngày',
          so_dang_ky: 'VD-12345-20',
          so_luong: 1,
          don_gia: 1001,
          thanh_tien: 1000,
          ty_le_quy_doi: 1,
        },
        {
          ma_thuoc: 'VD-AMOX-250',
          ten_thuoc: 'Amoxicillin 250mg',
          so_lo: 'A1',
          ngay_san_xuat: '20250115',
          han_dung: '20270131',
          don_vi_tinh: 'Hộp',
          ham_luong: '',
          duong_dung: '',
          lieu_dung: '',
          so_dang_ky: 'VD-67890-21',
          so_luong: 1,
          don_gia: 85000,
          thanh_tien: 85000,
          ty_le_quy_doi: 10,
        },
      ],
    });
    const hdRow = docs.find((d) => d.local_id === sale.transaction_id)!;
    expect(hdRow).toMatchObject({
      status: 'SYNC_SUCCESS',
      national_id: hd.national_id,
      total_amount: String(3001 + 85000),
    });

    // phieu_nhap loai 1 (supplier), loai 2 (customer return); phieu_xuat loai 3 (expiry).
    expect(bed.mock.document('phieu_nhap', A, receipt.receipt_id)!.body).toEqual({
      ma_phieu: receipt.receipt_id,
      ma_co_so: A,
      ngay_nhap: '20260302',
      loai_phieu_nhap: 1,
      ghi_chu: '',
      ten_co_so_cung_cap: 'SUP-PHARMA-1',
      chi_tiet: [
        {
          ma_thuoc: 'VD-PARA-500',
          ten_thuoc: 'MED-PARA',
          so_lo: 'P9',
          ngay_san_xuat: '20250115',
          han_dung: '20270131',
          so_dklh: 'VD-12345-20',
          so_luong: 60,
          don_gia: 700,
          don_vi_tinh: 'Viên',
        },
        {
          ma_thuoc: 'VD-PARA-500',
          ten_thuoc: 'MED-PARA',
          so_lo: 'P10',
          ngay_san_xuat: '20250301',
          han_dung: '20280301',
          so_dklh: 'VD-12345-20',
          so_luong: 40,
          don_gia: 700,
          don_vi_tinh: 'Viên',
        },
      ],
    });
    expect(bed.mock.document('phieu_nhap', A, refund.refund_id)!.body).toEqual({
      ma_phieu: refund.refund_id,
      ma_co_so: A,
      ngay_nhap: '20260302',
      loai_phieu_nhap: 2,
      ghi_chu: 'wrong item',
      ten_co_so_cung_cap: 'Khách hàng trả lại',
      chi_tiet: [
        {
          ma_thuoc: 'VD-PARA-500',
          ten_thuoc: 'MED-PARA',
          so_lo: 'P1',
          ngay_san_xuat: '20250115',
          han_dung: '20260630',
          so_dklh: 'VD-12345-20',
          so_luong: 2,
          don_gia: 1000,
          don_vi_tinh: 'Viên',
        },
      ],
    });
    expect(bed.mock.document('phieu_xuat', A, expiry.adjustment_id)!.body).toEqual({
      ma_phieu: expiry.adjustment_id,
      ma_co_so: A,
      ngay_xuat: '20260302',
      loai_phieu_xuat: 3,
      ghi_chu: 'hết hạn',
      ten_co_so_nhan: '',
      chi_tiet: [
        {
          ma_thuoc: 'VD-AMOX-250',
          ten_thuoc: 'MED-AMOX',
          so_lo: 'A0',
          ngay_san_xuat: '20240101',
          han_dung: '20260228',
          so_dklh: 'VD-67890-21',
          so_luong: 4,
          don_gia: 0,
          don_vi_tinh: 'Hộp',
        },
      ],
    });

    // No document: a snack-only sale, a stock count, a store that is not a pharmacy.
    const ids = docs.map((d) => d.local_id);
    expect(ids).not.toContain(snacksOnly.transaction_id);
    expect(ids).not.toContain(count.adjustment_id);
    expect(ids).not.toContain(notPharmacy.transaction_id);

    // The void after sending: a DELETE after its hoa_don, the invoice voided at the authority.
    const voided = docs.filter((d) => d.local_id === voidedAfter.transaction_id);
    expect(voided.map((d) => [d.op, d.status])).toEqual([
      ['CREATE', 'SYNC_SUCCESS'],
      ['DELETE', 'SYNC_SUCCESS'],
    ]);
    expect(bed.mock.document('hoa_don', A, voidedAfter.transaction_id)).toMatchObject({ deleted: true });
    expect(bed.mock.document('hoa_don', A, voidedBefore.transaction_id)).toBeUndefined();

    // The unknown drug: SYNC_FAILED at once with the authority's words; the others unaffected.
    const bad = docs.find((d) => d.local_id === badDrug.transaction_id)!;
    expect(bad).toMatchObject({ status: 'SYNC_FAILED', attempts: 1 });
    expect(bad.last_error).toContain('VD-NOT-LISTED không có trong danh mục thuốc quốc gia');
    expect(docs.filter((d) => d.status === 'SYNC_SUCCESS')).toHaveLength(6);

    // Without credentials: waiting with the reason, nothing sent for that pharmacy.
    const wait = docs.find((d) => d.local_id === waiting.transaction_id)!;
    expect(wait).toMatchObject({ status: 'PENDING_SYNC', attempts: 0 });
    expect(wait.waiting_reason).toMatch(/^NATIONAL_SYNC_NO_CREDENTIALS/);
    expect(bed.mock.stats().byAccount[NOCRED]).toBeUndefined();
    expect(bed.mock.stats().logins[NOCRED]).toBeUndefined();

    // Exactly once at the authority: no duplicate POST refused, no second version.
    for (const d of bed.mock.documents()) expect([d.duplicate_refusals, d.versions]).toEqual([0, 1]);
    expect(bed.mock.documents({ ma_co_so: A })).toHaveLength(5);

    // Operators see it: the status gauges and the overdue alert (the waiting document).
    const text = await waitFor(
      async () => {
        const t = await sync.metricsText();
        return (metricValue(t, 'retail_national_sync_overdue_documents') ?? 0) >= 1 ? t : null;
      },
      { what: 'the overdue alert' },
    );
    expect(metricValue(text, 'retail_national_sync_documents', 'status="SYNC_SUCCESS",type="hoa_don"')).toBe(
      2,
    );
    expect(metricValue(text, 'retail_national_sync_documents', 'status="PENDING_SYNC",type="hoa_don"')).toBe(
      1,
    );
    expect(metricValue(text, 'retail_national_sync_documents', 'status="SYNC_FAILED",type="hoa_don"')).toBe(
      1,
    );
  }, 120_000);
});
