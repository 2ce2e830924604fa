/**
 * What both conformance files share: the registry under test (an in-process one on a temporary
 * data dir, or the one REGISTRY_CONFORMANCE_URL names, e.g. Apicurio's /apis/ccompat/v7), raw
 * REST calls, and names tagged per run so a registry with other data works.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { afterAll, beforeAll } from 'vitest';
import { createLogger } from '@retail-stream/runtime';
import { startRegistry, type RunningRegistry } from './server.ts';
import { APICURIO_PATH, REQUEST_TIMEOUT_MS } from './confluent-testing.ts';

export const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';
// A test-only switch (scripts/registry-conformance.sh sets it), not service config: no zod schema.
// eslint-disable-next-line no-restricted-properties
export const external = process.env.REGISTRY_CONFORMANCE_URL?.replace(/\/+$/, '') || undefined;
/** Apicurio Registry's Confluent-compatible API lives under /apis/ccompat/. */
export const apicurio = external?.includes(APICURIO_PATH) ?? false;
/** Against a shared registry every subject and type name is this run's own. */
const tag = external ? `c${Date.now().toString(36)}${crypto.randomBytes(2).toString('hex')}` : '';
export const sub = (name: string) => (tag ? `${tag}.${name}` : name);
export const NS = tag ? `retail.${tag}` : 'retail';
/** Confluent answers in its own media type; Apicurio in plain application/json. */
export const RESPONSE_TYPE = apicurio ? 'application/json' : CONTENT_TYPE;

export const record = (name: string, fields: object[]) => ({ type: 'record', name, namespace: NS, fields });
export const saleV1 = record('Sale', [
  { name: 'sku', type: 'string' },
  { name: 'cents', type: 'long' },
]);
export const saleV2 = record('Sale', [...saleV1.fields, { name: 'qty', type: 'int', default: 1 }]);
export const avro = (schema: object) => ({ type: SchemaType.AVRO as const, schema: JSON.stringify(schema) });

/** The subjects of this run (all of them against our own fresh registry). */
export const ours = (subjects: string[]) => subjects.filter((s) => !tag || s.startsWith(`${tag}.`));

export interface ConformanceRegistry {
  /** A fresh client each time, so nothing is answered from the client's own cache. */
  client(): SchemaRegistry;
  api(method: string, urlPath: string, body?: unknown, contentType?: string): Promise<ApiAnswer>;
  /** Ours only: stops the in-process registry and starts it again on the same data dir. */
  restart(): Promise<void>;
}

export interface ApiAnswer {
  status: number;
  contentType: string | null;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** Starts the registry under test before the file's tests and cleans up after them. */
export function useConformanceRegistry(): ConformanceRegistry {
  let dataDir: string;
  let registry: RunningRegistry;
  const start = async (): Promise<RunningRegistry> => {
    if (external) return { url: external, close: async () => {} } as RunningRegistry;
    return startRegistry(
      // Hard deletes are off by default; this suite checks Confluent's behaviour of them.
      { port: 0, host: '127.0.0.1', dataDir, defaultCompatibility: 'BACKWARD', allowPermanentDelete: true },
      { logger: createLogger({ service: 'schema-registry-test', level: 'silent' }) },
    );
  };
  const api = async (method: string, urlPath: string, body?: unknown, contentType = CONTENT_TYPE) => {
    const send = () =>
      fetch(`${registry.url}${urlPath}`, {
        method,
        headers: {
          ...(body === undefined ? {} : { 'content-type': contentType }),
          // A connection per request against Apicurio (APICURIO_PATH, confluent-testing.ts).
          ...(apicurio ? { connection: 'close' } : {}),
        },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    // Apicurio sometimes drops a request unanswered (the connection closes with nothing read):
    // up to two more tries against it. An answer, whatever its status, is never retried, and
    // our registry's requests never are.
    let res: Response | undefined;
    for (let attempt = 1; !res; attempt++) {
      res = await send().catch((err: unknown) => {
        if (!apicurio || attempt >= 3) throw err;
        return undefined;
      });
    }
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = text;
    }
    return { status: res.status, contentType: res.headers.get('content-type'), body: json } as ApiAnswer;
  };

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'schema-registry-conformance-'));
    registry = await start();
  });

  afterAll(async () => {
    if (external) {
      // Best effort, dependants first: a referenced subject refuses deletion until they are gone.
      for (let pass = 0; pass < 3; pass++) {
        for (const s of ours((await api('GET', '/subjects?deleted=true')).body as string[])) {
          await api('DELETE', `/subjects/${encodeURIComponent(s)}`);
          await api('DELETE', `/subjects/${encodeURIComponent(s)}?permanent=true`);
        }
      }
    }
    await registry?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  return {
    client: () =>
      new SchemaRegistry({
        host: registry.url,
        ...(apicurio ? { agent: new http.Agent({ keepAlive: false }) } : {}),
      }),
    api,
    restart: async () => {
      await registry.close();
      registry = await start();
    },
  };
}
