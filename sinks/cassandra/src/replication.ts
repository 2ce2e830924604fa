/**
 * Keyspace replication from one setting. Parsed into a map we render ourselves, because keyspace
 * DDL cannot take bind markers and the value must never be pasted into CQL as given.
 */
export type Replication =
  | { class: 'SimpleStrategy'; replicationFactor: number }
  | { class: 'NetworkTopologyStrategy'; dataCenters: Record<string, number> };

const DC_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

export function parseReplication(text: string): Replication {
  const [cls, rest = ''] = text.split(':', 2).map((s) => s.trim()) as [string, string?];
  const factor = (s: string): number => {
    const n = Number(s);
    if (!Number.isInteger(n) || n < 1 || n > 9)
      throw new Error(`replication factor 1-9 expected, got "${s}"`);
    return n;
  };
  if (cls === 'SimpleStrategy') return { class: cls, replicationFactor: factor(rest) };
  if (cls === 'NetworkTopologyStrategy') {
    const dataCenters: Record<string, number> = {};
    for (const part of rest.split(',').filter((p) => p.trim() !== '')) {
      const [dc = '', rf = ''] = part.split('=').map((s) => s.trim());
      if (!DC_NAME.test(dc)) throw new Error(`bad data centre name "${dc}"`);
      dataCenters[dc] = factor(rf);
    }
    if (Object.keys(dataCenters).length === 0) throw new Error('NetworkTopologyStrategy needs dc=rf pairs');
    return { class: cls, dataCenters };
  }
  throw new Error('expected SimpleStrategy:<rf> or NetworkTopologyStrategy:<dc>=<rf>,…');
}

/** The CQL map literal for CREATE KEYSPACE … WITH replication = <this>. */
export function replicationCql(r: Replication): string {
  if (r.class === 'SimpleStrategy') {
    return `{'class': 'SimpleStrategy', 'replication_factor': ${r.replicationFactor}}`;
  }
  const dcs = Object.entries(r.dataCenters).map(([dc, rf]) => `'${dc}': ${rf}`);
  return `{'class': 'NetworkTopologyStrategy', ${dcs.join(', ')}}`;
}
