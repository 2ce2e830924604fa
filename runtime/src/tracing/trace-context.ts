import crypto from 'node:crypto';

/**
 * W3C Trace Context (https://www.w3.org/TR/trace-context/), version 00: the `traceparent` value
 * `00-<trace-id 32 hex>-<parent-id 16 hex>-<flags 2 hex>`, lowercase only. Parsing never throws:
 * anything invalid is reported as a reason, and the caller starts a new trace (and counts it).
 */
export interface TraceContext {
  /** 32 lowercase hex, never all zero. */
  traceId: string;
  /** This hop's span: 16 lowercase hex, never all zero. What the next hop sees as its parent-id. */
  spanId: string;
  /** Trace flags; only bit 0 (sampled) is defined for version 00. */
  flags: number;
  /** The caller's span, when this context continues an incoming one (for span export). */
  parentSpanId?: string;
  /** The incoming `tracestate`, passed on untouched (bounded: parseTraceState). */
  traceState?: string;
}

export const TRACEPARENT_HEADER = 'traceparent';
export const TRACESTATE_HEADER = 'tracestate';
export const SAMPLED_FLAG = 0x01;

/** Why a traceparent was refused; the label of retail_trace_context_invalid_total. */
export type TraceparentInvalid = 'malformed' | 'too_long' | 'zero_id' | 'version';

/** Far above the 55 characters of version 00; a longer value is refused unread (a future version may append fields). */
export const MAX_TRACEPARENT_LENGTH = 256;
/** The spec asks vendors to propagate at least 512 characters; we pass exactly that much at most. */
export const MAX_TRACESTATE_LENGTH = 512;

const V00 = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
// A higher version: its first 55 characters are read as version 00, and what follows must start with '-'.
const FUTURE = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(?:-.*)?$/;
const ZERO_TRACE = '0'.repeat(32);
const ZERO_SPAN = '0'.repeat(16);

/**
 * The incoming context of a `traceparent` value, or why it is invalid. The returned spanId is the
 * caller's span (the parent-id); continue it with childOf. Per the spec: version ff is invalid;
 * version 00 must be exactly 55 characters; a higher version is parsed as 00 over its first 55
 * characters; uppercase hex and all-zero trace or parent ids are invalid.
 */
export function parseTraceparent(
  value: string | Buffer | undefined | null,
): TraceContext | TraceparentInvalid {
  if (value === undefined || value === null) return 'malformed';
  if (value.length > MAX_TRACEPARENT_LENGTH) return 'too_long';
  const text = typeof value === 'string' ? value : value.toString('latin1');
  let m = V00.exec(text);
  if (!m) {
    const f = FUTURE.exec(text);
    if (!f) return 'malformed';
    if (f[1] === 'ff' || f[1] === '00') return f[1] === 'ff' ? 'version' : 'malformed';
    m = [f[0], f[2]!, f[3]!, f[4]!] as unknown as RegExpExecArray;
  }
  const traceId = m[1]!;
  const spanId = m[2]!;
  if (traceId === ZERO_TRACE || spanId === ZERO_SPAN) return 'zero_id';
  // Unknown flags are not propagated (version 00 defines only "sampled").
  return { traceId, spanId, flags: parseInt(m[3]!, 16) & SAMPLED_FLAG };
}

/** `00-<traceId>-<spanId>-<flags>`: what this hop sends on, naming its own span as the parent. */
export function formatTraceparent(ctx: Pick<TraceContext, 'traceId' | 'spanId' | 'flags'>): string {
  return `00-${ctx.traceId}-${ctx.spanId}-${ctx.flags & SAMPLED_FLAG ? '01' : '00'}`;
}

/**
 * The incoming tracestate, or undefined when absent, too long or not printable ASCII. Kept opaque:
 * we add no member of our own, so the list is passed on exactly as received.
 */
export function parseTraceState(value: string | Buffer | undefined | null): string | undefined {
  if (value === undefined || value === null || value.length === 0) return undefined;
  if (value.length > MAX_TRACESTATE_LENGTH) return undefined;
  const text = typeof value === 'string' ? value : value.toString('latin1');
  return /^[\x20-\x7e]*$/.test(text) ? text : undefined;
}

/** A new span of the same trace, child of ctx's span. */
export function childOf(ctx: TraceContext): TraceContext {
  const child: TraceContext = {
    traceId: ctx.traceId,
    spanId: newSpanId(),
    flags: ctx.flags,
    parentSpanId: ctx.spanId,
  };
  if (ctx.traceState !== undefined) child.traceState = ctx.traceState;
  return child;
}

/** A new trace (root span). */
export function newRootContext(sampled: boolean): TraceContext {
  return { traceId: newTraceId(), spanId: newSpanId(), flags: sampled ? SAMPLED_FLAG : 0 };
}

export function isSampled(ctx: Pick<TraceContext, 'flags'>): boolean {
  return (ctx.flags & SAMPLED_FLAG) !== 0;
}

/** True for a W3C trace id (32 lowercase hex, not all zero). */
export function isW3cTraceId(id: string): boolean {
  return id.length === 32 && id !== ZERO_TRACE && /^[0-9a-f]{32}$/.test(id);
}

// Ids are cut from a pooled random hex string: one randomBytes call per 256 span ids instead of one
// per id, because ingest makes a span id for every record it enriches.
let pool = '';
let poolAt = 0;

function randomHex(chars: number): string {
  for (;;) {
    if (poolAt + chars > pool.length) {
      pool = crypto.randomBytes(2048).toString('hex');
      poolAt = 0;
    }
    const id = pool.slice(poolAt, (poolAt += chars));
    // All zero is invalid per the spec (probability 2^-64 or less, but cheap to rule out).
    if (id !== ZERO_TRACE && id !== ZERO_SPAN) return id;
  }
}

export function newTraceId(): string {
  return randomHex(32);
}

export function newSpanId(): string {
  return randomHex(16);
}
