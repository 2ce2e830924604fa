import type pg from 'pg';

export interface RetentionResult {
  store_id: string;
  outbox_deleted: number;
  idempotency_deleted: number;
  error?: string;
}

/**
 * Retention at one store: published outbox rows older than `outboxDays` (never an unpublished
 * one: the relay still owes it) and idempotency keys older than `idempotencyHours`. Bounded
 * batches, so a store's database is never locked long.
 */
export async function cleanStore(
  db: pg.Pool,
  storeId: string,
  opts: { outboxDays: number; idempotencyHours: number; dryRun?: boolean; batch?: number },
): Promise<RetentionResult> {
  const batch = opts.batch ?? 5_000;
  const outboxWhere = `store_id = $1 AND published_at IS NOT NULL AND published_at < now() - make_interval(days => $2)`;
  const keysWhere = `store_id = $1 AND created_at < now() - make_interval(hours => $2)`;
  if (opts.dryRun) {
    const o = await db.query<{ n: string }>(`SELECT count(*) AS n FROM outbox WHERE ${outboxWhere}`, [
      storeId,
      opts.outboxDays,
    ]);
    const k = await db.query<{ n: string }>(`SELECT count(*) AS n FROM idempotency_keys WHERE ${keysWhere}`, [
      storeId,
      opts.idempotencyHours,
    ]);
    return {
      store_id: storeId,
      outbox_deleted: Number(o.rows[0]!.n),
      idempotency_deleted: Number(k.rows[0]!.n),
    };
  }
  const loop = async (sql: string, arg: number) => {
    let total = 0;
    for (;;) {
      const res = await db.query(sql, [storeId, arg, batch]);
      total += res.rowCount ?? 0;
      if ((res.rowCount ?? 0) < batch) return total;
    }
  };
  const outbox = await loop(
    `DELETE FROM outbox WHERE (store_id, store_seq) IN (SELECT store_id, store_seq FROM outbox WHERE ${outboxWhere} LIMIT $3)`,
    opts.outboxDays,
  );
  const keys = await loop(
    `DELETE FROM idempotency_keys WHERE (store_id, terminal_id, idem_key) IN
       (SELECT store_id, terminal_id, idem_key FROM idempotency_keys WHERE ${keysWhere} LIMIT $3)`,
    opts.idempotencyHours,
  );
  return { store_id: storeId, outbox_deleted: outbox, idempotency_deleted: keys };
}
