import type { Enrichment, SaleRecorded } from '../generated/events.ts';

/**
 * A medicine sale as the ingest processor writes it on retail.events.enriched: every nested named
 * type of the catalogue's deepest record is set (SaleLine → LotQuantity, StockChange → LotQuantity,
 * Enrichment → ProductRef → DrugInfo), so a decoder that cannot resolve one of them fails on it.
 */
export function enrichedSaleFixture(over: Partial<SaleRecorded> = {}): SaleRecorded {
  const lot = { lot_no: 'L-2026-07', manufactured_on: 20_400, expires_on: 21_200, quantity: 2 };
  const enrichment: Enrichment = {
    store_known: true,
    store_name: 'Nhà thuốc Quận 1',
    region: 'HCM',
    timezone: 'Asia/Ho_Chi_Minh',
    pharmacy_code: 'HCM-PH-0001',
    ingested_at: 1_763_769_601_234,
    products: [
      {
        sku: 'SKU-PARA500',
        known: true,
        category: 'Medicine',
        brand: 'Panadol',
        drug: {
          national_drug_code: 'VN-12345-67',
          registration_no: 'VD-0001-23',
          unit: 'Viên',
          strength: '500mg',
          route: 'oral',
          dosage: '1 viên x 3 lần/ngày',
          conversion_ratio: 10,
        },
      },
    ],
  };
  return {
    event_id: '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
    event_type: 'SaleRecorded',
    store_id: 'HCM-001',
    terminal_id: 't1',
    cashier_id: 'c101',
    store_seq: 42,
    occurred_at: 1_763_769_600_000,
    trace_id: '4bf92f3577b34da6a3ce929d0e0e4736',
    transaction_id: 'tx-42',
    currency: 'VND',
    subtotal_minor: 30_000,
    discount_minor: 0,
    tax_minor: 1_429,
    total_minor: 30_000,
    item_count: 2,
    customer_ref: null,
    prescription_code: 'RX-000123',
    lines: [
      {
        line_no: 1,
        sku: 'SKU-PARA500',
        barcode: '8930000000500',
        product_name: 'Paracetamol 500mg',
        category: 'Medicine',
        quantity: 2,
        unit_price_minor: 15_000,
        discount_minor: 0,
        tax_rate_bp: 500,
        tax_minor: 1_429,
        line_total_minor: 30_000,
        lots: [lot],
      },
    ],
    stock: [{ sku: 'SKU-PARA500', delta: -2, on_hand_after: 98, lots: [lot] }],
    enrichment,
    ...over,
  };
}
