import { ConfigError, createLogger, parseConfig } from '@retail-stream/runtime';
import { describe, expect, it } from 'vitest';
import { relayConfig } from './config.ts';
import { createPublisher } from './publisher-factory.ts';

const minimal = { STORE_ID: 'hcm_001', PG_URL: 'postgres://retail@127.0.0.1:55432/retail_hq' };

describe('relay config', () => {
  it('needs only the store and the database; the rest has production defaults', () => {
    const c = parseConfig(relayConfig, minimal);
    expect(c).toMatchObject({
      SYNC_PROTOCOL: 'kafka',
      RELAY_TOPIC: 'retail.pos.events',
      RELAY_BATCH_SIZE: 2_000,
      RELAY_OFFLINE_AFTER_FAILURES: 3,
      RELAY_RETENTION_AGE_S: 604_800,
      RELAY_REGISTER_SCHEMAS: false,
      KAFKA_BROKERS: ['127.0.0.1:19092'],
    });
  });

  it('lists every problem at once', () => {
    try {
      parseConfig(relayConfig, { STORE_ID: 'HCM-1', PG_URL: 'mysql://x', SYNC_PROTOCOL: 'smoke-signals', RELAY_BATCH_SIZE: '0' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).problems.map((p) => p.split(':')[0])).toEqual(
        expect.arrayContaining(['STORE_ID', 'PG_URL', 'SYNC_PROTOCOL', 'RELAY_BATCH_SIZE']),
      );
    }
  });

  it('SYNC_PROTOCOL=http is accepted by the schema but refused clearly until the gateway publisher exists', () => {
    const c = parseConfig(relayConfig, { ...minimal, SYNC_PROTOCOL: 'http' });
    expect(() => createPublisher(c, createLogger({ service: 't', level: 'silent' }))).toThrow(/not available yet/);
  });
});
