import { createLogger, parseConfig } from '@retail-stream/runtime';
import { configError, refusedSettings, testRelaySigningKey } from '@retail-stream/runtime/testing';
import { describe, expect, it } from 'vitest';
import { relayConfig } from './config.ts';
import { HttpPublisher } from './http-publisher.ts';
import { createPublisher } from './publisher-factory.ts';

const minimal = {
  STORE_ID: 'hcm_001',
  PG_URL: 'postgres://retail@127.0.0.1:55432/retail_hq',
  RELAY_SIGNING_KEY: testRelaySigningKey('hcm_001'),
};

describe('relay config', () => {
  it('needs only the store and the database; the rest has production defaults', () => {
    const c = parseConfig(relayConfig, minimal);
    expect(c).toMatchObject({
      RELAY_SYNC_PROTOCOL: 'kafka',
      RELAY_TOPIC: 'retail.pos.events',
      RELAY_BATCH_SIZE: 2_000,
      RELAY_OFFLINE_AFTER_FAILURES: 3,
      RELAY_RETENTION_AGE_S: 604_800,
      RELAY_REGISTER_SCHEMAS: false,
      KAFKA_BROKERS: ['127.0.0.1:19092'],
    });
  });

  it('refuses to publish to Kafka without the store signing key, and never echoes a bad one', () => {
    const { RELAY_SIGNING_KEY: _key, ...unsigned } = minimal;
    expect(refusedSettings(relayConfig, unsigned)).toEqual(['RELAY_SIGNING_KEY']);
    const err = configError(relayConfig, { ...minimal, RELAY_SIGNING_KEY: 'v1:too-short-secret' });
    expect(err.problems.map((p) => p.split(':')[0])).toEqual(['RELAY_SIGNING_KEY']);
    expect(err.message).not.toContain('too-short-secret');
  });

  it('lists every problem at once', () => {
    const refused = refusedSettings(relayConfig, {
      STORE_ID: 'HCM-1',
      PG_URL: 'mysql://x',
      RELAY_SYNC_PROTOCOL: 'smoke-signals',
      RELAY_BATCH_SIZE: '0',
    });
    expect(refused).toEqual(
      expect.arrayContaining(['STORE_ID', 'PG_URL', 'RELAY_SYNC_PROTOCOL', 'RELAY_BATCH_SIZE']),
    );
  });

  it('RELAY_SYNC_PROTOCOL=http needs the gateway URL and a well-formed key (never echoed), and builds an HttpPublisher', () => {
    const err = configError(relayConfig, {
      ...minimal,
      RELAY_SYNC_PROTOCOL: 'http',
      RELAY_HTTP_API_KEY: 'not-a-key-secret',
    });
    expect(err.problems.map((p) => p.split(':')[0])).toEqual(['RELAY_HTTP_API_KEY', 'RELAY_HTTP_URL']);
    expect(err.message).not.toContain('not-a-key-secret');
    const c = parseConfig(relayConfig, {
      ...minimal,
      RELAY_SYNC_PROTOCOL: 'http',
      RELAY_HTTP_URL: 'https://ingest.hq.example',
      RELAY_HTTP_API_KEY: `rsk_0123456789abcdef.${'a'.repeat(43)}`,
    });
    const publisher = createPublisher(c, createLogger({ service: 't', level: 'silent' }));
    expect(publisher).toBeInstanceOf(HttpPublisher);
    expect(publisher.destination).toBe('http');
  });
});
