/** An unpublished outbox row as the relay reads it (store-edge migrations/0001_store_schema.sql). */
export interface OutboxRow {
  storeSeq: number;
  eventId: string;
  eventType: string;
  traceId: string;
  /** The W3C traceparent the store edge stored with the row (its request's span), if any. */
  traceparent?: string | null;
  /** The complete event with the Avro record's field names (jsonb). */
  payload: unknown;
}
