import type pg from 'pg';
import type { SqlWrite } from './sql-write.ts';
import { TX_COLUMNS, type TxRow } from './transaction-repo.ts';

/** A state-changing request as its Idempotency-Key claim records it. */
export interface IdempotencyKey {
  storeId: string;
  terminalId: string;
  key: string;
  requestHash: string;
  method: string;
  path: string;
}

export interface StoredAnswer {
  request_hash: string;
  response_status: number;
  response_body: string;
}

const CLAIM = `INSERT INTO idempotency_keys (store_id, terminal_id, idem_key, request_hash, method, path)
  VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING now() AS claimed_at`;
// The lock runs only for a claimed key (the EXISTS is checked before any row is locked), after the
// claim waited out any racing attempt: a replay never touches the sale. It is an UPDATE that bumps
// the sale's version, so a checkout request that read the sale before it reads again
// (guarded-write.ts).
const CLAIM_AND_LOCK = `WITH claim AS (${CLAIM}), t AS (
    UPDATE transactions SET version = version + 1
     WHERE store_id = $1 AND id = $7 AND EXISTS (SELECT 1 FROM claim) RETURNING ${TX_COLUMNS}
  ) SELECT claim.claimed_at, t.* FROM claim LEFT JOIN t ON true`;

export type ClaimResult =
  | { claimed: false }
  /** `locked`: the sale's row (null: no such sale), or undefined when no sale was asked for. */
  | { claimed: true; now: Date; locked: TxRow | null | undefined };

/**
 * Claims the key; a racing attempt with the same key blocks on the unique index until the first
 * commits (then this one is not claimed). With `lockSale`, the sale is row-locked by the same
 * statement (claim first, then lock — the order every request keeps), saving a round trip.
 */
export async function claimKey(
  client: pg.ClientBase,
  k: IdempotencyKey,
  lockSale?: string,
): Promise<ClaimResult> {
  const values = [k.storeId, k.terminalId, k.key, k.requestHash, k.method, k.path];
  if (lockSale === undefined) {
    const { rows } = await client.query<{ claimed_at: Date }>({
      name: 'se_idempotency_claim',
      text: CLAIM,
      values,
    });
    return rows[0] ? { claimed: true, now: rows[0].claimed_at, locked: undefined } : { claimed: false };
  }
  const { rows } = await client.query<{ claimed_at: Date } & (TxRow | { [K in keyof TxRow]: null })>({
    name: 'se_idempotency_claim_lock_v',
    text: CLAIM_AND_LOCK,
    values: [...values, lockSale],
  });
  if (!rows[0]) return { claimed: false };
  const { claimed_at: now, ...row } = rows[0];
  return { claimed: true, now, locked: row.id === null ? null : (row as TxRow) };
}

/** The answer stored with a committed key (only committed rows are visible, and they carry it). */
export async function storedAnswer(
  client: pg.ClientBase,
  k: Pick<IdempotencyKey, 'storeId' | 'terminalId' | 'key'>,
): Promise<StoredAnswer | undefined> {
  const { rows } = await client.query<StoredAnswer>(
    'SELECT request_hash, response_status, response_body FROM idempotency_keys WHERE store_id = $1 AND terminal_id = $2 AND idem_key = $3',
    [k.storeId, k.terminalId, k.key],
  );
  return rows[0];
}

/** Stores the first answer with the claimed key. */
export function answerWrite(
  k: Pick<IdempotencyKey, 'storeId' | 'terminalId' | 'key'>,
  status: number,
  body: string,
): SqlWrite {
  return {
    name: 'answer',
    text: 'UPDATE idempotency_keys SET response_status = $1, response_body = $2 WHERE store_id = $3 AND terminal_id = $4 AND idem_key = $5',
    values: [status, body, k.storeId, k.terminalId, k.key],
  };
}

/** Deletes keys older than the retention; returns how many. */
export async function deleteExpiredKeys(db: pg.Pool, olderThanSeconds: number): Promise<number> {
  const { rowCount } = await db.query(
    'DELETE FROM idempotency_keys WHERE created_at < now() - make_interval(secs => $1)',
    [olderThanSeconds],
  );
  return rowCount ?? 0;
}
