/**
 * Money rules for a basket, in integer minor units (bigint: a quantity times a price times a
 * basis-point rate can pass 2^53 long before any real basket would look odd).
 *
 * Prices are tax-INCLUSIVE, as on Vietnamese (and most Asian) shelves: the catalogue price is what
 * the customer pays per unit, VAT included, and the tax is the part of the line total that is VAT.
 * These are the rules the Avro schemas document (SaleLine, SaleRecorded):
 *   gross      = unit_price × quantity
 *   line total = gross − line discount             (discount is per line, 0 ≤ discount ≤ gross)
 *   tax        = round_half_up(line_total × tax_rate_bp / (10 000 + tax_rate_bp))   (contained in it)
 *   net        = line total − tax                   (the line excluding tax)
 * Tax is worked out on the line total (after the discount, for the whole quantity, not per unit)
 * and rounded per line (not on the basket), so every line, refund and report adds up to the same
 * totals without redistributing rounding units.
 *   subtotal = Σ gross, discount = Σ discount, tax = Σ tax,
 *   total = subtotal − discount = Σ line total   (what the customer pays; the tax is inside it)
 * With Vietnam's 5/8/10 % rates the fraction is n/21, 2n/27 or n/11, never exactly ½; half up decides
 * only for rates such as 20 % (n/6) or 12 % (3n/28).
 */

export const BP_PER_UNIT = 10_000n;

export interface LineInput {
  unit_price_minor: bigint;
  quantity: number;
  discount_minor: bigint;
  tax_rate_bp: number;
}

export interface PricedLine {
  /** unit_price × quantity, tax included. */
  gross_minor: bigint;
  discount_minor: bigint;
  /** line_total − tax: the line excluding tax. */
  net_minor: bigint;
  /** Tax contained in line_total (not added to it). */
  tax_minor: bigint;
  /** gross − discount: what the customer pays for the line, tax included. */
  line_total_minor: bigint;
}

export interface Totals {
  subtotal_minor: bigint;
  discount_minor: bigint;
  tax_minor: bigint;
  total_minor: bigint;
  item_count: number;
}

/** numerator / denominator rounded half up (0.5 → 1), for numerator ≥ 0 and denominator > 0. */
export function roundHalfUpDiv(numerator: bigint, denominator: bigint): bigint {
  if (numerator < 0n || denominator <= 0n)
    throw new RangeError('roundHalfUpDiv needs numerator ≥ 0 and denominator > 0');
  return (2n * numerator + denominator) / (2n * denominator);
}

export function priceLine(line: LineInput): PricedLine {
  if (!Number.isInteger(line.quantity) || line.quantity <= 0)
    throw new RangeError('quantity must be a positive integer');
  if (line.unit_price_minor < 0n) throw new RangeError('unit price must not be negative');
  if (!Number.isInteger(line.tax_rate_bp) || line.tax_rate_bp < 0 || line.tax_rate_bp > 10_000) {
    throw new RangeError('tax rate must be 0..10000 bp');
  }
  const gross = line.unit_price_minor * BigInt(line.quantity);
  if (line.discount_minor < 0n || line.discount_minor > gross) {
    throw new RangeError('discount must be between 0 and the line amount');
  }
  const lineTotal = gross - line.discount_minor;
  const tax = containedTax(lineTotal, line.tax_rate_bp);
  return {
    gross_minor: gross,
    discount_minor: line.discount_minor,
    net_minor: lineTotal - tax,
    tax_minor: tax,
    line_total_minor: lineTotal,
  };
}

/**
 * The tax contained in a tax-inclusive amount: round_half_up(amount × rate / (10 000 + rate)).
 * Never more than the amount (the fraction is at most ½ for rates up to 100 %).
 */
export function containedTax(inclusiveAmount: bigint, taxRateBp: number): bigint {
  const bp = BigInt(taxRateBp);
  return roundHalfUpDiv(inclusiveAmount * bp, BP_PER_UNIT + bp);
}

/** Basket totals: total = subtotal − discount = Σ line total; tax = Σ line tax (contained, not added). */
export function sumTotals(lines: ReadonlyArray<PricedLine & { quantity: number }>): Totals {
  const totals: Totals = {
    subtotal_minor: 0n,
    discount_minor: 0n,
    tax_minor: 0n,
    total_minor: 0n,
    item_count: 0,
  };
  for (const l of lines) {
    totals.subtotal_minor += l.gross_minor;
    totals.discount_minor += l.discount_minor;
    totals.tax_minor += l.tax_minor;
    totals.total_minor += l.line_total_minor;
    totals.item_count += l.quantity;
  }
  return totals;
}

/**
 * What to give back for `quantity` more units of a line of which `alreadyRefunded` units were
 * refunded before. Computed as the difference of cumulative shares, so refunding a line in any
 * number of steps gives back exactly its line total, never a rounding unit more or less.
 */
export function refundShare(
  lineTotal: bigint,
  lineQuantity: number,
  alreadyRefunded: number,
  quantity: number,
): bigint {
  if (quantity <= 0 || alreadyRefunded < 0 || alreadyRefunded + quantity > lineQuantity) {
    throw new RangeError('refund quantity out of range');
  }
  const q = BigInt(lineQuantity);
  const before = (lineTotal * BigInt(alreadyRefunded)) / q;
  const after = (lineTotal * BigInt(alreadyRefunded + quantity)) / q;
  return after - before;
}
