import { createClient } from '@clickhouse/client';
import pg from 'pg';
import { AvroSerde, clickhouseClientOptions } from '@retail-stream/runtime';
import type { StoreEvent } from '@retail-stream/schemas';
import { cassandraConnectionConfig, createCassandraClient } from '@retail-stream/cassandra-sink';
import { recomputeExact } from '@retail-stream/kpi-windows';
import type { LedgerEntry } from '@retail-stream/store-simulator';
import { pipelineNames } from '../pipeline/pipeline-names.ts';
import type { ServiceEndpoints } from '../pipeline/pipeline-spec.ts';
import { countCheck, isClean, reconcile, type CheckRow } from '../reconcile.ts';
import { groupLag, waitForDrain } from './drain.ts';
import { compareStock, expectedStock, stockKey } from './inventory-compare.ts';
import { compareDailyKpis, expectedDailyKpis } from './kpi-compare.ts';
import {
  hqStatus,
  ledgerExpectations,
  type ExpectedRefund,
  type ExpectedSale,
} from './ledger-expectations.ts';
import { nationalDocumentsAfterSync } from './national-reads.ts';
import { compareNationalDocuments, expectedNationalDocuments } from './pharmacy-compare.ts';
import { seqCompleteness } from './seq-completeness.ts';
import * as reads from './sink-reads.ts';
import { readTopicToEnd } from './topic-reader.ts';

/**
 * The end-to-end check: the simulator's ledger (what the stores acknowledged) and the stores' own
 * databases against every sink, after the pipeline drained. One table row per check.
 */

export interface CheckOptions {
  entries: readonly LedgerEntry[];
  runSuffix: string;
  /** Seconds to wait for the pipeline to drain before checking (0: check at once). */
  waitSeconds: number;
  expectDlq: number;
  endpoints: ServiceEndpoints;
  /** KPI settings of the run (the service defaults unless the run changed them). */
  kpi?: { defaultTimeZone: string; chainTimeZone: string; chainCurrency: string };
  log?: (line: string) => void;
}

export interface CheckResult {
  rows: CheckRow[];
  clean: boolean;
  drained: boolean;
  pending: string;
}

const KPI_DEFAULTS = {
  defaultTimeZone: 'Asia/Ho_Chi_Minh',
  chainTimeZone: 'Asia/Ho_Chi_Minh',
  chainCurrency: 'VND',
};
// Rows of the same stores written by earlier runs (the demo reuses its names) are not this run's.
const SINCE_MARGIN_MS = 60_000;

export async function runCheck(opts: CheckOptions): Promise<CheckResult> {
  const log = opts.log ?? (() => undefined);
  const x = ledgerExpectations(opts.entries);
  const names = pipelineNames(opts.runSuffix);
  const stores = x.storeIds;
  const sinceMs = x.startedAt ? Date.parse(x.startedAt) - SINCE_MARGIN_MS : 0;
  const sinceIso = new Date(sinceMs).toISOString();
  const brokers = opts.endpoints.KAFKA_BROKERS.split(',');
  const e = opts.endpoints;

  const hq = new pg.Client({ connectionString: e.PG_URL });
  await hq.connect();
  const ch = createClient({
    ...clickhouseClientOptions(e.CLICKHOUSE_URL),
    database: reads.checkIdentifier('ch', names.clickhouseDatabase),
  });
  const cass = createCassandraClient(
    cassandraConnectionConfig.parse({
      CASSANDRA_CONTACT_POINTS: e.CASSANDRA_CONTACT_POINTS,
      CASSANDRA_LOCAL_DC: e.CASSANDRA_LOCAL_DC,
    }),
  );
  try {
    let drained = true;
    let pending = '';
    if (opts.waitSeconds > 0) {
      const g = names.groups;
      const t = names.topics;
      const r = await waitForDrain(
        {
          lag: () =>
            groupLag(brokers, [
              { groupId: g.ingest, topics: [t.pos] },
              { groupId: g.kpi, topics: [t.enriched] },
              { groupId: g.postgres, topics: [t.enriched, t.kpi] },
              { groupId: g.clickhouse, topics: [t.enriched, t.kpi] },
              { groupId: g.cassandra, topics: [t.enriched] },
              { groupId: names.national.group, topics: [t.enriched] },
            ]),
          unpublished: async () => {
            const states = await Promise.all(stores.map((s) => reads.storeEdgeState(e.PG_URL, s, false)));
            return states.reduce((sum, s) => sum + s.unpublished, 0);
          },
          progress: async () =>
            `${await reads.hqProgress(hq, names.pgSchema, stores)}|${await reads.chProgress(ch, stores)}`,
        },
        { timeoutMs: opts.waitSeconds * 1000, log },
      );
      drained = r.drained;
      pending = r.pending;
      if (!drained) log(`the pipeline did not drain in ${opts.waitSeconds} s (${pending}); checking anyway`);
    }

    const rows: CheckRow[] = [];
    rows.push(countCheck('ledger consistent', 0, x.problems.length, x.problems.slice(0, 3).join('; ')));

    // --- store edges: the truth for stock and sequences ---
    const edges = await Promise.all(stores.map((s) => reads.storeEdgeState(e.PG_URL, s)));
    const moved = new Set(edges.flatMap((s) => s.movedSkus.map((sku) => stockKey(s.store_id, sku))));
    const wantStock = expectedStock(
      edges.flatMap((s) => s.inventory),
      moved,
    );
    const lastSeq = new Map(edges.map((s) => [s.store_id, s.lastSeq]));
    rows.push(
      countCheck(
        'store outboxes published',
        0,
        edges.reduce((n, s) => n + s.unpublished, 0),
      ),
    );

    // --- Postgres HQ ---
    const wantSales = x.sales;
    const pgTx = await reads.hqTransactions(hq, names.pgSchema, stores, sinceIso);
    rows.push(salesCheck('postgres hq_transactions (sale, total)', wantSales, pgTx));
    rows.push(
      reconcile(
        'postgres hq_transactions (void/refund)',
        wantSales,
        pgTx.map((r) => ({ key: r.transaction_id, value: r })),
        (w, f) =>
          f.status === hqStatus(w) &&
          f.refunded_minor === w.refunded_minor &&
          f.refund_count === w.refund_count,
        (v) =>
          'transaction_id' in v
            ? `${v.status} refunded ${v.refunded_minor}`
            : `${hqStatus(v)} refunded ${v.refunded_minor}`,
      ),
    );
    const wantRefunds = x.refunds;
    rows.push(
      refundsCheck(
        'postgres hq_refunds',
        wantRefunds,
        await reads.hqRefunds(hq, names.pgSchema, stores, sinceIso),
      ),
    );
    rows.push(
      compareStock(
        'postgres hq_inventory = store stock',
        wantStock,
        await reads.hqInventory(hq, names.pgSchema, stores),
      ),
    );
    rows.push(
      seqCompleteness(
        'postgres hq_inbox store_seq 1..last',
        lastSeq,
        await reads.hqInboxStats(hq, names.pgSchema, stores),
      ),
    );

    // --- ClickHouse ---
    const chSales = await reads.chSales(ch, stores, sinceMs);
    rows.push(salesCheck('clickhouse sales (collapsed)', wantSales, chSales));
    rows.push(
      reconcile(
        'clickhouse voids',
        x.voids,
        (await reads.chVoids(ch, stores, sinceMs)).map((r) => ({ key: r.transaction_id, value: r })),
        (w, f) => Boolean(f.was_paid) === w.was_paid && f.total_minor === w.total_minor,
      ),
    );
    rows.push(refundsCheck('clickhouse refunds', wantRefunds, await reads.chRefunds(ch, stores, sinceMs)));
    rows.push(
      compareStock(
        'clickhouse movements last on_hand = store stock',
        wantStock,
        await reads.chInventory(ch, stores),
      ),
    );

    // --- Cassandra ---
    const ks = names.cassandraKeyspace;
    const views = await reads.cassTransactions(
      cass,
      ks,
      [...x.sales].map(([id, s]) => ({ id, store: s.store_id })),
    );
    rows.push(
      reconcile(
        'cassandra transaction_by_id_and_store',
        wantSales,
        views.filter((v) => v.view).map((v) => ({ key: v.id, value: v.view! })),
        (w, f) => f.storeId === w.store_id && sameCassandraState(w, f),
        describeCassandraState,
      ),
    );
    const storeDays = new Map<string, { store_id: string; day: string }>();
    for (const v of views) {
      if (v.view?.storeId && v.view.day)
        storeDays.set(`${v.view.storeId}|${v.view.day}`, { store_id: v.view.storeId, day: v.view.day });
    }
    const daySales = await reads.cassSalesByDay(cass, ks, [...storeDays.values()]);
    rows.push(
      reconcile(
        'cassandra sales_by_store_day',
        wantSales,
        daySales.filter((s) => s.occurredAt >= sinceMs).map((s) => ({ key: s.transactionId, value: s })),
        (w, f) => f.store_id === w.store_id && sameCassandraState(w, f),
        describeCassandraState,
      ),
    );
    rows.push(
      compareStock(
        'cassandra inventory_by_store = store stock',
        wantStock,
        await reads.cassInventory(cass, ks, stores),
      ),
    );

    // --- Kafka: enriched topic once per event, KPIs against the exact recomputation, DLQ ---
    const serde = AvroSerde.fromConfig(e);
    const enriched = await readTopicToEnd(brokers, names.topics.enriched);
    const events = new Map<string, StoreEvent>();
    let copies = 0;
    for (const rec of enriched) {
      const ev = (await serde.decode<StoreEvent>(rec.value)).value;
      if (events.has(ev.event_id)) copies += 1;
      else events.set(ev.event_id, ev);
    }
    const runEvents = [...events.values()].filter((ev) => lastSeq.has(ev.store_id));
    const enrichedRow = countCheck(
      'enriched topic: every outbox event once',
      [...lastSeq.values()].reduce((a, b) => a + b, 0),
      runEvents.length,
    );
    enrichedRow.duplicated = copies;
    rows.push(enrichedRow);

    const exact = recomputeExact(events.values(), opts.kpi ?? KPI_DEFAULTS);
    const scopes = new Set([...stores.map((s) => `store:${s}`), 'chain']);
    const wantKpi = expectedDailyKpis(exact.values(), scopes, sinceMs);
    rows.push(
      compareDailyKpis(
        'postgres kpi_windows D1_LOCAL = exact (gmv, orders)',
        wantKpi,
        await reads.hqDailyKpis(hq, names.pgSchema),
        scopes,
        sinceMs,
      ),
    );

    const dlq = await readTopicToEnd(brokers, names.topics.dlq);
    const dlqOfRun = dlq.filter((r) => r.timestamp >= sinceMs);
    // --- National pharmacy authority (the mock), fed by the national sync ---
    rows.push(
      compareNationalDocuments(
        expectedNationalDocuments(opts.entries),
        await nationalDocumentsAfterSync(hq, names, opts.waitSeconds, log),
      ),
    );

    rows.push(countCheck('dead letters', opts.expectDlq, dlqOfRun.length));

    return { rows, clean: rows.every(isClean), drained, pending };
  } finally {
    await Promise.allSettled([hq.end(), ch.close(), cass.shutdown()]);
  }
}

/** Every sale once, with its store, total and currency (the HQ and ClickHouse sales tables). */
function salesCheck(
  check: string,
  want: ReadonlyMap<string, ExpectedSale>,
  found: readonly {
    transaction_id: string;
    store_id: string;
    total_minor: number | null;
    currency: string | null;
  }[],
): CheckRow {
  return reconcile(
    check,
    want,
    found.map((r) => ({ key: r.transaction_id, value: r })),
    (w, f) => f.store_id === w.store_id && f.total_minor === w.total_minor && f.currency === w.currency,
    (v) => `${v.total_minor} ${v.currency}`,
  );
}

/** Every refund once, with its amount and sale. */
function refundsCheck(
  check: string,
  want: ReadonlyMap<string, ExpectedRefund>,
  found: readonly { refund_id: string; transaction_id: string; amount_minor: number }[],
): CheckRow {
  return reconcile(
    check,
    want,
    found.map((r) => ({ key: r.refund_id, value: r })),
    (w, f) => w.amount_minor === f.amount_minor && w.transaction_id === f.transaction_id,
  );
}

interface CassandraSaleState {
  totalMinor: number | null;
  status: string | null;
  refundedMinor: number;
}

/** Total, status and refunds of a sale in a Cassandra view (by id or by store and day). */
function sameCassandraState(w: ExpectedSale, f: CassandraSaleState): boolean {
  return f.totalMinor === w.total_minor && f.status === hqStatus(w) && f.refundedMinor === w.refunded_minor;
}

function describeCassandraState(v: ExpectedSale | CassandraSaleState): string {
  return 'total_minor' in v
    ? `${v.total_minor} ${hqStatus(v)} refunded ${v.refunded_minor}`
    : `${v.totalMinor} ${v.status} refunded ${v.refundedMinor}`;
}
