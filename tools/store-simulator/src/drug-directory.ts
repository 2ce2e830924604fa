import type { CatalogueItem } from './basket.ts';
import { drugRef } from './back-office.ts';
import type { DrugRef } from './pharmacy-ledger.ts';
import { expectStatus, type StoreClient } from './store-client.ts';

/**
 * Which products are medicines, chain-wide. The stores' inventory report does not say; each
 * product's lookup does. The catalogue is the chain's, so a barcode is looked up once per run
 * (a few at a time) whichever store asks first, and every other store reuses the answer.
 */
export class DrugDirectory {
  private readonly known = new Map<string, Promise<DrugRef | null>>();

  /** The catalogue with `drug` set on each medicine. */
  async annotate(
    client: StoreClient,
    items: readonly CatalogueItem[],
    concurrency = 8,
  ): Promise<CatalogueItem[]> {
    const out = [...items];
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        for (let i = next++; i < out.length; i = next++) {
          const item = out[i]!;
          const drug =
            item.drug !== undefined ? (item.drug ?? null) : await this.lookup(client, item.barcode);
          out[i] = drug ? { ...item, drug } : { ...item, drug: null };
        }
      }),
    );
    return out;
  }

  private lookup(client: StoreClient, barcode: string): Promise<DrugRef | null> {
    let found = this.known.get(barcode);
    if (!found) {
      found = client.get(`/v1/catalog/barcodes/${barcode}`).then((res) => {
        const product = expectStatus('catalogue lookup', res, 200);
        return product.drug ? drugRef(product.drug) : null;
      });
      // A failed lookup is not cached: the next store asks again.
      found.catch(() => this.known.delete(barcode));
      this.known.set(barcode, found);
    }
    return found;
  }
}
