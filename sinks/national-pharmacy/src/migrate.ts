import { loadConfigOrExit } from '@retail-stream/runtime';
import { syncDatabaseConfig } from './config.ts';
import { prepareSyncDatabase, syncPool } from './db.ts';

/** `npm run migrate -w @retail-stream/national-pharmacy-sink`: schema + numbered migrations, idempotent. */
const config = loadConfigOrExit(syncDatabaseConfig);
const pool = syncPool(config, 'national-pharmacy-sync-migrate', 1);
try {
  const result = await prepareSyncDatabase(pool, config.NATIONAL_SYNC_PG_SCHEMA);
  process.stdout.write(
    `schema ${config.NATIONAL_SYNC_PG_SCHEMA}: ${result.applied.length} applied, ${result.alreadyApplied} already applied\n`,
  );
} catch (err) {
  process.stderr.write(`migration failed: ${(err as Error).message}\n`);
  process.exitCode = 1;
} finally {
  await pool.end();
}
