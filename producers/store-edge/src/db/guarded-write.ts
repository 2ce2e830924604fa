import crypto from 'node:crypto';
import { AppError } from '@retail-stream/runtime';
import type pg from 'pg';
import type { EventDraft } from '../events.ts';
import type { IdempotencyKey, StoredAnswer } from './idempotency-repo.ts';
import { outboxRows } from './outbox-rows.ts';
import { shiftParams } from './sql-write.ts';

/** Part of the write statement: SQL with its own parameters $1…$n (shifted when it is assembled). */
export interface SqlPart {
  text: string;
  values: readonly unknown[];
}

/**
 * A write of the change after the guard: its SQL reads the `guard` CTE (INSERT … SELECT … FROM
 * guard, or `AND EXISTS (SELECT 1 FROM guard)`), so it writes nothing when the key was not claimed
 * or the guard did not hold, and ends in RETURNING, so the statement can check it wrote exactly
 * `rows` rows. It may read the CTEs of the writes before it by their names.
 */
export interface GuardedWrite extends SqlPart {
  /** Its CTE name: a plain identifier, unique in the statement. */
  name: string;
  rows: number;
}

/** What a checkout step decided from its read (sale-snapshot.ts): the answer and how to write it. */
export interface GuardedChange {
  status: number;
  body: unknown;
  /**
   * The sale's own row, CTE `guard`, one row or none: an UPDATE guarded by the version the read saw
   * (`… AND version = $n AND EXISTS (SELECT 1 FROM claim) RETURNING id`), or the INSERT of a new
   * sale (`… SELECT … FROM claim RETURNING id`).
   */
  guard: SqlPart;
  writes?: GuardedWrite[] | undefined;
  events?: EventDraft[] | undefined;
  /** See OutboxRowsOptions.payloadPatch. */
  payloadPatch?: string | undefined;
  /** Runs once the statement committed (metrics). */
  afterCommit?: (() => void) | undefined;
}

/** The guard or a row count did not hold: the statement undid itself; read again and retry. */
export const GUARD_FAILED_SQLSTATE = '40001';
/** Events to write but no store_sequence row to number them. */
const SEQUENCE_MISSING_SQLSTATE = 'SE001';

export type WriteOutcome =
  | { claimed: true }
  /** The key is taken: its answer if this statement could see it (committed before it started). */
  | { claimed: false; stored: StoredAnswer | undefined };

/**
 * The whole change as ONE statement (data-modifying CTEs), committed on its own (autocommit):
 *   claim    the Idempotency-Key, with the answer stored right away (ON CONFLICT DO NOTHING);
 *   guard    the sale: updated only if its version is still the one read, or inserted — only if claimed;
 *   writes   lines, payments, stock, lots — each only if the guard wrote, each with its row count;
 *   verdict  claimed? and every count as expected? (it reads every CTE above, so they have all run,
 *            and all their row locks are held, before the counter below is touched);
 *   seq, ins, notified   the store_seq counter, outbox rows and NOTIFY, only if the verdict holds;
 * and the final SELECT raises (store_edge_abort, migrations/0007) when the key was claimed but the
 * verdict does not hold, which rolls back everything the statement did. So the statement commits
 * either the whole change with its events and answer, or nothing; a key claimed by someone else
 * leaves it a no-op. The counter's row lock is the last lock taken and is released by the commit
 * right after, so store_seq is handed out in commit order, as with BEGIN … COMMIT (outbox-rows.ts).
 * Locks are taken in the order every request keeps: key, sale, its lines/payments, inventory rows
 * in SKU order, lots, counter.
 */
export function guardedStatement(
  storeId: string,
  key: IdempotencyKey,
  answer: { status: number; body: string },
  change: GuardedChange,
  now: Date,
): pg.QueryConfig {
  const values: unknown[] = [];
  const ctes: string[] = [];
  const add = (name: string, part: SqlPart) => {
    ctes.push(`${name} AS (${shiftParams(part.text, values.length)})`);
    values.push(...part.values);
  };
  // $1…$3 stay the key's store, terminal and key: the final SELECT reads the stored answer by them.
  add('claim', {
    text: `INSERT INTO idempotency_keys (store_id, terminal_id, idem_key, request_hash, method, path, response_status, response_body)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING RETURNING 1`,
    values: [
      key.storeId,
      key.terminalId,
      key.key,
      key.requestHash,
      key.method,
      key.path,
      answer.status,
      answer.body,
    ],
  });
  add('guard', change.guard);
  const writes = change.writes ?? [];
  for (const w of writes) add(w.name, w);
  const counted = ['guard', ...writes.map((w) => w.name)];
  add('verdict', {
    text: `SELECT (SELECT count(*) FROM claim)::int AS claimed,
      ARRAY[${counted.map((n) => `(SELECT count(*) FROM ${n})`).join(', ')}]::int[] AS got, $1::int[] AS expected`,
    values: [[1, ...writes.map((w) => w.rows)]],
  });

  const events = change.events ?? [];
  let notified = '';
  let sequenceCheck = '';
  if (events.length > 0) {
    const rows = outboxRows(storeId, events, now, {
      gate: '(SELECT claimed = 1 AND got = expected FROM verdict)',
      payloadPatch: change.payloadPatch,
    });
    ctes.push(shiftParams(rows.ctes, values.length));
    ctes.push(`notified AS (${shiftParams(rows.select, values.length)})`);
    values.push(...rows.values);
    notified = ' CROSS JOIN (SELECT count(*) AS n FROM notified) n';
    sequenceCheck = ` WHEN v.claimed = 1 AND n.n <> 1 THEN store_edge_abort('${SEQUENCE_MISSING_SQLSTATE}', 'no store_sequence row')`;
  }
  const text = `WITH ${ctes.join(',\n')}
    SELECT v.claimed, k.request_hash, k.response_status, k.response_body,
      CASE WHEN v.claimed = 1 AND v.got <> v.expected
        THEN store_edge_abort('${GUARD_FAILED_SQLSTATE}', 'the sale, its stock or its lots changed since they were read')
        ${sequenceCheck} END AS aborted
    FROM verdict v${notified}
    LEFT JOIN idempotency_keys k ON v.claimed = 0 AND k.store_id = $1 AND k.terminal_id = $2 AND k.idem_key = $3`;
  // One prepared statement per distinct text (the parts vary with the step and its options).
  const name = `se_w_${crypto.createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
  return { name, text, values };
}

/** Runs a guardedStatement; a failed guard surfaces as a pg error with GUARD_FAILED_SQLSTATE. */
export async function runGuardedWrite(
  pool: pg.Pool | pg.PoolClient,
  statement: pg.QueryConfig,
): Promise<WriteOutcome> {
  let rows: {
    claimed: number;
    request_hash: string | null;
    response_status: number | null;
    response_body: string | null;
  }[];
  try {
    ({ rows } = await pool.query(statement));
  } catch (err) {
    if ((err as { code?: string }).code === SEQUENCE_MISSING_SQLSTATE)
      throw new AppError('STORE_SEQUENCE_MISSING', 'no store_sequence row for this store');
    throw err;
  }
  const row = rows[0]!;
  if (row.claimed === 1) return { claimed: true };
  return {
    claimed: false,
    stored:
      row.request_hash === null
        ? undefined
        : {
            request_hash: row.request_hash,
            response_status: row.response_status!,
            response_body: row.response_body!,
          },
  };
}
