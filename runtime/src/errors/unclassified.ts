import { AppError } from './app-error.ts';

/**
 * Messages of foreign errors that carry no code but mean "the other side is away" (pg's
 * "Connection terminated unexpectedly", a pool's "timeout exceeded when trying to connect", a
 * socket closed mid-request): outages, which retry loops may wait out however long they last.
 */
const OUTAGE_MESSAGE =
  /connect|connection|terminat|timed? ?out|timeout|socket|closed|ECONN|EPIPE|unavailable|shutting down|not ready/i;

/**
 * Foreign errors without a code whose type says "the other side is away": cassandra-driver's
 * (every host down or busy, a request timed out).
 */
const OUTAGE_ERROR_NAMES = new Set(['NoHostAvailableError', 'OperationTimedOutError', 'BusyConnectionError']);

const SQLSTATE = /^[0-9A-Z]{5}$/;
// 3D: the database does not exist yet (a store box booting: another service creates it).
const PG_TRANSIENT_CLASSES = new Set(['08', '53', '57', '40', '3D']);

/** The innermost `cause` of an error chain (bounded, in case of a cycle). */
export function rootCause(err: unknown): unknown {
  let e = err;
  for (let depth = 0; depth < 10; depth++) {
    const cause = (e as { cause?: unknown } | null)?.cause;
    if (cause === undefined || cause === null || cause === e) return e;
    e = cause;
  }
  return e;
}

/**
 * True for an error nothing recognises: its root cause is not one of ours (AppError), carries no
 * code (a system error's ECONNREFUSED, a SQLSTATE, kafkajs' own), is not flagged retriable by its
 * library and does not read as an outage. That is a bug (a TypeError, a broken invariant), and
 * retrying it forever only hides it; retry loops bound it with UnknownErrorBudget.
 */
export function isUnclassifiedError(err: unknown): boolean {
  const root = rootCause(err);
  if (root instanceof AppError) return false;
  if (typeof root !== 'object' || root === null) return true;
  const r = root as { code?: unknown; retriable?: unknown; message?: unknown; name?: unknown };
  if (typeof r.name === 'string' && OUTAGE_ERROR_NAMES.has(r.name)) return false;
  if (typeof r.code === 'string' && r.code !== '') {
    // A SQLSTATE says exactly what happened: only connection, resource, operator and rollback
    // classes pass on their own; a syntax error or a missing table (42…) retried is a bug looping.
    if (SQLSTATE.test(r.code)) return !(PG_TRANSIENT_CLASSES.has(r.code.slice(0, 2)) || r.code === '55P03');
    return false;
  }
  if (r.retriable === true) return false;
  return !(typeof r.message === 'string' && OUTAGE_MESSAGE.test(r.message));
}
