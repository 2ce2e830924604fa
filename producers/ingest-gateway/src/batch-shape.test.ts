import { errorEntry } from '@retail-stream/runtime';
import { describe, expect, it } from 'vitest';
import { checkBatchShape, checkStore, type BatchRefusal } from './batch-shape.ts';

/** A refusal with the HTTP status its code is answered with (from the catalogue). */
const answered = (r: BatchRefusal | undefined) => r && { ...r, status: errorEntry(r.code).http };

const refusal = (body: unknown, max = 3) => {
  const r = checkBatchShape(body, max);
  return r.ok ? undefined : answered(r.refusal);
};

describe('checkBatchShape', () => {
  it('accepts 1..max objects', () => {
    expect(checkBatchShape({ events: [{}, {}, {}] }, 3)).toEqual({ ok: true, events: [{}, {}, {}] });
  });

  it('400 with the field for malformed bodies', () => {
    expect(refusal([])).toMatchObject({ status: 400, code: 'INVALID_BODY', field: null });
    expect(refusal('x')).toMatchObject({ status: 400, code: 'INVALID_BODY', field: null });
    expect(refusal(null)).toMatchObject({ status: 400, code: 'INVALID_BODY', field: null });
    expect(refusal({})).toMatchObject({ status: 400, code: 'INVALID_BODY', field: 'events' });
    expect(refusal({ events: {} })).toMatchObject({ status: 400, field: 'events' });
    expect(refusal({ events: [] })).toMatchObject({ status: 400, code: 'EMPTY_BATCH', field: 'events' });
    expect(refusal({ events: [{}], extra: 1 })).toMatchObject({
      status: 400,
      code: 'UNKNOWN_FIELD',
      field: 'extra',
    });
    expect(refusal({ events: [{}, 'x'] })).toMatchObject({
      status: 400,
      code: 'INVALID_EVENT',
      field: 'events.1',
    });
    expect(refusal({ events: [{}, [1]] })).toMatchObject({ status: 400, field: 'events.1' });
  });

  it('413 above the event limit, saying the limit', () => {
    expect(refusal({ events: [{}, {}, {}, {}] })).toEqual({
      status: 413,
      code: 'TOO_MANY_EVENTS',
      message: 'a batch may hold at most 3 events, this one has 4; send smaller batches',
      field: 'events',
    });
  });
});

describe('checkStore', () => {
  it('passes when every event is the key store’s', () => {
    expect(checkStore([{ store_id: 's1' }, { store_id: 's1' }], 's1')).toBeUndefined();
  });

  it('403 naming the first foreign (or missing) store_id', () => {
    expect(answered(checkStore([{ store_id: 's1' }, { store_id: 's2' }], 's1'))).toMatchObject({
      status: 403,
      code: 'STORE_MISMATCH',
      field: 'events.1.store_id',
      message: expect.stringContaining('"s2"'),
    });
    expect(answered(checkStore([{}], 's1'))).toMatchObject({ status: 403, field: 'events.0.store_id' });
  });
});
