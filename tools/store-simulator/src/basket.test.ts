import { seededRandom } from '@retail-stream/runtime';
import { describe, expect, it } from 'vitest';
import {
  basketSize,
  generateBasket,
  MAX_BASKET_LINES,
  popularityRanking,
  ZipfSampler,
  type CatalogueItem,
} from './basket.ts';

const catalogue: CatalogueItem[] = Array.from({ length: 2000 }, (_, i) => ({
  sku: `SKU-${String(i + 1).padStart(6, '0')}`,
  barcode: String(8930000000000 + i),
}));

describe('ZipfSampler', () => {
  it('favours the head: rank 1 about twice rank 2, the top 1% of items a large share, the tail still sold', () => {
    const sampler = new ZipfSampler(2000);
    const random = seededRandom(1);
    const counts = new Array<number>(2000).fill(0);
    const n = 200_000;
    for (let i = 0; i < n; i++) counts[sampler.sample(random)]!++;
    expect(counts[0]! / counts[1]!).toBeGreaterThan(1.8);
    expect(counts[0]! / counts[1]!).toBeLessThan(2.4);
    const top20 = counts.slice(0, 20).reduce((a, b) => a + b, 0) / n;
    expect(top20).toBeGreaterThan(0.35);
    expect(top20).toBeLessThan(0.6);
    expect(counts.slice(1000).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    expect(counts.every((c, i) => i === 0 || c <= counts[0]!)).toBe(true);
  });
});

describe('generateBasket', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    const ranked = popularityRanking(catalogue, seededRandom(42));
    const sampler = new ZipfSampler(ranked.length);
    const run = (seed: number) => {
      const random = seededRandom(seed);
      return Array.from({ length: 50 }, () => generateBasket(random, ranked, sampler));
    };
    expect(run(7)).toEqual(run(7));
    expect(run(7)).not.toEqual(run(8));
    expect(popularityRanking(catalogue, seededRandom(42))).toEqual(ranked);
    expect(new Set(ranked.map((r) => r.sku)).size).toBe(catalogue.length);
  });

  it('has 1–15 distinct lines, mostly small baskets, quantities ≥ 1', () => {
    const ranked = popularityRanking(catalogue, seededRandom(42));
    const sampler = new ZipfSampler(ranked.length);
    const random = seededRandom(3);
    const sizes: number[] = [];
    for (let i = 0; i < 5_000; i++) {
      const basket = generateBasket(random, ranked, sampler);
      sizes.push(basket.length);
      expect(new Set(basket.map((l) => l.sku)).size).toBe(basket.length);
      expect(basket.every((l) => Number.isInteger(l.quantity) && l.quantity >= 1 && l.quantity <= 6)).toBe(
        true,
      );
    }
    expect(Math.min(...sizes)).toBe(1);
    expect(Math.max(...sizes)).toBe(MAX_BASKET_LINES);
    const mean = sizes.reduce((a, b) => a + b, 0) / sizes.length;
    expect(mean).toBeGreaterThan(3);
    expect(mean).toBeLessThan(5.5);
    expect(sizes.filter((s) => s <= 5).length / sizes.length).toBeGreaterThan(0.6);
  });

  it('never asks for more lines than the catalogue has', () => {
    const small = catalogue.slice(0, 3);
    const random = seededRandom(9);
    for (let i = 0; i < 200; i++) {
      expect(generateBasket(random, small, new ZipfSampler(3)).length).toBeLessThanOrEqual(3);
    }
    expect(basketSize(() => 0.999999999)).toBe(MAX_BASKET_LINES);
    expect(basketSize(() => 0)).toBe(1);
  });
});
