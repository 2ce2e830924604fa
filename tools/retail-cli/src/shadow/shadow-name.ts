import { ValidationError } from '@retail-stream/runtime';

export const SINKS = ['postgres', 'clickhouse', 'cassandra'] as const;
export type ShadowSink = (typeof SINKS)[number];

/**
 * A shadow NAME becomes part of a Postgres schema, a ClickHouse database and a Cassandra keyspace
 * name, which cannot be bind parameters: only names this pattern allows are ever spliced into
 * SQL/CQL. 40 characters keeps `shadow_<name>` inside Cassandra's 48-character keyspace limit.
 */
export const SHADOW_NAME = /^[a-z][a-z0-9_]{0,39}$/;

export const SHADOW_PREFIX = 'shadow_';

export function checkShadowName(name: string): string {
  if (!SHADOW_NAME.test(name)) {
    throw new ValidationError(
      'SHADOW_BAD_NAME',
      `invalid shadow name '${name}': a lower-case letter, then letters, digits or _ (at most 40)`,
      { name },
    );
  }
  return name;
}

/** The schema / database / keyspace holding the shadow: the same name in every store. */
export function shadowTarget(name: string): string {
  return `${SHADOW_PREFIX}${checkShadowName(name)}`;
}

export function isShadowSink(s: string): s is ShadowSink {
  return (SINKS as readonly string[]).includes(s);
}
