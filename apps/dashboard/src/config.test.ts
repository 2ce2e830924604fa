import { parseConfig } from '@retail-stream/runtime';
import { configError } from '@retail-stream/runtime/testing';
import { describe, expect, it } from 'vitest';
import { dashboardConfig, DEFAULT_CONSUMER_GROUPS } from './config.ts';

describe('dashboard config', () => {
  it("defaults: port 8088, reports API on 8090, no store edges, the services' consumer groups", () => {
    const c = parseConfig(dashboardConfig, { REPORTS_API_TOKEN: 'read-only-token' });
    expect(c).toMatchObject({
      DASHBOARD_PORT: 8088,
      REPORTS_API_URL: 'http://127.0.0.1:8090',
      STORE_EDGE_URLS: [],
      DLQ_TOPIC: 'retail.events.dlq',
      KPI_LATE_TOPIC: 'retail.kpi.late',
    });
    expect(c.DASHBOARD_CONSUMER_GROUPS).toEqual(DEFAULT_CONSUMER_GROUPS);
    expect(DEFAULT_CONSUMER_GROUPS).toContain('postgres-sink');
    expect(
      parseConfig(dashboardConfig, { REPORTS_API_TOKEN: 'read-only-token', DASHBOARD_CONSUMER_GROUPS: '*' })
        .DASHBOARD_CONSUMER_GROUPS,
    ).toBe('all');
  });

  it('parses store edges and consumer groups', () => {
    const c = parseConfig(dashboardConfig, {
      REPORTS_API_TOKEN: 'read-only-token',
      REPORTS_API_URL: 'http://reports.local:9000/',
      STORE_EDGE_URLS: 's001=http://127.0.0.1:9101, s002=http://127.0.0.1:9102/',
      DASHBOARD_CONSUMER_GROUPS: 'ingest,postgres-sink',
    });
    expect(c.REPORTS_API_URL).toBe('http://reports.local:9000');
    expect(c.STORE_EDGE_URLS).toEqual([
      { storeId: 's001', url: 'http://127.0.0.1:9101' },
      { storeId: 's002', url: 'http://127.0.0.1:9102' },
    ]);
    expect(c.DASHBOARD_CONSUMER_GROUPS).toEqual(['ingest', 'postgres-sink']);
  });

  it('lists every problem, and never echoes the token', () => {
    const err = configError(dashboardConfig, {
      REPORTS_API_TOKEN: 'short',
      STORE_EDGE_URLS: 's001:9101',
      DASHBOARD_PORT: '99999',
    });
    expect(err.problems.map((p) => p.split(':')[0])).toEqual([
      'DASHBOARD_PORT',
      'REPORTS_API_TOKEN',
      'STORE_EDGE_URLS',
    ]);
    expect(err.message).not.toContain('short');
  });
});
