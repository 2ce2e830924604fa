import { describe, expect, it } from 'vitest';
import { Kafka } from 'kafkajs';
import { groupMessagesPerPartition, kafkajsGroupMessagesPerPartition } from './kafka-linear-grouping.ts';
import { kafkajsCreateRequest } from './kafka-request-framing.ts';
import { kafkajsFile, kafkajsRequire as require } from './kafkajs-internals.ts';
import { runtimeKafkaClass } from './kafkajs-runtime-class.ts';
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

describe('runtimeKafkaClass', () => {
  it("is a second Kafka class, loaded once, and leaves kafkajs' own modules in place", () => {
    const RuntimeKafka = runtimeKafkaClass();
    expect(RuntimeKafka).not.toBe(Kafka);
    expect(runtimeKafkaClass()).toBe(RuntimeKafka);
    const client = new RuntimeKafka({ brokers: ['127.0.0.1:1'], clientId: 't' });
    expect(typeof client.producer().send).toBe('function');
    // Plain kafkajs users still get kafkajs' own grouping and request framing.
    expect(require(kafkajsFile('src/producer/groupMessagesPerPartition.js'))).toBe(
      kafkajsGroupMessagesPerPartition,
    );
    expect(require(kafkajsFile('src/protocol/request.js'))).toBe(kafkajsCreateRequest);
  });
});
