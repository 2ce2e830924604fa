import { AppError, backoffDelayMs, type BackoffOptions } from '@retail-stream/runtime';
import {
  describeAnswer,
  kindOf,
  type AnswerKind,
  type AuthorityAnswer,
} from '../authority/authority-answer.ts';
import { AuthorityClient, type CallResult, type Credentials } from '../authority/authority-client.ts';
import type { AccountRateLimiter } from '../authority/rate-limiter.ts';
import type { TokenCache } from '../authority/token-cache.ts';
import { noCredentialsReason } from '../document-store.ts';
import type { AttemptRecord, LeasedDocument, Settlement } from './document-queue.ts';

export interface SyncDeps {
  client: AuthorityClient;
  tokens: TokenCache;
  limiter: AccountRateLimiter;
  credentialsOf: (maCoSo: string) => Credentials | undefined;
  backoff: BackoffOptions;
  maxAttempts: number;
  /** The least wait before reading back a send whose outcome is unknown (it may still land). */
  unknownOutcomeGraceMs: number;
  /** How long a document of an account without credentials waits before it is looked at again. */
  waitMs: number;
  /** Each HTTP call's duration and meaning (the request latency histogram). */
  observe: (method: string, docType: string, kind: string, seconds: number) => void;
}

/** One exchange as sent and answered (the attempts log row) and what it meant. */
interface Exchange {
  result: CallResult;
  kind: AnswerKind | 'no_answer';
}

/**
 * One worker turn with a leased document: read back first if an earlier send's outcome is unknown
 * (never create a duplicate), send with the account's token (log in again once on 401), and say
 * how it ended. Never throws for the authority's behaviour; a thrown error is a bug or Postgres.
 */
export async function syncDocument(
  doc: LeasedDocument,
  deps: SyncDeps,
): Promise<{ settlement: Settlement; attempts: AttemptRecord[] }> {
  const attempts: AttemptRecord[] = [];
  const credentials = deps.credentialsOf(doc.maCoSo);
  if (!credentials) {
    return {
      settlement: { status: 'WAIT', reason: noCredentialsReason(doc.maCoSo), delayMs: deps.waitMs },
      attempts,
    };
  }

  const exchange = async (method: string, path: string, body: unknown): Promise<Exchange> => {
    let token: string;
    try {
      token = await deps.tokens.get(doc.maCoSo, credentials);
    } catch (err) {
      throw loginFailure(err);
    }
    await deps.limiter.take(doc.maCoSo);
    let ex = await logged(method, path, body, token);
    if (ex.kind === 'unauthorized') {
      // The token expired: one login for all workers that saw it, then this call once more.
      try {
        token = await deps.tokens.refresh(doc.maCoSo, credentials, token);
      } catch (err) {
        throw loginFailure(err);
      }
      await deps.limiter.take(doc.maCoSo);
      ex = await logged(method, path, body, token);
    }
    return ex;
  };

  const logged = async (method: string, path: string, body: unknown, token: string): Promise<Exchange> => {
    const result = await deps.client.call(method, path, body, token);
    const kind = result.kind === 'answer' ? kindOf(result.answer) : 'no_answer';
    deps.observe(method, doc.docType, kind, result.durationMs / 1000);
    attempts.push({
      method,
      path,
      request_body: body ?? null,
      http_status: result.kind === 'answer' ? result.answer.httpStatus : null,
      response_body: result.kind === 'answer' ? result.answer.text.slice(0, 4000) : null,
      outcome: kind,
      error: result.kind === 'no-answer' ? result.error : null,
      duration_ms: Math.round(result.durationMs),
    });
    return { result, kind };
  };

  const retry = (error: string, unknown: boolean, retryAfterMs: number | null = null): Settlement => {
    if (doc.attempt >= deps.maxAttempts) {
      return { status: 'SYNC_FAILED', error: `gave up after ${doc.attempt} attempts: ${error}` };
    }
    const delayMs = Math.max(retryAfterMs ?? 0, backoffDelayMs(doc.attempt, deps.backoff));
    return { status: 'RETRY', error, delayMs, outcomeUnknown: unknown };
  };

  try {
    const address = AuthorityClient.addressOf(doc.docType, doc.maCoSo, doc.localId);
    if (doc.op === 'DELETE') {
      const ex = await exchange('DELETE', address, undefined);
      // Not there (any more) is what a void wants: a retried DELETE whose first one committed.
      if (ex.kind === 'ok' || ex.kind === 'not_found') {
        return { settlement: { status: 'SYNC_SUCCESS', nationalId: null }, attempts };
      }
      if (ex.kind === 'rejected' || ex.kind === 'duplicate') {
        // "Already voided" is refused as an error by the authority: read back to tell it apart.
        const back = await exchange('GET', address, undefined);
        if (back.kind === 'ok' && isVoided(back)) {
          return { settlement: { status: 'SYNC_SUCCESS', nationalId: null }, attempts };
        }
      }
      return { settlement: settleFailure(ex, retry), attempts };
    }

    if (doc.outcomeUnknown) {
      const back = await exchange('GET', address, undefined);
      if (back.kind === 'ok') return { settlement: found(back), attempts };
      if (back.kind !== 'not_found') return { settlement: settleFailure(back, retry, true), attempts };
      // Known absent: sending now cannot duplicate it.
    }

    const sent = await exchange('POST', AuthorityClient.pathOf(doc.docType), doc.payload);
    if (sent.kind === 'ok') return { settlement: found(sent), attempts };
    if (sent.kind === 'duplicate') {
      // Our local id is unique, so the document there is ours (an earlier send that committed).
      const back = await exchange('GET', address, undefined);
      if (back.kind === 'ok') return { settlement: found(back), attempts };
      return {
        settlement: retry(`refused as duplicate, read back failed: ${describe(back)}`, true),
        attempts,
      };
    }
    return { settlement: settleFailure(sent, retry, false, deps.unknownOutcomeGraceMs), attempts };
  } catch (err) {
    if (err instanceof AppError && err.code === 'NATIONAL_SYNC_LOGIN_FAILED') {
      const retryAfter = (err.details?.retryAfterMs as number | null | undefined) ?? null;
      return { settlement: retry(err.message, doc.outcomeUnknown, retryAfter), attempts };
    }
    throw err;
  }
}

/** A read-back of a voided document (`da_huy: true`, at the top or under `data`). */
function isVoided(ex: Exchange): boolean {
  const body = (ex.result as { answer: AuthorityAnswer }).answer.body;
  const data = body?.data as { da_huy?: unknown } | undefined;
  return body?.da_huy === true || data?.da_huy === true;
}

function found(ex: Exchange): Settlement {
  const answer = (ex.result as { answer: AuthorityAnswer }).answer;
  return { status: 'SYNC_SUCCESS', nationalId: answer.nationalId };
}

function describe(ex: Exchange): string {
  return ex.result.kind === 'answer' ? describeAnswer(ex.result.answer) : ex.result.error;
}

/** A send that did not succeed: refused at once, or retried (outcome unknown unless the authority said it did nothing). */
function settleFailure(
  ex: Exchange,
  retry: (error: string, unknown: boolean, retryAfterMs?: number | null) => Settlement,
  readingBack = false,
  /** For a create sent just now: no read-back before the authority could have finished it. */
  unknownGraceMs = 0,
): Settlement {
  const text = describe(ex);
  switch (ex.kind) {
    case 'rejected':
    case 'not_found':
    case 'duplicate':
      if (!readingBack) return { status: 'SYNC_FAILED', error: text };
      return retry(`read back: ${text}`, true);
    case 'throttled':
      // 429: the authority did nothing; an earlier unknown outcome stays unknown.
      return retry(text, readingBack, (ex.result as { answer: AuthorityAnswer }).answer.retryAfterMs);
    case 'unauthorized':
      return retry(`still unauthorized after a new login: ${text}`, readingBack);
    default:
      // 5xx or no answer: it may have been applied, or still be on its way; read back (after the
      // grace) before sending again.
      return retry(
        text,
        true,
        Math.max(unknownGraceMs, (ex.result.kind === 'answer' ? ex.result.answer.retryAfterMs : null) ?? 0),
      );
  }
}

function loginFailure(err: unknown): AppError {
  if (err instanceof AppError) return err;
  return new AppError('NATIONAL_SYNC_LOGIN_FAILED', `login: ${(err as Error).message}`, {
    retriable: true,
    cause: err,
  });
}
