import type { Kafka } from 'kafkajs';
import { kafkaWithLinearGrouping } from './kafka-linear-grouping.ts';
import { installFastProduceEncoding } from './kafka-produce-encoding.ts';
import { installFastRecordDecoding } from './kafka-record-decoding.ts';

/**
 * kafkajs' Kafka class with the runtime's hot-path replacements: produce requests encoded in one
 * exact allocation, consumed records decoded without per-header copies, sends grouped by partition
 * in linear time (docs/architecture.md, "Processors on the hot path"). Both client factories
 * (createKafka, newKafkaClient) build from it, so every client in a process takes the same paths.
 */
export function runtimeKafkaClass(): typeof Kafka {
  installFastProduceEncoding();
  installFastRecordDecoding();
  return kafkaWithLinearGrouping();
}
