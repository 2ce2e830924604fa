import type { Request, RequestHandler, Response } from 'express';
import type pg from 'pg';
import { commitGuarded, type GuardedCommitHooks, type GuardedStep } from '../db/guarded-commit.ts';
import { commitWithEvents } from '../db/outbox.ts';
import { IDEMPOTENCY_KEY, requestHash } from '../idempotency.ts';
import { Refusal } from '../refusal.ts';
import type { Actor, Claim, UseCaseResult } from '../store-context.ts';

export const IDEMPOTENCY_HEADER = 'Idempotency-Key';

export interface IdempotentHandler<I> {
  /** Validates the request before any database work (throws a Refusal). */
  parse(req: Request): I;
  /**
   * The optimistic form of the request (guarded-commit.ts: one read, one guarded write statement,
   * no transaction held across round trips), or undefined to take `run` for this input.
   */
  guarded?(input: I, actor: Actor): GuardedStep | undefined;
  /**
   * The sale this request changes, if any: it is row-locked by the same statement that claims the
   * key (claim first, then lock — the order every request keeps), saving the use case a round trip.
   */
  locks?(input: I): string;
  /** The request in one database transaction (commitWithEvents); required unless `guarded` always answers. */
  run?(client: pg.PoolClient, input: I, actor: Actor, claim: Claim): Promise<UseCaseResult>;
}

/**
 * A state-changing endpoint a terminal may retry (lost response, timeout, crash). The key goes
 * into commitGuarded (the checkout's optimistic steps) or commitWithEvents, which claim it in the
 * same statement or transaction as the change and store the first answer with it, so either both
 * commit or neither does:
 *  - a retry after commit gets the stored status and body byte for byte and changes nothing;
 *  - a retry racing the first attempt blocks on the key's unique index until the first commits;
 *  - the same key with a different request is a 422, never a silent replay of something else.
 * Refused requests roll back and store nothing, so a retry is evaluated afresh.
 */
export function idempotent<I>(
  pool: pg.Pool,
  storeId: string,
  handler: IdempotentHandler<I>,
  hooks: GuardedCommitHooks = {},
): RequestHandler {
  return async (req: Request, res: Response) => {
    const terminalId = req.terminalId;
    if (!terminalId) throw new Error('idempotent() must run after requireTerminal');
    const key = req.get(IDEMPOTENCY_HEADER);
    if (key === undefined) {
      throw new Refusal(
        'IDEMPOTENCY_KEY_REQUIRED',
        `state-changing requests need an ${IDEMPOTENCY_HEADER} header`,
        IDEMPOTENCY_HEADER,
      );
    }
    if (!IDEMPOTENCY_KEY.test(key)) {
      throw new Refusal(
        'INVALID_IDEMPOTENCY_KEY',
        `${IDEMPOTENCY_HEADER} must be 8-128 printable ASCII characters`,
        IDEMPOTENCY_HEADER,
      );
    }
    const input = handler.parse(req);
    const path = `${req.baseUrl}${req.path}`;
    const hash = requestHash(req.method, path, req.body);
    const actor = { terminalId };
    const idempotency = { terminalId, key, requestHash: hash, method: req.method, path };
    const step = handler.guarded?.(input, actor);
    const run = handler.run;
    if (!step && !run) throw new Error('idempotent(): neither guarded nor run handled this request');
    const outcome = step
      ? await commitGuarded(pool, { storeId, ...idempotency }, step, hooks)
      : await commitWithEvents(
          pool,
          { storeId, idempotency: { ...idempotency, lockSale: handler.locks?.(input) } },
          (client, claim) => run!(client, input, actor, claim),
        );

    if (outcome.replayed && outcome.requestHash !== hash) {
      throw new Refusal(
        'IDEMPOTENCY_KEY_REUSED',
        `this ${IDEMPOTENCY_HEADER} was already used for a different request`,
        IDEMPOTENCY_HEADER,
      );
    }
    if (outcome.replayed) res.setHeader('Idempotent-Replayed', 'true');
    else outcome.afterCommit?.();
    res.status(outcome.status).type('application/json').send(outcome.body);
  };
}
