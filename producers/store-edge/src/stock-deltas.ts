/**
 * Sums movements per SKU and orders them by SKU. Every writer of local_inventory locks rows in
 * this order, so two sales touching the same products in different orders cannot deadlock.
 */
export function mergeStockDeltas(
  moves: Iterable<{ sku: string; delta: number }>,
): { sku: string; delta: number }[] {
  const bySku = new Map<string, number>();
  for (const m of moves) bySku.set(m.sku, (bySku.get(m.sku) ?? 0) + m.delta);
  return [...bySku.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([sku, delta]) => ({ sku, delta }));
}
