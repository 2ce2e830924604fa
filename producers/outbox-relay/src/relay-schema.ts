import { lockKeyFor } from '@retail-stream/runtime';
import type pg from 'pg';

/**
 * The relay's own table in the store database, created by the relay because the store edge's
 * migrations do not (yet) have it. Purely additive and idempotent; if the store edge later adds
 * it to its migrations it must use the same definition with IF NOT EXISTS.
 *
 * relay_schema_ids remembers the registry's id for each exact writer schema (fingerprint), so a
 * relay restarted while the registry is down still publishes every event type it published before.
 */
export const RELAY_SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS relay_schema_ids (
  registry_url text        NOT NULL,
  event_type   text        NOT NULL,
  fingerprint  text        NOT NULL,
  schema_id    integer     NOT NULL,
  learned_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (registry_url, event_type, fingerprint)
)`;

const LOCK = lockKeyFor('retail-stream:outbox-relay:schema');

export async function ensureRelaySchema(db: pg.Pool): Promise<void> {
  const client = await db.connect();
  try {
    await client.query('BEGIN');
    // Two relays starting together would otherwise race on CREATE TABLE IF NOT EXISTS (pg_type).
    await client.query('SELECT pg_advisory_xact_lock($1)', [LOCK.toString()]);
    await client.query(RELAY_SCHEMA_SQL);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
