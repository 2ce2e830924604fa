import crypto from 'node:crypto';

/** Names that never collide between test runs sharing one broker or database. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${crypto.randomBytes(3).toString('hex')}`;
}

/**
 * A unique name usable as a Postgres database or schema, ClickHouse database, Cassandra keyspace or
 * store id: lower-case letters, digits and underscores only.
 */
export function uniqueIdentifier(prefix: string): string {
  return uniqueName(prefix).replace(/-/g, '_');
}
