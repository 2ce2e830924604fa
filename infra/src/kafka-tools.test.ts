import { describe, expect, it } from 'vitest';
import { clientProperties, isKafkaTool } from './kafka-tools.ts';

describe('Kafka CLI client properties', () => {
  it('PLAINTEXT needs none', () => {
    expect(clientProperties({ KAFKA_BROKERS: '127.0.0.1:19092' })).toBeUndefined();
  });

  it('SCRAM over plaintext, with quotes and backslashes in the password escaped for JAAS', () => {
    const props = clientProperties({
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: 'admin',
      KAFKA_SASL_PASSWORD: 'p"w\\x',
    })!;
    expect(props.split('\n')).toEqual([
      'security.protocol=SASL_PLAINTEXT',
      'sasl.mechanism=SCRAM-SHA-512',
      'sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="p\\"w\\\\x";',
      '',
    ]);
  });

  it('SASL_SSL with the CA as a PEM truststore', () => {
    const props = clientProperties({
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: 'a',
      KAFKA_SASL_PASSWORD: 'b',
      KAFKA_SSL_CA_FILE: '/x/ca.pem',
    })!;
    expect(props).toContain('security.protocol=SASL_SSL\n');
    expect(props).toContain('ssl.truststore.type=PEM\nssl.truststore.location=/x/ca.pem\n');
  });

  it('knows the tools it can run', () => {
    expect(isKafkaTool('kafka-consumer-groups')).toBe(true);
    expect(isKafkaTool('rm')).toBe(false);
  });
});
