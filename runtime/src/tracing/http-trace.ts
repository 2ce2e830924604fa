import type { NextFunction, Request, Response } from 'express';
import { currentTraceContext, runInTraceContext } from '../trace.ts';
import { nowNs, SpanKind } from './span.ts';
import {
  formatTraceparent,
  parseTraceparent,
  parseTraceState,
  TRACEPARENT_HEADER,
  TRACESTATE_HEADER,
  type TraceContext,
} from './trace-context.ts';
import { countInvalidTraceContext } from './trace-metrics.ts';
import { continueTrace, endSpan, startTrace } from './tracer.ts';

/** Probes and scrapes: in a context like any request, but never exported as spans. */
const OPS_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

/** res.locals key: set once per request, so a router that mounts the middleware again reuses the context. */
const LOCALS_KEY = 'traceContext';

/** The server span of a request: a child of its `traceparent` (and its `tracestate`), or a new trace. */
export function requestTraceContext(
  traceparent: string | undefined,
  tracestate: string | undefined,
): TraceContext {
  if (traceparent === undefined) return startTrace();
  const parsed = parseTraceparent(traceparent);
  if (typeof parsed === 'string') {
    countInvalidTraceContext('http', parsed);
    return startTrace();
  }
  const state = parseTraceState(tracestate);
  if (state !== undefined) parsed.traceState = state;
  return continueTrace(parsed);
}

/**
 * Every request of a runtime-built express app (service-runtime.ts) runs in its trace context: the
 * handler's log lines carry trace_id/span_id, outgoing calls continue it (traceHeaders), and the
 * response carries `traceparent` naming the server span, so a caller can find it. When spans are
 * exported, the request is one SERVER span.
 */
export function traceRequests(service: string) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const existing = res.locals[LOCALS_KEY] as TraceContext | undefined;
    if (existing) {
      runInTraceContext(existing, next);
      return;
    }
    const ctx = requestTraceContext(req.get(TRACEPARENT_HEADER), req.get(TRACESTATE_HEADER));
    res.locals[LOCALS_KEY] = ctx;
    res.setHeader(TRACEPARENT_HEADER, formatTraceparent(ctx));
    if (ctx.traceState !== undefined) res.setHeader(TRACESTATE_HEADER, ctx.traceState);
    const started = nowNs();
    res.once('finish', () => {
      if (OPS_PATHS.has(req.path)) return;
      // The route pattern, not the path: ids in paths would make every span name unique.
      const route = (req.route as { path?: string } | undefined)?.path;
      endSpan(ctx, {
        service,
        name: route ? `${req.method} ${req.baseUrl}${route}` : req.method,
        kind: SpanKind.server,
        startNs: started,
        attributes: { 'http.request.method': req.method, 'http.response.status_code': res.statusCode },
        ...(res.statusCode >= 500 ? { error: `HTTP ${res.statusCode}` } : {}),
      });
    });
    runInTraceContext(ctx, next);
  };
}

/** The trace context of the request being handled (set by traceRequests), if any. */
export function traceContextOfResponse(res: Response): TraceContext | undefined {
  return res.locals[LOCALS_KEY] as TraceContext | undefined;
}

/**
 * Headers for an outgoing HTTP call made inside a trace: `traceparent` names the current span as
 * the callee's parent (and `tracestate` passes on). Empty outside a trace.
 */
export function traceHeaders(ctx: TraceContext | undefined = currentTraceContext()): Record<string, string> {
  if (!ctx) return {};
  const headers: Record<string, string> = { [TRACEPARENT_HEADER]: formatTraceparent(ctx) };
  if (ctx.traceState !== undefined) headers[TRACESTATE_HEADER] = ctx.traceState;
  return headers;
}
