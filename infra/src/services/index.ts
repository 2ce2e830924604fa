import type { LocalService, ServiceName } from '../service.ts';
import { cassandraService } from './cassandra.ts';
import { clickhouseService } from './clickhouse.ts';
import { kafkaService } from './kafka.ts';
import { postgresService } from './postgres.ts';
import { schemaRegistryService } from './schema-registry.ts';

/** Start order; they start concurrently but are listed (and stopped in reverse) in this order. */
export const allServices: LocalService[] = [
  postgresService,
  clickhouseService,
  kafkaService,
  schemaRegistryService,
  cassandraService,
];

export function pickServices(names: string[]): LocalService[] {
  if (names.length === 0) return allServices;
  const unknown = names.filter((n) => !allServices.some((s) => s.name === n));
  if (unknown.length > 0) {
    throw new Error(
      `unknown service(s): ${unknown.join(', ')}; known: ${allServices.map((s) => s.name).join(', ')}`,
    );
  }
  return allServices.filter((s) => names.includes(s.name as ServiceName));
}
