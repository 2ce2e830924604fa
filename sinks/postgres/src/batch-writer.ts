import { withTransaction } from '@retail-stream/runtime';
import type { KpiWindowUpdated } from '@retail-stream/schemas';
import type pg from 'pg';
import { inboxRow, mapEvents, mapKpis, uniqueEvents, type HqRows, type SourcedEvent } from './event-rows.ts';
import {
  adjustmentsTable,
  goodsReceiptsTable,
  inboxTable,
  inventoryTable,
  kpiTable,
  lineItemsTable,
  paymentsTable,
  refundLinesTable,
  refundsTable,
  storesTable,
  transactionsTable,
} from './hq-tables.ts';
import { refuseCrossStoreCopies, refuseCrossStoreIds } from './cross-store-ids.ts';
import { copyFresh, type FreshRows } from './fresh-copy.ts';
import { toAppError } from './pg-errors.ts';
import { ensureStaging, stagedInsert } from './staged-insert.ts';
import { jsonRecordsetInsert, unnestInsert, type InsertMethod, type TableSpec } from './unnest-insert.ts';

export interface WriteResult {
  /** Events applied for the first time. */
  applied: number;
  /** Events the inbox already had (redeliveries, replays, copies within the batch). */
  duplicates: number;
  /** Rows inserted or updated, by table. */
  rows: Record<string, number>;
  /**
   * How the rows went in: `fresh` when every event was new and the append-only rows were COPYed
   * straight into their tables (fresh-copy.ts), `merged` when the inbox and merges decided.
   */
  path?: 'fresh' | 'merged';
}

/**
 * Runs fn in one transaction on one pooled connection. Every failure comes out as an AppError:
 * TransientError when the database is away or busy (the runner retries), PgDataError when the
 * data is refused, a non-retriable PG_FAILED otherwise. A COMMIT whose answer was lost is retried
 * like any transient failure: every write is idempotent, so applying twice is harmless.
 */
export async function inTransaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  try {
    return await withTransaction(pool, fn);
  } catch (err) {
    throw toAppError(err);
  }
}

async function insert<R>(
  client: pg.ClientBase,
  spec: TableSpec<R>,
  rows: readonly R[],
  counts: Record<string, number>,
  method: InsertMethod = 'copy',
): Promise<void> {
  if (rows.length === 0) return;
  let res: pg.QueryResult;
  if (method === 'copy') {
    res = await stagedInsert(client, spec, rows);
  } else {
    const { text, values } = method === 'json' ? jsonRecordsetInsert(spec, rows) : unnestInsert(spec, rows);
    res = await client.query({ text, values });
  }
  counts[spec.table] = (counts[spec.table] ?? 0) + (res.rowCount ?? 0);
}

/** Every table a store-event batch writes, inbox first (the staging tables of the copy method). */
const EVENT_TABLES = [
  inboxTable,
  storesTable,
  transactionsTable,
  lineItemsTable,
  paymentsTable,
  refundsTable,
  refundLinesTable,
  inventoryTable,
  goodsReceiptsTable,
  adjustmentsTable,
] as unknown as readonly TableSpec<never>[];

/** The inbox insert: which of these events are new (their ids come back). */
async function claimInbox(
  client: pg.ClientBase,
  events: SourcedEvent[],
  method: InsertMethod,
): Promise<pg.QueryResult<{ event_id: string }>> {
  const rows = events.map(inboxRow);
  if (method === 'copy')
    return stagedInsert<ReturnType<typeof inboxRow>, { event_id: string }>(client, inboxTable, rows);
  const { text, values } = unnestInsert(inboxTable, rows);
  return client.query<{ event_id: string }>({ text, values });
}

/**
 * Applies store events exactly once: inserts their ids into hq_inbox and applies only the events
 * this insert returned, in the same transaction. A redelivered batch finds every id already there
 * and changes nothing; a batch cut off mid-way rolled back as a whole, inbox included. With COPY,
 * a batch of new events takes the fresh path first (fresh-copy.ts), and the inbox's RETURNING path
 * only when that finds a key already written.
 */
export async function applyStoreEvents(
  client: pg.ClientBase,
  events: SourcedEvent[],
  /**
   * How rows travel: COPY into staging tables then one merge per table (the default), or one
   * statement per table with the rows as parameters (JSON recordset; UNNEST arrays, which the
   * json method also uses for the inbox).
   */
  method: InsertMethod = 'copy',
): Promise<WriteResult> {
  refuseCrossStoreCopies(events);
  const unique = uniqueEvents(events);
  if (unique.length === 0) return { applied: 0, duplicates: events.length, rows: {} };
  if (method === 'copy') {
    await ensureStaging(client, EVENT_TABLES);
    const rows: Record<string, number> = {};
    const mapped = mapEvents(unique);
    const appendOnly: FreshRows[] = [
      { spec: inboxTable, rows: unique.map(inboxRow) },
      { spec: lineItemsTable, rows: mapped.lineItems },
      { spec: paymentsTable, rows: mapped.payments },
      { spec: refundsTable, rows: mapped.refunds },
      { spec: refundLinesTable, rows: mapped.refundLines },
      { spec: goodsReceiptsTable, rows: mapped.goodsReceipts },
      { spec: adjustmentsTable, rows: mapped.adjustments },
    ] as unknown as FreshRows[];
    if (await copyFresh(client, appendOnly, rows)) {
      // Every event was new: the tables that merge state (upserts) still go through their merges.
      await insert(client, storesTable, mapped.stores, rows, method);
      await insert(client, transactionsTable, mapped.transactions, rows, method);
      await insert(client, inventoryTable, mapped.inventory, rows, method);
      return { applied: unique.length, duplicates: events.length - unique.length, rows, path: 'fresh' };
    }
    return applyClaimed(client, events, unique, method, mapped);
  }
  return applyClaimed(client, events, unique, method);
}

/** The inbox decides which events are new (RETURNING), then every table merges their rows. */
async function applyClaimed(
  client: pg.ClientBase,
  events: SourcedEvent[],
  unique: SourcedEvent[],
  method: InsertMethod,
  /** The rows of every unique event, when the fresh path already mapped them. */
  mappedUnique?: HqRows,
): Promise<WriteResult> {
  const rows: Record<string, number> = {};
  const inserted = await claimInbox(client, unique, method);
  rows[inboxTable.table] = inserted.rowCount ?? 0;
  const fresh = new Set(inserted.rows.map((r) => r.event_id));
  const toApply = unique.filter((e) => fresh.has(e.event.event_id));
  await refuseCrossStoreIds(
    client,
    unique.filter((e) => !fresh.has(e.event.event_id)),
  );
  const mapped = mappedUnique && toApply.length === unique.length ? mappedUnique : mapEvents(toApply);
  // Concurrent batches come from different partitions, and the key is store_id, so they touch
  // disjoint rows of every table here (no lock waits between them, hence no deadlocks).
  await insert(client, storesTable, mapped.stores, rows, method);
  await insert(client, transactionsTable, mapped.transactions, rows, method);
  await insert(client, lineItemsTable, mapped.lineItems, rows, method);
  await insert(client, paymentsTable, mapped.payments, rows, method);
  await insert(client, refundsTable, mapped.refunds, rows, method);
  await insert(client, refundLinesTable, mapped.refundLines, rows, method);
  await insert(client, inventoryTable, mapped.inventory, rows, method);
  await insert(client, goodsReceiptsTable, mapped.goodsReceipts, rows, method);
  await insert(client, adjustmentsTable, mapped.adjustments, rows, method);
  return { applied: toApply.length, duplicates: events.length - toApply.length, rows, path: 'merged' };
}

/** KPI upserts: idempotent by revision, no inbox needed. */
export async function applyKpis(
  client: pg.ClientBase,
  records: KpiWindowUpdated[],
  method: InsertMethod = 'copy',
): Promise<WriteResult> {
  const rows: Record<string, number> = {};
  const mapped = mapKpis(records);
  if (method === 'copy' && mapped.length > 0)
    await ensureStaging(client, [kpiTable] as unknown as TableSpec<never>[]);
  await insert(client, kpiTable, mapped, rows, method);
  const written = rows[kpiTable.table] ?? 0;
  return { applied: written, duplicates: records.length - written, rows };
}
