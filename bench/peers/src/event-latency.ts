import { uniqueName } from '@retail-stream/runtime/testing';
import type { Consumer } from 'kafkajs';
import { kafka } from './enriched-events.ts';
import { summarize, type LatencySummary } from './latency-stats.ts';

/**
 * Outbox commit → Kafka record readable, per event id, the same for both publishers: the id comes
 * from a header (the relay's `event_id`; the event router's `id`). The reader starts at the end of
 * the topic and reads read_committed.
 */
export class EventLatency {
  private readonly committedAt = new Map<string, number>();
  private readonly readEarly = new Map<string, number>();
  private readonly samples: number[] = [];
  private consumer: Consumer | undefined;

  constructor(
    private readonly topic: string,
    private readonly idHeader: string,
  ) {}

  readonly onCommitted = (eventId: string, at: number): void => {
    const read = this.readEarly.get(eventId);
    if (read === undefined) this.committedAt.set(eventId, at);
    else {
      // Read before our INSERT call returned: the commit was no later than the read.
      this.readEarly.delete(eventId);
      this.samples.push(Math.max(0, read - at));
    }
  };

  async start(): Promise<void> {
    this.consumer = kafka.consumer({ groupId: uniqueName('peers-outbox-lat'), maxWaitTimeInMs: 100 });
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.topic, fromBeginning: false });
    let joined!: () => void;
    const ready = new Promise<void>((r) => (joined = r));
    this.consumer.on(this.consumer.events.GROUP_JOIN, () => joined());
    await this.consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const readAt = Date.now();
        for (const m of batch.messages) {
          const id = m.headers?.[this.idHeader]?.toString();
          if (!id) continue;
          const at = this.committedAt.get(id);
          if (at === undefined) this.readEarly.set(id, readAt);
          else {
            this.committedAt.delete(id);
            this.samples.push(readAt - at);
          }
        }
      },
    });
    await ready;
  }

  /** Events committed but not read yet. */
  pending(): number {
    return this.committedAt.size;
  }

  summary(): LatencySummary {
    return summarize(this.samples);
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
  }
}
