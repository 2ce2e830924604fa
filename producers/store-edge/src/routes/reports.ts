import { Router } from 'express';
import type pg from 'pg';
import { z } from 'zod';
import { Refusal } from '../refusal.ts';
import { sendJson } from '../http/json.ts';
import { isoDate } from '../http/schemas.ts';
import { parseInput } from '../parse-input.ts';
import type { StoreServices } from '../store-context.ts';
import { inventoryReport, salesByDay } from '../db/reports-repo.ts';
import { syncStatus } from '../use-cases/sync-status.ts';

const MAX_REPORT_DAYS = 366;
const DAY_MS = 86_400_000;

/** Today's date in the store's time zone, e.g. "2025-03-01". */
export function localDate(timezone: string, at: Date = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: timezone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(at);
}

const salesQuery = z.strictObject({ from: isoDate.optional(), to: isoDate.optional() });
const inventoryQuery = z.strictObject({
  below: z.coerce.number().int().min(-1_000_000).max(1_000_000).optional(),
  category: z.string().min(1).max(100).optional(),
  limit: z.coerce.number().int().min(1).max(1_000).default(100),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

export function reportRoutes(pool: pg.Pool, svc: StoreServices, relayStaleAfterSeconds: number): Router {
  const r = Router();

  r.get('/reports/sales-by-day', async (req, res) => {
    const q = parseInput(salesQuery, req.query, 'query');
    const to = q.to ?? localDate(svc.store.timezone);
    const from = q.from ?? new Date(Date.parse(`${to}T00:00:00Z`) - 6 * DAY_MS).toISOString().slice(0, 10);
    const days = (Date.parse(to) - Date.parse(from)) / DAY_MS + 1;
    if (days < 1) throw new Refusal('INVALID_RANGE', 'from must not be after to', 'from');
    if (days > MAX_REPORT_DAYS)
      throw new Refusal('RANGE_TOO_LONG', `at most ${MAX_REPORT_DAYS} days per report`, 'from');
    sendJson(res, 200, await salesByDay(pool, svc.store, { from, to }));
  });

  r.get('/reports/inventory', async (req, res) => {
    const q = parseInput(inventoryQuery, req.query, 'query');
    sendJson(res, 200, await inventoryReport(pool, svc.store, q));
  });

  r.get('/sync/status', async (_req, res) => {
    sendJson(res, 200, await syncStatus(pool, svc.store.store_id, relayStaleAfterSeconds));
  });
  return r;
}
