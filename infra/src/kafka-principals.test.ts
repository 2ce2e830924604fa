import { describe, expect, it } from 'vitest';
import { TOPICS } from '@retail-stream/schemas';
import { KAFKA_PRINCIPALS, principalNamed, type KafkaGrant } from './kafka-principals.ts';

/** Whether a PREFIXED grant of the principal covers `name` with `op`. */
const may = (principal: string, resource: KafkaGrant['resource'], name: string, op: string) =>
  principalNamed(principal).grants.some(
    (g) =>
      g.resource === resource && name.startsWith(g.name) && (g.operations as readonly string[]).includes(op),
  );

describe('kafka principals', () => {
  it('names each principal once', () => {
    const names = KAFKA_PRINCIPALS.map((p) => p.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it('lets only the relays, the gateway and the operator (redrive) write the raw topic', () => {
    const writers = KAFKA_PRINCIPALS.filter((p) => may(p.name, 'topic', `${TOPICS.posEvents}.run1`, 'WRITE'));
    expect(writers.map((p) => p.name).sort()).toEqual(['ingest-gateway', 'operator', 'store-relay']);
  });

  it('gives each consumer group prefix to exactly one role', () => {
    for (const group of [
      'ingest-processor',
      'kpi-windows-chain',
      'postgres-sink',
      'clickhouse-sink',
      'cassandra-sink',
      'national-pharmacy-sync',
    ]) {
      const readers = KAFKA_PRINCIPALS.filter((p) => may(p.name, 'group', `${group}.run1`, 'READ'));
      expect(readers).toHaveLength(1);
    }
  });

  it('keeps sinks to reading their inputs and writing the DLQ', () => {
    for (const sink of ['postgres-sink', 'clickhouse-sink', 'cassandra-sink', 'national-pharmacy-sync']) {
      const written = principalNamed(sink)
        .grants.filter((g) => g.operations.includes('WRITE'))
        .map((g) => g.name);
      expect(written).toEqual([TOPICS.deadLetters]);
    }
  });
});
