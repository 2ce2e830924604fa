import { describe, expect, it } from 'vitest';
import { parseReplication, replicationCql } from './replication.ts';

describe('replication setting', () => {
  it('parses SimpleStrategy and NetworkTopologyStrategy into CQL', () => {
    expect(replicationCql(parseReplication('SimpleStrategy:1'))).toBe(
      "{'class': 'SimpleStrategy', 'replication_factor': 1}",
    );
    expect(replicationCql(parseReplication('NetworkTopologyStrategy:dc1=3, dc2=2'))).toBe(
      "{'class': 'NetworkTopologyStrategy', 'dc1': 3, 'dc2': 2}",
    );
  });

  it('refuses anything that could smuggle CQL or is not a strategy', () => {
    for (const bad of [
      'SimpleStrategy',
      'SimpleStrategy:0',
      'SimpleStrategy:1}; DROP KEYSPACE x',
      "NetworkTopologyStrategy:dc1'=3",
      'NetworkTopologyStrategy:',
      'LocalStrategy:1',
    ]) {
      expect(() => parseReplication(bad), bad).toThrow();
    }
  });
});
