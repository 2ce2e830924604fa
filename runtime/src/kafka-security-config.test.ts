import { describe, expect, it } from 'vitest';
import { ConfigError } from './errors.ts';
import { kafkaSecurityFromEnv, kafkaSecurityOptions } from './kafka-security-config.ts';

describe('kafkaSecurityOptions', () => {
  it('is PLAINTEXT without settings', () => {
    expect(kafkaSecurityOptions(kafkaSecurityFromEnv({}))).toEqual({});
  });

  it('builds SCRAM credentials', () => {
    const cfg = kafkaSecurityFromEnv({
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: 'ingest',
      KAFKA_SASL_PASSWORD: 'pw',
      KAFKA_SSL: 'true',
    });
    expect(kafkaSecurityOptions(cfg)).toEqual({
      sasl: { mechanism: 'scram-sha-512', username: 'ingest', password: 'pw' },
      ssl: true,
    });
  });

  it('refuses half-given credentials instead of connecting unauthenticated', () => {
    const cfg = kafkaSecurityFromEnv({ KAFKA_SASL_USERNAME: 'ingest' });
    expect(() => kafkaSecurityOptions(cfg)).toThrow(ConfigError);
    expect(() => kafkaSecurityOptions(cfg)).toThrow(/KAFKA_SASL_MECHANISM.*\n.*KAFKA_SASL_PASSWORD/);
  });

  it('refuses an unknown mechanism and an unreadable CA file', () => {
    expect(() => kafkaSecurityFromEnv({ KAFKA_SASL_MECHANISM: 'gssapi' })).toThrow(ConfigError);
    expect(() =>
      kafkaSecurityOptions(kafkaSecurityFromEnv({ KAFKA_SSL_CA_FILE: '/nonexistent/ca.pem' })),
    ).toThrow(/KAFKA_SSL_CA_FILE: cannot read/);
  });
});
