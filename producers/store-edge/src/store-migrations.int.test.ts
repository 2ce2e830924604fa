import pg from 'pg';
import { uniqueName } from '@retail-stream/runtime/testing';
import { afterAll, describe, expect, it } from 'vitest';
import {
  migrateStoreDatabase,
  prepareStoreDatabase,
  storeDatabaseName,
  storeDatabaseUrl,
} from './db/store-database.ts';
import { PG_URL } from '../test/harness.ts';

const storeId = uniqueName('mg').replace(/-/g, '_');

afterAll(async () => {
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${storeDatabaseName(storeId)}" WITH (FORCE)`);
  await admin.end();
});

describe('store database migrations', () => {
  it("0002 (the relay's relay_schema_ids) applies to a database where an older relay created the table itself", async () => {
    await prepareStoreDatabase(PG_URL, storeId);
    const url = storeDatabaseUrl(PG_URL, storeId);
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    try {
      // The state an older relay left behind: its table with learned ids, and no migration from 0002
      // on (the later ones are idempotent, so they replay over what they already created).
      await db.query(
        `INSERT INTO relay_schema_ids (registry_url, event_type, fingerprint, schema_id) VALUES ('http://r', 'SaleRecorded', 'f1', 7)`,
      );
      await db.query('DELETE FROM schema_migrations WHERE version >= 2');

      const result = await migrateStoreDatabase(url);
      expect(result.applied.map((m) => m.file)).toEqual([
        '0002_relay_schema_ids.sql',
        '0003_write_off_reasons.sql',
        '0004_pharmacy_lots.sql',
        '0005_store_epoch.sql',
        '0006_outbox_traceparent.sql',
        '0007_checkout_guards.sql',
      ]);
      const { rows } = await db.query('SELECT event_type, schema_id FROM relay_schema_ids');
      expect(rows).toEqual([{ event_type: 'SaleRecorded', schema_id: 7 }]);
      expect((await migrateStoreDatabase(url)).applied).toEqual([]);
    } finally {
      await db.end();
    }
  });

  it('0005 draws the store epoch once: replaying the ledger keeps it, a rebuilt database gets a new one', async () => {
    await prepareStoreDatabase(PG_URL, storeId);
    const url = storeDatabaseUrl(PG_URL, storeId);
    const epochOf = async () => {
      const db = new pg.Client({ connectionString: url });
      await db.connect();
      try {
        const { rows } = await db.query<{ e: string }>('SELECT epoch_id::text AS e FROM store_epoch');
        expect(rows).toHaveLength(1);
        return rows[0]!.e;
      } finally {
        await db.end();
      }
    };
    const first = await epochOf();
    expect(first).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    await db.query('DELETE FROM schema_migrations WHERE version >= 5');
    await db.end();
    await migrateStoreDatabase(url);
    expect(await epochOf()).toBe(first);

    // The store database is lost and created again from scratch.
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    await admin.query(`DROP DATABASE "${storeDatabaseName(storeId)}" WITH (FORCE)`);
    await admin.end();
    await prepareStoreDatabase(PG_URL, storeId);
    const rebuilt = await epochOf();
    expect(rebuilt).not.toBe(first);
  });
});
