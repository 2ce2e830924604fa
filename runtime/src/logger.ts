import pino from 'pino';
import { currentTraceContext } from './trace.ts';

export type Logger = pino.Logger;

export interface LoggerOptions {
  service: string;
  level?: string;
  /** Tests pass a stream to capture lines; services log JSON to stdout. */
  destination?: pino.DestinationStream;
}

/**
 * Secrets never reach a log line, whoever logs the object holding them (a request, a client's
 * options, a parsed config): pino replaces these paths before serialising. `*` is one level, so
 * both `{password}` and `{db: {password}}` are covered; header names are lowercase in node.
 */
const SECRET_KEYS = [
  'password',
  'passwd',
  'token',
  'secret',
  'apiKey',
  'api_key',
  'authorization',
  'cookie',
  'KAFKA_SASL_PASSWORD',
  'SCHEMA_REGISTRY_PASSWORD',
  'EDGE_CUSTOMER_HMAC_KEY',
];
const HEADERS = ['authorization', 'cookie', 'set-cookie', 'x-api-key', 'proxy-authorization'];
export const REDACTED_PATHS = [
  ...SECRET_KEYS,
  ...SECRET_KEYS.map((k) => `*.${k}`),
  ...SECRET_KEYS.map((k) => `*.*.${k}`),
  ...HEADERS.flatMap((h) => [`req.headers["${h}"]`, `headers["${h}"]`, `res.headers["${h}"]`]),
  'sasl',
  '*.sasl',
  '*.*.sasl',
];

/** JSON lines with service and (inside runInTraceContext) trace_id and span_id on every line; secrets redacted. */
export function createLogger(opts: LoggerOptions): Logger {
  return pino(
    {
      level: opts.level ?? 'info',
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      base: { service: opts.service },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      mixin: () => {
        const ctx = currentTraceContext();
        return ctx ? { trace_id: ctx.traceId, span_id: ctx.spanId } : {};
      },
    },
    opts.destination ?? pino.destination({ sync: false }),
  );
}
