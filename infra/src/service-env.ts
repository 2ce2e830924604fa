import { clientEnv, loadInfraConfig } from './infra-config.ts';

/**
 * Connection settings for tests and local tools: what `infra:up` started, unless the caller's
 * environment points somewhere else (e.g. CI against docker-compose).
 */
export function serviceEnv(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const local = clientEnv(loadInfraConfig(env));
  const merged = Object.fromEntries(Object.entries(local).map(([k, v]) => [k, env[k] || v]));
  // Registry credentials the caller brings for a registry infra:up did not start (CI against
  // docker-compose, a registry of one's own) pass on even when the local stack has none.
  for (const k of ['SCHEMA_REGISTRY_USERNAME', 'SCHEMA_REGISTRY_PASSWORD']) {
    if (env[k] && !merged[k]) merged[k] = env[k];
  }
  return merged;
}
