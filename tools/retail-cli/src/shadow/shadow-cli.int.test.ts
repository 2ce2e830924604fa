import {
  cassandraConnectionConfig,
  createCassandraClient,
  migrate as migrateCassandra,
} from '@retail-stream/cassandra-sink';
import { migrate as migrateClickhouse } from '@retail-stream/clickhouse-sink';
import { parseConfig, seededRandom } from '@retail-stream/runtime';
import {
  Teardowns,
  testCassandraKeyspace,
  testClickHouseDatabase,
  uniqueIdentifier,
} from '@retail-stream/runtime/testing';
import type { SaleRecorded, StoreEvent } from '@retail-stream/schemas';
import { StoreEventFactory } from '@retail-stream/schemas/testing';
import type { ClickHouseClient } from '@clickhouse/client';
import type cassandra from 'cassandra-driver';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { usePgSinkFixture } from '../../../../sinks/postgres/test/fixture.ts';
import { enrich, kpiRecord, topicEnv } from '../../../../sinks/postgres/test/harness.ts';
import { cliEnv, ENDPOINTS, runCli } from '../../test/cli-harness.ts';
import type { DiffReport, PromoteReport } from './shadow-ops.ts';

/**
 * The whole shadow flow through the CLI, for each sink: `retail replay` fills live (a schema /
 * database / keyspace of this file) and `retail replay --shadow NAME` the shadow from the same
 * topics; one live row is damaged; `retail diff` names exactly that row and exits 2; `retail
 * promote` fixes it; `retail diff` is clean (exit 0); replaying into the same name again is
 * SHADOW_EXISTS with nothing changed; `retail drop` refuses without --yes off a terminal, then
 * drops. Every command leaves an audit row.
 */
describe('retail replay --shadow, diff, promote, drop', () => {
  const f = usePgSinkFixture({ topicPrefix: 'cli-shadow', eventPartitions: 2 });
  const teardowns = new Teardowns({ ignoreErrors: true });
  const name = uniqueIdentifier('cli').slice(0, 30);
  const ops = new pg.Pool({ connectionString: ENDPOINTS.pgUrl, max: 2 });
  let env: Record<string, string>;
  let ch: ClickHouseClient;
  let liveDb: string;
  let cass: cassandra.Client;
  let liveKs: string;
  let events: StoreEvent[];
  let sale: SaleRecorded;

  beforeAll(async () => {
    const chDb = teardowns.add(
      await testClickHouseDatabase(ENDPOINTS.clickhouseUrl, {
        prefix: 'clishadow',
        migrate: (c) => migrateClickhouse(c),
      }),
      (d) => d.drop(),
    );
    ch = chDb.client;
    liveDb = chDb.name;
    const cassCfg = parseConfig(cassandraConnectionConfig, ENDPOINTS.env);
    cass = teardowns.add(createCassandraClient(cassCfg), (c) => c.shutdown());
    liveKs = teardowns.add(
      await testCassandraKeyspace(cass, {
        prefix: 'clishadow',
        create: (k) => migrateCassandra(cass, { keyspace: k, replication: cassCfg.CASSANDRA_REPLICATION }),
      }),
      (k) => k.drop(),
    ).name;
    env = cliEnv({
      ...topicEnv(f.schema, f.topics),
      CLICKHOUSE_DATABASE: liveDb,
      CASSANDRA_KEYSPACE: liveKs,
    });
    teardowns.push(() => runCli(['drop', name, '--yes'], env));
    events = ['a', 'b'].flatMap((s, i) =>
      new StoreEventFactory(uniqueIdentifier(`cs${s}`), seededRandom(70 + i)).mixed(40).map((e) => enrich(e)),
    );
    sale = events.find((e): e is SaleRecorded => e.event_type === 'SaleRecorded')!;
    await f.producer.send(
      f.topics.events,
      events.map((e) => f.encoder.event(e)),
    );
    await f.producer.send(f.topics.kpi, [f.encoder.kpi(kpiRecord({ revision: 1 }))]);
  });

  afterAll(async () => {
    await teardowns.run();
    await ops.query(`DELETE FROM ops.replay_checkpoints WHERE command::text LIKE '%' || $1 || '%'`, [
      f.topics.events,
    ]);
    await ops.end();
  });

  const damage: Record<
    'postgres' | 'clickhouse' | 'cassandra',
    () => Promise<{ table: string; key: unknown }>
  > = {
    postgres: async () => {
      await f.pool.query(
        `UPDATE hq_transactions SET total_minor = total_minor + 1 WHERE transaction_id = $1`,
        [sale.transaction_id],
      );
      return {
        table: 'hq_transactions',
        key: { store_id: sale.store_id, transaction_id: sale.transaction_id },
      };
    },
    clickhouse: async () => {
      await ch.command({
        query: `INSERT INTO sale_lines SELECT * FROM sale_lines FINAL WHERE event_id = '${sale.event_id}' AND line_no = 1`,
      });
      // The copy above is identical (no difference); a changed copy inserted last wins in FINAL.
      await ch.command({
        query: `INSERT INTO sale_lines (event_id, line_no, store_id, store_seq, transaction_id, occurred_at_ms, sku, barcode, product_name, category, brand, product_known, quantity, unit_price_minor, discount_minor, tax_rate_bp, tax_minor, line_total_minor, currency, store_name, region)
          SELECT event_id, line_no, store_id, store_seq, transaction_id, occurred_at_ms, sku, barcode, product_name, category, brand, product_known, quantity + 1, unit_price_minor, discount_minor, tax_rate_bp, tax_minor, line_total_minor, currency, store_name, region
          FROM sale_lines FINAL WHERE event_id = '${sale.event_id}' AND line_no = 1`,
      });
      return { table: 'sale_lines', key: { store_id: sale.store_id, event_id: sale.event_id, line_no: 1 } };
    },
    cassandra: async () => {
      await cass.execute(
        `DELETE FROM ${liveKs}.inventory_by_store WHERE store_id = ? AND sku = ?`,
        [sale.store_id, sale.lines[0]!.sku],
        { prepare: true },
      );
      return { table: 'inventory_by_store', key: { store_id: sale.store_id, sku: sale.lines[0]!.sku } };
    },
  };

  for (const sink of ['postgres', 'clickhouse', 'cassandra'] as const) {
    it(`${sink}: replay live and shadow, diff names the damaged row, promote fixes it, diff is clean`, async () => {
      expect((await runCli(['replay', '--sink', sink, '--from', '1h', '--json'], env)).code).toBe(0);
      const shadowRun = await runCli(
        ['replay', '--sink', sink, '--from', '1h', '--shadow', name, '--json'],
        env,
      );
      expect(shadowRun.code, shadowRun.stderr).toBe(0);

      const clean = await runCli(['diff', name, '--sink', sink, '--json'], env);
      expect(clean.code, clean.stderr).toBe(0);
      expect(clean.json<DiffReport>().totals).toEqual({ missing: 0, extra: 0, different: 0 });

      const { table, key } = await damage[sink]();
      const found = await runCli(['diff', name, '--sink', sink, '--rows', '--json'], env);
      expect(found.code).toBe(2);
      const report = found.json<DiffReport>();
      const kind = sink === 'cassandra' ? 'missing' : 'different';
      expect(report.totals).toEqual({ missing: 0, extra: 0, different: 0, [kind]: 1 });
      expect(report.rows).toEqual([{ sink, table, store_id: sale.store_id, kind, key }]);
      const human = await runCli(['diff', name, '--sink', sink, '--rows'], env);
      expect(human.code).toBe(2);
      expect(human.stdout).toContain(table);
      expect(human.stdout).toContain(
        `total: ${kind === 'missing' ? 1 : 0} missing, 0 extra, ${kind === 'different' ? 1 : 0} different`,
      );

      const dry = await runCli(['promote', name, '--sink', sink, '--dry-run', '--json'], env);
      expect(dry.code).toBe(0);
      expect(dry.json<PromoteReport>().promoted.reduce((s, p) => s + p.upserted, 0)).toBe(1);
      expect((await runCli(['diff', name, '--sink', sink], env)).code).toBe(2);

      const promoted = await runCli(['promote', name, '--sink', sink, '--json'], env);
      expect(promoted.code, promoted.stderr).toBe(0);
      expect(promoted.json<PromoteReport>().remaining).toEqual({ missing: 0, extra: 0, different: 0 });
      // A row deleted by hand (a tombstone at the wall clock) can only be restored at the wall clock.
      const forced = promoted.json<PromoteReport>().promoted.find((p) => p.table === table)?.forced;
      expect(forced).toBe(sink === 'cassandra' ? 1 : undefined);
      const after = await runCli(['diff', name, '--sink', sink], env);
      expect(after.code).toBe(0);
      expect(after.stdout).toContain('no differences');

      // The same replay into the same name, not a resume: refused, nothing changed.
      const again = await runCli(['replay', '--sink', sink, '--from', '1h', '--shadow', name, '--json'], env);
      expect(again.json<{ error: { code: string } }>().error.code).toBe('SHADOW_EXISTS');
      expect(again.code).not.toBe(0);
      expect((await runCli(['diff', name, '--sink', sink], env)).code).toBe(0);
    });
  }

  it('drop refuses without --yes off a terminal, dry-runs, then drops; every command was audited', async () => {
    const refused = await runCli(['drop', name, '--json'], env);
    expect(refused.code).toBe(1);
    expect(refused.json<{ error: { code: string } }>().error.code).toBe('SHADOW_CONFIRM_REQUIRED');
    const dry = await runCli(['drop', name, '--dry-run'], env);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain(
      `would drop cassandra shadow_${name}, clickhouse shadow_${name}, postgres shadow_${name}`,
    );
    expect((await runCli(['diff', name], env)).code).toBe(0);
    const dropped = await runCli(['drop', name, '--yes', '--json'], env);
    expect(dropped.code).toBe(0);
    const unknown = await runCli(['diff', name, '--json'], env);
    expect(unknown.json<{ error: { code: string } }>().error.code).toBe('SHADOW_UNKNOWN');
    const bad = await runCli(['promote', 'No-Such!', '--json'], env);
    expect(bad.json<{ error: { code: string } }>().error.code).toBe('SHADOW_BAD_NAME');

    const audit = await ops.query<{ command: string; outcome: string }>(
      `SELECT command, outcome FROM ops.audit_log WHERE args->>'name' = $1 AND actor = 'retail-cli-test' ORDER BY id`,
      [name],
    );
    const outcomes = (cmd: string) => audit.rows.filter((r) => r.command === cmd).map((r) => r.outcome);
    expect(outcomes('promote')).toEqual(['dry-run', 'ok', 'dry-run', 'ok', 'dry-run', 'ok']);
    expect(outcomes('drop')).toEqual(['failed', 'dry-run', 'ok']);
    expect(outcomes('diff').length).toBe(6 * 3 + 2);
  });
});
