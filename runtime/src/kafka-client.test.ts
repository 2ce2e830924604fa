import { logLevel } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { createKafka, kafkaLogLevelOf } from './kafka-client.ts';
import { createLogger } from './logger.ts';

describe('kafkaLogLevelOf', () => {
  it('keeps kafkajs levels', () => {
    expect(kafkaLogLevelOf(logLevel.ERROR, 'Connection error: ECONNREFUSED')).toBe('error');
    expect(kafkaLogLevelOf(logLevel.WARN, 'Response without match')).toBe('warn');
  });

  it('moves expected, handled noise to debug', () => {
    expect(
      kafkaLogLevelOf(
        logLevel.ERROR,
        'Failed to send messages: The producer attempted to update a transaction while another concurrent operation on the same transaction was ongoing',
      ),
    ).toBe('debug');
    expect(kafkaLogLevelOf(logLevel.WARN, 'KafkaJS v2.0.0 switched default partitioner. To retain…')).toBe(
      'debug',
    );
  });

  it('moves errors and warnings to debug while quiet, and keeps info and debug', () => {
    expect(kafkaLogLevelOf(logLevel.ERROR, 'Connection error: ECONNREFUSED', true)).toBe('debug');
    expect(kafkaLogLevelOf(logLevel.WARN, 'Response without match', true)).toBe('debug');
    expect(kafkaLogLevelOf(logLevel.INFO, 'Starting', true)).toBe('info');
    expect(kafkaLogLevelOf(logLevel.ERROR, 'Connection error: ECONNREFUSED', false)).toBe('error');
  });
});

describe('createKafka metrics', () => {
  it("counts the broker's CONCURRENT_TRANSACTIONS answers once each (the connection's line, not the producer's retry line)", async () => {
    const metrics = new Registry();
    const kafka = createKafka(
      {
        KAFKA_BROKERS: ['127.0.0.1:1'],
        KAFKA_CONNECTION_TIMEOUT_MS: 1_000,
        KAFKA_REQUEST_TIMEOUT_MS: 1_000,
      } as never,
      't',
      createLogger({ service: 't', level: 'silent' }),
      { metrics },
    );
    const answer = {
      error:
        'There is already an ongoing transaction for this producer (another concurrent operation on the same transaction)',
    };
    kafka.logger().namespace('Connection').error('Response AddPartitionsToTxn(key: 24, version: 1)', answer);
    kafka.logger().namespace('Connection').error('Response AddPartitionsToTxn(key: 24, version: 1)', answer);
    kafka.logger().namespace('Producer').error('Failed to send messages', answer);
    kafka
      .logger()
      .namespace('Connection')
      .error('Response Produce(key: 0, version: 7)', { error: 'unrelated' });
    const [m] = (await metrics.getMetricsAsJSON()).filter(
      (x) => x.name === 'retail_kafka_concurrent_transactions_total',
    );
    expect(m?.values[0]?.value).toBe(2);
  });
});
