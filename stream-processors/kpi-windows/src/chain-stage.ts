import { Partitioners, type Kafka, type Producer } from 'kafkajs';
import type avro from 'avsc';
import type { Registry } from 'prom-client';
import { ConsumerRunner, type AvroSerde, type Logger } from '@retail-stream/runtime';
import type { KpiWindowUpdated } from '@retail-stream/schemas';
import { ChainAggregator } from './chain-aggregator.ts';
import type { KpiConfig } from './config.ts';
import type { KpiMetrics } from './kpi-metrics.ts';
import { kpiKey, kpiRecord } from './kpi-record.ts';

export interface ChainStageDeps {
  config: KpiConfig;
  kafka: Kafka;
  serde: AvroSerde;
  kpiSchemaId: number;
  kpiType: avro.Type;
  logger: Logger;
  registry: Registry;
  metrics: KpiMetrics;
  onFatal: (err: unknown) => void;
}

/**
 * Stage 2: chain windows from the single-partition store-windows topic, so one instance (whoever
 * the group gives the partition) sees every store. It commits no offsets: on every start or
 * takeover it reads the compacted topic from the beginning and rebuilds. That is safe because it
 * keeps only the latest revision per store window and its output revision is the sum of those
 * revisions (same input prefix, same record); an idempotent producer is enough, no transactions.
 */
export class ChainStage {
  private aggregator: ChainAggregator;
  private readonly runner: ConsumerRunner;
  private producer: Producer | undefined;
  private timer: NodeJS.Timeout | undefined;
  private flushing = false;

  constructor(private readonly deps: ChainStageDeps) {
    const { config, kafka, logger, registry } = deps;
    this.aggregator = this.newAggregator();
    this.runner = new ConsumerRunner({
      kafka,
      groupId: config.KPI_CHAIN_GROUP_ID,
      topics: [config.KPI_STORE_WINDOWS_TOPIC],
      logger,
      metrics: registry,
      sessionTimeoutMs: config.KPI_SESSION_TIMEOUT_MS,
      fromBeginning: true,
      // Never committed: a new owner must rebuild from the start of the compacted topic.
      commitMode: 'by-handler',
      handle: async (batch) => {
        for (const m of batch.messages) {
          if (!m.value) continue;
          const rec = (await deps.serde.decode<KpiWindowUpdated>(m.value)).value;
          this.aggregator.apply(rec);
        }
      },
      onFatal: deps.onFatal,
      onGroupJoin: () => {
        // kafkajs re-reads from the (never committed) start after every join: rebuild from scratch.
        this.aggregator = this.newAggregator();
      },
    });
  }

  private newAggregator(): ChainAggregator {
    const c = this.deps.config;
    return new ChainAggregator({
      chainTimeZone: c.KPI_CHAIN_TIMEZONE,
      chainCurrency: c.KPI_CURRENCY,
      emitIntervalMs: c.KPI_EMIT_INTERVAL_MS,
      minuteRetentionMs: c.KPI_CHAIN_MINUTE_RETENTION_MS,
      retentionMs: c.KPI_CHAIN_RETENTION_MS,
    });
  }

  async start(): Promise<void> {
    this.producer = this.deps.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await this.producer.connect();
    await this.runner.start();
    this.timer = setInterval(() => void this.tick(), this.deps.config.KPI_FLUSH_TICK_MS);
  }

  private async tick(): Promise<void> {
    if (this.flushing || !this.producer) return;
    this.flushing = true;
    try {
      await this.publish();
    } catch (err) {
      this.deps.logger.warn({ err }, 'chain publish failed; retried next tick');
    } finally {
      this.flushing = false;
    }
  }

  private async publish(): Promise<void> {
    const { serde, kpiSchemaId, kpiType, config, metrics } = this.deps;
    const now = Date.now();
    const due = this.aggregator.due(now);
    if (due.length === 0) return;
    const messages = due.map((w) => {
      const isFinal = this.aggregator.isFinal(w);
      const rec = kpiRecord({
        storeId: null,
        w,
        m: w.m,
        currency: config.KPI_CURRENCY,
        revision: w.revision,
        isFinal,
        now,
      });
      metrics.updates.inc({ scope: 'chain', final: String(isFinal) });
      return {
        key: kpiKey(rec),
        value: serde.encodeWith(kpiSchemaId, kpiType, rec),
        headers: { event_type: 'KpiWindowUpdated' },
      };
    });
    try {
      await this.producer!.send({ topic: config.KPI_OUTPUT_TOPIC, messages, acks: -1 });
    } catch (err) {
      // Not sent: mark them pending again so the next tick retries.
      for (const w of due) {
        w.dirty = true;
        w.emittedRevision = -1;
      }
      throw err;
    }
  }

  isReady(): boolean {
    return this.runner.isReady();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.runner.stop();
  }

  async close(): Promise<void> {
    await this.publish().catch(() => undefined);
    await this.producer?.disconnect();
  }
}
