import type { ErrorCode } from './errors/index.ts';
import type { IHeaders, KafkaMessage, Message } from 'kafkajs';

/**
 * Dead-letter records, one format for every processor and sink: the rejected record's original key,
 * value bytes and headers, untouched (so it can be inspected and replayed as it was), plus `dlq.*`
 * headers that say why, where it came from and who rejected it.
 */
export const DLQ_HEADERS = {
  errorCode: 'dlq.error.code',
  errorMessage: 'dlq.error.message',
  sourceTopic: 'dlq.source.topic',
  sourcePartition: 'dlq.source.partition',
  sourceOffset: 'dlq.source.offset',
  processor: 'dlq.processor',
  /** When the record was rejected, ISO 8601 UTC. */
  time: 'dlq.time',
} as const;

/**
 * Headers a dead-letter redrive (`retail dlq redrive`) adds to the record it republishes. They are
 * not `dlq.*`, so when the redriven record is rejected again its new dead letter keeps them: the
 * next redrive reads the attempt and counts on from it (and parks the record past its limit).
 */
export const REDRIVE_HEADERS = {
  /** One id per redrive run. */
  id: 'redrive.id',
  /** 1 for a record's first redrive, then previous attempt + 1. */
  attempt: 'redrive.attempt',
} as const;

/** The `redrive.attempt` a record carries; 0 when it was never redriven (or the header is not a count). */
export function redriveAttemptOf(headers: IHeaders | undefined): number {
  const v = headers?.[REDRIVE_HEADERS.attempt];
  const one = Array.isArray(v) ? v[0] : v;
  const n = one === undefined ? NaN : Number(one.toString());
  return Number.isInteger(n) && n > 0 ? n : 0;
}

/** Long messages (a whole schema in an error text) would bloat every header read; keep the start. */
const MAX_MESSAGE_CHARS = 2_000;

export interface DeadLetterSource {
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | string | null;
  value: Buffer | string | null;
  headers?: IHeaders;
}

export interface DeadLetterReason {
  /** A catalogue code, e.g. NOT_WIRE_FORMAT, UNKNOWN_SCHEMA_ID, BUSINESS_INVALID (docs/errors.md). */
  code: ErrorCode;
  message: string;
}

export function deadLetterMessage(
  source: DeadLetterSource,
  reason: DeadLetterReason,
  processor: string,
  now: Date = new Date(),
): Message {
  const headers: IHeaders = {};
  for (const [name, value] of Object.entries(source.headers ?? {})) {
    // A poison record may itself carry dlq.* headers (re-rejected on replay); the latest reason wins.
    if (value !== undefined && !name.startsWith('dlq.')) headers[name] = value;
  }
  headers[DLQ_HEADERS.errorCode] = reason.code;
  headers[DLQ_HEADERS.errorMessage] = reason.message.slice(0, MAX_MESSAGE_CHARS);
  headers[DLQ_HEADERS.sourceTopic] = source.topic;
  headers[DLQ_HEADERS.sourcePartition] = String(source.partition);
  headers[DLQ_HEADERS.sourceOffset] = source.offset;
  headers[DLQ_HEADERS.processor] = processor;
  headers[DLQ_HEADERS.time] = now.toISOString();
  return { key: source.key, value: source.value, headers };
}

/**
 * The dead letter of a record a consumer read from `from` (a ConsumedBatch or anything naming its
 * topic and partition): what every handler builds for a record it can never process.
 */
export function deadLetterOf(
  from: { topic: string; partition: number },
  message: Pick<KafkaMessage, 'offset' | 'key' | 'value' | 'headers'>,
  reason: DeadLetterReason,
  processor: string,
  now?: Date,
): Message {
  const source: DeadLetterSource = {
    topic: from.topic,
    partition: from.partition,
    offset: message.offset,
    key: message.key,
    value: message.value,
    headers: message.headers,
  };
  return deadLetterMessage(source, reason, processor, now);
}

export interface DeadLetterInfo {
  code: string;
  message: string;
  sourceTopic: string;
  sourcePartition: number;
  sourceOffset: string;
  processor: string;
  time: string;
}

/** Reads the `dlq.*` headers of a consumed dead letter; undefined when they are not all there. */
export function readDeadLetter(headers: IHeaders | undefined): DeadLetterInfo | undefined {
  const get = (name: string): string | undefined => {
    const v = headers?.[name];
    const one = Array.isArray(v) ? v[0] : v;
    return one === undefined ? undefined : one.toString();
  };
  const code = get(DLQ_HEADERS.errorCode);
  const sourceTopic = get(DLQ_HEADERS.sourceTopic);
  const partition = get(DLQ_HEADERS.sourcePartition);
  const sourceOffset = get(DLQ_HEADERS.sourceOffset);
  if (code === undefined || sourceTopic === undefined || partition === undefined || !sourceOffset) {
    return undefined;
  }
  return {
    code,
    message: get(DLQ_HEADERS.errorMessage) ?? '',
    sourceTopic,
    sourcePartition: Number(partition),
    sourceOffset,
    processor: get(DLQ_HEADERS.processor) ?? '',
    time: get(DLQ_HEADERS.time) ?? '',
  };
}
