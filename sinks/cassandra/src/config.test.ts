import { parseConfig } from '@retail-stream/runtime';
import { refusedSettings } from '@retail-stream/runtime/testing';
import { describe, expect, it } from 'vitest';
import { cassandraSinkConfig } from './config.ts';

describe('cassandraSinkConfig', () => {
  it('has working local defaults', () => {
    const c = parseConfig(cassandraSinkConfig, {});
    expect(c.CASSANDRA_KEYSPACE).toBe('retail');
    expect(c.CASSANDRA_REPLICATION).toEqual({ class: 'SimpleStrategy', replicationFactor: 1 });
    expect(c.SINK_EVENTS_TOPIC).toBe('retail.events.enriched');
    expect(c.SINK_GROUP_ID).toBe('cassandra-sink');
    expect(c.CASSANDRA_TRANSLATE_ADDRESSES_TO).toBeUndefined();
  });

  it('lists every bad setting at once', () => {
    const keys = refusedSettings(cassandraSinkConfig, {
      CASSANDRA_KEYSPACE: 'Retail; DROP',
      CASSANDRA_REPLICATION: 'SimpleStrategy:x',
      CASSANDRA_TRANSLATE_ADDRESSES_TO: 'no-port',
      SINK_MAX_BATCH_STATEMENTS: '0',
    });
    expect(keys).toEqual(
      expect.arrayContaining([
        'CASSANDRA_KEYSPACE',
        'CASSANDRA_REPLICATION',
        'CASSANDRA_TRANSLATE_ADDRESSES_TO',
        'SINK_MAX_BATCH_STATEMENTS',
      ]),
    );
  });
});
