import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import express from 'express';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceEnv } from '@retail-stream/infra';
import {
  AvroSerde,
  closeServer,
  createLogger,
  createMetricsRegistry,
  listen,
  parseConfig,
} from '@retail-stream/runtime';
import {
  decodeAll,
  dropPgDatabase,
  Teardowns,
  testEndpoints,
  testTopics,
  TopicCollector,
  waitFor,
  type TestTopics,
  TEST_SIGNING_MASTER_KEYS,
} from '@retail-stream/runtime/testing';
import type { StoreEvent } from '@retail-stream/schemas';
// The test seeds as `npm run seed` does.
import { generateCatalogue } from '@retail-stream/fixtures';
import { seedStore, storeDatabaseName, storeDatabaseUrl } from '@retail-stream/store-edge';
import { everyCaseScript } from './customer-plan.ts';
import { hostConfig } from './host-config.ts';
import { hostControlRoutes } from './host-routes.ts';
import { LedgerWriter, parseLedger, type LedgerEntry } from './ledger.ts';
import { Simulator } from './simulator.ts';
import { StoreHost } from './store-host.ts';

const endpoints = testEndpoints(serviceEnv());
const { env, pgUrl: PG_URL, brokers: BROKERS } = endpoints;
const TOKEN_SECRET = crypto.randomBytes(24).toString('hex');
const QR_SECRET = crypto.randomBytes(12).toString('hex');

describe('multi-store host + simulator against real Postgres, Kafka and registry', () => {
  const prefix = `sim${crypto.randomBytes(3).toString('hex')}_`;
  const stores = [`${prefix}001`, `${prefix}002`];
  const metrics = createMetricsRegistry('store-host', { defaultMetrics: false });
  const ledgerFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sim-ledger-')), 'ledger.jsonl');
  const teardowns = new Teardowns({ ignoreErrors: true });
  let topics: TestTopics<'pos'>;
  let host: StoreHost | undefined;
  let hostUrl = '';

  beforeAll(async () => {
    topics = teardowns.add(await testTopics(BROKERS, 'sim', { pos: 2 }), (t) => t.drop());
    const catalogue = generateCatalogue(300, 42);
    for (const id of stores) {
      teardowns.push(() => dropPgDatabase(PG_URL, storeDatabaseName(id)));
      await seedStore(
        PG_URL,
        {
          store_id: id,
          name: `Sim ${id}`,
          timezone: 'Asia/Ho_Chi_Minh',
          currency: 'VND',
          region: 'VN-South',
        },
        catalogue,
      );
    }
    const config = parseConfig(hostConfig, {
      ...env,
      LOG_LEVEL: 'warn',
      STORES: stores.join(','),
      STORE_BASE_PORT: '0',
      TERMINALS_PER_STORE: '2',
      TERMINAL_TOKEN_SECRET: TOKEN_SECRET,
      CUSTOMER_HMAC_KEY: crypto.randomBytes(24).toString('hex'),
      QR_CALLBACK_SECRET: QR_SECRET,
      RELAY_TOPIC: topics.pos,
      SIGNING_MASTER_KEYS: TEST_SIGNING_MASTER_KEYS,
      RELAY_REGISTER_SCHEMAS: 'true',
      RELAY_BACKOFF_MAX_MS: '1000',
      RELAY_HEALTH_INTERVAL_MS: '500',
    });
    host = teardowns.add(
      await StoreHost.start({
        config,
        logger: createLogger({ service: 'store-host', level: 'warn' }),
        metrics,
      }),
      async (h) => {
        await h.stopIntake();
        await h.drain();
        await h.close();
      },
    );
    const app = express();
    app.use(hostControlRoutes(host));
    const bound = await listen(app, 0, '127.0.0.1');
    teardowns.add(bound.server, closeServer);
    hostUrl = `http://127.0.0.1:${bound.port}`;
  });

  afterAll(() => teardowns.run());

  it('sells every case through both stores with one offline episode; ledger = store databases; every outbox row reaches Kafka', async () => {
    const ledger = new LedgerWriter(ledgerFile);
    const offlineStore = stores[1]!;
    const sim = await Simulator.prepare(
      {
        storeIds: stores,
        storeCount: 2,
        terminals: 2,
        rate: 4,
        durationS: 10,
        seed: 7,
        offline: [{ storeId: offlineStore, atMs: 2_000, durationMs: 5_000 }],
        hours: { allDay: true },
        // The first delivery and count fall within the first period (seeded), well inside the run.
        receiptEveryS: 3,
        countEveryS: 4,
        // Each store's first till serves one of every case first, so the run holds each case the
        // assertions below look for whatever the random customers after them do.
        script: everyCaseScript(),
      },
      {
        hostUrl,
        tokenSecret: TOKEN_SECRET,
        qrSecret: QR_SECRET,
        ledger,
        logger: createLogger({ service: 'store-simulator', level: 'warn' }),
        metrics: createMetricsRegistry('store-simulator', { defaultMetrics: false }),
      },
    );
    sim.start();

    // While the store is offline its outbox backs up; the other store keeps publishing.
    await waitFor(() => host!.list().find((s) => s.store_id === offlineStore)?.online === false, {
      timeoutMs: 5_000,
      what: 'the store to go offline',
    });
    const during = await waitFor(
      async () => {
        const b = await host!.backlog();
        return b[offlineStore]!.backlog >= 3 ? b : undefined;
      },
      { timeoutMs: 5_000, what: 'a backlog at the offline store' },
    );
    expect(during[offlineStore]!.backlog).toBeGreaterThanOrEqual(3);

    await sim.finished;
    const stats = sim.stats.snapshot();
    expect(stats.errors_by_code).toEqual({});
    expect(stats.sales).toBeGreaterThanOrEqual(10);
    expect(host!.list().every((s) => s.online)).toBe(true);

    // Ledger: what each store acknowledged, replayed to each sale's final status.
    const entries = parseLedger(fs.readFileSync(ledgerFile, 'utf8'));
    expect(entries[0]!.kind).toBe('run_started');
    expect(entries.at(-1)!.kind).toBe('run_finished');
    expect(entries.map((e) => e.seq)).toEqual(entries.map((_, i) => i + 1));

    for (const storeId of stores) {
      const expected = expectedSales(entries, storeId);
      const mine = entries.filter((e) => 'store_id' in e && e.store_id === storeId);
      const voids = mine.flatMap((e) => (e.kind === 'void' ? [e] : []));
      const refunds = mine.flatMap((e) => (e.kind === 'refund' ? [e] : []));
      // The scripted cases, as the store acknowledged them.
      expect(voids.map((v) => v.was_paid)).toEqual(expect.arrayContaining([false, true]));
      expect(refunds.map((r) => r.whole)).toEqual(expect.arrayContaining([false, true]));
      expect(mine.filter((e) => e.kind === 'goods_receipt').length).toBeGreaterThanOrEqual(1);
      expect(mine.filter((e) => e.kind === 'stock_count').length).toBeGreaterThanOrEqual(1);
      const db = new pg.Client({ connectionString: storeDatabaseUrl(PG_URL, storeId) });
      await db.connect();
      try {
        // The declined card and the QR payment that failed in the app are kept as FAILED attempts.
        const failed = await db.query<{ method: string }>(
          "SELECT DISTINCT method FROM payments WHERE status = 'FAILED' ORDER BY method",
        );
        expect(failed.rows.map((r) => r.method)).toEqual(['CARD', 'QR']);
        // A basket abandoned before payment is voided without ever being finalized.
        const unpaid = voids.filter((v) => !v.was_paid).map((v) => v.transaction_id);
        const abandoned = await db.query<{ status: string; finalized: boolean }>(
          'SELECT DISTINCT status, finalized_at IS NOT NULL AS finalized FROM transactions WHERE id = ANY($1::uuid[])',
          [unpaid],
        );
        expect(abandoned.rows).toEqual([{ status: 'VOIDED', finalized: false }]);
        const { rows } = await db.query<{ id: string; status: string; total_minor: string }>(
          'SELECT id, status, total_minor::text FROM transactions WHERE finalized_at IS NOT NULL ORDER BY id',
        );
        const actual = Object.fromEntries(
          rows.map((r) => [r.id, { status: r.status, total_minor: Number(r.total_minor) }]),
        );
        expect(actual).toEqual(expected.sales);
        const refunds = await db.query<{ n: number; sum: string }>(
          'SELECT count(*)::int AS n, coalesce(sum(amount_minor), 0)::text AS sum FROM refunds',
        );
        expect({ n: refunds.rows[0]!.n, sum: Number(refunds.rows[0]!.sum) }).toEqual(expected.refunds);
        const receipts = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM goods_receipts');
        expect(receipts.rows[0]!.n).toBe(
          entries.filter((e) => e.kind === 'goods_receipt' && e.store_id === storeId).length,
        );
      } finally {
        await db.end();
      }
    }

    // Every outbox row of both stores reached the topic: store_seq 1..last, no gaps.
    await waitFor(async () => Object.values(await host!.backlog()).every((b) => b.backlog === 0), {
      timeoutMs: 20_000,
      what: 'both outboxes drained',
    });
    const last = await host!.backlog();
    const collector = await new TopicCollector(BROKERS, topics.pos, 'sim-test').start();
    try {
      const total = stores.reduce((n, id) => n + last[id]!.last_store_seq, 0);
      await collector.waitForCount(total, 20_000);
      await collector.settled(500);
      const serde = AvroSerde.fromConfig(endpoints.registry);
      for (const storeId of stores) {
        const events = await decodeAll<StoreEvent>(serde, collector.of(storeId));
        const seqs = [...new Set(events.map((e) => Number(e.store_seq)))].sort((a, b) => a - b);
        expect(last[storeId]!.last_store_seq).toBeGreaterThan(0);
        expect(seqs).toEqual(Array.from({ length: last[storeId]!.last_store_seq }, (_, i) => i + 1));
        expect(events.every((e) => e.store_id === storeId)).toBe(true);
      }
    } finally {
      await collector.stop();
    }

    // The host exposes each store's relay and edge metrics, labelled by store.
    const text = await metrics.metrics();
    for (const storeId of stores) {
      expect(text).toMatch(
        new RegExp(`retail_relay_published_total\\{store_id="${storeId}",component="outbox-relay"`),
      );
      expect(text).toMatch(
        new RegExp(`retail_pos_sales_finalized_total\\{store_id="${storeId}",component="store-edge"`),
      );
    }
  });
});

/** Final status and total of every finalized sale of a store, and its refunds, from the ledger alone. */
function expectedSales(entries: LedgerEntry[], storeId: string) {
  const sales: Record<string, { status: string; total_minor: number }> = {};
  const refunds = { n: 0, sum: 0 };
  for (const e of entries) {
    if (!('store_id' in e) || e.store_id !== storeId) continue;
    if (e.kind === 'sale') sales[e.transaction_id] = { status: e.status, total_minor: e.total_minor };
    if (e.kind === 'void' && e.was_paid) sales[e.transaction_id]!.status = 'VOIDED';
    if (e.kind === 'refund') {
      sales[e.transaction_id]!.status = e.transaction_status;
      refunds.n += 1;
      refunds.sum += e.amount_minor;
    }
  }
  return { sales, refunds };
}
