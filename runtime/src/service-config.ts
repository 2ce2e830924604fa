import { z } from 'zod';
import { csv, logLevel } from './config.ts';
import { kafkaSecurityConfig } from './kafka-security-config.ts';
import { otelConfig } from './tracing/otel-config.ts';

/**
 * Settings every long-running service shares. Services extend this with their own keys and parse
 * the merged schema once in main.ts.
 */
export const baseServiceConfig = z.object({
  LOG_LEVEL: logLevel,
  /** Port for /metrics, /healthz and /readyz (HTTP services serve them on their API port instead). */
  OPS_PORT: z.coerce.number().int().min(0).max(65535).default(0),
  HTTP_HOST: z.string().default('127.0.0.1'),
  SHUTDOWN_TIMEOUT_S: z.coerce.number().positive().default(30),
  /**
   * How many times in a row a retry loop retries an error nothing recognises (a bug, not an
   * outage: unknown-error-budget.ts) before the service stops with exit code 1 and a fatal log
   * naming the error and the count. Outages are waited out regardless.
   */
  MAX_UNKNOWN_ERROR_RETRIES: z.coerce.number().int().min(0).default(10),
  /**
   * Largest request body any HTTP endpoint of the service reads (413 above it, answered without
   * reading the body: body-limit.ts). Above every route's own limit (gateway, store edge ≤ 16 MiB).
   */
  HTTP_MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(16 * 1024 * 1024),
  /** Optional OTLP span export and sampling (tracing/otel-config.ts): the standard OTEL_* names. */
  ...otelConfig.shape,
});

export const kafkaConfig = z.object({
  KAFKA_BROKERS: csv.default(['127.0.0.1:19092']),
  KAFKA_CLIENT_ID: z.string().min(1).optional(),
  KAFKA_CONNECTION_TIMEOUT_MS: z.coerce.number().int().positive().default(3_000),
  KAFKA_REQUEST_TIMEOUT_MS: z.coerce.number().int().positive().default(30_000),
  ...kafkaSecurityConfig.shape,
});

export const schemaRegistryConfig = z.object({
  SCHEMA_REGISTRY_URL: z.url().default('http://127.0.0.1:18081'),
  /**
   * Basic-auth user for the registry's changes (registering schemas); reads need none unless the
   * registry says so. Both or neither (AvroSerde.fromConfig checks). The local stack's are in
   * clientEnv() once `infra:up` generated them.
   */
  SCHEMA_REGISTRY_USERNAME: z.string().min(1).optional(),
  SCHEMA_REGISTRY_PASSWORD: z.string().min(1).optional(),
});

export type BaseServiceConfig = z.infer<typeof baseServiceConfig>;
export type KafkaConfig = z.infer<typeof kafkaConfig>;
export type SchemaRegistryConfig = z.infer<typeof schemaRegistryConfig>;
