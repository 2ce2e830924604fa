import {
  deleteTestGroups,
  Teardowns,
  TestProducer,
  testPgSchema,
  testTopics,
} from '@retail-stream/runtime/testing';
import { Kafka, logLevel } from 'kafkajs';
import type pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { BROKERS, createEncoder, createSchema, PG_URL, type Encoder, type SinkTopics } from './harness.ts';
import { newKafkaClient } from '@retail-stream/runtime';

// Apart from harness.ts because it registers vitest hooks: the benchmark imports the harness.

/** One test file's world: a migrated HQ schema of its own, fresh topics, a producer and encoder. */
export interface PgSinkFixture {
  schema: string;
  pool: pg.Pool;
  /** For reading the sink's committed offsets. */
  kafka: Kafka;
  producer: TestProducer;
  encoder: Encoder;
  topics: SinkTopics;
  /** A consumer group id for a sink the test starts (`<schema>-<suffix>`), deleted after the file. */
  group(suffix: string): string;
}

/**
 * Registers the beforeAll that builds a PgSinkFixture and the afterAll that removes it; `schema`
 * is known at once, the rest once beforeAll ran. Hooks the test file registers later run their
 * afterAll first, so sinks it started are gone before the schema, topics and groups.
 */
export function usePgSinkFixture(opts: {
  schemaPrefix?: string;
  topicPrefix: string;
  eventPartitions: number;
}): PgSinkFixture {
  const teardowns = new Teardowns();
  const schema = testPgSchema(PG_URL, opts.schemaPrefix ?? 'hq_test');
  const groups: string[] = [];
  const f = {
    schema: schema.name,
    kafka: newKafkaClient({ clientId: 'pg-sink-test', brokers: BROKERS, logLevel: logLevel.NOTHING }),
    group: (suffix: string) => {
      groups.push(`${schema.name}-${suffix}`);
      return `${schema.name}-${suffix}`;
    },
  } as Partial<PgSinkFixture> & Pick<PgSinkFixture, 'schema' | 'kafka' | 'group'>;
  beforeAll(async () => {
    teardowns.add(schema, (s) => s.drop());
    teardowns.push(() => deleteTestGroups(BROKERS, groups));
    f.pool = teardowns.add(await createSchema(schema.name), (p) => p.end());
    f.encoder = await createEncoder();
    f.producer = teardowns.add(await TestProducer.connect(BROKERS, 'pg-sink-test'), (p) => p.close());
    f.topics = teardowns.add(
      await testTopics(BROKERS, opts.topicPrefix, { events: opts.eventPartitions, kpi: 1, dlq: 1 }),
      (t) => t.drop(),
    );
  });
  afterAll(() => teardowns.run());
  return f as PgSinkFixture;
}
