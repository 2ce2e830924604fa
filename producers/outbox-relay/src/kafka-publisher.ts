import {
  AppError,
  connectOrDiscard,
  createOrderedProducer,
  formatTraceparent,
  kafkaProtocolError,
  kafkaProtocolType,
  kafkaTimeout,
  TransientError,
  STORE_EPOCH_HEADER,
  STORE_HEADERS,
  signRecord,
  TRACEPARENT_HEADER,
  type Logger,
  type SigningKey,
} from '@retail-stream/runtime';
import type { Admin, Kafka, Message, Producer } from 'kafkajs';
import type { OutboundEvent, PublishOutcome, Publisher } from './publisher.ts';
import { eventTooLarge, type EventTooLargeError, type RecordLimit } from './oversized-event.ts';
import { chunkBySize, recordSize } from './record-chunks.ts';

export interface KafkaPublisherOptions {
  kafka: Kafka;
  topic: string;
  /** Upper bound of one produce request (one record batch); below the broker's message.max.bytes. */
  maxRequestBytes: number;
  /** kafkajs' own retries inside one send; the relay's backoff is the outer retry. */
  sendRetries: number;
  /** The store's own signing key (RELAY_SIGNING_KEY): every record is signed with it. */
  signingKey: SigningKey;
  logger: Logger;
}

/** Errors after which the broker no longer accepts this producer id's sequence numbers. */
const PRODUCER_STATE_ERRORS = new Set([
  'OUT_OF_ORDER_SEQUENCE_NUMBER',
  'UNKNOWN_PRODUCER_ID',
  'INVALID_PRODUCER_EPOCH',
  'INVALID_PRODUCER_ID_MAPPING',
  'DUPLICATE_SEQUENCE_NUMBER',
]);

/**
 * Publishes to one topic with kafkajs' idempotent producer (acks=all, one request in flight).
 *
 * Order: the relay hands over one batch at a time; every event has the key store_id, so a batch is
 * one partition; it is cut into chunks below the broker's size limit and each chunk is one send,
 * awaited before the next. With one in-flight request and idempotence, a retry inside kafkajs
 * cannot land behind a later batch.
 *
 * Size: an event larger than that limit alone never gets here (recordLimit: the relay stops the
 * store at it); a chunk the broker refuses as too large anyway is split (shrinkChunks), and one
 * event refused alone is answered OUTBOX_EVENT_TOO_LARGE, which stops the store too.
 *
 * Retries across calls: kafkajs rolls the partition's sequence number back when a send fails, and
 * the relay retries from the first unacknowledged row. This publisher remembers the exact chunk
 * that failed and, if the next batch starts with those events, sends that chunk again unchanged: it
 * carries the same producer id and sequence numbers, so if the failed request had in fact been
 * written, the broker recognises the duplicate and acknowledges without appending. Only when the
 * producer's state is unusable (or the next batch starts elsewhere) is a new producer created;
 * then the broker sees new records, and the worst case is a contiguous re-send of the unacknowledged
 * tail, which consumers drop by store_seq.
 */
export class KafkaPublisher implements Publisher {
  readonly destination = 'kafka';
  private producer: Producer | undefined;
  private admin: Admin | undefined;
  private unacked: OutboundEvent[] | undefined;
  /** Bytes per chunk: maxRequestBytes, lowered for good once the broker refuses a chunk as too large. */
  private chunkBytes: number;
  /** An event above this is never sent: the relay stops the store at it (OUTBOX_EVENT_TOO_LARGE). */
  readonly recordLimit: RecordLimit;

  constructor(private readonly opts: KafkaPublisherOptions) {
    this.chunkBytes = opts.maxRequestBytes;
    this.recordLimit = {
      maxBytes: opts.maxRequestBytes,
      sizeOf: recordSize,
      source: "RELAY_MAX_REQUEST_BYTES, kept below the broker's message.max.bytes",
    };
  }

  async publish(events: readonly OutboundEvent[]): Promise<PublishOutcome> {
    let chunks = await this.plan(events);
    let acked = 0;
    try {
      const producer = await this.connected();
      for (let chunk = chunks.shift(); chunk; chunk = chunks.shift()) {
        this.unacked = chunk;
        try {
          await producer.send({
            topic: this.opts.topic,
            acks: -1,
            messages: toSignedMessages(chunk, this.opts.signingKey),
          });
        } catch (err) {
          if (kafkaProtocolError(err)?.code !== 'KAFKA_MESSAGE_TOO_LARGE') throw err;
          // The broker appended nothing of a chunk it refused as too large: there are no sequence
          // numbers worth keeping, and the refused chunk must not be re-sent unchanged (forever).
          this.unacked = undefined;
          if (chunk.length === 1) return { acked, error: this.refusedAlone(chunk[0]!, err) };
          chunks = this.shrinkChunks(chunk, events.slice(acked), err);
          continue;
        }
        this.unacked = undefined;
        acked += chunk.length;
      }
      return { acked };
    } catch (err) {
      const error = publishError(err);
      if (PRODUCER_STATE_ERRORS.has(kafkaProtocolType(err) ?? '')) {
        this.opts.logger.warn(
          { err },
          'producer sequence state rejected by the broker; starting a new producer',
        );
        this.unacked = undefined;
        await this.resetProducer();
      }
      return { acked, error };
    }
  }

  async probe(timeoutMs: number): Promise<void> {
    this.admin ??= this.opts.kafka.admin({ retry: { retries: 0 } });
    const admin = this.admin;
    try {
      await kafkaTimeout(
        (async () => {
          await admin.connect();
          await admin.fetchTopicMetadata({ topics: [this.opts.topic] });
        })(),
        timeoutMs,
        'kafka probe',
      );
    } catch (err) {
      // A fresh admin next time: kafkajs can keep a half-open connection after an outage.
      this.admin = undefined;
      void admin.disconnect().catch(() => undefined);
      throw publishError(err);
    }
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.resetProducer(), this.admin?.disconnect()]);
    this.admin = undefined;
  }

  /**
   * The broker's limit for one event is below our estimate (a topic max.message.bytes lower than
   * RELAY_MAX_REQUEST_BYTES, or recordSize undercounting). The chunk limit drops to half the refused
   * chunk and the rest of the batch is re-planned with it (this publisher keeps the lower limit).
   * Repeated refusals end at a chunk of one event, which is either accepted or answered
   * OUTBOX_EVENT_TOO_LARGE (the relay stops the store at it).
   */
  private shrinkChunks(
    refused: readonly OutboundEvent[],
    rest: readonly OutboundEvent[],
    err: unknown,
  ): OutboundEvent[][] {
    const bytes = refused.reduce((sum, e) => sum + recordSize(e), 0);
    this.chunkBytes = Math.min(this.chunkBytes, Math.floor(bytes / 2));
    this.opts.logger.warn(
      {
        err: (err as Error)?.message,
        from_seq: refused[0]?.storeSeq,
        events: refused.length,
        bytes,
        chunk_bytes: this.chunkBytes,
      },
      'the broker refused a chunk as too large (topic max.message.bytes below RELAY_MAX_REQUEST_BYTES?); sending smaller chunks from now on',
    );
    return chunkBySize(rest, recordSize, this.chunkBytes);
  }

  /** The broker refused one event on its own: it can never be sent as it is. */
  private refusedAlone(e: OutboundEvent, err: unknown): EventTooLargeError {
    const type = kafkaProtocolType(err) ?? 'MESSAGE_TOO_LARGE';
    return eventTooLarge(
      e,
      recordSize(e),
      `the broker refused it alone (${type}): topic ${this.opts.topic}'s max.message.bytes is lower ` +
        `than RELAY_MAX_REQUEST_BYTES (${this.opts.maxRequestBytes} bytes)`,
    );
  }

  /** The chunks to send, starting with the retained failed chunk when the batch begins with it. */
  private async plan(events: readonly OutboundEvent[]): Promise<OutboundEvent[][]> {
    const maxRequestBytes = this.chunkBytes;
    const pending = this.unacked;
    if (pending) {
      if (startsWith(events, pending)) {
        this.opts.logger.info(
          { from_seq: pending[0]?.storeSeq, to_seq: pending.at(-1)?.storeSeq },
          're-sending the unacknowledged chunk with its original producer sequence numbers',
        );
        return [pending, ...chunkBySize(events.slice(pending.length), recordSize, maxRequestBytes)];
      }
      // The relay resumed somewhere else (rows published by another instance, or changed): the
      // retained sequence numbers no longer describe what comes next.
      this.opts.logger.warn(
        { retained_from_seq: pending[0]?.storeSeq, next_from_seq: events[0]?.storeSeq },
        'batch does not start with the unacknowledged chunk; starting a new producer',
      );
      this.unacked = undefined;
      await this.resetProducer();
    }
    return chunkBySize(events, recordSize, maxRequestBytes);
  }

  private async connected(): Promise<Producer> {
    this.producer ??= await connectOrDiscard(createOrderedProducer(this.opts.kafka, this.opts.sendRetries));
    return this.producer;
  }

  private async resetProducer(): Promise<void> {
    const old = this.producer;
    this.producer = undefined;
    if (old) await kafkaTimeout(old.disconnect(), 5_000, 'producer disconnect').catch(() => undefined);
  }
}

const eventTypeHeaders = new Map<string, Buffer>();

/**
 * Key store_id; headers event_type, event_id, trace_id, store.epoch, traceparent, then
 * store.signature, signed last over the key, value and store.epoch (store-signature.ts; traceparent
 * is not signed: observability metadata, validated wherever it is read): ingest refuses a raw record
 * without its store's signature; HMAC is deterministic, so a re-sent chunk is identical. Keys, event
 * types and the epoch repeat within a batch, so their bytes are made once instead of once per record
 * (kafkajs converts strings per record), and each message is built once, without copies.
 */
export function toSignedMessages(events: readonly OutboundEvent[], signingKey: SigningKey): Message[] {
  const keys = new Map<string, Buffer>();
  const epochs = new Map<string, Buffer>();
  const out = new Array<Message>(events.length);
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    let key = keys.get(e.storeId);
    if (!key) keys.set(e.storeId, (key = Buffer.from(e.storeId)));
    let eventType = eventTypeHeaders.get(e.eventType);
    if (!eventType) eventTypeHeaders.set(e.eventType, (eventType = Buffer.from(e.eventType)));
    const headers: Record<string, Buffer | string> = {
      event_type: eventType,
      event_id: e.eventId,
      trace_id: e.traceId,
    };
    if (e.storeEpoch !== undefined) {
      // Ingest keeps one dedup state per (store, epoch): a rebuilt database is told apart by it.
      let epoch = epochs.get(e.storeEpoch);
      if (!epoch) epochs.set(e.storeEpoch, (epoch = Buffer.from(e.storeEpoch)));
      headers[STORE_EPOCH_HEADER] = epoch;
    }
    if (e.trace !== undefined) headers[TRACEPARENT_HEADER] = formatTraceparent(e.trace);
    const message: Message = { key, value: e.value, headers };
    headers[STORE_HEADERS.signature] = signRecord(message, signingKey);
    out[i] = message;
  }
  return out;
}

function startsWith(events: readonly OutboundEvent[], prefix: readonly OutboundEvent[]): boolean {
  if (events.length < prefix.length) return false;
  return prefix.every((p, i) => events[i]!.storeSeq === p.storeSeq && events[i]!.eventId === p.eventId);
}

/** Every Kafka failure is retried (the relay never drops); the code says which kind it was. */
function publishError(err: unknown): AppError {
  if (err instanceof TransientError) return err;
  // A protocol error keeps the catalogue's Kafka code; the relay retries whatever the code's
  // retriable flag says (it never drops a row).
  const protocol = kafkaProtocolError(err);
  if (protocol) return protocol;
  const message = (err as Error)?.message ?? String(err);
  const name = (err as Error)?.name ?? '';
  const code = /Connection|Timeout|Retries/i.test(name + message) ? 'KAFKA_UNAVAILABLE' : 'KAFKA_SEND_FAILED';
  return new TransientError(code, message, err);
}
