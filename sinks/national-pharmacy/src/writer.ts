import { isRetriable, withTransaction, type Logger } from '@retail-stream/runtime';
import type { SinkSpec, SinkStore, WriteFailure } from '@retail-stream/runtime/sink-kit';
import type pg from 'pg';
import type { NationalSyncConfig } from './config.ts';
import { prepareSyncDatabase, syncPool } from './db.ts';
import { recordPlans } from './document-store.ts';
import type { DocumentPlan } from './mapping/document-plans.ts';
import { toPgAppError } from './pg-failure.ts';
import { documentPlanOfRecord } from './records.ts';
import { SyncWorkers } from './sync-workers.ts';

export const SINK_NAME = 'national-pharmacy-sync';
/** Value of the shared sink metrics' `sink` label. */
export const SINK_LABEL = 'national-pharmacy';

export type SyncItem = DocumentPlan | null;

/** Postgres refused the data → poison; away or busy → retriable; anything else a bug. */
export function classifySyncWrite(err: unknown): WriteFailure {
  const e = toPgAppError(err);
  if (e.code === 'PG_DATA_REJECTED') return { kind: 'poison', code: 'PG_DATA_REJECTED' };
  return isRetriable(e) ? { kind: 'retriable' } : { kind: 'bug' };
}

/** What the running sink exposes besides the kit's store (main.ts mounts the status endpoint on it). */
export interface SyncHandles {
  pool: pg.Pool;
  workers: SyncWorkers;
}

/**
 * The national pharmacy sync on the sink kit. `write` only records the batch's documents in
 * Postgres (one transaction, keyed by event id), so Kafka offsets commit once each document is
 * durably queued; the workers started here send them. Closing stops the workers (the documents in
 * flight settle) before the pool ends.
 */
export function nationalSyncSpec(
  config: NationalSyncConfig,
  onOpen: (h: SyncHandles) => void = () => undefined,
): SinkSpec<SyncItem> {
  return {
    name: SINK_NAME,
    label: SINK_LABEL,
    topics: [config.SINK_EVENTS_TOPIC],
    config,
    async open({ logger, meter, metrics, registry, onFatal }): Promise<SinkStore<SyncItem>> {
      const pool = syncPool(config, SINK_NAME);
      let workers: SyncWorkers;
      try {
        await prepareSyncDatabase(pool, config.NATIONAL_SYNC_PG_SCHEMA, logger as Logger);
        workers = new SyncWorkers(pool, config, logger, registry, onFatal);
        await workers.start();
      } catch (err) {
        await pool.end();
        throw err;
      }
      onOpen({ pool, workers });
      return {
        toItem: (decoded) => documentPlanOfRecord(decoded),
        async write(items, batch) {
          const plans = items.filter((p): p is DocumentPlan => p !== null);
          if (plans.length === 0) return;
          const result = await meter.measure(async () => {
            try {
              const r = await withTransaction(
                pool,
                (c) => recordPlans(c, plans, (m) => workers.hasAccount(m)),
                {
                  attempts: 3,
                },
              );
              return { ...r, rows: { documents: r.recorded + r.deletes } };
            } catch (err) {
              // The catalogue code and Postgres's reason (SQLSTATE) go into logs and dead letters.
              throw toPgAppError(err);
            }
          });
          const labels = { sink: SINK_LABEL, topic: batch.topic };
          metrics.applied.inc(labels, result.recorded + result.cancelled + result.deletes);
          metrics.duplicates.inc(
            labels,
            plans.length - (result.recorded + result.cancelled + result.deletes),
          );
          workers.wake();
        },
        classify: classifySyncWrite,
        async close() {
          await workers.stop();
          await pool.end();
        },
      };
    },
  };
}
