import { AppError, withTransaction } from '@retail-stream/runtime';
import type pg from 'pg';
import type { EventDraft } from '../events.ts';
import { toJsonText } from '../json-text.ts';
import type { Claim, UseCaseResult } from '../store-context.ts';
import { answerWrite, claimKey, storedAnswer, type IdempotencyKey } from './idempotency-repo.ts';
import { outboxRows } from './outbox-rows.ts';
import { shiftParams, type SqlWrite } from './sql-write.ts';

/** A deadlock or serialization failure between terminals left no effect: the request runs again. */
export const RETRY_CONFLICTS = { attempts: 3 };

/** The request's Idempotency-Key (checked by the HTTP layer) and the sale to lock with the claim. */
export type IdempotencyRequest = Omit<IdempotencyKey, 'storeId'> & {
  lockSale?: string | undefined;
};

export type CommitOutcome =
  /** The first answer, just committed; afterCommit is the caller's to run (metrics, logs). */
  | { replayed: false; status: number; body: string; afterCommit?: (() => void) | undefined }
  /** The key was used before: its stored first answer and the request it answered. */
  | { replayed: true; requestHash: string; status: number; body: string };

/**
 * Every change of the store's state but the checkout's optimistic steps (open, line edits, cash
 * payment, finalize: guarded-commit.ts) goes through here, in ONE database transaction:
 *  1. with an idempotency key: claim it (a committed key returns its stored first answer instead,
 *     and nothing runs);
 *  2. `work` (a use case): reads, checks, writes the change through the repositories and returns
 *     its answer, its events and optionally its last writes;
 *  3. one final statement: those last writes, the answer stored with the key, and the events as
 *     outbox rows with store_seq from the locked per-store counter (outbox-rows.ts), then COMMIT.
 * So an acknowledged change is durable with its events (guarantee 1), commit order is store_seq
 * order, a rollback leaves no gap, and a replay gets the first answer byte for byte. A Refusal
 * thrown by `work` rolls everything back and stores nothing, so a retry is evaluated afresh.
 */
export function commitWithEvents(
  pool: pg.Pool,
  request: { storeId: string; idempotency: IdempotencyRequest },
  work: (client: pg.PoolClient, claim: Claim) => Promise<UseCaseResult>,
): Promise<CommitOutcome>;
export function commitWithEvents(
  pool: pg.Pool,
  request: { storeId: string },
  work: (client: pg.PoolClient) => Promise<UseCaseResult>,
): Promise<CommitOutcome>;
export function commitWithEvents(
  pool: pg.Pool,
  request: { storeId: string; idempotency?: IdempotencyRequest },
  work: (client: pg.PoolClient, claim: Claim) => Promise<UseCaseResult>,
): Promise<CommitOutcome> {
  const { storeId, idempotency } = request;
  return withTransaction(
    pool,
    async (client): Promise<CommitOutcome> => {
      let claim: Claim | undefined;
      const key = idempotency && { storeId, ...idempotency };
      if (key) {
        const claimed = await claimKey(client, key, key.lockSale);
        if (!claimed.claimed) {
          const stored = await storedAnswer(client, key);
          // A row expired by the TTL sweep between the two statements just means: claim it again.
          if (!stored)
            throw Object.assign(new Error('idempotency key expired during claim'), { code: '40001' });
          return {
            replayed: true,
            requestHash: stored.request_hash,
            status: stored.response_status,
            body: stored.response_body,
          };
        }
        claim = { now: claimed.now, locked: claimed.locked };
      }
      // Only the idempotent overload's work takes the claim.
      const result = await work(client, claim as Claim);
      const body = toJsonText(result.body);
      const writes = [...(result.writes ?? [])];
      if (key) writes.push(answerWrite(key, result.status, body));
      await runFinalStatement(client, storeId, writes, result.events ?? []);
      return { replayed: false, status: result.status, body, afterCommit: result.afterCommit };
    },
    RETRY_CONFLICTS,
  );
}

/**
 * The writes and the events as one statement (data-modifying CTEs, each write with its own
 * parameters shifted into one list), so the store_seq lock it takes is held only until the COMMIT
 * that follows, and the change costs one round trip however many parts it has.
 */
async function runFinalStatement(
  client: pg.ClientBase,
  storeId: string,
  writes: readonly SqlWrite[],
  events: readonly EventDraft[],
): Promise<void> {
  if (events.length === 0 && writes.length <= 1) {
    const w = writes[0];
    if (w) await client.query({ name: `se_${w.name}`, text: w.text, values: [...w.values] });
    return;
  }
  const ctes: string[] = [];
  const values: unknown[] = [];
  const names: string[] = [];
  writes.forEach((w, i) => {
    ctes.push(`w${i} AS (${shiftParams(w.text, values.length)})`);
    values.push(...w.values);
    names.push(w.name);
  });
  let select = 'SELECT 1';
  if (events.length > 0) {
    const rows = outboxRows(storeId, events);
    ctes.push(shiftParams(rows.ctes, values.length));
    select = shiftParams(rows.select, values.length);
    values.push(...rows.values);
    names.push('events');
  }
  const { rowCount } = await client.query({
    name: `se_${names.join('+')}`,
    text: `WITH ${ctes.join(', ')} ${select}`,
    values,
  });
  if (events.length > 0 && rowCount !== 1)
    throw new AppError('STORE_SEQUENCE_MISSING', `no store_sequence row for store ${storeId}`);
}
