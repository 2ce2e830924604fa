import { logLevel } from 'kafkajs';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import {
  BROKERS,
  diffExact,
  exactOf,
  latestWindows,
  useKpiTestBed,
} from '../../../../stream-processors/kpi-windows/test/harness.ts';
import { storeEvents } from '../../../../stream-processors/kpi-windows/test/store-events.ts';
import { cliEnv, ENDPOINTS, runCli } from '../../test/cli-harness.ts';
import { newKafkaClient } from '@retail-stream/runtime';

const kpi = useKpiTestBed();
const T0 = Date.parse('2026-03-10T03:00:00Z');

/** retail recompute: the KPI windows' own exact recompute, with --dry-run and an audit row. */
describe('retail recompute', () => {
  const ops = new pg.Pool({ connectionString: ENDPOINTS.pgUrl, max: 1 });
  afterAll(() => ops.end());

  it('a dry run publishes nothing; the run republishes the exact windows of the range', async () => {
    const { env, input, output } = await kpi.setup(2);
    const events = storeEvents('rc1', 300, T0, 9_000, 'Asia/Ho_Chi_Minh', 51);
    await kpi.writerTo(input).send(events);
    const from = T0 + 30 * 60_000;
    const to = T0 + 60 * 60_000;
    const inRange = new Map(
      [...exactOf(events.filter((e) => e.occurred_at >= from))].filter(
        ([, w]) => w.start >= from && w.start < to,
      ),
    );
    const cli = cliEnv(env);
    // T0 is fixed, so earlier runs on the same database left rows with the same --from: only this
    // run's rows count.
    const auditBefore = await ops.query<{ id: string }>(
      'SELECT coalesce(max(id), 0)::text AS id FROM ops.audit_log',
    );
    const args = [
      'recompute',
      '--json',
      '--from',
      new Date(from).toISOString(),
      '--to',
      new Date(to).toISOString(),
    ];
    const kafka = newKafkaClient({
      clientId: 'cli-recompute-test',
      brokers: BROKERS,
      logLevel: logLevel.NOTHING,
    });
    const admin = kafka.admin();
    await admin.connect();
    const ends = async () => (await admin.fetchTopicOffsets(output)).map((o) => o.high).join(',');
    try {
      const before = await ends();
      const dry = await runCli([...args, '--dry-run', '--force'], cli);
      expect(dry.code).toBe(0);
      const d = dry.json<{ published: boolean; storeWindows: number; chainWindows: number }>();
      expect(d.published).toBe(false);
      expect(d.storeWindows + d.chainWindows).toBe(inRange.size);
      expect(await ends()).toBe(before);

      // Without --force, windows this recent are refused (they may still be in a running instance).
      const recent = await runCli(['recompute', '--from', '10m'], cli);
      expect(recent.code).toBe(64);
      expect(recent.stderr).toContain('BAD_ARGS');

      const run = await runCli([...args, '--force'], cli);
      expect(run.code).toBe(0);
      expect(run.json<{ published: boolean }>().published).toBe(true);
      const collector = await kpi.collect(output, 'cli-recompute');
      await collector.waitForCount(inRange.size);
      const { latest } = await latestWindows(collector.messages);
      expect(diffExact(latest, inRange)).toEqual([]);
    } finally {
      await admin.disconnect();
    }
    const audit = await ops.query<{ outcome: string }>(
      `SELECT outcome FROM ops.audit_log
        WHERE command = 'recompute' AND args->>'from' = $1 AND id > $2::bigint ORDER BY id`,
      [new Date(from).toISOString(), auditBefore.rows[0]!.id],
    );
    expect(audit.rows.map((r) => r.outcome)).toEqual(['dry-run', 'ok']);
  });
});
