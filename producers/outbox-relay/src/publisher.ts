import type { AppError, TraceContext } from '@retail-stream/runtime';
import type { RecordLimit } from './oversized-event.ts';

/** One outbox row, validated and encoded, ready for a destination. */
export interface OutboundEvent {
  storeId: string;
  storeSeq: number;
  eventId: string;
  eventType: string;
  traceId: string;
  /** Avro in the Confluent wire format, framed by the runtime serde (runtime/src/wire-format.ts). */
  value: Buffer;
  /** The row's payload as stored, for destinations that want JSON rather than Avro. */
  payload: Record<string, unknown>;
  /** The store database's epoch (store-epoch.ts), sent in the store.epoch header; absent in old tests. */
  storeEpoch?: string;
  /**
   * The relay's span for this event (outboxTraceContext: a child of the row's stored traceparent);
   * sent as the record's `traceparent` header. Absent in old tests.
   */
  trace?: TraceContext;
}

/**
 * What publish() achieved: the first `acked` events are durably accepted by the destination, in
 * order; the rest are not (and `error` says why). Nothing after the first unacknowledged event may
 * count as acknowledged, so the relay can always resume at events[acked].
 */
export interface PublishOutcome {
  acked: number;
  error?: AppError;
}

/**
 * Where a store's events go. The relay calls publish() with one batch at a time, never two
 * concurrently, in store_seq order; a publisher must keep that order and must not report an event
 * as acknowledged before the destination has made it durable.
 *
 * Implementations: KafkaPublisher (RELAY_SYNC_PROTOCOL=kafka) and HttpPublisher (RELAY_SYNC_PROTOCOL=http,
 * `POST /v1/ingestion/events` on the ingest gateway with the store's API key); publisher-factory.ts
 * picks one from the config.
 */
export interface Publisher {
  /** Name used in sync_cursors and relay_status ('kafka', 'http'). */
  readonly destination: string;
  /**
   * The largest single event the destination accepts, when known cheaply (Kafka). The relay
   * publishes the rows before a larger one and then stops the store at it (OUTBOX_EVENT_TOO_LARGE)
   * instead of sending it.
   */
  readonly recordLimit?: RecordLimit;
  /**
   * May answer OUTBOX_EVENT_TOO_LARGE as the error, on the first unacknowledged event, when the
   * destination refused that event alone as too large: the relay then stops the store at it.
   */
  publish(events: readonly OutboundEvent[]): Promise<PublishOutcome>;
  /** Throws when the destination cannot be reached now; cheap, no side effects. */
  probe(timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}
