import pg from 'pg';

/** A store's outbox row: when the store committed the event and when its relay published it. */
export interface OutboxRow {
  store_id: string;
  store_seq: number;
  event_id: string;
  event_type: string;
  occurred_at: Date;
  created_at: Date;
  published_at: Date | null;
  publish_attempts: number;
  last_error: string | null;
  payload: Record<string, unknown>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const COLUMNS = `store_id, store_seq::int AS store_seq, event_id::text AS event_id, event_type, occurred_at,
  created_at, published_at, publish_attempts, last_error, payload`;

/** The outbox row of an event, by id (unique index) or by the store's sequence (primary key). */
export async function outboxRow(
  db: pg.Pool,
  key: { eventId?: string; storeId?: string; storeSeq?: number },
): Promise<OutboxRow | undefined> {
  if (key.eventId !== undefined) {
    // outbox.event_id is a uuid: anything else cannot be there (and would be a cast error).
    if (!UUID.test(key.eventId)) return undefined;
    const { rows } = await db.query<OutboxRow>(`SELECT ${COLUMNS} FROM outbox WHERE event_id = $1::uuid`, [
      key.eventId,
    ]);
    return rows[0];
  }
  const { rows } = await db.query<OutboxRow>(
    `SELECT ${COLUMNS} FROM outbox WHERE store_id = $1 AND store_seq = $2`,
    [key.storeId, key.storeSeq],
  );
  return rows[0];
}

/**
 * Opens store databases on demand and closes them together. A store's database URL is the
 * store edge's own rule (storeDatabaseUrl: the HQ server, database `store_<id>`), unless the
 * operator names one (`--store-db URL`, for a store whose database lives elsewhere).
 */
export class StoreDatabases {
  private readonly pools = new Map<string, pg.Pool>();

  constructor(
    private readonly urlOf: (storeId: string) => string,
    private readonly override?: { storeId?: string; url: string },
  ) {}

  pool(storeId: string): pg.Pool {
    let p = this.pools.get(storeId);
    if (!p) {
      const url =
        this.override && (this.override.storeId === undefined || this.override.storeId === storeId)
          ? this.override.url
          : this.urlOf(storeId);
      p = new pg.Pool({
        connectionString: url,
        max: 2,
        connectionTimeoutMillis: 3_000,
        application_name: 'retail-cli',
      });
      p.on('error', () => undefined);
      this.pools.set(storeId, p);
    }
    return p;
  }

  /** The row, or undefined when the store's database has none or cannot be reached (with why). */
  async find(
    storeId: string,
    key: { eventId?: string; storeSeq?: number },
  ): Promise<{ row?: OutboxRow; error?: string }> {
    try {
      return { row: await outboxRow(this.pool(storeId), { ...key, storeId }) };
    } catch (err) {
      return { error: (err as Error).message };
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.pools.values()].map((p) => p.end().catch(() => undefined)));
    this.pools.clear();
  }
}
