import { describe, expect, it } from 'vitest';
import { Kafka } from 'kafkajs';
import {
  groupMessagesPerPartition,
  kafkajsGroupMessagesPerPartition,
  kafkaWithLinearGrouping,
} from './kafka-linear-grouping.ts';
import { seededRandom } from './seeded-random.ts';

describe('groupMessagesPerPartition', () => {
  const partitionMetadata = [{ partitionId: 0 }, { partitionId: 1 }, { partitionId: 2 }];

  it("gives kafkajs' result for the same messages and partitioner", () => {
    const random = seededRandom(7);
    const messages = Array.from({ length: 500 }, (_, i) => ({ value: `m${i}`, p: Math.floor(random() * 3) }));
    const partitioner = ({ message }: { message: { p: number } }) => message.p;
    const args = { topic: 't', partitionMetadata, messages, partitioner };
    const ours = groupMessagesPerPartition(args);
    expect(ours).toEqual(kafkajsGroupMessagesPerPartition(args));
    // Each partition's messages stay in send order.
    expect(ours['1']!.map((m) => m.value)).toEqual(messages.filter((m) => m.p === 1).map((m) => m.value));
    expect(Object.keys(ours).sort()).toEqual(['0', '1', '2']);
  });

  it('gives nothing for a topic without partition metadata, as kafkajs', () => {
    const args = { topic: 't', partitionMetadata: [], messages: [{ p: 0 }], partitioner: () => 0 };
    expect(groupMessagesPerPartition(args)).toEqual({});
    expect(kafkajsGroupMessagesPerPartition(args)).toEqual({});
  });
});

describe('kafkaWithLinearGrouping', () => {
  it("is a second Kafka class, loaded once, and leaves kafkajs' own modules in place", () => {
    const LinearKafka = kafkaWithLinearGrouping();
    expect(LinearKafka).not.toBe(Kafka);
    expect(kafkaWithLinearGrouping()).toBe(LinearKafka);
    const client = new LinearKafka({ brokers: ['127.0.0.1:1'], clientId: 't' });
    expect(typeof client.producer().send).toBe('function');
  });
});
