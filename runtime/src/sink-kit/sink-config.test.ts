import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseConfig } from '../config.ts';
import { ConfigError } from '../errors.ts';
import { sinkKitConfig } from './sink-config.ts';

const schema = z.object(
  sinkKitConfig({
    name: 'test-sink',
    dlqTopic: 'dlq',
    partitionsConcurrently: 4,
    maxBytesPerPartition: 1_048_576,
    retryMaxMs: 30_000,
  }).shape,
);

describe('sinkKitConfig', () => {
  it("defaults the consumer group to the sink's name and takes the sink's own defaults", () => {
    expect(parseConfig(schema, {})).toEqual({
      SINK_GROUP_ID: 'test-sink',
      SINK_DLQ_TOPIC: 'dlq',
      SINK_PARTITIONS_CONCURRENTLY: 4,
      SINK_MAX_BYTES_PER_PARTITION: 1_048_576,
      SINK_SESSION_TIMEOUT_MS: 30_000,
      SINK_RETRY_INITIAL_MS: 200,
      SINK_RETRY_MAX_MS: 30_000,
    });
  });

  it('refuses a session timeout below the broker minimum and a concurrency of 0', () => {
    expect(() =>
      parseConfig(schema, { SINK_SESSION_TIMEOUT_MS: '1000', SINK_PARTITIONS_CONCURRENTLY: '0' }),
    ).toThrow(ConfigError);
  });
});
