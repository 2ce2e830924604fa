import { ZipfSampler, type CatalogueItem } from './basket.ts';
import type { LedgerRecord } from './ledger.ts';
import { pharmacyDocumentOf, type PharmacyStore } from './pharmacy-ledger.ts';
import { DEFAULT_PHARMACY_BEHAVIOUR, type PharmacyBehaviour, type RankedItems } from './pharmacy-plan.ts';
import type { SimStats } from './sim-stats.ts';

/** How the simulator drives one pharmacy: its identity for the ledger and what its customers buy. */
export interface PharmacySetup {
  store: PharmacyStore;
  drugs: RankedItems;
  others: RankedItems;
  behaviour: PharmacyBehaviour;
}

/**
 * A pharmacy from the chain's popularity ranking: its medicines (products with a national drug
 * code) and its other products, each in ranking order with its own Zipf sampler, so bestselling
 * medicines dominate as bestselling groceries do. Undefined when the store sells no medicine.
 */
export function pharmacySetup(
  maCoSo: string,
  ranked: readonly CatalogueItem[],
  behaviour: PharmacyBehaviour = DEFAULT_PHARMACY_BEHAVIOUR,
): PharmacySetup | undefined {
  const drugItems = ranked.filter((i) => i.drug);
  if (drugItems.length === 0) return undefined;
  const otherItems = ranked.filter((i) => !i.drug);
  return {
    store: {
      ma_co_so: maCoSo,
      drugs: new Map(drugItems.map((i) => [i.sku, i.drug!])),
    },
    drugs: { ranked: drugItems, sampler: new ZipfSampler(drugItems.length) },
    others: { ranked: otherItems, sampler: new ZipfSampler(Math.max(1, otherItems.length)) },
    behaviour,
  };
}

/**
 * The ledger writer of a pharmacy: each acknowledged operation, then (on the next line) the
 * national document it yields, if any. One place, so no path of the till or back office can write
 * a sale without its hoa_don.
 */
export function pharmacyRecorder(
  write: (r: LedgerRecord) => void,
  store: PharmacyStore,
  stats: SimStats,
): (r: LedgerRecord) => void {
  return (r) => {
    write(r);
    const doc = pharmacyDocumentOf(r, store);
    if (doc) {
      write(doc);
      stats.count('pharmacy_documents');
    }
  };
}
