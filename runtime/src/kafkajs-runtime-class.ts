import type { Kafka, ProducerConfig } from 'kafkajs';
import { LINEAR_GROUPING_SWAP } from './kafka-linear-grouping.ts';
import { javaCompatiblePartitioner } from './kafka-partitioner.ts';
import { REQUEST_FRAMING_SWAP } from './kafka-request-framing.ts';
import { kafkaWithSwappedModules } from './kafkajs-module-swap.ts';
import { installFastProduceEncoding } from './kafka-produce-encoding.ts';
import { installFastRecordDecoding } from './kafka-record-decoding.ts';

/**
 * kafkajs' Kafka class with the runtime's hot-path replacements: produce requests encoded in one
 * exact allocation, consumed records decoded without per-header copies, sends grouped by partition
 * in linear time, requests framed in one allocation (kafka-request-framing.ts), and keys hashed
 * without kafkajs' Long emulation (kafka-partitioner.ts: the default of every producer that does
 * not name its own). See docs/architecture.md, "Processors on the hot path". Both client factories
 * (createKafka, newKafkaClient) build from it, so every client in a process takes the same paths.
 */
export function runtimeKafkaClass(): typeof Kafka {
  if (runtimeKafka) return runtimeKafka;
  installFastProduceEncoding();
  installFastRecordDecoding();
  const Swapped = kafkaWithSwappedModules([LINEAR_GROUPING_SWAP, REQUEST_FRAMING_SWAP]);
  runtimeKafka = class RuntimeKafka extends Swapped {
    override producer(config: ProducerConfig = {}) {
      return super.producer(withProducerDefaults(config));
    }
  };
  return runtimeKafka;
}

let runtimeKafka: typeof Kafka | undefined;

/** A producer's config as the runtime's clients build it: the partitioner unless one is named. */
export function withProducerDefaults(config: ProducerConfig): ProducerConfig {
  return { createPartitioner: javaCompatiblePartitioner, ...config };
}
