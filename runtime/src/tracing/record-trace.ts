import type { IHeaders, KafkaMessage, Message } from 'kafkajs';
import type { Logger } from '../logger.ts';
import { runInTraceContext } from '../trace.ts';
import { rawSourceOf } from '../trace-headers.ts';
import { SpanKind, type SpanKindValue } from './span.ts';
import {
  formatTraceparent,
  isW3cTraceId,
  newSpanId,
  parseTraceparent,
  SAMPLED_FLAG,
  traceparentTrace,
  TRACEPARENT_HEADER,
  type TraceContext,
} from './trace-context.ts';
import { countInvalidTraceContext } from './trace-metrics.ts';
import {
  continuedFlags,
  continueTrace,
  endSpan,
  startTrace,
  startTraceWithId,
  tracingExporting,
} from './tracer.ts';

/**
 * Trace context on Kafka records: the `traceparent` header (W3C value, version 00) names the span
 * that produced the record. It is not covered by the store signature (store-signature.ts signs key,
 * value and store.epoch): it is observability metadata, bounded and validated here on every read,
 * and a forged or broken one costs at most a wrong link in a trace, never data.
 */
export { TRACEPARENT_HEADER };

function headerValue(headers: IHeaders | undefined): string | Buffer | undefined {
  const v = headers?.[TRACEPARENT_HEADER];
  return Array.isArray(v) ? (v.length === 1 ? v[0] : '') : v;
}

/** The context a record carries (the producer's span), or undefined when absent or invalid (not counted). */
export function recordTraceContext(headers: IHeaders | undefined): TraceContext | undefined {
  const parsed = parseTraceparent(headerValue(headers));
  return typeof parsed === 'string' ? undefined : parsed;
}

/**
 * This hop's span for a consumed record: a child of the record's context, or a new trace when it
 * has none (an invalid one is counted in retail_trace_context_invalid_total{source="kafka"}).
 */
export function continueRecordTrace(headers: IHeaders | undefined): TraceContext {
  const value = headerValue(headers);
  if (value === undefined) return traceOfEventId(headers);
  const parsed = parseTraceparent(value);
  if (typeof parsed === 'string') {
    countInvalidTraceContext('kafka', parsed);
    return startTrace();
  }
  return continueTrace(parsed);
}

/**
 * A record without traceparent (an older relay or gateway): a root span in the event's own
 * `trace_id` header when that is a W3C id, so the trace still matches the event; else a new trace.
 */
function traceOfEventId(headers: IHeaders | undefined): TraceContext {
  const v = headers?.trace_id;
  const id = Buffer.isBuffer(v) ? v.toString('latin1') : typeof v === 'string' ? v : undefined;
  return id !== undefined && isW3cTraceId(id) ? startTraceWithId(id) : startTrace();
}

/**
 * The `traceparent` of a record derived from `headers`' record: same trace, a new child span. The
 * same answer as formatTraceparent(continueRecordTrace(headers)), made without the parent's and the
 * child's context objects: ingest calls it for every record it enriches.
 */
export function childTraceparent(headers: IHeaders | undefined): string {
  const value = headerValue(headers);
  if (value === undefined) return formatTraceparent(traceOfEventId(headers));
  const parent = traceparentTrace(value);
  if (typeof parent === 'string') {
    countInvalidTraceContext('kafka', parent);
    return formatTraceparent(startTrace());
  }
  const sampled = continuedFlags(parent.traceId, parent.flags) & SAMPLED_FLAG;
  return '00-' + parent.traceId + '-' + newSpanId() + (sampled ? '-01' : '-00');
}

/**
 * The relay's span for an outbox row: a child of the context the store edge stored with the row
 * (the checkout request's span); else a new root in the event's own trace_id when that is a W3C
 * id, so `trace_id` in the event and in the trace agree; else a new trace.
 */
export function outboxTraceContext(stored: string | null | undefined, eventTraceId: string): TraceContext {
  if (stored) {
    const parsed = parseTraceparent(stored);
    if (typeof parsed !== 'string') return continueTrace(parsed);
    countInvalidTraceContext('outbox', parsed);
  }
  return isW3cTraceId(eventTraceId) ? startTraceWithId(eventTraceId) : startTrace();
}

/** True when per-record trace work is worth doing: spans are exported or debug lines written. */
export function recordTracesWanted(logger: Logger): boolean {
  return tracingExporting() || logger.isLevelEnabled('debug');
}

export interface RecordSpanOptions {
  service: string;
  /** Span name and the debug line's message, e.g. 'postgres-sink write'. */
  name: string;
  kind?: SpanKindValue;
  /** When the batch's work began (nowNs()). */
  startNs: bigint;
  logger: Logger;
}

/**
 * After a batch of consumed records is durable: one span per record (child of the record's
 * context) and one debug line in that context, so each record's trace_id is in this service's log.
 * Batches are written as batches (one statement for many records), so a record's span is the batch's
 * time. Nothing happens unless recordTracesWanted: at info level without export this costs one check.
 */
export function traceConsumedRecords(
  topic: string,
  partition: number,
  messages: readonly KafkaMessage[],
  o: RecordSpanOptions,
): void {
  if (!recordTracesWanted(o.logger)) return;
  const debug = o.logger.isLevelEnabled('debug');
  for (const m of messages) {
    const ctx = continueRecordTrace(m.headers);
    if (debug) runInTraceContext(ctx, () => o.logger.debug({ topic, partition, offset: m.offset }, o.name));
    endSpan(ctx, {
      service: o.service,
      name: o.name,
      kind: o.kind ?? SpanKind.consumer,
      startNs: o.startNs,
      attributes: { 'messaging.destination.name': topic, 'messaging.kafka.offset': Number(m.offset) },
    });
  }
}

/**
 * Like traceConsumedRecords for a processor that wrote derived records (ingest): each output's
 * `traceparent` is this hop's span; its parent is the input record it came from (found by the
 * offset in its ingest.source header), so the exported span links to the producer's.
 */
export function traceDerivedRecords(
  topic: string,
  partition: number,
  inputs: readonly KafkaMessage[],
  outputs: readonly Message[],
  o: RecordSpanOptions,
): void {
  if (!recordTracesWanted(o.logger) || outputs.length === 0) return;
  const debug = o.logger.isLevelEnabled('debug');
  const parents = new Map<string, string | undefined>();
  for (const m of inputs) parents.set(m.offset, recordTraceContext(m.headers)?.spanId);
  for (const out of outputs) {
    const ctx = recordTraceContext(out.headers);
    if (!ctx) continue;
    const offset = rawSourceOf(out.headers)?.offset ?? '';
    const parent = parents.get(offset);
    if (parent !== undefined) ctx.parentSpanId = parent;
    if (debug) runInTraceContext(ctx, () => o.logger.debug({ topic, partition, offset }, o.name));
    endSpan(ctx, {
      service: o.service,
      name: o.name,
      kind: o.kind ?? SpanKind.consumer,
      startNs: o.startNs,
      attributes: { 'messaging.destination.name': topic, 'messaging.kafka.offset': Number(offset) },
    });
  }
}

/**
 * After records were produced (the relay's acknowledged events): one PRODUCER span and one debug
 * line per record, in the context the record carries. Call only when recordTracesWanted.
 */
export function traceSentRecords(
  items: readonly { trace?: TraceContext; eventId?: string }[],
  o: RecordSpanOptions,
): void {
  const debug = o.logger.isLevelEnabled('debug');
  for (const item of items) {
    const ctx = item.trace;
    if (!ctx) continue;
    if (debug) runInTraceContext(ctx, () => o.logger.debug({ event_id: item.eventId }, o.name));
    endSpan(ctx, {
      service: o.service,
      name: o.name,
      kind: o.kind ?? SpanKind.producer,
      startNs: o.startNs,
      ...(item.eventId ? { attributes: { 'messaging.message.id': item.eventId } } : {}),
    });
  }
}
