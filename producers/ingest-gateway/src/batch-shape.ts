import type { ErrorCode } from '@retail-stream/runtime';

/**
 * A request the gateway refuses as a whole, with the offending field. Its HTTP status is the
 * code's in the catalogue (runtime/src/errors/catalogue/gateway.ts).
 */
export interface BatchRefusal {
  code: Extract<
    ErrorCode,
    | 'INVALID_BODY'
    | 'UNKNOWN_FIELD'
    | 'EMPTY_BATCH'
    | 'TOO_MANY_EVENTS'
    | 'INVALID_EVENT'
    | 'STORE_MISMATCH'
    | 'CUSTOMER_REF_NOT_PSEUDONYM'
  >;
  message: string;
  field: string | null;
}

export type ShapeCheck =
  { ok: true; events: Record<string, unknown>[] } | { ok: false; refusal: BatchRefusal };

/**
 * The request body's shape: `{ "events": [ {…}, … ] }`, 1..maxEvents objects, nothing else.
 * What is inside each event is judged per event later (batch-plan.ts); this only decides whether
 * the request can be processed at all.
 */
export function checkBatchShape(body: unknown, maxEvents: number): ShapeCheck {
  const refuse = (code: BatchRefusal['code'], message: string, field: string | null) => ({
    ok: false as const,
    refusal: { code, message, field },
  });
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return refuse('INVALID_BODY', 'the body must be a JSON object {"events": [...]}', null);
  }
  const unknown = Object.keys(body).find((k) => k !== 'events');
  if (unknown !== undefined)
    return refuse('UNKNOWN_FIELD', `unknown field ${JSON.stringify(unknown)}`, unknown);
  const events = (body as { events?: unknown }).events;
  if (!Array.isArray(events)) return refuse('INVALID_BODY', 'events must be an array of events', 'events');
  if (events.length === 0) return refuse('EMPTY_BATCH', 'events must hold at least one event', 'events');
  if (events.length > maxEvents) {
    return refuse(
      'TOO_MANY_EVENTS',
      `a batch may hold at most ${maxEvents} events, this one has ${events.length}; send smaller batches`,
      'events',
    );
  }
  const notObject = events.findIndex((e) => e === null || typeof e !== 'object' || Array.isArray(e));
  if (notObject >= 0)
    return refuse('INVALID_EVENT', 'every event must be a JSON object', `events.${notObject}`);
  return { ok: true, events: events as Record<string, unknown>[] };
}

/**
 * A key may only send its own store's events. Any event of another store (or without a store)
 * refuses the whole batch before anything is produced.
 */
export function checkStore(
  events: readonly Record<string, unknown>[],
  storeId: string,
): BatchRefusal | undefined {
  const i = events.findIndex((e) => e.store_id !== storeId);
  if (i < 0) return undefined;
  const other = events[i]!.store_id;
  return {
    code: 'STORE_MISMATCH',
    message: `event #${i} has store_id ${JSON.stringify(other) ?? 'missing'}; this API key may only send events of store ${storeId}`,
    field: `events.${i}.store_id`,
  };
}
