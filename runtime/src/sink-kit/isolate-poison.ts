import type { DeadLetterReason } from '../dead-letter.ts';
import { runnerErrorOf, type WriteFailure, type WriteFailureClassifier } from './write-failure.ts';

/** A record the store refused on its own: its index in the batch's items, and the store's reason. */
export interface PoisonRecord {
  index: number;
  reason: DeadLetterReason;
}

/**
 * Finds the records a store refuses after a write of all `items` failed with a poison (data)
 * error: writes halves, recursively, until each refused part is one record, which is the answer.
 * Everything else ends up written (in order, left half first). k refused records among n cost
 * about 2k·log2(n) writes; a batch without refusals is never bisected (the caller only calls this
 * after a failure). A retriable failure on the way throws, so the runner retries the whole batch
 * (writes are idempotent, so halves already written are harmless); a bug throws non-retriable.
 *
 * `firstFailure`: the reason of the failed write of all items, when it is known to be theirs. Leave
 * it out when the failure may have been another batch's (a group-committed flush): the items are
 * then written alone once before being split.
 */
export async function isolatePoison<T>(
  items: readonly T[],
  write: (part: T[]) => Promise<unknown>,
  classify: WriteFailureClassifier,
  firstFailure?: DeadLetterReason,
): Promise<PoisonRecord[]> {
  const poison: PoisonRecord[] = [];

  const attempt = async (lo: number, hi: number): Promise<DeadLetterReason | undefined> => {
    try {
      await write(items.slice(lo, hi));
      return undefined;
    } catch (err) {
      const failure: WriteFailure = classify(err);
      if (failure.kind !== 'poison') throw runnerErrorOf(err, failure);
      return { code: failure.code, message: (err as Error)?.message ?? String(err) };
    }
  };

  const split = async (lo: number, hi: number, reason: DeadLetterReason): Promise<void> => {
    if (hi - lo === 1) {
      poison.push({ index: lo, reason });
      return;
    }
    const mid = (lo + hi) >>> 1;
    const left = await attempt(lo, mid);
    if (left) await split(lo, mid, left);
    const right = await attempt(mid, hi);
    if (right) await split(mid, hi, right);
  };

  if (items.length === 0) return poison;
  const first = firstFailure ?? (await attempt(0, items.length));
  if (first) await split(0, items.length, first);
  return poison;
}
