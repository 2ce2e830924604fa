/**
 * National pharmacy sync throughput: `npm run bench:national-sync`, or
 * `npx tsx sinks/national-pharmacy/bench/national-sync-bench.ts [--documents 3000] [--accounts 4]`.
 *
 * Against the mock authority at 50 ms per call (over HTTP), with 4 pharmacy accounts:
 * 1. documents/s: drug sales preloaded on a fresh enriched topic, the sync in this process (sale
 *    flow concurrency --concurrency); timed from the first document recorded to the last
 *    SYNC_SUCCESS (synced_at in Postgres).
 * 2. the ceiling: the same calls (one POST per document, a login per account) made by a plain
 *    loop with the same concurrency against the same mock, in the same run.
 * 3. latency: sales produced at --rate per second for --seconds; p50/p99 from the sale's
 *    occurred_at to its SYNC_SUCCESS.
 */
import { parseArgs } from 'node:util';
import { mapBounded } from '@retail-stream/runtime';
import { formatMs, summarize } from '@retail-stream/runtime/testing';
import { documentPlanOf, type CreatePlan } from '../src/mapping/document-plans.ts';
import { accountsFor, SyncTestBed } from '../test/harness.ts';
import { lot, PharmacyEvents } from '../test/pharmacy-events.ts';

const { values } = parseArgs({
  options: {
    documents: { type: 'string', default: '3000' },
    accounts: { type: 'string', default: '4' },
    concurrency: { type: 'string', default: '32' },
    latency: { type: 'string', default: '50' },
    rate: { type: 'string', default: '20' },
    seconds: { type: 'string', default: '15' },
  },
});
const total = Number(values.documents);
const concurrency = Number(values.concurrency);
const codes = Array.from({ length: Number(values.accounts) }, (_, i) => `CS-BENCH-${i + 1}`);
const accounts = accountsFor(codes);
const bed = await new SyncTestBed(accounts).setup({ faults: { latencyMs: Number(values.latency) } });
const stores = codes.map((c, i) => new PharmacyEvents({ storeId: `S-BENCH-${i + 1}`, maCoSo: c }));
const sale = (ev: PharmacyEvents, i: number) =>
  ev.sale([
    ['MED-PARA', 2, 1000 + (i % 50), [lot(`B${i % 7}`, 1), lot(`C${i % 5}`, 1)]],
    ['MED-AMOX', 1, 85_000, [lot('A1', 1)]],
  ]);
const env = {
  NATIONAL_SYNC_SALE_CONCURRENCY: String(concurrency),
  // The authority's limits are undocumented; the bench measures the machinery, not our pacing.
  NATIONAL_SYNC_RATE_PER_ACCOUNT: '10000',
  SINK_PARTITIONS_CONCURRENTLY: '2',
  LOG_LEVEL: 'warn',
};
const out: Record<string, unknown> = {
  documents: total,
  accounts: codes.length,
  concurrency,
  latency_ms: Number(values.latency),
};
try {
  // 1. Throughput of the sync.
  const events = Array.from({ length: total }, (_, i) => sale(stores[i % stores.length]!, i));
  process.stdout.write(`preloading ${total} sales of ${codes.length} pharmacies…\n`);
  await bed.produce(events);
  const sync = await bed.startInProcess(env);
  await bed.settled(total, 600_000);
  const span = await bed.pool.query<{ s: number; failed: number }>(
    `SELECT extract(epoch FROM max(synced_at) - min(created_at))::float8 AS s,
            count(*) FILTER (WHERE status <> 'SYNC_SUCCESS')::int AS failed FROM documents`,
  );
  const syncSeconds = span.rows[0]!.s;
  out.sync_docs_per_s = Math.round(total / syncSeconds);
  out.sync_not_success = span.rows[0]!.failed;
  out.mock_documents = bed.mock.documents().length;
  const calls = await bed.pool.query<{ avg: number; p99: number }>(
    `SELECT avg(duration_ms)::float8 AS avg, percentile_cont(0.99) WITHIN GROUP (ORDER BY duration_ms)::float8 AS p99
       FROM attempts`,
  );
  // The authority's share of each document's time (the rest is queueing, Postgres and the event loop).
  out.sync_call_ms = { avg: Math.round(calls.rows[0]!.avg), p99: Math.round(calls.rows[0]!.p99) };

  // 2. The ceiling: the same POSTs from a plain concurrent loop (fresh ids), same mock, same concurrency.
  const tokens = new Map<string, string>();
  for (const a of accounts) {
    const r = await fetch(`${bed.mock.url}/api/tai_khoan/dang_nhap`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ usr: a.usr, pwd: a.pwd }),
    });
    tokens.set(a.ma_co_so, ((await r.json()) as { data: { token: string } }).data.token);
  }
  const plans = Array.from(
    { length: total },
    (_, i) => documentPlanOf(sale(stores[i % stores.length]!, i)) as CreatePlan,
  );
  const t0 = performance.now();
  let okCount = 0;
  await mapBounded(plans, concurrency, async (p) => {
    const r = await fetch(`${bed.mock.url}/api/lien_thong/hoa_don`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens.get(p.maCoSo)}` },
      body: JSON.stringify(p.payload),
    });
    if (r.ok) okCount++;
    await r.text();
  });
  const loopSeconds = (performance.now() - t0) / 1000;
  out.ceiling_docs_per_s = Math.round(okCount / loopSeconds);
  out.ratio = Number(((out.sync_docs_per_s as number) / (out.ceiling_docs_per_s as number)).toFixed(2));

  // 3. Latency from the sale to SYNC_SUCCESS at a steady rate.
  const rate = Number(values.rate);
  const seconds = Number(values.seconds);
  await bed.pool.query('TRUNCATE attempts, documents');
  const started = Date.now();
  for (let k = 0; k < rate * seconds; k++) {
    const due = started + (k * 1000) / rate;
    if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
    await bed.produce([sale(stores[k % stores.length]!, k)]);
  }
  await bed.settled(rate * seconds, 120_000);
  const lat = await bed.pool.query<{ ms: number }>(
    `SELECT extract(epoch FROM synced_at - occurred_at)::float8 * 1000 AS ms FROM documents ORDER BY 1`,
  );
  out.latency_at_rate = `${rate}/s for ${seconds}s: ${formatMs(summarize(lat.rows.map((r) => r.ms)))}`;
  await sync.stop();
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
} finally {
  await bed.teardown();
}
