import { loadConfigOrExit } from '@retail-stream/runtime';
import { databaseConfig } from './config.ts';
import { gatewayPool, prepareDatabase } from './db.ts';
import { runKeysCommand } from './keys-commands.ts';

/**
 * Store API keys of the ingest gateway:
 *
 *   PG_URL=postgres://… npx tsx producers/ingest-gateway/src/keys-cli.ts issue --store s001
 *
 * See keys-commands.ts (USAGE) and README.md. Migrates the gateway's schema first (idempotent), so
 * keys can be issued before the gateway ever ran.
 */
const config = loadConfigOrExit(databaseConfig);
const pool = gatewayPool(config.PG_URL, config.GATEWAY_PG_SCHEMA, {
  max: 2,
  applicationName: 'ingest-gateway-keys-cli',
});
let code: number;
try {
  await prepareDatabase(pool, config.GATEWAY_PG_SCHEMA);
  code = await runKeysCommand(process.argv.slice(2), pool, {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
  });
} catch (err) {
  process.stderr.write(`keys-cli: ${(err as Error).message}\n`);
  code = 1;
} finally {
  await pool.end();
}
process.exitCode = code;
