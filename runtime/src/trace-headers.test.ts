import { describe, expect, it } from 'vitest';
import {
  formatSourceHeader,
  LEGACY_SOURCE_HEADERS,
  parseSourceHeader,
  rawSourceOf,
  TRACE_HEADERS,
} from './trace-headers.ts';

describe('ingest.source: one header for where the raw record was', () => {
  it('round-trips partition, offset and timestamp, as a string or a Kafka header buffer', () => {
    const v = formatSourceHeader(3, '42', '1764903600000');
    expect(v).toBe('3/42/1764903600000');
    const want = { partition: 3, offset: '42', timestamp: 1764903600000 };
    expect(parseSourceHeader(v)).toEqual(want);
    expect(parseSourceHeader(Buffer.from(v))).toEqual(want);
    expect(rawSourceOf({ [TRACE_HEADERS.source]: Buffer.from(v) })).toEqual(want);
  });

  it('writes a missing broker timestamp (-1) or an odd one as empty, read as null', () => {
    expect(formatSourceHeader(0, '0', '-1')).toBe('0/0/');
    expect(formatSourceHeader(0, '0', '')).toBe('0/0/');
    expect(parseSourceHeader('0/0/')).toEqual({ partition: 0, offset: '0', timestamp: null });
  });

  it('keeps the full int64 range of offsets and int32 of partitions, exactly', () => {
    expect(parseSourceHeader('2147483647/9223372036854775807/1')).toEqual({
      partition: 2147483647,
      offset: '9223372036854775807',
      timestamp: 1,
    });
    expect(parseSourceHeader('2147483648/1/1')).toBeUndefined();
    expect(parseSourceHeader('1/9223372036854775808/1')).toBeUndefined();
    expect(parseSourceHeader('1/10000000000000000000/1')).toBeUndefined();
    expect(parseSourceHeader('1/1/1234567890123456')).toBeUndefined();
  });

  it('is strict: anything but three canonical decimals (the last may be empty) is refused, never thrown', () => {
    for (const bad of [
      '',
      '3',
      '3/42',
      '/42/1',
      '3//1',
      '3/42/1/',
      '3/42/1/9',
      '03/42/1',
      '3/042/1',
      '3/42/01',
      '-3/42/1',
      '3/-42/1',
      '+3/42/1',
      ' 3/42/1',
      '3/42/1 ',
      '3.0/42/1',
      '3/4e2/1',
      '3/42/0x1',
      '３/42/1',
      `3/42/${'1'.repeat(100)}`,
    ]) {
      expect(parseSourceHeader(bad), bad).toBeUndefined();
    }
    expect(parseSourceHeader(undefined)).toBeUndefined();
    expect(parseSourceHeader(null)).toBeUndefined();
  });
});

describe('rawSourceOf: the one reader of both header shapes', () => {
  const legacy = (p: string, o: string, t?: string) => ({
    [LEGACY_SOURCE_HEADERS.partition]: Buffer.from(p),
    [LEGACY_SOURCE_HEADERS.offset]: Buffer.from(o),
    ...(t === undefined ? {} : { [LEGACY_SOURCE_HEADERS.timestamp]: Buffer.from(t) }),
  });

  it('reads the three headers older ingest versions wrote (records still in the topics, replays)', () => {
    expect(rawSourceOf(legacy('3', '42', '1700000000000'))).toEqual({
      partition: 3,
      offset: '42',
      timestamp: 1700000000000,
    });
    // As before: a missing or unreadable timestamp is null, the position still counts.
    expect(rawSourceOf(legacy('3', '42'))).toEqual({ partition: 3, offset: '42', timestamp: null });
    expect(rawSourceOf(legacy('3', '42', '-1'))).toEqual({ partition: 3, offset: '42', timestamp: null });
    expect(rawSourceOf(legacy('x', '1'))).toBeUndefined();
    expect(rawSourceOf({ [LEGACY_SOURCE_HEADERS.partition]: Buffer.from('1') })).toBeUndefined();
  });

  it('prefers ingest.source over legacy headers copied along, even when it is invalid', () => {
    expect(rawSourceOf({ ...legacy('9', '9', '9'), [TRACE_HEADERS.source]: '3/42/5' })).toEqual({
      partition: 3,
      offset: '42',
      timestamp: 5,
    });
    expect(rawSourceOf({ ...legacy('9', '9', '9'), [TRACE_HEADERS.source]: 'garbage' })).toBeUndefined();
  });

  it('is undefined for records that name no source, or name it twice', () => {
    expect(rawSourceOf(undefined)).toBeUndefined();
    expect(rawSourceOf({ event_id: Buffer.from('e1') })).toBeUndefined();
    expect(rawSourceOf({ ...legacy('9', '9'), [TRACE_HEADERS.source]: ['1/1/1', '2/2/2'] })).toBeUndefined();
    expect(rawSourceOf({ [TRACE_HEADERS.source]: ['1/1/1'] })).toEqual({
      partition: 1,
      offset: '1',
      timestamp: 1,
    });
  });
});
