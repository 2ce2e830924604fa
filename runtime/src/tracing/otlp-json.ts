import type { FinishedSpan, SpanAttributeValue } from './span.ts';

/**
 * The OTLP/HTTP JSON encoding of ExportTraceServiceRequest (opentelemetry.io/docs/specs/otlp,
 * "JSON Protobuf Encoding"): lowerCamelCase field names, trace and span ids as hex strings (not
 * base64), enums as integers, 64-bit integers (times, intValue) as decimal strings.
 */
export interface OtlpKeyValue {
  key: string;
  value: { stringValue: string } | { intValue: string } | { doubleValue: number } | { boolValue: boolean };
}

export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  traceState?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: OtlpKeyValue[];
  status: { code: number; message?: string };
}

export interface ExportTraceServiceRequest {
  resourceSpans: {
    resource: { attributes: OtlpKeyValue[] };
    scopeSpans: { scope: { name: string; version: string }; spans: OtlpSpan[] }[];
  }[];
}

export const INSTRUMENTATION_SCOPE = { name: '@retail-stream/runtime', version: '0.1.0' };
/** status.code: STATUS_CODE_UNSET 0, OK 1, ERROR 2. */
const STATUS_UNSET = 0;
const STATUS_ERROR = 2;

export function keyValue(key: string, v: SpanAttributeValue): OtlpKeyValue {
  if (typeof v === 'string') return { key, value: { stringValue: v } };
  if (typeof v === 'boolean') return { key, value: { boolValue: v } };
  return Number.isInteger(v) ? { key, value: { intValue: String(v) } } : { key, value: { doubleValue: v } };
}

/** One request for a batch: one resource per service (one in production; several in a test process). */
export function encodeSpans(spans: readonly FinishedSpan[], serviceName?: string): ExportTraceServiceRequest {
  const byService = new Map<string, OtlpSpan[]>();
  for (const s of spans) {
    const service = serviceName ?? s.service;
    let list = byService.get(service);
    if (!list) byService.set(service, (list = []));
    const span: OtlpSpan = {
      traceId: s.traceId,
      spanId: s.spanId,
      name: s.name,
      kind: s.kind,
      startTimeUnixNano: String(s.startNs),
      endTimeUnixNano: String(s.endNs),
      attributes: Object.entries(s.attributes ?? {}).map(([k, v]) => keyValue(k, v)),
      status: s.error === undefined ? { code: STATUS_UNSET } : { code: STATUS_ERROR, message: s.error },
    };
    if (s.parentSpanId !== undefined) span.parentSpanId = s.parentSpanId;
    if (s.traceState !== undefined) span.traceState = s.traceState;
    list.push(span);
  }
  return {
    resourceSpans: [...byService].map(([service, list]) => ({
      resource: { attributes: [keyValue('service.name', service)] },
      scopeSpans: [{ scope: INSTRUMENTATION_SCOPE, spans: list }],
    })),
  };
}
