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
      ]);
      const { rows } = await db.query('SELECT event_type, schema_id FROM relay_schema_ids');
      expect(rows).toEqual([{ event_type: 'SaleRecorded', schema_id: 7 }]);
      expect((await migrateStoreDatabase(url)).applied).toEqual([]);
    } finally {
      await db.end();
    }
  });
});
