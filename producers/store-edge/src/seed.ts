import { serviceEnv } from '@retail-stream/infra';
import { loadConfigOrExit, parseCliOrExit } from '@retail-stream/runtime';
import { z } from 'zod';
import {
  generateCatalogue,
  generateStores,
  SEED_FLAG_OPTIONS,
  seedFlagSchema,
} from '@retail-stream/fixtures';
import { seedStore } from './seed-runner.ts';

/**
 * npm run seed -w @retail-stream/store-edge -- --stores 20 [--skus 2000] [--first 1] [--prefix s] [--seed 42]
 *
 * Creates store databases store_s001… on the PG_URL server (default: the local infra Postgres),
 * migrates them and loads store metadata, the catalogue and opening stock. Idempotent.
 */
const USAGE =
  'usage: seed [--stores N] [--skus N (default 2000)] [--first N] [--prefix s] [--seed N] [--concurrency N]';

const opts = parseCliOrExit({
  usage: USAGE,
  options: { ...SEED_FLAG_OPTIONS, concurrency: { type: 'string', default: '4' } },
  schema: seedFlagSchema.extend({ concurrency: z.coerce.number().int().min(1).max(16) }),
});
const config = loadConfigOrExit(
  z.object({
    PG_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//)
      .optional(),
  }),
);
const adminUrl = config.PG_URL ?? serviceEnv().PG_URL!;

const products = generateCatalogue(opts.skus, opts.seed);
const stores = generateStores(opts.stores, { first: opts.first, prefix: opts.prefix, seed: opts.seed });
const tty = process.stdout.isTTY;
const started = Date.now();
let done = 0;

function progress(last: string): void {
  if (tty) {
    const width = 30;
    const filled = Math.round((done / stores.length) * width);
    process.stdout.write(
      `\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${stores.length} stores  ${last.padEnd(12)}`,
    );
  } else {
    process.stdout.write(`seeded ${last} (${done}/${stores.length})\n`);
  }
}

const queue = [...stores];
await Promise.all(
  Array.from({ length: Math.min(opts.concurrency, stores.length) }, async () => {
    for (let store = queue.shift(); store; store = queue.shift()) {
      await seedStore(adminUrl, store, products, { seed: opts.seed });
      done++;
      progress(store.store_id);
    }
  }),
);
if (tty) process.stdout.write('\n');
process.stdout.write(
  `seeded ${stores.length} store(s) × ${products.length} SKUs in ${((Date.now() - started) / 1000).toFixed(1)}s: ` +
    `${stores[0]!.store_id}…${stores.at(-1)!.store_id} (databases store_<id>)\n`,
);
