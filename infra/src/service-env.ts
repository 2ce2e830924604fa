import { clientEnv, loadInfraConfig } from './infra-config.ts';

/**
 * Connection settings for tests and local tools: what `infra:up` started, unless the caller's
 * environment points somewhere else (e.g. CI against docker-compose).
 */
export function serviceEnv(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const local = clientEnv(loadInfraConfig(env));
  return Object.fromEntries(Object.entries(local).map(([k, v]) => [k, env[k] || v]));
}
