import { Kafka } from 'kafkajs';
import {
  kafkajsFile as packageFile,
  kafkajsRequire as require,
  kafkajsVerified,
} from './kafkajs-internals.ts';

/*
 * kafkajs 2.2.4 groups a send's messages by partition with
 * `reduce((result, m) => Object.assign(result, { [p]: [...result[p], m] }))`: it copies the
 * partition's array once per message, so a send of n records to one partition costs n²/2 copies.
 * KPI windows sends thousands of state records per partition and transaction: 410 ms of a 6 s
 * busy profile, 8 ms with this (docs/BENCHMARKS.md, 2026-12-07). kafkajs captures the function when its producer modules load, so it cannot be
 * swapped in place: kafkaWithLinearGrouping loads a second copy of the four modules on the path
 * from the Kafka class to the grouping (everything else, errors included, stays shared).
 */

const kafkajsFile = (file: string): string => packageFile(`src/${file}`);

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
  kafkajsFile('producer/groupMessagesPerPartition.js'),
) as <M>(args: GroupArgs<M>) => Record<string, M[]>;

// The modules that capture the grouping, leaf first: sendMessages requires it, messageProducer
// requires sendMessages, the producer factory requires messageProducer, the Kafka class requires it.
const CAPTURING = [
  'producer/sendMessages.js',
  'producer/messageProducer.js',
  'producer/index.js',
  'index.js',
];

let linearKafka: typeof Kafka | undefined;

/**
 * kafkajs' Kafka class whose producers group linearly; kafkajs' own class on any other kafkajs
 * version than the one verified. Loaded once per process.
 */
export function kafkaWithLinearGrouping(): typeof Kafka {
  if (linearKafka) return linearKafka;
  if (!kafkajsVerified) return (linearKafka = Kafka);
  const groupPath = kafkajsFile('producer/groupMessagesPerPartition.js');
  const cached = CAPTURING.map((file) => [kafkajsFile(file), require.cache[kafkajsFile(file)]] as const);
  const groupModule = require.cache[groupPath]!;
  const original: unknown = groupModule.exports;
  groupModule.exports = groupMessagesPerPartition;
  try {
    for (const [file] of cached) delete require.cache[file];
    linearKafka = require(kafkajsFile('index.js')) as typeof Kafka;
  } finally {
    // Later plain `require('kafkajs')` users keep kafkajs' own modules, as loaded before.
    groupModule.exports = original;
    for (const [file, module] of cached) {
      if (module) require.cache[file] = module;
      else delete require.cache[file];
    }
  }
  return linearKafka;
}
