import type { ProductUpserted, StoreUpserted, DrugInfo } from '@retail-stream/schemas';

export interface StoreInfo {
  name: string;
  region: string;
  timezone: string;
  currency: string;
  /** ma_co_so; null when not a pharmacy. */
  pharmacy_code: string | null;
  updatedAt: number;
}

export interface ProductInfo {
  category: string;
  brand: string;
  /** Medicine data; null when not on the national drug list. */
  drug: DrugInfo | null;
  updatedAt: number;
}

export interface ReferenceLookup {
  store(storeId: string): StoreInfo | undefined;
  product(sku: string): ProductInfo | undefined;
}

/**
 * Latest store and product reference data, as read from the compacted reference topics. A record
 * older (by `updated_at`) than what is held is ignored, so a re-read or a late duplicate cannot
 * roll a store back; a tombstone (null value) removes the entry.
 */
export class ReferenceData implements ReferenceLookup {
  private readonly stores = new Map<string, StoreInfo>();
  private readonly products = new Map<string, ProductInfo>();

  store(storeId: string): StoreInfo | undefined {
    return this.stores.get(storeId);
  }

  product(sku: string): ProductInfo | undefined {
    return this.products.get(sku);
  }

  get storeCount(): number {
    return this.stores.size;
  }

  get productCount(): number {
    return this.products.size;
  }

  upsertStore(s: StoreUpserted): void {
    const held = this.stores.get(s.store_id);
    if (held && held.updatedAt > s.updated_at) return;
    this.stores.set(s.store_id, {
      name: s.name,
      region: s.region,
      timezone: s.timezone,
      currency: s.currency,
      // Records written before the field existed decode without it.
      pharmacy_code: s.pharmacy_code ?? null,
      updatedAt: s.updated_at,
    });
  }

  upsertProduct(p: ProductUpserted): void {
    const held = this.products.get(p.sku);
    if (held && held.updatedAt > p.updated_at) return;
    this.products.set(p.sku, {
      category: p.category,
      brand: p.brand,
      drug: p.drug ?? null,
      updatedAt: p.updated_at,
    });
  }

  removeStore(storeId: string): void {
    this.stores.delete(storeId);
  }

  removeProduct(sku: string): void {
    this.products.delete(sku);
  }
}
