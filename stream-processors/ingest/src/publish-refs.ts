import {
  AvroSerde,
  createKafka,
  createLogger,
  ensureTopics,
  loadConfigOrExit,
  parseCliOrExit,
} from '@retail-stream/runtime';
import { eventSchema, lookupAll, registerAll } from '@retail-stream/schemas';
import { SEED_FLAG_OPTIONS, seedFlagSchema } from '@retail-stream/fixtures';
import type { Message } from 'kafkajs';
import { z } from 'zod';
import { ingestConfig } from './config.ts';
import { seededProducts, seededStores } from './reference-records.ts';

/**
 * npm run publish-refs -w @retail-stream/ingest-processor -- --stores 20 [--skus 2000] [--first 1]
 *   [--prefix s] [--seed 42] [--register]
 *
 * Publishes StoreUpserted / ProductUpserted for what the store edge's seed creates (same arguments,
 * same defaults) to the compacted reference topics. Idempotent: re-running only adds newer versions.
 */
const USAGE =
  'usage: publish-refs [--stores N] [--skus N (default 2000)] [--first N] [--prefix s] [--seed N] [--register]';
const args = parseCliOrExit({
  usage: USAGE,
  options: { ...SEED_FLAG_OPTIONS, register: { type: 'boolean', default: false } },
  schema: seedFlagSchema.extend({ register: z.boolean() }),
});
// Publishes reference data only: it verifies no store signatures, so it needs no signing keys.
const config = loadConfigOrExit(ingestConfig.omit({ SIGNING_MASTER_KEYS: true }));
const logger = createLogger({ service: 'publish-refs', level: 'warn' });
const serde = AvroSerde.fromConfig(config);
const ids =
  args.register || config.INGEST_REGISTER_SCHEMAS
    ? await registerAll(serde, { registryUrl: config.SCHEMA_REGISTRY_URL })
    : await lookupAll({ registryUrl: config.SCHEMA_REGISTRY_URL });
const now = Date.now();
const stores = seededStores(args, now);
const products = seededProducts(args, now);
const encode = (type: 'StoreUpserted' | 'ProductUpserted', key: string, value: object): Message => ({
  key,
  value: serde.encodeWith(ids[type]!, eventSchema(type).type, value),
  headers: { event_type: type },
});

const compacted = [{ name: 'cleanup.policy', value: 'compact' }];
await ensureTopics(config.KAFKA_BROKERS, [
  { topic: config.INGEST_REF_STORES_TOPIC, numPartitions: 1, configEntries: compacted },
  { topic: config.INGEST_REF_PRODUCTS_TOPIC, numPartitions: 1, configEntries: compacted },
]);
const producer = createKafka(config, 'publish-refs', logger).producer({
  idempotent: true,
  maxInFlightRequests: 1,
});
await producer.connect();
try {
  await producer.send({
    topic: config.INGEST_REF_STORES_TOPIC,
    messages: stores.map((s) => encode('StoreUpserted', s.store_id, s)),
  });
  for (let i = 0; i < products.length; i += 1_000) {
    await producer.send({
      topic: config.INGEST_REF_PRODUCTS_TOPIC,
      messages: products.slice(i, i + 1_000).map((p) => encode('ProductUpserted', p.sku, p)),
    });
  }
} finally {
  await producer.disconnect();
}
process.stdout.write(
  `published ${stores.length} store(s) to ${config.INGEST_REF_STORES_TOPIC} and ${products.length} product(s) to ${config.INGEST_REF_PRODUCTS_TOPIC}\n`,
);
