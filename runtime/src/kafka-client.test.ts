import { logLevel } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { kafkaLogLevelOf } from './kafka-client.ts';

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
