import { LEGACY_STORE_EPOCH } from '@retail-stream/runtime';
import { emptyState, type StoreSeqState } from './store-sequence.ts';

/**
 * A store's dedup state is kept per (store, epoch): `store_seq` restarts at 1 when a store database
 * is rebuilt, so sequences of two epochs must never be compared. Only the current epoch's sequence
 * state is kept (the changelog key stays store_id); the epochs the store has left are remembered
 * so their records are refused, not mistaken for a new epoch. Pure, like store-sequence.ts.
 */
export interface StoreState {
  epoch: string;
  /** Epochs the store has left, newest last (bounded: RETIRED_KEPT). */
  retired: string[];
  seq: StoreSeqState;
}

export type EpochCode = 'STORE_EPOCH_UNAPPROVED' | 'STORE_EPOCH_RETIRED';

export type Admission =
  { ok: true; state: StoreState; changed: boolean } | { ok: false; code: EpochCode; message: string };

const RETIRED_KEPT = 16;

/**
 * May a record of `epoch` (its store.epoch header, or legacy) with `seq` be deduplicated against
 * `current`, given the epoch an operator last started for the store (`approved`, undefined when
 * none)? The rules, in order:
 *  - the current epoch passes, unless an operator started another one since: then it is RETIRED;
 *  - an epoch the store has left is RETIRED (an epoch is never started twice: its sequence would
 *    start over and forward its events again);
 *  - the epoch an operator started replaces the current one with a fresh sequence (switch);
 *  - a store with no state accepts its first epoch (provisioning a new store);
 *  - a store on the legacy epoch (headerless records, state from before epochs) adopts the first
 *    header epoch whose record lies above its contiguous mark: the same database after its relay
 *    was upgraded (it resumes at its first unpublished row; past a gap the window still applies).
 *    A rebuilt database publishes from store_seq 1 again, at or below the mark, so it is held;
 *  - anything else is UNAPPROVED (held until an operator starts it, then redriven).
 * `changed`: the state is new or replaced, so its changelog record must be written.
 */
export function admitEpoch(
  current: StoreState | undefined,
  epoch: string,
  approved: string | undefined,
  seq: number,
): Admission {
  if (current?.epoch === epoch) {
    if (approved === undefined || approved === epoch) return { ok: true, state: current, changed: false };
    return retired(`store epoch ${epoch} was left for ${approved} (operator decision)`);
  }
  if (current?.retired.includes(epoch)) return retired(`store epoch ${epoch} was left for ${current.epoch}`);
  if (approved !== undefined) {
    if (epoch !== approved) {
      return unapproved(`store epoch ${epoch} is not the store's current epoch ${approved}`);
    }
    return {
      ok: true,
      state: { epoch, retired: current ? retire(current) : [], seq: emptyState() },
      changed: true,
    };
  }
  if (!current) return { ok: true, state: { epoch, retired: [], seq: emptyState() }, changed: true };
  if (current.epoch === LEGACY_STORE_EPOCH && seq > current.seq.contiguous) {
    return { ok: true, state: { epoch, retired: retire(current), seq: current.seq }, changed: true };
  }
  return unapproved(
    `store epoch ${epoch} is new for a store on epoch ${current.epoch} (store_seq ${seq}); ` +
      'an operator must start it (retail store epoch --start)',
  );
}

/** Compact JSON for the changelog topic; `v` 2 carries the epoch (v1, before epochs, is read as legacy). */
export function serializeState(s: StoreState): string {
  const q = s.seq;
  return JSON.stringify({
    v: 2,
    e: s.epoch,
    r: s.retired,
    c: q.contiguous,
    a: q.above,
    g: q.gapOpenedAt,
    al: q.alertedFrom,
  });
}

export function parseState(text: string): StoreState {
  const o = JSON.parse(text) as {
    v?: number;
    e?: unknown;
    r?: unknown;
    c?: unknown;
    a?: unknown;
    g?: unknown;
    al?: unknown;
  };
  const seqOk =
    typeof o.c === 'number' &&
    Array.isArray(o.a) &&
    o.a.every((n) => typeof n === 'number') &&
    (o.g === null || typeof o.g === 'number') &&
    (o.al === null || typeof o.al === 'number');
  const epochOk =
    o.v === 1 ||
    (o.v === 2 && typeof o.e === 'string' && Array.isArray(o.r) && o.r.every((x) => typeof x === 'string'));
  if (!seqOk || !epochOk) throw new Error(`unreadable dedup state: ${text.slice(0, 200)}`);
  return {
    epoch: o.v === 2 ? (o.e as string) : LEGACY_STORE_EPOCH,
    retired: o.v === 2 ? (o.r as string[]) : [],
    seq: {
      contiguous: o.c as number,
      above: o.a as number[],
      gapOpenedAt: o.g as number | null,
      alertedFrom: o.al as number | null,
    },
  };
}

function retire(s: StoreState): string[] {
  return [...s.retired.filter((e) => e !== s.epoch), s.epoch].slice(-RETIRED_KEPT);
}

function retired(message: string): Admission {
  return { ok: false, code: 'STORE_EPOCH_RETIRED', message };
}

function unapproved(message: string): Admission {
  return { ok: false, code: 'STORE_EPOCH_UNAPPROVED', message };
}
