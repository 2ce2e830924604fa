import { AsyncLocalStorage } from 'node:async_hooks';
import { currentTraceContext, parseTraceparent, traceRequests } from '@retail-stream/runtime';
import type { NextFunction, Request, Response } from 'express';

const PLAIN_TRACE_ID = /^[A-Za-z0-9_-]{8,64}$/;
const eventTraceIds = new AsyncLocalStorage<string>();

/**
 * The `trace_id` written into a request's events: the W3C trace id when the caller sent a valid
 * traceparent; else the till's own x-trace-id (tills that predate W3C send e.g. `till-7-000123`);
 * else the request's new W3C trace id.
 */
export function eventTraceIdFrom(
  traceparent: string | undefined,
  xTraceId: string | undefined,
  requestTraceId: string,
): string {
  if (traceparent !== undefined && typeof parseTraceparent(traceparent) !== 'string') return requestTraceId;
  const plain = xTraceId?.trim();
  if (plain && PLAIN_TRACE_ID.test(plain)) return plain;
  return requestTraceId;
}

/** The event trace_id of the request being handled (outbox-rows.ts), undefined outside one. */
export function currentEventTraceId(): string | undefined {
  return eventTraceIds.getStore();
}

/**
 * The request's W3C trace context (the runtime's traceRequests: incoming traceparent or a new
 * trace; already set when the app is the service runtime's) plus the events' trace_id, so log
 * lines, outbox rows (trace_id and traceparent) and the response (traceparent, x-trace-id) agree.
 */
export function traceContext() {
  const traced = traceRequests('store-edge');
  return (req: Request, res: Response, next: NextFunction): void => {
    traced(req, res, () => {
      const ctx = currentTraceContext()!;
      const traceId = eventTraceIdFrom(req.get('traceparent'), req.get('x-trace-id'), ctx.traceId);
      res.setHeader('x-trace-id', traceId);
      eventTraceIds.run(traceId, next);
    });
  };
}
