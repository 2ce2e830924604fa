import { javaCompatiblePartitioner } from '@retail-stream/runtime';
import { type Producer } from 'kafkajs';
import type { KpiWindowUpdated } from '@retail-stream/schemas';
import { ChainAggregator } from './chain-aggregator.ts';
import { kpiKey, kpiRecord } from './kpi-record.ts';
import { Stage, type StageDeps } from './stage.ts';

export type ChainStageDeps = StageDeps;

/**
 * Stage 2: chain windows from the single-partition store-windows topic, so one instance (whoever
 * the group gives the partition) sees every store. It commits no offsets: on every start or
 * takeover it reads the compacted topic from the beginning and rebuilds. That is safe because it
 * keeps only the latest revision per store window and its output revision is the sum of those
 * revisions (same input prefix, same record); an idempotent producer is enough, no transactions.
 */
export class ChainStage extends Stage {
  private aggregator: ChainAggregator;
  private producer: Producer | undefined;

  constructor(deps: ChainStageDeps) {
    const { config } = deps;
    super(deps, {
      groupId: config.KPI_CHAIN_GROUP_ID,
      topics: [config.KPI_STORE_WINDOWS_TOPIC],
      fromBeginning: true,
      // The handler commits nothing: a new owner must rebuild from the start of the compacted topic.
      handle: async (batch) => {
        for (const m of batch.messages) {
          if (!m.value) continue;
          const rec = (await deps.serde.decode<KpiWindowUpdated>(m.value)).value;
          this.aggregator.apply(rec);
        }
      },
      onGroupJoin: () => {
        // kafkajs re-reads from the (never committed) start after every join: rebuild from scratch.
        this.aggregator = this.newAggregator();
      },
    });
    this.aggregator = this.newAggregator();
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
      createPartitioner: javaCompatiblePartitioner,
    });
    await this.producer.connect();
    await this.startRunning();
  }

  protected async flush(): Promise<void> {
    if (!this.producer) return;
    try {
      await this.publish();
    } catch (err) {
      this.deps.logger.warn({ err }, 'chain publish failed; retried next tick');
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

  async close(): Promise<void> {
    await this.publish().catch(() => undefined);
    await this.producer?.disconnect();
  }
}
