import {
  allocFrame,
  AppError,
  outboxTraceContext,
  TransientError,
  ValidationError,
  WIRE_HEADER_BYTES,
  type AvroSerde,
} from '@retail-stream/runtime';
import { catalogue } from '@retail-stream/schemas';
import type { OutboxRow } from './outbox-row.ts';
import type { OutboundEvent } from './publisher.ts';

/** The avsc type of a catalogue schema (the relay does not import avsc itself). */
type AvroType = Parameters<AvroSerde['encodeWith']>[1];

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
  /** Reused for every record's Avro body (grown when a record does not fit), so a record costs one buffer. */
  private scratch = Buffer.allocUnsafe(64 * 1024);

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
    if (
      p.event_type !== row.eventType ||
      p.event_id !== row.eventId ||
      p.store_seq !== row.storeSeq ||
      p.store_id !== this.storeId
    ) {
      const mismatched = [
        p.event_type === row.eventType ? undefined : 'event_type',
        p.event_id === row.eventId ? undefined : 'event_id',
        p.store_seq === row.storeSeq ? undefined : 'store_seq',
        p.store_id === this.storeId ? undefined : 'store_id',
      ].filter((f) => f !== undefined);
      throw new ValidationError(
        'OUTBOX_ROW_INCONSISTENT',
        `payload disagrees with the row's columns on ${mismatched.join(', ')}`,
        { fields: mismatched },
      );
    }
    const schemaId = this.schemaIds(row.eventType);
    if (schemaId === undefined) {
      throw new TransientError(
        'SCHEMA_ID_UNKNOWN',
        `no schema id known yet for ${schema.fullName} (registry not reached since start)`,
      );
    }
    // An invalid value goes through the serde, which names the offending paths in its error.
    const value = schema.type.isValid(p)
      ? this.framed(schemaId, schema.type, p)
      : this.serde.encodeWith(schemaId, schema.type, p);
    const event: OutboundEvent = {
      storeId: this.storeId,
      storeSeq: row.storeSeq,
      eventId: row.eventId,
      eventType: row.eventType,
      traceId: row.traceId,
      value,
      payload: p,
      trace: outboxTraceContext(row.traceparent, row.traceId),
    };
    if (this.storeEpoch !== undefined) event.storeEpoch = this.storeEpoch;
    return event;
  }

  /**
   * The same bytes as the serde's encodeWith for a valid value (Confluent framing by allocFrame),
   * written through the scratch buffer: one allocation and one copy per record instead of two each.
   */
  private framed(schemaId: number, type: AvroType, value: unknown): Buffer {
    let end = type.encode(value, this.scratch, 0);
    if (end < 0) {
      // avsc answers -(missing bytes) when the buffer is too small.
      this.scratch = Buffer.allocUnsafe(Math.max(this.scratch.length * 2, this.scratch.length - end));
      end = type.encode(value, this.scratch, 0);
    }
    const out = allocFrame(schemaId, end);
    this.scratch.copy(out, WIRE_HEADER_BYTES, 0, end);
    return out;
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
