import { parseConfig } from '@retail-stream/runtime';
import { configError, TEST_SIGNING_MASTER_KEYS } from '@retail-stream/runtime/testing';
import { describe, expect, it } from 'vitest';
import { ingestConfig } from './config.ts';

describe('ingest config', () => {
  it('has working defaults for every setting', () => {
    const c = parseConfig(ingestConfig, { SIGNING_MASTER_KEYS: TEST_SIGNING_MASTER_KEYS });
    expect(c).toMatchObject({
      INGEST_INPUT_TOPIC: 'retail.pos.events',
      INGEST_OUTPUT_TOPIC: 'retail.events.enriched',
      INGEST_DLQ_TOPIC: 'retail.events.dlq',
      INGEST_ALERTS_TOPIC: 'retail.ops.alerts',
      INGEST_STATE_TOPIC: 'retail.ingest.dedup-state',
      INGEST_REGISTER_SCHEMAS: false,
      INGEST_FAST_ENCODE: true,
      INGEST_MAX_REQUEST_BYTES: 900_000,
    });
  });

  it('refuses to start without signing master keys (deny by default)', () => {
    expect(configError(ingestConfig, {}).problems.join('\n')).toContain('SIGNING_MASTER_KEYS');
  });

  it('lists every invalid value at once', () => {
    const problems = configError(ingestConfig, {
      INGEST_DEDUP_WINDOW: '0',
      INGEST_REGISTER_SCHEMAS: 'maybe',
      INGEST_SESSION_TIMEOUT_MS: '10',
    }).problems.join('\n');
    for (const key of ['INGEST_DEDUP_WINDOW', 'INGEST_REGISTER_SCHEMAS', 'INGEST_SESSION_TIMEOUT_MS']) {
      expect(problems).toContain(key);
    }
  });
});
