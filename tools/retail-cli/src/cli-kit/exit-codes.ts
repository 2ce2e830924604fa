import { AppError, ConfigError } from '@retail-stream/runtime';
import { CommanderError } from 'commander';

/**
 * The CLI's exit codes (docs/replay.md). Scripts branch on them, so each means one thing: 2 is not
 * a failure but "the command worked and found differences" (diff, reconcile).
 */
export const EXIT = {
  OK: 0,
  FAILURE: 1,
  DIFFERENCES: 2,
  USAGE: 64,
  UNAVAILABLE: 69,
  INTERRUPTED: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** Codes that mean "a service is not reachable" (sysexits EX_UNAVAILABLE), whatever their section. */
const UNAVAILABLE_CODES = new Set([
  'KAFKA_UNAVAILABLE',
  'REGISTRY_UNAVAILABLE',
  'PG_UNAVAILABLE',
  'DB_UNAVAILABLE',
  'CLICKHOUSE_UNAVAILABLE',
  'CASSANDRA_UNAVAILABLE',
  'SINK_STORE_UNAVAILABLE',
  'HOST_UNAVAILABLE',
  'UNAVAILABLE',
]);

/** The input selects nothing or names what does not exist: the command line is what to fix. */
const USAGE_CODES = new Set([
  'CLI_USAGE',
  'REPLAY_BAD_RANGE',
  'REPLAY_UNKNOWN_TOPIC',
  'REPLAY_NO_DATA',
  'SHADOW_BAD_NAME',
  'SHADOW_UNKNOWN',
  'BAD_ARGS',
  'BAD_ARGUMENT',
]);

/** Network errors of the drivers (pg, cassandra-driver, @clickhouse/client, kafkajs) by errno or name. */
const CONNECTION_ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENOTFOUND', 'ETIMEDOUT']);
const CONNECTION_NAMES = new Set([
  'KafkaJSConnectionError',
  'KafkaJSBrokerNotFound',
  'KafkaJSNonRetriableError',
  'NoHostAvailableError',
]);

/** A bad command line or option value: exit 64, the message shown with a pointer to --help. */
export function usageError(message: string, details?: Record<string, unknown>): AppError<'CLI_USAGE'> {
  return new AppError('CLI_USAGE', message, { details });
}

/** Ctrl-C honoured after the batch in flight: exit 130. */
export function interruptedError(message = 'interrupted'): AppError<'CLI_INTERRUPTED'> {
  return new AppError('CLI_INTERRUPTED', message);
}

/** The exit code for an error that ended a command. */
export function exitCodeFor(err: unknown): ExitCode {
  if (err instanceof CommanderError) {
    if (
      err.code === 'commander.helpDisplayed' ||
      err.code === 'commander.version' ||
      err.code === 'commander.help'
    )
      return EXIT.OK;
    return EXIT.USAGE;
  }
  if (err instanceof ConfigError) return EXIT.USAGE;
  if (err instanceof AppError) {
    if (err.code === 'CLI_INTERRUPTED') return EXIT.INTERRUPTED;
    if (USAGE_CODES.has(err.code)) return EXIT.USAGE;
    if (UNAVAILABLE_CODES.has(err.code)) return EXIT.UNAVAILABLE;
    return EXIT.FAILURE;
  }
  if (isConnectionError(err)) return EXIT.UNAVAILABLE;
  return EXIT.FAILURE;
}

function isConnectionError(err: unknown, depth = 0): boolean {
  if (typeof err !== 'object' || err === null || depth > 4) return false;
  const e = err as { code?: unknown; name?: unknown; cause?: unknown; errors?: unknown };
  if (typeof e.code === 'string' && CONNECTION_ERRNOS.has(e.code)) return true;
  if (typeof e.name === 'string' && CONNECTION_NAMES.has(e.name)) {
    // kafkajs wraps "retries exhausted" around the real reason; only a connection reason counts.
    return e.name !== 'KafkaJSNonRetriableError' || isConnectionError(e.cause, depth + 1);
  }
  if (Array.isArray(e.errors)) return e.errors.some((inner) => isConnectionError(inner, depth + 1));
  return isConnectionError(e.cause, depth + 1);
}
