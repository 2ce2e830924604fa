import { Kafka, logLevel as KafkaLogLevel, type LogEntry } from 'kafkajs';
import type { Logger } from './logger.ts';
import type { KafkaConfig } from './service-config.ts';

const levelMap: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [KafkaLogLevel.ERROR]: 'error',
  [KafkaLogLevel.WARN]: 'warn',
  [KafkaLogLevel.INFO]: 'info',
  [KafkaLogLevel.DEBUG]: 'debug',
};

/** kafkajs client whose own logs go through the service's pino logger (same JSON, same fields). */
export function createKafka(cfg: KafkaConfig, clientId: string, logger: Logger): Kafka {
  const kafkaLogger = logger.child({ component: 'kafkajs' });
  return new Kafka({
    clientId: cfg.KAFKA_CLIENT_ID ?? clientId,
    brokers: cfg.KAFKA_BROKERS,
    connectionTimeout: cfg.KAFKA_CONNECTION_TIMEOUT_MS,
    requestTimeout: cfg.KAFKA_REQUEST_TIMEOUT_MS,
    logLevel: KafkaLogLevel.WARN,
    logCreator:
      () =>
      ({ level, log }: LogEntry) => {
        const { message, ...extra } = log;
        kafkaLogger[levelMap[level] ?? 'info'](extra, message);
      },
  });
}
