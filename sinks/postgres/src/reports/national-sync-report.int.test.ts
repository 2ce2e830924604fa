import type { Server } from 'node:http';
import { prepareSyncDatabase, syncDatabaseConfig, syncPool } from '@retail-stream/national-pharmacy-sink';
import { closeServer, createLogger, createMetricsRegistry, listen } from '@retail-stream/runtime';
import express from 'express';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSchema, dropSchema, PG_URL, uniqueSchema } from '../../test/harness.ts';
import { openapiDoc } from './openapi-doc.ts';
import { mountReports } from './reports-app.ts';
import { sha256Hex } from './token-auth.ts';

const TOKEN = 'test-token-national-sync-0123';
type Item = Record<string, unknown> & { latest_failures: Record<string, unknown>[] };
interface Body {
  items: Item[];
  error: { code: string; message: string };
}

interface Doc {
  store: string;
  type: 'hoa_don' | 'phieu_nhap' | 'phieu_xuat';
  op?: 'CREATE' | 'DELETE';
  local: string;
  status: string;
  /** created_at, seconds before the insert. */
  ageS: number;
  /** updated_at, seconds before the insert (when it last changed status). */
  changedS?: number;
  error?: string;
}

/**
 * GET /v1/national-sync over the sync's own schema, created by the sync's own migrations (as the
 * sync service does at start), with documents in every status written the way the workers leave them.
 */
describe('reports API: GET /v1/national-sync', () => {
  const hqSchema = uniqueSchema('hq_nsrpt');
  const syncSchema = uniqueSchema('ns_rpt');
  let hq: pg.Pool;
  let sync: pg.Pool;
  const servers: Server[] = [];
  let base: string;
  let baseNoSync: string;

  const docs: Doc[] = [
    { store: 'ph_a', type: 'hoa_don', local: 'A-1', status: 'PENDING_SYNC', ageS: 7200 },
    { store: 'ph_a', type: 'hoa_don', local: 'A-2', status: 'IN_FLIGHT', ageS: 1800 },
    { store: 'ph_a', type: 'hoa_don', local: 'A-3', status: 'SYNC_SUCCESS', ageS: 9000 },
    { store: 'ph_a', type: 'phieu_nhap', local: 'N-1', status: 'SYNC_SUCCESS', ageS: 9000 },
    {
      store: 'ph_a',
      type: 'phieu_nhap',
      local: 'N-2',
      status: 'SYNC_FAILED',
      ageS: 5000,
      changedS: 600,
      error: 'ma_thuoc VN-000 không tồn tại',
    },
    {
      store: 'ph_a',
      type: 'hoa_don',
      op: 'DELETE',
      local: 'A-3',
      status: 'SYNC_FAILED',
      ageS: 4000,
      changedS: 60,
      error: 'hoa don da khoa so',
    },
    { store: 'ph_a', type: 'phieu_xuat', local: 'X-1', status: 'CANCELLED', ageS: 3000 },
    { store: 'ph_b', type: 'hoa_don', local: 'B-1', status: 'SYNC_SUCCESS', ageS: 100 },
  ];

  const serve = async (nationalSyncSchema: string) => {
    const app = express();
    mountReports(app, {
      pool: hq,
      tokenHashes: [sha256Hex(TOKEN)],
      maxRangeDays: 92,
      nationalSyncSchema,
      logger: createLogger({ service: 'reports-test', level: 'silent' }),
      metrics: createMetricsRegistry('reports-test'),
    });
    const bound = await listen(app, 0, '127.0.0.1');
    servers.push(bound.server);
    return `http://127.0.0.1:${bound.port}`;
  };
  const get = async (url: string, token: string | null = TOKEN) => {
    const res = await fetch(url, { headers: token === null ? {} : { authorization: `Bearer ${token}` } });
    return { status: res.status, body: (await res.json()) as Body };
  };

  beforeAll(async () => {
    hq = await createSchema(hqSchema);
    sync = syncPool(syncDatabaseConfig.parse({ PG_URL, NATIONAL_SYNC_PG_SCHEMA: syncSchema }), 'ns-rpt', 2);
    await prepareSyncDatabase(sync, syncSchema);
    for (const [i, d] of docs.entries()) {
      const op = d.op ?? 'CREATE';
      await sync.query(
        `INSERT INTO documents (event_id, doc_type, op, flow, store_id, ma_co_so, local_id, business_date,
                                occurred_at, status, last_error, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, '20261120', now(), $8, $9,
                 now() - make_interval(secs => $10), now() - make_interval(secs => $11))`,
        [
          `evt-${i}`,
          d.type,
          op,
          op === 'DELETE' || d.type === 'phieu_xuat'
            ? 'cancellation'
            : d.type === 'hoa_don'
              ? 'sale'
              : 'import',
          d.store,
          d.store === 'ph_a' ? 'CS-A-001' : 'CS-B-002',
          d.local,
          d.status,
          d.error ?? null,
          d.ageS,
          d.changedS ?? d.ageS,
        ],
      );
    }
    base = await serve(syncSchema);
    baseNoSync = await serve(`${syncSchema}_never`);
  });
  afterAll(async () => {
    for (const s of servers) await closeServer(s);
    await hq?.end();
    await sync?.end();
    await dropSchema(hqSchema);
    await dropSchema(syncSchema);
  });

  it('gives each pharmacy its counts by status and type, oldest pending age and latest failures', async () => {
    const { status, body } = await get(`${base}/v1/national-sync`);
    expect(status).toBe(200);
    expect(body.items.map((s) => s.store_id)).toEqual(['ph_a', 'ph_b']);
    const [a, b] = body.items as [Item, Item];
    expect(a).toMatchObject({
      store_id: 'ph_a',
      ma_co_so: 'CS-A-001',
      counts: { pending: 1, in_flight: 1, success: 2, failed: 2, cancelled: 1 },
      waiting_reason: null,
    });
    expect(a.by_type).toEqual([
      { status: 'CANCELLED', doc_type: 'phieu_xuat', op: 'CREATE', documents: 1 },
      { status: 'IN_FLIGHT', doc_type: 'hoa_don', op: 'CREATE', documents: 1 },
      { status: 'PENDING_SYNC', doc_type: 'hoa_don', op: 'CREATE', documents: 1 },
      { status: 'SYNC_FAILED', doc_type: 'hoa_don', op: 'DELETE', documents: 1 },
      { status: 'SYNC_FAILED', doc_type: 'phieu_nhap', op: 'CREATE', documents: 1 },
      { status: 'SYNC_SUCCESS', doc_type: 'hoa_don', op: 'CREATE', documents: 1 },
      { status: 'SYNC_SUCCESS', doc_type: 'phieu_nhap', op: 'CREATE', documents: 1 },
    ]);
    // The PENDING_SYNC one, two hours old (the IN_FLIGHT one is younger); the test's own run adds seconds.
    expect(a.oldest_pending_age_s).toBeGreaterThanOrEqual(7200);
    expect(a.oldest_pending_age_s).toBeLessThan(7200 + 60);
    const oldestMs = Date.parse(a.oldest_pending_at as string);
    expect(Date.now() - oldestMs).toBeGreaterThanOrEqual(7200_000 - 5_000);
    expect(a.latest_failures.map(({ id: _id, failed_at: _at, ...f }) => f)).toEqual([
      { doc_type: 'hoa_don', op: 'DELETE', local_id: 'A-3', last_error: 'hoa don da khoa so' },
      { doc_type: 'phieu_nhap', op: 'CREATE', local_id: 'N-2', last_error: 'ma_thuoc VN-000 không tồn tại' },
    ]);
    const [newest, older] = a.latest_failures.map((f) => Date.parse(f.failed_at as string));
    expect(newest! - older!).toBeGreaterThanOrEqual(540_000);
    expect(b).toMatchObject({
      store_id: 'ph_b',
      counts: { pending: 0, in_flight: 0, success: 1, failed: 0, cancelled: 0 },
      oldest_pending_at: null,
      oldest_pending_age_s: null,
      latest_failures: [],
    });
  });

  it('answers with exactly the fields openapi.yaml documents (the dashboard types come from it)', async () => {
    const { body } = await get(`${base}/v1/national-sync`);
    const fields = (name: string) => Object.keys(openapiDoc.components.schemas[name]!.properties!).sort();
    for (const store of body.items) {
      expect(Object.keys(store).sort()).toEqual(fields('NationalSyncStore'));
      for (const f of store.latest_failures)
        expect(Object.keys(f).sort()).toEqual(fields('NationalSyncFailure'));
    }
  });

  it('filters one store and limits the failures listed', async () => {
    const { body } = await get(`${base}/v1/national-sync?store=ph_a&failures=1`);
    expect(body.items.map((s) => s.store_id)).toEqual(['ph_a']);
    expect(body.items[0]!.latest_failures.map((f) => f.local_id)).toEqual(['A-3']);
    const none = await get(`${base}/v1/national-sync?store=ph_zzz`);
    expect(none).toEqual({ status: 200, body: { items: [] } });
  });

  it('refuses a request without a valid token, and bad parameters', async () => {
    for (const token of [null, 'wrong-token']) {
      const res = await get(`${base}/v1/national-sync`, token);
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('UNAUTHORIZED');
    }
    for (const q of ['failures=0', 'failures=51', 'store=a%27b']) {
      const res = await get(`${base}/v1/national-sync?${q}`);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('BAD_REQUEST');
    }
  });

  it('answers empty, not an error, before the sync ever ran (no schema)', async () => {
    expect(await get(`${baseNoSync}/v1/national-sync`)).toEqual({ status: 200, body: { items: [] } });
  });
});
