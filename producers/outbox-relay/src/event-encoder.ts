import {
  AppError,
  outboxTraceContext,
  TransientError,
  ValidationError,
  type AvroSerde,
} from '@retail-stream/runtime';
import { catalogue } from '@retail-stream/schemas';
import type { OutboxRow } from './outbox-row.ts';
import type { OutboundEvent } from './publisher.ts';

/** Event type → schema id, or undefined while the id is not known (registry not reached yet). */
export type SchemaIdLookup = (eventType: string) => number | undefined;

export interface EncodedBatch {
  events: OutboundEvent[];
  /** The first row that could not be encoded; rows after it are not looked at (order first). */
  stopped?: { index: number; row: OutboxRow; error: AppError };
}

/**
 * Turns outbox rows into Avro records with the catalogue's writer schemas and the registry's ids.
 * Pure apart from the lookup, so the rules (what is a bug at the edge, what is only "not yet") are
 * unit-tested:
 *  - ValidationError: the row itself is wrong (unknown type, payload disagreeing with its columns,
 *    value invalid against the schema). Retrying cannot help; a person must fix it.
 *  - TransientError SCHEMA_ID_UNKNOWN: the id of a valid type is not known yet; retry later.
 */
export class EventEncoder {
  constructor(
    private readonly storeId: string,
    private readonly serde: Pick<AvroSerde, 'encodeWith'>,
    private readonly schemaIds: SchemaIdLookup,
    /** The store database's epoch, put on every event (store-epoch.ts). */
    private readonly storeEpoch?: string,
  ) {}

  encode(row: OutboxRow): OutboundEvent {
    const schema = catalogue.events.get(row.eventType);
    if (!schema || schema.category !== 'store') {
      throw new ValidationError(
        'OUTBOX_UNKNOWN_EVENT_TYPE',
        `event_type ${JSON.stringify(row.eventType)} is not a store event of the catalogue`,
      );
    }
    const payload = row.payload;
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
      throw new ValidationError('OUTBOX_ROW_INCONSISTENT', 'payload is not a JSON object');
    }
    const p = payload as Record<string, unknown>;
    // The key and headers come from the columns, the value from the payload: they must agree, or
    // consumers would deduplicate and order by one thing and read another.
    const mismatched = [
      p.event_type === row.eventType ? undefined : 'event_type',
      p.event_id === row.eventId ? undefined : 'event_id',
      p.store_seq === row.storeSeq ? undefined : 'store_seq',
      p.store_id === this.storeId ? undefined : 'store_id',
    ].filter((f) => f !== undefined);
    if (mismatched.length > 0) {
      throw new ValidationError(
        'OUTBOX_ROW_INCONSISTENT',
        `payload disagrees with the row's columns on ${mismatched.join(', ')}`,
        {
          fields: mismatched,
        },
      );
    }
    const schemaId = this.schemaIds(row.eventType);
    if (schemaId === undefined) {
      throw new TransientError(
        'SCHEMA_ID_UNKNOWN',
        `no schema id known yet for ${schema.fullName} (registry not reached since start)`,
      );
    }
    const value = this.serde.encodeWith(schemaId, schema.type, p);
    return {
      storeId: this.storeId,
      storeSeq: row.storeSeq,
      eventId: row.eventId,
      eventType: row.eventType,
      traceId: row.traceId,
      value,
      payload: p,
      trace: outboxTraceContext(row.traceparent, row.traceId),
      ...(this.storeEpoch === undefined ? {} : { storeEpoch: this.storeEpoch }),
    };
  }

  /** Encodes rows in order up to the first one that fails. */
  encodeBatch(rows: readonly OutboxRow[]): EncodedBatch {
    const events: OutboundEvent[] = [];
    for (const [index, row] of rows.entries()) {
      try {
        events.push(this.encode(row));
      } catch (err) {
        const error =
          err instanceof AppError ? err : new ValidationError('OUTBOX_ENCODE_FAILED', (err as Error).message);
        return { events, stopped: { index, row, error } };
      }
    }
    return { events };
  }
}
