import type pg from 'pg';
import type { DrugInfo } from '@retail-stream/schemas';

export interface CatalogItem {
  sku: string;
  barcode: string;
  name: string;
  category: string;
  brand: string;
  price_minor: bigint;
  tax_rate_bp: number;
  active: boolean;
  /** Medicine data; a product with a drug is lot-tracked. */
  drug: DrugInfo | null;
}

const COLUMNS = 'sku, barcode, name, category, brand, price_minor, tax_rate_bp, active, drug';

export async function findByBarcode(
  db: pg.ClientBase | pg.Pool,
  barcode: string,
): Promise<CatalogItem | undefined> {
  const { rows } = await db.query<CatalogItem>(`SELECT ${COLUMNS} FROM local_catalog WHERE barcode = $1`, [
    barcode,
  ]);
  return rows[0];
}

export async function findSkus(
  db: pg.ClientBase,
  skus: readonly string[],
): Promise<Map<string, CatalogItem>> {
  const { rows } = await db.query<CatalogItem>(
    `SELECT ${COLUMNS} FROM local_catalog WHERE sku = ANY($1::text[])`,
    [skus],
  );
  return new Map(rows.map((r) => [r.sku, r]));
}
