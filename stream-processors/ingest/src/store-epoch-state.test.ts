import { LEGACY_STORE_EPOCH } from '@retail-stream/runtime';
import { describe, expect, it } from 'vitest';
import { admitEpoch, parseState, serializeState, type StoreState } from './store-epoch-state.ts';
import { emptyState } from './store-sequence.ts';

const A = '0b4c3f5e-1111-4aaa-8bbb-000000000001';
const B = '0b4c3f5e-2222-4aaa-8bbb-000000000002';
const at = (epoch: string, contiguous: number, retired: string[] = []): StoreState => ({
  epoch,
  retired,
  seq: { ...emptyState(), contiguous },
});

describe('store epochs at ingest', () => {
  it('accepts the first epoch of a store never seen (provisioning) with a fresh sequence', () => {
    expect(admitEpoch(undefined, A, undefined, 1)).toEqual({ ok: true, state: at(A, 0), changed: true });
  });

  it('passes the current epoch unchanged', () => {
    const s = at(A, 41);
    const r = admitEpoch(s, A, undefined, 42);
    expect(r).toEqual({ ok: true, state: s, changed: false });
    expect(admitEpoch(s, A, A, 42)).toMatchObject({ ok: true, changed: false });
  });

  it('holds a new epoch (a rebuilt database restarting at 1) until an operator starts it', () => {
    const s = at(A, 5_000);
    expect(admitEpoch(s, B, undefined, 1)).toMatchObject({ ok: false, code: 'STORE_EPOCH_UNAPPROVED' });
    expect(s).toEqual(at(A, 5_000));
    // Started: a fresh sequence for B; A is retired and its records are refused from then on.
    const started = admitEpoch(s, B, B, 1);
    expect(started).toEqual({ ok: true, state: at(B, 0, [A]), changed: true });
    expect(admitEpoch(at(B, 3, [A]), A, B, 5_001)).toMatchObject({ ok: false, code: 'STORE_EPOCH_RETIRED' });
  });

  it('refuses the old epoch as soon as another was started, before the new one sent anything', () => {
    expect(admitEpoch(at(A, 10), A, B, 11)).toMatchObject({ ok: false, code: 'STORE_EPOCH_RETIRED' });
  });

  it('refuses an epoch other than the one an operator started', () => {
    const other = 'ffffffff-3333-4aaa-8bbb-000000000003';
    expect(admitEpoch(at(A, 10), other, B, 1)).toMatchObject({ ok: false, code: 'STORE_EPOCH_UNAPPROVED' });
    expect(admitEpoch(undefined, other, B, 1)).toMatchObject({ ok: false, code: 'STORE_EPOCH_UNAPPROVED' });
  });

  it('never starts a retired epoch again, even when an operator names it', () => {
    expect(admitEpoch(at(B, 3, [A]), A, A, 1)).toMatchObject({ ok: false, code: 'STORE_EPOCH_RETIRED' });
  });

  it('a legacy store adopts the first header epoch that continues its sequence, not one restarting at 1', () => {
    const legacy = at(LEGACY_STORE_EPOCH, 200);
    expect(admitEpoch(legacy, A, undefined, 1)).toMatchObject({ ok: false, code: 'STORE_EPOCH_UNAPPROVED' });
    expect(admitEpoch(legacy, A, undefined, 200)).toMatchObject({
      ok: false,
      code: 'STORE_EPOCH_UNAPPROVED',
    });
    // Past a gap (the old relay's last records still missing): adopted; the window decides the rest.
    expect(admitEpoch(legacy, A, undefined, 205)).toMatchObject({ ok: true, changed: true });
    const adopted = admitEpoch(legacy, A, undefined, 201);
    expect(adopted).toEqual({ ok: true, state: at(A, 200, [LEGACY_STORE_EPOCH]), changed: true });
    // Headerless records after the upgrade belong to the legacy epoch, which the store left.
    expect(admitEpoch(at(A, 201, [LEGACY_STORE_EPOCH]), LEGACY_STORE_EPOCH, undefined, 202)).toMatchObject({
      ok: false,
      code: 'STORE_EPOCH_RETIRED',
    });
  });

  it('round-trips the v2 changelog format, reads v1 (before epochs) as legacy, refuses garbage', () => {
    const s: StoreState = {
      epoch: A,
      retired: [LEGACY_STORE_EPOCH],
      seq: { contiguous: 41, above: [43, 50], gapOpenedAt: 123, alertedFrom: 42 },
    };
    expect(parseState(serializeState(s))).toEqual(s);
    expect(JSON.parse(serializeState(s))).toMatchObject({ v: 2, e: A, c: 41 });
    expect(parseState('{"v":1,"c":41,"a":[43,50],"g":123,"al":42}')).toEqual({
      epoch: LEGACY_STORE_EPOCH,
      retired: [],
      seq: s.seq,
    });
    expect(() => parseState('{"v":3}')).toThrow(/unreadable dedup state/);
    expect(() => parseState('{"v":2,"c":1,"a":[],"g":null,"al":null}')).toThrow(/unreadable dedup state/);
  });
});
