import type { Server } from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serviceEnv } from '@retail-stream/infra';
import {
  AvroSerde,
  closeServer,
  createLogger,
  createMetricsRegistry,
  ensureTopics,
  Health,
  listen,
  mountOpsRoutes,
  parseConfig,
  type Logger,
} from '@retail-stream/runtime';
import { uniqueName, waitFor } from '@retail-stream/runtime/testing';
import type { StoreEvent } from '@retail-stream/schemas';
import express from 'express';
import { Kafka, logLevel, type Consumer, type ISocketFactory, type KafkaMessage } from 'kafkajs';
import pg from 'pg';
import { issueKey } from '../src/api-keys.ts';
import { gatewayConfig, type GatewayConfig } from '../src/config.ts';
import { gatewayPool } from '../src/db.ts';
import { createIngestGateway, type IngestGateway } from '../src/gateway.ts';

export const ENV = serviceEnv();
export const BROKERS = ENV.KAFKA_BROKERS!.split(',');
export const REGISTRY_URL = ENV.SCHEMA_REGISTRY_URL!;
export const PG_URL = ENV.PG_URL!;
export const PACKAGE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const REPO_ROOT = path.resolve(PACKAGE_DIR, '../..');

/** Store ids as the store edge allows them: lower-case, digits, underscores. */
export function uniqueStoreId(prefix = 'g'): string {
  return uniqueName(prefix).replace(/-/g, '_');
}

/** A Postgres schema of its own per test file, so gateway state never leaks between runs. */
export function uniqueSchema(): string {
  return uniqueName('gw_test').replace(/-/g, '_');
}

export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

// ── Kafka ─────────────────────────────────────────────────────────────────────────────────────

export async function createTopic(partitions = 1): Promise<string> {
  const topic = uniqueName('gateway-test');
  await ensureTopics(BROKERS, [{ topic, numPartitions: partitions }]);
  return topic;
}

export async function deleteTopic(topic: string): Promise<void> {
  const admin = new Kafka({
    clientId: 'gateway-test-admin',
    brokers: BROKERS,
    logLevel: logLevel.NOTHING,
  }).admin();
  await admin.connect();
  try {
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
  } finally {
    await admin.disconnect();
  }
}

export interface Received {
  partition: number;
  offset: number;
  key: string;
  headers: Record<string, string>;
  value: Buffer;
}

/** Reads a topic from the beginning, keeping every record (duplicates included) in partition order. */
export class TopicCollector {
  readonly messages: Received[] = [];
  private consumer: Consumer | undefined;

  constructor(readonly topic: string) {}

  async start(): Promise<this> {
    const kafka = new Kafka({
      clientId: 'gateway-test-reader',
      brokers: BROKERS,
      logLevel: logLevel.NOTHING,
    });
    this.consumer = kafka.consumer({ groupId: uniqueName('gateway-test-reader'), sessionTimeout: 10_000 });
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.topic, fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        this.messages.push(toReceived(partition, message));
      },
    });
    return this;
  }

  /** Records with this key (a store), in partition order. */
  of(key: string): Received[] {
    return this.messages.filter((m) => m.key === key);
  }

  async waitForKey(key: string, n: number, timeoutMs = 20_000): Promise<Received[]> {
    await waitFor(() => this.of(key).length >= n, {
      timeoutMs,
      what: `${n} records of ${key} on ${this.topic} (have ${this.of(key).length})`,
    });
    return this.of(key);
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
  }
}

function toReceived(partition: number, m: KafkaMessage): Received {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(m.headers ?? {}))
    headers[k] = Buffer.isBuffer(v) ? v.toString() : String(v);
  return { partition, offset: Number(m.offset), key: m.key?.toString() ?? '', headers, value: m.value! };
}

export async function decodeAll(serde: AvroSerde, messages: readonly Received[]): Promise<StoreEvent[]> {
  const out: StoreEvent[] = [];
  for (const m of messages) out.push((await serde.decode<StoreEvent>(m.value)).value);
  return out;
}

/** Network faults between the gateway and the real broker (the broker keeps running for others). */
export class KafkaFaults {
  down = false;
  private readonly sockets = new Set<net.Socket>();
  private deadPort = 0;

  async init(): Promise<this> {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.deadPort = (server.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    return this;
  }

  socketFactory: ISocketFactory = ({ host, port, onConnect }) => {
    const socket = this.down
      ? net.connect({ host: '127.0.0.1', port: this.deadPort })
      : net.connect({ host, port }, onConnect);
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    return socket;
  };

  cut(): void {
    this.down = true;
    for (const s of this.sockets) s.destroy(new Error('simulated network outage'));
  }

  restore(): void {
    this.down = false;
  }

  kafka(): Kafka {
    return new Kafka({
      clientId: 'ingest-gateway-test',
      brokers: BROKERS,
      socketFactory: this.socketFactory,
      logLevel: logLevel.NOTHING,
      connectionTimeout: 1_000,
      requestTimeout: 3_000,
      retry: { retries: 1, initialRetryTime: 100, maxRetryTime: 300 },
    });
  }
}

// ── the gateway ───────────────────────────────────────────────────────────────────────────────

export function gatewayTestEnv(topic: string, schema: string, overrides: Record<string, string> = {}) {
  return {
    PG_URL,
    GATEWAY_PG_SCHEMA: schema,
    KAFKA_BROKERS: ENV.KAFKA_BROKERS!,
    SCHEMA_REGISTRY_URL: REGISTRY_URL,
    GATEWAY_TOPIC: topic,
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

export interface LogLine {
  level: string;
  msg: string;
  [k: string]: unknown;
}

export function captureLogger(level = 'info'): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const logger = createLogger({
    service: 'ingest-gateway-test',
    level,
    destination: { write: (s: string) => void lines.push(JSON.parse(s) as LogLine) },
  });
  return { logger, lines };
}

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
  const { logger, lines } = captureLogger('info');
  const metrics = createMetricsRegistry('ingest-gateway', { defaultMetrics: false });
  const health = new Health();
  const gateway = createIngestGateway({ config, logger, metrics, kafka: opts.kafka });
  const app = express();
  mountOpsRoutes(app, { metrics, health });
  health.addCheck('gateway', () => gateway.readiness());
  app.use(gateway.router);
  const { server, port } = await listen(app, 0, '127.0.0.1');
  await gateway.start();
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
    metricsText: () => metrics.metrics(),
    async stop() {
      await closeServer(server as Server).catch(() => undefined);
      await gateway.close();
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

/** `metric{labels} value` → value, for the series whose line contains `match`. */
export function metricValue(text: string, name: string, match = ''): number | undefined {
  const line = text
    .split('\n')
    .find((l) => (l.startsWith(`${name} `) || l.startsWith(`${name}{`)) && l.includes(match));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}
