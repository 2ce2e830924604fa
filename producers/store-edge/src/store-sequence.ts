import type { ClientBase } from 'pg';
import { AppError } from '@retail-stream/runtime';

/**
 * Reserves `count` consecutive store_seq values and returns the first. The UPDATE row-locks the
 * store's counter until commit, so a second transaction waits here until the first commits: the
 * order in which sequences are handed out is the order in which they become visible, and a
 * rollback returns its numbers (no gaps). Take it as the LAST step of a transaction so the lock
 * is held only for the outbox insert and the commit.
 */
export async function reserveStoreSeqs(client: ClientBase, storeId: string, count: number): Promise<bigint> {
  if (!Number.isInteger(count) || count < 1) throw new RangeError('count must be a positive integer');
  const { rows } = await client.query<{ last_seq: bigint }>(
    'UPDATE store_sequence SET last_seq = last_seq + $2, updated_at = now() WHERE store_id = $1 RETURNING last_seq',
    [storeId, count],
  );
  if (!rows[0]) throw new AppError('STORE_SEQUENCE_MISSING', `no store_sequence row for store ${storeId}`);
  return BigInt(rows[0].last_seq) - BigInt(count) + 1n;
}
