import { parseConfig } from '@retail-stream/runtime';
import { configError } from '@retail-stream/runtime/testing';
import { describe, expect, it } from 'vitest';
import { sinkConfig } from './config.ts';

describe('sinkConfig', () => {
  it('defaults: database retail, the catalogue topics, 20,000 rows or 1 s per flush', () => {
    const c = parseConfig(sinkConfig, {});
    expect(c).toMatchObject({
      CLICKHOUSE_DATABASE: 'retail',
      SINK_EVENTS_TOPIC: 'retail.events.enriched',
      SINK_KPI_TOPIC: 'retail.kpi.windows',
      SINK_DLQ_TOPIC: 'retail.events.dlq',
      SINK_MAX_BATCH_ROWS: 20_000,
      SINK_FLUSH_INTERVAL_MS: 200,
      SINK_MIGRATE: true,
    });
  });
  it('refuses a database name that could inject SQL, and lists every problem', () => {
    const err = configError(sinkConfig, { CLICKHOUSE_DATABASE: 'x; DROP', SINK_MAX_BATCH_ROWS: '0' });
    expect(err.problems.join('\n')).toMatch(/CLICKHOUSE_DATABASE[\s\S]*SINK_MAX_BATCH_ROWS/);
  });
});
