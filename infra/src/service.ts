import path from 'node:path';
import type { InfraConfig } from './infra-config.ts';

export type ServiceName =
  'postgres' | 'clickhouse' | 'kafka' | 'schema-registry' | 'apicurio-registry' | 'cassandra';

export interface ServiceContext {
  cfg: InfraConfig;
  /** Progress line for the user; services say what slow step they are on (install, format, first start). */
  say: (message: string) => void;
}

/**
 * One locally run server. The orchestrator (service-runner.ts) owns the generic lifecycle —
 * idempotency, port conflicts, waiting for health, log tails on failure — so a service only
 * knows how to prepare, start, probe and stop itself.
 */
export interface LocalService {
  readonly name: ServiceName;
  /** host:port strings shown by `infra:status`. */
  endpoints(ctx: ServiceContext): string[];
  /** Ports this service binds; checked to be free before a start. */
  ports(ctx: ServiceContext): number[];
  /** Checks prerequisites (binaries, Java), installs artifacts into the cache, initialises data dirs. Idempotent. Throws InfraError. */
  prepare(ctx: ServiceContext): Promise<void>;
  /** Spawns the server(s) and returns without waiting for health. */
  start(ctx: ServiceContext): Promise<void>;
  /** Pids of this service's processes that are running now (empty when stopped). */
  runningPids(ctx: ServiceContext): number[];
  /** A real client round-trip, not just an open port. */
  isHealthy(ctx: ServiceContext): Promise<boolean>;
  /** Idempotent setup a running, healthy server needs on every infra:up (Kafka: users and ACLs). Throws InfraError. */
  afterHealthy?(ctx: ServiceContext): Promise<void>;
  stop(ctx: ServiceContext): Promise<void>;
  logFiles(ctx: ServiceContext): string[];
  /** Rough guess of first-start time, to print while waiting. */
  readonly expectedStartSeconds: number;
  /** The settings that move this service's ports, named when a port is taken. */
  readonly portVariables: readonly string[];
}

export function serviceDir(cfg: InfraConfig, name: string): string {
  return path.join(cfg.RS_DATA_DIR, name);
}

export function logDir(cfg: InfraConfig): string {
  return path.join(cfg.RS_DATA_DIR, 'logs');
}
