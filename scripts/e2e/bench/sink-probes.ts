import { setTimeout as sleep } from 'node:timers/promises';
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import cassandra from 'cassandra-driver';
import pg from 'pg';
import { clickhouseClientOptions, sqlString } from '@retail-stream/runtime';
import {
  cassandraConnectionConfig,
  createCassandraClient,
  transactionById,
} from '@retail-stream/cassandra-sink';
import type { PipelineNames } from '../src/pipeline/pipeline-names.ts';
import type { ServiceEndpoints } from '../src/pipeline/pipeline-spec.ts';

/**
 * How the benchmark sees a sale arrive in each sink, from outside (no service is instrumented):
 * indexed point reads of a small sample of sales, one independent loop per sink, so a slow read of
 * one sink never delays when another is seen. The cost stays bounded whatever the rate: each poll
 * asks only about the sampled sales not yet seen.
 */

export type Sink = 'postgres' | 'clickhouse' | 'cassandra' | 'kpi';
export const SINKS: readonly Sink[] = ['postgres', 'clickhouse', 'cassandra', 'kpi'];
/** How often each sink is asked about its pending samples: the latencies' resolution. */
export const POLL_MS = 100;
const CASSANDRA_READS_IN_FLIGHT = 256;
/**
 * Cassandra is probed by point reads, one per sample: with thousands pending (a lagging sink) a
 * poll would add thousands of reads to the very database being measured, and take seconds. Each
 * poll asks only about the oldest pending samples of each store: a store's sales become visible
 * batch by batch in order (one Kafka partition per store), so a newer one is not visible while an
 * older one of an earlier batch is not. Within one batch the writes land in any order, so a sample
 * may be seen one poll later than it became visible.
 */
export const CASSANDRA_PROBES_PER_STORE = 20;

/** The first `n` samples of each store, in their order (pending samples are in commit order). */
export function oldestPerStore(samples: readonly Sample[], n: number): Sample[] {
  const taken = new Map<string, number>();
  return samples.filter((s) => {
    const k = taken.get(s.store) ?? 0;
    if (k >= n) return false;
    taken.set(s.store, k + 1);
    return true;
  });
}

export interface Sample {
  id: string;
  store: string;
  storeSeq: number;
  scheduledAt: number;
  committedAt: number;
  /** The store's n-th sale of the run: its D1_LOCAL KPI `orders` must reach n. */
  ordinal: number;
  seen: Partial<Record<Sink, number>>;
}

/** Where the sampled sale was on its way (hq_inbox, written by the Postgres sink; ms epoch). */
export interface Stages {
  rawAt: number | null;
  enrichedAt: number | null;
  receivedAt: number;
}

export class SinkProbes {
  private constructor(
    private readonly names: PipelineNames,
    private readonly hq: pg.Client,
    private readonly kpiHq: pg.Client,
    private readonly ch: ClickHouseClient,
    private readonly cass: cassandra.Client,
  ) {}

  static async connect(endpoints: ServiceEndpoints, names: PipelineNames): Promise<SinkProbes> {
    const hq = new pg.Client({ connectionString: endpoints.PG_URL, application_name: 'e2e-bench' });
    await hq.connect();
    // The KPI poller has a connection of its own, so it never queues behind the Postgres poller.
    const kpiHq = new pg.Client({ connectionString: endpoints.PG_URL, application_name: 'e2e-bench' });
    await kpiHq.connect();
    const ch = createClient({
      ...clickhouseClientOptions(endpoints.CLICKHOUSE_URL),
      database: names.clickhouseDatabase,
      // On a starved event loop (a loaded machine) an idle socket can outlive the server's
      // keep-alive; reusing it fails with ECONNRESET.
      keep_alive: { eagerly_destroy_stale_sockets: true },
    });
    const cass = createCassandraClient(
      cassandraConnectionConfig.parse({
        CASSANDRA_CONTACT_POINTS: endpoints.CASSANDRA_CONTACT_POINTS,
        CASSANDRA_LOCAL_DC: endpoints.CASSANDRA_LOCAL_DC,
      }),
    );
    return new SinkProbes(names, hq, kpiHq, ch, cass);
  }

  private readonly pollers: Record<Sink, (pending: Sample[]) => Promise<void>> = {
    postgres: async (pending) => {
      const { rows } = await this.hq.query<{ transaction_id: string }>(
        `SELECT transaction_id FROM "${this.names.pgSchema}".hq_transactions
          WHERE transaction_id = ANY($1) AND sale_event_id IS NOT NULL`,
        [pending.map((p) => p.id)],
      );
      const t = Date.now();
      const got = new Set(rows.map((r) => r.transaction_id));
      for (const p of pending) if (got.has(p.id)) p.seen.postgres ??= t;
    },
    clickhouse: async (pending) => {
      const stores = [...new Set(pending.map((p) => p.store))];
      const rs = await this.ch.query({
        query: `SELECT transaction_id FROM sales
                 WHERE store_id IN (${stores.map(sqlString).join(',')})
                   AND transaction_id IN (${pending.map((p) => sqlString(p.id)).join(',')})`,
        format: 'JSONEachRow',
      });
      const rows = await rs.json<{ transaction_id: string }>();
      const t = Date.now();
      const got = new Set(rows.map((r) => r.transaction_id));
      for (const p of pending) if (got.has(p.id)) p.seen.clickhouse ??= t;
    },
    cassandra: async (allPending) => {
      const pending = oldestPerStore(allPending, CASSANDRA_PROBES_PER_STORE);
      // Point reads (the table is partitioned by transaction), at most CASSANDRA_READS_IN_FLIGHT at
      // once: a backlog of thousands of unseen samples would otherwise exceed the driver's
      // in-flight limit per connection (2,048) and fail the whole poll.
      for (let i = 0; i < pending.length; i += CASSANDRA_READS_IN_FLIGHT) {
        await Promise.all(
          pending.slice(i, i + CASSANDRA_READS_IN_FLIGHT).map(async (p) => {
            const v = await transactionById(this.cass, this.names.cassandraKeyspace, p.id, p.store);
            if (v?.totalMinor !== null && v?.totalMinor !== undefined) p.seen.cassandra ??= Date.now();
          }),
        );
      }
    },
    kpi: async (pending) => {
      const orders = await this.kpiOrders();
      const t = Date.now();
      for (const p of pending) if ((orders.get(p.store) ?? 0) >= p.ordinal) p.seen.kpi ??= t;
    },
  };

  /**
   * D1_LOCAL orders per store (the KPI row a store manager's dashboard shows), summed over its days:
   * the run's schema is fresh, so that is every sale of the run, even across a local midnight.
   */
  async kpiOrders(client: pg.Client = this.kpiHq): Promise<Map<string, number>> {
    const { rows } = await client.query<{ scope: string; orders: string }>(
      `SELECT scope, sum(orders)::text AS orders FROM "${this.names.pgSchema}".kpi_windows
        WHERE window_size = 'D1_LOCAL' AND scope LIKE 'store:%' GROUP BY scope`,
    );
    return new Map(rows.map((r) => [r.scope.slice('store:'.length), Number(r.orders)]));
  }

  /** Failed polls per sink (retried at the next interval; a sample is then seen one poll later). */
  readonly pollErrors: Record<Sink, number> = { postgres: 0, clickhouse: 0, cassandra: 0, kpi: 0 };
  /**
   * How long each poll took, per sink: a sample becomes visible at most one poll plus POLL_MS before
   * it is seen, so this is the resolution of that sink's latencies (reported beside them).
   */
  readonly pollMs: Record<Sink, number[]> = { postgres: [], clickhouse: [], cassandra: [], kpi: [] };

  /** Polls every sink until `stop.now`: each loop asks only about the samples it has not seen. */
  async pollUntil(samples: Sample[], stop: { now: boolean }): Promise<void> {
    await Promise.all(
      SINKS.map(async (sink) => {
        while (!stop.now) {
          const pending = samples.filter((s) => s.seen[sink] === undefined);
          try {
            if (pending.length > 0) {
              const started = Date.now();
              await this.pollers[sink](pending);
              this.pollMs[sink].push(Date.now() - started);
            }
          } catch (err) {
            this.pollErrors[sink] += 1;
            if (this.pollErrors[sink] === 1)
              process.stderr.write(`${sink} poll failed (retrying): ${(err as Error).message}\n`);
          }
          await sleep(POLL_MS);
        }
      }),
    );
  }

  /** The stage timestamps of sampled sales, read once after a phase (so they cost the run nothing). */
  async stages(samples: readonly Sample[]): Promise<Map<Sample, Stages>> {
    const out = new Map<Sample, Stages>();
    for (let i = 0; i < samples.length; i += 1000) {
      const part = samples.slice(i, i + 1000);
      const { rows } = await this.hq.query<{
        store_id: string;
        store_seq: string;
        raw: number | null;
        enr: number | null;
        rec: number;
      }>(
        `SELECT i.store_id, i.store_seq::text,
                extract(epoch FROM i.raw_at) * 1000 AS raw, extract(epoch FROM i.enriched_at) * 1000 AS enr,
                extract(epoch FROM i.received_at) * 1000 AS rec
           FROM "${this.names.pgSchema}".hq_inbox i
           JOIN unnest($1::text[], $2::bigint[]) AS s(store_id, store_seq) USING (store_id, store_seq)`,
        [part.map((p) => p.store), part.map((p) => p.storeSeq)],
      );
      const by = new Map(rows.map((r) => [`${r.store_id}/${r.store_seq}`, r]));
      for (const p of part) {
        const r = by.get(`${p.store}/${p.storeSeq}`);
        if (r) out.set(p, { rawAt: r.raw, enrichedAt: r.enr, receivedAt: r.rec });
      }
    }
    return out;
  }

  /** Catch-up probes of one store: how far each sink has got with it. */
  async catchUp(
    store: string,
    lastSale: { id: string; ordinal: number },
  ): Promise<Record<Sink, boolean> & { inbox: number }> {
    const inbox = await this.hq.query<{ n: string }>(
      `SELECT count(*)::text AS n FROM "${this.names.pgSchema}".hq_inbox WHERE store_id = $1`,
      [store],
    );
    const pgSeen = await this.hq.query(
      `SELECT 1 FROM "${this.names.pgSchema}".hq_transactions WHERE transaction_id = $1 AND sale_event_id IS NOT NULL`,
      [lastSale.id],
    );
    const rs = await this.ch.query({
      query: `SELECT count() AS n FROM sales WHERE store_id = ${sqlString(store)} AND transaction_id = ${sqlString(lastSale.id)}`,
      format: 'JSONEachRow',
    });
    const [c] = await rs.json<{ n: string | number }>();
    const cass = await transactionById(this.cass, this.names.cassandraKeyspace, lastSale.id, store);
    const orders = (await this.kpiOrders(this.hq)).get(store) ?? 0;
    return {
      inbox: Number(inbox.rows[0]!.n),
      postgres: pgSeen.rowCount === 1,
      clickhouse: Number(c?.n ?? 0) > 0,
      cassandra: cass?.totalMinor !== null && cass?.totalMinor !== undefined,
      kpi: orders >= lastSale.ordinal,
    };
  }

  /** Sales of a store in ClickHouse (deduplicated) and Cassandra's per-day projection: the completeness check. */
  async salesCounts(store: string): Promise<{ clickhouse: number; cassandra: number }> {
    const rs = await this.ch.query({
      query: `SELECT count() AS n FROM sales FINAL WHERE store_id = ${sqlString(store)}`,
      format: 'JSONEachRow',
    });
    const [c] = await rs.json<{ n: string | number }>();
    // The store's partitions of yesterday, today and tomorrow (UTC): whatever its local day is.
    const days = [-1, 0, 1].map((d) =>
      cassandra.types.LocalDate.fromString(new Date(Date.now() + d * 86_400_000).toISOString().slice(0, 10)),
    );
    const cs = await this.cass.execute(
      `SELECT count(*) AS n FROM ${this.names.cassandraKeyspace}.sales_by_store_day WHERE store_id = ? AND day IN ?`,
      [store, days],
      { prepare: true },
    );
    return { clickhouse: Number(c?.n ?? 0), cassandra: Number(cs.rows[0]?.get('n') ?? 0) };
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.hq.end(), this.kpiHq.end(), this.ch.close(), this.cass.shutdown()]);
  }
}
