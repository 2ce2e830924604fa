import type { Server } from 'node:http';
import {
  closeServer,
  createLogger,
  createMetricsRegistry,
  listen,
  seededRandom,
} from '@retail-stream/runtime';
import type { SaleRefunded, StoreEvent } from '@retail-stream/schemas';
import { StoreEventFactory } from '@retail-stream/schemas/testing';
import express from 'express';
import type pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { applyKpis, applyStoreEvents, inTransaction } from '../batch-writer.ts';
import { createSchema, dropSchema, enrich, kpiRecord, sourced, uniqueSchema } from '../../test/harness.ts';
import { mountReports } from './reports-app.ts';
import { sha256Hex } from './token-auth.ts';

/**
 * The reports API tests' known fixture, in a schema of its own, behind the real API over HTTP:
 * two stores' sales, payments, a refund and a void at chosen times, four KPI rows and three
 * reconciliation runs, so totals can be checked by hand.
 */
export const TOKEN = 'test-token-0123456789abcdef';
export const at = (iso: string) => Date.parse(iso);
export type Item = Record<string, unknown>;
export interface Body extends Record<string, unknown> {
  items: Item[];
  next_cursor: string | null;
  error: { code: string; message: string };
}

export function useReportsApi() {
  const schema = uniqueSchema('hq_reports');
  let pool: pg.Pool;
  let server: Server;
  let base: string;
  let clock = 0;
  const fa = new StoreEventFactory('rpt_a', seededRandom(11), 1, () => clock);
  const fb = new StoreEventFactory('rpt_b', seededRandom(12), 1, () => clock);
  const make = <E extends StoreEvent>(iso: string, fn: () => E, known = true): E => {
    clock = at(iso);
    return enrich(fn(), { known });
  };
  const a1 = make('2026-11-20T01:10:00Z', () => fa.sale(3));
  const a1pay = make('2026-11-20T01:11:00Z', () => fa.paymentCaptured(a1));
  const a1refund = make('2026-11-20T02:05:00Z', () => fa.refund(a1)) as SaleRefunded;
  const a2 = make('2026-11-20T18:30:00Z', () => fa.sale(2)); // local (UTC+7) 2026-11-21 01:30
  const a2pay = make('2026-11-20T18:31:00Z', () => fa.paymentCaptured(a2));
  const a2void = make('2026-11-20T18:40:00Z', () => fa.void(a2));
  const b1 = make('2026-11-20T01:20:00Z', () => fb.sale(4), false);
  const b1fail = make('2026-11-20T01:21:00Z', () => fb.paymentFailed(b1), false);
  const b1pay = make('2026-11-20T01:22:00Z', () => fb.paymentCaptured(b1), false);
  const events: StoreEvent[] = [a1, a1pay, a1refund, a2, a2pay, a2void, b1, b1fail, b1pay];
  const kpis = [
    kpiRecord({
      window_start: at('2026-11-20T01:00:00Z'),
      window_end: at('2026-11-20T02:00:00Z'),
      revision: 1,
    }),
    kpiRecord({
      window_start: at('2026-11-20T01:00:00Z'),
      window_end: at('2026-11-20T02:00:00Z'),
      revision: 2,
      gmv_minor: 90_001,
      orders: 3,
      payments_attempted: 4,
      payments_captured: 3,
    }),
    kpiRecord({
      window_start: at('2026-11-20T02:00:00Z'),
      window_end: at('2026-11-20T03:00:00Z'),
      gmv_minor: 0,
      orders: 0,
      items: 0,
      payments_attempted: 0,
      payments_captured: 0,
      payments_by_method: {},
    }),
    kpiRecord({
      scope: 'store:rpt_a',
      store_id: 'rpt_a',
      window_size: 'M15',
      window_start: at('2026-11-20T01:00:00Z'),
      window_end: at('2026-11-20T01:15:00Z'),
    }),
  ];

  const get = async (path: string, token: string | null = TOKEN) => {
    const res = await fetch(`${base}${path}`, {
      headers: token === null ? {} : { authorization: `Bearer ${token}` },
    });
    return { status: res.status, body: (await res.json()) as Body };
  };

  beforeAll(async () => {
    pool = await createSchema(schema);
    await inTransaction(pool, (c) => applyStoreEvents(c, sourced(events)));
    await inTransaction(pool, (c) => applyKpis(c, kpis));
    // What `retail reconcile` records (tools/retail-cli/src/reconcile/runs-table.ts), in a schema of this test.
    await pool.query(`CREATE SCHEMA "${schema}_ops"`);
    await pool.query(`CREATE TABLE "${schema}_ops".reconciliation_runs (store_id text, local_date date, status text,
      differences integer, missing integer, trigger text, finished_at timestamptz)`);
    await pool.query(`INSERT INTO "${schema}_ops".reconciliation_runs VALUES
      ('rpt_a', '2026-11-20', 'differences', 2, 1, 'scheduler', '2026-11-21T01:00:00Z'),
      ('rpt_a', '2026-11-20', 'repaired', 0, 0, 'cli', '2026-11-21T02:00:00Z'),
      ('rpt_b', '2026-11-20', 'clean', 0, 0, 'scheduler', '2026-11-21T01:00:00Z')`);
    const app = express();
    mountReports(app, {
      pool,
      tokenHashes: [sha256Hex('another-token'), sha256Hex(TOKEN)],
      maxRangeDays: 92,
      opsSchema: `${schema}_ops`,
      logger: createLogger({ service: 'reports-test', level: 'silent' }),
      metrics: createMetricsRegistry('reports-test'),
    });
    const bound = await listen(app, 0, '127.0.0.1');
    server = bound.server;
    base = `http://127.0.0.1:${bound.port}`;
  });
  afterAll(async () => {
    if (server) await closeServer(server);
    await pool?.end();
    await dropSchema(schema);
    await dropSchema(`${schema}_ops`);
  });

  return {
    named: { a1, a1pay, a1refund, a2, a2pay, a2void, b1, b1fail, b1pay },
    events,
    kpis,
    get,
    pool: () => pool,
    base: () => base,
  };
}
