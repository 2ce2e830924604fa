import type { Kafka } from 'kafkajs';
import type avro from 'avsc';
import type { Registry } from 'prom-client';
import {
  ConsumerRunner,
  type AvroSerde,
  type ConsumerRunnerOptions,
  type Logger,
} from '@retail-stream/runtime';
import type { KpiConfig } from './config.ts';
import type { KpiMetrics } from './kpi-metrics.ts';

/** What each of the two stages (store windows, chain windows) is built from. */
export interface StageDeps {
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

/** A stage's own intake: its group, topics, handler and what it does on a rebalance. */
export type StageIntake = Omit<
  ConsumerRunnerOptions,
  'kafka' | 'logger' | 'metrics' | 'sessionTimeoutMs' | 'commitMode' | 'onFatal'
>;

/**
 * The shape both stages share: a consumer that commits only what the stage says it has (or never),
 * and a periodic flush that never overlaps itself (a slow flush skips ticks rather than piling up).
 */
export abstract class Stage {
  protected readonly runner: ConsumerRunner;
  private timer: NodeJS.Timeout | undefined;
  private flushing = false;

  constructor(
    protected readonly deps: StageDeps,
    intake: StageIntake,
  ) {
    const { config, kafka, logger, registry, onFatal } = deps;
    this.runner = new ConsumerRunner({
      kafka,
      logger,
      metrics: registry,
      sessionTimeoutMs: config.KPI_SESSION_TIMEOUT_MS,
      maxUnknownErrorRetries: config.MAX_UNKNOWN_ERROR_RETRIES,
      commitMode: 'by-handler',
      onFatal,
      ...intake,
    });
  }

  /** One flush: publish what is due. Errors are the stage's to log (the next tick retries). */
  protected abstract flush(): Promise<void>;

  /** Starts intake, then the flush ticks. */
  protected async startRunning(): Promise<void> {
    await this.runner.start();
    this.timer = setInterval(() => void this.tick(), this.deps.config.KPI_FLUSH_TICK_MS);
  }

  private async tick(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      await this.flush();
    } finally {
      this.flushing = false;
    }
  }

  isReady(): boolean {
    return this.runner.isReady();
  }

  /** Stop intake (the batch in flight finishes and commits) and the flush ticks. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.runner.stop();
  }
}
