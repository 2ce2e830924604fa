import type { Server } from 'node:http';
import { serviceEnv } from '@retail-stream/infra';
import { closeServer, Health, listen, mountOpsRoutes, parseConfig } from '@retail-stream/runtime';
import {
  captureLogger,
  KafkaNetworkFaults,
  packageDirs,
  startInProcess,
  testEndpoints,
  testPgSchema,
  testTopics,
  TEST_SIGNING_MASTER_KEYS,
  TopicCollector,
  uniqueIdentifier,
  type LogLine,
} from '@retail-stream/runtime/testing';
import express from 'express';
import type { Kafka } from 'kafkajs';
import type pg from 'pg';
import { issueKey } from '../src/api-keys.ts';
import { gatewayConfig, type GatewayConfig } from '../src/config.ts';
import { gatewayPool } from '../src/db.ts';
import { createIngestGateway, type IngestGateway } from '../src/gateway.ts';

export const ENDPOINTS = testEndpoints(serviceEnv());
export const { brokers: BROKERS, registryUrl: REGISTRY_URL, pgUrl: PG_URL } = ENDPOINTS;
export const { packageDir: PACKAGE_DIR, repoRoot: REPO_ROOT } = packageDirs(import.meta.url);

/** Store ids as the store edge allows them: lower-case, digits, underscores. */
export const uniqueStoreId = (prefix = 'g'): string => uniqueIdentifier(prefix);

/** A Postgres schema of its own per test file, so gateway state never leaks between runs. */
export const gatewaySchema = () => testPgSchema(PG_URL, 'gw_test');

export interface GatewayWorld {
  topic: string;
  schema: string;
  /** Reads the topic from the beginning (started on first use). */
  collector(): Promise<TopicCollector>;
  drop(): Promise<void>;
}

/** One test file's topic, Postgres schema and collector; `drop()` in afterAll removes them. */
export async function gatewayWorld(): Promise<GatewayWorld> {
  const topics = await testTopics(BROKERS, 'gateway-test', { pos: 1 });
  const schema = gatewaySchema();
  let collector: Promise<TopicCollector> | undefined;
  return {
    topic: topics.pos,
    schema: schema.name,
    collector: () => (collector ??= new TopicCollector(BROKERS, topics.pos, 'gateway-test-reader').start()),
    async drop() {
      await (await collector)?.stop().catch(() => undefined);
      await schema.drop();
      await topics.drop();
    },
  };
}

/** Network faults between the gateway and the real broker (the broker keeps running for others). */
export class KafkaFaults extends KafkaNetworkFaults {
  constructor() {
    super({
      brokers: BROKERS,
      clientId: 'ingest-gateway-test',
      requestTimeoutMs: 3_000,
      retry: { retries: 1, initialRetryTime: 100, maxRetryTime: 300 },
    });
  }
}

// ── the gateway ───────────────────────────────────────────────────────────────────────────────

export function gatewayTestEnv(topic: string, schema: string, overrides: Record<string, string> = {}) {
  return {
    PG_URL,
    GATEWAY_PG_SCHEMA: schema,
    KAFKA_BROKERS: ENDPOINTS.kafkaBrokers,
    ...ENDPOINTS.registry,
    GATEWAY_TOPIC: topic,
    SIGNING_MASTER_KEYS: TEST_SIGNING_MASTER_KEYS,
    GATEWAY_REGISTER_SCHEMAS: 'true',
    GATEWAY_KEY_CACHE_TTL_MS: '300',
    GATEWAY_KAFKA_SEND_RETRIES: '1',
    KAFKA_CONNECTION_TIMEOUT_MS: '1000',
    KAFKA_REQUEST_TIMEOUT_MS: '5000',
    PG_POOL_MAX: '12',
    LOG_LEVEL: 'warn',
    PORT: '0',
    ...overrides,
  };
}

export type { LogLine };

export interface InProcessGateway {
  url: string;
  config: GatewayConfig;
  gateway: IngestGateway;
  lines: LogLine[];
  /** A pool on the gateway's schema, for setting up keys and reading cursors. */
  db: pg.Pool;
  issueKey(storeId: string): Promise<string>;
  cursor(storeId: string): Promise<number>;
  metricsText(): Promise<string>;
  stop(): Promise<void>;
}

/** The gateway as main.ts wires it (ops routes and API on one app), on a free port. */
export async function startGateway(
  env: Record<string, string>,
  opts: { kafka?: Kafka } = {},
): Promise<InProcessGateway> {
  const config = parseConfig(gatewayConfig, env);
  const { logger, lines } = captureLogger('ingest-gateway-test');
  let port = 0;
  const started = await startInProcess(
    async ({ metrics }) => {
      const health = new Health();
      const gateway = createIngestGateway({ config, logger, metrics, kafka: opts.kafka });
      const app = express();
      mountOpsRoutes(app, { metrics, health });
      health.addCheck('gateway', () => gateway.readiness());
      app.use(gateway.router);
      const listening = await listen(app, 0, '127.0.0.1');
      port = listening.port;
      await gateway.start();
      // The gateway's intake is its HTTP server: stop closes it (in-flight requests finish), as
      // main.ts does in phase stop-intake; close then ends the producer and the pool.
      return Object.assign(gateway, {
        isReady: () => gateway.sink.connected,
        stop: () => closeServer(listening.server as Server).catch(() => undefined),
      });
    },
    { name: 'ingest-gateway', logger },
  );
  const gateway = started.service;
  const db = gatewayPool(config.PG_URL, config.GATEWAY_PG_SCHEMA, {
    max: 3,
    applicationName: 'gateway-test',
  });
  return {
    url: `http://127.0.0.1:${port}`,
    config,
    gateway,
    lines,
    db,
    issueKey: async (storeId) => (await issueKey(db, storeId)).key,
    async cursor(storeId) {
      const { rows } = await db.query<{ last_seq: string }>(
        'SELECT last_seq FROM ingest_store_cursors WHERE store_id = $1',
        [storeId],
      );
      return rows[0] ? Number(rows[0].last_seq) : 0;
    },
    metricsText: started.metricsText,
    async stop() {
      await started.stop();
      await db.end();
    },
  };
}

export interface PostResult {
  status: number;
  body: Record<string, unknown> & {
    results?: {
      store_seq: number | null;
      event_id: string | null;
      status: string;
      error?: { code: string; message: string; field: string | null };
    }[];
    error?: { code: string; message: string; field: string | null };
    retriable?: boolean;
  };
  headers: Headers;
}

/** POST /v1/ingestion/events; `body` is sent as is when a string, else as JSON. */
export async function postBatch(
  url: string,
  key: string | undefined,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<PostResult> {
  const res = await fetch(`${url}/v1/ingestion/events`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(key === undefined ? {} : { authorization: `Bearer ${key}` }),
      ...headers,
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return {
    status: res.status,
    body: text ? (JSON.parse(text) as PostResult['body']) : {},
    headers: res.headers,
  };
}

export const statusesOf = (r: PostResult) =>
  (r.body.results ?? []).map((x) => (x.status === 'error' ? x.error!.code : x.status));
