import { REDRIVE_HEADERS } from '@retail-stream/runtime';
import type { IHeaders, Message } from 'kafkajs';
import type { DlqRecord } from './dlq-record.ts';

export const DEFAULT_MAX_ATTEMPTS = 3;

export type RedriveStep =
  | {
      action: 'redrive';
      /** The dead letter's dlq.source.topic and partition: where the record was first consumed. */
      topic: string;
      partition: number;
      attempt: number;
      message: Message;
    }
  | { action: 'park'; topic: string; attempt: number; message: Message }
  | { action: 'invalid'; reason: string }
  | { action: 'held'; topic: string; reason: string };

export interface PlanOptions {
  runId: string;
  maxAttempts: number;
  parkingTopic: string;
  /**
   * Source topics whose other consumers would apply a record again without deduplicating it
   * (retail.events.enriched: KPI windows count every record they read). A dead letter from such a
   * topic (a sink refused it) is held unless allowFanOut: sent back there, it would reach every
   * consumer of the topic, not only the one that refused it.
   */
  fanOutTopics?: readonly string[];
  allowFanOut?: boolean;
}

/**
 * What a redrive does with one dead letter (pure). Its original key, value bytes and headers go
 * back to the source topic without the dlq.* headers (they describe a failure, not the event),
 * with this run's redrive.id and redrive.attempt = previous + 1. A record whose attempt would pass
 * maxAttempts has failed often enough: it goes to the parking topic as it is, dlq.* kept, so the
 * reason stays readable there and it is never redriven automatically again.
 */
export function planRedrive(r: DlqRecord, opts: PlanOptions): RedriveStep {
  if (!r.info) return { action: 'invalid', reason: 'no dlq.* headers' };
  const attempt = r.attempt + 1;
  if (attempt > opts.maxAttempts) {
    return {
      action: 'park',
      topic: opts.parkingTopic,
      attempt: r.attempt,
      message: { key: r.key, value: r.value, headers: { ...r.headers } },
    };
  }
  if (!opts.allowFanOut && opts.fanOutTopics?.includes(r.info.sourceTopic)) {
    return {
      action: 'held',
      topic: r.info.sourceTopic,
      reason: `every consumer of ${r.info.sourceTopic} would read it again (--fan-out to send anyway)`,
    };
  }
  const headers: IHeaders = {};
  for (const [name, value] of Object.entries(r.headers)) {
    if (value === undefined || name.startsWith('dlq.') || name.startsWith('redrive.')) continue;
    headers[name] = value;
  }
  headers[REDRIVE_HEADERS.id] = opts.runId;
  headers[REDRIVE_HEADERS.attempt] = String(attempt);
  return {
    action: 'redrive',
    topic: r.info.sourceTopic,
    partition: r.info.sourcePartition,
    attempt,
    message: { key: r.key, value: r.value, headers, partition: r.info.sourcePartition },
  };
}
