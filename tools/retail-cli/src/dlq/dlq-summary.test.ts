import { describe, expect, it } from 'vitest';
import type { DlqRecord } from './dlq-record.ts';
import { matchesFilter } from './dlq-filter.ts';
import { ageBucketOf, DlqSummarizer, NOT_A_DEAD_LETTER } from './dlq-summary.ts';

const NOW = Date.parse('2026-11-22T12:00:00Z');
const HOUR = 3_600_000;

function rec(
  code: string | undefined,
  processor: string,
  agoMs: number,
  key = 's001',
  offset = '0',
): DlqRecord {
  const rejectedAt = NOW - agoMs;
  return {
    partition: 0,
    offset,
    timestamp: rejectedAt,
    key: Buffer.from(key),
    value: null,
    headers: {},
    info: code
      ? {
          code,
          message: '',
          sourceTopic: 'retail.pos.events',
          sourcePartition: 0,
          sourceOffset: '1',
          processor,
          time: new Date(rejectedAt).toISOString(),
        }
      : undefined,
    attempt: 0,
    rejectedAt,
  };
}

describe('DlqSummarizer', () => {
  it('groups by code, source topic, processor and age bucket with counts, oldest and newest', () => {
    const s = new DlqSummarizer(NOW);
    [
      rec('UNKNOWN_SCHEMA_ID', 'ingest-processor', 10 * 60_000),
      rec('UNKNOWN_SCHEMA_ID', 'ingest-processor', 20 * 60_000),
      rec('UNKNOWN_SCHEMA_ID', 'ingest-processor', 3 * HOUR),
      rec('PG_DATA_REJECTED', 'postgres-sink', 30 * HOUR),
      rec(undefined, '', 9 * 24 * HOUR),
    ].forEach((r) => s.add(r));
    const { total, groups } = s.result();
    expect(total).toBe(5);
    expect(groups.map((g) => [g.code, g.processor, g.age, g.count])).toEqual([
      [NOT_A_DEAD_LETTER, '', '>7d', 1],
      ['PG_DATA_REJECTED', 'postgres-sink', '1d-7d', 1],
      ['UNKNOWN_SCHEMA_ID', 'ingest-processor', '<1h', 2],
      ['UNKNOWN_SCHEMA_ID', 'ingest-processor', '1h-24h', 1],
    ]);
    expect(groups[2]).toMatchObject({
      oldest: new Date(NOW - 20 * 60_000).toISOString(),
      newest: new Date(NOW - 10 * 60_000).toISOString(),
    });
  });

  it('age buckets are half-open: exactly 1h is 1h-24h', () => {
    expect(ageBucketOf(NOW - HOUR + 1, NOW)).toBe('<1h');
    expect(ageBucketOf(NOW - HOUR, NOW)).toBe('1h-24h');
    expect(ageBucketOf(NOW + 5_000, NOW)).toBe('<1h');
  });
});

describe('matchesFilter', () => {
  const r = rec('BUSINESS_INVALID', 'ingest-processor', HOUR, 's007', '12');
  it('passes with no filter and applies each one given', () => {
    expect(matchesFilter(r, {})).toBe(true);
    expect(matchesFilter(r, { codes: ['BUSINESS_INVALID', 'X'] })).toBe(true);
    expect(matchesFilter(r, { codes: ['NOPE'] })).toBe(false);
    expect(matchesFilter(r, { stores: ['s007'], processors: ['ingest-processor'] })).toBe(true);
    expect(matchesFilter(r, { stores: ['s001'] })).toBe(false);
    expect(matchesFilter(r, { since: NOW - HOUR, until: NOW })).toBe(true);
    expect(matchesFilter(r, { since: NOW - HOUR + 1 })).toBe(false);
    expect(matchesFilter(r, { until: NOW - HOUR })).toBe(false);
    expect(matchesFilter(r, { at: [{ partition: 0, offset: '12' }] })).toBe(true);
    expect(matchesFilter(r, { at: [{ partition: 1, offset: '12' }] })).toBe(false);
    expect(matchesFilter(r, { sourceTopics: ['retail.events.enriched'] })).toBe(false);
  });
});
