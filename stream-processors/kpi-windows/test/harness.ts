import path from 'node:path';
import { serviceEnv } from '@retail-stream/infra';
import { AvroSerde, createKafka, parseConfig } from '@retail-stream/runtime';
import {
  decodeAll,
  deleteTestGroups,
  deleteTestTopics,
  packageDirs,
  ServiceProcess,
  startInProcess as startPartInProcess,
  Teardowns,
  testEndpoints,
  TestProducer,
  testTopics,
  TopicCollector,
  uniqueName,
  waitFor,
  type Received,
} from '@retail-stream/runtime/testing';
import { registerAll, type KpiWindowUpdated, type StoreEvent } from '@retail-stream/schemas';
import { storeEventMessage } from '@retail-stream/schemas/testing';
import { afterEach, expect } from 'vitest';
import { kpiConfig, type KpiConfig } from '../src/config.ts';
import { startKpiWindows, type KpiWindows } from '../src/kpi-windows.ts';
import { recomputeExact, type ExactWindow } from '../src/recompute-exact.ts';

export const { packageDir: PACKAGE_DIR } = packageDirs(import.meta.url);
export const ENDPOINTS = testEndpoints(serviceEnv());
export const { brokers: BROKERS, registryUrl: REGISTRY_URL } = ENDPOINTS;
export const serde = AvroSerde.fromConfig(ENDPOINTS.registry);
export const TZ = 'Asia/Ho_Chi_Minh';

let registered: Promise<Record<string, number>> | undefined;
export function registerCatalogue(): Promise<Record<string, number>> {
  registered ??= registerAll(serde, { registryUrl: REGISTRY_URL });
  return registered;
}

/** The kit's Teardowns, run after each test of the file (last pushed runs first; failures ignored). */
type Cleanup = Teardowns;

/** What a KPI integration test sets up; everything it sets up is removed after that test. */
export interface KpiTestBed {
  readonly cleanup: Cleanup;
  /** Unique topics and groups (input with `partitions`); env as main.ts reads it. */
  setup(
    partitions?: number,
    extra?: Record<string, string>,
  ): Promise<{ env: Record<string, string>; input: string; output: string; late: string }>;
  /** Reads the topic from the beginning. */
  collect(topic: string, clientId: string): Promise<TopicCollector>;
  /** Writes enriched events to the topic. */
  writerTo(topic: string): EnrichedWriter;
  /** The service in this process (both stages), with its metrics in the Prometheus text format. */
  start(env: Record<string, string>): Promise<InProcessKpi>;
  /** main.ts as a child process; stopped gracefully after the test. */
  spawn(env: Record<string, string>): KpiProcess;
}

export function useKpiTestBed(): KpiTestBed {
  const cleanup = new Teardowns({ ignoreErrors: true });
  afterEach(() => cleanup.run());
  return {
    cleanup,
    setup: (partitions, extra) => setupKpi(cleanup, partitions, extra),
    collect: (topic, clientId) => collect(cleanup, topic, clientId),
    writerTo: (topic) => writerTo(cleanup, topic),
    start: (env) => startInProcess(env, cleanup),
    spawn: (env) => cleanup.add(new KpiProcess(env), (p) => p.stop()),
  };
}

/** A collector reading the topic from the beginning, stopped by the cleanup. */
async function collect(cleanup: Cleanup, topic: string, clientId: string): Promise<TopicCollector> {
  return cleanup.add(await new TopicCollector(BROKERS, topic, clientId).start(), (c) => c.stop());
}

/** An EnrichedWriter to the topic, closed by the cleanup. */
function writerTo(cleanup: Cleanup, topic: string): EnrichedWriter {
  return cleanup.add(new EnrichedWriter(topic), (w) => w.close());
}

/** Unique topics and groups for one test (all deleted by the cleanup); env as main.ts reads it. */
async function setupKpi(
  cleanup: Cleanup,
  partitions = 3,
  extra: Record<string, string> = {},
): Promise<{ env: Record<string, string>; input: string; output: string; late: string }> {
  await registerCatalogue();
  // Collectors subscribe before the service starts, so the topics they read must exist already.
  const topics = await testTopics(BROKERS, 'kpi', { in: partitions, out: 3, late: 3 });
  // The service creates these itself.
  const own = {
    KPI_STORE_WINDOWS_TOPIC: uniqueName('kpi-sw'),
    KPI_CHANGELOG_TOPIC: uniqueName('kpi-cl'),
    KPI_DLQ_TOPIC: uniqueName('kpi-dlq'),
  };
  const groups = { KPI_GROUP_ID: uniqueName('kpi-g'), KPI_CHAIN_GROUP_ID: uniqueName('kpi-chain-g') };
  cleanup.push(async () => {
    await topics.drop();
    await deleteTestTopics(BROKERS, Object.values(own));
    await deleteTestGroups(BROKERS, Object.values(groups));
  });
  const env = {
    KAFKA_BROKERS: ENDPOINTS.kafkaBrokers,
    ...ENDPOINTS.registry,
    LOG_LEVEL: 'warn',
    KPI_INPUT_TOPIC: topics.in,
    KPI_OUTPUT_TOPIC: topics.out,
    KPI_LATE_TOPIC: topics.late,
    ...own,
    ...groups,
    KPI_OUTPUT_PARTITIONS: '3',
    KPI_EMIT_INTERVAL_MS: '200',
    KPI_FLUSH_TICK_MS: '100',
    STORE_DEFAULT_TIMEZONE: TZ,
    KPI_CHAIN_TIMEZONE: TZ,
    ...extra,
  };
  return { env, input: topics.in, output: topics.out, late: topics.late };
}

export function enrich<T extends StoreEvent>(ev: T, timezone: string | null = TZ): T {
  return {
    ...ev,
    enrichment: {
      store_known: timezone !== null,
      store_name: timezone ? `Store ${ev.store_id}` : null,
      region: timezone ? 'South' : null,
      timezone,
      products: [],
      ingested_at: ev.occurred_at,
      pharmacy_code: null,
    },
  };
}

/** Writes enriched events as the ingest processor would (the kit's TestProducer, same key and headers). */
export class EnrichedWriter {
  private producer: Promise<TestProducer> | undefined;
  constructor(readonly topic: string) {}

  async send(events: StoreEvent[]): Promise<void> {
    const ids = await registerCatalogue();
    this.producer ??= TestProducer.connect(BROKERS, 'kpi-test-writer');
    const messages = events.map((ev) => storeEventMessage(serde, ids, ev));
    await (await this.producer).send(this.topic, messages);
  }

  async close(): Promise<void> {
    await (await this.producer)?.close();
  }
}

/** The service in this process (both stages), as main.ts wires it; stopped by the cleanup. */
export type InProcessKpi = KpiWindows & { metricsText(): Promise<string> };

async function startInProcess(env: Record<string, string>, cleanup: Cleanup): Promise<InProcessKpi> {
  const config: KpiConfig = parseConfig(kpiConfig, env);
  const running = await startPartInProcess(
    ({ logger, metrics, onFatal }) =>
      startKpiWindows({
        config,
        kafka: createKafka(config, uniqueName('kpi-test'), logger),
        logger,
        registry: metrics,
        onFatal: (err) => {
          onFatal(err);
          logger.fatal({ err }, 'fatal');
        },
      }),
    { name: 'kpi-windows-test', logLevel: 'warn', defaultMetrics: true },
  );
  cleanup.push(running.stop);
  return {
    ...running.service,
    stop: running.stop,
    close: async () => undefined,
    metricsText: running.metricsText,
  };
}

/** main.ts as a real child process (for kill -9); stop() waits for the graceful shutdown. */
export class KpiProcess extends ServiceProcess {
  constructor(env: Record<string, string>) {
    super(path.join(PACKAGE_DIR, 'src', 'main.ts'), { NODE_ENV: 'test', ...env }, { cwd: PACKAGE_DIR });
  }
}

/** Latest revision of every window key on the output topic; also checks revisions only grow per key. */
export async function latestWindows(
  messages: readonly Received[],
): Promise<{ latest: Map<string, KpiWindowUpdated>; regressions: string[] }> {
  const values = await decodeAll<KpiWindowUpdated>(serde, messages);
  const latest = new Map<string, KpiWindowUpdated>();
  const regressions: string[] = [];
  for (const v of values) {
    const key = `${v.scope}|${v.window_size}|${v.window_start}`;
    const prev = latest.get(key);
    if (prev && v.revision <= prev.revision) {
      // Equal revision with equal content is an idempotent re-publication (chain stage after a takeover).
      if (
        v.revision < prev.revision ||
        JSON.stringify({ ...v, updated_at: 0 }) !== JSON.stringify({ ...prev, updated_at: 0 })
      ) {
        regressions.push(`${key}: ${prev.revision} then ${v.revision}`);
      }
      continue;
    }
    latest.set(key, v);
  }
  return { latest, regressions };
}

/**
 * Waits until the published windows equal the exact recomputation (failing with the first `shown`
 * differences, and the process log when `log` is given), checks no revision went backwards, and
 * returns the latest value of every window.
 */
export async function converge(
  collector: TopicCollector,
  exact: Map<string, ExactWindow>,
  opts: { timeoutMs?: number; what?: string; shown?: number; log?: () => string } = {},
): Promise<Map<string, KpiWindowUpdated>> {
  let diffs: string[] = [];
  await waitFor(
    async () => {
      diffs = diffExact((await latestWindows(collector.messages)).latest, exact);
      return diffs.length === 0;
    },
    {
      timeoutMs: opts.timeoutMs ?? 45_000,
      what: opts.what ?? 'published windows to equal the exact recomputation',
    },
  ).catch(() => {
    const shown = diffs.slice(0, opts.shown ?? 10);
    if (opts.log) expect({ diffs: shown, log: opts.log().slice(-3_000) }).toEqual({ diffs: [], log: '' });
    else expect(shown).toEqual([]);
  });
  const { latest, regressions } = await latestWindows(collector.messages);
  expect(regressions).toEqual([]);
  return latest;
}

export function exactOf(events: StoreEvent[]): Map<string, ExactWindow> {
  return recomputeExact(events, { defaultTimeZone: TZ, chainTimeZone: TZ, chainCurrency: 'VND' });
}

/** Differences between published latest values and the exact recomputation (empty when equal). */
export function diffExact(latest: Map<string, KpiWindowUpdated>, exact: Map<string, ExactWindow>): string[] {
  const diffs: string[] = [];
  for (const [key, e] of exact) {
    const got = latest.get(key);
    if (!got) {
      diffs.push(`${key}: missing`);
      continue;
    }
    const want = {
      gmv_minor: e.m.gmv_minor,
      orders: e.m.orders,
      items: e.m.items,
      refunds_minor: e.m.refunds_minor,
      refund_count: e.m.refund_count,
      voids_minor: e.m.voids_minor,
      void_count: e.m.void_count,
      payments_attempted: e.m.payments_attempted,
      payments_captured: e.m.payments_captured,
      payments_by_method: e.m.payments_by_method,
      window_end: e.end,
    };
    const have = {
      gmv_minor: got.gmv_minor,
      orders: got.orders,
      items: got.items,
      refunds_minor: got.refunds_minor,
      refund_count: got.refund_count,
      voids_minor: got.voids_minor,
      void_count: got.void_count,
      payments_attempted: got.payments_attempted,
      payments_captured: got.payments_captured,
      payments_by_method: got.payments_by_method,
      window_end: got.window_end,
    };
    if (JSON.stringify(sortKeys(want)) !== JSON.stringify(sortKeys(have))) {
      diffs.push(`${key}: want ${JSON.stringify(want)} got ${JSON.stringify(have)}`);
    }
  }
  for (const key of latest.keys()) if (!exact.has(key)) diffs.push(`${key}: not in the exact recomputation`);
  return diffs;
}

function sortKeys(o: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(o).sort()) {
    const v = o[k];
    out[k] = v && typeof v === 'object' && !Array.isArray(v) ? sortKeys(v as Record<string, unknown>) : v;
  }
  return out;
}

export { TopicCollector };
