import {
  countsByStatus,
  latestFailures,
  storeSummaries,
  type StatusCount,
} from '@retail-stream/national-pharmacy-sink';
import { PG_SCHEMA_NAME } from '@retail-stream/runtime';
import type pg from 'pg';

/**
 * The national pharmacy sync keeps its documents in its own schema of the HQ database
 * (sinks/national-pharmacy, NATIONAL_SYNC_PG_SCHEMA). Read-only here, with the sync's own operator
 * queries (the ones `retail sync status` and its ops port use), so the numbers cannot disagree.
 */
export const DEFAULT_NATIONAL_SYNC_SCHEMA = 'national_sync';

export interface NationalSyncFailure {
  id: string;
  doc_type: string;
  op: string;
  local_id: string;
  last_error: string | null;
  failed_at: Date;
}

export interface NationalSyncStore {
  store_id: string;
  ma_co_so: string;
  counts: { pending: number; in_flight: number; success: number; failed: number; cancelled: number };
  by_type: StatusCount[];
  oldest_pending_at: Date | null;
  oldest_pending_age_s: number | null;
  waiting_reason: string | null;
  latest_failures: NationalSyncFailure[];
}

export interface NationalSyncOptions {
  store?: string | undefined;
  /** Failures listed per store, newest first. */
  failures: number;
  schema?: string | undefined;
}

/**
 * Per pharmacy store: counts by status and by type, the oldest document not yet final, the latest
 * failures with the authority's reason (GET /v1/national-sync; the dashboard's panel). One
 * read-only snapshot, so the counts and the lists agree. No schema yet (the sync never ran): empty.
 */
export async function nationalSyncStatus(
  pool: Pick<pg.Pool, 'connect'>,
  opts: NationalSyncOptions,
): Promise<{ items: NationalSyncStore[] }> {
  const schema = opts.schema ?? DEFAULT_NATIONAL_SYNC_SCHEMA;
  if (!PG_SCHEMA_NAME.test(schema)) throw new RangeError(`invalid schema name '${schema}'`);
  const client = await pool.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const { rows } = await client.query<{ docs: string | null; now: Date }>(
      `SELECT to_regclass($1)::text AS docs, now() AS now`,
      [`"${schema}".documents`],
    );
    if (!rows[0]?.docs) return { items: [] };
    const nowMs = rows[0].now.getTime();
    // The sync's queries name its tables unqualified: its schema, for this transaction only.
    await client.query(`SELECT set_config('search_path', $1, true)`, [schema]);
    // They only call query(); a client inside this transaction is what they get.
    const db = client as unknown as pg.Pool;
    const summaries = await storeSummaries(db, { store: opts.store });
    const items: NationalSyncStore[] = [];
    for (const s of summaries) {
      const by_type = await countsByStatus(db, { store: s.store_id });
      const failures = s.failed > 0 ? await latestFailures(db, { store: s.store_id }, opts.failures) : [];
      const oldest = s.oldest_pending_at === null ? null : new Date(s.oldest_pending_at);
      items.push({
        store_id: s.store_id,
        ma_co_so: s.ma_co_so,
        counts: {
          pending: s.pending,
          in_flight: s.in_flight,
          success: s.success,
          failed: s.failed,
          cancelled: s.cancelled,
        },
        by_type,
        oldest_pending_at: oldest,
        oldest_pending_age_s: oldest === null ? null : Math.max(0, (nowMs - oldest.getTime()) / 1000),
        waiting_reason: s.waiting_reason,
        latest_failures: failures.map((f) => ({
          id: f.id,
          doc_type: f.doc_type,
          op: f.op,
          local_id: f.local_id,
          last_error: f.last_error,
          failed_at: new Date(f.updated_at),
        })),
      });
    }
    return { items };
  } finally {
    // Read-only: nothing to keep; also ends a transaction an error left aborted.
    const ended = await client.query('ROLLBACK').then(
      () => true,
      () => false,
    );
    client.release(!ended);
  }
}
