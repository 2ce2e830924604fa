import { afterAll, beforeAll } from 'vitest';
import {
  createTestDatabase,
  createTestTopics,
  TestProducer,
  type TestDatabase,
  type TestTopics,
} from './harness.ts';

// Apart from harness.ts because it registers vitest hooks: the benchmark imports the harness.

/** One test file's world: a migrated database of its own, fresh topics and a producer. */
export interface SinkFixture {
  db: TestDatabase;
  topics: TestTopics;
  producer: TestProducer;
}

/**
 * Registers the beforeAll that builds a SinkFixture and the afterAll that removes it. Read the
 * fields inside tests (they are set once beforeAll ran). Hooks the test file registers later run
 * their afterAll first, so sinks it started are stopped before the topics and database go.
 */
export function useSinkFixture(partitions: number): SinkFixture {
  const f = {} as Partial<SinkFixture>;
  beforeAll(async () => {
    [f.db, f.topics, f.producer] = await Promise.all([
      createTestDatabase(),
      createTestTopics(partitions),
      TestProducer.connect(),
    ]);
  });
  afterAll(async () => {
    await f.producer?.close();
    await f.topics?.delete();
    await f.db?.drop();
  });
  return f as SinkFixture;
}
