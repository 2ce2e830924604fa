import { memo } from 'react';
import type { TopProduct } from '../api-types.ts';
import { formatCount, formatMoney } from '../lib/format.ts';

// memo: the page re-renders every second for the clock; charts only when their data changes.
export const TopProducts = memo(function TopProducts({ items }: { items: TopProduct[] | undefined }) {
  return (
    <section className="panel" aria-label="Top products">
      <h2>Top products (last 24 h)</h2>
      {!items || items.length === 0 ? (
        <p className="empty" data-testid="top-products-empty">
          no sales yet
        </p>
      ) : (
        <table data-testid="top-products">
          <thead>
            <tr>
              <th>SKU</th>
              <th>Product</th>
              <th>Category</th>
              <th className="num">Qty</th>
              <th className="num">Net</th>
            </tr>
          </thead>
          <tbody>
            {items.map((p) => (
              <tr key={p.sku}>
                <td>{p.sku}</td>
                <td>{p.product_name ?? '—'}</td>
                <td>{p.category ?? '—'}</td>
                <td className="num">{formatCount(p.quantity)}</td>
                <td className="num">{formatMoney(p.net_minor, p.currency)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
});
