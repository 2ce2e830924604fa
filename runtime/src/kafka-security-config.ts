import fs from 'node:fs';
import { type Kafka, type KafkaConfig as KafkaJsConfig, type SASLOptions } from 'kafkajs';
import { z } from 'zod';
import { boolFromEnv, parseConfig } from './config.ts';
import { ConfigError } from './errors.ts';
import { runtimeKafkaClass } from './kafkajs-runtime-class.ts';

/**
 * How a client proves who it is to the broker (issue 13). Part of every service's `kafkaConfig`;
 * unset means PLAINTEXT, which only a developer broker without SASL accepts. Each service runs
 * with its own role's principal (infra/src/kafka-principals.ts says what each may touch).
 */
export const kafkaSecurityConfig = z.object({
  KAFKA_SASL_MECHANISM: z.enum(['scram-sha-512', 'scram-sha-256', 'plain']).optional(),
  KAFKA_SASL_USERNAME: z.string().min(1).optional(),
  KAFKA_SASL_PASSWORD: z.string().min(1).optional(),
  /** TLS to the brokers; implied by KAFKA_SSL_CA_FILE. Optional (not defaulted) so config literals in tests stay valid. */
  KAFKA_SSL: boolFromEnv.optional(),
  /** PEM file of the CA that signed the brokers' certificates (the local stack generates one). */
  KAFKA_SSL_CA_FILE: z.string().min(1).optional(),
});

export type KafkaSecurityConfig = z.infer<typeof kafkaSecurityConfig>;

/** The `sasl`/`ssl` part of a kafkajs config. Throws ConfigError for half-given credentials. */
export function kafkaSecurityOptions(cfg: KafkaSecurityConfig): Pick<KafkaJsConfig, 'sasl' | 'ssl'> {
  const out: Pick<KafkaJsConfig, 'sasl' | 'ssl'> = {};
  const {
    KAFKA_SASL_MECHANISM: mechanism,
    KAFKA_SASL_USERNAME: username,
    KAFKA_SASL_PASSWORD: password,
  } = cfg;
  if (mechanism || username || password) {
    // A username without a mechanism would silently connect unauthenticated and fail on every ACL.
    const missing = [
      ['KAFKA_SASL_MECHANISM', mechanism],
      ['KAFKA_SASL_USERNAME', username],
      ['KAFKA_SASL_PASSWORD', password],
    ]
      .filter(([, v]) => !v)
      .map(([k]) => `${k}: required when any KAFKA_SASL_* setting is given`);
    if (missing.length > 0) throw new ConfigError(missing);
    out.sasl = { mechanism, username, password } as SASLOptions;
  }
  if (cfg.KAFKA_SSL_CA_FILE) {
    let ca: string;
    try {
      ca = fs.readFileSync(cfg.KAFKA_SSL_CA_FILE, 'utf8');
    } catch (err) {
      throw new ConfigError([
        `KAFKA_SSL_CA_FILE: cannot read ${cfg.KAFKA_SSL_CA_FILE} (${(err as Error).message})`,
      ]);
    }
    out.ssl = { ca: [ca] };
  } else if (cfg.KAFKA_SSL) {
    out.ssl = true;
  }
  return out;
}

/** The security settings of an environment (process.env by default), parsed. */
export function kafkaSecurityFromEnv(
  env: Record<string, string | undefined> = process.env,
): KafkaSecurityConfig {
  return parseConfig(kafkaSecurityConfig, env);
}

/**
 * The settings to use for a config: its own, or when it has none at all, the process's. A service
 * parses its config from process.env, so this is the same; a config a test or bench builds in code
 * with only KAFKA_BROKERS takes the process's credentials (serviceEnv() puts the local stack's
 * there) instead of silently connecting unauthenticated.
 */
export function effectiveKafkaSecurity(cfg: KafkaSecurityConfig): KafkaSecurityConfig {
  const own = cfg.KAFKA_SASL_MECHANISM || cfg.KAFKA_SASL_USERNAME || cfg.KAFKA_SSL || cfg.KAFKA_SSL_CA_FILE;
  return own ? cfg : kafkaSecurityFromEnv();
}

/**
 * The one way tests, benches, tools and scripts build a kafkajs client outside a service's
 * createKafka: the caller's options plus the KAFKA_SASL_* and KAFKA_SSL_* settings given, process.env's by default (what
 * `serviceEnv()` / `clientEnv()` give: the admin principal when the local stack runs with SASL).
 */
export function newKafkaClient(
  opts: Omit<KafkaJsConfig, 'sasl' | 'ssl'>,
  security: KafkaSecurityConfig = kafkaSecurityFromEnv(),
): Kafka {
  const RuntimeKafka = runtimeKafkaClass(); // as createKafka: the same produce and fetch paths
  return new RuntimeKafka({ ...opts, ...kafkaSecurityOptions(security) });
}
