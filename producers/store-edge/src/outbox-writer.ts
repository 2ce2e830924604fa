import type { ClientBase } from 'pg';
import { AppError, currentTraceId, newTraceId } from '@retail-stream/runtime';
import type { EventDraft, StoreEvent } from './events.ts';
import { uuidv7 } from './uuid-v7.ts';

export const OUTBOX_CHANNEL = 'outbox_new';

/*
 * store_seq comes from one counter row per store (store_sequence), not a SEQUENCE: the UPDATE
 * row-locks the counter until commit, so a second transaction waits there until the first commits.
 * The order in which sequences are handed out is the order in which they become visible, and a
 * rollback returns its numbers (no gaps). It is taken as the LAST statement of a transaction so
 * the lock is held only for the outbox insert and the commit.
 */

/**
 * A use case's last write, handed back instead of run so the caller can add to the same statement
 * (the idempotent route stores the response with it): `ctes` are WITH items, `select` the main
 * query, parameters $1…$n of `values`. `check` sees the rows of the main query.
 */
export interface FinalWrite {
  /** Unique per SQL text (the statement is prepared per connection under this name). */
  name: string;
  ctes: string;
  select: string;
  values: unknown[];
  check?(rows: Record<string, unknown>[]): void;
}

export async function runFinalWrite(client: ClientBase, w: FinalWrite): Promise<void> {
  const { rows } = await client.query({ name: w.name, text: `WITH ${w.ctes} ${w.select}`, values: w.values });
  w.check?.(rows);
}

/** Parameters $1…$6 belong to the outbox statement; a `before` statement numbers its own from $7. */
export const OUTBOX_PARAM_COUNT = 6;

export interface BeforeEvents {
  /** Unique per SQL text. */
  name: string;
  /** One data-modifying statement (no RETURNING needed), parameters from $7. */
  sql: string;
  values: unknown[];
}

const SEQ_AND_ROWS = `seq AS (
      UPDATE store_sequence SET last_seq = last_seq + $2, updated_at = now() WHERE store_id = $1
      RETURNING last_seq - $2 AS base
    ), ins AS (
      INSERT INTO outbox (store_id, store_seq, event_id, event_type, occurred_at, trace_id, payload)
      SELECT $1, seq.base + e.i, e.event_id, e.event_type, $3, $4,
             e.payload || jsonb_build_object('store_seq', seq.base + e.i)
        FROM seq, jsonb_to_recordset($5::jsonb) AS e(i bigint, event_id uuid, event_type text, payload jsonb)
    )`;
const NOTIFY = `SELECT pg_notify($6, format('{"store_id":%s,"from_seq":%s,"to_seq":%s}', to_json($1::text), seq.base + 1, seq.base + $2)) AS notified FROM seq`;

/**
 * A transaction's events as one statement, to be its final one (the locked counter above): the
 * counter UPDATE, the outbox rows (consecutive store_seq) and the NOTIFY, plus `before`, the change
 * the events describe. The NOTIFY is delivered only on commit, and Postgres delivers notifications
 * in commit order, so the relay (and the ordering test) can trust the payload's range.
 */
export function eventsWrite(
  storeId: string,
  drafts: readonly EventDraft[],
  now: Date = new Date(),
  before?: BeforeEvents,
): FinalWrite {
  if (drafts.length === 0) throw new RangeError('eventsWrite needs at least one event');
  const traceId = currentTraceId() ?? newTraceId();
  const events = drafts.map(
    (d) =>
      ({
        event_id: uuidv7(now.getTime()),
        event_type: d.event_type,
        store_id: storeId,
        terminal_id: d.terminal_id,
        cashier_id: d.cashier_id,
        occurred_at: now.getTime(),
        trace_id: traceId,
        ...d.fields,
        enrichment: null,
      }) as Omit<StoreEvent, 'store_seq'>,
  );
  return {
    name: before ? `se_outbox_after_${before.name}` : 'se_outbox',
    ctes: before ? `before AS (${before.sql}), ${SEQ_AND_ROWS}` : SEQ_AND_ROWS,
    select: NOTIFY,
    values: [
      storeId,
      drafts.length,
      now,
      traceId,
      JSON.stringify(
        events.map((e, i) => ({ i: i + 1, event_id: e.event_id, event_type: e.event_type, payload: e })),
      ),
      OUTBOX_CHANNEL,
      ...(before?.values ?? []),
    ],
    check(rows) {
      if (rows.length !== 1)
        throw new AppError('STORE_SEQUENCE_MISSING', `no store_sequence row for store ${storeId}`);
    },
  };
}

/** eventsWrite, run now (for use cases whose events are not the last word of an idempotent route). */
export async function appendEvents(
  client: ClientBase,
  storeId: string,
  drafts: readonly EventDraft[],
  now: Date = new Date(),
): Promise<void> {
  if (drafts.length === 0) return;
  await runFinalWrite(client, eventsWrite(storeId, drafts, now));
}
