import { describe, expect, it } from 'vitest';
import { buildTimeline, renderTimeline, type TraceFindings } from './timeline.ts';
import { deadLetterRow, duplicateRow } from './trace-index.ts';

const t = (s: number) => new Date(Date.UTC(2026, 11, 5, 3, 0, s));

const base: TraceFindings = {
  eventId: 'e1',
  storeId: 's1',
  storeSeq: 7,
  eventType: 'SaleRecorded',
  occurredAt: t(0),
  outcomes: [],
  sinks: [],
  kpi: [],
  topics: { raw: 'raw', enriched: 'enr' },
};

describe('buildTimeline', () => {
  it('orders the hops and times the gaps between timed ones', () => {
    const r = buildTimeline({
      ...base,
      outbox: {
        store_id: 's1',
        store_seq: 7,
        event_id: 'e1',
        event_type: 'SaleRecorded',
        occurred_at: t(0),
        created_at: t(1),
        published_at: t(2),
        publish_attempts: 1,
        last_error: null,
        payload: {},
      },
      inbox: {
        event_id: 'e1',
        store_id: 's1',
        store_seq: 7,
        event_type: 'SaleRecorded',
        occurred_at: t(0),
        received_at: t(5),
        source_partition: 1,
        source_offset: '40',
        raw_partition: 1,
        raw_offset: '42',
        raw_at: t(3),
        enriched_at: t(4),
      },
      sinks: [{ sink: 'clickhouse', table: 'sales', found: true, row: { rows: 1 } }],
    });
    expect(r.outcome).toBe('enriched');
    expect(r.hops.map((h) => [h.hop, h.sincePreviousMs])).toEqual([
      ['store outbox', null],
      ['relay published', 1000],
      ['raw topic', 1000],
      ['ingest enriched', 1000],
      ['postgres inbox', 1000],
      ['clickhouse row', null],
    ]);
    expect(r.hops[2]!.where).toBe('raw 1/42');
    expect(r.total_ms).toBe(4000);
    expect(renderTimeline(r)).toContain('+1000 ms');
  });

  it('a dead letter only: outcome dead_letter; nothing: not found', () => {
    const dl = deadLetterRow('dlq', 0, {
      offset: '9',
      key: Buffer.from('s1'),
      value: null,
      timestamp: '1764903600000',
      attributes: 0,
      headers: {
        event_id: Buffer.from('e1'),
        'dlq.error.code': Buffer.from('BUSINESS_INVALID'),
        'dlq.error.message': Buffer.from('too far in the future'),
        'dlq.source.topic': Buffer.from('raw'),
        'dlq.source.partition': Buffer.from('1'),
        'dlq.source.offset': Buffer.from('43'),
        'dlq.processor': Buffer.from('ingest-processor'),
        'dlq.time': Buffer.from('2026-12-05T03:00:10.000Z'),
      },
    });
    expect(dl).toMatchObject({
      kind: 'dead_letter',
      event_id: 'e1',
      store_id: 's1',
      source_offset: '43',
      code: 'BUSINESS_INVALID',
    });
    const r = buildTimeline({ ...base, outcomes: [dl] });
    expect(r.outcome).toBe('dead_letter');
    expect(r.hops[0]!.detail).toContain('BUSINESS_INVALID');
    expect(buildTimeline(base).found).toBe(false);
  });

  const duplicate = (source: Record<string, Buffer>) =>
    duplicateRow(
      'dups',
      1,
      {
        offset: '3',
        key: Buffer.from('s1'),
        value: null,
        timestamp: '1764903600000',
        attributes: 0,
        headers: {
          ...source,
          'ingest.event_id': Buffer.from('e1'),
          'ingest.store_seq': Buffer.from('7'),
          'ingest.seen_at': Buffer.from('1764903605000'),
        },
      },
      'raw',
    );
  const expected = {
    kind: 'duplicate',
    event_id: 'e1',
    store_seq: 7,
    source_topic: 'raw',
    source_partition: 1,
    source_offset: '44',
  };

  it('reads a duplicate record as ingest writes it (one ingest.source header)', () => {
    const d = duplicate({ 'ingest.source': Buffer.from('1/44/1764903600000') });
    expect(d).toMatchObject(expected);
    expect(d.at).toEqual(new Date(1764903605000));
  });

  it('reads a duplicate record as older ingest versions wrote it (three ingest.source.* headers)', () => {
    const d = duplicate({
      'ingest.source.partition': Buffer.from('1'),
      'ingest.source.offset': Buffer.from('44'),
    });
    expect(d).toMatchObject(expected);
    expect(duplicate({ 'ingest.source': Buffer.from('1/x/1') })).toMatchObject({
      source_partition: null,
      source_offset: null,
    });
  });
});
