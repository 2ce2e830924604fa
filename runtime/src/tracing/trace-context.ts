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

const ZERO_TRACE = '0'.repeat(32);
const ZERO_SPAN = '0'.repeat(16);
/** Length of a version 00 value, and of the part of a higher version read as 00. */
const V00_LENGTH = 55;

// Lowercase hex digit → its value, anything else → -1. A table lookup per character instead of a
// regex with capture groups: ingest checks the traceparent of every record it enriches.
const HEX = new Int8Array(256).fill(-1);
for (let i = 0; i < 16; i++) HEX['0123456789abcdef'.charCodeAt(i)] = i;

// scanTraceparent's answers: ≥ 0 is the valid value's flags byte; negative ones say why not.
const MALFORMED = -1;
const ZERO_ID = -2;
const VERSION_FF = -3;

function hexAt(value: string | Buffer, i: number): number {
  const c = typeof value === 'string' ? value.charCodeAt(i) : value[i]!;
  return c < 256 ? HEX[c]! : -1;
}

/** value[from, to) as lowercase hex: 1 with a non-zero digit, 0 when all zero, -1 when not hex. */
function hexRun(value: string | Buffer, from: number, to: number): number {
  let any = 0;
  for (let i = from; i < to; i++) {
    const d = hexAt(value, i);
    if (d < 0) return -1;
    any |= d;
  }
  return any === 0 ? 0 : 1;
}

const charAt = (value: string | Buffer, i: number): number =>
  typeof value === 'string' ? value.charCodeAt(i) : value[i]!;

/**
 * Validates a traceparent in place (a string, or a Kafka header's bytes, never copied), by the
 * spec's rules (see parseTraceparent). Returns the flags byte, or MALFORMED / ZERO_ID / VERSION_FF.
 */
function scanTraceparent(value: string | Buffer): number {
  const length = value.length;
  if (length < V00_LENGTH) return MALFORMED;
  const v1 = hexAt(value, 0);
  const v2 = hexAt(value, 1);
  if (v1 < 0 || v2 < 0) return MALFORMED;
  const version = v1 * 16 + v2;
  // Version 00 is exactly 55 characters; a higher one may continue, after a '-', to the end of the
  // line (what the former `(?:-.*)?$` accepted).
  if (length > V00_LENGTH) {
    if (version === 0 || charAt(value, V00_LENGTH) !== 45) return MALFORMED;
    for (let i = V00_LENGTH + 1; i < length; i++) {
      const c = charAt(value, i);
      if (c === 10 || c === 13 || c === 0x2028 || c === 0x2029) return MALFORMED;
    }
  }
  if (charAt(value, 2) !== 45 || charAt(value, 35) !== 45 || charAt(value, 52) !== 45) return MALFORMED;
  const trace = hexRun(value, 3, 35);
  const span = hexRun(value, 36, 52);
  const f1 = hexAt(value, 53);
  const f2 = hexAt(value, 54);
  if (trace < 0 || span < 0 || f1 < 0 || f2 < 0) return MALFORMED;
  if (version === 0xff) return VERSION_FF;
  if (trace === 0 || span === 0) return ZERO_ID;
  return f1 * 16 + f2;
}

function invalidReason(scan: number): TraceparentInvalid {
  return scan === VERSION_FF ? 'version' : scan === ZERO_ID ? 'zero_id' : 'malformed';
}

const slice = (value: string | Buffer, from: number, to: number): string =>
  typeof value === 'string' ? value.slice(from, to) : value.toString('latin1', from, to);

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
  const scan = scanTraceparent(value);
  if (scan < 0) return invalidReason(scan);
  // Unknown flags are not propagated (version 00 defines only "sampled").
  return { traceId: slice(value, 3, 35), spanId: slice(value, 36, 52), flags: scan & SAMPLED_FLAG };
}

/**
 * The trace id and sampled flag of a valid `traceparent`, or why it is invalid: what a hop that
 * only forwards a child needs (childTraceparent), without building the parent's context.
 */
export function traceparentTrace(
  value: string | Buffer,
): { traceId: string; flags: number } | TraceparentInvalid {
  if (value.length > MAX_TRACEPARENT_LENGTH) return 'too_long';
  const scan = scanTraceparent(value);
  if (scan < 0) return invalidReason(scan);
  return { traceId: slice(value, 3, 35), flags: scan & SAMPLED_FLAG };
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
  return id.length === 32 && hexRun(id, 0, 32) === 1;
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
