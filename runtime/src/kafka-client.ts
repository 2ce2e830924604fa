import { type Kafka, logLevel as KafkaLogLevel, type ISocketFactory, type LogEntry } from 'kafkajs';
import type { Registry } from 'prom-client';
import type { Logger } from './logger.ts';
import { counter } from './metric-factory.ts';
import { effectiveKafkaSecurity, kafkaSecurityOptions } from './kafka-security-config.ts';
import { runtimeKafkaClass } from './kafkajs-runtime-class.ts';
import type { KafkaConfig } from './service-config.ts';

const levelMap: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [KafkaLogLevel.ERROR]: 'error',
  [KafkaLogLevel.WARN]: 'warn',
  [KafkaLogLevel.INFO]: 'info',
  [KafkaLogLevel.DEBUG]: 'debug',
};

/**
 * kafkajs logs these at error/warn although they are expected and handled: the broker answers
 * CONCURRENT_TRANSACTIONS while it still writes the previous transaction's markers (kafkajs retries
 * at once), and the partitioner notice is printed by every producer. They go to debug.
 */
const EXPECTED_NOISE = [
  'another concurrent operation on the same transaction',
  'switched default partitioner',
];

/** `quiet`: errors and warnings are expected right now (a link the caller cut on purpose). */
export function kafkaLogLevelOf(
  level: number,
  message: string,
  quiet = false,
): 'error' | 'warn' | 'info' | 'debug' {
  if (quiet && level <= KafkaLogLevel.WARN) return 'debug';
  if (EXPECTED_NOISE.some((text) => message.includes(text))) return 'debug';
  return levelMap[level] ?? 'info';
}

export interface CreateKafkaOptions {
  /** Connections through this factory (e.g. a link a simulator can cut); kafkajs' own by default. */
  socketFactory?: ISocketFactory;
  /** While true, kafkajs errors and warnings log at debug: the failures are intended. */
  quiet?: () => boolean;
  /**
   * Where to count the broker's CONCURRENT_TRANSACTIONS answers: each is a retry wait inside a
   * transactional send, invisible otherwise since its log line is demoted to debug.
   */
  metrics?: Registry;
}

const CONCURRENT_TRANSACTIONS = EXPECTED_NOISE[0]!;

/** kafkajs client whose own logs go through the service's pino logger (same JSON, same fields). */
export function createKafka(
  cfg: KafkaConfig,
  clientId: string,
  logger: Logger,
  opts: CreateKafkaOptions = {},
): Kafka {
  const kafkaLogger = logger.child({ component: 'kafkajs' });
  const concurrentTransactions = opts.metrics
    ? counter(
        opts.metrics,
        'retail_kafka_concurrent_transactions_total',
        "Broker answers CONCURRENT_TRANSACTIONS (the previous transaction's markers still being written), each a retry wait",
      )
    : undefined;
  // kafkajs with the runtime's produce encoding, record decoding and send grouping.
  const RuntimeKafka = runtimeKafkaClass();
  return new RuntimeKafka({
    clientId: cfg.KAFKA_CLIENT_ID ?? clientId,
    brokers: cfg.KAFKA_BROKERS,
    connectionTimeout: cfg.KAFKA_CONNECTION_TIMEOUT_MS,
    requestTimeout: cfg.KAFKA_REQUEST_TIMEOUT_MS,
    ...kafkaSecurityOptions(effectiveKafkaSecurity(cfg)),
    ...(opts.socketFactory ? { socketFactory: opts.socketFactory } : {}),
    logLevel: KafkaLogLevel.WARN,
    logCreator:
      () =>
      ({ namespace, level, log }: LogEntry) => {
        const { message, ...extra } = log;
        const quiet = opts.quiet?.() ?? false;
        const text = `${message} ${String(extra.error ?? '')}`;
        // The connection logs each answer once; the producer's retry line repeats it.
        if (concurrentTransactions && namespace === 'Connection' && text.includes(CONCURRENT_TRANSACTIONS))
          concurrentTransactions.inc();
        kafkaLogger[kafkaLogLevelOf(level, text, quiet)](extra, message);
      },
  });
}

/**
 * Retry settings for transactional producers (ingest, KPI windows). Right after a commit the
 * coordinator is still writing the transaction's markers, and the next transaction's first send
 * is answered CONCURRENT_TRANSACTIONS; kafkajs retries it after its cluster backoff, 300 ms doubling,
 * which stalls the partition's next batch (the Java client waits 20 ms for this answer). At a live
 * rate about 2-3 % of KPI transactions get this answer, so the first wait shows in the p99: 10 ms
 * rather than 25 took KPI windows' p99 from 236-251 ms to 223-231 ms and p50 from 72-88 to 65-69
 * in four alternated runs each (docs/BENCHMARKS.md, 2026-12-07). More, capped retries keep ~30 s of
 * patience (10 ms doubling to 5 s, 14 retries) for a real coordinator outage.
 */
export const TRANSACTIONAL_PRODUCER_RETRY = {
  initialRetryTime: 10,
  maxRetryTime: 5_000,
  retries: 14,
} as const;
