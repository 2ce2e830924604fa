import { AvroSerde, createKafka, parseConfig, type Logger } from '@retail-stream/runtime';
import { kpiConfig } from './config.ts';
import type { RecomputeArgs } from './recompute-args.ts';
import { runRecompute, type RecomputeSummary } from './recompute-command.ts';
import { kpiSchema } from './setup.ts';

/**
 * The exact recompute as one call, for tools other than this package's own command (the retail
 * CLI's `retail recompute`): reads the KPI service's settings from `env` (the same names the
 * service reads), then runs the same `runRecompute` as `npm run recompute`.
 */
export async function recomputeWindows(
  env: Record<string, string | undefined>,
  args: RecomputeArgs,
  logger: Logger,
  onRead?: (records: number) => void,
): Promise<RecomputeSummary> {
  const config = parseConfig(kpiConfig, env);
  const serde = AvroSerde.fromConfig(config);
  const schema = await kpiSchema(config, serde);
  return runRecompute({
    config,
    args,
    kafka: createKafka(config, 'retail-recompute', logger),
    serde,
    kpiSchemaId: schema.id,
    kpiType: schema.type,
    logger,
    onRead,
  });
}
