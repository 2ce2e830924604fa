import { clientEnv, loadInfraConfig } from './infra-config.ts';

/** The settings newKafkaClient() (runtime) reads from process.env to authenticate. */
const KAFKA_SECURITY_ENV = /^KAFKA_(SASL_|SSL)/;

/**
 * Connection settings for tests and local tools: what `infra:up` started, unless the caller's
 * environment points somewhere else (e.g. CI against docker-compose).
 *
 * The Kafka credentials (the admin principal when the stack runs with SASL) are also put into
 * process.env where unset: every kafkajs client a test, bench or script builds goes through
 * newKafkaClient(), which reads them there, so no call site has to thread them through.
 */
export function serviceEnv(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const local = clientEnv(loadInfraConfig(env));
  const merged = Object.fromEntries(Object.entries(local).map(([k, v]) => [k, env[k] || v]));
  // Registry credentials the caller brings for a registry infra:up did not start (CI against
  // docker-compose, a registry of one's own) pass on even when the local stack has none.
  for (const k of ['SCHEMA_REGISTRY_USERNAME', 'SCHEMA_REGISTRY_PASSWORD']) {
    if (env[k] && !merged[k]) merged[k] = env[k];
  }
  for (const [k, v] of Object.entries(merged)) {
    if (KAFKA_SECURITY_ENV.test(k) && !process.env[k]) process.env[k] = v;
  }
  return merged;
}
