import { AvroSerde, createKafka, createLogger, loadConfigOrExit } from '@retail-stream/runtime';
import { kpiConfig } from './config.ts';
import { parseRecomputeArgs } from './recompute-args.ts';
import { runRecompute } from './recompute-command.ts';
import { kpiSchema } from './setup.ts';

/**
 * `npm run recompute -w @retail-stream/kpi-windows -- --from <iso> --to <iso> [--store s001]`:
 * republishes the exact values of the windows starting in the range (see README.md).
 */
const config = loadConfigOrExit(kpiConfig);
const logger = createLogger({ service: 'kpi-recompute', level: config.LOG_LEVEL });
try {
  const args = parseRecomputeArgs(process.argv.slice(2));
  const serde = AvroSerde.fromConfig(config);
  const schema = await kpiSchema(config, serde);
  const summary = await runRecompute({
    config,
    args,
    kafka: createKafka(config, 'kpi-recompute', logger),
    serde,
    kpiSchemaId: schema.id,
    kpiType: schema.type,
    logger,
  });
  process.stdout.write(`${JSON.stringify(summary)}\n`);
} catch (err) {
  logger.error({ err }, 'recompute failed');
  process.exitCode = 1;
}
