import { readDeadLetter, redriveAttemptOf, type DeadLetterInfo } from '@retail-stream/runtime';
import type { IHeaders, KafkaMessage } from 'kafkajs';

/** One record of the dead-letter topic, as every dlq command sees it. */
export interface DlqRecord {
  partition: number;
  offset: string;
  /** The Kafka record timestamp (epoch ms). */
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: IHeaders;
  /** The dlq.* headers; undefined for a record that was not written as a dead letter. */
  info: DeadLetterInfo | undefined;
  /** redrive.attempt of the record (0: never redriven). */
  attempt: number;
  /** When it was rejected (dlq.time), epoch ms; the record timestamp when the header is missing or bad. */
  rejectedAt: number;
}

export function dlqRecordOf(partition: number, m: KafkaMessage): DlqRecord {
  const headers = m.headers ?? {};
  const info = readDeadLetter(headers);
  const timestamp = Number(m.timestamp);
  const dlqTime = info?.time ? Date.parse(info.time) : NaN;
  return {
    partition,
    offset: m.offset,
    timestamp,
    key: m.key,
    value: m.value,
    headers,
    info,
    attempt: redriveAttemptOf(headers),
    rejectedAt: Number.isFinite(dlqTime) ? dlqTime : timestamp,
  };
}

/** The record key as text (the store id for pipeline records), null when there is none. */
export function keyText(r: Pick<DlqRecord, 'key'>): string | null {
  return r.key === null ? null : r.key.toString('utf8');
}

/** Every header as text (first value of a repeated header), for printing. */
export function headersText(headers: IHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, v] of Object.entries(headers)) {
    const one = Array.isArray(v) ? v[0] : v;
    if (one !== undefined) out[name] = one.toString();
  }
  return out;
}
