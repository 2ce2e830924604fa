import type {
  KpiWindow,
  NationalSyncStore,
  Page,
  PipelineBody,
  Reconciliation,
  StatusBody,
  StoreBacklog,
  StoreItem,
  TopProduct,
  WindowParam,
} from './api-types.ts';
import { kpiRange } from './lib/kpi-cards.ts';
import { errorFromResponse } from './lib/poll-state.ts';

export class ApiCallError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, { headers: { accept: 'application/json' }, signal, cache: 'no-store' });
  } catch (err) {
    throw new ApiCallError(
      'DASHBOARD_UNREACHABLE',
      `dashboard server not answering: ${(err as Error).message}`,
    );
  }
  const body: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const e = errorFromResponse(res.status, body);
    throw new ApiCallError(e.code, e.message);
  }
  return body as T;
}

function qs(params: Record<string, string | undefined>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) p.set(k, v);
  return p.toString();
}

export const WINDOWS: WindowParam[] = ['1m', '15m', '1h', '1d'];

/** Everything from the reports API for one refresh, fetched together so the screen is one moment. */
export interface ReportsBundle {
  storeId: string | undefined;
  status: StatusBody;
  stores: StoreItem[];
  kpis: Record<WindowParam, KpiWindow[]>;
  topProducts: TopProduct[];
}

export async function fetchReports(
  storeId: string | undefined,
  nowMs: number,
  signal?: AbortSignal,
): Promise<ReportsBundle> {
  const kpi = (w: WindowParam) =>
    getJson<Page<KpiWindow>>(
      `/api/reports/kpis?${qs({ window: w, store_id: storeId, ...kpiRange(w, nowMs), limit: '1000' })}`,
      signal,
    ).then((p) => p.items);
  const [status, stores, k1, k15, k60, kd, top] = await Promise.all([
    getJson<StatusBody>('/api/reports/status', signal),
    getJson<Page<StoreItem>>('/api/reports/stores?limit=1000', signal).then((p) => p.items),
    kpi('1m'),
    kpi('15m'),
    kpi('1h'),
    kpi('1d'),
    getJson<Page<TopProduct>>(
      `/api/reports/reports/top-products?${qs({
        store_id: storeId,
        from: new Date(nowMs - 86_400_000).toISOString(),
        to: new Date(nowMs + 60_000).toISOString(),
        limit: '10',
      })}`,
      signal,
    ).then((p) => p.items),
  ]);
  return {
    storeId,
    status,
    stores,
    kpis: { '1m': k1, '15m': k15, '1h': k60, '1d': kd },
    topProducts: top,
  };
}

export const fetchPipeline = (signal?: AbortSignal) => getJson<PipelineBody>('/api/pipeline', signal);
export const fetchBacklogs = (signal?: AbortSignal) =>
  getJson<{ items: StoreBacklog[] }>('/api/stores/backlog', signal).then((b) => b.items);

/** The last reconciliation of every store (reports API GET /v1/reconciliation, through the proxy). */
export async function fetchReconciliations(signal?: AbortSignal): Promise<Reconciliation[]> {
  const body = await getJson<{ items: Reconciliation[] }>('/api/reports/reconciliation', signal);
  return body.items;
}

/** The national pharmacy sync per pharmacy store (reports API GET /v1/national-sync, through the proxy). */
export async function fetchNationalSync(signal?: AbortSignal): Promise<NationalSyncStore[]> {
  const body = await getJson<{ items: NationalSyncStore[] }>('/api/reports/national-sync', signal);
  return body.items;
}
