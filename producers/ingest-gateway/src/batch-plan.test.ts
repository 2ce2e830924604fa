import { describe, expect, it } from 'vitest';
import { EventMaker } from '../test/events.ts';
import { countByStatus, planBatch } from './batch-plan.ts';

const statuses = (plan: ReturnType<typeof planBatch>) =>
  plan.results.map((r) => (r.status === 'error' ? r.error!.code : r.status));

describe('planBatch', () => {
  it('fresh store: a batch from 1 is accepted whole, cursor at its end', () => {
    const events = new EventMaker('s1').batch(5);
    const plan = planBatch(events, 0);
    expect(statuses(plan)).toEqual(Array(5).fill('accepted'));
    expect(plan.accepted.map((a) => a.storeSeq)).toEqual([1, 2, 3, 4, 5]);
    expect(plan.accepted.map((a) => a.schema.eventType)).toEqual([
      'SaleRecorded',
      'PaymentCaptured',
      'InventoryAdjusted',
      'SaleRecorded',
      'PaymentCaptured',
    ]);
    expect(plan.lastSeq).toBe(5);
    expect(plan.results[0]).toEqual({ store_seq: 1, event_id: events[0]!.event_id, status: 'accepted' });
  });

  it('replay: everything at or below the cursor is a duplicate and nothing is produced', () => {
    const events = new EventMaker('s1').batch(4);
    const plan = planBatch(events, 4);
    expect(statuses(plan)).toEqual(Array(4).fill('duplicate'));
    expect(plan.accepted).toEqual([]);
    expect(plan.lastSeq).toBe(4);
  });

  it('overlap: duplicates first, then the new run', () => {
    const plan = planBatch(new EventMaker('s1', 3).batch(5), 5); // 3..7
    expect(statuses(plan)).toEqual(['duplicate', 'duplicate', 'duplicate', 'accepted', 'accepted']);
    expect(plan.accepted.map((a) => a.storeSeq)).toEqual([6, 7]);
    expect(plan.lastSeq).toBe(7);
  });

  it('a gap refuses that event and marks every later one NOT_PROCESSED', () => {
    const maker = new EventMaker('s1');
    const events = [...maker.batch(3), ...new EventMaker('s1', 5).batch(3)]; // 1,2,3,5,6,7
    const plan = planBatch(events, 0);
    expect(statuses(plan)).toEqual([
      'accepted',
      'accepted',
      'accepted',
      'SEQUENCE_GAP',
      'NOT_PROCESSED',
      'NOT_PROCESSED',
    ]);
    expect(plan.results[3]!.error).toEqual({
      code: 'SEQUENCE_GAP',
      message: 'store_seq 5 is not the next one: expected 4 (the gateway has every event up to 3)',
      field: 'store_seq',
    });
    expect(plan.results[4]!.error!.message).toBe('not processed: store_seq 5 before it was refused');
    expect(plan.lastSeq).toBe(3);
  });

  it('a gap at the start (cursor behind the batch) accepts nothing', () => {
    const plan = planBatch(new EventMaker('s1', 10).batch(2), 3);
    expect(statuses(plan)).toEqual(['SEQUENCE_GAP', 'NOT_PROCESSED']);
    expect(plan.accepted).toEqual([]);
    expect(plan.lastSeq).toBe(3);
  });

  it('an invalid event stops the run: SCHEMA_INVALID naming the field', () => {
    const events = new EventMaker('s1').batch(4) as unknown as Record<string, unknown>[];
    events[1] = { ...events[1]!, amount_minor: '10000' };
    const plan = planBatch(events, 0);
    expect(statuses(plan)).toEqual(['accepted', 'SCHEMA_INVALID', 'NOT_PROCESSED', 'NOT_PROCESSED']);
    expect(plan.results[1]!.error).toMatchObject({
      field: 'amount_minor',
      message: expect.stringContaining('amount_minor: long expected, got "10000"'),
    });
    expect(plan.lastSeq).toBe(1);
  });

  it('unknown event types and undeclared fields are refused', () => {
    const [a, b] = new EventMaker('s1').batch(2) as unknown as Record<string, unknown>[];
    expect(statuses(planBatch([{ ...a!, event_type: 'SaleTeleported' }], 0))).toEqual(['UNKNOWN_EVENT_TYPE']);
    const plan = planBatch([a!, { ...b!, loyalty: 1 }], 0);
    expect(statuses(plan)).toEqual(['accepted', 'SCHEMA_INVALID']);
    expect(plan.results[1]!.error!.message).toContain('undeclared field(s) loyalty');
  });

  it('a missing or non-integer store_seq is SCHEMA_INVALID on store_seq', () => {
    const [a] = new EventMaker('s1').batch(1) as unknown as Record<string, unknown>[];
    for (const store_seq of [undefined, '1', 1.5, 0, -1, null]) {
      const plan = planBatch([{ ...a!, store_seq }, a!], 0);
      expect(statuses(plan)).toEqual(['SCHEMA_INVALID', 'NOT_PROCESSED']);
      expect(plan.results[0]!.error!.field).toBe('store_seq');
      expect(plan.results[1]!.error!.message).toBe('not processed: event #0 before it was refused');
    }
  });

  it('duplicates are recognised before validation (a replay never fails on what Kafka already has)', () => {
    const [a] = new EventMaker('s1').batch(1) as unknown as Record<string, unknown>[];
    expect(statuses(planBatch([{ ...a!, amount_minor: 'junk' }], 1))).toEqual(['duplicate']);
  });

  it('a repeat inside the batch is a duplicate of the copy just accepted', () => {
    const events = new EventMaker('s1').batch(2);
    const plan = planBatch([events[0]!, events[1]!, events[1]!], 0);
    expect(statuses(plan)).toEqual(['accepted', 'accepted', 'duplicate']);
    expect(plan.accepted).toHaveLength(2);
  });

  it('counts by status', () => {
    const plan = planBatch([...new EventMaker('s1').batch(3), ...new EventMaker('s1', 9).batch(2)], 1);
    expect(countByStatus(plan.results)).toEqual({ accepted: 2, duplicate: 1, error: 2 });
  });
});
