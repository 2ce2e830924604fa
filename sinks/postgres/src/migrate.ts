import { createLogger, loadConfigOrExit } from '@retail-stream/runtime';
import { databaseConfig } from './config.ts';
import { hqPool, prepareDatabase } from './db.ts';

/** `npm run migrate -w @retail-stream/postgres-sink`: creates the HQ schema and applies migrations/. */
const config = loadConfigOrExit(databaseConfig.pick({ PG_URL: true, HQ_PG_SCHEMA: true }));
const logger = createLogger({ service: 'postgres-sink-migrate', level: 'info' });
const pool = hqPool(config.PG_URL, config.HQ_PG_SCHEMA, { max: 1 });
try {
  const result = await prepareDatabase(pool, config.HQ_PG_SCHEMA, logger);
  logger.info(
    {
      schema: config.HQ_PG_SCHEMA,
      applied: result.applied.map((m) => m.file),
      before: result.alreadyApplied,
    },
    'migrations done',
  );
} finally {
  await pool.end();
}
