import type pg from 'pg';
import { findSkus, type CatalogItem } from '../db/catalog-repo.ts';
import { Refusal } from '../refusal.ts';

/**
 * The catalogue entries of a stock document's lines (a receipt, an adjustment), refused unless each
 * SKU appears once and is in the catalogue: stock is only ever booked against a known product, once
 * per document.
 */
export async function catalogueSkus(
  client: pg.ClientBase,
  lines: readonly { sku: string }[],
  document: 'receipt' | 'adjustment',
): Promise<Map<string, CatalogItem>> {
  const skus = lines.map((l) => l.sku);
  if (new Set(skus).size !== skus.length)
    throw new Refusal('DUPLICATE_SKU', `each sku may appear once per ${document}`, 'lines');
  const known = await findSkus(client, skus);
  lines.forEach((l, i) => {
    if (!known.has(l.sku)) throw new Refusal('UNKNOWN_SKU', `no product with sku ${l.sku}`, `lines.${i}.sku`);
  });
  return known;
}
