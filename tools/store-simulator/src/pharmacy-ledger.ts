import type { LedgerEntry, LedgerLot, LedgerRecord } from './ledger.ts';

/**
 * What the national pharmacy sync must deliver, as the simulator's ledger states it. For every
 * operation of a pharmacy store that carries drug lines the simulator writes, right after the
 * operation's own record, one `pharmacy_document` record: the document the authority should end up
 * holding (README "Ledger" → "Pharmacy documents"). A paid sale voided later is the `void` record
 * of its transaction; `pharmacyDocuments()` folds the ledger into each document's final state.
 */

/** The national drug list's identity of a product: all the simulator needs to know about a drug. */
export interface DrugRef {
  national_drug_code: string;
  registration_no: string;
}

/** A pharmacy store as the simulator drives it: its national code and which SKUs are drugs. */
export interface PharmacyStore {
  ma_co_so: string;
  drugs: ReadonlyMap<string, DrugRef>;
}

export type PharmacyDocType = 'hoa_don' | 'phieu_nhap' | 'phieu_xuat';

export interface PharmacyDocLine {
  sku: string;
  national_drug_code: string;
  registration_no: string;
  qty: number;
  /** Sale: shelf price; receipt: supplier cost; refund: amount ÷ qty (rounded); write-off: 0 (the event carries no price). */
  unit_price_minor: number;
  /** Sale: the line total; receipt: qty × cost; refund: the amount refunded; write-off: 0. */
  amount_minor: number;
  /** The lots the units came from / went to; quantities sum to qty. */
  lots: LedgerLot[];
}

export interface PharmacyDocumentRecord {
  kind: 'pharmacy_document';
  store_id: string;
  ma_co_so: string;
  doc_type: PharmacyDocType;
  /** phieu_nhap: 1 from a supplier, 2 customer return; phieu_xuat: 3 destruction (EXPIRY or DESTRUCTION); hoa_don: null. */
  loai: 1 | 2 | 3 | null;
  /** The store's id of what the document reports: transaction, goods receipt, refund or adjustment id. */
  local_id: string;
  /** The ledger record the document comes from. */
  source: 'sale' | 'goods_receipt' | 'refund' | 'write_off';
  /** hoa_don: the sale itself; phieu_nhap 2: the sale refunded; otherwise null. */
  transaction_id: string | null;
  prescription_code: string | null;
  supplier_id: string | null;
  /** write_off only: EXPIRY or DESTRUCTION. */
  reason: string | null;
  currency: string;
  /** Drug lines only (other products of a mixed store are never reported). */
  lines: PharmacyDocLine[];
  qty_total: number;
  amount_total_minor: number;
}

/** The document an operation of a pharmacy store yields, or undefined (no drug lines, no goods back, not a document). */
export function pharmacyDocumentOf(
  record: LedgerRecord,
  pharmacy: PharmacyStore,
): PharmacyDocumentRecord | undefined {
  const drug = (sku: string) => pharmacy.drugs.get(sku);
  const line = (sku: string, qty: number, unit: number, amount: number, lots: LedgerLot[] | undefined) => {
    const d = drug(sku)!;
    return {
      sku,
      national_drug_code: d.national_drug_code,
      registration_no: d.registration_no,
      qty,
      unit_price_minor: unit,
      amount_minor: amount,
      lots: lots ?? [],
    };
  };
  const base = { kind: 'pharmacy_document' as const, ma_co_so: pharmacy.ma_co_so };
  let doc: Omit<PharmacyDocumentRecord, 'qty_total' | 'amount_total_minor'> | undefined;
  switch (record.kind) {
    case 'sale':
      doc = {
        ...base,
        store_id: record.store_id,
        doc_type: 'hoa_don',
        loai: null,
        local_id: record.transaction_id,
        source: 'sale',
        transaction_id: record.transaction_id,
        prescription_code: record.prescription_code ?? null,
        supplier_id: null,
        reason: null,
        currency: record.currency,
        lines: record.lines
          .filter((l) => drug(l.sku))
          .map((l) => line(l.sku, l.qty, l.unit_price_minor, l.line_total_minor, l.lots)),
      };
      break;
    case 'goods_receipt':
      doc = {
        ...base,
        store_id: record.store_id,
        doc_type: 'phieu_nhap',
        loai: 1,
        local_id: record.receipt_id,
        source: 'goods_receipt',
        transaction_id: null,
        prescription_code: null,
        supplier_id: record.supplier_id,
        reason: null,
        currency: record.currency,
        lines: record.lines
          .filter((l) => drug(l.sku))
          .map((l) => line(l.sku, l.qty, l.unit_cost_minor, l.qty * l.unit_cost_minor, l.lots)),
      };
      break;
    case 'refund':
      // Only goods that come back into stock are an import (customer return); money alone is not.
      if (!record.restock) return undefined;
      doc = {
        ...base,
        store_id: record.store_id,
        doc_type: 'phieu_nhap',
        loai: 2,
        local_id: record.refund_id,
        source: 'refund',
        transaction_id: record.transaction_id,
        prescription_code: null,
        supplier_id: null,
        reason: null,
        currency: record.currency,
        lines: record.lines
          .filter((l) => drug(l.sku))
          .map((l) => line(l.sku, l.qty, Math.round(l.amount_minor / l.qty), l.amount_minor, l.lots)),
      };
      break;
    case 'write_off':
      doc = {
        ...base,
        store_id: record.store_id,
        doc_type: 'phieu_xuat',
        loai: 3,
        local_id: record.adjustment_id,
        source: 'write_off',
        transaction_id: null,
        prescription_code: null,
        supplier_id: null,
        reason: record.reason,
        currency: record.currency,
        lines: record.lines.filter((l) => drug(l.sku)).map((l) => line(l.sku, l.qty, 0, 0, l.lots)),
      };
      break;
    default:
      return undefined;
  }
  if (doc.lines.length === 0) return undefined;
  return {
    ...doc,
    qty_total: doc.lines.reduce((n, l) => n + l.qty, 0),
    amount_total_minor: doc.lines.reduce((n, l) => n + l.amount_minor, 0),
  };
}

/** A document with its final state: `voided` when its sale was voided after payment. */
export type PharmacyDocument = PharmacyDocumentRecord & { voided: boolean; seq: number };

/**
 * Every pharmacy document of a ledger in ledger order, each with `voided` (a later paid `void` of
 * the same transaction voids its hoa_don: the authority must have it deleted, or never received it).
 * Keyed by `${doc_type}:${store_id}:${local_id}`; a key seen twice is reported in `problems`.
 */
export function pharmacyDocuments(entries: readonly LedgerEntry[]): {
  documents: PharmacyDocument[];
  problems: string[];
} {
  const byKey = new Map<string, PharmacyDocument>();
  const saleDocs = new Map<string, PharmacyDocument>();
  const problems: string[] = [];
  for (const e of entries) {
    if (e.kind === 'pharmacy_document') {
      const key = `${e.doc_type}:${e.store_id}:${e.local_id}`;
      if (byKey.has(key)) problems.push(`pharmacy document ${key} recorded twice`);
      const { v: _v, at: _at, ...doc } = e;
      const out: PharmacyDocument = { ...doc, voided: false };
      byKey.set(key, out);
      if (e.doc_type === 'hoa_don') saleDocs.set(e.local_id, out);
    } else if (e.kind === 'void' && e.was_paid) {
      const doc = saleDocs.get(e.transaction_id);
      if (doc) doc.voided = true;
    }
  }
  return { documents: [...byKey.values()], problems };
}
