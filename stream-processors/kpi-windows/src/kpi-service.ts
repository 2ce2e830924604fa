import { AvroSerde, type Logger } from '@retail-stream/runtime';
import type { Kafka } from 'kafkajs';
import type { Registry } from 'prom-client';
import { ChainStage } from './chain-stage.ts';
import type { KpiConfig } from './config.ts';
import { kpiMetrics } from './kpi-metrics.ts';
import { ensureKpiTopics, kpiSchema } from './setup.ts';
import { StoreStage } from './store-stage.ts';

export interface KpiService {
  start(): Promise<void>;
  isReady(): boolean | string;
  /** Stop intake: the batch in flight finishes and commits. */
  stop(): Promise<void>;
  /** Publish what is due, close producers. */
  close(): Promise<void>;
}

/** Both stages as configured (KPI_STAGE), wired but not started. */
export async function createKpiService(deps: {
  config: KpiConfig;
  kafka: Kafka;
  logger: Logger;
  registry: Registry;
  onFatal: (err: unknown) => void;
}): Promise<KpiService> {
  const { config } = deps;
  const serde = AvroSerde.fromUrl(config.SCHEMA_REGISTRY_URL);
  await ensureKpiTopics(config, deps.kafka);
  const schema = await kpiSchema(config, serde);
  const stageDeps = {
    ...deps,
    serde,
    kpiSchemaId: schema.id,
    kpiType: schema.type,
    metrics: kpiMetrics(deps.registry),
  };
  const stores = config.KPI_STAGE !== 'chain' ? new StoreStage(stageDeps) : undefined;
  const chain = config.KPI_STAGE !== 'stores' ? new ChainStage(stageDeps) : undefined;
  return {
    async start() {
      await stores?.start();
      await chain?.start();
    },
    isReady() {
      if ((stores && !stores.isReady()) || (chain && !chain.isReady())) return 'joining consumer groups';
      return true;
    },
    async stop() {
      await Promise.all([stores?.stop(), chain?.stop()]);
    },
    async close() {
      await stores?.close();
      await chain?.close();
    },
  };
}
