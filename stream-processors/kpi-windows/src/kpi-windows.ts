import { AvroSerde, type Logger, type RunningService } from '@retail-stream/runtime';
import type { Kafka } from 'kafkajs';
import type { Registry } from 'prom-client';
import { ChainStage } from './chain-stage.ts';
import type { KpiConfig } from './config.ts';
import { kpiMetrics } from './kpi-metrics.ts';
import { ensureKpiTopics, kpiSchema } from './setup.ts';
import { StoreStage } from './store-stage.ts';

/** Logger service, Kafka clientId and stage 1's default group id (stage 2: `kpi-windows-chain`). */
export const KPI_WINDOWS_NAME = 'kpi-windows';

export interface KpiWindowsDeps {
  config: KpiConfig;
  kafka: Kafka;
  logger: Logger;
  registry: Registry;
  onFatal: (err: unknown) => void;
}

export interface KpiWindows extends RunningService {
  /** True, or why not ready (for the readiness check's detail). */
  readiness(): true | string;
}

/**
 * Both stages as configured (KPI_STAGE), started: resolves once topics are checked, the schema id
 * is known and the consumers run. `stop` stops intake (the batch in flight finishes and commits);
 * `close` publishes what is due and closes the producers.
 */
export async function startKpiWindows(deps: KpiWindowsDeps): Promise<KpiWindows> {
  const { config } = deps;
  const serde = AvroSerde.fromConfig(config);
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
  const stop = async () => {
    await Promise.all([stores?.stop(), chain?.stop()]);
  };
  const close = async () => {
    await stores?.close();
    await chain?.close();
  };
  try {
    await stores?.start();
    await chain?.start();
  } catch (err) {
    await stop().catch(() => undefined);
    await close().catch(() => undefined);
    throw err;
  }
  const readiness = (): true | string => {
    if ((stores && !stores.isReady()) || (chain && !chain.isReady())) return 'joining consumer groups';
    return true;
  };
  return { readiness, isReady: () => readiness() === true, stop, close };
}
