import type { Express } from 'express';
import type pg from 'pg';
import { countsByStatus, latestFailures, storeSummaries } from './operator-queries.ts';

/**
 * GET /v1/national-sync/status on the ops port: per store counts by status, oldest pending, why a
 * store waits, and the latest failures with the authority's reason. Read-only, no payloads.
 */
export function mountStatusRoute(app: Express, pool: () => pg.Pool | undefined): void {
  app.get('/v1/national-sync/status', (req, res) => {
    const p = pool();
    if (!p) {
      res.status(503).json({ error: { code: 'NOT_READY', message: 'the sync has not started yet' } });
      return;
    }
    const store = typeof req.query.store === 'string' ? req.query.store : undefined;
    Promise.all([
      countsByStatus(p, { store }),
      storeSummaries(p, { store }),
      latestFailures(p, { store }, 10),
    ])
      .then(([counts, stores, failures]) =>
        res.json({
          counts,
          stores,
          latest_failures: failures.map((f) => ({
            id: f.id,
            store_id: f.store_id,
            doc_type: f.doc_type,
            local_id: f.local_id,
            last_error: f.last_error,
            updated_at: f.updated_at,
          })),
        }),
      )
      .catch(() =>
        res.status(503).json({ error: { code: 'PG_UNAVAILABLE', message: 'status not readable' } }),
      );
  });
}
