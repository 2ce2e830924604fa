import { AvroSerde } from '@retail-stream/runtime';
import { registryConfigOf, uniqueName } from '@retail-stream/runtime/testing';
import type { Consumer } from 'kafkajs';
import { kafka } from './enriched-events.ts';
import { env, registryUrl } from './peer-env.ts';
import { summarize, type LatencySummary } from './latency-stats.ts';

/** The fields both jobs' outputs share (ours: KpiWindowUpdated Avro; Kafka Streams peer: JSON). */
interface WindowUpdate {
  scope: string;
  store_id: string | null;
  window_size: string;
  window_start: number;
  orders: number;
  refund_count: number;
  void_count: number;
  payments_attempted: number;
}

/**
 * End-to-end latency of a KPI job, the same way for both: every KPI event adds exactly one to one
 * of orders / refund_count / void_count / payments_attempted of its store's 1-minute window, so
 * when an update for (store, window) shows that sum at k, the first k KPI events sent for that
 * window are visible; each one's latency is the time we read that update minus its send time.
 * Reads the output topic read_committed (both jobs write it in transactions).
 */
export class WindowLatency {
  private readonly sent = new Map<string, number[]>();
  private readonly seen = new Map<string, number>();
  private samples: number[] = [];
  private measuring = false;
  /** Window updates read so far (any store, any window): the job is up once this moves. */
  updates = 0;
  private consumer: Consumer | undefined;

  constructor(
    private readonly outputTopic: string,
    private readonly format: 'avro' | 'json',
  ) {}

  /** For paceEnriched's onSent. Events sent before measure() still count toward k, not the samples. */
  readonly onSent = (storeId: string, m1Start: number, sentAt: number): void => {
    const key = `${storeId}|${m1Start}`;
    let times = this.sent.get(key);
    if (!times) this.sent.set(key, (times = []));
    times.push(this.measuring ? sentAt : -sentAt);
  };

  measure(): void {
    this.measuring = true;
  }

  async start(): Promise<void> {
    const serde = AvroSerde.fromConfig(registryConfigOf(registryUrl, env));
    this.consumer = kafka.consumer({ groupId: uniqueName('peers-latency'), maxWaitTimeInMs: 100 });
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.outputTopic, fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      eachMessage: async ({ message }) => {
        const readAt = Date.now();
        if (!message.value) return;
        const u = (
          this.format === 'avro'
            ? (await serde.decode(message.value)).value
            : JSON.parse(message.value.toString())
        ) as WindowUpdate;
        // Ours: scope `store:<id>` or `chain`; the peer has store windows only.
        this.updates++;
        if (u.scope === 'chain' || u.window_size !== 'M1' || !u.store_id) return;
        this.seenUpTo(`${u.store_id}|${Number(u.window_start)}`, this.kpiCount(u), readAt);
      },
    });
  }

  private kpiCount(u: WindowUpdate): number {
    return Number(u.orders) + Number(u.refund_count) + Number(u.void_count) + Number(u.payments_attempted);
  }

  private seenUpTo(key: string, count: number, readAt: number): void {
    const before = this.seen.get(key) ?? 0;
    if (count <= before) return;
    this.seen.set(key, count);
    const times = this.sent.get(key) ?? [];
    for (let k = before; k < Math.min(count, times.length); k++) {
      const t = times[k]!;
      if (t > 0) this.samples.push(readAt - t);
    }
  }

  /** KPI events sent while measuring whose window update has not been read yet. */
  unseen(): number {
    let n = 0;
    for (const [key, times] of this.sent) {
      const seen = this.seen.get(key) ?? 0;
      for (let k = seen; k < times.length; k++) if (times[k]! > 0) n++;
    }
    return n;
  }

  summary(): LatencySummary {
    return summarize(this.samples);
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
  }
}
