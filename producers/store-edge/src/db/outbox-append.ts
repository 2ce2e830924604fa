import { AppError } from '@retail-stream/runtime';
import type pg from 'pg';
import type { EventDraft } from '../events.ts';
import { outboxRows } from './outbox-rows.ts';

/** The store_seq range one append took (inclusive). */
export interface AppendedRange {
  fromSeq: number;
  toSeq: number;
}

/**
 * Appends events to the store's outbox exactly as a checkout's final statement does (outbox-rows.ts:
 * the locked store_sequence counter, consecutive store_seq, the envelope, the NOTIFY the relay
 * wakes on), with no other write. For tools that stand in for the store edge's use cases, such as
 * the end-to-end load driver, so there is one definition of how an outbox row is made. Run on a
 * client without an open transaction it commits on return (one statement).
 */
export async function appendOutboxEvents(
  client: pg.ClientBase | pg.Pool,
  storeId: string,
  drafts: readonly EventDraft[],
  now: Date = new Date(),
): Promise<AppendedRange> {
  const rows = outboxRows(storeId, drafts, now);
  // The NOTIFY is a SELECT in a CTE: referenced in the final SELECT so Postgres runs it.
  const { rows: out } = await client.query<{ base: string }>({
    name: 'se_append_outbox',
    text: `WITH ${rows.ctes}, notified AS (${rows.select}) SELECT seq.base::text AS base FROM seq, notified`,
    values: rows.values,
  });
  const base = out[0]?.base;
  if (base === undefined)
    throw new AppError('STORE_SEQUENCE_MISSING', `no store_sequence row for store ${storeId}`);
  return { fromSeq: Number(base) + 1, toSeq: Number(base) + drafts.length };
}
