import type { ClientBase } from 'pg';
import { AppError, currentTraceId, newTraceId } from '@retail-stream/runtime';
import type { EventDraft, StoreEvent } from './events.ts';
import { toSafeNumber } from './http/json.ts';
import { uuidv7 } from './uuid-v7.ts';

export const OUTBOX_CHANNEL = 'outbox_new';

/*
 * store_seq comes from one counter row per store (store_sequence), not a SEQUENCE: the UPDATE
 * row-locks the counter until commit, so a second transaction waits there until the first commits.
 * The order in which sequences are handed out is the order in which they become visible, and a
 * rollback returns its numbers (no gaps). It is taken as the LAST statement of a transaction so
 * the lock is held only for the outbox insert and the commit.
 */

/** Parameters $1…$6 belong to the outbox statement; a `before` statement numbers its own from $7. */
export const OUTBOX_PARAM_COUNT = 6;

export interface BeforeEvents {
  /** Unique per SQL text (the statement is prepared per connection under this name). */
  name: string;
  /** One data-modifying statement with RETURNING, producing exactly one row; parameters from $7. */
  sql: string;
  values: unknown[];
}

function outboxStatement(before: BeforeEvents | undefined): { name: string; text: string } {
  const seqAndRows = `seq AS (
      UPDATE store_sequence SET last_seq = last_seq + $2, updated_at = now() WHERE store_id = $1
      RETURNING last_seq - $2 AS base
    ), ins AS (
      INSERT INTO outbox (store_id, store_seq, event_id, event_type, occurred_at, trace_id, payload)
      SELECT $1, seq.base + e.i, e.event_id, e.event_type, $3, $4,
             e.payload || jsonb_build_object('store_seq', seq.base + e.i)
        FROM seq, jsonb_to_recordset($5::jsonb) AS e(i bigint, event_id uuid, event_type text, payload jsonb)
    )`;
  const notify = `pg_notify($6, format('{"store_id":%s,"from_seq":%s,"to_seq":%s}', to_json($1::text), seq.base + 1, seq.base + $2))`;
  return before
    ? {
        name: `se_outbox_after_${before.name}`,
        text: `WITH before AS (${before.sql}), ${seqAndRows}
          SELECT before.*, seq.base AS outbox_seq_base, ${notify} AS outbox_notified FROM seq, before`,
      }
    : {
        name: 'se_outbox',
        text: `WITH ${seqAndRows} SELECT seq.base AS outbox_seq_base, ${notify} AS outbox_notified FROM seq`,
      };
}

/**
 * Appends a transaction's events to the outbox, inside the caller's database transaction, as its
 * final step (the locked counter above). One
 * transaction's events get consecutive sequence numbers. Counter, outbox rows and NOTIFY are one
 * statement (one round trip); `before` adds the change the events describe to that statement and
 * its RETURNING row is handed back. The NOTIFY is delivered only on commit, and Postgres delivers
 * notifications in commit order, so the relay (and the ordering test) can trust the payload's range.
 */
export async function appendEvents<R extends object = Record<string, never>>(
  client: ClientBase,
  storeId: string,
  drafts: readonly EventDraft[],
  now: Date = new Date(),
  before?: BeforeEvents,
): Promise<{ events: StoreEvent[]; before: R }> {
  if (drafts.length === 0) {
    if (before) throw new RangeError('appendEvents with a before statement needs at least one event');
    return { events: [], before: {} as R };
  }
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
      }) as Omit<StoreEvent, 'store_seq'>,
  );
  const { rows } = await client.query<R & { outbox_seq_base: bigint }>({
    ...outboxStatement(before),
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
  });
  const row = rows[0];
  if (!row || rows.length !== 1) {
    if (!row) throw new AppError('STORE_SEQUENCE_MISSING', `no store_sequence row for store ${storeId}`);
    throw new Error(`statement before the outbox returned ${rows.length} rows, expected 1`);
  }
  const base = row.outbox_seq_base;
  const {
    outbox_seq_base: _b,
    outbox_notified: _n,
    ...beforeRow
  } = row as R & {
    outbox_seq_base: bigint;
    outbox_notified: unknown;
  };
  return {
    events: events.map((e, i) => ({ ...e, store_seq: toSafeNumber(base + BigInt(i + 1)) }) as StoreEvent),
    before: beforeRow as unknown as R,
  };
}
