import { AsyncLocalStorage } from 'node:async_hooks';
import type { TraceContext } from './tracing/trace-context.ts';

const traceStore = new AsyncLocalStorage<TraceContext>();

/**
 * Runs fn with ctx as the ambient trace context: every log line written inside it (however deep)
 * carries trace_id and span_id, and outgoing calls (traceparentHeaders) and records continue it,
 * without threading a context through each call.
 */
export function runInTraceContext<T>(ctx: TraceContext, fn: () => T): T {
  return traceStore.run(ctx, fn);
}

export function currentTraceContext(): TraceContext | undefined {
  return traceStore.getStore();
}

export function currentTraceId(): string | undefined {
  return traceStore.getStore()?.traceId;
}
