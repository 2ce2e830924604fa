import type { NationalSyncStore } from '../api-types.ts';
import { formatAge, formatCount } from '../lib/format.ts';
import { needsAttention, sortForOperators } from '../lib/national-sync.ts';

/**
 * The national pharmacy sync per pharmacy store (`retail sync status` on the page): counts by
 * status, the oldest document not yet sent, the latest failures with the authority's reason.
 * Stores with failures or a document pending too long first.
 */
export function NationalSyncPanel({
  stores,
  error,
  nowMs,
}: {
  stores: NationalSyncStore[] | undefined;
  error: string | null;
  nowMs: number;
}) {
  const sorted = sortForOperators(stores ?? [], nowMs);
  return (
    <section className="panel" aria-label="National pharmacy sync">
      <h2>National pharmacy sync</h2>
      {error ? <p className="warn">national sync: {error}</p> : null}
      {!stores ? (
        <p className="empty">no data yet</p>
      ) : stores.length === 0 ? (
        <p className="muted">no pharmacy document yet (the sync has not run)</p>
      ) : (
        <table data-testid="national-sync">
          <thead>
            <tr>
              <th>Store</th>
              <th className="num">Pending</th>
              <th className="num">In flight</th>
              <th className="num">Synced</th>
              <th className="num">Failed</th>
              <th className="num">Cancelled</th>
              <th className="num">Oldest pending</th>
              <th>Latest failures</th>
            </tr>
          </thead>
          <tbody>
            {sorted.map((s) => (
              <tr key={s.store_id} className={needsAttention(s, nowMs) ? 'bad' : ''}>
                <td>
                  {s.store_id}
                  <div className="muted">{s.ma_co_so}</div>
                </td>
                <td className="num">{formatCount(s.counts.pending)}</td>
                <td className="num">{formatCount(s.counts.in_flight)}</td>
                <td className="num">{formatCount(s.counts.success)}</td>
                <td className="num">{formatCount(s.counts.failed)}</td>
                <td className="num">{formatCount(s.counts.cancelled)}</td>
                <td className="num">
                  {s.oldest_pending_at === null
                    ? '—'
                    : formatAge((nowMs - Date.parse(s.oldest_pending_at)) / 1000)}
                  {s.waiting_reason ? <div className="muted">{s.waiting_reason}</div> : null}
                </td>
                <td>
                  {s.latest_failures.length === 0 ? (
                    <span className="muted">—</span>
                  ) : (
                    <ul className="failures">
                      {s.latest_failures.map((f) => (
                        <li key={f.id}>
                          {f.doc_type}
                          {f.op === 'DELETE' ? ' (void)' : ''} {f.local_id}:{' '}
                          {f.last_error ?? 'no reason given'}{' '}
                          <span className="muted">{formatAge((nowMs - Date.parse(f.failed_at)) / 1000)}</span>
                        </li>
                      ))}
                    </ul>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
