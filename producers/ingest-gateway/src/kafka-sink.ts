import {
  AppError,
  connectOrDiscard,
  createOrderedProducer,
  kafkaProtocolError,
  kafkaTimeout,
  TransientError,
  traceHeaders,
  type Logger,
} from '@retail-stream/runtime';
import type { PosEventRecord } from '@retail-stream/schemas';
import type { Kafka, Producer } from 'kafkajs';

export interface KafkaSinkOptions {
  kafka: Kafka;
  topic: string;
  /** kafkajs retries inside one send (same records, same producer sequence numbers). */
  sendRetries: number;
  logger: Logger;
}

/**
 * The gateway's one idempotent producer (acks=all), shared by every request.
 *
 * Sends are serialised here, one at a time for the whole process, and the producer is replaced
 * after any failed send. Why: kafkajs numbers records per partition and, when a send fails, rolls
 * the number back so a retry of *the same records* gets the same numbers (the broker then drops a
 * copy it already wrote). Another store's send to the same partition taking those numbers would be
 * taken by the broker for that copy and acknowledged without being written. With one send at a time
 * and a fresh producer id after a failure, no two different batches ever share sequence numbers;
 * the cost is that a failed send whose records did reach the broker is written again when the
 * store resends (a duplicate the ingest processor drops by store_seq).
 */
export class KafkaSink {
  private producer: Producer | undefined;
  private connecting: Promise<Producer> | undefined;
  private tail: Promise<unknown> = Promise.resolve();
  private isConnected = false;
  private closed = false;

  constructor(private readonly opts: KafkaSinkOptions) {}

  get connected(): boolean {
    return this.isConnected;
  }

  /** Connects now (startup); failures are logged, not thrown: the first send or readiness retries. */
  async start(): Promise<void> {
    await this.ensureProducer().catch((err: unknown) =>
      this.opts.logger.warn({ err }, 'kafka producer not connected yet; will retry'),
    );
  }

  /**
   * Produces the records in order with one send and resolves once the broker acknowledged all of
   * them. Throws TransientError (retriable) when Kafka is unavailable, AppError
   * KAFKA_MESSAGE_TOO_LARGE (not retriable) when the broker refuses the batch for its size.
   */
  send(records: readonly PosEventRecord[]): Promise<void> {
    // Taken now, in the request's context: every record names the request's span as its parent.
    const trace = traceHeaders();
    const run = this.tail.then(() => this.sendNow(records, trace));
    this.tail = run.catch(() => undefined);
    return run;
  }

  /** For /readyz: connected, or why not (and a reconnect attempt in the background). */
  readiness(): true | string {
    if (this.isConnected) return true;
    if (!this.closed) void this.ensureProducer().catch(() => undefined);
    return 'kafka producer not connected';
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.tail; // the send in flight finishes first
    await this.reset();
  }

  private async sendNow(records: readonly PosEventRecord[], trace: Record<string, string>): Promise<void> {
    if (this.closed) throw new TransientError('SHUTTING_DOWN', 'the gateway is shutting down');
    try {
      const producer = await this.ensureProducer();
      await producer.send({
        topic: this.opts.topic,
        acks: -1,
        // traceparent is not signed (store-signature.ts): observability metadata, validated on read.
        messages: records.map((r) => ({ key: r.key, value: r.value, headers: { ...r.headers, ...trace } })),
      });
    } catch (err) {
      this.opts.logger.warn({ err, records: records.length }, 'kafka send failed; replacing the producer');
      await this.reset();
      throw sendError(err);
    }
  }

  private ensureProducer(): Promise<Producer> {
    if (this.producer) return Promise.resolve(this.producer);
    this.connecting ??= (async () => {
      const producer = createOrderedProducer(this.opts.kafka, this.opts.sendRetries);
      producer.on(producer.events.DISCONNECT, () => {
        if (this.producer === producer) this.isConnected = false;
      });
      await connectOrDiscard(producer);
      if (this.closed) {
        await producer.disconnect().catch(() => undefined);
        throw new TransientError('SHUTTING_DOWN', 'the gateway is shutting down');
      }
      this.producer = producer;
      this.isConnected = true;
      return producer;
    })().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private async reset(): Promise<void> {
    const old = this.producer;
    this.producer = undefined;
    this.isConnected = false;
    if (old) await kafkaTimeout(old.disconnect(), 5_000, 'producer disconnect').catch(() => undefined);
  }
}

function sendError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const message = (err as Error)?.message ?? String(err);
  const protocol = kafkaProtocolError(err);
  if (protocol?.code === 'KAFKA_MESSAGE_TOO_LARGE') {
    return new AppError(
      'KAFKA_MESSAGE_TOO_LARGE',
      `the broker refused the batch as too large: ${message}; send smaller batches`,
      { cause: err },
    );
  }
  // Every other Kafka failure is retriable (catalogue): the relay resends after a 503.
  return protocol ?? new AppError('KAFKA_UNAVAILABLE', message, { cause: err });
}
