import { describe, expect, it } from 'vitest';
import { lot, PharmacyEvents, SNACK_SKU } from '../../test/pharmacy-events.ts';
import { documentPlanOf, type CreatePlan } from './document-plans.ts';
import type { HoaDon, PhieuNhap, PhieuXuat } from './national-documents.ts';

// 2026-03-01 23:30 UTC is 2026-03-02 06:30 in Hanoi.
const AT = Date.parse('2026-03-01T23:30:00Z');
const pharmacy = () => new PharmacyEvents({ storeId: 'S-VN-1', maCoSo: 'CS-0001' }, () => AT);

describe('documentPlanOf', () => {
  it('maps a sale to a hoa_don with one line per lot, drug lines only, totals split by lot', () => {
    const ev = pharmacy();
    const sale = ev.sale(
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
      { prescription: 'DT-777', customer: 'hmac-abc' },
    );
    const plan = documentPlanOf(sale) as CreatePlan;
    expect(plan).toMatchObject({ kind: 'create', docType: 'hoa_don', flow: 'sale', maCoSo: 'CS-0001' });
    expect(plan.localId).toBe(sale.transaction_id);
    expect(plan.sourceRef).toBe(sale.transaction_id);
    const doc = plan.payload as HoaDon;
    expect(doc).toMatchObject({
      ma_hoa_don: sale.transaction_id,
      ma_co_so: 'CS-0001',
      ma_don_thuoc_quoc_gia: 'DT-777',
      ngay_ban: '20260302',
      ho_ten_nguoi_ban: 'c101',
      ho_ten_khach_hang: 'hmac-abc',
    });
    expect(doc.hoa_don_chi_tiet).toEqual([
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
        thanh_tien: 2001, // 3001 split 2:1 → 2000.67 / 1000.33: the remainder goes to the larger fraction
        ty_le_quy_doi: 1,
      },
      expect.objectContaining({ so_lo: 'P2', so_luong: 1, thanh_tien: 1000, han_dung: '20270131' }),
      expect.objectContaining({
        ma_thuoc: 'VD-AMOX-250',
        so_lo: 'A1',
        don_vi_tinh: 'Hộp',
        ham_luong: '',
        duong_dung: '',
        lieu_dung: '',
        thanh_tien: 85000,
        ty_le_quy_doi: 10,
      }),
    ]);
    expect(plan.totalAmount).toBe(3001 + 85000);
  });

  it('a walk-in customer and no prescription', () => {
    const doc = (documentPlanOf(pharmacy().sale([['MED-PARA', 1, 500, [lot('P1', 1)]]])) as CreatePlan)
      .payload as HoaDon;
    expect(doc.ho_ten_khach_hang).toBe('Khách lẻ');
    expect(doc.ma_don_thuoc_quoc_gia).toBe('');
  });

  it('no document for a sale without drug lines, or at a store that is not a pharmacy', () => {
    expect(documentPlanOf(pharmacy().sale([[SNACK_SKU, 2, 15000]]))).toBeNull();
    const shop = new PharmacyEvents({ storeId: 'S-2', maCoSo: null });
    expect(documentPlanOf(shop.sale([['MED-PARA', 1, 500, [lot('P1', 1)]]]))).toBeNull();
  });

  it('maps a goods receipt to phieu_nhap loai 1, per lot', () => {
    const ev = pharmacy();
    const gr = ev.receipt([
      ['MED-PARA', 100, 700, [lot('P9', 60), lot('P10', 40, '2025-03-01', '2028-03-01')]],
      [SNACK_SKU, 10, 9000],
    ]);
    const plan = documentPlanOf(gr) as CreatePlan;
    expect(plan).toMatchObject({ docType: 'phieu_nhap', flow: 'import', localId: gr.receipt_id });
    const doc = plan.payload as PhieuNhap;
    expect(doc).toMatchObject({
      ma_phieu: gr.receipt_id,
      ma_co_so: 'CS-0001',
      ngay_nhap: '20260302',
      loai_phieu_nhap: 1,
      ten_co_so_cung_cap: 'SUP-PHARMA-1',
    });
    expect(doc.chi_tiet).toEqual([
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
      expect.objectContaining({
        so_lo: 'P10',
        so_luong: 40,
        ngay_san_xuat: '20250301',
        han_dung: '20280301',
      }),
    ]);
    expect(plan.totalAmount).toBe(70_000);
  });

  it('maps a refund with goods back on the shelf to phieu_nhap loai 2; none without restock', () => {
    const ev = pharmacy();
    const sale = ev.sale([
      ['MED-PARA', 3, 1000, [lot('P1', 3)]],
      [SNACK_SKU, 1, 5000],
    ]);
    const refund = ev.refund(sale, [[1, 2, 2000, [lot('P1', 2)]]]);
    const plan = documentPlanOf(refund) as CreatePlan;
    expect(plan).toMatchObject({ docType: 'phieu_nhap', localId: refund.refund_id });
    expect(plan.payload).toMatchObject({
      loai_phieu_nhap: 2,
      ghi_chu: 'wrong item',
      ten_co_so_cung_cap: 'Khách hàng trả lại',
      chi_tiet: [expect.objectContaining({ so_lo: 'P1', so_luong: 2, don_gia: 1000 })],
    });
    expect(documentPlanOf(ev.refund(sale, [[1, 1, 1000, []]], false))).toBeNull();
  });

  it('maps an EXPIRY or DESTRUCTION write-off to phieu_xuat loai 3, other adjustments to nothing', () => {
    const ev = pharmacy();
    const adj = ev.writeOff('EXPIRY', [['MED-AMOX', [lot('A0', 4, '2024-01-01', '2026-02-28')]]]);
    const plan = documentPlanOf(adj) as CreatePlan;
    expect(plan).toMatchObject({ docType: 'phieu_xuat', flow: 'cancellation', localId: adj.adjustment_id });
    expect(plan.payload as PhieuXuat).toMatchObject({
      ma_phieu: adj.adjustment_id,
      ngay_xuat: '20260302',
      loai_phieu_xuat: 3,
      ghi_chu: 'hết hạn',
      chi_tiet: [
        expect.objectContaining({ ma_thuoc: 'VD-AMOX-250', so_lo: 'A0', so_luong: 4, han_dung: '20260228' }),
      ],
    });
    expect(documentPlanOf(ev.writeOff('DESTRUCTION', [['MED-PARA', [lot('P1', 1)]]]))).toMatchObject({
      docType: 'phieu_xuat',
    });
    expect(documentPlanOf(ev.writeOff('COUNT', [['MED-PARA', [lot('P1', 1)]]]))).toBeNull();
  });

  it('maps a void of a paid sale to a void plan', () => {
    const ev = pharmacy();
    const sale = ev.sale([['MED-PARA', 1, 500, [lot('P1', 1)]]]);
    expect(documentPlanOf(ev.void(sale))).toMatchObject({
      kind: 'void',
      transactionId: sale.transaction_id,
      storeId: 'S-VN-1',
    });
    expect(documentPlanOf({ ...ev.void(sale), was_paid: false })).toBeNull();
  });
});
