import type { Logger } from '../logger.ts';
import { OtlpExporter, type OtlpExporterOptions } from './otlp-exporter.ts';
import { otlpTracesUrl, type OtelConfig } from './otel-config.ts';
import { nowNs, type FinishedSpan, type SpanAttributeValue, type SpanKindValue } from './span.ts';
import {
  childOf,
  isSampled,
  newRootContext,
  newSpanId,
  newTraceId,
  SAMPLED_FLAG,
  type TraceContext,
} from './trace-context.ts';

type Sampler = OtelConfig['OTEL_TRACES_SAMPLER'];

/**
 * The process's tracing: the sampler (what the sampled flag of a trace we start, or continue, says)
 * and the optional exporter. One per process like OpenTelemetry's global tracer provider, because
 * contexts are made in code that has no service object at hand (a record's headers, a middleware).
 * Until configureTracing runs (or without an OTLP endpoint) nothing is recorded: spanRecorded()
 * is false and no span object is ever built.
 */
let sampler: Sampler = 'parentbased_always_on';
/** sampler.startsWith('parentbased_'), kept so a continued record context does not test a string. */
let parentBased = true;
let ratio = 1;
let exporter: OtlpExporter | undefined;

export interface TracingSettings extends Partial<OtelConfig> {
  /** Exporter tuning for tests (attempts, backoff); the OTEL_* keys cover production. */
  exporter?: Pick<OtlpExporterOptions, 'maxAttempts' | 'backoffMs' | 'maxRetryAfterMs'>;
}

/**
 * Applies the OTEL_* settings (parsed with the service's config). Returns the shutdown step that
 * flushes queued spans (createServiceRuntime registers it), undefined when nothing is exported.
 * Calling it again replaces the exporter.
 */
export function configureTracing(c: TracingSettings, logger?: Logger): (() => Promise<void>) | undefined {
  sampler = c.OTEL_TRACES_SAMPLER ?? 'parentbased_always_on';
  parentBased = sampler.startsWith('parentbased_');
  ratio = c.OTEL_TRACES_SAMPLER_ARG ?? 1;
  const old = exporter;
  exporter = undefined;
  void old?.shutdown();
  const url = otlpTracesUrl(c);
  if (!url) return undefined;
  const created = new OtlpExporter({
    url,
    ...(c.OTEL_EXPORTER_OTLP_HEADERS ? { headers: c.OTEL_EXPORTER_OTLP_HEADERS } : {}),
    ...(c.OTEL_SERVICE_NAME ? { serviceName: c.OTEL_SERVICE_NAME } : {}),
    maxQueueSize: c.OTEL_BSP_MAX_QUEUE_SIZE ?? 2048,
    maxBatchSize: c.OTEL_BSP_MAX_EXPORT_BATCH_SIZE ?? 512,
    scheduleDelayMs: c.OTEL_BSP_SCHEDULE_DELAY ?? 5_000,
    timeoutMs: c.OTEL_EXPORTER_OTLP_TIMEOUT ?? 10_000,
    ...(logger ? { logger } : {}),
    ...c.exporter,
  });
  exporter = created;
  logger?.info({ url, sampler, ratio }, 'exporting spans over OTLP/HTTP JSON');
  return async () => {
    if (exporter === created) exporter = undefined;
    await created.shutdown();
  };
}

/** Back to the defaults: no exporter, parent-based always-on (tests). */
export async function resetTracing(): Promise<void> {
  const old = exporter;
  exporter = undefined;
  sampler = 'parentbased_always_on';
  parentBased = true;
  ratio = 1;
  await old?.shutdown();
}

/** Trace-id ratio per the spec's idea: the decision is a function of the trace id, so every hop agrees. */
function ratioSampled(traceId: string): boolean {
  if (ratio >= 1) return true;
  if (ratio <= 0) return false;
  // The last 14 hex digits (56 bits: the random part of a W3C Level 2 trace id), as a fraction.
  return parseInt(traceId.slice(18), 16) / 2 ** 56 < ratio;
}

function rootSampled(traceId: string): boolean {
  switch (sampler) {
    case 'always_off':
    case 'parentbased_always_off':
      return false;
    case 'traceidratio':
    case 'parentbased_traceidratio':
      return ratioSampled(traceId);
    default:
      return true;
  }
}

/** A new trace, its sampled flag set by the sampler. */
export function startTrace(): TraceContext {
  const ctx = newRootContext(true);
  if (!rootSampled(ctx.traceId)) ctx.flags = 0;
  return ctx;
}

/** A new root span in a given (W3C) trace id: an event born before contexts were stored. */
export function startTraceWithId(traceId: string): TraceContext {
  return { traceId, spanId: newSpanId(), flags: rootSampled(traceId) ? SAMPLED_FLAG : 0 };
}

/**
 * A child span of an incoming context. Parent-based samplers keep the caller's decision (the
 * default); the others decide again, as the OpenTelemetry samplers of those names do.
 */
export function continueTrace(parent: TraceContext): TraceContext {
  const child = childOf(parent);
  child.flags = continuedFlags(child.traceId, parent.flags);
  return child;
}

/** The flags of a child span of a parent with `parentFlags` in trace `traceId` (see continueTrace). */
export function continuedFlags(traceId: string, parentFlags: number): number {
  if (parentBased) return parentFlags & SAMPLED_FLAG;
  return rootSampled(traceId) ? SAMPLED_FLAG : 0;
}

/** True when a span of this context would be exported: build span objects only then. */
export function spanRecorded(ctx: TraceContext | undefined): ctx is TraceContext {
  return exporter !== undefined && ctx !== undefined && isSampled(ctx);
}

export function tracingExporting(): boolean {
  return exporter !== undefined;
}

export interface SpanOptions {
  service: string;
  name: string;
  kind: SpanKindValue;
  startNs: bigint;
  endNs?: bigint;
  attributes?: Record<string, SpanAttributeValue>;
  error?: string;
}

/** Queues ctx's span for export when it is recorded; a no-op otherwise. Never blocks or throws. */
export function endSpan(ctx: TraceContext | undefined, o: SpanOptions): void {
  if (!spanRecorded(ctx)) return;
  const span: FinishedSpan = {
    service: o.service,
    name: o.name,
    kind: o.kind,
    traceId: ctx.traceId,
    spanId: ctx.spanId,
    startNs: o.startNs,
    endNs: o.endNs ?? nowNs(),
  };
  if (ctx.parentSpanId !== undefined) span.parentSpanId = ctx.parentSpanId;
  if (ctx.traceState !== undefined) span.traceState = ctx.traceState;
  if (o.attributes) span.attributes = o.attributes;
  if (o.error !== undefined) span.error = o.error;
  exporter!.enqueue(span);
}

export { nowNs, newTraceId };
