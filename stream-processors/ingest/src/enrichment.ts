import type { Enrichment, ProductRef, StoreEvent } from '@retail-stream/schemas';
import type { ReferenceLookup } from './reference-data.ts';

export interface EnrichmentResult {
  enrichment: Enrichment;
  storeKnown: boolean;
  unknownProducts: number;
}

/** Up to this many SKU mentions a linear scan beats a Set; past it the scan would be quadratic. */
const SCAN_LIMIT = 32;

/**
 * SKUs an event names (lines, then stock changes), distinct, in first-seen order. A linear scan
 * for the usual few to a few dozen (a Set plus its spread per record was a per-record item of
 * ingest's profile); a Set beyond SCAN_LIMIT, so a record with thousands of lines stays linear.
 */
export function skusOf(event: StoreEvent): string[] {
  const lines = 'lines' in event ? event.lines : [];
  const stock = 'stock' in event ? event.stock : [];
  if (lines.length + stock.length > SCAN_LIMIT) {
    const seen = new Set<string>();
    for (const l of lines) seen.add(l.sku);
    for (const c of stock) seen.add(c.sku);
    return [...seen];
  }
  const out: string[] = [];
  for (const l of lines) if (!out.includes(l.sku)) out.push(l.sku);
  for (const c of stock) if (!out.includes(c.sku)) out.push(c.sku);
  return out;
}

/**
 * The enrichment of one event from the reference data held now. Missing reference data is not an
 * error: the event flows with `known: false` (store or product), and the caller counts it.
 */
export function buildEnrichment(event: StoreEvent, refs: ReferenceLookup, now: number): EnrichmentResult {
  const store = refs.store(event.store_id);
  let unknownProducts = 0;
  const products: ProductRef[] = skusOf(event).map((sku) => {
    const p = refs.product(sku);
    if (!p) {
      unknownProducts++;
      return { sku, known: false, category: null, brand: null, drug: null };
    }
    return { sku, known: true, category: p.category, brand: p.brand, drug: p.drug ?? null };
  });
  return {
    enrichment: {
      store_known: store !== undefined,
      store_name: store?.name ?? null,
      region: store?.region ?? null,
      timezone: store?.timezone ?? null,
      products,
      ingested_at: now,
      pharmacy_code: store?.pharmacy_code ?? null,
    },
    storeKnown: store !== undefined,
    unknownProducts,
  };
}
