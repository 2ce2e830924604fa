import type { Reconciliation } from '../api-types.ts';
import { formatAge, formatCount } from '../lib/format.ts';

/**
 * The last end-of-day reconciliation of every store (`retail reconcile`, `retail jobs`): stores
 * with differences first, so a mismatch is what one sees.
 */
export function ReconciliationPanel({
  runs,
  error,
  nowMs,
}: {
  runs: Reconciliation[] | undefined;
  error: string | null;
  nowMs: number;
}) {
  const order = (r: Reconciliation) => (r.status === 'differences' || r.status === 'failed' ? 0 : 1);
  const sorted = [...(runs ?? [])].sort(
    (a, b) => order(a) - order(b) || a.store_id.localeCompare(b.store_id),
  );
  return (
    <section className="panel" aria-label="Reconciliation">
      <h2>Last reconciliation per store</h2>
      {error ? <p className="warn">reconciliation: {error}</p> : null}
      {!runs ? (
        <p className="empty">no data yet</p>
      ) : runs.length === 0 ? (
        <p className="muted">no store reconciled yet (retail reconcile, retail jobs run)</p>
      ) : (
        <table data-testid="reconciliations">
          <thead>
            <tr>
              <th>Store</th>
              <th>Day</th>
              <th>Status</th>
              <th className="num">Diffs</th>
              <th className="num">Missing</th>
              <th className="num">When</th>
            </tr>
          </thead>
          <tbody>
            {sorted.map((r) => (
              <tr key={r.store_id} className={order(r) === 0 ? 'bad' : ''}>
                <td>{r.store_id}</td>
                <td>{r.local_date}</td>
                <td>{r.status}</td>
                <td className="num">{formatCount(r.differences)}</td>
                <td className="num">{formatCount(r.missing)}</td>
                <td className="num">{formatAge((nowMs - Date.parse(r.finished_at)) / 1000)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
