import { serviceEnv } from '@retail-stream/infra';
import type { ServiceEndpoints } from './pipeline-spec.ts';

/** The local services (`npm run infra:up`), as the demo, the checker, the test and the benchmark use them. */
export function localEndpoints(): ServiceEndpoints {
  const env = serviceEnv();
  return {
    KAFKA_BROKERS: env.KAFKA_BROKERS!,
    SCHEMA_REGISTRY_URL: env.SCHEMA_REGISTRY_URL!,
    ...(env.SCHEMA_REGISTRY_USERNAME && env.SCHEMA_REGISTRY_PASSWORD
      ? {
          SCHEMA_REGISTRY_USERNAME: env.SCHEMA_REGISTRY_USERNAME,
          SCHEMA_REGISTRY_PASSWORD: env.SCHEMA_REGISTRY_PASSWORD,
        }
      : {}),
    PG_URL: env.PG_URL!,
    CLICKHOUSE_URL: env.CLICKHOUSE_URL!,
    CASSANDRA_CONTACT_POINTS: env.CASSANDRA_CONTACT_POINTS!,
    CASSANDRA_LOCAL_DC: env.CASSANDRA_LOCAL_DC!,
  };
}
