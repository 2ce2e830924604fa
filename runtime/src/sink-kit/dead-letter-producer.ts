import { javaCompatiblePartitioner } from '../kafka-partitioner.ts';
import { type Kafka, type Message, type Producer } from 'kafkajs';
import { TransientError } from '../errors.ts';

/**
 * The sink's one producer, for dead letters only: idempotent and acks from all in-sync replicas,
 * so a dead letter is durable before the offsets of its batch are committed. The original key
 * keeps its partition (default murmur2 partitioner, named to silence kafkajs).
 */
export class DeadLetterProducer {
  private constructor(
    private readonly producer: Producer,
    readonly topic: string,
  ) {}

  static async connect(kafka: Kafka, topic: string): Promise<DeadLetterProducer> {
    const producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: javaCompatiblePartitioner,
    });
    await producer.connect();
    return new DeadLetterProducer(producer, topic);
  }

  /** Resolves once the broker has them; a failure is retriable (the batch is retried, not committed). */
  async send(messages: Message[]): Promise<void> {
    try {
      await this.producer.send({ topic: this.topic, acks: -1, messages });
    } catch (err) {
      throw new TransientError('DLQ_SEND_FAILED', `dead letters: ${(err as Error).message}`, err);
    }
  }

  close(): Promise<void> {
    return this.producer.disconnect().catch(() => undefined);
  }
}
