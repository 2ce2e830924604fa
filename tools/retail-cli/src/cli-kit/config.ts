import { cassandraConnectionConfig } from '@retail-stream/cassandra-sink';
import { clickhouseConfig } from '@retail-stream/clickhouse-sink';
import { databaseConfig } from '@retail-stream/postgres-sink';
import { kafkaConfig, logLevel, schemaRegistryConfig, storeZoneConfig } from '@retail-stream/runtime';
import { TOPICS } from '@retail-stream/schemas';
import { z } from 'zod';

/**
 * What the CLI reads from the environment: the same names (and defaults) as the services, built
 * from the services' own fragments so a name or default never drifts between a sink and the tool
 * that replays into it. Topic names are the schemas package's TOPICS (`ctx.topics`).
 */
export const cliConfig = kafkaConfig
  .extend(schemaRegistryConfig.shape)
  .extend(databaseConfig.shape)
  .extend(clickhouseConfig.shape)
  .extend(cassandraConnectionConfig.shape)
  .extend(storeZoneConfig.shape)
  .extend({
    /** The CLI's own pino logs (driver warnings) go to stderr; warn keeps a terminal quiet. */
    LOG_LEVEL: logLevel.default('warn'),
    /** Who the audit log names; default: the OS user. */
    RETAIL_ACTOR: z.string().min(1).max(200).optional(),
  });

export type CliConfig = z.infer<typeof cliConfig>;

export const CLI_TOPICS = TOPICS;

/** The process environment: read here only (config files may), then parsed once by the context. */
export function processEnv(): Record<string, string | undefined> {
  return process.env;
}
