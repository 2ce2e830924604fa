import { describe, expect, it } from 'vitest';
import {
  DLQ_HEADERS,
  deadLetterMessage,
  deadLetterOf,
  readDeadLetter,
  REDRIVE_HEADERS,
  redriveAttemptOf,
} from './dead-letter.ts';

describe('dead letters', () => {
  const source = {
    topic: 'retail.pos.events',
    partition: 3,
    offset: '1234',
    key: 's001',
    value: Buffer.from([1, 2, 3]),
    headers: { event_type: 'SaleRecorded', [DLQ_HEADERS.errorCode]: 'OLD' },
  };

  it('keeps the original key, bytes and headers and adds why, where from and who', () => {
    const msg = deadLetterMessage(
      source,
      { code: 'NOT_WIRE_FORMAT', message: 'x'.repeat(5_000) },
      'ingest',
      new Date('2026-11-22T00:00:00Z'),
    );
    expect(msg.key).toBe('s001');
    expect(msg.value).toEqual(Buffer.from([1, 2, 3]));
    expect(msg.headers?.event_type).toBe('SaleRecorded');
    const info = readDeadLetter(msg.headers);
    expect(info).toEqual({
      code: 'NOT_WIRE_FORMAT',
      message: 'x'.repeat(2_000),
      sourceTopic: 'retail.pos.events',
      sourcePartition: 3,
      sourceOffset: '1234',
      processor: 'ingest',
      time: '2026-11-22T00:00:00.000Z',
    });
  });

  it('is undefined for a record without dlq headers', () => {
    expect(readDeadLetter({ event_type: 'SaleRecorded' })).toBeUndefined();
  });
});

describe('deadLetterOf', () => {
  it('is deadLetterMessage of the consumed record, with topic and partition from the batch', () => {
    const now = new Date('2026-11-22T07:00:00Z');
    const message = {
      offset: '42',
      key: Buffer.from('s001'),
      value: Buffer.from([0, 0, 0, 0, 9]),
      headers: { event_type: Buffer.from('SaleRecorded') },
    };
    const batch = { topic: 'retail.events.enriched', partition: 3 };
    const reason = { code: 'UNKNOWN_SCHEMA_ID' as const, message: 'schema 9 not found' };
    expect(deadLetterOf(batch, message, reason, 'some-sink', now)).toEqual(
      deadLetterMessage({ ...batch, ...message }, reason, 'some-sink', now),
    );
    const info = readDeadLetter(deadLetterOf(batch, message, reason, 'some-sink', now).headers);
    expect(info).toMatchObject({
      sourceTopic: 'retail.events.enriched',
      sourcePartition: 3,
      sourceOffset: '42',
    });
  });
});

describe('redrive headers', () => {
  it('survive a second rejection: the new dead letter keeps redrive.* and replaces dlq.*', () => {
    const redriven = {
      topic: 'retail.pos.events',
      partition: 1,
      offset: '77',
      key: Buffer.from('s001'),
      value: Buffer.from([0, 0, 0, 0, 5]),
      headers: {
        event_type: Buffer.from('SaleRecorded'),
        [REDRIVE_HEADERS.id]: Buffer.from('run-1'),
        [REDRIVE_HEADERS.attempt]: Buffer.from('2'),
      },
    };
    const again = deadLetterMessage(redriven, { code: 'BUSINESS_INVALID', message: 'still bad' }, 'ingest');
    expect(again.headers?.[REDRIVE_HEADERS.id]?.toString()).toBe('run-1');
    expect(redriveAttemptOf(again.headers)).toBe(2);
    expect(readDeadLetter(again.headers)).toMatchObject({ code: 'BUSINESS_INVALID', sourceOffset: '77' });
  });

  it('reads 0 for a record never redriven or with a header that is not a count', () => {
    expect(redriveAttemptOf(undefined)).toBe(0);
    expect(redriveAttemptOf({ [REDRIVE_HEADERS.attempt]: 'x' })).toBe(0);
    expect(redriveAttemptOf({ [REDRIVE_HEADERS.attempt]: ['3'] })).toBe(3);
  });
});
