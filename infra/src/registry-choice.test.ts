import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { clientEnv, loadInfraConfig } from './infra-config.ts';
import { chosenRegistry, registryChoiceFile, rememberRegistry } from './registry-choice.ts';
import { ensureRegistryPassword } from './registry-credentials.ts';
import { defaultServices, knownServices, pickServices } from './services/index.ts';

let dataDir: string;
const cfg = (env: Record<string, string> = {}) => loadInfraConfig({ RS_DATA_DIR: dataDir, ...env });
const names = (services: { name: string }[]) => services.map((s) => s.name);

beforeEach(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'registry-choice-'));
});
afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

describe('which schema registry the local stack uses', () => {
  it('is ours until infra:up --registry apicurio remembers Apicurio in the data dir', () => {
    ensureRegistryPassword(cfg());
    expect(chosenRegistry(cfg())).toBe('builtin');
    expect(clientEnv(cfg())).toMatchObject({
      SCHEMA_REGISTRY_URL: 'http://127.0.0.1:18081',
      SCHEMA_REGISTRY_USERNAME: 'registry-admin',
    });

    rememberRegistry(cfg(), 'apicurio');
    expect(fs.readFileSync(registryChoiceFile(cfg()), 'utf8').trim()).toBe('apicurio');
    const env = clientEnv(cfg({ APICURIO_PORT: '28085' }));
    expect(env.SCHEMA_REGISTRY_URL).toBe('http://127.0.0.1:28085/apis/ccompat/v7');
    // Apicurio runs unauthenticated here: our registry's password must not be sent to it.
    expect(env).not.toHaveProperty('SCHEMA_REGISTRY_USERNAME');
    expect(env).not.toHaveProperty('SCHEMA_REGISTRY_PASSWORD');

    rememberRegistry(cfg(), 'builtin');
    expect(clientEnv(cfg()).SCHEMA_REGISTRY_URL).toBe('http://127.0.0.1:18081');
  });

  it('SCHEMA_REGISTRY_IMPL overrides the remembered choice for one command; a bad value is refused', () => {
    rememberRegistry(cfg(), 'apicurio');
    expect(chosenRegistry(cfg({ SCHEMA_REGISTRY_IMPL: 'builtin' }))).toBe('builtin');
    expect(() => cfg({ SCHEMA_REGISTRY_IMPL: 'confluent' })).toThrow(/SCHEMA_REGISTRY_IMPL/);
  });

  it('infra:up without names starts the chosen registry in place of ours; by name, either or both', () => {
    expect(names(defaultServices(cfg()))).toContain('schema-registry');
    expect(names(defaultServices(cfg()))).not.toContain('apicurio-registry');
    rememberRegistry(cfg(), 'apicurio');
    expect(names(defaultServices(cfg()))).toEqual([
      'postgres',
      'clickhouse',
      'kafka',
      'apicurio-registry',
      'cassandra',
    ]);
    expect(names(pickServices(['apicurio-registry', 'schema-registry']))).toEqual([
      'schema-registry',
      'apicurio-registry',
    ]);
    expect(names(knownServices)).toHaveLength(6);
  });
});
