import { randomUUID } from 'node:crypto';
import { lookupAll, posEventRecord } from '@retail-stream/schemas';
import { storeDatabaseUrl } from '@retail-stream/store-edge';
import type { KafkaMessage } from 'kafkajs';
import type { CliContext } from '../cli-kit/context.ts';
import { openSink, sinkSpecFor } from '../replay/sink-target.ts';
import { StoreDatabases } from '../trace/store-outbox.ts';
import type { RepairDeps } from './repair.ts';
import { reconcileStore, type ReconcileDeps, type StoreReconciliation } from './reconcile-store.ts';
import { ensureRunsTable, recordRun } from './runs-table.ts';

export interface ReconcileRequest {
  /** The stores' local date, YYYY-MM-DD. */
  date: string;
  /** Undefined: every store HQ knows. */
  stores?: string[];
  repair: boolean;
  dryRun: boolean;
  /** One store's database URL (with one --store), when not where storeDatabaseUrl() puts it. */
  storeDb?: string;
  /** The enriched topic a repair reads (default SINK_EVENTS_TOPIC, else the catalogue's). */
  enrichedTopic?: string;
  cassandra: boolean;
  defaultTimezone?: string;
  trigger: 'cli' | 'scheduler';
}

export interface ReconcileRun {
  run_id: string;
  date: string;
  results: StoreReconciliation[];
  /** Stores still showing differences (after repair when asked). */
  dirty: number;
}

/** Reconciles each store's local day (optionally repairing), one reconciliation_runs row per store. */
export async function runReconcile(
  ctx: CliContext,
  req: ReconcileRequest,
  onStore?: (r: StoreReconciliation) => void,
): Promise<ReconcileRun> {
  const startedAt = new Date();
  const runId = randomUUID();
  const ops = await ctx.ops();
  await ensureRunsTable(ops);
  const hqSchema = ctx.config.HQ_PG_SCHEMA;
  const stores = new StoreDatabases(
    (s) => storeDatabaseUrl(ctx.config.PG_URL, s),
    req.storeDb ? { url: req.storeDb, storeId: req.stores?.[0] } : undefined,
  );
  ctx.onClose(() => stores.close());
  const deps: ReconcileDeps = {
    hq: ctx.pg(),
    hqSchema,
    clickhouse: ctx.clickhouse(),
    cassandra: req.cassandra
      ? { client: () => ctx.cassandra(), keyspace: ctx.config.CASSANDRA_KEYSPACE }
      : undefined,
    storeDb: (s) => stores.pool(s),
    defaultTimezone: req.defaultTimezone ?? ctx.config.STORE_DEFAULT_TIMEZONE,
  };
  const storeIds = req.stores ?? (await knownStores(deps));
  const enrichedTopic = req.enrichedTopic ?? ctx.env.SINK_EVENTS_TOPIC ?? ctx.topics.enrichedEvents;
  const repair: RepairDeps | undefined =
    req.repair && !req.dryRun
      ? {
          kafka: ctx.kafka(),
          enrichedTopic,
          hq: deps.hq,
          hqSchema,
          fromOutbox: (ids) => outboxRecords(ctx, stores, storeIds, ids),
          openSink: (sink) =>
            openSink(ctx, sinkSpecFor(sink, ctx.envWith({ SINK_EVENTS_TOPIC: enrichedTopic })), ctx.logger),
        }
      : undefined;
  const results: StoreReconciliation[] = [];
  for (const storeId of storeIds) {
    let r: StoreReconciliation;
    try {
      r = await reconcileStore(deps, storeId, req.date, repair);
    } catch (err) {
      r = {
        store_id: storeId,
        date: req.date,
        timezone: '?',
        day: { start: new Date(NaN), end: new Date(NaN) },
        figures: {},
        differences: [],
        missing: [],
        status: 'failed',
        error: (err as Error).message,
      };
    }
    results.push(r);
    onStore?.(r);
    if (!req.dryRun) await recordRun(ops, { runId, trigger: req.trigger, actor: ctx.actor, startedAt }, r);
  }
  return {
    run_id: runId,
    date: req.date,
    results,
    dirty: results.filter((r) => r.status === 'differences' || r.status === 'failed').length,
  };
}

/**
 * The relay's records of these events, from whichever store's outbox holds them: the event as the
 * store wrote it, encoded exactly as the relay does (posEventRecord, schema ids looked up in the
 * registry, nothing registered).
 */
async function outboxRecords(
  ctx: CliContext,
  stores: StoreDatabases,
  storeIds: readonly string[],
  eventIds: string[],
): Promise<Map<string, KafkaMessage>> {
  const ids = await lookupAll({ registryUrl: ctx.config.SCHEMA_REGISTRY_URL });
  const out = new Map<string, KafkaMessage>();
  for (const storeId of storeIds) {
    const { rows } = await stores
      .pool(storeId)
      .query<{ event_id: string; payload: Record<string, unknown> }>(
        'SELECT event_id::text AS event_id, payload FROM outbox WHERE event_id = ANY($1::uuid[])',
        [eventIds],
      );
    for (const r of rows) {
      const rec = posEventRecord(ctx.serde(), (t) => ids[t], r.payload);
      out.set(r.event_id, {
        key: Buffer.from(rec.key),
        value: rec.value,
        headers: { ...rec.headers },
        offset: '-1',
        timestamp: String(Date.now()),
        attributes: 0,
      });
    }
  }
  return out;
}

async function knownStores(deps: ReconcileDeps): Promise<string[]> {
  const { rows } = await deps.hq.query<{ store_id: string }>(
    `SELECT store_id FROM "${deps.hqSchema}".stores ORDER BY store_id`,
  );
  return rows.map((r) => r.store_id);
}
