import { z } from 'zod';

export interface StoreBacklog {
  store_id: string;
  /**
   * ONLINE/OFFLINE/UNKNOWN as the store edge reports its relay; UNAUTHORISED when the edge answers
   * but refuses the dashboard's monitor token (401/403: a configuration problem, the store may be
   * selling fine); UNREACHABLE when the edge does not answer (or answers something else).
   */
  status: 'ONLINE' | 'OFFLINE' | 'UNKNOWN' | 'UNAUTHORISED' | 'UNREACHABLE';
  backlog: number | null;
  oldest_unpublished_age_seconds: number | null;
  last_store_seq: number | null;
  error: string | null;
}

// Only the fields the dashboard shows; the edge may add more.
const syncStatusBody = z.object({
  status: z.enum(['ONLINE', 'OFFLINE', 'UNKNOWN']),
  backlog: z.number().int().min(0),
  oldest_unpublished_age_seconds: z.number().min(0).nullable(),
  last_store_seq: z.union([z.number(), z.string().regex(/^\d+$/)]).transform(Number),
});

export interface StoreEdgeTarget {
  storeId: string;
  url: string;
}

/** Asks every configured store edge for its sync status, in parallel; one slow store never hides the others. */
export async function fetchStoreBacklogs(
  targets: readonly StoreEdgeTarget[],
  opts: { token: string | undefined; timeoutMs: number; fetchImpl?: typeof fetch },
): Promise<StoreBacklog[]> {
  const doFetch = opts.fetchImpl ?? fetch;
  return Promise.all(
    targets.map(async ({ storeId, url }): Promise<StoreBacklog> => {
      const unreachable = (error: string, status: StoreBacklog['status'] = 'UNREACHABLE'): StoreBacklog => ({
        store_id: storeId,
        status,
        backlog: null,
        oldest_unpublished_age_seconds: null,
        last_store_seq: null,
        error,
      });
      try {
        const res = await doFetch(`${url}/v1/sync/status`, {
          headers: opts.token ? { authorization: `Bearer ${opts.token}` } : {},
          signal: AbortSignal.timeout(opts.timeoutMs),
        });
        if (res.status === 401 || res.status === 403) {
          const hint = opts.token
            ? 'the store edge refused the monitor token'
            : 'no STORE_EDGE_MONITOR_TOKEN';
          return unreachable(`HTTP ${res.status}: ${hint}`, 'UNAUTHORISED');
        }
        if (!res.ok) return unreachable(`HTTP ${res.status}`);
        const parsed = syncStatusBody.safeParse(await res.json());
        if (!parsed.success) return unreachable('unexpected sync status body');
        return { store_id: storeId, ...parsed.data, error: null };
      } catch (err) {
        return unreachable((err as Error).name === 'TimeoutError' ? 'timeout' : (err as Error).message);
      }
    }),
  );
}
