import { deadLetterMessage, REDRIVE_HEADERS } from '@retail-stream/runtime';
import type { IHeaders, KafkaMessage } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { dlqRecordOf } from './dlq-record.ts';
import { planRedrive } from './redrive-plan.ts';

/** A dead letter as ingest writes it, of a record that carried `headers`. */
function deadLetter(headers: IHeaders = {}, offset = '9') {
  const msg = deadLetterMessage(
    {
      topic: 'retail.pos.events',
      partition: 2,
      offset: '41',
      key: 's001',
      value: Buffer.from([0, 0, 0, 0, 7, 1]),
      headers,
    },
    { code: 'UNKNOWN_SCHEMA_ID', message: 'schema id 7 is not in the registry' },
    'ingest-processor',
    new Date('2026-11-22T00:00:00Z'),
  );
  const bytes: IHeaders = {};
  for (const [k, v] of Object.entries(msg.headers!)) bytes[k] = Buffer.from(String(v));
  return dlqRecordOf(0, {
    key: Buffer.from('s001'),
    value: msg.value as Buffer,
    headers: bytes,
    offset,
    timestamp: String(Date.parse('2026-11-22T00:00:01Z')),
    attributes: 0,
    size: 0,
  } as unknown as KafkaMessage);
}

const opts = { runId: 'run-2', maxAttempts: 3, parkingTopic: 'retail.dlq.parking' };

describe('planRedrive', () => {
  it('a first redrive: source topic and partition, original key, bytes and headers, no dlq.*, attempt 1', () => {
    const r = deadLetter({ event_type: Buffer.from('SaleRecorded') });
    const step = planRedrive(r, opts);
    expect(step).toMatchObject({ action: 'redrive', topic: 'retail.pos.events', partition: 2, attempt: 1 });
    if (step.action !== 'redrive') throw new Error('not a redrive');
    expect(step.message.key).toEqual(Buffer.from('s001'));
    expect(step.message.value).toEqual(Buffer.from([0, 0, 0, 0, 7, 1]));
    expect(step.message.partition).toBe(2);
    const names = Object.keys(step.message.headers!);
    expect(names.filter((n) => n.startsWith('dlq.'))).toEqual([]);
    expect(step.message.headers!.event_type).toEqual(Buffer.from('SaleRecorded'));
    expect(step.message.headers![REDRIVE_HEADERS.id]).toBe('run-2');
    expect(step.message.headers![REDRIVE_HEADERS.attempt]).toBe('1');
  });

  it('counts on from the attempt the dead letter carries, replacing the old redrive id', () => {
    const r = deadLetter({ [REDRIVE_HEADERS.id]: 'run-1', [REDRIVE_HEADERS.attempt]: '2' });
    const step = planRedrive(r, opts);
    expect(step.action).toBe('redrive');
    if (step.action !== 'redrive') return;
    expect(step.attempt).toBe(3);
    expect(step.message.headers![REDRIVE_HEADERS.id]).toBe('run-2');
    expect(step.message.headers![REDRIVE_HEADERS.attempt]).toBe('3');
  });

  it('parks a record whose next attempt would pass maxAttempts, dlq.* kept, unchanged', () => {
    const r = deadLetter({ [REDRIVE_HEADERS.attempt]: '3' });
    const step = planRedrive(r, opts);
    expect(step).toMatchObject({ action: 'park', topic: 'retail.dlq.parking', attempt: 3 });
    if (step.action !== 'park') return;
    expect(step.message.headers).toEqual(r.headers);
    expect(step.message.value).toBe(r.value);
  });

  it('holds a dead letter of a fan-out topic (a sink refusal on the enriched topic) unless allowed', () => {
    const r = deadLetter();
    const fanOut = { ...opts, fanOutTopics: ['retail.pos.events'] };
    expect(planRedrive(r, fanOut)).toMatchObject({ action: 'held', topic: 'retail.pos.events' });
    expect(planRedrive(r, { ...fanOut, allowFanOut: true })).toMatchObject({ action: 'redrive', attempt: 1 });
  });

  it('leaves a record without dlq.* headers alone', () => {
    const r = { ...deadLetter(), info: undefined };
    expect(planRedrive(r, opts)).toEqual({ action: 'invalid', reason: 'no dlq.* headers' });
  });
});
