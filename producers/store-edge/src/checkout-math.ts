/**
 * Money rules for a basket, in integer minor units (bigint: a quantity times a price times a
 * basis-point rate can pass 2^53 long before any real basket would look odd).
 *
 * Prices are tax-EXCLUSIVE: the catalogue price is net of tax and tax is added per line.
 *   gross      = unit_price × quantity
 *   net        = gross − line discount            (discount is per line, 0 ≤ discount ≤ gross)
 *   tax        = round_half_up(net × tax_rate_bp / 10 000)
 *   line total = net + tax
 * Tax is rounded per line (not on the basket) so every line, refund and report adds up to the
 * same totals without redistributing rounding pennies.
 *   subtotal = Σ gross, discount = Σ discount, tax = Σ tax, total = subtotal − discount + tax = Σ line total
 */

export const BP_PER_UNIT = 10_000n;

export interface LineInput {
  unit_price_minor: bigint;
  quantity: number;
  discount_minor: bigint;
  tax_rate_bp: number;
}

export interface PricedLine {
  gross_minor: bigint;
  discount_minor: bigint;
  net_minor: bigint;
  tax_minor: bigint;
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
  const net = gross - line.discount_minor;
  const tax = roundHalfUpDiv(net * BigInt(line.tax_rate_bp), BP_PER_UNIT);
  return {
    gross_minor: gross,
    discount_minor: line.discount_minor,
    net_minor: net,
    tax_minor: tax,
    line_total_minor: net + tax,
  };
}

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
