import { AppError } from '@retail-stream/runtime';
import type { DlqRecord } from './dlq-record.ts';
import { keyText } from './dlq-record.ts';

/** What `--code`, `--processor`, `--store`, `--source-topic`, `--since/--until` and `--offset` select. */
export interface DlqFilter {
  codes?: string[];
  processors?: string[];
  /** Record keys (store ids). */
  stores?: string[];
  sourceTopics?: string[];
  /** Rejected at or after (epoch ms). */
  since?: number;
  /** Rejected before (epoch ms). */
  until?: number;
  /** Exact records, `partition:offset`. */
  at?: RecordAddress[];
}

export interface RecordAddress {
  partition: number;
  offset: string;
}

const oneOf = (wanted: string[] | undefined, value: string | null | undefined): boolean =>
  !wanted || wanted.length === 0 || (value !== null && value !== undefined && wanted.includes(value));

/** Pure: does the record pass every filter given (an absent filter passes everything)? */
export function matchesFilter(r: DlqRecord, f: DlqFilter): boolean {
  if (f.at && f.at.length > 0 && !f.at.some((a) => a.partition === r.partition && a.offset === r.offset)) {
    return false;
  }
  if (!oneOf(f.codes, r.info?.code)) return false;
  if (!oneOf(f.processors, r.info?.processor)) return false;
  if (!oneOf(f.sourceTopics, r.info?.sourceTopic)) return false;
  if (!oneOf(f.stores, keyText(r))) return false;
  if (f.since !== undefined && r.rejectedAt < f.since) return false;
  if (f.until !== undefined && r.rejectedAt >= f.until) return false;
  return true;
}

/** `3:1200` → { partition 3, offset '1200' }; a usage error otherwise. */
export function parseRecordAddress(text: string): RecordAddress {
  const m = /^(\d+):(\d+)$/.exec(text.trim());
  if (!m) throw new AppError('CLI_USAGE', `'${text}' is not PARTITION:OFFSET (e.g. 0:42)`);
  return { partition: Number(m[1]), offset: BigInt(m[2]!).toString() };
}

/** The partitions a filter restricts the scan to (only `at` does); undefined: all. */
export function partitionsOf(f: DlqFilter): number[] | undefined {
  return f.at && f.at.length > 0 ? [...new Set(f.at.map((a) => a.partition))] : undefined;
}
