import type { Kafka, Producer } from 'kafkajs';
import type pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import {
  connectProducer,
  createEncoder,
  createSchema,
  createSinkTopics,
  deleteSinkTopics,
  dropSchema,
  uniqueSchema,
  type Encoder,
  type SinkTopics,
} from './harness.ts';

// Apart from harness.ts because it registers vitest hooks: the benchmark imports the harness.

/** One test file's world: a migrated HQ schema of its own, fresh topics, a producer and encoder. */
export interface PgSinkFixture {
  schema: string;
  pool: pg.Pool;
  kafka: Kafka;
  producer: Producer;
  encoder: Encoder;
  topics: SinkTopics;
}

/**
 * Registers the beforeAll that builds a PgSinkFixture and the afterAll that removes it; `schema`
 * is known at once, the rest once beforeAll ran. Hooks the test file registers later run their
 * afterAll first, so sinks it started are gone before the schema and topics.
 */
export function usePgSinkFixture(opts: {
  schemaPrefix?: string;
  topicPrefix: string;
  eventPartitions: number;
}): PgSinkFixture {
  const f = { schema: uniqueSchema(opts.schemaPrefix) } as Partial<PgSinkFixture> & { schema: string };
  beforeAll(async () => {
    f.pool = await createSchema(f.schema);
    f.encoder = await createEncoder();
    ({ kafka: f.kafka, producer: f.producer } = await connectProducer());
    f.topics = await createSinkTopics(opts.topicPrefix, opts.eventPartitions);
  });
  afterAll(async () => {
    await f.producer?.disconnect();
    await f.pool?.end();
    await dropSchema(f.schema);
    await deleteSinkTopics(f.topics);
  });
  return f as PgSinkFixture;
}
