import { useCallback, useEffect, useState } from 'react';
import {
  fetchBacklogs,
  fetchNationalSync,
  fetchPipeline,
  fetchReconciliations,
  fetchReports,
} from './api-client.ts';
import { KpiCards } from './components/kpi-cards.tsx';
import { KpiCharts } from './components/kpi-charts.tsx';
import { NationalSyncPanel } from './components/national-sync-panel.tsx';
import { PipelinePanel } from './components/pipeline-panel.tsx';
import { ReconciliationPanel } from './components/reconciliation-panel.tsx';
import { StoreHealth } from './components/store-health.tsx';
import { TopProducts } from './components/top-products.tsx';
import { formatAge, formatCount } from './lib/format.ts';
import { freshness } from './lib/freshness.ts';
import { isDown } from './lib/poll-state.ts';
import { usePoll } from './use-poll.ts';

function useNow(everyMs = 1000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(t);
  }, [everyMs]);
  return now;
}

export function App() {
  const [storeId, setStoreId] = useState<string | undefined>(undefined);
  const now = useNow();
  const reports = usePoll(
    storeId ?? '(chain)',
    useCallback((signal: AbortSignal) => fetchReports(storeId, Date.now(), signal), [storeId]),
  );
  const pipeline = usePoll('pipeline', fetchPipeline);
  const backlogs = usePoll('backlogs', fetchBacklogs);
  const reconciliations = usePoll('reconciliations', fetchReconciliations);
  const nationalSync = usePoll('national-sync', fetchNationalSync);

  const bundle = reports.data;
  // After a filter change the previous scope's numbers must not pass for the new one's.
  const current = bundle && bundle.storeId === storeId ? bundle : undefined;
  const fresh = freshness(bundle?.status, now);
  const reportsDown = isDown(reports);

  return (
    <div className="page">
      <header className="top">
        <h1>retail-stream · live</h1>
        <label>
          Store{' '}
          <select
            data-testid="store-filter"
            value={storeId ?? ''}
            onChange={(e) => setStoreId(e.target.value === '' ? undefined : e.target.value)}
          >
            <option value="">All stores (chain)</option>
            {(bundle?.stores ?? []).map((s) => (
              <option key={s.store_id} value={s.store_id}>
                {s.name ? `${s.store_id} · ${s.name}` : s.store_id}
              </option>
            ))}
          </select>
        </label>
        <div className={`freshness ${fresh.stale || reportsDown ? 'stale' : ''}`} data-testid="freshness">
          {fresh.dataAsOf ? (
            <>
              data as of{' '}
              <time dateTime={fresh.dataAsOf}>{new Date(fresh.dataAsOf).toLocaleTimeString()}</time> (
              {formatAge(fresh.ageSeconds)}) · {reportsDown ? 'last known' : fresh.message}
            </>
          ) : (
            fresh.message
          )}
          {bundle ? (
            <span className="muted">
              {' '}
              · {formatCount(bundle.status.stores_total)} stores · {formatCount(bundle.status.events_total)}{' '}
              events
            </span>
          ) : null}
        </div>
      </header>

      {reportsDown ? (
        <div className="banner" role="alert" data-testid="api-down">
          Reports API unavailable ({reports.error?.code}): retrying every 2 s.
          {reports.lastOkAt ? ` Showing data from ${formatAge((now - reports.lastOkAt) / 1000)}.` : ''}
        </div>
      ) : null}
      {fresh.stale && !reportsDown ? (
        <div className="banner warnbar" data-testid="stale-warning">
          Data is stale: {fresh.message}.
        </div>
      ) : null}

      <main data-testid={current ? 'loaded' : 'loading'} data-scope={current?.storeId ?? 'chain'}>
        <KpiCards kpis={current?.kpis} nowMs={now} />
        <KpiCharts m1={current?.kpis['1m']} m15={current?.kpis['15m']} />
        <div className="grid3">
          <TopProducts items={current?.topProducts} />
          <StoreHealth
            stores={bundle?.stores}
            backlogs={backlogs.data}
            backlogError={backlogs.error?.message ?? null}
            nowMs={now}
          />
          <PipelinePanel pipeline={pipeline.data} error={pipeline.error?.message ?? null} />
        </div>
        <ReconciliationPanel
          runs={reconciliations.data}
          error={reconciliations.error?.message ?? null}
          nowMs={now}
        />
        <NationalSyncPanel
          stores={nationalSync.data}
          error={nationalSync.error?.message ?? null}
          nowMs={now}
        />
      </main>
    </div>
  );
}
