import crypto from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serviceEnv } from '@retail-stream/infra';
import {
  freePort,
  ServiceProcess,
  testEndpoints,
  tolerateDroppedConnections,
  uniqueName,
} from '@retail-stream/runtime/testing';
import { storeDatabaseName, storeDatabaseUrl } from '@retail-stream/store-edge';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchStoreBacklogs } from '../src/store-backlog.ts';

/** The backlog panel's source against a real store edge (producers/store-edge) with unpublished outbox rows. */
const STORE_EDGE_MAIN = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../producers/store-edge/src/main.ts',
);
const PG_URL = testEndpoints(serviceEnv()).pgUrl;
const storeId = uniqueName('dash').replace(/-/g, '_');
const token = crypto.randomBytes(18).toString('base64url');
let edge: ServiceProcess | undefined;
let db: pg.Pool | undefined;
let base: string;

/** EAN-13 with its check digit (the store edge validates barcodes). */
function ean13(first12: string): string {
  const sum = [...first12].reduce((s, d, i) => s + Number(d) * (i % 2 === 0 ? 1 : 3), 0);
  return first12 + String((10 - (sum % 10)) % 10);
}

beforeAll(async () => {
  // Exactly the settings the edge needs: nothing of the test process's environment leaks in.
  edge = await ServiceProcess.start(STORE_EDGE_MAIN, {
    LOG_LEVEL: 'info',
    STORE_ID: storeId,
    PG_URL,
    EDGE_PORT: '0',
    EDGE_TERMINAL_TOKENS: `T1:${crypto.createHash('sha256').update(token).digest('hex')}`,
    EDGE_CUSTOMER_HMAC_KEY: 'k'.repeat(32),
    EDGE_QR_CALLBACK_SECRET: 'q'.repeat(16),
    EDGE_PAYMENT_PROVIDER: 'fake',
  });
  base = `http://127.0.0.1:${await edge.port()}`;
  db = tolerateDroppedConnections(
    new pg.Pool({ connectionString: storeDatabaseUrl(PG_URL, storeId), max: 2 }),
  );
}, 90_000);

afterAll(async () => {
  await edge?.stop(10_000);
  await db?.end();
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${storeDatabaseName(storeId)}"`);
  await admin.end();
});

describe('store backlog from the store edges', () => {
  it('reports an offline relay with its unpublished outbox rows; a dead edge as UNREACHABLE, a bad token as UNAUTHORISED', async () => {
    const barcode = ean13('893999000002');
    await db!.query(
      `INSERT INTO local_catalog (sku, barcode, name, category, brand, price_minor, tax_rate_bp)
       VALUES ('SKU-DASH', $1, 'Dash tea', 'Beverages', 'Test', 12000, 800)`,
      [barcode],
    );
    const call = async (p: string, body: unknown) => {
      const res = await fetch(`${base}${p}`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'idempotency-key': crypto.randomUUID(),
          'content-type': 'application/json',
        },
        body: JSON.stringify(body),
      });
      expect(res.status, `${p}: ${await res.clone().text()}`).toBeLessThan(300);
      return (await res.json()) as { id: string };
    };
    const sale = await call('/v1/transactions', { cashier_id: 'C1' });
    await call(`/v1/transactions/${sale.id}/items`, { barcode, quantity: 2 });
    await call(`/v1/transactions/${sale.id}/payments`, { method: 'CASH' });
    await call(`/v1/transactions/${sale.id}/finalize`, {});
    // The relay last reported ONLINE ten minutes ago: it is gone, whatever it said.
    await db!.query(
      `INSERT INTO relay_status (store_id, destination, status, last_seen_at)
       VALUES ($1, 'kafka', 'ONLINE', now() - interval '10 minutes')`,
      [storeId],
    );
    const pending = (
      await db!.query<{ n: number }>('SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL')
    ).rows[0]!.n;
    const lastSeq = Number(
      (await db!.query<{ last_seq: string }>('SELECT last_seq FROM store_sequence')).rows[0]!.last_seq,
    );
    expect(pending).toBeGreaterThanOrEqual(2);

    const deadPort = await freePort();
    const targets = [
      { storeId, url: base },
      { storeId: 'gone', url: `http://127.0.0.1:${deadPort}` },
    ];
    const [live, gone] = await fetchStoreBacklogs(targets, { token, timeoutMs: 2_000 });
    expect(live).toMatchObject({
      store_id: storeId,
      status: 'OFFLINE',
      backlog: pending,
      last_store_seq: lastSeq,
      error: null,
    });
    expect(live!.oldest_unpublished_age_seconds).toBeGreaterThanOrEqual(0);
    expect(gone).toMatchObject({ store_id: 'gone', status: 'UNREACHABLE', backlog: null });

    const [badToken] = await fetchStoreBacklogs(targets.slice(0, 1), {
      token: 'wrong-token',
      timeoutMs: 2_000,
    });
    // Refused, not down: the panel must not tell an operator a selling store is unreachable.
    expect(badToken).toMatchObject({ status: 'UNAUTHORISED', backlog: null });
    expect(badToken!.error).toMatch(/^HTTP 401/);
  });
});
