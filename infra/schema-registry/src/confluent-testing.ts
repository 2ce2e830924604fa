import http from 'node:http';
import { SchemaRegistryClient, type ClientConfig } from '@confluentinc/schemaregistry';
import { serviceEnv } from '../../src/service-env.ts';

/**
 * What the conformance tests with Confluent's own JavaScript client (`@confluentinc/schemaregistry`)
 * share: the registry under test (SCHEMA_REGISTRY_URL, the local stack's unless the environment
 * names another) and its credentials when it has any, passed the way a user of that client does.
 */
export interface RegistryUnderTest {
  url: string;
  /** `user:password`, when the registry wants basic auth. */
  userInfo?: string;
  /** Env for our own clients (AvroSerde.fromConfig, registerAll). */
  env: Record<string, string>;
}

export function registryUnderTest(): RegistryUnderTest {
  const env = serviceEnv();
  const url = env.SCHEMA_REGISTRY_URL;
  if (!url) throw new Error('SCHEMA_REGISTRY_URL is not set: start the services (npm run infra:up)');
  const user = env.SCHEMA_REGISTRY_USERNAME;
  const password = env.SCHEMA_REGISTRY_PASSWORD;
  return { url, env, ...(user && password ? { userInfo: `${user}:${password}` } : {}) };
}

/** How long a test client waits for one answer. */
export const REQUEST_TIMEOUT_MS = 10_000;

/**
 * Apicurio's Confluent-compatible API. Apicurio 3.3.3 on a fresh database now and then drops a
 * request it fully received (even `GET /nowhere`; its threads and Postgres sessions idle): on a
 * keep-alive connection it never answers, and so a client's cache mutex held around the request
 * blocks every later call; on a fresh connection it closes it with nothing sent. So test clients
 * open a connection per request against it and retry what got no answer (infra/README.md,
 * "Conformance against both").
 */
export const APICURIO_PATH = '/apis/ccompat/';

/** Confluent's client as its README configures it, plus a request timeout (and, against Apicurio, no keep-alive). */
export function confluentClient(
  r: RegistryUnderTest,
  extra: Partial<ClientConfig> = {},
): SchemaRegistryClient {
  const apicurio = r.url.includes(APICURIO_PATH);
  return new SchemaRegistryClient({
    baseURLs: [r.url],
    ...(r.userInfo ? { basicAuthCredentials: { credentialsSource: 'USER_INFO', userInfo: r.userInfo } } : {}),
    // Errors are asserted, not retried; against Apicurio a request it drops unanswered (the
    // connection closes with nothing read) is tried twice more. The client retries only requests
    // without an answer and 408/429/5xx, and the 4xx the tests assert are neither.
    maxRetries: apicurio ? 2 : 0,
    retriesWaitMs: 100,
    // A stall fails the test in 10 s with the request named, not after vitest's 60 s.
    createAxiosDefaults: {
      timeout: REQUEST_TIMEOUT_MS,
      ...(apicurio ? { httpAgent: new http.Agent({ keepAlive: false }) } : {}),
    },
    ...extra,
  });
}

/** Headers for the raw REST calls a test makes itself (cleanup, checks). */
export function registryHeaders(r: RegistryUnderTest): Record<string, string> {
  return {
    'content-type': 'application/vnd.schemaregistry.v1+json',
    ...(r.userInfo ? { authorization: `Basic ${Buffer.from(r.userInfo).toString('base64')}` } : {}),
  };
}

/**
 * Soft then permanent delete of every subject starting with `prefix` (best effort). A subject others
 * still reference is refused (42206), so passes repeat until nothing more goes: dependants first.
 */
export async function deleteSubjects(r: RegistryUnderTest, prefix: string): Promise<void> {
  const headers = registryHeaders(r);
  for (let pass = 0; pass < 10; pass++) {
    const res = await fetch(`${r.url}/subjects?deleted=true`, { headers }).catch(() => undefined);
    const left = (((await res?.json().catch(() => [])) as string[] | undefined) ?? []).filter((s) =>
      s.startsWith(prefix),
    );
    if (left.length === 0) return;
    for (const subject of left) {
      const url = `${r.url}/subjects/${encodeURIComponent(subject)}`;
      await fetch(url, { method: 'DELETE', headers }).catch(() => undefined);
      await fetch(`${url}?permanent=true`, { method: 'DELETE', headers }).catch(() => undefined);
    }
  }
}
