import { errorCode } from '@retail-stream/runtime';
import type { CatalogueItem, ZipfSampler } from './basket.ts';
import type { LedgerRecord } from './ledger.ts';
import { ledgerLots } from './pharmacy-lots.ts';
import { deliveryLots, type LotPlan, type PharmacyBehaviour, type RankedItems } from './pharmacy-plan.ts';
import type { SimStats } from './sim-stats.ts';
import { expectStatus, type Json, type StoreClient } from './store-client.ts';

export interface BackOfficeContext {
  storeId: string;
  terminalId: string;
  staffId: string;
  client: StoreClient;
  random: () => number;
  /** The lots of delivered medicines: a stream of its own, so other draws do not depend on them. */
  lotRandom: () => number;
  ranked: readonly CatalogueItem[];
  sampler: ZipfSampler;
  record: (r: LedgerRecord) => void;
  stats: SimStats;
  /** Pharmacy stores only: drug deliveries with lots (and write-offs, pharmacy-write-off.ts). */
  pharmacy?: { drugs: RankedItems; others: RankedItems; behaviour: PharmacyBehaviour };
}

/** The store's back office: deliveries (restocking what sells) and stock counts of low items. */
export class BackOffice {
  constructor(readonly ctx: BackOfficeContext) {}

  /**
   * A delivery of popular SKUs at 70% of shelf price. At a pharmacy most deliveries are medicines
   * from a drug wholesaler: the drugs lowest in stock (what a pharmacist reorders), each line with
   * its lots (lot number, manufacture and expiry dates); the others restock its other products.
   * Medicines delivered anywhere come with lots (the store edge requires them), drawn from their own
   * stream so an ordinary store's deliveries are the same as before lots existed.
   */
  async goodsReceipt(): Promise<void> {
    const { ctx } = this;
    const { random, pharmacy } = ctx;
    try {
      const drugDelivery = pharmacy !== undefined && random() < pharmacy.behaviour.drugReceiptRate;
      const items = drugDelivery
        ? await this.lowestStockDrugs(2 + Math.floor(random() * 4))
        : this.popular(
            pharmacy ? pharmacy.others : { ranked: ctx.ranked, sampler: ctx.sampler },
            3 + Math.floor(random() * 8),
          );
      if (items.length === 0) return;
      const supplier = `SUP-${String(1 + Math.floor(random() * 20)).padStart(3, '0')}`;
      const today = new Date().toISOString().slice(0, 10);
      const lines: { sku: string; quantity: number; unit_cost_minor: number; lots?: LotPlan[] }[] = [];
      for (const item of items) {
        const quantity = drugDelivery
          ? 10 * (3 + Math.floor(random() * 10))
          : 12 * (1 + Math.floor(random() * 8));
        // The supplier's price is below the shelf price; the shelf price comes from the store's catalogue.
        const product = expectStatus(
          'catalogue lookup',
          await ctx.client.get(`/v1/catalog/barcodes/${item.barcode}`),
          200,
        );
        const lots = product.drug ? deliveryLots(ctx.lotRandom, quantity, today) : undefined;
        const unitCost = Math.max(500, Math.round((Number(product.price_minor) * 0.7) / 500) * 500);
        lines.push({ sku: item.sku, quantity, unit_cost_minor: unitCost, ...(lots ? { lots } : {}) });
      }
      const res = expectStatus(
        'goods receipt',
        await ctx.client.post('/v1/goods-receipts', {
          cashier_id: ctx.staffId,
          supplier_id: supplier,
          supplier_ref: `DN-${Math.floor(random() * 1e8)}`,
          lines,
        }),
        201,
      );
      // The lots as the store booked them (its answer), so the ledger states what the store holds.
      const booked = new Map(((res.lines as Json[] | undefined) ?? []).map((l) => [l.sku as string, l]));
      ctx.record({
        kind: 'goods_receipt',
        store_id: ctx.storeId,
        terminal_id: ctx.terminalId,
        receipt_id: res.id,
        supplier_id: res.supplier_id,
        currency: res.currency,
        total_cost_minor: Number(res.total_cost_minor),
        lines: lines.map((l) => ({
          sku: l.sku,
          qty: l.quantity,
          unit_cost_minor: l.unit_cost_minor,
          ...(l.lots
            ? { lots: booked.get(l.sku)?.lots ? ledgerLots(booked.get(l.sku).lots) : ledgerLots(l.lots) }
            : {}),
        })),
      });
      ctx.stats.count('goods_receipts');
    } catch (err) {
      ctx.stats.error(errorCode(err));
    }
  }

  /** Distinct popular items (Zipf over the ranking), bounded tries. */
  private popular(from: RankedItems, count: number): CatalogueItem[] {
    const skus = new Map<string, CatalogueItem>();
    for (let tries = 0; skus.size < count && tries < count * 20; tries++) {
      const item = from.ranked[from.sampler.sample(this.ctx.random) % from.ranked.length]!;
      skus.set(item.sku, item);
    }
    return [...skus.values()];
  }

  /** The pharmacy's medicines lowest in stock, through the inventory report (lowest first). */
  private async lowestStockDrugs(count: number): Promise<CatalogueItem[]> {
    const { pharmacy, client } = this.ctx;
    const bySku = new Map(pharmacy!.drugs.ranked.map((i) => [i.sku, i]));
    const category = pharmacy!.drugs.ranked.find((i) => i.category)?.category;
    const report = expectStatus(
      'inventory report',
      await client.get(
        `/v1/reports/inventory?limit=${count * 4}${category ? `&category=${encodeURIComponent(category)}` : ''}`,
      ),
      200,
    );
    return (report.items as Json[])
      .map((i) => bySku.get(i.sku as string))
      .filter((i): i is CatalogueItem => i !== undefined)
      .slice(0, count);
  }

  /** Counts a few of the lowest-stock SKUs (where counts are usually wrong) and books what was found. */
  async stockCount(): Promise<void> {
    const { ctx } = this;
    const { random } = ctx;
    try {
      const offset = Math.floor(random() * 50);
      const report = expectStatus(
        'inventory report',
        await ctx.client.get(`/v1/reports/inventory?limit=5&offset=${offset}`),
        200,
      );
      const items = report.items as Json[];
      if (items.length === 0) return;
      const lines = items.map((i) => ({
        sku: i.sku as string,
        counted: Math.max(0, Number(i.on_hand) - Math.floor(random() * 3)),
      }));
      const res = expectStatus(
        'stock count',
        await ctx.client.post('/v1/inventory/adjustments', {
          cashier_id: ctx.staffId,
          reason: 'COUNT',
          note: 'cycle count',
          lines,
        }),
        201,
      );
      const stock = new Map((res.stock as Json[]).map((s) => [s.sku as string, s]));
      ctx.record({
        kind: 'stock_count',
        store_id: ctx.storeId,
        terminal_id: ctx.terminalId,
        adjustment_id: res.id,
        reason: res.reason,
        lines: lines.map((l) => ({
          sku: l.sku,
          counted: l.counted,
          delta: Number(stock.get(l.sku)?.delta ?? 0),
          on_hand_after: Number(stock.get(l.sku)?.on_hand_after ?? l.counted),
        })),
      });
      ctx.stats.count('stock_counts');
    } catch (err) {
      ctx.stats.error(errorCode(err));
    }
  }
}

/** Every SKU the store sells, through its own API (GET /v1/reports/inventory, 1000 per page). */
export async function loadCatalogue(client: StoreClient): Promise<CatalogueItem[]> {
  const items: CatalogueItem[] = [];
  for (let offset = 0; ; offset += 1000) {
    const page = expectStatus(
      'inventory report',
      await client.get(`/v1/reports/inventory?limit=1000&offset=${offset}`),
      200,
    );
    for (const i of page.items as Json[]) {
      items.push({
        sku: i.sku,
        barcode: i.barcode,
        ...(i.category ? { category: i.category } : {}),
        // When the report says which products are medicines, no product lookup is needed.
        ...('drug' in i ? { drug: i.drug ? drugRef(i.drug) : null } : {}),
      });
    }
    if ((page.items as Json[]).length < 1000) break;
  }
  return items;
}

/** The national drug list identity of a product's DrugInfo. */
export function drugRef(drug: Json): { national_drug_code: string; registration_no: string } {
  return {
    national_drug_code: String(drug.national_drug_code),
    registration_no: String(drug.registration_no),
  };
}
