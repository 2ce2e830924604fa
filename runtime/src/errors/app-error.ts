import {
  ERROR_CATALOGUE,
  isErrorCode,
  type ErrorCode,
  type NonRetriableCode,
  type RetriableCode,
} from './catalogue/index.ts';

type Catalogue = typeof ERROR_CATALOGUE;

/**
 * What `retriable` a raise site may pass for a code: any boolean where the catalogue says 'either',
 * else only the catalogue's own value (so a redundant `retriable: false` compiles, a contradiction
 * does not).
 */
export type RetriableFor<C extends ErrorCode> = Catalogue[C]['retriable'] extends 'either'
  ? boolean
  : Catalogue[C]['retriable'];

export interface AppErrorOptions<C extends ErrorCode = ErrorCode> {
  retriable?: RetriableFor<C>;
  cause?: unknown;
  details?: Record<string, unknown>;
  /** The offending input, as a JSON path (`lines.0.sku`) or header name; answered in HTTP error bodies. */
  field?: string | null;
}

/**
 * Every error the project raises on purpose carries a catalogue code (for logs, metrics, DLQ headers
 * and HTTP bodies) and says whether retrying the same operation can succeed. The flag comes from
 * the catalogue (runtime/src/errors/catalogue/); only codes whose entry says 'either' take it from
 * the raise site (default false).
 */
export class AppError<C extends ErrorCode = ErrorCode> extends Error {
  readonly code: ErrorCode;
  readonly retriable: boolean;
  readonly details: Record<string, unknown> | undefined;
  readonly field: string | null;

  constructor(code: C, message: string, opts: AppErrorOptions<C> = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = new.target.name;
    this.code = code;
    // A code cast past the type check must not make raising an error throw: it keeps the old default.
    const listed: boolean | 'either' = isErrorCode(code) ? ERROR_CATALOGUE[code].retriable : 'either';
    this.retriable = listed === 'either' ? ((opts.retriable as boolean | undefined) ?? false) : listed;
    this.details = opts.details;
    this.field = opts.field ?? null;
  }
}

/** Bad input from outside (HTTP body, Kafka record, CLI flag): never retriable as-is. */
export class ValidationError<C extends NonRetriableCode = NonRetriableCode> extends AppError<C> {
  constructor(code: C, message: string, details?: Record<string, unknown>) {
    super(code, message, { retriable: false as RetriableFor<C>, details });
  }
}

/** A dependency (broker, database, registry) failed in a way that may pass on its own. */
export class TransientError<C extends RetriableCode = RetriableCode> extends AppError<C> {
  constructor(code: C, message: string, cause?: unknown) {
    super(code, message, { retriable: true as RetriableFor<C>, cause });
  }
}

export class ConfigError extends AppError<'CONFIG_INVALID'> {
  readonly problems: string[];
  constructor(problems: string[]) {
    super('CONFIG_INVALID', `invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.problems = problems;
  }
}

export function isRetriable(err: unknown): boolean {
  if (err instanceof AppError) return err.retriable;
  // kafkajs marks its own errors; anything else unknown is treated as not retriable to avoid hot loops.
  return typeof err === 'object' && err !== null && (err as { retriable?: unknown }).retriable === true;
}

/**
 * The code to log or count for any error: ours, or a foreign library's own code (ECONNREFUSED,
 * a SQLSTATE) as it is, or UNEXPECTED. Foreign codes are not catalogue codes: use a classifier
 * (e.g. sinks' pg-errors.ts) to turn a foreign error into an AppError before it crosses a boundary.
 */
export function errorCode(err: unknown): string {
  if (err instanceof AppError) return err.code;
  if (typeof err === 'object' && err !== null && typeof (err as { code?: unknown }).code === 'string') {
    return (err as { code: string }).code;
  }
  return 'UNEXPECTED' satisfies ErrorCode;
}

/**
 * The catalogue code of any error, for places that must carry one (dead-letter headers): ours, or
 * UNEXPECTED for a foreign error (its own code stays in the message and the log).
 */
export function catalogueCode(err: unknown): ErrorCode {
  return err instanceof AppError ? err.code : 'UNEXPECTED';
}
