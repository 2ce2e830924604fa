import { AsyncLocalStorage } from 'node:async_hooks';
import crypto from 'node:crypto';

const traceStore = new AsyncLocalStorage<string>();

/** W3C trace-context sized id (32 hex chars), so ids can later be handed to OpenTelemetry as-is. */
export function newTraceId(): string {
  return crypto.randomBytes(16).toString('hex');
}

/**
 * Runs fn with traceId as the ambient trace: every log line written inside it (however deep)
 * carries trace_id without threading a child logger through each call.
 */
export function runWithTrace<T>(traceId: string, fn: () => T): T {
  return traceStore.run(traceId, fn);
}

export function currentTraceId(): string | undefined {
  return traceStore.getStore();
}
