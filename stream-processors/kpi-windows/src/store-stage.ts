import type { KpiConfig } from './config.ts';
import { PartitionWorker, type WorkerTopics } from './partition-worker.ts';
import { Stage, type StageDeps } from './stage.ts';
import type { WindowPolicy } from './store-windows.ts';

export type StoreStageDeps = StageDeps;

export function policyOf(c: KpiConfig): WindowPolicy {
  return {
    allowedLatenessMs: c.KPI_ALLOWED_LATENESS_MS,
    emitIntervalMs: c.KPI_EMIT_INTERVAL_MS,
    evictGraceMs: c.KPI_EVICT_GRACE_MS,
    defaultTimeZone: c.STORE_DEFAULT_TIMEZONE,
    defaultCurrency: c.KPI_CURRENCY,
  };
}

export function topicsOf(c: KpiConfig): WorkerTopics {
  return {
    input: c.KPI_INPUT_TOPIC,
    output: c.KPI_OUTPUT_TOPIC,
    storeWindows: c.KPI_STORE_WINDOWS_TOPIC,
    changelog: c.KPI_CHANGELOG_TOPIC,
    late: c.KPI_LATE_TOPIC,
    dlq: c.KPI_DLQ_TOPIC,
  };
}

/**
 * Stage 1: per-store windows from the enriched topic. One PartitionWorker per assigned partition;
 * a worker is created (and restores) when its partition is assigned and closed when revoked, so
 * windows move with their partitions when instances come and go.
 */
export class StoreStage extends Stage {
  private readonly workers = new Map<number, PartitionWorker>();

  constructor(deps: StoreStageDeps) {
    const { config } = deps;
    super(deps, {
      groupId: config.KPI_GROUP_ID,
      topics: [config.KPI_INPUT_TOPIC],
      maxBytesPerPartition: config.KPI_MAX_BYTES_PER_PARTITION,
      partitionsConsumedConcurrently: config.KPI_PARTITIONS_CONCURRENTLY,
      handle: (batch) => this.worker(batch.partition).handleBatch(batch),
      onGroupJoin: (assignment) => this.reassign(assignment[config.KPI_INPUT_TOPIC] ?? []),
    });
  }

  private worker(partition: number): PartitionWorker {
    let w = this.workers.get(partition);
    if (!w) {
      const { config } = this.deps;
      w = new PartitionWorker(
        {
          kafka: this.deps.kafka,
          serde: this.deps.serde,
          kpiSchemaId: this.deps.kpiSchemaId,
          kpiType: this.deps.kpiType,
          topics: topicsOf(config),
          groupId: config.KPI_GROUP_ID,
          policy: policyOf(config),
          logger: this.deps.logger,
          metrics: this.deps.metrics,
          processor: 'kpi-windows',
        },
        partition,
      );
      this.workers.set(partition, w);
    }
    return w;
  }

  private reassign(partitions: number[]): void {
    const keep = new Set(partitions);
    for (const [p, w] of this.workers) {
      if (keep.has(p)) continue;
      this.workers.delete(p);
      void w.close();
    }
    this.deps.logger.info({ partitions }, 'kpi partitions assigned');
  }

  async start(): Promise<void> {
    await this.startRunning();
  }

  protected async flush(): Promise<void> {
    let open = 0;
    let wm = Number.NEGATIVE_INFINITY;
    for (const w of this.workers.values()) {
      await w
        .flush()
        .catch((err: unknown) =>
          this.deps.logger.warn(
            { err, partition: w.partition },
            'flush failed; state restored on the next batch',
          ),
        );
      open += w.openWindows();
      wm = Math.max(wm, w.maxWatermark());
    }
    this.deps.metrics.open.set(open);
    if (Number.isFinite(wm)) this.deps.metrics.watermarkLag.set(Math.max(0, (Date.now() - wm) / 1000));
  }

  /** Publishes due updates one last time, then lets go of the producers. */
  async close(): Promise<void> {
    for (const w of this.workers.values()) {
      await w.flush().catch(() => undefined);
      await w.close();
    }
    this.workers.clear();
  }
}
