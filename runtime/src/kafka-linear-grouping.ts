import { kafkajsSrcFile, kafkajsRequire as require } from './kafkajs-internals.ts';
import type { ModuleSwap } from './kafkajs-module-swap.ts';

/*
 * kafkajs 2.2.4 groups a send's messages by partition with
 * `reduce((result, m) => Object.assign(result, { [p]: [...result[p], m] }))`: it copies the
 * partition's array once per message, so a send of n records to one partition costs n²/2 copies.
 * KPI windows sends thousands of state records per partition and transaction: 410 ms of a 6 s
 * busy profile, 8 ms with this (docs/BENCHMARKS.md, 2026-12-07). Swapped in by
 * kafkajs-module-swap.ts (kafkajs captures the function when its producer modules load).
 */

interface GroupArgs<M> {
  topic: string;
  partitionMetadata: readonly unknown[];
  messages: readonly M[];
  partitioner: (args: { topic: string; partitionMetadata: readonly unknown[]; message: M }) => number;
}

/** kafkajs' groupMessagesPerPartition, same result (partition → messages in send order), linear. */
export function groupMessagesPerPartition<M>(args: GroupArgs<M>): Record<string, M[]> {
  const { topic, partitionMetadata, messages, partitioner } = args;
  const result: Record<string, M[]> = {};
  if (partitionMetadata.length === 0) return result;
  for (const message of messages) {
    const partition = partitioner({ topic, partitionMetadata, message });
    (result[partition] ??= []).push(message);
  }
  return result;
}

/** kafkajs' own groupMessagesPerPartition, for the equivalence test. */
export const kafkajsGroupMessagesPerPartition = require(
  kafkajsSrcFile('producer/groupMessagesPerPartition.js'),
) as <M>(args: GroupArgs<M>) => Record<string, M[]>;

/** The swap: sendMessages captures the grouping; the Kafka class reaches it through the producer. */
export const LINEAR_GROUPING_SWAP: ModuleSwap = {
  module: 'producer/groupMessagesPerPartition.js',
  replacement: groupMessagesPerPartition,
  // Leaf first: sendMessages requires the grouping, messageProducer requires sendMessages, the
  // producer factory requires messageProducer, the Kafka class requires it.
  capturing: ['producer/sendMessages.js', 'producer/messageProducer.js', 'producer/index.js'],
};
