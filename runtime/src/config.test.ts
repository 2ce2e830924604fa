import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseConfig, csv } from './config.ts';
import { ConfigError } from './errors.ts';
import { baseServiceConfig, kafkaConfig } from './service-config.ts';

const schema = baseServiceConfig
  .extend(kafkaConfig.shape)
  .extend({ BATCH_SIZE: z.coerce.number().int().positive() });

describe('parseConfig', () => {
  it('returns typed values with defaults applied', () => {
    const cfg = parseConfig(schema, { BATCH_SIZE: '500', KAFKA_BROKERS: 'a:1, b:2,' });
    expect(cfg.BATCH_SIZE).toBe(500);
    expect(cfg.KAFKA_BROKERS).toEqual(['a:1', 'b:2']);
    expect(cfg.LOG_LEVEL).toBe('info');
    expect(cfg.SHUTDOWN_TIMEOUT_S).toBe(30);
  });

  it('lists every problem at once, by variable name', () => {
    let caught: unknown;
    try {
      parseConfig(schema, { BATCH_SIZE: '-3', LOG_LEVEL: 'loud', OPS_PORT: 'abc' });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const problems = (caught as ConfigError).problems;
    expect(problems).toHaveLength(3);
    expect(problems.join('\n')).toMatch(/BATCH_SIZE/);
    expect(problems.join('\n')).toMatch(/LOG_LEVEL/);
    expect(problems.join('\n')).toMatch(/OPS_PORT/);
    expect((caught as ConfigError).code).toBe('CONFIG_INVALID');
    expect((caught as ConfigError).retriable).toBe(false);
  });

  it('treats empty strings as unset so defaults apply', () => {
    expect(parseConfig(schema, { BATCH_SIZE: '1', LOG_LEVEL: '' }).LOG_LEVEL).toBe('info');
  });

  it('rejects a list with no entries', () => {
    expect(() => parseConfig(z.object({ L: csv }), { L: ' , ' })).toThrow(/L: needs at least one entry/);
  });
});
