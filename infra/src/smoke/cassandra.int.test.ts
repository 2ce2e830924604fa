import { Client, types } from 'cassandra-driver';
import { testCassandraKeyspace, type TestCassandraKeyspace } from '@retail-stream/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceEnv } from '../service-env.ts';

const env = serviceEnv();
const contactPoints = (env.CASSANDRA_CONTACT_POINTS ?? '').split(',').filter(Boolean);
const localDataCenter = env.CASSANDRA_LOCAL_DC ?? '';
// The driver parses host:port in contact points, but hosts it learns later (events, peers) get
// protocolOptions.port, which defaults to 9042 — a port this stack never uses.
const port = Number(contactPoints[0]?.split(':')[1]);
// Unique per run (the fixture names it): parallel or aborted runs never see each other's rows.
let fixture: TestCassandraKeyspace;
let keyspace = '';
let client: Client;

beforeAll(async () => {
  expect(contactPoints.length, 'serviceEnv().CASSANDRA_CONTACT_POINTS').toBeGreaterThan(0);
  expect(Number.isInteger(port) && port !== 9042, `a project port in ${contactPoints[0]}`).toBe(true);
  client = new Client({
    contactPoints,
    localDataCenter,
    protocolOptions: { port },
    socketOptions: { connectTimeout: 5_000, readTimeout: 20_000 },
  });
  await client.connect();
  fixture = await testCassandraKeyspace(client, { prefix: 'rs_smoke' });
  keyspace = fixture.name;
  await client.execute(
    `CREATE TABLE IF NOT EXISTS ${keyspace}.orders_by_store (
       store_id text, order_id text, status text, total_cents bigint, updated_at timestamp,
       PRIMARY KEY ((store_id), order_id))`,
  );
});

afterAll(async () => {
  await fixture?.drop();
  await client?.shutdown();
});

const prepared = { prepare: true } as const;

describe('local Cassandra', () => {
  it('is the project node: Cassandra 5.0, cluster retail-stream, the configured data center', async () => {
    const row = (
      await client.execute('SELECT release_version, cluster_name, data_center FROM system.local')
    ).first();
    expect(row['release_version']).toMatch(/^5\.0\./);
    expect(row['cluster_name']).toBe('retail-stream');
    expect(row['data_center']).toBe(localDataCenter);
  });

  it('writes rows with prepared statements and reads them back', async () => {
    const insert = `INSERT INTO ${keyspace}.orders_by_store (store_id, order_id, status, total_cents, updated_at) VALUES (?, ?, ?, ?, ?)`;
    const at = new Date('2025-03-01T10:15:30.123Z');
    const orders = [
      ['store-1', 'o-1', 'CREATED', types.Long.fromNumber(1999), at],
      ['store-1', 'o-2', 'PAID', types.Long.fromString('9007199254740993'), at], // beyond 2^53: must stay exact
      ['store-2', 'o-3', 'CREATED', types.Long.fromNumber(0), at],
    ] as const;
    for (const o of orders) await client.execute(insert, [...o], prepared);

    const rs = await client.execute(
      `SELECT order_id, status, total_cents, updated_at FROM ${keyspace}.orders_by_store WHERE store_id = ?`,
      ['store-1'],
      prepared,
    );
    expect(
      rs.rows.map((r) => ({
        order: r['order_id'],
        status: r['status'],
        cents: (r['total_cents'] as types.Long).toString(),
        at: (r['updated_at'] as Date).toISOString(),
      })),
    ).toEqual([
      { order: 'o-1', status: 'CREATED', cents: '1999', at: at.toISOString() },
      { order: 'o-2', status: 'PAID', cents: '9007199254740993', at: at.toISOString() },
    ]);
  });

  it('keeps the newest write: an older USING TIMESTAMP (late replay) neither overwrites nor deletes it', async () => {
    const upsert = `INSERT INTO ${keyspace}.orders_by_store (store_id, order_id, status, total_cents) VALUES (?, ?, ?, ?) USING TIMESTAMP ?`;
    const read = async () => {
      const row = (
        await client.execute(
          `SELECT status, total_cents, writetime(status) AS ts FROM ${keyspace}.orders_by_store WHERE store_id = ? AND order_id = ?`,
          ['store-9', 'o-9'],
          prepared,
        )
      ).first();
      return row && { status: row['status'], cents: row['total_cents'].toString(), ts: row['ts'].toString() };
    };
    const micros = (n: number) => types.Long.fromNumber(n);

    await client.execute(
      upsert,
      ['store-9', 'o-9', 'PAID', types.Long.fromNumber(2500), micros(2_000_000)],
      prepared,
    );
    // An event from before the payment arrives late (consumer replay, reordering): it must lose.
    await client.execute(
      upsert,
      ['store-9', 'o-9', 'CREATED', types.Long.fromNumber(100), micros(1_000_000)],
      prepared,
    );
    expect(await read()).toEqual({ status: 'PAID', cents: '2500', ts: '2000000' });

    // Replaying the very same write is a no-op.
    await client.execute(
      upsert,
      ['store-9', 'o-9', 'PAID', types.Long.fromNumber(2500), micros(2_000_000)],
      prepared,
    );
    expect(await read()).toEqual({ status: 'PAID', cents: '2500', ts: '2000000' });

    // A delete with an older timestamp does not remove the newer row either.
    await client.execute(
      `DELETE FROM ${keyspace}.orders_by_store USING TIMESTAMP ? WHERE store_id = ? AND order_id = ?`,
      [micros(1_500_000), 'store-9', 'o-9'],
      prepared,
    );
    expect(await read()).toEqual({ status: 'PAID', cents: '2500', ts: '2000000' });

    // A genuinely newer event wins.
    await client.execute(
      upsert,
      ['store-9', 'o-9', 'SHIPPED', types.Long.fromNumber(2500), micros(3_000_000)],
      prepared,
    );
    expect(await read()).toEqual({ status: 'SHIPPED', cents: '2500', ts: '3000000' });
  });
});
