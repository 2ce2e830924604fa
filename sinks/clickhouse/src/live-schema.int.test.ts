import { AppError } from '@retail-stream/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestDatabase,
  createTestTopics,
  sinkEnv,
  startSink,
  type TestDatabase,
} from '../test/harness.ts';
import { checkLiveSchema } from './live-schema.ts';

/**
 * RowBinary has no types on the wire, so a live column of another type would be misread, not
 * refused. The sink compares its columns with system.columns before its first insert.
 */
describe('clickhouse sink: the live tables must match what it sends', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('chlive');
  });
  afterAll(() => db?.drop());

  it('a freshly migrated database passes; a changed type or a dropped column stops the sink from starting', async () => {
    await expect(checkLiveSchema(db.client)).resolves.toBeUndefined();

    await db.client.command({ query: 'ALTER TABLE sales MODIFY COLUMN currency FixedString(3)' });
    await db.client.command({ query: 'ALTER TABLE payments DROP COLUMN method' });
    const err: unknown = await checkLiveSchema(db.client).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ code: 'CLICKHOUSE_SCHEMA_MISMATCH', retriable: false });
    expect((err as Error).message).toContain('sales.currency is FixedString(3), the sink sends String');
    expect((err as Error).message).toContain('payments.method does not exist');

    const topics = await createTestTopics(1);
    try {
      await expect(startSink(sinkEnv(db.name, topics, { SINK_MIGRATE: 'false' }))).rejects.toMatchObject({
        code: 'CLICKHOUSE_SCHEMA_MISMATCH',
      });
    } finally {
      await topics.drop();
    }
  }, 60_000);
});
