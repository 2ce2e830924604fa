import type { Enrichment, ProductRef, StoreEvent } from '@retail-stream/schemas';
import type { ReferenceLookup } from './reference-data.ts';

export interface EnrichmentResult {
  enrichment: Enrichment;
  storeKnown: boolean;
  unknownProducts: number;
}

/**
 * SKUs an event names (lines, then stock changes), distinct, in first-seen order. A linear scan
 * rather than a Set: an event names a few to a few dozen SKUs, and a Set plus its spread per record
 * cost more than the scan (a per-record item of ingest's profile).
 */
export function skusOf(event: StoreEvent): string[] {
  const out: string[] = [];
  if ('lines' in event) for (const l of event.lines) if (!out.includes(l.sku)) out.push(l.sku);
  if ('stock' in event) for (const c of event.stock) if (!out.includes(c.sku)) out.push(c.sku);
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
