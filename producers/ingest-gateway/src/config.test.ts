import { parseConfig } from '@retail-stream/runtime';
import { refusedSettings, TEST_SIGNING_MASTER_KEYS } from '@retail-stream/runtime/testing';
import { describe, expect, it } from 'vitest';
import { gatewayConfig } from './config.ts';

describe('gatewayConfig', () => {
  it('defaults: 1 MiB / 500 events, retail.pos.events, schema ingest_gateway', () => {
    const c = parseConfig(gatewayConfig, {
      PG_URL: 'postgres://retail@127.0.0.1:55432/retail_hq',
      SIGNING_MASTER_KEYS: TEST_SIGNING_MASTER_KEYS,
    });
    expect(c).toMatchObject({
      PORT: 8090,
      GATEWAY_TOPIC: 'retail.pos.events',
      GATEWAY_PG_SCHEMA: 'ingest_gateway',
      GATEWAY_MAX_BODY_BYTES: 1_048_576,
      GATEWAY_MAX_EVENTS: 500,
      GATEWAY_KEY_CACHE_TTL_MS: 30_000,
      GATEWAY_REGISTER_SCHEMAS: false,
      KAFKA_BROKERS: ['127.0.0.1:19092'],
    });
  });

  it('lists every problem at once', () => {
    const refused = refusedSettings(gatewayConfig, {
      PG_URL: 'mysql://x',
      GATEWAY_PG_SCHEMA: 'Bad-Name',
      GATEWAY_MAX_EVENTS: '0',
    });
    expect(refused).toEqual(['PG_URL', 'GATEWAY_PG_SCHEMA', 'SIGNING_MASTER_KEYS', 'GATEWAY_MAX_EVENTS']);
  });
});
