import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SchemaRegistryConfig } from '../service-config.ts';

/**
 * The local services as tests reach them. Built from `serviceEnv()` of @retail-stream/infra (the
 * runtime cannot import infra, which depends on it); a setting a test uses but the environment
 * lacks fails on use, naming it, rather than falling back to a default port of someone else's.
 */
export interface TestEndpoints {
  /** The whole environment, for a child service's env. */
  readonly env: Record<string, string>;
  readonly kafkaBrokers: string;
  readonly brokers: string[];
  readonly registryUrl: string;
  /** URL plus the registry credentials when the stack has them: for AvroSerde.fromConfig. */
  readonly registry: SchemaRegistryConfig;
  readonly pgUrl: string;
  readonly clickhouseUrl: string;
}

export function testEndpoints(env: Record<string, string | undefined>): TestEndpoints {
  const need = (name: string, pattern?: RegExp): string => {
    const value = env[name];
    if (!value || (pattern && !pattern.test(value))) {
      throw new Error(
        `${name} is ${value ? `'${value}', not a valid URL` : 'not set'}: start the services (npm run infra:up)`,
      );
    }
    return value;
  };
  const defined = Object.fromEntries(
    Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined),
  );
  return {
    env: defined,
    get kafkaBrokers() {
      return need('KAFKA_BROKERS');
    },
    get brokers() {
      return need('KAFKA_BROKERS').split(',');
    },
    get registryUrl() {
      return need('SCHEMA_REGISTRY_URL', /^https?:\/\//);
    },
    get registry(): SchemaRegistryConfig {
      return registryConfigOf(need('SCHEMA_REGISTRY_URL', /^https?:\/\//), env);
    },
    // An empty URL would make pg fall back to port 5432: the system cluster tests must never touch.
    get pgUrl() {
      return need('PG_URL', /^postgres(ql)?:\/\//);
    },
    get clickhouseUrl() {
      return need('CLICKHOUSE_URL', /^https?:\/\//);
    },
  };
}

/** A registry at `url` (the shared one, or a test's own) with the stack's credentials, if any. */
export function registryConfigOf(url: string, env: Record<string, string | undefined>): SchemaRegistryConfig {
  const { SCHEMA_REGISTRY_USERNAME, SCHEMA_REGISTRY_PASSWORD } = env;
  return SCHEMA_REGISTRY_USERNAME && SCHEMA_REGISTRY_PASSWORD
    ? { SCHEMA_REGISTRY_URL: url, SCHEMA_REGISTRY_USERNAME, SCHEMA_REGISTRY_PASSWORD }
    : { SCHEMA_REGISTRY_URL: url };
}

/** The package a test file belongs to (nearest package.json) and the repository root (the workspaces one). */
export function packageDirs(importMetaUrl: string): { packageDir: string; repoRoot: string } {
  const up = (from: string, ok: (dir: string) => boolean): string => {
    for (let dir = from; ; dir = path.dirname(dir)) {
      if (ok(dir)) return dir;
      if (path.dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
    }
  };
  const manifest = (dir: string) => path.join(dir, 'package.json');
  const start = path.dirname(fileURLToPath(importMetaUrl));
  const packageDir = up(start, (d) => fs.existsSync(manifest(d)));
  const repoRoot = up(packageDir, (d) => {
    if (!fs.existsSync(manifest(d))) return false;
    return 'workspaces' in (JSON.parse(fs.readFileSync(manifest(d), 'utf8')) as object);
  });
  return { packageDir, repoRoot };
}

/**
 * The Kafka connection settings of an environment, for a child service started with an env built
 * by hand (benches): the brokers plus, when the stack runs with them, its SASL/TLS settings.
 */
export function kafkaEnvOf(env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter(
      (e): e is [string, string] =>
        e[1] !== undefined && (e[0] === 'KAFKA_BROKERS' || /^KAFKA_(SASL|SSL)_?/.test(e[0])),
    ),
  );
}
