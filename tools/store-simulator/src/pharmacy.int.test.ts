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
import { generateCatalogue } from '@retail-stream/fixtures';
import { seedStore, storeDatabaseName, storeDatabaseUrl } from '@retail-stream/store-edge';
import { everyCaseScript } from './customer-plan.ts';
import { hostConfig } from './host-config.ts';
import { hostControlRoutes } from './host-routes.ts';
import { LedgerWriter, parseLedger, type LedgerEntry, type LedgerLot } from './ledger.ts';
import { pharmacyDocuments } from './pharmacy-ledger.ts';
import { DEFAULT_PHARMACY_BEHAVIOUR } from './pharmacy-plan.ts';
import { byIdSku, normaliseDates, stockPharmacy } from './pharmacy-test-stock.ts';
import { Simulator } from './simulator.ts';
import { StoreClient } from './store-client.ts';
import { StoreHost } from './store-host.ts';
import { BACK_OFFICE_TERMINAL, terminalToken } from './terminal-tokens.ts';

const endpoints = testEndpoints(serviceEnv());
const { env, pgUrl: PG_URL, brokers: BROKERS } = endpoints;
const TOKEN_SECRET = crypto.randomBytes(24).toString('hex');
const QR_SECRET = crypto.randomBytes(12).toString('hex');

type Of<K extends LedgerEntry['kind']> = Extract<LedgerEntry, { kind: K }>;
const sumLots = (lots: readonly { qty?: number; quantity?: number }[] | undefined) =>
  (lots ?? []).reduce((n, l) => n + Number(l.qty ?? l.quantity), 0);

describe('pharmacy stores in the simulator against the real store edge, Postgres, Kafka and registry', () => {
  const prefix = `pha${crypto.randomBytes(3).toString('hex')}_`;
  const pharmacyId = `${prefix}001`;
  const plainId = `${prefix}002`;
  const maCoSo = `CS-79${crypto.randomBytes(2).toString('hex')}`;
  const catalogue = generateCatalogue(300, 42); // every 10th SKU a medicine: 30 drugs
  const drugSkus = new Set(catalogue.filter((p) => p.drug).map((p) => p.sku));
  const ledgerFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sim-pharmacy-')), 'ledger.jsonl');
  const teardowns = new Teardowns({ ignoreErrors: true });
  let topics: TestTopics<'pos'>;
  let host: StoreHost | undefined;
  let hostUrl = '';

  beforeAll(async () => {
    topics = teardowns.add(await testTopics(BROKERS, 'simpha', { pos: 2 }), (t) => t.drop());
    const profile = { timezone: 'Asia/Ho_Chi_Minh', currency: 'VND', region: 'VN-South' };
    for (const [id, code] of [
      [pharmacyId, maCoSo],
      [plainId, null],
    ] as const) {
      teardowns.push(() => dropPgDatabase(PG_URL, storeDatabaseName(id)));
      await seedStore(
        PG_URL,
        { store_id: id, name: `Sim ${id}`, pharmacy_code: code, ...profile },
        catalogue,
      );
    }
    const config = parseConfig(hostConfig, {
      ...env,
      LOG_LEVEL: 'warn',
      STORES: `${pharmacyId},${plainId}`,
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
        metrics: createMetricsRegistry('store-host', { defaultMetrics: false }),
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

    const info = host.list().find((s) => s.store_id === pharmacyId)!;
    const bo = new StoreClient({
      baseUrl: info.url,
      token: terminalToken(TOKEN_SECRET, pharmacyId, BACK_OFFICE_TERMINAL),
    });
    await stockPharmacy(bo, storeDatabaseUrl(PG_URL, pharmacyId), pharmacyId, [...drugSkus]);
  });

  afterAll(() => teardowns.run());

  it('sells FEFO-lotted mixed baskets with prescriptions, receives drugs with lots, writes lots off; ledger = store = events', async () => {
    const sim = await Simulator.prepare(
      {
        storeIds: [pharmacyId, plainId],
        storeCount: 2,
        terminals: 2,
        rate: 4,
        durationS: 10,
        seed: 7,
        offline: [],
        hours: { allDay: true },
        receiptEveryS: 2,
        countEveryS: 0,
        writeOffEveryS: 2,
        // Every delivery is medicines and every write-off takes an expired lot while there is one,
        // so what the run does is what the assertions expect, whatever the random store id seeds.
        pharmacyBehaviour: { ...DEFAULT_PHARMACY_BEHAVIOUR, drugReceiptRate: 1, expiryRate: 1 },
        // Voids before and after payment and a whole refund with goods back, at both stores.
        script: everyCaseScript().map((c, i) =>
          c.kind === 'checkout' && i < 2 ? { ...c, prescription: i === 0 } : c,
        ),
      },
      {
        hostUrl,
        tokenSecret: TOKEN_SECRET,
        qrSecret: QR_SECRET,
        ledger: new LedgerWriter(ledgerFile),
        logger: createLogger({ service: 'store-simulator', level: 'warn' }),
        metrics: createMetricsRegistry('store-simulator', { defaultMetrics: false }),
      },
    );
    sim.start();
    await sim.finished;
    const stats = sim.stats.snapshot();
    expect(stats.errors_by_code).toEqual({});

    const entries = parseLedger(fs.readFileSync(ledgerFile, 'utf8'));
    expect((entries[0] as Of<'run_started'>).stores.map((s) => s.pharmacy_code)).toEqual([maCoSo, null]);
    const at = (id: string) => entries.filter((e) => 'store_id' in e && e.store_id === id);
    const kind = <K extends LedgerEntry['kind']>(list: LedgerEntry[], k: K) =>
      list.filter((e): e is Of<K> => e.kind === k);

    // The ordinary store: nothing of a pharmacy.
    const plain = at(plainId);
    expect(kind(plain, 'sale').length).toBeGreaterThan(0);
    expect(kind(plain, 'pharmacy_document')).toEqual([]);
    expect(kind(plain, 'write_off')).toEqual([]);
    expect(kind(plain, 'sale').every((s) => !('prescription_code' in s))).toBe(true);
    // Only pharmacies sell (and receive) medicines.
    expect(kind(plain, 'sale').flatMap((s) => s.lines.filter((l) => drugSkus.has(l.sku)))).toEqual([]);

    // The pharmacy: every sale holds a medicine (mixed with other products now and then), some
    // against a prescription; drug receipts carry lots summing to each line; write-offs name lots.
    const mine = at(pharmacyId);
    const sales = kind(mine, 'sale');
    const receipts = kind(mine, 'goods_receipt');
    const writeOffs = kind(mine, 'write_off');
    const refunds = kind(mine, 'refund');
    expect(sales.length).toBeGreaterThanOrEqual(6);
    expect(sales.every((s) => s.lines.some((l) => drugSkus.has(l.sku)))).toBe(true);
    expect(sales.some((s) => s.lines.some((l) => !drugSkus.has(l.sku)))).toBe(true);
    expect(new Set(sales.map((s) => s.prescription_code === null))).toEqual(new Set([true, false]));
    expect(receipts.length).toBeGreaterThanOrEqual(2);
    for (const r of receipts) {
      for (const l of r.lines) expect(sumLots(l.lots)).toBe(drugSkus.has(l.sku) ? l.qty : 0);
    }
    // Write-offs every 2 s for 10 s: the two expired lots whole, then damaged units of fresh lots.
    expect(writeOffs.length).toBeGreaterThanOrEqual(3);
    expect(
      writeOffs
        .filter((w) => w.reason === 'EXPIRY')
        .map((w) => w.lines.map((l) => `${l.lots.map((x) => x.lot_no).join()}:${l.qty}`).join())
        .sort(),
    ).toEqual(['EXP-1:3', 'EXP-2:4']);
    expect(writeOffs.slice(0, 2).map((w) => w.reason)).toEqual(['EXPIRY', 'EXPIRY']);
    for (const w of writeOffs.slice(2)) {
      expect(w.reason).toBe('DESTRUCTION');
      expect(w.lines[0]!.qty).toBeLessThanOrEqual(2);
    }
    for (const w of writeOffs) {
      expect(['EXPIRY', 'DESTRUCTION']).toContain(w.reason);
      for (const l of w.lines) expect(sumLots(l.lots)).toBe(l.qty);
    }
    const restocked = refunds.filter((r) => r.restock);
    expect(restocked.length).toBeGreaterThanOrEqual(1);

    // Its national documents: one per sale, drug receipt, refund with goods back and write-off;
    // the sale voided after payment is voided.
    const { documents, problems } = pharmacyDocuments(entries);
    expect(problems).toEqual([]);
    expect(documents.every((d) => d.store_id === pharmacyId && d.ma_co_so === maCoSo)).toBe(true);
    const docs = (type: string, loai: number | null) =>
      documents
        .filter((d) => d.doc_type === type && d.loai === loai)
        .map((d) => d.local_id)
        .sort();
    expect(docs('hoa_don', null)).toEqual(sales.map((s) => s.transaction_id).sort());
    expect(docs('phieu_nhap', 1)).toEqual(
      receipts
        .filter((r) => r.lines.some((l) => drugSkus.has(l.sku)))
        .map((r) => r.receipt_id)
        .sort(),
    );
    expect(docs('phieu_nhap', 2)).toEqual(
      restocked
        .filter((r) => r.lines.some((l) => drugSkus.has(l.sku)))
        .map((r) => r.refund_id)
        .sort(),
    );
    expect(docs('phieu_xuat', 3)).toEqual(writeOffs.map((w) => w.adjustment_id).sort());
    const paidVoids = kind(mine, 'void')
      .filter((v) => v.was_paid)
      .map((v) => v.transaction_id);
    expect(paidVoids.length).toBeGreaterThanOrEqual(1);
    expect(
      documents
        .filter((d) => d.voided)
        .map((d) => d.local_id)
        .sort(),
    ).toEqual(paidVoids.sort());
    expect(kind(mine, 'void').some((v) => !v.was_paid)).toBe(true);
    for (const d of documents) {
      expect(d.lines.every((l) => drugSkus.has(l.sku))).toBe(true);
      expect(d.qty_total).toBe(d.lines.reduce((n, l) => n + l.qty, 0));
      for (const l of d.lines) expect(sumLots(l.lots)).toBe(l.qty);
    }
    expect(stats.pharmacy_documents).toBe(documents.length);
    expect(stats.write_offs).toBe(writeOffs.length);

    // The store's own database: FEFO lots of every sold medicine line (never an expired lot), the
    // prescriptions, the receipts' and write-offs' lots, as the ledger states them.
    const db = new pg.Client({ connectionString: storeDatabaseUrl(PG_URL, pharmacyId) });
    await db.connect();
    try {
      const { rows: sold } = await db.query<{
        transaction_id: string;
        sku: string;
        quantity: number;
        lot_quantity: number;
        lots: string[];
        expired: boolean;
        prescription_code: string | null;
      }>(
        `SELECT li.transaction_id::text, li.sku, li.quantity, coalesce(sum(l.quantity), 0)::int AS lot_quantity,
                coalesce(array_agg(l.lot_no || ':' || l.quantity ORDER BY l.expires_on, l.lot_no) FILTER (WHERE l.lot_no IS NOT NULL), '{}') AS lots,
                coalesce(bool_or(l.expires_on <= (t.finalized_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date), false) AS expired,
                t.prescription_code
           FROM line_items li JOIN transactions t ON t.id = li.transaction_id
           LEFT JOIN line_item_lots l ON l.transaction_id = li.transaction_id AND l.line_no = li.line_no
          WHERE t.finalized_at IS NOT NULL
          GROUP BY li.transaction_id, li.line_no, li.sku, li.quantity, t.prescription_code`,
      );
      const saleIds = new Set(sales.map((s) => s.transaction_id));
      expect(new Set(sold.map((r) => r.transaction_id))).toEqual(saleIds);
      for (const r of sold) {
        expect(r.lot_quantity).toBe(drugSkus.has(r.sku) ? r.quantity : 0);
        expect(r.expired).toBe(false);
      }
      // The ledger's sale lines name the same lots (the store's answer to finalize shows them).
      const ledgerSold = sales.flatMap((sale) =>
        sale.lines.map((l) => ({
          transaction_id: sale.transaction_id,
          sku: l.sku,
          lots: (l.lots ?? []).map((x) => `${x.lot_no}:${x.qty}`),
        })),
      );
      const key = (x: { transaction_id: string; sku: string }) => `${x.transaction_id}/${x.sku}`;
      expect(
        sold
          .map((r) => ({ transaction_id: r.transaction_id, sku: r.sku, lots: r.lots }))
          .sort((a, b) => key(a).localeCompare(key(b))),
      ).toEqual(ledgerSold.sort((a, b) => key(a).localeCompare(key(b))));
      const prescriptions = Object.fromEntries(sold.map((r) => [r.transaction_id, r.prescription_code]));
      expect(prescriptions).toEqual(
        Object.fromEntries(sales.map((s) => [s.transaction_id, s.prescription_code])),
      );
      const { rows: receiptLots } = await db.query<{ id: string; sku: string; lots: LedgerLot[] }>(
        `SELECT r.id::text, l.sku, (SELECT coalesce(jsonb_agg(jsonb_build_object('lot_no', x->>'lot_no',
                  'manufactured_on', x->>'manufactured_on', 'expires_on', x->>'expires_on', 'qty', (x->>'quantity')::int)), '[]')
                  FROM jsonb_array_elements(l.lots) x) AS lots
           FROM goods_receipts r JOIN goods_receipt_lines l ON l.receipt_id = r.id WHERE r.supplier_id <> 'TOPUP'`,
      );
      const ledgerLots = receipts.flatMap((r) =>
        r.lines.map((l) => ({ id: r.receipt_id, sku: l.sku, lots: l.lots ?? [] })),
      );
      expect(receiptLots.map(normaliseDates).sort(byIdSku)).toEqual(ledgerLots.sort(byIdSku));
      const { rows: adjustments } = await db.query<{ id: string; reason: string }>(
        "SELECT id::text, reason FROM inventory_adjustments WHERE reason IN ('EXPIRY', 'DESTRUCTION') ORDER BY id",
      );
      expect(adjustments).toEqual(
        writeOffs
          .map((w) => ({ id: w.adjustment_id, reason: w.reason }))
          .sort((a, b) => a.id.localeCompare(b.id)),
      );
    } finally {
      await db.end();
    }

    // What the national sync will read: the pharmacy's events carry the lots and prescriptions.
    await waitFor(async () => Object.values(await host!.backlog()).every((b) => b.backlog === 0), {
      timeoutMs: 20_000,
      what: 'both outboxes drained',
    });
    const last = (await host!.backlog())[pharmacyId]!.last_store_seq;
    const collector = await new TopicCollector(BROKERS, topics.pos, 'simpha-test').start();
    try {
      await waitFor(() => (collector.of(pharmacyId).length >= last ? true : undefined), {
        timeoutMs: 20_000,
        what: "the pharmacy's events",
      });
      const events = await decodeAll<StoreEvent>(
        AvroSerde.fromConfig(endpoints.registry),
        collector.of(pharmacyId),
      );
      const recorded = events.flatMap((e) => (e.event_type === 'SaleRecorded' ? [e] : []));
      expect(recorded.map((e) => e.transaction_id).sort()).toEqual(sales.map((s) => s.transaction_id).sort());
      const ledgerSale = new Map(sales.map((s) => [s.transaction_id, s]));
      for (const e of recorded) {
        expect(e.prescription_code).toBe(ledgerSale.get(e.transaction_id)!.prescription_code);
        for (const l of e.lines) {
          expect(sumLots(l.lots)).toBe(drugSkus.has(l.sku) ? l.quantity : 0);
          // First expiry first out: a line's lots in expiry order.
          const expiries = l.lots.map((x) => x.expires_on);
          expect(expiries).toEqual([...expiries].sort((a, b) => a - b));
        }
      }
      const received = events.flatMap((e) => (e.event_type === 'GoodsReceived' ? [e] : []));
      expect(received.length).toBe(receipts.length + 1); // + the test's top-up
      const adjusted = events.flatMap((e) =>
        e.event_type === 'InventoryAdjusted' && (e.reason === 'EXPIRY' || e.reason === 'DESTRUCTION')
          ? [e]
          : [],
      );
      expect(adjusted.map((e) => e.adjustment_id).sort()).toEqual(
        writeOffs.map((w) => w.adjustment_id).sort(),
      );
      for (const e of adjusted) for (const s of e.stock) expect(sumLots(s.lots)).toBe(-s.delta);
    } finally {
      await collector.stop();
    }
  });
});
