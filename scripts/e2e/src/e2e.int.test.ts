import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { waitFor } from '@retail-stream/runtime/testing';
import { parseLedger } from '@retail-stream/store-simulator';
import { runCheck } from './checker/run-check.ts';
import { storeEdgeState } from './checker/sink-reads.ts';
import { DuplicateInjector } from './duplicate-injector.ts';
import { randomSuffix, startIsolated, teardownIsolated, type IsolatedRun } from './pipeline/isolated-run.ts';
import { localEndpoints } from './pipeline/local-endpoints.ts';
import { isClean, renderTable } from './reconcile.ts';

/**
 * The whole pipeline, real everything: 5 stores x 3 tills selling for 60 s, one store offline for
 * 20 s in the middle, about 1% of the raw records delivered twice (a relay resending after a
 * crash). After the pipeline drained, the checker must find every sale, void, refund, stock level,
 * sequence and daily KPI exactly once in every sink, and no dead letters.
 */

const endpoints = localEndpoints();

const STORES = 5;
const TERMINALS = 3;
const RATE = 8;
const DURATION_S = 60;

describe('end to end', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'retail-e2e-'));
  const ledger = path.join(dir, 'ledger.jsonl');
  const runSuffix = randomSuffix();
  let run: IsolatedRun | undefined;
  let duplicator: DuplicateInjector | undefined;

  afterAll(async () => {
    await duplicator?.stop();
    if (run) {
      const problems = await teardownIsolated(run, endpoints);
      if (problems.length > 0) console.warn(`teardown: ${problems.join('; ')}`);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  it(
    'every sink equals the ledger after an offline store and duplicate deliveries',
    async () => {
      const offlineStore = `e${runSuffix}s002`;
      run = await startIsolated({
        endpoints,
        runSuffix,
        stores: STORES,
        terminalsPerStore: TERMINALS,
        skus: 300,
        logLevel: 'warn',
        simulator: {
          rate: RATE,
          duration: DURATION_S,
          terminals: TERMINALS,
          offline: [`${offlineStore}@20s+20s`],
          ledger,
          seed: 4242,
          // Voids, refunds and failed payments happen because the run asks for them, not by chance.
          everyCase: true,
        },
      });
      expect(run.storeIds).toContain(offlineStore);
      duplicator = await new DuplicateInjector(
        endpoints.KAFKA_BROKERS.split(','),
        run.names.topics.pos,
        0.01,
      ).start();

      const sim = () => run!.supervisor.states().find((s) => s.name === 'simulator')!;
      // The outage must really happen: the offline store's outbox backs up while its link is cut.
      let offlineBacklog = 0;
      await waitFor(
        async () => {
          const edge = await storeEdgeState(endpoints.PG_URL, offlineStore, false);
          offlineBacklog = Math.max(offlineBacklog, edge.unpublished);
          return ['done', 'exited', 'stopped'].includes(sim().status);
        },
        {
          timeoutMs: (DURATION_S + 90) * 1000,
          intervalMs: 1_000,
          what: 'the simulator to finish',
        },
      );
      expect(offlineBacklog).toBeGreaterThan(20);
      expect(sim().exitCode, run.output.text()).toBe(0);
      // The duplicator has seen the offline store's backlog once the outboxes are empty and it read
      // as many records as it last saw; the checker's drain wait then covers its last copies.
      let lastRead = -1;
      await waitFor(
        () => {
          const settled = duplicator!.read === lastRead;
          lastRead = duplicator!.read;
          return settled && duplicator!.read > 0;
        },
        { timeoutMs: 120_000, intervalMs: 5_000, what: 'the duplicator to catch up' },
      );
      await duplicator.stop();

      const entries = parseLedger(fs.readFileSync(ledger, 'utf8'));
      const result = await runCheck({
        entries,
        runSuffix,
        waitSeconds: 150,
        expectDlq: 0,
        endpoints,
        log: (line) => console.log(line),
      });
      const table = renderTable(result.rows);
      console.log(
        `${table}\nduplicates injected: ${duplicator.injected} of ${duplicator.read} records read; offline store backlog peaked at ${offlineBacklog}`,
      );

      const sales = entries.filter((e) => e.kind === 'sale').length;
      // Every till sold (a floor that holds on a loaded machine; the rate is not what is tested).
      expect(sales).toBeGreaterThanOrEqual(STORES * TERMINALS);
      // On a miss, the simulator's own summary says why (its errors, medicine out of stock).
      const simSummary = run.output
        .text()
        .split('\n')
        .filter((l) => l.startsWith('simulator'))
        .slice(-8)
        .join('\n');
      for (const kind of ['void', 'refund'] as const) {
        const stores = new Set(entries.flatMap((e) => (e.kind === kind ? [e.store_id] : [])));
        expect(stores.size, `stores with a ${kind}: ${[...stores].join(', ')}\n${simSummary}`).toBe(STORES);
      }
      expect(duplicator.injected).toBeGreaterThan(0);
      expect(result.drained, result.pending).toBe(true);
      for (const row of result.rows) {
        expect({ check: row.check, missing: row.missing, duplicated: row.duplicated }, table).toEqual({
          check: row.check,
          missing: 0,
          duplicated: 0,
        });
      }
      expect(result.clean, table).toBe(true);
      const salesRow = result.rows.find((r) => r.check.startsWith('postgres hq_transactions (sale'))!;
      expect(salesRow.found).toBe(sales);

      // The checker itself must see damage: lose one sale and skew one stock level in HQ Postgres.
      const db = new pg.Client({ connectionString: endpoints.PG_URL });
      await db.connect();
      try {
        const schema = run.names.pgSchema;
        await db.query(
          `DELETE FROM "${schema}".hq_transactions WHERE transaction_id = (SELECT min(transaction_id) FROM "${schema}".hq_transactions)`,
        );
        await db.query(
          `UPDATE "${schema}".hq_inventory SET on_hand = on_hand + 1 WHERE (store_id, sku) = (SELECT store_id, min(sku) FROM "${schema}".hq_inventory GROUP BY store_id ORDER BY store_id LIMIT 1)`,
        );
      } finally {
        await db.end();
      }
      const damaged = await runCheck({ entries, runSuffix, waitSeconds: 0, expectDlq: 0, endpoints });
      const row = (prefix: string) => damaged.rows.find((r) => r.check.startsWith(prefix))!;
      expect(damaged.clean).toBe(false);
      expect(row('postgres hq_transactions (sale')).toMatchObject({ missing: 1, wrong: 0 });
      expect(row('postgres hq_inventory')).toMatchObject({ missing: 0, wrong: 1 });
      expect(damaged.rows.filter((r) => !isClean(r)).map((r) => r.check)).toEqual([
        'postgres hq_transactions (sale, total)',
        'postgres hq_transactions (void/refund)',
        'postgres hq_inventory = store stock',
      ]);
    },
    6 * 60_000,
  );
});
