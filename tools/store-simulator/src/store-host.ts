import type { Server } from 'node:http';
import {
  ChildRegistries,
  closeServer,
  deriveStoreKey,
  formatSigningKey,
  listen,
  parseConfig,
  withTransaction,
  type Logger,
} from '@retail-stream/runtime';
import { relayConfig, startOutboxRelay, type OutboxRelayService } from '@retail-stream/outbox-relay';
import {
  hashToken,
  outboxBacklog,
  startStoreEdge,
  storeEdgeConfig,
  type StoreEdge,
} from '@retail-stream/store-edge';
import express from 'express';
import { Registry } from 'prom-client';
import type { HostConfig } from './host-config.ts';
import { KafkaLink } from './kafka-link.ts';
import { BACK_OFFICE_TERMINAL, terminalIds, terminalToken } from './terminal-tokens.ts';

/** What the control API says about a store (no secrets: tokens are derived by the simulator). */
export interface HostedStoreInfo {
  store_id: string;
  name: string;
  timezone: string;
  currency: string;
  region: string;
  /** The national pharmacy code (ma_co_so) of a licensed pharmacy; null for other stores. */
  pharmacy_code: string | null;
  url: string;
  port: number;
  terminals: string[];
  back_office_terminal: string;
  online: boolean;
}

/** Units of one lot of a medicine at a store (ISO days). */
export interface HostedLot {
  sku: string;
  lot_no: string;
  manufactured_on: string;
  expires_on: string;
  on_hand: number;
}

interface HostedStore {
  info: Omit<HostedStoreInfo, 'online'>;
  edge: StoreEdge;
  relay: OutboxRelayService;
  link: KafkaLink;
  server: Server;
}

export interface StoreHostDeps {
  config: HostConfig;
  logger: Logger;
  /** The process registry; each store's components get their own, exposed here labelled by store. */
  metrics: Registry;
  signal?: AbortSignal;
}

/** Store ids the config asks for: STORES, or STORE_COUNT ids STORE_PREFIX001… */
export function hostedStoreIds(
  config: Pick<HostConfig, 'STORES' | 'STORE_COUNT' | 'STORE_PREFIX'>,
): string[] {
  if (config.STORES) return [...new Set(config.STORES)];
  return Array.from(
    { length: config.STORE_COUNT },
    (_, i) => `${config.STORE_PREFIX}${String(i + 1).padStart(3, '0')}`,
  );
}

/**
 * N stores in one process: for each, the real store-edge app on its own port and the real outbox
 * relay, as the two packages build them (one process per store would be two Node processes of
 * ~100 MB each). Each store keeps its own database pools, Kafka client (through a KafkaLink the
 * host can cut) and metric registry; logs carry store_id.
 */
export class StoreHost {
  private readonly stores = new Map<string, HostedStore>();
  private readonly children: ChildRegistries;

  private constructor(private readonly deps: StoreHostDeps) {
    this.children = new ChildRegistries(deps.metrics);
  }

  static async start(deps: StoreHostDeps): Promise<StoreHost> {
    const host = new StoreHost(deps);
    const ids = hostedStoreIds(deps.config);
    const queue = ids.map((id, index) => ({ id, index }));
    try {
      await Promise.all(
        Array.from({ length: Math.min(deps.config.START_CONCURRENCY, ids.length) }, async () => {
          for (let next = queue.shift(); next; next = queue.shift()) {
            if (deps.signal?.aborted) return;
            await host.startStore(next.id, next.index);
          }
        }),
      );
    } catch (err) {
      await host.stopIntake();
      await host.drain();
      await host.close();
      throw err;
    }
    deps.logger.info({ stores: ids.length }, 'store host ready');
    return host;
  }

  list(): HostedStoreInfo[] {
    return [...this.stores.values()]
      .map((s) => ({ ...s.info, online: s.link.online }))
      .sort((a, b) => a.store_id.localeCompare(b.store_id));
  }

  has(storeId: string): boolean {
    return this.stores.has(storeId);
  }

  /** Cuts (false) or restores (true) the store's link to Kafka; the POS keeps selling either way. */
  setOnline(storeId: string, online: boolean): HostedStoreInfo | undefined {
    const store = this.stores.get(storeId);
    if (!store) return undefined;
    if (online !== store.link.online) {
      if (online) store.link.restore();
      else store.link.cut();
      this.deps.logger.warn(
        { store_id: storeId, online },
        online ? 'store back online' : 'store taken offline',
      );
    }
    return { ...store.info, online: store.link.online };
  }

  /** Unpublished outbox rows and the last store_seq, per store (from each store's own database). */
  async backlog(): Promise<Record<string, { backlog: number; last_store_seq: number }>> {
    const out: Record<string, { backlog: number; last_store_seq: number }> = {};
    await Promise.all(
      [...this.stores.values()].map(async (s) => {
        const storeId = s.info.store_id;
        // One snapshot for both numbers, as the single statement this replaced read them: the
        // backlog is the store edge's own query; the last store_seq is not part of it.
        out[storeId] = await withTransaction(s.edge.pool, async (c) => {
          await c.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY');
          const { rows: backlog } = await outboxBacklog(c, storeId);
          const { rows } = await c.query<{ last_seq: string }>(
            'SELECT last_seq FROM store_sequence WHERE store_id = $1',
            [storeId],
          );
          return { backlog, last_store_seq: Number(rows[0]?.last_seq ?? 0) };
        });
      }),
    );
    return out;
  }

  /**
   * The medicine lots a store holds (units on hand, expired ones included), from its database: what
   * the pharmacist sees on the shelf. The store edge's API lists no lots; the simulator's write-offs
   * need them to name an expired lot. Undefined for a store the host does not run.
   */
  async lots(storeId: string): Promise<HostedLot[] | undefined> {
    const store = this.stores.get(storeId);
    if (!store) return undefined;
    const { rows } = await store.edge.pool.query<HostedLot>(
      `SELECT sku, lot_no, manufactured_on::text, expires_on::text, on_hand
         FROM stock_lots WHERE store_id = $1 AND on_hand > 0 ORDER BY sku, lot_no`,
      [storeId],
    );
    return rows;
  }

  /** Every store database answers; used by /readyz. */
  async ready(): Promise<true | string> {
    const results = await Promise.all(
      [...this.stores.values()].map(async (s) =>
        (await s.edge.ping().catch(() => false)) ? undefined : s.info.store_id,
      ),
    );
    const down = results.filter((r): r is string => r !== undefined);
    return down.length === 0 ? true : `store database not answering: ${down.join(', ')}`;
  }

  /** Shutdown phase stop-intake: the POS APIs stop accepting and finish in-flight requests. */
  async stopIntake(): Promise<void> {
    await Promise.allSettled([...this.stores.values()].map((s) => closeServer(s.server)));
  }

  /** Shutdown phase drain: each relay finishes and marks its batch in flight. */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.stores.values()].map((s) => s.relay.stop()));
    await Promise.allSettled([...this.stores.values()].map((s) => s.edge.stop()));
  }

  /** Shutdown phase close: producers, lease sessions, pools. */
  async close(): Promise<void> {
    await Promise.allSettled(
      [...this.stores.values()].map(async (s) => {
        await s.relay.close();
        await s.edge.close();
      }),
    );
  }

  private async startStore(storeId: string, index: number): Promise<void> {
    const { config } = this.deps;
    const logger = this.deps.logger.child({ store_id: storeId });
    const tills = terminalIds(config.TERMINALS_PER_STORE);
    const tokens = [...tills, BACK_OFFICE_TERMINAL].map(
      (t) => `${t}:${hashToken(terminalToken(config.TERMINAL_TOKEN_SECRET, storeId, t))}`,
    );
    const common = {
      LOG_LEVEL: config.LOG_LEVEL,
      HTTP_HOST: config.HTTP_HOST,
      STORE_ID: storeId,
      PG_URL: config.PG_URL,
    };
    const edgeConfig = parseConfig(storeEdgeConfig, {
      ...common,
      PG_POOL_MAX: String(config.EDGE_PG_POOL_MAX),
      EDGE_TERMINAL_TOKENS: tokens.join(','),
      EDGE_CUSTOMER_HMAC_KEY: config.CUSTOMER_HMAC_KEY,
      EDGE_QR_CALLBACK_SECRET: config.QR_CALLBACK_SECRET,
      EDGE_MONITOR_TOKENS: config.STORE_MONITOR_TOKEN_SHA256?.map((h, i) => `monitor${i + 1}:${h}`).join(','),
      // The simulator's tills pay through the built-in fakes: it is a test and demo tool.
      EDGE_PAYMENT_PROVIDER: 'fake',
    });
    const relayCfg = parseConfig(relayConfig, {
      ...common,
      KAFKA_BROKERS: config.KAFKA_BROKERS.join(','),
      SCHEMA_REGISTRY_URL: config.SCHEMA_REGISTRY_URL,
      PG_POOL_MAX: String(config.RELAY_PG_POOL_MAX),
      RELAY_TOPIC: config.RELAY_TOPIC,
      RELAY_SIGNING_KEY: formatSigningKey(deriveStoreKey(config.SIGNING_MASTER_KEYS[0]!, storeId)),
      SCHEMA_REGISTRY_USERNAME: config.SCHEMA_REGISTRY_USERNAME,
      SCHEMA_REGISTRY_PASSWORD: config.SCHEMA_REGISTRY_PASSWORD,
      RELAY_REGISTER_SCHEMAS: String(config.RELAY_REGISTER_SCHEMAS),
      RELAY_BACKOFF_MAX_MS: String(config.RELAY_BACKOFF_MAX_MS),
      RELAY_HEALTH_INTERVAL_MS: String(config.RELAY_HEALTH_INTERVAL_MS),
    });

    const edgeMetrics = new Registry();
    const app = express();
    app.disable('x-powered-by');
    app.get('/healthz', (_req, res) => {
      res.json({ status: 'ok', store_id: storeId });
    });
    const edge = await startStoreEdge({
      config: edgeConfig,
      logger: logger.child({ role: 'store-edge' }),
      metrics: edgeMetrics,
      app,
    });
    let relay: OutboxRelayService | undefined;
    let server: Server | undefined;
    try {
      const link = await KafkaLink.create();
      const relayMetrics = new Registry();
      const relayLogger = logger.child({ role: 'outbox-relay' });
      relay = await startOutboxRelay({
        config: relayCfg,
        logger: relayLogger,
        metrics: relayMetrics,
        signal: this.deps.signal,
        kafka: link.kafka(config, `store-host-relay-${storeId}`, relayLogger),
      });
      const port = config.STORE_BASE_PORT === 0 ? 0 : config.STORE_BASE_PORT + index;
      const bound = await listen(app, port, config.HTTP_HOST);
      server = bound.server;
      const store = edge.services.store;
      this.stores.set(storeId, {
        info: {
          store_id: storeId,
          name: store.name,
          timezone: store.timezone,
          currency: store.currency,
          region: store.region,
          pharmacy_code: store.pharmacy_code ?? null,
          url: `http://${config.HTTP_HOST}:${bound.port}`,
          port: bound.port,
          terminals: tills,
          back_office_terminal: BACK_OFFICE_TERMINAL,
        },
        edge,
        relay,
        link,
        server,
      });
      this.children.add({ registry: edgeMetrics, labels: { store_id: storeId, component: 'store-edge' } });
      this.children.add({ registry: relayMetrics, labels: { store_id: storeId, component: 'outbox-relay' } });
      logger.info({ port: bound.port }, 'store started');
    } catch (err) {
      if (server) await closeServer(server).catch(() => undefined);
      if (relay) {
        // Started already (polling or standing by): stop before closing its pool and producer.
        await relay.stop().catch(() => undefined);
        await relay.close().catch(() => undefined);
      }
      await edge.stop();
      await edge.close().catch(() => undefined);
      throw err;
    }
  }
}
