import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { boolFromEnv, parseConfig } from '@retail-stream/runtime';
import { registryEnv } from './registry-choice.ts';

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
  /** SASL_SSL instead of SASL_PLAINTEXT on the client listener, with a CA and certificate made locally. */
  KAFKA_TLS: boolFromEnv.default(false),
  KAFKA_HEAP: z
    .string()
    .regex(/^\d+[mMgG]$/, 'like 512m or 1g')
    .default('512m'),
  SCHEMA_REGISTRY_PORT: port(18081),
  /** Which registry clients use; unset = the one `infra:up --registry` remembered (see registry-choice.ts). */
  SCHEMA_REGISTRY_IMPL: z.enum(['builtin', 'apicurio']).optional(),
  /** Apicurio Registry (optional, `infra:up --registry apicurio`): HTTP API and its management (health, metrics). */
  APICURIO_PORT: port(18085),
  APICURIO_MANAGEMENT_PORT: port(18086),
  /** Its database in the local Postgres (PG_PORT). */
  APICURIO_DATABASE: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,62}$/, 'lower-case letters, digits and _')
    .default('apicurio_registry'),
  APICURIO_HEAP: z
    .string()
    .regex(/^\d+[mMgG]$/, 'like 512m or 1g')
    .default('384m'),
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

/** Generated SCRAM passwords of the local stack, one per principal of kafka-principals.ts (0600, never committed). */
export const kafkaUsersFile = (cfg: InfraConfig) => path.join(cfg.RS_DATA_DIR, 'secrets', 'kafka-users.json');
/** The CA clients trust when the local broker runs with KAFKA_TLS=true. */
export const kafkaCaFile = (cfg: InfraConfig) => path.join(cfg.RS_DATA_DIR, 'secrets', 'kafka-tls', 'ca.pem');
/** Where a Kafka mode's data lives; its security.json says the storage was formatted with SASL. */
export const kafkaModeDir = (cfg: InfraConfig, mode: 'single' | 'cluster') =>
  path.join(cfg.RS_DATA_DIR, 'kafka', mode);

/**
 * The SASL settings (and CA) of a principal of the local Kafka, or nothing when the broker of the
 * configured mode was not set up with SASL (a data folder formatted before issue 13 still runs
 * PLAINTEXT until it is reset).
 */
export function kafkaPrincipalEnv(cfg: InfraConfig, principal: string): Record<string, string> {
  const mode = cfg.KAFKA_CLUSTER_SIZE === 3 ? 'cluster' : 'single';
  let marker: { tls?: boolean };
  let passwords: Record<string, string>;
  try {
    marker = JSON.parse(fs.readFileSync(path.join(kafkaModeDir(cfg, mode), 'security.json'), 'utf8')) as {
      tls?: boolean;
    };
    passwords = JSON.parse(fs.readFileSync(kafkaUsersFile(cfg), 'utf8')) as Record<string, string>;
  } catch {
    return {};
  }
  const password = passwords[principal];
  if (!password) throw new Error(`${kafkaUsersFile(cfg)} has no password for Kafka principal '${principal}'`);
  return {
    KAFKA_SASL_MECHANISM: 'scram-sha-512',
    KAFKA_SASL_USERNAME: principal,
    KAFKA_SASL_PASSWORD: password,
    ...(marker.tls ? { KAFKA_SSL_CA_FILE: kafkaCaFile(cfg) } : {}),
  };
}

/**
 * What applications and tests need to reach the stack: the env names every service's config reads.
 * Kafka as the admin principal when the stack runs with SASL: tests and tools set up topics and
 * groups of every role.
 */
export function clientEnv(cfg: InfraConfig): Record<string, string> {
  const brokers = Array.from(
    { length: cfg.KAFKA_CLUSTER_SIZE },
    (_, i) => `${HOST}:${kafkaNodePorts(cfg, i).broker}`,
  );
  return {
    KAFKA_BROKERS: brokers.join(','),
    ...kafkaPrincipalEnv(cfg, 'admin'),
    // The registry infra:up was told to use (builtin unless --registry apicurio), with its credentials.
    ...registryEnv(cfg),
    PG_URL: `postgres://${PG_USER}@${HOST}:${cfg.PG_PORT}/${PG_HQ_DATABASE}`,
    CLICKHOUSE_URL: `http://${HOST}:${cfg.CLICKHOUSE_HTTP_PORT}`,
    CASSANDRA_CONTACT_POINTS: `${HOST}:${cfg.CASSANDRA_PORT}`,
    CASSANDRA_LOCAL_DC: CASSANDRA_DC,
  };
}
