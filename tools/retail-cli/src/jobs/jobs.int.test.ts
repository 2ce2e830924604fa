import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { localDayBounds } from '@retail-stream/kpi-windows';
import { uniqueIdentifier } from '@retail-stream/runtime/testing';
import type { StoreEvent } from '@retail-stream/schemas';
import { StoreEventFactory } from '@retail-stream/schemas/testing';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliContext } from '../cli-kit/context.ts';
import { localDateString } from '@retail-stream/runtime';
import { PipelineWorld } from '../trace/testing/pipeline-world.ts';
import { exportDay } from './daily-export.ts';
import { jobsConfig } from './jobs-config.ts';
import { runJob } from './jobs-service.ts';
import { cleanStore } from './retention.ts';
import { parseConfig } from '@retail-stream/runtime';

/** The scheduled jobs' work against real databases: nightly reconciliation with its alert, retention, export. */
describe('retail jobs', () => {
  const STORE = uniqueIdentifier('c4j');
  const TZ = 'Asia/Ho_Chi_Minh';
  const at = Date.now() - 60_000;
  let w: PipelineWorld;
  let ctx: CliContext;
  const f = new StoreEventFactory(STORE, undefined, 1, () => at);
  const sales = f.sales(3);
  const events: StoreEvent[] = sales.flatMap((s) => [s, f.paymentCaptured(s)]);
  const exportDir = fs.mkdtempSync(path.join(os.tmpdir(), 'c4-export-'));

  beforeAll(async () => {
    w = await PipelineWorld.start([STORE]);
    await w.commit(events);
    await w.publish(events);
    await w.settle(events.length, [STORE]);
    ctx = new CliContext(
      { ...w.env(), STORE_DEFAULT_TIMEZONE: TZ },
      { stdout: new PassThrough(), stderr: new PassThrough() },
    );
  }, 240_000);

  afterAll(async () => {
    await ctx
      ?.pg()
      .query('DELETE FROM ops.reconciliation_runs WHERE store_id = $1', [STORE])
      .catch(() => undefined);
    await ctx
      ?.pg()
      .query('DELETE FROM ops.job_alerts WHERE store_id = $1', [STORE])
      .catch(() => undefined);
    await ctx?.close();
    await w?.stop();
    fs.rmSync(exportDir, { recursive: true, force: true });
  }, 120_000);

  it('nightly reconciliation: due once the local day ended + lateness; a mismatch counts and raises an alert; once per day', async () => {
    const config = parseConfig(jobsConfig, { JOBS_RECONCILE_LATENESS_MIN: '30', JOBS_EXPORT_DIR: exportDir });
    const metrics = new Registry();
    const deps = { ctx, config, logger: ctx.logger, metrics };
    const dayEnd = localDayBounds(at, TZ).end;
    // A deleted HQ sale: the nightly run must notice.
    await w.hq.query(`DELETE FROM "${w.hqSchema}".hq_transactions WHERE sale_event_id = $1`, [
      sales[0]!.event_id,
    ]);
    const first = (await runJob(deps, 'reconcile', { now: dayEnd + 31 * 60_000 })) as {
      results: { store_id: string; date: string; status: string }[];
    };
    const mine = first.results.filter((r) => r.store_id === STORE);
    expect(mine).toEqual([{ store_id: STORE, date: localDateString(at, TZ), status: 'differences' }]);
    const text = await metrics.metrics();
    expect(text).toMatch(new RegExp(`retail_reconcile_mismatches_total\\{store_id="${STORE}"\\} [1-9]`));
    // The gauge the RetailReconcileMismatch alert reads (deploy/observability).
    expect(text).toMatch(new RegExp(`retail_reconcile_differences\\{store_id="${STORE}"\\} [1-9]`));
    const alerts = await ctx
      .pg()
      .query('SELECT kind, message FROM ops.job_alerts WHERE store_id = $1', [STORE]);
    expect(alerts.rows).toEqual([
      { kind: 'reconcile_mismatch', message: expect.stringContaining('1 events missing') },
    ]);
    // The same day is not reconciled twice by the scheduler.
    const again = (await runJob(deps, 'reconcile', { now: dayEnd + 40 * 60_000 })) as {
      results: { store_id: string }[];
    };
    expect(again.results.filter((r) => r.store_id === STORE)).toEqual([]);
  });

  it('retention: old published outbox rows and expired idempotency keys go, the rest stays', async () => {
    const db = w.storeDb(STORE).pool;
    const old = f.sale(1);
    await w.commit([old]);
    await db.query(`UPDATE outbox SET published_at = now() - interval '30 days' WHERE event_id = $1`, [
      old.event_id,
    ]);
    const unpublished = f.sale(1);
    await w.commit([unpublished]);
    await db.query(`UPDATE outbox SET created_at = now() - interval '30 days' WHERE event_id = $1`, [
      unpublished.event_id,
    ]);
    await db.query(
      `INSERT INTO idempotency_keys (store_id, terminal_id, idem_key, request_hash, method, path, created_at)
       VALUES ($1, 't1', 'old', 'h', 'POST', '/x', now() - interval '3 days'), ($1, 't1', 'new', 'h', 'POST', '/x', now())`,
      [STORE],
    );
    const opts = { outboxDays: 14, idempotencyHours: 48 };
    expect(await cleanStore(db, STORE, { ...opts, dryRun: true })).toEqual({
      store_id: STORE,
      outbox_deleted: 1,
      idempotency_deleted: 1,
    });
    expect(await cleanStore(db, STORE, opts)).toEqual({
      store_id: STORE,
      outbox_deleted: 1,
      idempotency_deleted: 1,
    });
    const left = await db.query<{ n: string }>('SELECT count(*) AS n FROM outbox');
    expect(Number(left.rows[0]!.n)).toBe(events.length + 1); // the day's rows and the unpublished one
    const keys = await db.query('SELECT idem_key FROM idempotency_keys');
    expect(keys.rows).toEqual([{ idem_key: 'new' }]);
  });

  it("export: the UTC day's facts as CSV.gz, one row per fact", async () => {
    const date = new Date(at).toISOString().slice(0, 10);
    const r = await exportDay(w.hq, w.hqSchema, date, exportDir);
    const byFile = Object.fromEntries(r.files.map((x) => [path.basename(x.file), x.rows]));
    // sales[0]'s HQ row was deleted by the first test: two of three sales remain.
    expect(byFile).toMatchObject({ 'sales.csv.gz': 2, 'payments.csv.gz': 3, 'refunds.csv.gz': 0 });
    const csv = gunzipSync(fs.readFileSync(path.join(exportDir, date, 'payments.csv.gz')))
      .toString('utf8')
      .trim()
      .split('\n');
    expect(csv[0]).toContain('payment_id');
    expect(csv).toHaveLength(4);
  });
});
