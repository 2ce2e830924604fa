import { AppError, ValidationError, type AvroSerde } from '@retail-stream/runtime';
import { STORE_EVENT_TYPES, type KpiWindowUpdated, type StoreEvent } from '@retail-stream/schemas';
import type { KafkaMessage } from 'kafkajs';

export type DecodeOutcome<T> = { ok: true; value: T } | { ok: false; code: string; message: string };

const STORE_TYPES = new Set<string>(STORE_EVENT_TYPES);
const KPI_TYPE = 'retail.kpi.KpiWindowUpdated';

function reject<T>(err: unknown): DecodeOutcome<T> {
  // Registry outages and other retriable failures are not the record's fault: let the batch retry.
  if (!(err instanceof ValidationError)) throw err;
  return { ok: false, code: err.code, message: err.message };
}

/** A record of the enriched topic → a store event, or why it can never be one. */
export async function decodeStoreEvent(
  serde: AvroSerde,
  message: KafkaMessage,
): Promise<DecodeOutcome<StoreEvent>> {
  if (!message.value) return { ok: false, code: 'EMPTY_VALUE', message: 'record has no value' };
  try {
    const { value, type } = await serde.decode<StoreEvent>(message.value);
    const eventType = (value as { event_type?: unknown }).event_type;
    if (
      typeof eventType !== 'string' ||
      !STORE_TYPES.has(eventType) ||
      !type.name?.endsWith(`.${eventType}`)
    ) {
      return {
        ok: false,
        code: 'NOT_A_STORE_EVENT',
        message: `schema ${type.name ?? '?'} is not a store event of the catalogue`,
      };
    }
    if (value.store_id.length === 0 || value.event_id.length === 0 || value.store_seq < 1) {
      return { ok: false, code: 'BUSINESS_INVALID', message: 'empty store_id/event_id or store_seq < 1' };
    }
    return { ok: true, value };
  } catch (err) {
    if (err instanceof AppError && !err.retriable && !(err instanceof ValidationError)) {
      return { ok: false, code: err.code, message: err.message };
    }
    return reject(err);
  }
}

/** A record of the KPI topic → a KpiWindowUpdated, or why it can never be one. */
export async function decodeKpi(
  serde: AvroSerde,
  message: KafkaMessage,
): Promise<DecodeOutcome<KpiWindowUpdated>> {
  if (!message.value) return { ok: false, code: 'EMPTY_VALUE', message: 'record has no value' };
  try {
    const { value, type } = await serde.decode<KpiWindowUpdated>(message.value);
    if (type.name !== KPI_TYPE) {
      return {
        ok: false,
        code: 'NOT_A_KPI_WINDOW',
        message: `schema ${type.name ?? '?'} is not ${KPI_TYPE}`,
      };
    }
    return { ok: true, value };
  } catch (err) {
    if (err instanceof AppError && !err.retriable && !(err instanceof ValidationError)) {
      return { ok: false, code: err.code, message: err.message };
    }
    return reject(err);
  }
}
