import {
  AppError,
  LEGACY_STORE_EPOCH,
  TransientError,
  type AvroSerde,
  type Logger,
} from '@retail-stream/runtime';
import { encodeChecked, type PosEventRecord, type SchemaIdOf } from '@retail-stream/schemas';
import type pg from 'pg';
import {
  countByStatus,
  planBatch,
  strictCheck,
  type EventCheck,
  type EventResult,
  type EventStatus,
} from './batch-plan.ts';
import {
  advanceEpochCursor,
  firstSeqOf,
  lockEpochCursor,
  readEpochCursor,
  withEpochHeader,
} from './epoch-cursor.ts';
import type { StoreSigner } from './store-signer.ts';

export interface IngestServiceOptions {
  pool: pg.Pool;
  sink: { send(records: readonly PosEventRecord[]): Promise<void> };
  serde: Pick<AvroSerde, 'encodeWith'>;
  schemaIdOf: SchemaIdOf;
  /** A request waiting longer than this for its store's cursor row gets STORE_BUSY (503). */
  lockTimeoutMs: number;
  logger: Logger;
  /** Signs the records for the authenticated store (store-signer.ts). */
  signer: Pick<StoreSigner, 'sign'>;
  check?: EventCheck;
}

export interface IngestOutcome {
  storeId: string;
  /** The store's cursor after this request. */
  lastSeq: number;
  results: EventResult[];
  counts: Record<EventStatus, number>;
}

/** Postgres error codes that mean "try again", not "this request is wrong". */
const RETRIABLE_PG = new Map<string, 'STORE_BUSY' | 'DB_CONFLICT' | 'DB_UNAVAILABLE'>([
  ['55P03', 'STORE_BUSY'], // lock_not_available: another request of the store held the cursor too long
  ['40001', 'DB_CONFLICT'], // serialization_failure
  ['40P01', 'DB_CONFLICT'], // deadlock_detected
  ['57P01', 'DB_UNAVAILABLE'], // admin_shutdown
  ['57P03', 'DB_UNAVAILABLE'], // cannot_connect_now
  ['53300', 'DB_UNAVAILABLE'], // too_many_connections
]);

/**
 * One request of one store, as one database transaction around one Kafka send:
 *
 *   lock the store's cursor row (concurrent requests of the store queue here) → plan the batch
 *   against the cursor (batch-plan.ts) → produce the accepted run with one send → after the broker's
 *   ack, move the cursor → commit.
 *
 * If the send fails nothing moves (503, the relay resends). If the process dies between the ack and
 * the commit, the cursor still points before the run, so the resend produces it again: a duplicate
 * in Kafka (never a loss, never a reordering), dropped by the ingest processor's store_seq dedup.
 */
export class IngestService {
  private readonly check: EventCheck;

  constructor(private readonly opts: IngestServiceOptions) {
    this.check = opts.check ?? strictCheck;
  }

  /** `epoch`: the store database's epoch (X-Store-Epoch), legacy when the relay sends none (epoch-cursor.ts). */
  async ingest(
    storeId: string,
    events: readonly unknown[],
    epoch: string = LEGACY_STORE_EPOCH,
  ): Promise<IngestOutcome> {
    const { sink, serde, schemaIdOf } = this.opts;
    const client = await this.connect();
    let broken = false;
    try {
      await client.query('BEGIN');
      await client.query("SELECT set_config('lock_timeout', $1, true)", [`${this.opts.lockTimeoutMs}ms`]);
      const lastSeq = await lockEpochCursor(client, storeId, epoch, firstSeqOf(events));
      const plan = planBatch(events, lastSeq, this.check);
      if (plan.accepted.length > 0) {
        const records = this.opts.signer.sign(
          storeId,
          withEpochHeader(
            plan.accepted.map((a) => encodeChecked(serde, schemaIdOf, a.schema, a.event)),
            epoch,
          ),
        );
        await sink.send(records);
        await advanceEpochCursor(client, storeId, epoch, plan.lastSeq);
      }
      await client.query('COMMIT');
      return { storeId, lastSeq: plan.lastSeq, results: plan.results, counts: countByStatus(plan.results) };
    } catch (err) {
      broken = await client.query('ROLLBACK').then(
        () => false,
        () => true,
      );
      throw toServiceError(err);
    } finally {
      client.release(broken);
    }
  }

  /** The store's cursor in `epoch` (0 when the gateway has seen nothing of it). */
  async cursor(storeId: string, epoch: string = LEGACY_STORE_EPOCH): Promise<number> {
    try {
      return await readEpochCursor(this.opts.pool, storeId, epoch);
    } catch (err) {
      throw toServiceError(err);
    }
  }

  private async connect(): Promise<pg.PoolClient> {
    try {
      return await this.opts.pool.connect();
    } catch (err) {
      throw new TransientError('DB_UNAVAILABLE', `no database connection: ${(err as Error).message}`, err);
    }
  }
}

export function toServiceError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const code = (err as { code?: unknown }).code;
  const message = (err as Error)?.message ?? String(err);
  if (typeof code === 'string') {
    const mapped = RETRIABLE_PG.get(code) ?? (code.startsWith('08') ? 'DB_UNAVAILABLE' : undefined);
    if (mapped) return new TransientError(mapped, message, err);
    if (/^[0-9A-Z]{5}$/.test(code)) return new AppError('DB_ERROR', message, { cause: err });
    // Node socket errors: ECONNREFUSED, ECONNRESET, ETIMEDOUT, …
    if (code.startsWith('E')) return new TransientError('DB_UNAVAILABLE', message, err);
  }
  if (/Connection terminated|connection timeout|timeout exceeded when trying to connect/i.test(message)) {
    return new TransientError('DB_UNAVAILABLE', message, err);
  }
  return new AppError('INTERNAL', message, { cause: err });
}
