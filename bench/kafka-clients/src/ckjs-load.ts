import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * @confluentinc/kafka-javascript (librdkafka under a KafkaJS-compatible API) is not a dependency of
 * the repo: its npm install downloads a prebuilt binary, which this machine and CI cannot fetch, so
 * it is built from source out of tree (bench/kafka-clients/README.md) and loaded from the folder
 * named by `--ckjs` or CKJS_PATH. Absent: its runs are skipped and the bench says why.
 *
 * Only the few calls the bench makes are typed here, as the package's own typings say them.
 */
export const CKJS_PATH_ENV = 'CKJS_PATH';

export interface CkjsMessage {
  key: Buffer | null;
  value: Buffer | null;
  offset: string;
}

export interface CkjsBatch {
  topic: string;
  partition: number;
  messages: CkjsMessage[];
  lastOffset(): string;
}

export interface CkjsTopicPartitionOffsets {
  topic: string;
  partitions: { partition: number; offset: string }[];
}

export interface CkjsProducer {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  send(record: { topic: string; messages: { key: Buffer; value: Buffer }[] }): Promise<unknown>;
  /** The producer itself, with a transaction begun (the library has no separate transaction type). */
  transaction(): Promise<CkjsProducer>;
  sendOffsets(arg: { consumer: CkjsConsumer; topics: CkjsTopicPartitionOffsets[] }): Promise<void>;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

export interface CkjsConsumer {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  subscribe(arg: { topics: string[] }): Promise<void>;
  run(arg: {
    eachBatchAutoResolve?: boolean;
    eachBatch: (payload: { batch: CkjsBatch; resolveOffset(offset: string): void }) => Promise<void>;
  }): Promise<void>;
}

export interface CkjsKafka {
  producer(config: object): CkjsProducer;
  consumer(config: object): CkjsConsumer;
}

export interface CkjsModule {
  KafkaJS: { Kafka: new (config: object) => CkjsKafka };
  /** librdkafka's build features (must include sasl_scram for the SASL stack). */
  features: string[];
  librdkafkaVersion: string;
}

/** The package folder to load, or undefined when none is given. */
export function ckjsPath(): string | undefined {
  const p = process.env[CKJS_PATH_ENV];
  return p ? path.resolve(p) : undefined;
}

/** Why the ckjs runs cannot happen, or undefined when the package folder looks loadable. */
export function ckjsUnavailable(): string | undefined {
  const p = ckjsPath();
  if (!p) return `no --ckjs <folder> or ${CKJS_PATH_ENV} given`;
  if (!existsSync(path.join(p, 'package.json'))) return `${p} holds no package.json`;
  return undefined;
}

/** Loads the CommonJS package (its native addon) from the given folder. */
export function loadCkjs(): CkjsModule {
  const p = ckjsPath();
  if (!p) throw new Error(ckjsUnavailable());
  return createRequire(import.meta.url)(p) as CkjsModule;
}
