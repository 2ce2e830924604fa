import { readDeadLetter, type DeadLetterInfo } from '../dead-letter.ts';
import type { TopicCollector } from './topic-collector.ts';

/** The dead letter a test expects: its `dlq.*` headers, the reason, and the record it carries. */
export interface ExpectedDeadLetter extends Omit<DeadLetterInfo, 'message' | 'time'> {
  /** Matched against the dead letter's message (the store's own words for its refusal). */
  message: RegExp;
  /** The refused record's value: a dead letter carries it unchanged. */
  value: unknown;
}

/**
 * Asserts that the dead-letter topic receives exactly one record (none follows within a second) and
 * that it is the expected refused record with the expected reason; stops the collector either way.
 * Poison-isolation tests of every sink end on this check.
 */
export async function expectSoleDeadLetter(dlq: TopicCollector, want: ExpectedDeadLetter): Promise<void> {
  // Imported here, not at the top: benches import the test kit outside vitest, where loading
  // vitest's `expect` throws.
  const { expect } = await import('vitest');
  const { message, value, ...headers } = want;
  try {
    await dlq.waitForCount(1);
    await dlq.settled(1_000);
    expect(dlq.messages).toHaveLength(1);
    const dead = readDeadLetter(dlq.messages[0]!.headers);
    expect(dead).toMatchObject(headers);
    expect(dead!.message).toMatch(message);
    expect(dlq.messages[0]!.value).toEqual(value);
  } finally {
    await dlq.stop();
  }
}
