/** A product as the simulator knows it: read from the store's own API, sorted by sku. */
export interface CatalogueItem {
  sku: string;
  barcode: string;
  category?: string;
  /** Medicines only: their national drug list identity (lot-tracked at the store edge). */
  drug?: { national_drug_code: string; registration_no: string } | null;
}

export interface BasketLine {
  sku: string;
  barcode: string;
  quantity: number;
}

export const MAX_BASKET_LINES = 15;

/**
 * Zipf-like popularity: the item of rank k (1-based) is picked with weight 1/k^s, so a few
 * bestsellers dominate baskets and the long tail still sells now and then, as in real till data.
 */
export class ZipfSampler {
  private readonly cumulative: Float64Array;

  constructor(
    readonly size: number,
    readonly exponent = 1.07,
  ) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError('size must be a positive integer');
    this.cumulative = new Float64Array(size);
    let sum = 0;
    for (let k = 1; k <= size; k++) {
      sum += 1 / k ** exponent;
      this.cumulative[k - 1] = sum;
    }
  }

  /** A 0-based rank. */
  sample(random: () => number): number {
    const target = random() * this.cumulative[this.size - 1]!;
    let lo = 0;
    let hi = this.size - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.cumulative[mid]! < target) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/**
 * The chain's popularity ranking: the catalogue in a seeded shuffle, so bestsellers are spread over
 * categories (the seeded catalogue cycles through categories by SKU number) and every store of a
 * run shares them.
 */
export function popularityRanking<T extends CatalogueItem>(items: readonly T[], random: () => number): T[] {
  const ranked = [...items].sort((a, b) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0));
  for (let i = ranked.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [ranked[i], ranked[j]] = [ranked[j]!, ranked[i]!];
  }
  return ranked;
}

/** 1–15 lines, mostly small baskets (mean ≈ 4): 1 + an exponential draw, capped. */
export function basketSize(random: () => number, max = MAX_BASKET_LINES): number {
  const n = 1 + Math.floor(-Math.log(1 - random()) * 3.2);
  return Math.min(max, n);
}

/** Mostly one unit, sometimes a few (multi-packs, family shopping). */
export function lineQuantity(random: () => number): number {
  const u = random();
  if (u < 0.75) return 1;
  if (u < 0.9) return 2;
  return 3 + Math.floor(random() * 4);
}

/** Distinct SKUs (a repeat scan is a quantity, not a new line), popular ones more likely. */
export function generateBasket(
  random: () => number,
  ranked: readonly CatalogueItem[],
  sampler: ZipfSampler,
  maxLines = MAX_BASKET_LINES,
): BasketLine[] {
  const want = Math.min(basketSize(random, maxLines), ranked.length);
  const chosen = new Set<number>();
  const lines: BasketLine[] = [];
  // Bounded: drawing distinct items from a skewed distribution can repeat the head many times.
  for (let tries = 0; lines.length < want && tries < want * 20; tries++) {
    const rank = sampler.sample(random) % ranked.length;
    if (chosen.has(rank)) continue;
    chosen.add(rank);
    const item = ranked[rank]!;
    lines.push({ sku: item.sku, barcode: item.barcode, quantity: lineQuantity(random) });
  }
  return lines;
}
