import { createLogger, loadConfigOrExit, logLevel } from '@retail-stream/runtime';
import { clickhouseConfig } from './config.ts';
import { connectClickhouse } from './clickhouse-connection.ts';
import { ensureDatabase, migrate } from './migrator.ts';

/** `npm run migrate -w @retail-stream/clickhouse-sink`: creates the database and applies migrations. */
const config = loadConfigOrExit(clickhouseConfig.extend({ LOG_LEVEL: logLevel }));
const logger = createLogger({ service: 'clickhouse-migrate', level: config.LOG_LEVEL });
const admin = connectClickhouse(config, { database: 'default' });
const client = connectClickhouse(config);
try {
  await ensureDatabase(admin, config.CLICKHOUSE_DATABASE);
  const applied = await migrate(client);
  logger.info({ database: config.CLICKHOUSE_DATABASE, applied }, 'clickhouse migrations up to date');
} catch (err) {
  logger.error({ err }, 'clickhouse migration failed');
  process.exitCode = 1;
} finally {
  await Promise.allSettled([admin.close(), client.close()]);
}
