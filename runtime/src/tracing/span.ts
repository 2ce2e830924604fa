/** OTLP SpanKind values (trace.proto). */
export const SpanKind = { internal: 1, server: 2, client: 3, producer: 4, consumer: 5 } as const;
export type SpanKindValue = (typeof SpanKind)[keyof typeof SpanKind];

export type SpanAttributeValue = string | number | boolean;

/** A finished span as the exporter queues it (times in unix nanoseconds). */
export interface FinishedSpan {
  /** The service that made it: the `service.name` of its resource. */
  service: string;
  name: string;
  kind: SpanKindValue;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  traceState?: string;
  startNs: bigint;
  endNs: bigint;
  attributes?: Record<string, SpanAttributeValue>;
  /** Set when the operation failed: OTLP status ERROR with this message. */
  error?: string;
}

// Wall clock at start plus the monotonic clock since: nanosecond resolution without Date's jumps.
const originNs = BigInt(Date.now()) * 1_000_000n - process.hrtime.bigint();

/** Now in unix nanoseconds. */
export function nowNs(): bigint {
  return originNs + process.hrtime.bigint();
}
