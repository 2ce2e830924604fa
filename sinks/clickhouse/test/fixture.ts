import { Teardowns, TestProducer, type TestTopics } from '@retail-stream/runtime/testing';
import { afterAll, beforeAll } from 'vitest';
import { BROKERS, createTestDatabase, createTestTopics, type TestDatabase } from './harness.ts';

// Apart from harness.ts because it registers vitest hooks: the benchmark imports the harness.

/** One test file's world: a migrated database of its own, fresh topics and a producer. */
export interface SinkFixture {
  db: TestDatabase;
  topics: TestTopics<'events' | 'kpi' | 'dlq'>;
  producer: TestProducer;
}

/**
 * Registers the beforeAll that builds a SinkFixture and the afterAll that removes it. Read the
 * fields inside tests (they are set once beforeAll ran). Hooks the test file registers later run
 * their afterAll first, so sinks it started are stopped before the topics and database go.
 */
export function useSinkFixture(partitions: number): SinkFixture {
  const teardowns = new Teardowns();
  const f = {} as Partial<SinkFixture>;
  beforeAll(async () => {
    f.db = teardowns.add(await createTestDatabase(), (d) => d.drop());
    f.topics = teardowns.add(await createTestTopics(partitions), (t) => t.drop());
    f.producer = teardowns.add(await TestProducer.connect(BROKERS, 'chsink-test'), (p) => p.close());
  });
  afterAll(() => teardowns.run());
  return f as SinkFixture;
}
