import type { GoodsReceived, SaleRecorded } from '@retail-stream/schemas';
import type { StoreEventFactory } from '@retail-stream/schemas/testing';

/**
 * Events that pass the business rules (their totals add up) but carry what input-bounds.ts refuses:
 * what a forged record would look like, not a typo a rule already catches.
 */
export function saleWithLine(f: StoreEventFactory, unitPrice: number, discount: number): SaleRecorded {
  const s = f.sale(1);
  const l = s.lines[0]!;
  const lineTotal = l.quantity * unitPrice - discount;
  return {
    ...s,
    lines: [{ ...l, unit_price_minor: unitPrice, discount_minor: discount, line_total_minor: lineTotal }],
    total_minor: lineTotal,
  };
}

/** A receipt whose every line costs `unitCost`, its total consistent. */
export function receiptAtCost(f: StoreEventFactory, unitCost: number): GoodsReceived {
  const r = f.goodsReceived();
  const lines = r.lines.map((l) => ({ ...l, unit_cost_minor: unitCost }));
  return { ...r, lines, total_cost_minor: lines.reduce((sum, l) => sum + l.quantity * unitCost, 0) };
}
