import pino from 'pino';
import { currentTraceId } from './trace.ts';

export type Logger = pino.Logger;

export interface LoggerOptions {
  service: string;
  level?: string;
  /** Tests pass a stream to capture lines; services log JSON to stdout. */
  destination?: pino.DestinationStream;
}

/** JSON lines with service and (when inside runWithTrace) trace_id on every line. */
export function createLogger(opts: LoggerOptions): Logger {
  return pino(
    {
      level: opts.level ?? 'info',
      base: { service: opts.service },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      mixin: () => {
        const traceId = currentTraceId();
        return traceId ? { trace_id: traceId } : {};
      },
    },
    opts.destination ?? pino.destination({ sync: false }),
  );
}
