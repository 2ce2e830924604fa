import { logLevel, type Consumer, type KafkaMessage } from 'kafkajs';
import type { AvroSerde } from '../avro-serde.ts';
import { deleteTestGroups } from './kafka-test-groups.ts';
import { uniqueName } from './unique-name.ts';
import { waitFor } from './wait-for.ts';
import { newKafkaClient } from '../kafka-security-config.ts';

/** One record as a test reads it back: headers as strings, the value still encoded. */
export interface Received {
  partition: number;
  offset: number;
  key: string;
  headers: Record<string, string>;
  value: Buffer;
}

export function toReceived(partition: number, m: KafkaMessage): Received {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(m.headers ?? {}))
    headers[k] = Buffer.isBuffer(v) ? v.toString() : String(v);
  return { partition, offset: Number(m.offset), key: m.key?.toString() ?? '', headers, value: m.value! };
}

/**
 * Reads a topic from the beginning, keeping every record (duplicates included) in partition order.
 * `clientId` also prefixes the consumer group, which is new per collector.
 */
export class TopicCollector {
  readonly messages: Received[] = [];
  private consumer: Consumer | undefined;
  private readonly groupId: string;

  constructor(
    readonly brokers: string[],
    readonly topic: string,
    readonly clientId: string,
  ) {
    this.groupId = uniqueName(this.clientId);
  }

  async start(): Promise<this> {
    const kafka = newKafkaClient({
      clientId: this.clientId,
      brokers: this.brokers,
      logLevel: logLevel.NOTHING,
    });
    this.consumer = kafka.consumer({ groupId: this.groupId, sessionTimeout: 10_000 });
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.topic, fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        this.messages.push(toReceived(partition, message));
      },
    });
    return this;
  }

  async waitForCount(n: number, timeoutMs = 30_000): Promise<void> {
    await waitFor(() => this.messages.length >= n, {
      timeoutMs,
      what: `${n} records on ${this.topic} (have ${this.messages.length})`,
    });
  }

  /** Records with this key (a store), in partition order. */
  of(key: string): Received[] {
    return this.messages.filter((m) => m.key === key);
  }

  async waitForKey(key: string, n: number, timeoutMs = 20_000): Promise<Received[]> {
    await waitFor(() => this.of(key).length >= n, {
      timeoutMs,
      what: `${n} records of ${key} on ${this.topic} (have ${this.of(key).length})`,
    });
    return this.of(key);
  }

  /** Waits until no new record arrived for quietMs (everything already written has been read). */
  async settled(quietMs = 1_000): Promise<void> {
    let count = -1;
    let since = Date.now();
    await waitFor(
      () => {
        if (this.messages.length !== count) {
          count = this.messages.length;
          since = Date.now();
        }
        return Date.now() - since >= quietMs;
      },
      { what: `${this.topic} to go quiet` },
    );
  }

  /** Leaves and deletes the collector's group (one per collector: it must not outlive the test). */
  async stop(): Promise<void> {
    if (!this.consumer) return;
    await this.consumer.disconnect();
    this.consumer = undefined;
    await deleteTestGroups(this.brokers, [this.groupId]);
  }
}

/** Every record's value, decoded through the registry (T: what the caller knows the topic holds). */
export async function decodeAll<T>(serde: AvroSerde, messages: readonly Received[]): Promise<T[]> {
  const out: T[] = [];
  for (const m of messages) out.push((await serde.decode<T>(m.value)).value);
  return out;
}
