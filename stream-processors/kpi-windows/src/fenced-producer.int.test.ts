import { newKafkaClient } from '@retail-stream/runtime';
import { groupCaughtUp, metricValue, waitFor } from '@retail-stream/runtime/testing';
import { logLevel } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { BROKERS, converge, exactOf, useKpiTestBed, type InProcessKpi } from '../test/harness.ts';
import { storeEvents } from '../test/store-events.ts';

const kpi = useKpiTestBed();

const T0 = Date.parse('2026-03-11T03:00:00Z');

/** retail_kpi_restores_total: partition state restores from the changelog. */
async function restoresOf(svc: InProcessKpi): Promise<number> {
  return metricValue(await svc.metricsText(), 'retail_kpi_restores_total') ?? 0;
}

/**
 * Another producer initialising the partition's transactional id bumps its epoch (what a new owner
 * of the partition does), so the service's next transaction is refused.
 */
async function fence(groupId: string, input: string): Promise<void> {
  const fencer = newKafkaClient({
    clientId: 'kpi-fencer',
    brokers: BROKERS,
    logLevel: logLevel.NOTHING,
  }).producer({ transactionalId: `${groupId}.${input}.0`, idempotent: true, maxInFlightRequests: 1 });
  await fencer.connect();
  // kafkajs initialises the transactional id (InitProducerId) on the first transaction, not on connect.
  await (await fencer.transaction()).abort();
  await fencer.disconnect();
}

describe('kpi windows: a fenced transactional producer', () => {
  it('(f) the refused batch is applied again on restored state and committed once; windows equal the exact recomputation', async () => {
    // Every change published with its batch: no throttled update is left for a flush transaction,
    // so the first transaction after the fence is the batch's own.
    const { env, input, output } = await kpi.setup(1, { KPI_EMIT_INTERVAL_MS: '0' });
    const events = storeEvents('kf1', 1_001, T0, 1_500, 'Asia/Ho_Chi_Minh', 41);
    const collector = await kpi.collect(output, 'kpi-f');
    const writer = kpi.writerTo(input);
    const svc = await kpi.start(env);
    await writer.send(events.slice(0, 1_000));
    await waitFor(() => groupCaughtUp(BROKERS, env.KPI_GROUP_ID!, [input]), {
      what: 'the first 1,000 committed',
    });
    const restores = await restoresOf(svc);

    await fence(env.KPI_GROUP_ID!, input);
    // One record: one batch, whose transaction is refused; the runner retries it after a restore.
    await writer.send(events.slice(1_000));
    await converge(collector, exactOf(events), {
      timeoutMs: 40_000,
      what: 'windows to include the last record',
    });
    await waitFor(() => groupCaughtUp(BROKERS, env.KPI_GROUP_ID!, [input]), {
      what: 'the last record committed',
    });
    // The refused transaction really happened: the worker restored its state from the changelog.
    expect(await restoresOf(svc)).toBeGreaterThan(restores);
  });
});
