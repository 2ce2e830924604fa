/**
 * How long one page refresh takes: the 7 reports API calls the page makes every 2 s, straight to
 * the reports API and through the dashboard's proxy, plus /api/pipeline (Kafka admin) uncached.
 * `npm run build -w @retail-stream/dashboard && npx tsx apps/dashboard/bench/refresh-bench.ts [rounds]`
 * with the local stack up. Run once; a
 * shared machine makes the numbers indicative only.
 */
import crypto from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serviceEnv } from '@retail-stream/infra';
import { applyKpis, applyStoreEvents, hqPool, inTransaction } from '@retail-stream/postgres-sink';
import { ServiceProcess, uniqueName } from '@retail-stream/runtime/testing';
import { formatMs, summarize } from '@retail-stream/runtime/testing';
import { kpiRange } from '../web/lib/kpi-cards.ts';
import { kpiFixture, storeEventFixture } from '../test/hq-fixture.ts';
import { spawnSync } from 'node:child_process';

const ROUNDS = Number(process.argv[2] ?? 100);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const env = serviceEnv();
const schema = uniqueName('dashbench').replace(/-/g, '_');
const token = crypto.randomBytes(24).toString('base64url');

const migrated = spawnSync(
  process.execPath,
  ['--import', 'tsx', path.join(ROOT, 'sinks/postgres/src/migrate.ts')],
  {
    env: { ...process.env, PG_URL: env.PG_URL!, HQ_PG_SCHEMA: schema },
  },
);
if (migrated.status !== 0) throw new Error(`migrate failed: ${migrated.stderr.toString()}`);
const pool = hqPool(env.PG_URL!, schema, { max: 2 });
const now = Date.now();
await inTransaction(pool, (c) =>
  applyStoreEvents(
    c,
    storeEventFixture(now).map((event, i) => ({ event, partition: 0, offset: String(i) })),
  ),
);
await inTransaction(pool, (c) => applyKpis(c, kpiFixture(now)));

const reports = await ServiceProcess.start(path.join(ROOT, 'sinks/postgres/src/reports-main.ts'), {
  LOG_LEVEL: 'info',
  PG_URL: env.PG_URL!,
  HQ_PG_SCHEMA: schema,
  REPORTS_PORT: '0',
  REPORTS_API_TOKEN_SHA256: crypto.createHash('sha256').update(token).digest('hex'),
});
const reportsPort = await reports.portWhere(
  async (p) => (await fetch(`http://127.0.0.1:${p}/v1/status`)).status === 401,
);
const dashboard = await ServiceProcess.start(path.join(ROOT, 'apps/dashboard/src/main.ts'), {
  LOG_LEVEL: 'info',
  DASHBOARD_PORT: '0',
  REPORTS_API_URL: `http://127.0.0.1:${reportsPort}`,
  REPORTS_API_TOKEN: token,
  KAFKA_BROKERS: env.KAFKA_BROKERS!,
  PIPELINE_CACHE_MS: '0',
});
const dashboardPort = await dashboard.port();

/** The calls of one refresh of the chain view (web/api-client.ts fetchReports), in parallel like the page. */
function refreshPaths(): string[] {
  const t = Date.now();
  const kpi = (w: '1m' | '15m' | '1h' | '1d') =>
    `kpis?${new URLSearchParams({ window: w, ...kpiRange(w, t), limit: '1000' })}`;
  return [
    'status',
    'stores?limit=1000',
    kpi('1m'),
    kpi('15m'),
    kpi('1h'),
    kpi('1d'),
    `reports/top-products?${new URLSearchParams({
      from: new Date(t - 86_400_000).toISOString(),
      to: new Date(t + 60_000).toISOString(),
      limit: '10',
    })}`,
  ];
}

async function round(base: string, headers: Record<string, string>): Promise<number> {
  const started = performance.now();
  const answers = await Promise.all(refreshPaths().map((p) => fetch(`${base}/${p}`, { headers })));
  await Promise.all(answers.map((a) => a.text()));
  if (answers.some((a) => a.status !== 200)) throw new Error(`non-200: ${answers.map((a) => a.status)}`);
  return performance.now() - started;
}

async function measure(what: string, fn: () => Promise<number>): Promise<void> {
  for (let i = 0; i < 5; i++) await fn(); // warm-up: connections, JIT, Postgres plans
  const samples: number[] = [];
  for (let i = 0; i < ROUNDS; i++) samples.push(await fn());
  console.log(`${what.padEnd(38)} ${formatMs(summarize(samples))}`);
}

try {
  const direct = `http://127.0.0.1:${reportsPort}/v1`;
  const proxied = `http://127.0.0.1:${dashboardPort}/api/reports`;
  await measure('refresh round, direct (7 calls)', () => round(direct, { authorization: `Bearer ${token}` }));
  await measure('refresh round, via dashboard proxy', () => round(proxied, {}));
  await measure('/api/pipeline (Kafka admin, uncached)', async () => {
    const started = performance.now();
    const res = await fetch(`http://127.0.0.1:${dashboardPort}/api/pipeline`);
    await res.text();
    if (res.status !== 200) throw new Error(`pipeline ${res.status}`);
    return performance.now() - started;
  });
} finally {
  await dashboard.stop(10_000);
  await reports.stop(10_000);
  await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await pool.end();
}
