import type {
  DrugInfo,
  Enrichment,
  GoodsReceived,
  InventoryAdjusted,
  LotQuantity,
  SaleRecorded,
  SaleRefunded,
  SaleVoided,
  StoreEvent,
} from '@retail-stream/schemas';
import {
  flowOf,
  type DocType,
  type Flow,
  type HoaDon,
  type HoaDonChiTiet,
  type NationalDocument,
  type PhieuChiTiet,
  type PhieuNhap,
  type PhieuXuat,
} from './national-documents.ts';
import { dayToYmd, instantToYmd, splitByWeights, toWholeUnits } from './national-formats.ts';

/** A document to record for sending (POST). */
export interface CreatePlan {
  kind: 'create';
  eventId: string;
  docType: DocType;
  flow: Flow;
  storeId: string;
  maCoSo: string;
  localId: string;
  /** The sale's transaction id (hoa_don only): how a later void finds it. */
  sourceRef: string | null;
  payload: NationalDocument;
  totalAmount: number;
  businessDate: string;
  occurredAt: number;
}

/** A sale was voided: cancel its pending hoa_don, or DELETE it at the authority once sent. */
export interface VoidPlan {
  kind: 'void';
  eventId: string;
  storeId: string;
  transactionId: string;
  businessDate: string;
  occurredAt: number;
}

export type DocumentPlan = CreatePlan | VoidPlan;

/** Sold to a walk-in customer: the authority wants a name, the store keeps only a pseudonym. */
export const WALK_IN_CUSTOMER = 'Khách lẻ';
/** The "supplier" of a customer return (phieu_nhap loai 2). */
export const CUSTOMER_RETURN_SOURCE = 'Khách hàng trả lại';

const WRITE_OFF_REASONS = new Set(['EXPIRY', 'DESTRUCTION']);

function drugOf(enrichment: Enrichment, sku: string): DrugInfo | null {
  return enrichment.products.find((p) => p.sku === sku)?.drug ?? null;
}

/** A line without lot data still goes out (once, lot fields empty): the authority judges it. */
function lotsOrWhole(lots: LotQuantity[], quantity: number): (LotQuantity | null)[] {
  return lots.length > 0 ? lots : quantity > 0 ? [null] : [];
}

function lotFields(lot: LotQuantity | null): { so_lo: string; ngay_san_xuat: string; han_dung: string } {
  return lot
    ? { so_lo: lot.lot_no, ngay_san_xuat: dayToYmd(lot.manufactured_on), han_dung: dayToYmd(lot.expires_on) }
    : { so_lo: '', ngay_san_xuat: '', han_dung: '' };
}

function phieuLines(
  items: { sku: string; name: string; quantity: number; lots: LotQuantity[]; unitPrice: number }[],
  enrichment: Enrichment,
): PhieuChiTiet[] {
  const out: PhieuChiTiet[] = [];
  for (const item of items) {
    const drug = drugOf(enrichment, item.sku);
    if (!drug) continue;
    for (const lot of lotsOrWhole(item.lots, item.quantity)) {
      out.push({
        ma_thuoc: drug.national_drug_code,
        ten_thuoc: item.name,
        ...lotFields(lot),
        so_dklh: drug.registration_no,
        so_luong: lot ? lot.quantity : item.quantity,
        don_gia: item.unitPrice,
        don_vi_tinh: drug.unit,
      });
    }
  }
  return out;
}

const phieuTotal = (lines: PhieuChiTiet[]): number => lines.reduce((s, l) => s + l.so_luong * l.don_gia, 0);

function saleDocument(
  e: SaleRecorded,
  enrichment: Enrichment,
  maCoSo: string,
  day: string,
): CreatePlan | null {
  const lines: HoaDonChiTiet[] = [];
  for (const line of e.lines) {
    const drug = drugOf(enrichment, line.sku);
    if (!drug) continue;
    const lots = lotsOrWhole(line.lots, line.quantity);
    const total = toWholeUnits(line.line_total_minor, e.currency);
    const amounts = splitByWeights(
      total,
      lots.map((l) => (l ? l.quantity : line.quantity)),
    );
    lots.forEach((lot, i) => {
      lines.push({
        ma_thuoc: drug.national_drug_code,
        ten_thuoc: line.product_name,
        ...lotFields(lot),
        don_vi_tinh: drug.unit,
        ham_luong: drug.strength ?? '',
        duong_dung: drug.route ?? '',
        lieu_dung: drug.dosage ?? '',
        so_dang_ky: drug.registration_no,
        so_luong: lot ? lot.quantity : line.quantity,
        don_gia: toWholeUnits(line.unit_price_minor, e.currency),
        thanh_tien: amounts[i]!,
        ty_le_quy_doi: drug.conversion_ratio,
      });
    });
  }
  if (lines.length === 0) return null; // snacks only: nothing the authority wants
  const payload: HoaDon = {
    ma_hoa_don: e.transaction_id,
    ma_co_so: maCoSo,
    ma_don_thuoc_quoc_gia: e.prescription_code ?? '',
    ngay_ban: day,
    ho_ten_nguoi_ban: e.cashier_id ?? '',
    ho_ten_khach_hang: e.customer_ref ?? WALK_IN_CUSTOMER,
    hoa_don_chi_tiet: lines,
  };
  return {
    ...base(e, 'hoa_don', maCoSo, e.transaction_id, day),
    sourceRef: e.transaction_id,
    payload,
    totalAmount: lines.reduce((s, l) => s + l.thanh_tien, 0),
  };
}

function receiptDocument(
  e: GoodsReceived,
  enrichment: Enrichment,
  maCoSo: string,
  day: string,
): CreatePlan | null {
  const lines = phieuLines(
    e.lines.map((l) => ({
      sku: l.sku,
      name: l.sku,
      quantity: l.quantity,
      lots: l.lots,
      unitPrice: toWholeUnits(l.unit_cost_minor, e.currency),
    })),
    enrichment,
  );
  if (lines.length === 0) return null;
  const payload: PhieuNhap = {
    ma_phieu: e.receipt_id,
    ma_co_so: maCoSo,
    ngay_nhap: day,
    loai_phieu_nhap: 1,
    ghi_chu: '',
    ten_co_so_cung_cap: e.supplier_id,
    chi_tiet: lines,
  };
  return { ...base(e, 'phieu_nhap', maCoSo, e.receipt_id, day), payload, totalAmount: phieuTotal(lines) };
}

function refundDocument(
  e: SaleRefunded,
  enrichment: Enrichment,
  maCoSo: string,
  day: string,
): CreatePlan | null {
  // Only goods that went back on the shelf come back into the pharmacy's stock: lines with lots.
  const lines = phieuLines(
    e.lines
      .filter((l) => l.lots.length > 0)
      .map((l) => ({
        sku: l.sku,
        name: l.sku,
        quantity: l.quantity,
        lots: l.lots,
        unitPrice: toWholeUnits(Math.round(l.amount_minor / l.quantity), e.currency),
      })),
    enrichment,
  );
  if (lines.length === 0 || e.stock.length === 0) return null;
  const payload: PhieuNhap = {
    ma_phieu: e.refund_id,
    ma_co_so: maCoSo,
    ngay_nhap: day,
    loai_phieu_nhap: 2,
    ghi_chu: e.reason,
    ten_co_so_cung_cap: CUSTOMER_RETURN_SOURCE,
    chi_tiet: lines,
  };
  return { ...base(e, 'phieu_nhap', maCoSo, e.refund_id, day), payload, totalAmount: phieuTotal(lines) };
}

function writeOffDocument(
  e: InventoryAdjusted,
  enrichment: Enrichment,
  maCoSo: string,
  day: string,
): CreatePlan | null {
  if (!WRITE_OFF_REASONS.has(e.reason)) return null;
  const lines = phieuLines(
    e.stock.map((s) => ({
      sku: s.sku,
      name: s.sku,
      quantity: Math.abs(s.delta),
      lots: s.lots,
      unitPrice: 0,
    })),
    enrichment,
  );
  if (lines.length === 0) return null;
  const payload: PhieuXuat = {
    ma_phieu: e.adjustment_id,
    ma_co_so: maCoSo,
    ngay_xuat: day,
    loai_phieu_xuat: 3,
    ghi_chu: e.note ?? e.reason,
    ten_co_so_nhan: '',
    chi_tiet: lines,
  };
  return { ...base(e, 'phieu_xuat', maCoSo, e.adjustment_id, day), payload, totalAmount: phieuTotal(lines) };
}

function base(e: StoreEvent, docType: DocType, maCoSo: string, localId: string, day: string) {
  return {
    kind: 'create' as const,
    eventId: e.event_id,
    docType,
    flow: flowOf(docType, 'CREATE'),
    storeId: e.store_id,
    maCoSo,
    localId,
    sourceRef: null as string | null,
    businessDate: day,
    occurredAt: e.occurred_at,
  };
}

function voidPlan(e: SaleVoided, day: string): VoidPlan {
  return {
    kind: 'void',
    eventId: e.event_id,
    storeId: e.store_id,
    transactionId: e.transaction_id,
    businessDate: day,
    occurredAt: e.occurred_at,
  };
}

/**
 * What an enriched store event means for the authority: a document to send, a void, or nothing
 * (not a pharmacy, no medicine on it, an event type the authority does not know). Pure.
 */
export function documentPlanOf(event: StoreEvent): DocumentPlan | null {
  const enrichment = event.enrichment;
  const maCoSo = enrichment?.pharmacy_code ?? null;
  if (!enrichment || !maCoSo) return null;
  const day = instantToYmd(event.occurred_at, enrichment.timezone);
  switch (event.event_type) {
    case 'SaleRecorded':
      return saleDocument(event, enrichment, maCoSo, day);
    case 'GoodsReceived':
      return receiptDocument(event, enrichment, maCoSo, day);
    case 'SaleRefunded':
      return refundDocument(event, enrichment, maCoSo, day);
    case 'InventoryAdjusted':
      return writeOffDocument(event, enrichment, maCoSo, day);
    case 'SaleVoided':
      return event.was_paid ? voidPlan(event, day) : null;
    default:
      return null;
  }
}
