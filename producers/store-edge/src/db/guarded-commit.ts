import { isRetryablePgError } from '@retail-stream/runtime';
import type pg from 'pg';
import { toJsonText } from '../json-text.ts';
import { Refusal } from '../refusal.ts';
import { guardedStatement, runGuardedWrite, type GuardedChange } from './guarded-write.ts';
import type { IdempotencyKey, StoredAnswer } from './idempotency-repo.ts';
import type { CommitOutcome } from './outbox.ts';
import { readSale, type SaleReadRequest, type SaleSnapshot } from './sale-snapshot.ts';

/**
 * Attempts of one request: each is a read and a write; a failed guard means another request changed
 * the sale, its stock or its lots in between (it made progress), so the next attempt usually passes.
 */
export const GUARDED_ATTEMPTS = 8;

/** A checkout step in the optimistic form: what it reads, and a pure decision from that. */
export interface GuardedStep {
  /** The sale the request reads; absent: it reads nothing (opening a sale). */
  read?: SaleReadRequest | undefined;
  /**
   * The change from the snapshot (present when `read` is), at `now`, the request's one clock
   * reading: every timestamp the answer shows is written as this value. Throws a Refusal to refuse.
   */
  plan(snapshot: SaleSnapshot | undefined, now: Date): GuardedChange;
}

export interface GuardedCommitHooks {
  /** Called once per failed guard (another request won the race); for the conflicts metric. */
  onConflict?: (() => void) | undefined;
}

/**
 * Commits a checkout step in at most two autocommit statements per attempt, without BEGIN/COMMIT
 * or row locks held across round trips: one read (the stored answer for the key, the sale and what
 * the step needs), then one guarded write (guarded-write.ts) that claims the key and applies the
 * change, its answer and its events atomically — or does nothing at all. Then:
 *  - a stored answer in the read (or visible to the write): the first answer is replayed;
 *  - the key claimed by a racing attempt: read again, which finds its answer;
 *  - the guard or a row count failed (40001), or a deadlock (40P01): read again and decide afresh;
 *  - still failing after GUARDED_ATTEMPTS: CHECKOUT_CONFLICT (503, retriable), nothing written.
 * A Refusal from `plan` writes nothing and stores nothing, as with commitWithEvents.
 */
export async function commitGuarded(
  pool: pg.Pool,
  key: IdempotencyKey,
  step: GuardedStep,
  hooks: GuardedCommitHooks = {},
): Promise<CommitOutcome> {
  // One connection for the request's read and write (and its retries), without a transaction:
  // under saturation the pool then serves requests first come, first served, instead of queueing
  // each one's write behind every other request's read.
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    return await attempts(client, key, step, hooks);
  } catch (err) {
    // A statement's error (SQLSTATE) or a refusal leaves the connection usable; anything else
    // (a reset, a protocol error) may not, so the pool drops it.
    if (!(err instanceof Error) || !('code' in err)) broken = err as Error;
    throw err;
  } finally {
    client.release(broken);
  }
}

async function attempts(
  client: pg.PoolClient,
  key: IdempotencyKey,
  step: GuardedStep,
  hooks: GuardedCommitHooks,
): Promise<CommitOutcome> {
  for (let attempt = 1; attempt <= GUARDED_ATTEMPTS; attempt++) {
    const now = new Date();
    const snapshot = step.read ? await readSale(client, key, step.read) : undefined;
    if (snapshot?.stored) return replay(snapshot.stored);
    const change = step.plan(snapshot, now);
    const body = toJsonText(change.body);
    try {
      const outcome = await runGuardedWrite(
        client,
        guardedStatement(key.storeId, key, { status: change.status, body }, change, now),
      );
      if (outcome.claimed)
        return { replayed: false, status: change.status, body, afterCommit: change.afterCommit };
      if (outcome.stored) return replay(outcome.stored);
      // Taken by an attempt that committed after this statement began: the next read sees its answer.
    } catch (err) {
      if (!isRetryablePgError(err)) throw err;
      hooks.onConflict?.();
    }
  }
  throw new Refusal(
    'CHECKOUT_CONFLICT',
    `the sale, its stock or its lots kept changing during ${GUARDED_ATTEMPTS} attempts; nothing was written`,
  );
}

function replay(stored: StoredAnswer): CommitOutcome {
  return {
    replayed: true,
    requestHash: stored.request_hash,
    status: stored.response_status,
    body: stored.response_body,
  };
}
