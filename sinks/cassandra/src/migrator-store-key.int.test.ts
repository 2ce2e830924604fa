import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serviceEnv } from '@retail-stream/infra';
import { parseConfig } from '@retail-stream/runtime';
import type cassandra from 'cassandra-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueKeyspace } from '../test/harness.ts';
import { createCassandraClient } from './cassandra-client.ts';
import { cassandraConnectionConfig } from './config.ts';
import { MIGRATIONS_DIR } from './migration-files.ts';
import { migrate } from './migrator.ts';
import { transactionById, transactionsById } from './queries.ts';

/**
 * Migration 002/003 on a keyspace that holds data in the old transaction_by_id (keyed by
 * transaction id alone): every row moves to transaction_by_id_and_store under its store, each cell
 * with its write time (the sink's last-write-wins timestamp), and the old table is dropped.
 */
describe('cassandra migration 002: transaction_by_id → transaction_by_id_and_store (real Cassandra)', () => {
  const keyspace = uniqueKeyspace('csmigkey');
  const replication = { class: 'SimpleStrategy' as const, replicationFactor: 1 };
  let client: cassandra.Client;
  let onlyFirst: string;
  beforeAll(() => {
    client = createCassandraClient(parseConfig(cassandraConnectionConfig, serviceEnv()));
    onlyFirst = fs.mkdtempSync(path.join(os.tmpdir(), 'csmigkey-'));
    fs.copyFileSync(
      path.join(MIGRATIONS_DIR, '001_projections.cql'),
      path.join(onlyFirst, '001_projections.cql'),
    );
  });
  afterAll(async () => {
    fs.rmSync(onlyFirst, { recursive: true, force: true });
    await client.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`).catch(() => undefined);
    await client.shutdown();
  });

  const exec = (cql: string, params: unknown[]) =>
    client.execute(cql.replaceAll('ks.', `${keyspace}.`), params, { prepare: true });

  it('copies every row under its store with its write times, and drops the old table', async () => {
    expect((await migrate(client, { keyspace, replication, dir: onlyFirst })).applied).toEqual([1]);
    // What the previous sink wrote: a sale at store_seq 10, voided at 12, a payment at 11, a
    // refund at 13; and a payment-only row (its sale not seen yet) of another store.
    const lines = [
      {
        line_no: 1,
        sku: 'SKU-1',
        product_name: 'Tea',
        category: 'drinks',
        quantity: 2,
        unit_price_minor: 500n,
        discount_minor: 0n,
        tax_minor: 50n,
        line_total_minor: 1050n,
      },
    ];
    await exec(
      'UPDATE ks.transaction_by_id USING TIMESTAMP 10 SET store_id = ?, day = ?, occurred_at = ?, currency = ?, ' +
        "total_minor = ?, item_count = ?, lines = ?, status = 'PAID', sale_seq = 10, last_store_seq = 10 WHERE transaction_id = ?",
      ['store_a', '2026-12-01', new Date(1_764_600_000_000), 'VND', 1050n, 2, lines, 'tx-1'],
    );
    await exec(
      'UPDATE ks.transaction_by_id USING TIMESTAMP 11 SET store_id = ?, payments[?] = ?, last_store_seq = 11 WHERE transaction_id = ?',
      [
        'store_a',
        'pay-1',
        { method: 'CASH', amount_minor: 1050n, status: 'CAPTURED', store_seq: 11n },
        'tx-1',
      ],
    );
    await exec(
      "UPDATE ks.transaction_by_id USING TIMESTAMP 12 SET store_id = ?, status = 'VOIDED', voided_at = ?, void_reason = ?, last_store_seq = 12 WHERE transaction_id = ?",
      ['store_a', new Date(1_764_600_060_000), 'mistake', 'tx-1'],
    );
    await exec(
      'UPDATE ks.transaction_by_id USING TIMESTAMP 13 SET store_id = ?, refunds[?] = ?, last_store_seq = 13 WHERE transaction_id = ?',
      ['store_a', 'ref-1', 300n, 'tx-1'],
    );
    await exec(
      'UPDATE ks.transaction_by_id USING TIMESTAMP 5 SET store_id = ?, payments[?] = ?, last_store_seq = 5 WHERE transaction_id = ?',
      ['store_b', 'pay-2', { method: 'CARD', amount_minor: 700n, status: 'FAILED', store_seq: 5n }, 'tx-2'],
    );
    const old = (await exec('SELECT JSON * FROM ks.transaction_by_id', [])).rows.map(
      (r) => JSON.parse(r.get('[json]') as string) as Record<string, unknown>,
    );
    expect(old).toHaveLength(2);

    expect(await migrate(client, { keyspace, replication })).toEqual({
      applied: [2, 3],
      alreadyApplied: [1],
    });

    // Same rows, now keyed by (transaction_id, store_id).
    const copied = (await exec('SELECT JSON * FROM ks.transaction_by_id_and_store', [])).rows.map(
      (r) => JSON.parse(r.get('[json]') as string) as Record<string, unknown>,
    );
    const byId = (rows: Record<string, unknown>[]) =>
      [...rows].sort((x, y) => String(x.transaction_id).localeCompare(String(y.transaction_id)));
    expect(byId(copied)).toEqual(byId(old));
    const a = await transactionById(client, keyspace, 'tx-1', 'store_a');
    expect(a).toMatchObject({ status: 'VOIDED', totalMinor: 1050, refundedMinor: 300, lastStoreSeq: 13 });
    expect(a?.payments.map((p) => p.paymentId)).toEqual(['pay-1']);
    expect((await transactionsById(client, keyspace, 'tx-2')).map((t) => t.storeId)).toEqual(['store_b']);

    // Write times kept: the cells still carry their events' store_seq, so a replayed older event
    // (the sale at 10 again) cannot undo the void at 12, and a newer one still wins.
    const wt = (
      await exec(
        'SELECT WRITETIME(status) AS s, WRITETIME(total_minor) AS t, WRITETIME(last_store_seq) AS l ' +
          'FROM ks.transaction_by_id_and_store WHERE transaction_id = ? AND store_id = ?',
        ['tx-1', 'store_a'],
      )
    ).first();
    expect([wt.get('s'), wt.get('t'), wt.get('l')]).toEqual([12n, 10n, 13n]);
    await exec(
      "UPDATE ks.transaction_by_id_and_store USING TIMESTAMP 10 SET status = 'PAID' WHERE transaction_id = ? AND store_id = ?",
      ['tx-1', 'store_a'],
    );
    expect((await transactionById(client, keyspace, 'tx-1', 'store_a'))?.status).toBe('VOIDED');

    const tables = await exec('SELECT table_name FROM system_schema.tables WHERE keyspace_name = ?', [
      keyspace,
    ]);
    expect(tables.rows.map((r) => r.get('table_name') as string)).not.toContain('transaction_by_id');
    // Idempotent: nothing left to apply, the copy is not run again.
    expect(await migrate(client, { keyspace, replication })).toEqual({
      applied: [],
      alreadyApplied: [1, 2, 3],
    });
  });
});
