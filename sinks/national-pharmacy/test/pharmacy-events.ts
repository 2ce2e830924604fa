import crypto from 'node:crypto';
import type {
  DrugInfo,
  Enrichment,
  GoodsReceived,
  InventoryAdjusted,
  LotQuantity,
  SaleLine,
  SaleRecorded,
  SaleRefunded,
  SaleVoided,
  StoreEvent,
} from '@retail-stream/schemas';
import { uuidv7 } from '@retail-stream/schemas/testing';

/** Two medicines and a snack: what the tests' pharmacy sells. */
export const TEST_DRUGS: Record<string, DrugInfo> = {
  'MED-PARA': {
    national_drug_code: 'VD-PARA-500',
    registration_no: 'VD-12345-20',
    unit: 'Viên',
    strength: '500mg',
    route: 'Uống',
    dosage: '1 viên x 3 lần/ngày',
    conversion_ratio: 1,
  },
  'MED-AMOX': {
    national_drug_code: 'VD-AMOX-250',
    registration_no: 'VD-67890-21',
    unit: 'Hộp',
    strength: null,
    route: null,
    dosage: null,
    conversion_ratio: 10,
  },
};
export const SNACK_SKU = 'SNACK-1';
export const NAMES: Record<string, string> = {
  'MED-PARA': 'Paracetamol 500mg',
  'MED-AMOX': 'Amoxicillin 250mg',
  [SNACK_SKU]: 'Bánh quy',
};

/** 2026-03-01 and so on, as days since the epoch. */
export const day = (iso: string): number => Math.round(Date.parse(`${iso}T00:00:00Z`) / 86_400_000);

export interface PharmacyStore {
  storeId: string;
  maCoSo: string | null;
  timezone?: string;
}

/**
 * Enriched store events of a pharmacy (as ingest writes them to retail.events.enriched), with
 * explicit lots, so each mapping can be checked field by field.
 */
export class PharmacyEvents {
  private seq = 1;
  constructor(
    readonly store: PharmacyStore,
    private readonly clock: () => number = Date.now,
    /** Drug data as the reference topic has it (tests drop one to make an unknown code). */
    readonly drugs: Record<string, DrugInfo> = TEST_DRUGS,
  ) {}

  private enrichment(skus: string[]): Enrichment {
    return {
      store_known: true,
      store_name: `Pharmacy ${this.store.storeId}`,
      region: 'HN',
      timezone: this.store.timezone ?? 'Asia/Ho_Chi_Minh',
      products: [...new Set(skus)].map((sku) => ({
        sku,
        known: true,
        category: sku.startsWith('MED') ? 'medicine' : 'snacks',
        brand: null,
        drug: this.drugs[sku] ?? null,
      })),
      ingested_at: this.clock(),
      pharmacy_code: this.store.maCoSo,
    };
  }

  private envelope<T extends StoreEvent['event_type']>(type: T, at?: number) {
    return {
      event_id: uuidv7(),
      event_type: type,
      store_id: this.store.storeId,
      terminal_id: 't1',
      cashier_id: 'c101',
      store_seq: this.seq++,
      occurred_at: at ?? this.clock(),
      trace_id: crypto.randomBytes(16).toString('hex'),
    };
  }

  /** lines: [sku, quantity, unit price, lots (quantities summing to quantity), discount] */
  sale(
    lines: [sku: string, qty: number, price: number, lots?: LotQuantity[], discount?: number][],
    opts: { at?: number; prescription?: string | null; customer?: string | null } = {},
  ): SaleRecorded {
    const saleLines: SaleLine[] = lines.map(([sku, quantity, price, lots = [], discount = 0], i) => ({
      line_no: i + 1,
      sku,
      barcode: '8930000000000',
      product_name: NAMES[sku] ?? sku,
      category: sku.startsWith('MED') ? 'medicine' : 'snacks',
      quantity,
      unit_price_minor: price,
      discount_minor: discount,
      tax_rate_bp: 500,
      tax_minor: 0,
      line_total_minor: quantity * price - discount,
      lots,
    }));
    const sum = (f: (l: SaleLine) => number) => saleLines.reduce((s, l) => s + f(l), 0);
    return {
      ...this.envelope('SaleRecorded', opts.at),
      transaction_id: uuidv7(),
      currency: 'VND',
      subtotal_minor: sum((l) => l.unit_price_minor * l.quantity),
      discount_minor: sum((l) => l.discount_minor),
      tax_minor: 0,
      total_minor: sum((l) => l.line_total_minor),
      item_count: sum((l) => l.quantity),
      customer_ref: opts.customer ?? null,
      prescription_code: opts.prescription ?? null,
      lines: saleLines,
      stock: saleLines.map((l) => ({ sku: l.sku, delta: -l.quantity, on_hand_after: 100, lots: [] })),
      enrichment: this.enrichment(saleLines.map((l) => l.sku)),
    };
  }

  void(sale: SaleRecorded): SaleVoided {
    return {
      ...this.envelope('SaleVoided'),
      transaction_id: sale.transaction_id,
      reason: 'customer changed mind',
      was_paid: true,
      total_minor: sale.total_minor,
      currency: sale.currency,
      stock: sale.stock.map((s) => ({ ...s, delta: -s.delta })),
      enrichment: this.enrichment(sale.lines.map((l) => l.sku)),
    } as SaleVoided;
  }

  receipt(lines: [sku: string, qty: number, cost: number, lots?: LotQuantity[]][]): GoodsReceived {
    const receiptLines = lines.map(([sku, quantity, unit_cost_minor, lots = []]) => ({
      sku,
      quantity,
      unit_cost_minor,
      lots,
    }));
    return {
      ...this.envelope('GoodsReceived'),
      receipt_id: `GR-${uuidv7()}`,
      supplier_id: 'SUP-PHARMA-1',
      currency: 'VND',
      total_cost_minor: receiptLines.reduce((s, l) => s + l.quantity * l.unit_cost_minor, 0),
      lines: receiptLines,
      stock: receiptLines.map((l) => ({ sku: l.sku, delta: l.quantity, on_hand_after: 200, lots: [] })),
      enrichment: this.enrichment(receiptLines.map((l) => l.sku)),
    };
  }

  refund(
    sale: SaleRecorded,
    lines: [lineNo: number, qty: number, amount: number, lots: LotQuantity[]][],
    restock = true,
  ): SaleRefunded {
    const refundLines = lines.map(([line_no, quantity, amount_minor, lots]) => ({
      line_no,
      sku: sale.lines[line_no - 1]!.sku,
      quantity,
      amount_minor,
      lots,
    }));
    return {
      ...this.envelope('SaleRefunded'),
      transaction_id: sale.transaction_id,
      refund_id: `RF-${uuidv7()}`,
      amount_minor: refundLines.reduce((s, l) => s + l.amount_minor, 0),
      currency: 'VND',
      reason: 'wrong item',
      lines: refundLines,
      stock: restock
        ? refundLines.map((l) => ({ sku: l.sku, delta: l.quantity, on_hand_after: 50, lots: [] }))
        : [],
      enrichment: this.enrichment(refundLines.map((l) => l.sku)),
    };
  }

  writeOff(
    reason: InventoryAdjusted['reason'],
    items: [sku: string, lots: LotQuantity[]][],
  ): InventoryAdjusted {
    return {
      ...this.envelope('InventoryAdjusted'),
      terminal_id: null,
      adjustment_id: `ADJ-${uuidv7()}`,
      reason,
      note: reason === 'EXPIRY' ? 'hết hạn' : null,
      stock: items.map(([sku, lots]) => ({
        sku,
        delta: -lots.reduce((s, l) => s + l.quantity, 0),
        on_hand_after: 0,
        lots,
      })),
      enrichment: this.enrichment(items.map(([sku]) => sku)),
    };
  }
}

export const lot = (
  lot_no: string,
  quantity: number,
  made = '2025-01-15',
  expires = '2027-01-31',
): LotQuantity => ({
  lot_no,
  manufactured_on: day(made),
  expires_on: day(expires),
  quantity,
});
