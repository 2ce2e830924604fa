import type { Enrichment } from '@retail-stream/schemas';

/** The store columns several fact tables carry, from the event's enrichment (null when unknown). */
export type StoreColumns = { store_name: string | null; region: string | null };

export function storeColumns(e: Enrichment | null): StoreColumns {
  return { store_name: e?.store_name ?? null, region: e?.region ?? null };
}

/** The product reference data of a SKU, known or not. */
export function productOf(e: Enrichment | null, sku: string) {
  return e?.products.find((p) => p.sku === sku);
}
