import crypto from 'node:crypto';
import { deleteTestGroups, uniqueName } from '@retail-stream/runtime/testing';
import { logLevel, type Consumer, type Producer } from 'kafkajs';
import { newKafkaClient } from '@retail-stream/runtime';

/**
 * Re-sends a fraction of a topic's records with the same key, value and headers, as a relay that
 * crashed after producing but before marking its outbox rows would. The choice is a hash of the
 * record's `event_id` header, so it is spread over stores; the first record read is always
 * copied too, so a run that reads anything has at least one duplicate to absorb whatever its
 * (random) event ids are. For the end-to-end test: the pipeline must absorb the copies
 * (guarantees 3 and 4).
 */
export class DuplicateInjector {
  private consumer: Consumer | undefined;
  private producer: Producer | undefined;
  private readonly groupId = uniqueName('e2e-duplicator');
  /** Records read from the topic (originals and our own copies). */
  read = 0;
  /** Copies produced. */
  injected = 0;
  private readonly ours = new Set<string>();

  constructor(
    private readonly brokers: string[],
    private readonly topic: string,
    /** 0..1; 0.01 = about 1% of records. */
    private readonly fraction: number,
  ) {}

  static chosen(eventId: string, fraction: number): boolean {
    const h = crypto.createHash('sha256').update(eventId).digest().readUInt32BE(0);
    return h / 0x1_0000_0000 < fraction;
  }

  async start(): Promise<this> {
    const kafka = newKafkaClient({
      clientId: 'e2e-duplicator',
      brokers: this.brokers,
      logLevel: logLevel.NOTHING,
    });
    this.producer = kafka.producer({ allowAutoTopicCreation: false });
    await this.producer.connect();
    this.consumer = kafka.consumer({ groupId: this.groupId, sessionTimeout: 10_000, maxWaitTimeInMs: 200 });
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.topic, fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        this.read += 1;
        const eventId = message.headers?.event_id?.toString();
        // Each event is copied once at most: the copy itself comes back through this consumer.
        if (!eventId || this.ours.has(eventId)) return;
        if (this.injected > 0 && !DuplicateInjector.chosen(eventId, this.fraction)) return;
        this.ours.add(eventId);
        await this.producer!.send({
          topic: this.topic,
          // The original's partition: a relay's resend lands where the first copy did.
          messages: [{ partition, key: message.key, value: message.value, headers: message.headers }],
        });
        this.injected += 1;
      },
    });
    return this;
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect().catch(() => undefined);
    await this.producer?.disconnect().catch(() => undefined);
    await deleteTestGroups(this.brokers, [this.groupId]);
  }
}
