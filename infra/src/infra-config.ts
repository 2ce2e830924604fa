import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { parseConfig } from '@retail-stream/runtime';
import { registryClientEnv } from './registry-credentials.ts';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const port = (def: number) => z.coerce.number().int().min(1024).max(65535).default(def);

/**
 * Ports and sizes of the local stack. The same variable names are used by infra/docker-compose.yml
 * (checked by docker-compose.test.ts), so one .env drives both ways of running.
 * Defaults avoid the standard ports because a developer machine often runs its own Postgres/Kafka.
 */
export const infraConfigSchema = z.object({
  RS_DATA_DIR: z.string().default(path.join(repoRoot, '.data')),
  RS_CACHE_DIR: z.string().default(path.join(repoRoot, '.data', 'cache')),
  KAFKA_PORT: port(19092),
  KAFKA_CONTROLLER_PORT: port(19093),
  /** 1 = single KRaft node; 3 = three combined broker/controller nodes, RF 3, min.insync.replicas 2. */
  KAFKA_CLUSTER_SIZE: z.coerce
    .number()
    .int()
    .refine((n) => n === 1 || n === 3, 'must be 1 or 3')
    .default(1),
  KAFKA_HEAP: z
    .string()
    .regex(/^\d+[mMgG]$/, 'like 512m or 1g')
    .default('512m'),
  SCHEMA_REGISTRY_PORT: port(18081),
  PG_PORT: port(55432),
  CLICKHOUSE_HTTP_PORT: port(18123),
  CLICKHOUSE_TCP_PORT: port(19000),
  CASSANDRA_PORT: port(19042),
  CASSANDRA_STORAGE_PORT: port(17000),
  CASSANDRA_HEAP: z
    .string()
    .regex(/^\d+[mMgG]$/, 'like 512m or 1g')
    .default('1g'),
  INFRA_START_TIMEOUT_S: z.coerce.number().int().positive().default(240),
});

export type InfraConfig = z.infer<typeof infraConfigSchema>;

export function loadInfraConfig(env: NodeJS.ProcessEnv = process.env): InfraConfig {
  return parseConfig(infraConfigSchema, env);
}

export const HOST = '127.0.0.1';
export const CASSANDRA_DC = 'datacenter1';
export const PG_USER = 'retail';
export const PG_HQ_DATABASE = 'retail_hq';

/** Broker ports of node i (0-based): node 0 uses the configured ports, others step by 10. */
export function kafkaNodePorts(cfg: InfraConfig, node: number): { broker: number; controller: number } {
  return { broker: cfg.KAFKA_PORT + node * 10, controller: cfg.KAFKA_CONTROLLER_PORT + node * 10 };
}

/**
 * What applications and tests need to reach the stack: the env names every service's config reads.
 */
export function clientEnv(cfg: InfraConfig): Record<string, string> {
  const brokers = Array.from(
    { length: cfg.KAFKA_CLUSTER_SIZE },
    (_, i) => `${HOST}:${kafkaNodePorts(cfg, i).broker}`,
  );
  return {
    KAFKA_BROKERS: brokers.join(','),
    SCHEMA_REGISTRY_URL: `http://${HOST}:${cfg.SCHEMA_REGISTRY_PORT}`,
    PG_URL: `postgres://${PG_USER}@${HOST}:${cfg.PG_PORT}/${PG_HQ_DATABASE}`,
    CLICKHOUSE_URL: `http://${HOST}:${cfg.CLICKHOUSE_HTTP_PORT}`,
    CASSANDRA_CONTACT_POINTS: `${HOST}:${cfg.CASSANDRA_PORT}`,
    CASSANDRA_LOCAL_DC: CASSANDRA_DC,
  };
}
    // Only once infra:up generated them (<RS_DATA_DIR>/secrets/): an open registry needs none.
    ...registryClientEnv(cfg),
