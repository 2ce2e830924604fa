import { javaCompatiblePartitioner } from '../kafka-partitioner.ts';
import { logLevel, type Message, type Producer } from 'kafkajs';
import { sendInChunks } from './send-in-chunks.ts';
import { newKafkaClient } from '../kafka-security-config.ts';

/**
 * Feeds a test's input topics as the pipeline's own producers do: idempotent, one request in
 * flight, the default (murmur2) partitioner, every chunk acknowledged by all in-sync replicas.
 * Never creates topics: a typo'd topic fails instead of silently appearing.
 */
export class TestProducer {
  private constructor(private readonly producer: Producer) {}

  /**
   * `autoCreateTopics` is for a test that feeds a topic before the service that owns it has
   * created it (the broker's defaults then apply, as for any auto-created topic).
   */
  static async connect(
    brokers: string[],
    clientId = 'test-producer',
    opts: { autoCreateTopics?: boolean } = {},
  ): Promise<TestProducer> {
    const producer = newKafkaClient({ clientId, brokers, logLevel: logLevel.NOTHING }).producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: opts.autoCreateTopics ?? false,
      createPartitioner: javaCompatiblePartitioner,
    });
    await producer.connect();
    return new TestProducer(producer);
  }

  /** Sends in chunks of `chunkSize` (a produce request stays below the broker's 1 MiB default). */
  send(topic: string, messages: readonly Message[], chunkSize = 500): Promise<void> {
    return sendInChunks(this.producer, topic, messages, chunkSize);
  }

  close(): Promise<void> {
    return this.producer.disconnect();
  }
}
