import {
  catalogueCode,
  deadLetterOf,
  isRetriable,
  storeTimeZone,
  ValidationError,
  type AvroSerde,
  type ConsumedBatch,
} from '@retail-stream/runtime';
import { catalogue, type StoreEvent } from '@retail-stream/schemas';
import type { Message } from 'kafkajs';
import type { KpiMetrics } from './kpi-metrics.ts';
import type { StoreWindows } from './store-windows.ts';

export const LATE_HEADERS = { decision: 'kpi.late.decision', time: 'kpi.late.time' } as const;

const STORE_EVENT_TYPES = new Set(catalogue.storeEventTypes);

export interface IntakeDeps {
  serde: AvroSerde;
  metrics: KpiMetrics;
  processor: string;
  defaultTimeZone: string;
}

export interface Intake {
  /** Events for final or evicted windows, forwarded to the late topic with the decision. */
  late: Message[];
  dlq: Message[];
  touched: Set<StoreWindows>;
  /** Offset of the batch's last record (skipped ones included); undefined for an empty batch. */
  last: bigint | undefined;
}

/**
 * Applies a batch's store events to their stores' windows, in offset order, skipping records below
 * `skipBelow` (the restored checkpoint: already in the state). Undecodable records and records that
 * are not store events are dead-lettered; a registry outage throws (retriable) before this record
 * touched any state.
 */
export async function applyRecords(
  batch: ConsumedBatch,
  skipBelow: bigint | undefined,
  store: (storeId: string) => StoreWindows,
  d: IntakeDeps,
): Promise<Intake> {
  const intake: Intake = { late: [], dlq: [], touched: new Set(), last: undefined };
  const nowIso = new Date().toISOString();
  const messages = batch.messages;
  // Counted per batch, not per record: a labelled prom-client inc hashes its labels every call.
  const applied = new Map<string, number>();
  // Offsets are compared as numbers only when the batch may start below the checkpoint.
  const skipping = skipBelow !== undefined && BigInt(messages[0]?.offset ?? '0') < skipBelow;
  for (const m of messages) {
    if (skipping && BigInt(m.offset) < skipBelow!) continue;
    let ev: StoreEvent;
    try {
      if (!m.value) throw new ValidationError('EMPTY_VALUE', 'record has no value');
      // Synchronous once the writer schema is loaded: no promise per record.
      ev = (d.serde.decodeLoaded<StoreEvent>(m.value) ?? (await d.serde.decode<StoreEvent>(m.value))).value;
      if (!STORE_EVENT_TYPES.has(ev.event_type)) {
        throw new ValidationError('NOT_A_STORE_EVENT', `record type ${ev.event_type} is not a store event`);
      }
    } catch (err) {
      // Registry down: retry the batch (state untouched so far for this record); bad bytes: DLQ.
      if (isRetriable(err)) throw err;
      const code = catalogueCode(err);
      d.metrics.rejected.inc({ code });
      intake.dlq.push(deadLetterOf(batch, m, { code, message: (err as Error).message }, d.processor));
      continue;
    }
    const s = store(ev.store_id);
    const result = s.apply(ev, storeTimeZone(ev, d.defaultTimeZone));
    intake.touched.add(s);
    applied.set(ev.event_type, (applied.get(ev.event_type) ?? 0) + 1);
    if (result.late) {
      const decision = result.evicted ? 'evicted' : 'correction';
      d.metrics.late.inc({ decision });
      intake.late.push({
        key: m.key,
        value: m.value,
        headers: { ...m.headers, [LATE_HEADERS.decision]: decision, [LATE_HEADERS.time]: nowIso },
      });
    }
  }
  if (messages.length > 0) intake.last = BigInt(messages[messages.length - 1]!.offset);
  for (const [eventType, n] of applied) d.metrics.events.inc({ event_type: eventType }, n);
  return intake;
}
