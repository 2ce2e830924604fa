import { serviceEnv } from '@retail-stream/infra';
import { kafkaEnvOf } from '@retail-stream/runtime/testing';

/** The shared stack's endpoints; the benchmark runs as the Kafka admin principal (like every bench here). */
export const env = serviceEnv();
export const brokers = env.KAFKA_BROKERS!.split(',');
export const registryUrl = env.SCHEMA_REGISTRY_URL!;

/**
 * What a Java peer gets: the Kafka connection (admin SCRAM credentials, read from the stack's secrets
 * by serviceEnv, passed in the environment, never written anywhere) and the registry URL without
 * credentials — schema reads are open, only changes need them.
 */
export function javaEnv(extra: Record<string, string>): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    ...(process.env.JAVA_HOME ? { JAVA_HOME: process.env.JAVA_HOME } : {}),
    ...kafkaEnvOf(env),
    SCHEMA_REGISTRY_URL: registryUrl,
    ...extra,
  };
}

export function say(msg: string): void {
  process.stdout.write(`${msg}\n`);
}
