import type { Request, RequestHandler, Response } from 'express';
import { withTransaction } from '@retail-stream/runtime';
import type pg from 'pg';
import { TX_COLUMNS, type TxRow } from '../db/transaction-repo.ts';
import { IDEMPOTENCY_KEY, requestHash } from '../idempotency.ts';
import { runFinalWrite } from '../outbox-writer.ts';
import type { Actor, Claim, UseCaseResult } from '../store-context.ts';
import { badRequest, unprocessable } from './api-error.ts';
import { toJsonText } from './json.ts';

export const IDEMPOTENCY_HEADER = 'Idempotency-Key';

/** A deadlock or serialization failure between terminals left no effect: the request runs again. */
export const RETRY_CONFLICTS = { attempts: 3 };

export interface IdempotentHandler<I> {
  /** Validates the request before any database work (throws ApiError 400). */
  parse(req: Request): I;
  /**
   * The sale this request changes, if any: it is row-locked by the same statement that claims the
   * key (claim first, then lock — the order every request keeps), saving the use case a round trip.
   */
  locks?(input: I): string;
  run(client: pg.PoolClient, input: I, actor: Actor, claim: Claim): Promise<UseCaseResult>;
}

const CLAIM = `INSERT INTO idempotency_keys (store_id, terminal_id, idem_key, request_hash, method, path)
  VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING now() AS claimed_at`;
// The lateral lock runs only for a claimed key (the outer CTE scan drives it), after the claim
// waited out any racing attempt: a replay never touches the sale.
const CLAIM_AND_LOCK = `WITH claim AS (${CLAIM})
  SELECT claim.claimed_at, t.* FROM claim LEFT JOIN LATERAL (
    SELECT ${TX_COLUMNS} FROM transactions WHERE store_id = $1 AND id = $7 FOR UPDATE
  ) t ON true`;

type Outcome =
  | { replayed: false; status: number; body: string; afterCommit?: () => void }
  | { replayed: true; hash: string; status: number; body: string };

/**
 * A state-changing endpoint a terminal may retry (lost response, timeout, crash). The key is
 * claimed first in the same database transaction as the change and the response is stored with
 * it, so either both commit or neither does:
 *  - a retry after commit gets the stored status and body byte for byte and changes nothing;
 *  - a retry racing the first attempt blocks on the key's unique index until the first commits;
 *  - the same key with a different request is a 422, never a silent replay of something else.
 * Refused requests (4xx thrown by the use case) roll back and store nothing, so a retry is
 * evaluated afresh against the current state.
 */
export function idempotent<I>(pool: pg.Pool, storeId: string, handler: IdempotentHandler<I>): RequestHandler {
  return async (req: Request, res: Response) => {
    const terminalId = req.terminalId;
    if (!terminalId) throw new Error('idempotent() must run after requireTerminal');
    const key = req.get(IDEMPOTENCY_HEADER);
    if (key === undefined) {
      throw badRequest(
        'IDEMPOTENCY_KEY_REQUIRED',
        `state-changing requests need an ${IDEMPOTENCY_HEADER} header`,
        IDEMPOTENCY_HEADER,
      );
    }
    if (!IDEMPOTENCY_KEY.test(key)) {
      throw badRequest(
        'INVALID_IDEMPOTENCY_KEY',
        `${IDEMPOTENCY_HEADER} must be 8-128 printable ASCII characters`,
        IDEMPOTENCY_HEADER,
      );
    }
    const input = handler.parse(req);
    const path = `${req.baseUrl}${req.path}`;
    const hash = requestHash(req.method, path, req.body);
    const ids = [storeId, terminalId, key];

    const outcome = await withTransaction(
      pool,
      async (client): Promise<Outcome> => {
        const lockId = handler.locks?.(input);
        const claimed =
          lockId === undefined
            ? await client.query({
                name: 'se_idempotency_claim',
                text: CLAIM,
                values: [...ids, hash, req.method, path],
              })
            : await client.query<{ claimed_at: Date } & (TxRow | { [K in keyof TxRow]: null })>({
                name: 'se_idempotency_claim_lock',
                text: CLAIM_AND_LOCK,
                values: [...ids, hash, req.method, path, lockId],
              });
        if (claimed.rowCount === 0) {
          const { rows } = await client.query<{
            request_hash: string;
            response_status: number;
            response_body: string;
          }>(
            'SELECT request_hash, response_status, response_body FROM idempotency_keys WHERE store_id = $1 AND terminal_id = $2 AND idem_key = $3',
            ids,
          );
          // Only committed rows are visible, and they always carry their response. A row expired by
          // the TTL sweep between the two statements just means: claim it again.
          const row = rows[0];
          if (!row) throw Object.assign(new Error('idempotency key expired during claim'), { code: '40001' });
          return {
            replayed: true,
            hash: row.request_hash,
            status: row.response_status,
            body: row.response_body,
          };
        }
        const { claimed_at: now, ...row } = claimed.rows[0] as { claimed_at: Date } & TxRow;
        const locked = lockId === undefined ? undefined : row.id === null ? null : (row as TxRow);
        const result = await handler.run(client, input, { terminalId }, { now, locked });
        const body = toJsonText(result.body);
        const respond = [result.status, body, ...ids];
        const w = result.finalWrite;
        if (w) {
          // The use case's last write and the stored response in one statement (one round trip less,
          // and a store_seq lock taken there is held only until the COMMIT that follows).
          const n = w.values.length;
          await runFinalWrite(client, {
            ...w,
            name: `${w.name}_respond`,
            ctes: `${w.ctes}, idem_response AS (UPDATE idempotency_keys SET response_status = $${n + 1},
            response_body = $${n + 2} WHERE store_id = $${n + 3} AND terminal_id = $${n + 4} AND idem_key = $${n + 5})`,
            values: [...w.values, ...respond],
          });
        } else {
          await client.query({
            name: 'se_idempotency_respond',
            text: 'UPDATE idempotency_keys SET response_status = $1, response_body = $2 WHERE store_id = $3 AND terminal_id = $4 AND idem_key = $5',
            values: respond,
          });
        }
        return { replayed: false, status: result.status, body, afterCommit: result.afterCommit };
      },
      RETRY_CONFLICTS,
    );

    if (outcome.replayed && outcome.hash !== hash) {
      throw unprocessable(
        'IDEMPOTENCY_KEY_REUSED',
        `this ${IDEMPOTENCY_HEADER} was already used for a different request`,
        IDEMPOTENCY_HEADER,
      );
    }
    if (!outcome.replayed) outcome.afterCommit?.();
    if (outcome.replayed) res.setHeader('Idempotent-Replayed', 'true');
    res.status(outcome.status).type('application/json').send(outcome.body);
  };
}
