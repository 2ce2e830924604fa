import { createLogger, loadConfigOrExit, logLevel } from '@retail-stream/runtime';
import { z } from 'zod';
import { STORE_ID } from '@retail-stream/schemas';
import { prepareStoreDatabase } from './db/store-database.ts';

/** `npm run migrate -w @retail-stream/store-edge`: create and migrate one store's database without starting the API. */
const config = loadConfigOrExit(
  z.object({
    STORE_ID: z.string().regex(STORE_ID),
    PG_URL: z.string().regex(/^postgres(ql)?:\/\//),
    LOG_LEVEL: logLevel,
  }),
);
const logger = createLogger({ service: 'store-edge-migrate', level: config.LOG_LEVEL });
const result = await prepareStoreDatabase(config.PG_URL, config.STORE_ID, logger);
logger.info(
  {
    store_id: config.STORE_ID,
    applied: result.applied.map((m) => m.file),
    already_applied: result.alreadyApplied,
  },
  'migrated',
);
await new Promise<void>((resolve) => logger.flush(() => resolve()));
