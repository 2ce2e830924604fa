import { lineQuantity, type BasketLine, type CatalogueItem, type ZipfSampler } from './basket.ts';

/**
 * What a pharmacy's customers and back office do, drawn from a seeded stream like everything else
 * in the simulator (pure functions of `random`, so a seed gives the same pharmacy whatever the timing).
 */

export interface PharmacyBehaviour {
  /** Share of a pharmacy's drug sales dispensed against a national prescription (ma_don_thuoc_quoc_gia). */
  prescriptionRate: number;
  /** Drug lines per basket: 1..maxDrugLines. */
  maxDrugLines: number;
  /** Other products (snacks, water) in the same basket: 0..maxOtherLines. */
  maxOtherLines: number;
  /** Share of a pharmacy's back-office deliveries that are drugs (with lots); the rest restock other products. */
  drugReceiptRate: number;
  /** Share of write-offs that are expired lots (the rest: destroyed, e.g. damaged packs). */
  expiryRate: number;
}

export const DEFAULT_PHARMACY_BEHAVIOUR: PharmacyBehaviour = {
  prescriptionRate: 0.3,
  maxDrugLines: 3,
  maxOtherLines: 2,
  drugReceiptRate: 0.7,
  expiryRate: 0.6,
};

/** A ranked list with its sampler: popular items first (the chain's bestsellers). */
export interface RankedItems {
  ranked: readonly CatalogueItem[];
  sampler: ZipfSampler;
}

/** Distinct items from a ranked list, popular ones more likely; bounded tries as in generateBasket. */
function drawDistinct(random: () => number, from: RankedItems, want: number): CatalogueItem[] {
  const chosen = new Map<string, CatalogueItem>();
  const n = Math.min(want, from.ranked.length);
  for (let tries = 0; chosen.size < n && tries < n * 20; tries++) {
    const item = from.ranked[from.sampler.sample(random) % from.ranked.length]!;
    chosen.set(item.sku, item);
  }
  return [...chosen.values()];
}

/**
 * A pharmacy basket: 1..maxDrugLines drugs, mostly 1–2 packs each, and 0..maxOtherLines other
 * products of the store (a mixed store: the sync must leave those lines out of the invoice).
 */
export function pharmacyBasket(
  random: () => number,
  drugs: RankedItems,
  others: RankedItems,
  b: PharmacyBehaviour = DEFAULT_PHARMACY_BEHAVIOUR,
): BasketLine[] {
  const drugCount = 1 + Math.floor(random() * b.maxDrugLines);
  const otherCount = others.ranked.length === 0 ? 0 : Math.floor(random() * (b.maxOtherLines + 1));
  const lines: BasketLine[] = [];
  for (const item of drawDistinct(random, drugs, drugCount)) {
    lines.push({ sku: item.sku, barcode: item.barcode, quantity: random() < 0.7 ? 1 : 2 });
  }
  for (const item of drawDistinct(random, others, otherCount)) {
    lines.push({ sku: item.sku, barcode: item.barcode, quantity: lineQuantity(random) });
  }
  return lines;
}

const ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';

/**
 * A national prescription code in the shape e-prescriptions carry (5-character issuing facility,
 * 7 random characters, "-c" suffix): plausible, identifying nothing.
 */
export function prescriptionCode(random: () => number): string {
  const chars = (n: number, alphabet: string) =>
    Array.from({ length: n }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
  return `${chars(5, '0123456789')}${chars(7, ALNUM)}-c`;
}

/** A lot as the store edge receives it (dates as ISO days). */
export interface LotPlan {
  lot_no: string;
  manufactured_on: string;
  expires_on: string;
  quantity: number;
}

const DAY_MS = 86_400_000;

/** `YYYY-MM-DD` of `today` (an ISO day) plus `days`. */
export function addDays(today: string, days: number): string {
  return new Date(Date.parse(`${today}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/**
 * The lots of one delivered line: one lot, sometimes two (a supplier finishing one batch), made
 * 1–12 months ago and expiring 2 or 3 years after manufacture, quantities summing to `quantity`.
 */
export function deliveryLots(random: () => number, quantity: number, today: string): LotPlan[] {
  const count = quantity >= 2 && random() < 0.25 ? 2 : 1;
  const first = count === 1 ? quantity : 1 + Math.floor(random() * (quantity - 1));
  return [first, quantity - first].slice(0, count).map((q) => {
    const manufactured = addDays(today, -(30 + Math.floor(random() * 330)));
    const shelfLifeDays = random() < 0.5 ? 730 : 1095;
    // Manufacture day + 4 digits: the store refuses a known lot number with other dates, so two
    // deliveries must not invent the same number for different batches.
    const yymmdd = manufactured.slice(2, 4) + manufactured.slice(5, 7) + manufactured.slice(8, 10);
    return {
      lot_no: `L${yymmdd}-${String(Math.floor(random() * 10_000)).padStart(4, '0')}`,
      manufactured_on: manufactured,
      expires_on: addDays(manufactured, shelfLifeDays),
      quantity: q,
    };
  });
}

/** Units of one lot a store holds (what it reports through its API). */
export interface LotOnHand {
  sku: string;
  lot_no: string;
  manufactured_on: string;
  expires_on: string;
  on_hand: number;
}

export interface WriteOffPlan {
  reason: 'EXPIRY' | 'DESTRUCTION';
  lot: LotOnHand;
  quantity: number;
}

/**
 * What the pharmacist takes off the shelf: usually a lot that has expired (all of it), otherwise a
 * damaged pack or two of some lot (DESTRUCTION). Undefined when the store holds no lot at all.
 * Lots are sorted first (sku, lot) so the choice depends on the seed, not on the API's order.
 */
export function planWriteOff(
  random: () => number,
  lots: readonly LotOnHand[],
  today: string,
  b: PharmacyBehaviour = DEFAULT_PHARMACY_BEHAVIOUR,
): WriteOffPlan | undefined {
  const held = lots
    .filter((l) => l.on_hand > 0)
    .sort((x, y) => x.sku.localeCompare(y.sku) || x.lot_no.localeCompare(y.lot_no));
  if (held.length === 0) return undefined;
  // Expired from its expiry date on (the store edge's rule), `today` being the store's date.
  const expired = held.filter((l) => l.expires_on <= today);
  const u = random();
  const pick = random();
  if (expired.length > 0 && u < b.expiryRate) {
    const lot = expired[Math.floor(pick * expired.length)]!;
    return { reason: 'EXPIRY', lot, quantity: lot.on_hand };
  }
  const lot = held[Math.floor(pick * held.length)]!;
  return { reason: 'DESTRUCTION', lot, quantity: Math.min(lot.on_hand, 1 + Math.floor(random() * 2)) };
}
