import crypto from 'node:crypto';
import type { Server } from 'node:http';
import express from 'express';
import pg from 'pg';
import {
  closeServer,
  createLogger,
  createMetricsRegistry,
  listen,
  mountOpsRoutes,
  Health,
} from '@retail-stream/runtime';
import { tolerateDroppedConnections, uniqueName } from '@retail-stream/runtime/testing';
import { serviceEnv } from '@retail-stream/infra';
import type { Registry } from 'prom-client';
import { storeEdgeConfig, type StoreEdgeConfig } from '../src/config.ts';
import { storeDatabaseName, storeDatabaseUrl } from '../src/db/store-database.ts';
import { makeEan13 } from '@retail-stream/fixtures';
import { startStoreEdge, type StoreEdge } from '../src/store-edge.ts';
import { hashToken } from '../src/terminal-auth.ts';

export const PG_URL = serviceEnv().PG_URL ?? '';
export const QR_SECRET = 'qr-callback-secret-for-tests';
export const HMAC_KEY = 'customer-hmac-key-for-tests-0123456789';

/** Fixture catalogue: tax-inclusive shelf prices chosen to exercise rounding of the contained tax (bp rates). */
export const PRODUCTS = [
  {
    sku: 'SKU-A',
    barcode: makeEan13('893000000001'),
    name: 'Instant noodles',
    category: 'Food',
    brand: 'Acecook',
    price: 10_000,
    bp: 1000,
  },
  {
    sku: 'SKU-B',
    barcode: makeEan13('893000000002'),
    name: 'Green tea 500ml',
    category: 'Beverages',
    brand: 'Tan Hiep Phat',
    price: 25_500,
    bp: 800,
  },
  {
    sku: 'SKU-C',
    barcode: makeEan13('893000000003'),
    name: 'Rice 1kg',
    category: 'Food',
    brand: 'Vinafood',
    price: 3_333,
    bp: 500,
  },
  {
    sku: 'SKU-D',
    barcode: makeEan13('893000000004'),
    name: 'Rice cooker',
    category: 'Appliances',
    brand: 'Sunhouse',
    price: 1_000_000,
    bp: 0,
  },
  {
    sku: 'SKU-E',
    barcode: makeEan13('893000000005'),
    name: 'Soap',
    category: 'Personal care',
    brand: 'Lifebuoy',
    price: 18_000,
    bp: 1000,
  },
] as const;
export const START_STOCK = 100;

/** Response bodies in assertions: JSON of many shapes, checked by toEqual/toMatchObject rather than by types. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export interface ApiResponse<T = Json> {
  status: number;
  body: T;
  text: string;
  headers: Headers;
}

export interface CallOptions {
  terminal?: string;
  token?: string | null;
  body?: unknown;
  rawBody?: string;
  /** undefined: a fresh random key on state-changing methods; null: send none. */
  key?: string | null;
  headers?: Record<string, string>;
}

export interface Harness {
  storeId: string;
  base: string;
  edge: StoreEdge;
  metrics: Registry;
  /** A separate pool for assertions, with pg's default parsing. */
  db: pg.Pool;
  tokens: Record<string, string>;
  call<T = Json>(method: string, path: string, opts?: CallOptions): Promise<ApiResponse<T>>;
  close(): Promise<void>;
}

export async function startHarness(
  env: Record<string, string> = {},
  terminals = ['T1', 'T2', 'T3', 'T4', 'T5'],
): Promise<Harness> {
  if (!/^postgres(ql)?:\/\//.test(PG_URL))
    throw new Error('serviceEnv().PG_URL is not set: the tests must not fall back to port 5432');
  const storeId = uniqueName('t').replace(/-/g, '_');
  const tokens = Object.fromEntries(terminals.map((t) => [t, crypto.randomBytes(18).toString('base64url')]));
  const config: StoreEdgeConfig = storeEdgeConfig.parse({
    STORE_ID: storeId,
    PG_URL,
    EDGE_TERMINAL_TOKENS: Object.entries(tokens)
      .map(([t, token]) => `${t}:${hashToken(token)}`)
      .join(','),
    EDGE_CUSTOMER_HMAC_KEY: HMAC_KEY,
    EDGE_QR_CALLBACK_SECRET: QR_SECRET,
    EDGE_PAYMENT_PROVIDER: 'fake',
    LOG_LEVEL: 'silent',
    PG_POOL_MAX: '12',
    EDGE_BACKLOG_REFRESH_S: '0.2',
    ...env,
  });
  const app = express();
  const metrics = createMetricsRegistry('store-edge-test', { defaultMetrics: false });
  mountOpsRoutes(app, { metrics, health: new Health() });
  const edge = await startStoreEdge({
    config,
    logger: createLogger({ service: 'store-edge-test', level: 'silent' }),
    metrics,
    app,
  });
  const db = tolerateDroppedConnections(
    new pg.Pool({ connectionString: storeDatabaseUrl(PG_URL, storeId), max: 4 }),
  );
  await seedFixtures(db, storeId);
  const { server, port } = await listen(app, 0, '127.0.0.1');
  const base = `http://127.0.0.1:${port}`;

  return {
    storeId,
    base,
    edge,
    metrics,
    db,
    tokens,
    async call(method, path, opts = {}) {
      const headers: Record<string, string> = { ...opts.headers };
      const token = opts.token === undefined ? tokens[opts.terminal ?? 'T1'] : opts.token;
      if (token) headers.authorization = `Bearer ${token}`;
      const changes = method !== 'GET';
      if (changes && opts.key !== null) headers['idempotency-key'] = opts.key ?? crypto.randomUUID();
      let payload: string | undefined = opts.rawBody;
      if (payload === undefined && opts.body !== undefined) payload = JSON.stringify(opts.body);
      if (payload !== undefined) headers['content-type'] ??= 'application/json';
      const res = await fetch(`${base}${path}`, { method, headers, body: payload });
      const text = await res.text();
      let body: unknown = undefined;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        body = text;
      }
      return { status: res.status, body: body as Json, text, headers: res.headers };
    },
    async close() {
      await closeServer(server as Server);
      await edge.stop();
      await edge.close();
      await db.end();
      const admin = new pg.Client({ connectionString: PG_URL });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS "${storeDatabaseName(storeId)}"`);
      await admin.end();
    },
  };
}

async function seedFixtures(db: pg.Pool, storeId: string): Promise<void> {
  for (const p of PRODUCTS) {
    await db.query(
      `INSERT INTO local_catalog (sku, barcode, name, category, brand, price_minor, tax_rate_bp) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [p.sku, p.barcode, p.name, p.category, p.brand, p.price, p.bp],
    );
    await db.query('INSERT INTO local_inventory (store_id, sku, on_hand) VALUES ($1, $2, $3)', [
      storeId,
      p.sku,
      START_STOCK,
    ]);
  }
}

export const product = (sku: string) => PRODUCTS.find((p) => p.sku === sku)!;

/** Opens a sale and scans items: [sku, quantity] pairs. */
export async function openSale(
  h: Harness,
  items: [string, number][],
  terminal = 'T1',
  extra: Record<string, unknown> = {},
) {
  const open = await h.call('POST', '/v1/transactions', {
    terminal,
    body: { cashier_id: `C-${terminal}`, ...extra },
  });
  if (open.status !== 201) throw new Error(`open failed: ${open.status} ${open.text}`);
  let view = open.body;
  for (const [sku, quantity] of items) {
    const added = await h.call('POST', `/v1/transactions/${view.id}/items`, {
      terminal,
      body: { barcode: product(sku).barcode, quantity },
    });
    if (added.status !== 201) throw new Error(`add failed: ${added.status} ${added.text}`);
    view = added.body;
  }
  return view;
}

export async function outboxRows(h: Harness) {
  const { rows } = await h.db.query<{
    store_seq: string;
    event_type: string;
    payload: Json;
    trace_id: string;
    traceparent: string | null;
    event_id: string;
  }>('SELECT store_seq, event_type, payload, trace_id, traceparent, event_id FROM outbox ORDER BY store_seq');
  return rows.map((r) => ({ ...r, store_seq: Number(r.store_seq) }));
}

export async function onHand(h: Harness, sku: string): Promise<number> {
  const { rows } = await h.db.query<{ on_hand: number }>(
    'SELECT on_hand FROM local_inventory WHERE sku = $1',
    [sku],
  );
  return rows[0]?.on_hand ?? 0;
}

export async function lastSeq(h: Harness): Promise<number> {
  const { rows } = await h.db.query<{ last_seq: string }>('SELECT last_seq FROM store_sequence');
  return Number(rows[0]!.last_seq);
}
