import fs from 'node:fs';
import path from 'node:path';
import { HOST, type InfraConfig } from './infra-config.ts';
import { registryClientEnv } from './registry-credentials.ts';

/**
 * Which schema registry the local stack's clients use: our own (`builtin`, infra/schema-registry)
 * or Apicurio Registry through its Confluent-compatible API. `infra:up --registry <impl>` writes the
 * choice into the data dir so a later `npm test` or demo, run without the flag, reaches the same
 * registry; SCHEMA_REGISTRY_IMPL overrides it for one command.
 */
export const REGISTRY_IMPLS = ['builtin', 'apicurio'] as const;
export type RegistryImpl = (typeof REGISTRY_IMPLS)[number];

/** Apicurio serves Confluent's REST API under this prefix (its own API lives under /apis/registry/v3). */
export const APICURIO_CCOMPAT_PATH = '/apis/ccompat/v7';

type ChoiceConfig = Pick<InfraConfig, 'RS_DATA_DIR' | 'SCHEMA_REGISTRY_IMPL'>;

export const registryChoiceFile = (cfg: Pick<InfraConfig, 'RS_DATA_DIR'>) =>
  path.join(cfg.RS_DATA_DIR, 'schema-registry-impl');

export function isRegistryImpl(value: string | undefined): value is RegistryImpl {
  return (REGISTRY_IMPLS as readonly string[]).includes(value ?? '');
}

export function chosenRegistry(cfg: ChoiceConfig): RegistryImpl {
  if (cfg.SCHEMA_REGISTRY_IMPL) return cfg.SCHEMA_REGISTRY_IMPL;
  let remembered: string | undefined;
  try {
    remembered = fs.readFileSync(registryChoiceFile(cfg), 'utf8').trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  return isRegistryImpl(remembered) ? remembered : 'builtin';
}

export function rememberRegistry(cfg: Pick<InfraConfig, 'RS_DATA_DIR'>, impl: RegistryImpl): void {
  fs.mkdirSync(cfg.RS_DATA_DIR, { recursive: true });
  fs.writeFileSync(registryChoiceFile(cfg), `${impl}\n`);
}

export const apicurioBaseUrl = (cfg: Pick<InfraConfig, 'APICURIO_PORT'>) =>
  `http://${HOST}:${cfg.APICURIO_PORT}`;

/**
 * SCHEMA_REGISTRY_URL (and credentials) of the chosen registry. Apicurio runs unauthenticated here:
 * its basic auth is the OAuth2 client-credentials flow against an OIDC server, which the local stack
 * does not run, so it gets no credentials and is for local development only.
 */
export function registryEnv(cfg: InfraConfig): Record<string, string> {
  if (chosenRegistry(cfg) === 'apicurio') {
    return { SCHEMA_REGISTRY_URL: `${apicurioBaseUrl(cfg)}${APICURIO_CCOMPAT_PATH}` };
  }
  return {
    SCHEMA_REGISTRY_URL: `http://${HOST}:${cfg.SCHEMA_REGISTRY_PORT}`,
    // Only once infra:up generated them (<RS_DATA_DIR>/secrets/): an open registry needs none.
    ...registryClientEnv(cfg),
  };
}
