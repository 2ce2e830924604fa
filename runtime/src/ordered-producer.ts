import { javaCompatiblePartitioner } from './kafka-partitioner.ts';
import { type Kafka, type Producer } from 'kafkajs';
import { AppError, kafkaErrorCode, TransientError } from './errors.ts';

/**
 * The producer of a part that must keep one store's events in order (the outbox relay, the ingest
 * gateway): idempotent (acks=all from the caller), one request in flight, kafkajs' own retries
 * inside one send re-using the same sequence numbers, no topic auto-creation. One definition so the
 * two entry points into Kafka cannot drift apart in ordering or partitioning.
 */
export function createOrderedProducer(kafka: Kafka, sendRetries: number): Producer {
  return kafka.producer({
    idempotent: true,
    // kafkajs serialises idempotent requests per broker anyway; 1 states the ordering contract.
    maxInFlightRequests: 1,
    retry: { retries: sendRetries, initialRetryTime: 100, maxRetryTime: 2_000 },
    // Java-compatible murmur2: a store lands on the same partition as with any other client.
    createPartitioner: javaCompatiblePartitioner,
    allowAutoTopicCreation: false,
  });
}

/**
 * Buckets for a histogram that times work ending in an ordered producer's acknowledged send (a
 * relay batch, a gateway request): milliseconds when the broker is near, up to 30 s when kafkajs
 * retries a leader change inside the send.
 */
export const ACKED_SEND_SECONDS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** Connects, or disconnects the half-open producer (kafkajs keeps its sockets) and rethrows. */
export async function connectOrDiscard(producer: Producer): Promise<Producer> {
  try {
    await producer.connect();
  } catch (err) {
    void producer.disconnect().catch(() => undefined);
    throw err;
  }
  return producer;
}

/** The kafkajs protocol error type (e.g. NOT_LEADER_OR_FOLLOWER), looking through retry wrappers. */
export function kafkaProtocolType(err: unknown): string | undefined {
  for (
    let e = err as { type?: unknown; cause?: unknown; originalError?: unknown } | undefined, depth = 0;
    e && depth < 5;
    e = (e.cause ?? e.originalError) as typeof e, depth++
  ) {
    if (typeof e.type === 'string') return e.type;
  }
  return undefined;
}

/**
 * A kafkajs protocol error as its catalogue code (retriable or not as the catalogue says), the
 * protocol type kept in the message; undefined when `err` carries no protocol type (a connection
 * failure, a timeout), which each caller classifies for its own retry policy.
 */
export function kafkaProtocolError(err: unknown): AppError | undefined {
  const type = kafkaProtocolType(err);
  if (!type) return undefined;
  const message = (err as Error)?.message ?? String(err);
  return new AppError(kafkaErrorCode(type), `${type}: ${message}`, { cause: err });
}

/**
 * Rejects with a retriable KAFKA_UNAVAILABLE when `p` has not settled after `ms`: a kafkajs
 * connect or disconnect can hang on a broker that went away.
 */
export async function kafkaTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new TransientError('KAFKA_UNAVAILABLE', `${what} timed out after ${ms} ms`)),
          ms,
        );
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
