import { createKafka, createLogger, parseConfig } from '@retail-stream/runtime';
import { describe, expect, it } from 'vitest';
import { diffExact, exactOf, latestWindows, serde, useKpiTestBed } from '../test/harness.ts';
import { storeEvents } from '../test/store-events.ts';
import { kpiConfig } from './config.ts';
import { runRecompute } from './recompute-command.ts';
import { kpiSchema } from './setup.ts';

const kpi = useKpiTestBed();

const T0 = Date.parse('2026-03-10T03:00:00Z');

describe('recompute command', () => {
  it('republishes the exact values of the windows in range with revisions above the current ones', async () => {
    const { env, input, output } = await kpi.setup(2);
    const events = [
      ...storeEvents('kr1', 400, T0, 9_000, 'Asia/Ho_Chi_Minh', 41),
      ...storeEvents('kr2', 400, T0, 9_000, 'Asia/Kolkata', 42),
    ];
    const writer = kpi.writerTo(input);
    await writer.send(events);
    const collector = await kpi.collect(output, 'kpi-r');

    const config = parseConfig(kpiConfig, env);
    const logger = createLogger({ service: 'kpi-recompute-test', level: 'warn' });
    const kafka = createKafka(config, 'kpi-recompute-test', logger);
    const schema = await kpiSchema(config, serde);
    const from = T0 + 30 * 60_000;
    const to = T0 + 60 * 60_000;
    const run = () =>
      runRecompute({
        config,
        args: { from, to, store: undefined, marginMs: 3_600_000, force: true },
        kafka,
        serde,
        kpiSchemaId: schema.id,
        kpiType: schema.type,
        logger,
      });
    // Windows starting in [from, to) only, recomputed from the events that fall in them.
    const inRange = new Map(
      [...exactOf(events.filter((e) => e.occurred_at >= from))].filter(
        ([, w]) => w.start >= from && w.start < to,
      ),
    );
    const first = await run();
    expect(first.storeWindows + first.chainWindows).toBe(inRange.size);
    await collector.waitForCount(inRange.size);
    let { latest } = await latestWindows(collector.messages);
    expect(diffExact(latest, inRange)).toEqual([]);
    expect([...latest.values()].every((w) => w.revision >= 1 && w.is_final)).toBe(true);

    await run();
    await collector.waitForCount(2 * inRange.size);
    const again = await latestWindows(collector.messages);
    latest = again.latest;
    expect(again.regressions).toEqual([]);
    expect(diffExact(latest, inRange)).toEqual([]);
    expect(latest.get(`store:kr1|M1|${from}`)!.revision).toBe(2);
  });
});
