import { ValidationError, type AvroSerde, type Decoded } from '@retail-stream/runtime';
import { STORE_EVENT_TYPES, type KpiWindowUpdated, type StoreEvent } from '@retail-stream/schemas';
import { kpiWindowRows, storeEventRows, type TableRows } from './rows.ts';

const KPI_RECORD = 'retail.kpi.KpiWindowUpdated';
const STORE_TYPES = new Set<string>(STORE_EVENT_TYPES);

/**
 * Decodes one Kafka value and maps it to rows. The record type comes from the writer schema, not
 * the topic, so a KPI record on the events topic (or the reverse) is still written right.
 * ValidationErrors (not Avro, unknown type, out-of-range values) are the caller's to dead-letter;
 * REGISTRY_UNAVAILABLE is a TransientError and retried.
 */
export async function recordRows(serde: AvroSerde, value: Buffer | null): Promise<TableRows> {
  if (value === null) throw new ValidationError('NULL_VALUE', 'record has no value (tombstone)');
  return decodedRows(await serde.decode<Record<string, unknown>>(value));
}

/** The rows of an already decoded record (what the sink kit hands the sink). */
export function decodedRows(decoded: Decoded<Record<string, unknown>>): TableRows {
  const name = decoded.type.name ?? '';
  if (name === KPI_RECORD) return kpiWindowRows(decoded.value as unknown as KpiWindowUpdated);
  const eventType = decoded.value.event_type;
  if (name.startsWith('retail.events.') && typeof eventType === 'string' && STORE_TYPES.has(eventType)) {
    return storeEventRows(decoded.value as unknown as StoreEvent);
  }
  throw new ValidationError(
    'UNEXPECTED_RECORD_TYPE',
    `the ClickHouse sink has no table for ${name || 'this record'}`,
  );
}
