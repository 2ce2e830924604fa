import {
  deadLetterOf,
  errorCode,
  isRetriable,
  sinkMetrics,
  type AvroSerde,
  type ConsumedBatch,
  type DeadLetterReason,
  type Logger,
} from '@retail-stream/runtime';
import { STORE_EVENT_TYPES, type StoreEvent } from '@retail-stream/schemas';
import type { Message } from 'kafkajs';
import type { Registry } from 'prom-client';
import { planWrites, transactionIdsOf } from './projection-plan.ts';
import type { ProjectionStore } from './projection-store.ts';

export const PROCESSOR = 'cassandra-sink';

export interface SinkHandlerDeps {
  serde: AvroSerde;
  store: ProjectionStore;
  /** Sends dead letters and resolves once the broker has them. */
  sendDeadLetters: (messages: Message[]) => Promise<void>;
  logger: Logger;
  metrics: Registry;
}

const storeEventTypes = new Set<string>(STORE_EVENT_TYPES);

/**
 * Why a decoded record can never be projected (undefined: it can). The enriched topic was
 * validated by the ingest processor, so these guard against a wrong topic or a broken producer.
 */
export function unprojectable(value: unknown, key: string | undefined): DeadLetterReason | undefined {
  const e = value as Partial<StoreEvent> | null;
  if (!e || typeof e !== 'object' || typeof e.event_type !== 'string' || !storeEventTypes.has(e.event_type)) {
    return { code: 'NOT_A_STORE_EVENT', message: `record is not a store event (${String(e?.event_type)})` };
  }
  if (typeof e.store_seq !== 'number' || !Number.isSafeInteger(e.store_seq) || e.store_seq < 1) {
    return { code: 'INVALID_STORE_SEQ', message: `store_seq must be a positive integer, got ${e.store_seq}` };
  }
  if (!e.store_id) return { code: 'INVALID_STORE_ID', message: 'store_id is empty' };
  if (key !== undefined && key !== e.store_id) {
    return {
      code: 'KEY_MISMATCH',
      message: `record key "${key}" is not the event's store_id "${e.store_id}"`,
    };
  }
  if ('transaction_id' in e && !e.transaction_id) {
    return { code: 'INVALID_TRANSACTION_ID', message: 'transaction_id is empty' };
  }
  return undefined;
}

/**
 * The ConsumerRunner handler: decode, dead-letter what can never be written, read what planning
 * needs, write every row, then dead letters. Returning means all of it is durable, so the runner
 * may commit; any Cassandra or broker trouble throws a retriable error and the same records come
 * again (every write is idempotent).
 */
export function createSinkHandler(deps: SinkHandlerDeps): (batch: ConsumedBatch) => Promise<void> {
  const { deadLetters } = sinkMetrics(deps.metrics);
  return async (batch) => {
    const events: StoreEvent[] = [];
    const rejected: Message[] = [];
    const codes: string[] = [];
    for (const m of batch.messages) {
      const reject = (reason: DeadLetterReason) => {
        codes.push(reason.code);
        rejected.push(deadLetterOf(batch, m, reason, PROCESSOR));
      };
      if (!m.value) {
        reject({ code: 'EMPTY_VALUE', message: 'record has no value' });
        continue;
      }
      let value: unknown;
      try {
        value = (await deps.serde.decode(m.value)).value;
      } catch (err) {
        if (isRetriable(err)) throw err;
        reject({ code: errorCode(err), message: (err as Error).message });
        continue;
      }
      const why = unprojectable(value, m.key?.toString());
      if (why) reject(why);
      else events.push(value as StoreEvent);
    }
    await batch.heartbeat();
    const known = await deps.store.readTransactions(transactionIdsOf(events));
    await deps.store.write(planWrites(events, known));
    if (rejected.length > 0) {
      await deps.sendDeadLetters(rejected);
      for (const code of codes) deadLetters.inc({ sink: 'cassandra', code });
      deps.logger.warn(
        { partition: batch.partition, count: rejected.length, codes: [...new Set(codes)] },
        'records dead-lettered',
      );
    }
  };
}
