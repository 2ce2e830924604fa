import { parseConfig } from '@retail-stream/runtime';
import { refusedSettings } from '@retail-stream/runtime/testing';
import { describe, expect, it } from 'vitest';
import { nationalSyncConfig } from './config.ts';

describe('nationalSyncConfig', () => {
  it('needs only the authority URL; the rest has working defaults', () => {
    const c = parseConfig(nationalSyncConfig, { NATIONAL_SYNC_BASE_URL: 'http://127.0.0.1:18190' });
    expect(c.NATIONAL_SYNC_PG_SCHEMA).toBe('national_sync');
    expect(c.SINK_EVENTS_TOPIC).toBe('retail.events.enriched');
    expect(c.SINK_GROUP_ID).toBe('national-pharmacy-sync');
    expect([c.NATIONAL_SYNC_SALE_CONCURRENCY, c.NATIONAL_SYNC_IMPORT_CONCURRENCY]).toEqual([32, 4]);
    expect(c.NATIONAL_SYNC_ACCOUNTS_FILE).toBeUndefined();
  });

  it('lists every bad setting at once', () => {
    expect(
      refusedSettings(nationalSyncConfig, {
        NATIONAL_SYNC_PG_SCHEMA: 'Sync; DROP',
        NATIONAL_SYNC_SALE_CONCURRENCY: '-1',
        NATIONAL_SYNC_RATE_PER_ACCOUNT: '0',
        NATIONAL_SYNC_MAX_ATTEMPTS: 'many',
      }),
    ).toEqual(
      expect.arrayContaining([
        'NATIONAL_SYNC_PG_SCHEMA',
        'NATIONAL_SYNC_BASE_URL',
        'NATIONAL_SYNC_SALE_CONCURRENCY',
        'NATIONAL_SYNC_RATE_PER_ACCOUNT',
        'NATIONAL_SYNC_MAX_ATTEMPTS',
      ]),
    );
  });
});
