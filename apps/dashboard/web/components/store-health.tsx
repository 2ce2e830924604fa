import type { StoreBacklog, StoreItem } from '../api-types.ts';
import { formatAge, formatCount } from '../lib/format.ts';
import { quietStores } from '../lib/freshness.ts';

export function StoreHealth({
  stores,
  backlogs,
  backlogError,
  nowMs,
}: {
  stores: StoreItem[] | undefined;
  backlogs: StoreBacklog[] | undefined;
  backlogError: string | null;
  nowMs: number;
}) {
  const quiet = quietStores(stores ?? [], nowMs);
  const troubled = (backlogs ?? []).filter((b) => b.status !== 'ONLINE' || (b.backlog ?? 0) > 0);
  return (
    <section className="panel" aria-label="Stores">
      <h2>Stores offline / backlog</h2>
      {backlogError ? <p className="warn">store edges: {backlogError}</p> : null}
      {backlogs?.some((b) => b.status === 'UNAUTHORISED') ? (
        <p className="warn" data-testid="backlog-unauthorised">
          some store edges refuse the dashboard&apos;s monitor token: check STORE_EDGE_MONITOR_TOKEN
        </p>
      ) : null}
      {backlogs && backlogs.length > 0 ? (
        <table data-testid="store-backlogs">
          <thead>
            <tr>
              <th>Store</th>
              <th>Relay</th>
              <th className="num">Backlog</th>
              <th className="num">Oldest</th>
            </tr>
          </thead>
          <tbody>
            {(troubled.length > 0 ? troubled : backlogs).map((b) => (
              <tr key={b.store_id} className={b.status === 'ONLINE' ? '' : 'bad'}>
                <td>{b.store_id}</td>
                {/* UNAUTHORISED (the edge refused our monitor token) is not UNREACHABLE (no answer): the error says which. */}
                <td title={b.error ?? undefined}>{b.status}</td>
                <td className="num">{formatCount(b.backlog)}</td>
                <td className="num">
                  {b.oldest_unpublished_age_seconds ? formatAge(b.oldest_unpublished_age_seconds) : '—'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="muted">no store edges configured (STORE_EDGE_URLS)</p>
      )}
      <h3>Quiet stores (no event for 5 min)</h3>
      {!stores ? (
        <p className="empty">no data yet</p>
      ) : quiet.length === 0 ? (
        <p className="muted" data-testid="quiet-none">
          every store sent events in the last 5 min
        </p>
      ) : (
        <ul data-testid="quiet-stores">
          {quiet.map((s) => (
            <li key={s.store_id}>
              {s.name ?? s.store_id} — last event {formatAge(s.quietSeconds)}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
