import { serviceEnv } from '@retail-stream/infra';
import { prepareSyncDatabase } from '@retail-stream/national-pharmacy-sink';
import { schemaPool } from '@retail-stream/runtime';
import {
  Teardowns,
  testEndpoints,
  testPgDatabase,
  type TestPgDatabase,
} from '@retail-stream/runtime/testing';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../dlq/testing/run-cli.ts';

const endpoints = testEndpoints(serviceEnv());
const teardowns = new Teardowns({ ignoreErrors: true });
let db: TestPgDatabase;
let pool: pg.Pool;

const cli = (...args: string[]) =>
  runCli(args, {
    KAFKA_BROKERS: endpoints.kafkaBrokers,
    PG_URL: db.url,
    LOG_LEVEL: 'error',
    RETAIL_ACTOR: 'sync-test',
  });

/** A document row as the sync leaves it. */
async function doc(
  storeId: string,
  localId: string,
  status: string,
  extra: Record<string, unknown> = {},
): Promise<string> {
  const r = await pool.query<{ id: string }>(
    `INSERT INTO documents (event_id, doc_type, op, flow, store_id, ma_co_so, local_id, payload, business_date,
                            occurred_at, status, attempts, last_error, waiting_reason, outcome_unknown)
     VALUES ($1, 'hoa_don', 'CREATE', 'sale', $2, $3, $4, '{}'::jsonb, '20261206', now(), $5, $6, $7, $8, $9)
     RETURNING id::text`,
    [
      `ev-${localId}`,
      storeId,
      `CS-${storeId}`,
      localId,
      status,
      extra.attempts ?? 0,
      extra.last_error ?? null,
      extra.waiting_reason ?? null,
      extra.outcome_unknown ?? false,
    ],
  );
  return r.rows[0]!.id;
}

beforeAll(async () => {
  db = teardowns.add(await testPgDatabase(endpoints.pgUrl, { prefix: 'synccli' }), (d) => d.drop());
  pool = teardowns.add(
    schemaPool(db.url, 'national_sync', { max: 2, connectionTimeoutMillis: 5000, applicationName: 't' }),
    (p) => p.end(),
  );
  await prepareSyncDatabase(pool, 'national_sync');
}, 60_000);
afterAll(() => teardowns.run(), 60_000);

describe('retail sync status|retry|cancel', () => {
  let failed: string;
  let unsure: string;
  let pending: string;
  it('status: counts, per store with the waiting reason, latest failures; --list with filters', async () => {
    failed = await doc('s1', 'T-FAILED', 'SYNC_FAILED', {
      attempts: 1,
      last_error: 'HTTP 400 code 400: Mã thuốc X không có trong danh mục',
    });
    unsure = await doc('s1', 'T-UNSURE', 'SYNC_FAILED', {
      attempts: 12,
      last_error: 'gave up',
      outcome_unknown: true,
    });
    await doc('s1', 'T-OK', 'SYNC_SUCCESS', { attempts: 1 });
    pending = await doc('s2', 'T-WAIT', 'PENDING_SYNC', {
      waiting_reason: 'NATIONAL_SYNC_NO_CREDENTIALS: no account',
    });
    const r = await cli('sync', 'status', '--json');
    expect(r.code).toBe(0);
    const body = r.json<{
      stores: { store_id: string; failed: number; pending: number; waiting_reason: string | null }[];
      latest_failures: { local_id: string; last_error: string }[];
    }>();
    expect(body.stores).toEqual([
      expect.objectContaining({ store_id: 's1', failed: 2, pending: 0 }),
      expect.objectContaining({
        store_id: 's2',
        pending: 1,
        waiting_reason: 'NATIONAL_SYNC_NO_CREDENTIALS: no account',
      }),
    ]);
    expect(body.latest_failures.map((f) => f.local_id).sort()).toEqual(['T-FAILED', 'T-UNSURE']);
    const listed = await cli(
      'sync',
      'status',
      '--store',
      's1',
      '--status',
      'SYNC_SUCCESS',
      '--list',
      '--json',
    );
    expect(listed.json<{ documents: { local_id: string }[] }>().documents.map((d) => d.local_id)).toEqual([
      'T-OK',
    ]);
    const human = await cli('sync', 'status');
    expect(human.stdout).toContain('NATIONAL_SYNC_NO_CREDENTIALS');
  });

  it('retry: a dry run changes nothing; then SYNC_FAILED back to PENDING_SYNC with a fresh budget; audited', async () => {
    const dry = await cli('sync', 'retry', '--id', failed, '--dry-run', '--json');
    expect(dry.code).toBe(0);
    expect(dry.json<{ matched: unknown[] }>().matched).toHaveLength(1);
    expect((await pool.query(`SELECT status FROM documents WHERE id = $1`, [failed])).rows[0].status).toBe(
      'SYNC_FAILED',
    );
    expect((await cli('sync', 'retry')).code).toBe(64); // no filter, no --all
    const done = await cli('sync', 'retry', '--store', 's1', '--json');
    expect(done.json<{ applied: number }>().applied).toBe(2);
    const rows = await pool.query(
      `SELECT local_id, status, attempts, outcome_unknown FROM documents WHERE store_id = 's1' ORDER BY local_id`,
    );
    expect(rows.rows).toEqual([
      { local_id: 'T-FAILED', status: 'PENDING_SYNC', attempts: 0, outcome_unknown: false },
      { local_id: 'T-OK', status: 'SYNC_SUCCESS', attempts: 1, outcome_unknown: false },
      // Still marked: its worker reads it back before sending.
      { local_id: 'T-UNSURE', status: 'PENDING_SYNC', attempts: 0, outcome_unknown: true },
    ]);
    const audit = await pool.query(
      `SELECT command, outcome FROM ops.audit_log WHERE command = 'sync retry' ORDER BY id`,
    );
    // The usage error stopped before the audit row: only the two runs are recorded.
    expect(audit.rows.map((r) => r.outcome)).toEqual(['dry-run', 'ok']);
  });

  it('cancel: needs --yes; refuses a document the authority may have; cancels a pending one', async () => {
    expect((await cli('sync', 'cancel', '--id', pending)).code).toBe(64);
    const r = await cli('sync', 'cancel', '--id', `${pending},${unsure}`, '--yes', '--json');
    expect(r.code).toBe(0);
    const body = r.json<{ applied: number; skipped: { id: string; reason: string }[] }>();
    expect(body.applied).toBe(1);
    expect(body.skipped).toEqual([
      expect.objectContaining({ id: unsure, reason: expect.stringMatching(/may have it/) }),
    ]);
    const rows = await pool.query(
      `SELECT id::text, status FROM documents WHERE id = ANY($1::bigint[]) ORDER BY id`,
      [[pending, unsure]],
    );
    expect(Object.fromEntries(rows.rows.map((x) => [x.id, x.status]))).toEqual({
      [pending]: 'CANCELLED',
      [unsure]: 'PENDING_SYNC',
    });
  });
});
