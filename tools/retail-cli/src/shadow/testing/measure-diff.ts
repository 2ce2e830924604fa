/**
 * Measures diff and promote --dry-run of an identical shadow of STORES x PER events per sink
 * (fills a live and a shadow store through the sinks' write paths, drops both after):
 *   npx tsx tools/retail-cli/src/shadow/testing/measure-diff.ts 10 1000
 */
import {
  cassandraConnectionConfig,
  createCassandraClient,
  migrate as migrateCassandra,
} from '@retail-stream/cassandra-sink';
import {
  clickhouseConfig,
  connectClickhouse,
  ensureDatabase,
  migrate as migrateClickhouse,
} from '@retail-stream/clickhouse-sink';
import { serviceEnv } from '@retail-stream/infra';
import { parseConfig, seededRandom } from '@retail-stream/runtime';
import { StoreEventFactory } from '@retail-stream/schemas/testing';
import pg from 'pg';
import { openShadow } from '../prepare.ts';
import { diffShadow, dropShadow, promoteShadow } from '../shadow-ops.ts';
import { enriched, writeCassandra, writeClickhouse, writePostgres } from './sink-writes.ts';

const base = serviceEnv();
const tag = `m${Date.now().toString(36)}`;
const env = {
  ...base,
  HQ_PG_SCHEMA: `${tag}_live`,
  CLICKHOUSE_DATABASE: `${tag}_live`,
  CASSANDRA_KEYSPACE: `${tag}_live`,
};
const STORES = Number(process.argv[2] ?? 10),
  PER = Number(process.argv[3] ?? 1000);
const events = Array.from({ length: STORES }, (_, i) =>
  new StoreEventFactory(`${tag}_s${i}`, seededRandom(i)).mixed(PER).map((e) => enriched(e)),
).flat();
const cfgCh = parseConfig(clickhouseConfig, env);
const admin = connectClickhouse(cfgCh, { database: 'default' });
await ensureDatabase(admin, env.CLICKHOUSE_DATABASE);
const liveCh = connectClickhouse(cfgCh);
await migrateClickhouse(liveCh);
const cassCfg = parseConfig(cassandraConnectionConfig, env);
const cass = createCassandraClient(cassCfg);
await migrateCassandra(cass, {
  keyspace: env.CASSANDRA_KEYSPACE,
  replication: cassCfg.CASSANDRA_REPLICATION,
});
const ctx = { env, actor: 'measure' };
const t0 = Date.now();
await writePostgres(base.PG_URL ?? 'postgres://retail@127.0.0.1:55432/retail_hq', env.HQ_PG_SCHEMA, events);
await writeClickhouse(liveCh, events);
for (let i = 0; i < events.length; i += 2000)
  await writeCassandra(cass, env.CASSANDRA_KEYSPACE, events.slice(i, i + 2000));
const pgE = await openShadow(ctx, 'postgres', tag, { resume: false });
const chE = await openShadow(ctx, 'clickhouse', tag, { resume: false });
const csE = await openShadow(ctx, 'cassandra', tag, { resume: false });
await writePostgres(base.PG_URL ?? 'postgres://retail@127.0.0.1:55432/retail_hq', pgE.HQ_PG_SCHEMA!, events);
const shCh = connectClickhouse(parseConfig(clickhouseConfig, { ...env, ...chE }));
await writeClickhouse(shCh, events);
for (let i = 0; i < events.length; i += 2000)
  await writeCassandra(cass, csE.CASSANDRA_KEYSPACE!, events.slice(i, i + 2000));
console.log(`filled ${events.length} events x2 in ${Date.now() - t0} ms`);
for (const sink of ['postgres', 'clickhouse', 'cassandra'] as const) {
  const t = Date.now();
  const d = await diffShadow(ctx, { name: tag, sinks: [sink] }, {});
  const t2 = Date.now();
  const p = await promoteShadow(ctx, { name: tag, sinks: [sink] }, {}, { dryRun: true, deleteExtra: false });
  console.log(
    sink,
    'diff ms',
    t2 - t,
    JSON.stringify(d.totals),
    'promote --dry-run ms',
    Date.now() - t2,
    p.promoted.reduce((s, x) => s + x.upserted, 0),
  );
}
await dropShadow(ctx, { name: tag }, { dryRun: false });
const pool = new pg.Pool({ connectionString: base.PG_URL ?? 'postgres://retail@127.0.0.1:55432/retail_hq' });
await pool.query(`DROP SCHEMA ${env.HQ_PG_SCHEMA} CASCADE`);
await pool.end();
await admin.command({ query: `DROP DATABASE ${env.CLICKHOUSE_DATABASE}` });
await cass.execute(`DROP KEYSPACE ${env.CASSANDRA_KEYSPACE}`);
await Promise.all([admin.close(), liveCh.close(), shCh.close(), cass.shutdown()]);
