/**
 * Decodes every record of the pipeline's Avro topics with Confluent's own JavaScript client
 * (`@confluentinc/schemaregistry`), the way a data engineer's tool would; exits 1 when any record
 * does not decode (issue 15). After `npm run demo`:
 *
 *   npx tsx infra/schema-registry/src/confluent-decode-topics.ts [--topics a,b]
 *
 * Reads KAFKA_* and SCHEMA_REGISTRY_URL (+ SCHEMA_REGISTRY_USERNAME/PASSWORD) like every service;
 * exit 78 on bad configuration, 64 on a usage error.
 */
import { AvroDeserializer, SchemaRegistryClient, SerdeType } from '@confluentinc/schemaregistry';
import {
  createKafka,
  createLogger,
  kafkaConfig,
  loadConfigOrExit,
  parseCliOrExit,
  schemaRegistryConfig,
} from '@retail-stream/runtime';
import { TOPICS } from '@retail-stream/schemas';
import { z } from 'zod';
import { decodeTopicsWithConfluent } from './confluent-topic-check.ts';

/** Every topic whose values are Confluent-framed Avro written by the pipeline. */
const AVRO_TOPICS = [
  TOPICS.posEvents,
  TOPICS.enrichedEvents,
  TOPICS.refStores,
  TOPICS.refProducts,
  TOPICS.kpiWindows,
  TOPICS.kpiStoreWindows,
  TOPICS.kpiLate,
  TOPICS.opsAlerts,
];

const args = parseCliOrExit({
  usage: 'usage: confluent-decode-topics [--topics t1,t2] (default: every Avro topic of the pipeline)',
  options: { topics: { type: 'string', default: AVRO_TOPICS.join(',') } },
  schema: z.object({ topics: z.string().transform((s) => s.split(',').filter(Boolean)) }),
});
const config = loadConfigOrExit(kafkaConfig.extend(schemaRegistryConfig.shape));
const user = config.SCHEMA_REGISTRY_USERNAME;
const password = config.SCHEMA_REGISTRY_PASSWORD;
const client = new SchemaRegistryClient({
  baseURLs: [config.SCHEMA_REGISTRY_URL],
  // Without a timeout a request the registry never answers hangs the check for good (the client
  // holds a cache mutex around each request): see infra/README.md on Apicurio's dropped requests.
  createAxiosDefaults: { timeout: 30_000 },
  ...(user && password
    ? { basicAuthCredentials: { credentialsSource: 'USER_INFO', userInfo: `${user}:${password}` } }
    : {}),
});
const kafka = createKafka(
  config,
  'confluent-decode-topics',
  createLogger({ service: 'confluent-decode-topics', level: 'warn' }),
);
const reports = await decodeTopicsWithConfluent({
  kafka,
  client,
  deserializer: new AvroDeserializer(client, SerdeType.VALUE, {}),
  topics: args.topics,
});
for (const r of reports) {
  const kinds = Object.entries(r.byRecord)
    .map(([name, n]) => `${name.slice(name.lastIndexOf('.') + 1)} ${n}`)
    .join(', ');
  const state = !r.exists ? 'missing' : r.failed > 0 ? `${r.failed} FAILED` : 'ok';
  process.stdout.write(
    `${r.topic}: ${state}, ${r.decoded} decoded${r.tombstones ? `, ${r.tombstones} tombstones` : ''}${kinds ? ` (${kinds})` : ''}\n`,
  );
  for (const f of r.failures) {
    process.stdout.write(
      `  partition ${f.partition} offset ${f.offset} schema id ${f.schemaId ?? '?'}: ${f.error}\n`,
    );
  }
}
process.exitCode = reports.some((r) => r.failed > 0) ? 1 : 0;
