import { newTraceId, runWithTrace } from '@retail-stream/runtime';
import type { NextFunction, Request, Response } from 'express';

const TRACEPARENT = /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/;
const PLAIN_TRACE_ID = /^[A-Za-z0-9_-]{8,64}$/;

/** trace_id of a request: W3C traceparent, else x-trace-id, else a new one. The all-zero id is invalid per W3C. */
export function traceIdFrom(traceparent: string | undefined, xTraceId: string | undefined): string {
  const m = TRACEPARENT.exec(traceparent?.trim().toLowerCase() ?? '');
  if (m && !/^0+$/.test(m[1]!)) return m[1]!;
  const plain = xTraceId?.trim();
  if (plain && PLAIN_TRACE_ID.test(plain)) return plain;
  return newTraceId();
}

/** Runs the rest of the request inside runWithTrace, so log lines and outbox rows carry the same id. */
export function traceContext() {
  return (req: Request, res: Response, next: NextFunction): void => {
    const traceId = traceIdFrom(req.get('traceparent'), req.get('x-trace-id'));
    res.setHeader('x-trace-id', traceId);
    runWithTrace(traceId, next);
  };
}
