import type { ErrorCode } from '@retail-stream/runtime';
import { checkPosEvent, type EventSchema, type PosEventCheck } from '@retail-stream/schemas';

export type EventStatus = 'accepted' | 'duplicate' | 'error';

/** Per-event refusals, answered inside a 200 (catalogue: runtime/src/errors/catalogue/gateway.ts). */
export type EventErrorCode = Extract<
  ErrorCode,
  'SEQUENCE_GAP' | 'SCHEMA_INVALID' | 'UNKNOWN_EVENT_TYPE' | 'NOT_PROCESSED'
>;

export interface EventResult {
  store_seq: number | null;
  event_id: string | null;
  status: EventStatus;
  error?: { code: EventErrorCode; message: string; field: string | null };
}

export interface AcceptedEvent {
  index: number;
  storeSeq: number;
  schema: EventSchema;
  event: Record<string, unknown>;
}

export interface BatchPlan {
  /** One per event, in batch order. */
  results: EventResult[];
  /** What to produce, in batch order: store_seq lastSeq+1, +2, … without a hole. */
  accepted: AcceptedEvent[];
  /** The store's cursor once `accepted` is in Kafka. */
  lastSeq: number;
}

export type EventCheck = (event: unknown) => PosEventCheck;

/** The gateway's check: catalogue type, Avro validity, and no field the schema does not declare. */
export const strictCheck: EventCheck = (event) => checkPosEvent(event, { noUndeclaredFields: true });

/**
 * Decides, for one batch of one store and the store's cursor (`lastSeq`: every event up to it is
 * in Kafka), what happens to each event. Pure, so the rules are unit-tested:
 *
 *  - `store_seq` ≤ the cursor (as advanced by this batch so far) → `duplicate`: already in Kafka,
 *    not produced again. Checked before anything else, so a replayed batch is always harmless.
 *  - the next event must have exactly cursor + 1 and be valid → `accepted`, cursor + 1.
 *  - the first event that is not (SEQUENCE_GAP, UNKNOWN_EVENT_TYPE, SCHEMA_INVALID) → `error`, and
 *    every event after it → `error` NOT_PROCESSED. Nothing behind a refused event is produced, so
 *    Kafka order stays store_seq order and the relay resends from the first unaccepted event.
 */
export function planBatch(
  events: readonly unknown[],
  lastSeq: number,
  check: EventCheck = strictCheck,
): BatchPlan {
  const results: EventResult[] = [];
  const accepted: AcceptedEvent[] = [];
  let cursor = lastSeq;
  let refused: { index: number; seq: number | null } | undefined;

  for (const [index, raw] of events.entries()) {
    const event = isObject(raw) ? raw : {};
    const seq =
      Number.isSafeInteger(event.store_seq) && (event.store_seq as number) > 0
        ? (event.store_seq as number)
        : null;
    const base = { store_seq: seq, event_id: typeof event.event_id === 'string' ? event.event_id : null };
    const refuse = (code: EventErrorCode, message: string, field: string | null) => {
      results.push({ ...base, status: 'error', error: { code, message, field } });
      refused = { index, seq };
    };

    if (refused) {
      const at = refused.seq === null ? `event #${refused.index}` : `store_seq ${refused.seq}`;
      results.push({
        ...base,
        status: 'error',
        error: { code: 'NOT_PROCESSED', message: `not processed: ${at} before it was refused`, field: null },
      });
      continue;
    }
    if (seq === null) {
      refuse(
        'SCHEMA_INVALID',
        `store_seq: a positive integer expected, got ${JSON.stringify(event.store_seq) ?? 'nothing'}`,
        'store_seq',
      );
      continue;
    }
    if (seq <= cursor) {
      results.push({ ...base, status: 'duplicate' });
      continue;
    }
    if (seq !== cursor + 1) {
      refuse(
        'SEQUENCE_GAP',
        `store_seq ${seq} is not the next one: expected ${cursor + 1} (the gateway has every event up to ${cursor})`,
        'store_seq',
      );
      continue;
    }
    const checked = check(raw);
    if (!checked.ok) {
      refuse(checked.problem.code, checked.problem.message, checked.problem.paths[0] ?? null);
      continue;
    }
    results.push({ ...base, status: 'accepted' });
    accepted.push({ index, storeSeq: seq, schema: checked.schema, event });
    cursor = seq;
  }
  return { results, accepted, lastSeq: cursor };
}

export function countByStatus(results: readonly EventResult[]): Record<EventStatus, number> {
  const counts: Record<EventStatus, number> = { accepted: 0, duplicate: 0, error: 0 };
  for (const r of results) counts[r.status]++;
  return counts;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
