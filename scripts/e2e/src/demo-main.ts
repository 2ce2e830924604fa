import fs from 'node:fs';
import path from 'node:path';
import { parseCliOrExit } from '@retail-stream/runtime';
import { buildServiceBundle } from '@retail-stream/scripts/bundle';
import { Supervisor, type ChildState } from '@retail-stream/scripts/supervisor';
import { z } from 'zod';
import { localEndpoints } from './pipeline/local-endpoints.ts';
import { generateSecrets } from './pipeline/pipeline-names.ts';
import { DEMO_PORTS, HQ_SERVICE_ENTRIES, REPO_ROOT, pipelineGroups } from './pipeline/pipeline-spec.ts';

/**
 * `npm run demo` after the services are up: migrations, seed, reference data, every pipeline
 * service under one supervisor (prefixed logs, clean Ctrl-C), the store simulator selling, and a
 * live one-line summary. Runs until Ctrl-C unless --duration is given.
 */

const USAGE = `usage: demo [--stores N (20)] [--terminals N (3)] [--rate SALES_PER_S (20)] [--duration S (0 = until Ctrl-C)] [--no-dashboard]`;

const values = parseCliOrExit({
  usage: USAGE,
  options: {
    stores: { type: 'string', default: '20' },
    terminals: { type: 'string', default: '3' },
    rate: { type: 'string', default: '20' },
    duration: { type: 'string', default: '0' },
    'no-dashboard': { type: 'boolean', default: false },
  },
  schema: z.object({
    stores: z.coerce.number().min(1).max(100),
    terminals: z.coerce.number().min(1).max(10),
    rate: z.coerce.number().min(0.1).max(5_000),
    duration: z.coerce
      .number()
      .min(0)
      .max(7 * 24 * 3600),
    'no-dashboard': z.boolean(),
  }),
});
const { stores, terminals, rate, duration } = values;
const dashboard = !values['no-dashboard'];

const ledgerDir = path.join(REPO_ROOT, '.data', 'demo');
fs.mkdirSync(ledgerDir, { recursive: true });
const ledger = path.join(ledgerDir, `ledger-${new Date().toISOString().replace(/[:.]/g, '-')}.jsonl`);
const secrets = generateSecrets();
const p = DEMO_PORTS;

// The HQ services run from their bundles in dist/, as their containers do (npm run build:services).
const bundles = new Map<string, string>();
for (const entry of HQ_SERVICE_ENTRIES) {
  const built = await buildServiceBundle(entry);
  bundles.set(entry, path.join(REPO_ROOT, built.outfile));
}
const { groups } = pipelineGroups({
  bundles,
  endpoints: localEndpoints(),
  ports: p,
  stores,
  terminalsPerStore: terminals,
  runSuffix: '',
  skus: 500,
  dashboard,
  simulator: { rate, duration, terminals, offline: [], ledger, seed: Date.now() % 100_000 },
  logLevel: 'warn',
  secrets,
});
if (dashboard) {
  groups[0]!.push({
    name: 'build-ui',
    command: process.execPath,
    args: [path.join(REPO_ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn'],
    cwd: path.join(REPO_ROOT, 'sinks', 'dashboard'),
    oneShot: true,
  });
}

interface Status {
  events_total?: number;
  last_kpi_updated_at?: string | null;
}
interface NationalStatus {
  counts?: { status: string; documents: number }[];
}
interface SimStatus {
  elapsed_s?: number;
  stats?: { sales?: number; errors?: number };
}

async function getJson<T>(url: string, token?: string): Promise<T | undefined> {
  try {
    const res = await fetch(url, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
      signal: AbortSignal.timeout(1_000),
    });
    return res.ok ? ((await res.json()) as T) : undefined;
  } catch {
    return undefined;
  }
}

let started = false;
const summary = async (states: readonly ChildState[]): Promise<string | undefined> => {
  if (!started) {
    const up = states.filter((s) => s.status === 'ready' || s.status === 'done').length;
    return `starting: ${up}/${states.length} processes ready`;
  }
  const [hq, sim, national] = await Promise.all([
    getJson<Status>(`http://127.0.0.1:${p.reports}/v1/status`, secrets.reportsToken),
    getJson<SimStatus>(`http://127.0.0.1:${p.simulator}/api/status`, secrets.simControlToken),
    getJson<NationalStatus>(`http://127.0.0.1:${p.nationalSyncOps}/v1/national-sync/status`),
  ]);
  const byStatus = (status: string) =>
    (national?.counts ?? []).filter((c) => c.status === status).reduce((n, c) => n + c.documents, 0);
  const kpiAge = hq?.last_kpi_updated_at
    ? `${Math.max(0, Math.round((Date.now() - Date.parse(hq.last_kpi_updated_at)) / 1000))}s ago`
    : 'none yet';
  return [
    `sales ${sim?.stats?.sales ?? '?'}${sim?.elapsed_s ? ` (${((sim.stats?.sales ?? 0) / sim.elapsed_s).toFixed(1)}/s)` : ''}`,
    `errors ${sim?.stats?.errors ?? '?'}`,
    `HQ events ${hq?.events_total ?? '?'}`,
    `KPI updated ${kpiAge}`,
    national
      ? `pharmacy docs ${byStatus('SYNC_SUCCESS')} sent, ${byStatus('PENDING_SYNC') + byStatus('IN_FLIGHT')} pending, ${byStatus('SYNC_FAILED')} failed`
      : 'pharmacy docs ?',
  ].join(' | ');
};

const supervisor = new Supervisor({ groups, summary: { everyMs: 5_000, line: summary } }).installSignals();
try {
  await supervisor.start();
} catch {
  process.exit(await supervisor.done);
}
started = true;
const lines = [
  '',
  `retail-stream demo: ${stores} stores x ${terminals} tills selling ~${rate} sales/s`,
  dashboard ? `  dashboard          http://127.0.0.1:${p.dashboard}` : undefined,
  `  simulator control  http://127.0.0.1:${p.simulator}/#token=${secrets.simControlToken}`,
  `  reports API        http://127.0.0.1:${p.reports}/v1/status  (Authorization: Bearer ${secrets.reportsToken})`,
  `  metrics            http://127.0.0.1:{${p.storeHostOps}..${p.nationalSyncOps}}/metrics (stores, ingest, kpi, sink-pg, sink-ch, sink-cass, national sync)`,
  `  national sync      http://127.0.0.1:${p.nationalSyncOps}/v1/national-sync/status  (retail sync status; the mock authority on :${p.nationalMock})`,
  `  ledger             ${path.relative(REPO_ROOT, ledger)}  (stop the simulator on its page, then while the demo runs: npm run check:e2e -- --ledger ${path.relative(REPO_ROOT, ledger)} --wait 120)`,
  '  Ctrl-C stops everything cleanly.',
  '',
].filter((l) => l !== undefined);
process.stdout.write(`${lines.join('\n')}\n`);
process.exit(await supervisor.done);
