import type { IHeaders } from 'kafkajs';

/**
 * Store epochs (docs/security.md, "Sequence safety"). A store database gets a random epoch id when
 * it is created (store-edge migration 0005); a database rebuilt from scratch gets a new one and
 * restarts `store_seq` at 1. The relay puts the epoch on every record in this header; ingest keeps
 * one dedup state per (store, epoch) and accepts a new epoch only once an operator started it
 * (`retail store epoch --start`, a decision record on the store-epochs topic). Defined once here:
 * the relay writes the header, ingest and the CLI read it.
 */
export const STORE_EPOCH_HEADER = 'store.epoch';

/** The same epoch on the HTTP path: the relay's request header to the ingest gateway. */
export const STORE_EPOCH_HTTP_HEADER = 'x-store-epoch';

/**
 * The epoch of a record without the header (relays older than epochs) and of dedup state written
 * before epochs existed: every store has one implicit legacy epoch, continued by the first header
 * epoch whose record follows its contiguous sequence (ingest store-epoch-state.ts).
 */
export const LEGACY_STORE_EPOCH = 'legacy';

/** Epoch ids are UUIDs (or `legacy`); anything else in the header is refused as unapproved. */
const EPOCH_ID = /^(legacy|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

export function isStoreEpochId(value: string): boolean {
  return EPOCH_ID.test(value);
}

/** The record's epoch: its header (first value), or the legacy epoch when there is none. */
export function storeEpochOf(headers: IHeaders | undefined): string {
  const v = headers?.[STORE_EPOCH_HEADER];
  const one = Array.isArray(v) ? v[0] : v;
  return one === undefined ? LEGACY_STORE_EPOCH : one.toString();
}

/**
 * An operator's decision that `epoch` is the store's current epoch from now on (JSON, key
 * store_id, on the compacted store-epochs topic). The latest record of a store wins.
 */
export interface StoreEpochDecision {
  store_id: string;
  epoch: string;
  /** Epoch milliseconds UTC when the decision was taken. */
  started_at: number;
  actor: string;
  reason: string;
  /** The ops.audit_log row of the command that took it. */
  audit_id: string;
}

export function storeEpochDecisionValue(d: StoreEpochDecision): string {
  return JSON.stringify(d);
}

/** The decision in a record value, or undefined when it is not one (logged and ignored by readers). */
export function parseStoreEpochDecision(text: string): StoreEpochDecision | undefined {
  try {
    const o = JSON.parse(text) as Partial<StoreEpochDecision>;
    if (
      typeof o.store_id !== 'string' ||
      typeof o.epoch !== 'string' ||
      !isStoreEpochId(o.epoch) ||
      typeof o.started_at !== 'number' ||
      typeof o.actor !== 'string' ||
      typeof o.reason !== 'string' ||
      typeof o.audit_id !== 'string'
    ) {
      return undefined;
    }
    return o as StoreEpochDecision;
  } catch {
    return undefined;
  }
}
