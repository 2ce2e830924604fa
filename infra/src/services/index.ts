import type { InfraConfig } from '../infra-config.ts';
import { chosenRegistry } from '../registry-choice.ts';
import type { LocalService, ServiceName } from '../service.ts';
import { apicurioRegistryService } from './apicurio-registry.ts';
import { cassandraService } from './cassandra.ts';
import { clickhouseService } from './clickhouse.ts';
import { kafkaService } from './kafka.ts';
import { postgresService } from './postgres.ts';
import { schemaRegistryService } from './schema-registry.ts';

/**
 * The default stack (what docker-compose.yml mirrors). Start order; they start concurrently but are
 * listed (and stopped in reverse) in this order.
 */
export const allServices: LocalService[] = [
  postgresService,
  clickhouseService,
  kafkaService,
  schemaRegistryService,
  cassandraService,
];

/** Run only when asked for by name or chosen with `infra:up --registry apicurio`. */
export const optionalServices: LocalService[] = [apicurioRegistryService];

/** Every service infra knows, in start order (the optional registry beside the built-in one). */
export const knownServices: LocalService[] = [...allServices];
knownServices.splice(allServices.indexOf(schemaRegistryService) + 1, 0, ...optionalServices);

/** What `infra:up` without names starts: the default stack with the chosen registry in place of ours. */
export function defaultServices(cfg: InfraConfig): LocalService[] {
  if (chosenRegistry(cfg) !== 'apicurio') return allServices;
  return knownServices.filter((s) => s !== schemaRegistryService);
}

export function pickServices(names: string[]): LocalService[] {
  if (names.length === 0) return allServices;
  const unknown = names.filter((n) => !knownServices.some((s) => s.name === n));
  if (unknown.length > 0) {
    throw new Error(
      `unknown service(s): ${unknown.join(', ')}; known: ${knownServices.map((s) => s.name).join(', ')}`,
    );
  }
  return knownServices.filter((s) => names.includes(s.name as ServiceName));
}
