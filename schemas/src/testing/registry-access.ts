import { AvroSerde } from '@retail-stream/runtime';

/** How a test reaches the registry: URL, an AvroSerde and a fetch that both carry the credentials. */
export interface RegistryAccess {
  url: string;
  serde: AvroSerde;
  /** For registerSchemas/registerAll's own REST calls (PUT /config, lookups). */
  fetch: typeof fetch;
  /** For a test's raw REST calls (cleanup). */
  headers: Record<string, string>;
}

/**
 * From `serviceEnv()`: SCHEMA_REGISTRY_URL, plus SCHEMA_REGISTRY_USERNAME/PASSWORD when the local
 * stack's registry wants basic auth (an open registry needs none).
 */
export function registryAccess(env: Record<string, string | undefined>): RegistryAccess {
  const url = env.SCHEMA_REGISTRY_URL;
  if (!url) throw new Error('SCHEMA_REGISTRY_URL is not set: start the services (npm run infra:up)');
  const user = env.SCHEMA_REGISTRY_USERNAME;
  const password = env.SCHEMA_REGISTRY_PASSWORD;
  const headers: Record<string, string> =
    user && password
      ? { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` }
      : {};
  return {
    url,
    serde: AvroSerde.fromConfig({
      SCHEMA_REGISTRY_URL: url,
      ...(user && password ? { SCHEMA_REGISTRY_USERNAME: user, SCHEMA_REGISTRY_PASSWORD: password } : {}),
    }),
    fetch: (input, init) => fetch(input, { ...init, headers: { ...(init?.headers as object), ...headers } }),
    headers,
  };
}
