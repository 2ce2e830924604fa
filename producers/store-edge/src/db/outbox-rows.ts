import { currentTraceContext, formatTraceparent, newTraceId } from '@retail-stream/runtime';
import { currentEventTraceId } from '../http/trace-context.ts';
import type { EventDraft, StoreEvent } from '../events.ts';
import { uuidv7 } from '../uuid-v7.ts';

export const OUTBOX_CHANNEL = 'outbox_new';

/*
 * store_seq comes from one counter row per store (store_sequence), not a SEQUENCE: the UPDATE
 * row-locks the counter until commit, so a second transaction waits there until the first commits.
 * The order in which sequences are handed out is the order in which they become visible, and a
 * rollback returns its numbers (no gaps). It is taken in the LAST statement of a transaction so
 * the lock is held only for the outbox insert and the commit.
 */
function seqAndRows(gate: string | undefined, payloadPatch: string | undefined): string {
  return `seq AS (
      UPDATE store_sequence SET last_seq = last_seq + $2, updated_at = now()
       WHERE store_id = $1${gate ? ` AND ${gate}` : ''}
      RETURNING last_seq - $2 AS base
    ), ins AS (
      INSERT INTO outbox (store_id, store_seq, event_id, event_type, occurred_at, trace_id, traceparent, payload)
      SELECT $1, seq.base + e.i, e.event_id, e.event_type, $3, $4, $7,
             e.payload${payloadPatch ? ` || ${payloadPatch}` : ''} || jsonb_build_object('store_seq', seq.base + e.i)
        FROM seq, jsonb_to_recordset($5::jsonb) AS e(i bigint, event_id uuid, event_type text, payload jsonb)
    )`;
}

/**
 * How a statement's outbox rows fit into it (the checkout's one write statement, guarded-write.ts):
 * `gate`, a boolean SQL expression without parameters that must hold for the counter to move (so
 * no rows and no NOTIFY unless it does); `payloadPatch`, a jsonb expression without parameters
 * merged into each payload (it may read `e.payload` and the statement's other CTEs), for values
 * only that statement learns, such as on_hand after a sale.
 */
export interface OutboxRowsOptions {
  gate?: string | undefined;
  payloadPatch?: string | undefined;
}

// Delivered only on commit, and Postgres delivers notifications in commit order, so the relay (and
// the ordering test) can trust the payload's range.
const NOTIFY = `SELECT pg_notify($6, format('{"store_id":%s,"from_seq":%s,"to_seq":%s}', to_json($1::text), seq.base + 1, seq.base + $2)) AS notified FROM seq`;

/**
 * A transaction's events as the tail of its final statement, parameters $1…$7: `ctes` (the counter
 * UPDATE and the outbox rows with consecutive store_seq) and `select` (the NOTIFY, one row when the
 * store's counter exists). The envelope (event_id, occurred_at, trace_id) is filled in here, and
 * the row keeps the request's W3C traceparent (migrations/0006) for the relay to continue.
 */
export function outboxRows(
  storeId: string,
  drafts: readonly EventDraft[],
  now: Date = new Date(),
  options: OutboxRowsOptions = {},
): { ctes: string; select: string; values: unknown[] } {
  const ctx = currentTraceContext();
  const traceId = currentEventTraceId() ?? ctx?.traceId ?? newTraceId();
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
    ctes: seqAndRows(options.gate, options.payloadPatch),
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
      ctx ? formatTraceparent(ctx) : null,
    ],
  };
}
