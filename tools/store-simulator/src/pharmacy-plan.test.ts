import { describe, expect, it } from 'vitest';
import { seededRandom } from '@retail-stream/runtime';
import { ZipfSampler, type CatalogueItem } from './basket.ts';
import { addDays, deliveryLots, pharmacyBasket, planWriteOff, prescriptionCode } from './pharmacy-plan.ts';

const items = (prefix: string, n: number): CatalogueItem[] =>
  Array.from({ length: n }, (_, i) => ({ sku: `${prefix}${i}`, barcode: `${prefix}-bc-${i}` }));
const drugs = { ranked: items('D', 20), sampler: new ZipfSampler(20) };
const others = { ranked: items('O', 200), sampler: new ZipfSampler(200) };

describe('pharmacy plan', () => {
  it('baskets hold 1–3 distinct drugs and 0–2 other products, the same for the same seed', () => {
    const random = seededRandom(5);
    let withOthers = 0;
    for (let i = 0; i < 500; i++) {
      const basket = pharmacyBasket(random, drugs, others);
      const d = basket.filter((l) => l.sku.startsWith('D'));
      const o = basket.filter((l) => l.sku.startsWith('O'));
      expect(d.length).toBeGreaterThanOrEqual(1);
      expect(d.length).toBeLessThanOrEqual(3);
      expect(o.length).toBeLessThanOrEqual(2);
      expect(new Set(basket.map((l) => l.sku)).size).toBe(basket.length);
      if (o.length > 0) withOthers++;
    }
    // Mixed baskets are common, so every run has invoices the sync must strip of other products.
    expect(withOthers).toBeGreaterThan(200);
    const a = seededRandom(9);
    const b = seededRandom(9);
    expect(pharmacyBasket(a, drugs, others)).toEqual(pharmacyBasket(b, drugs, others));
  });

  it('a drug-only store sells drug-only baskets', () => {
    const basket = pharmacyBasket(seededRandom(1), drugs, { ranked: [], sampler: new ZipfSampler(1) });
    expect(basket.every((l) => l.sku.startsWith('D'))).toBe(true);
  });

  it('prescription codes have the e-prescription shape', () => {
    const random = seededRandom(3);
    for (let i = 0; i < 50; i++) expect(prescriptionCode(random)).toMatch(/^\d{5}[a-z0-9]{7}-c$/);
  });

  it('delivery lots sum to the quantity, were made in the past and expire 2–3 years after', () => {
    const random = seededRandom(11);
    const today = '2026-12-06';
    let split = 0;
    for (let i = 0; i < 300; i++) {
      const qty = 1 + Math.floor(random() * 100);
      const lots = deliveryLots(random, qty, today);
      expect(lots.reduce((n, l) => n + l.quantity, 0)).toBe(qty);
      expect(lots.every((l) => l.quantity > 0)).toBe(true);
      if (lots.length === 2) split++;
      for (const l of lots) {
        expect(l.manufactured_on < today).toBe(true);
        expect([addDays(l.manufactured_on, 730), addDays(l.manufactured_on, 1095)]).toContain(l.expires_on);
        expect(l.lot_no).toMatch(/^L\d{6}-\d{4}$/);
        expect(l.lot_no.slice(1, 7)).toBe(l.manufactured_on.slice(2).replaceAll('-', ''));
      }
    }
    expect(split).toBeGreaterThan(30);
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
  });
});

describe('write-off plan', () => {
  const lot = (sku: string, lot_no: string, expires_on: string, on_hand: number) => ({
    sku,
    lot_no,
    manufactured_on: '2024-01-01',
    expires_on,
    on_hand,
  });
  const today = '2026-12-06';

  it('writes off a whole expired lot, or destroys 1–2 units of a held lot; nothing without lots', () => {
    const lots = [
      lot('D2', 'B', '2027-06-01', 1),
      lot('D1', 'A', '2026-11-30', 7),
      lot('D3', 'C', '2028-01-01', 0),
    ];
    const random = seededRandom(21);
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const plan = planWriteOff(random, lots, today)!;
      if (plan.reason === 'EXPIRY') expect(plan).toMatchObject({ lot: { lot_no: 'A' }, quantity: 7 });
      else {
        expect(['A', 'B']).toContain(plan.lot.lot_no);
        expect(plan.quantity).toBeGreaterThanOrEqual(1);
        expect(plan.quantity).toBeLessThanOrEqual(Math.min(2, plan.lot.on_hand));
      }
      seen.add(plan.reason);
    }
    expect([...seen].sort()).toEqual(['DESTRUCTION', 'EXPIRY']);
    expect(planWriteOff(random, [lot('D3', 'C', '2028-01-01', 0)], today)).toBeUndefined();
    // Nothing expired: only destruction.
    expect(planWriteOff(seededRandom(1), [lot('D2', 'B', '2027-06-01', 5)], today)!.reason).toBe(
      'DESTRUCTION',
    );
  });

  it('does not depend on the order the store listed its lots in', () => {
    const lots = [
      lot('D1', 'A', '2026-11-30', 7),
      lot('D2', 'B', '2027-06-01', 3),
      lot('D4', 'Z', '2026-01-01', 2),
    ];
    expect(planWriteOff(seededRandom(4), lots, today)).toEqual(
      planWriteOff(seededRandom(4), [...lots].reverse(), today),
    );
  });
});
