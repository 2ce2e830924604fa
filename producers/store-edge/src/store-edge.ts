import {
  bodyLimit,
  counter,
  errorMiddleware,
  gauge,
  type Logger,
  type RunningService,
} from '@retail-stream/runtime';
import express, { Router, type Express } from 'express';
import type pg from 'pg';
import type { Registry } from 'prom-client';
import type { CardAcquirer } from './card-acquirer.ts';
import type { StoreEdgeConfig } from './config.ts';
import {
  createStorePool,
  databaseAnswers,
  prepareStoreDatabase,
  storeDatabaseUrl,
} from './db/store-database.ts';
import { deleteExpiredKeys } from './db/idempotency-repo.ts';
import { outboxBacklog } from './db/outbox-backlog.ts';
import { ensureStoreProfile } from './db/store-repo.ts';
import { requestMetrics } from './http/request-metrics.ts';
import { traceContext } from './http/trace-context.ts';
import type { PaymentProvider } from './payment-provider.ts';
import { paymentProvidersOf } from './payment-provider-config.ts';
import { inventoryRoutes } from './routes/inventory.ts';
import { paymentRoutes, qrCallbackRoutes } from './routes/payments.ts';
import { reportRoutes } from './routes/reports.ts';
import { transactionRoutes } from './routes/transactions.ts';
import { Refusal } from './refusal.ts';
import type { StoreServices } from './store-context.ts';
import { requireTerminal } from './terminal-auth.ts';

export interface StoreEdgeDeps {
  config: StoreEdgeConfig;
  logger: Logger;
  metrics: Registry;
  /** The app to mount /v1 on (the runtime's, which already serves /metrics, /healthz, /readyz). */
  app: Express;
  qr?: PaymentProvider;
  card?: CardAcquirer;
}

/**
 * The running store edge (RunningService): isReady is the last background database round trip
 * (the backlog refresh) having answered; stop ends the background refreshes (shutdown phase flush;
 * the HTTP server, which belongs to the caller, finishes in-flight requests first); close ends the
 * pool. ping asks the database now (main.ts's readiness check).
 */
export interface StoreEdge extends RunningService {
  pool: pg.Pool;
  services: StoreServices;
  ping(): Promise<boolean>;
}

const IDEMPOTENCY_SWEEP_MS = 10 * 60_000;

/**
 * Builds the service on an express app: the store database (created and migrated), the store
 * row, the /v1 API and the background gauges. main.ts adds process concerns (signals, port).
 */
export async function startStoreEdge(deps: StoreEdgeDeps): Promise<StoreEdge> {
  const { config, logger, metrics, app } = deps;
  await prepareStoreDatabase(config.PG_URL, config.STORE_ID, logger);
  const pool = createStorePool(storeDatabaseUrl(config.PG_URL, config.STORE_ID), config.PG_POOL_MAX);
  // An idle client losing its server connection emits here; without a listener it would crash the process.
  pool.on('error', (err) => logger.warn({ err }, 'idle postgres client error'));

  const store = await ensureStoreProfile(pool, {
    store_id: config.STORE_ID,
    name: config.STORE_NAME ?? `Store ${config.STORE_ID}`,
    timezone: config.STORE_TIMEZONE,
    currency: config.STORE_CURRENCY,
    region: config.STORE_REGION,
  });
  const providers = paymentProvidersOf(config);
  if (config.EDGE_PAYMENT_PROVIDER === 'fake') {
    logger.warn(
      { payment_provider: 'fake' },
      'EDGE_PAYMENT_PROVIDER=fake: card and QR payments are approved without a bank (tests and demos only)',
    );
  }
  const services: StoreServices = {
    store,
    stockPolicy: config.EDGE_INSUFFICIENT_STOCK_POLICY,
    customerHmacKey: config.EDGE_CUSTOMER_HMAC_KEY,
    qrExpirySeconds: config.EDGE_QR_EXPIRY_S,
    qr: deps.qr ?? providers.qr,
    card: deps.card ?? providers.card,
  };

  const salesFinalized = counter(
    metrics,
    'retail_pos_sales_finalized_total',
    'Sales finalized (status PAID)',
  );
  const checkoutConflicts = counter(
    metrics,
    'retail_pos_checkout_conflicts_total',
    'Checkout writes that found the sale, its stock or its lots changed since their read, and read again',
  );
  const v1 = Router();
  v1.use(traceContext());
  v1.use(requestMetrics(metrics));
  // Any body over the limit, on any route (QR callbacks included): 413 unread, connection closed.
  v1.use(bodyLimit(config.EDGE_BODY_LIMIT_BYTES, { logger }));
  v1.use(qrCallbackRoutes(pool, services, config.EDGE_BODY_LIMIT_BYTES));
  v1.use(requireTerminal(config.EDGE_TERMINAL_TOKENS, config.EDGE_MONITOR_TOKENS));
  v1.use(express.json({ limit: config.EDGE_BODY_LIMIT_BYTES }));
  v1.use(transactionRoutes(pool, services, { salesFinalized, checkoutConflicts }));
  v1.use(paymentRoutes(pool, services));
  v1.use(inventoryRoutes(pool, services));
  v1.use(reportRoutes(pool, services, config.EDGE_RELAY_STALE_AFTER_S));
  v1.use((req, _res, next) =>
    next(new Refusal('ROUTE_NOT_FOUND', `no route ${req.method} ${req.baseUrl}${req.path}`)),
  );
  // Refusals answer with their catalogue status and code; anything else is a logged 500 INTERNAL.
  v1.use(errorMiddleware(logger));
  app.use('/v1', v1);

  const backlogGauge = gauge(
    metrics,
    'retail_outbox_backlog_rows',
    'Outbox rows not yet published by the relay',
  );
  let databaseAnswered = true;
  const refreshBacklog = async () => {
    try {
      backlogGauge.set((await outboxBacklog(pool, store.store_id)).rows);
      databaseAnswered = true;
    } catch (err) {
      databaseAnswered = false;
      logger.warn({ err }, 'outbox backlog refresh failed');
    }
  };
  const sweepIdempotencyKeys = async () => {
    try {
      const deleted = await deleteExpiredKeys(pool, config.EDGE_IDEMPOTENCY_TTL_H * 3600);
      if (deleted) logger.info({ deleted }, 'expired idempotency keys removed');
    } catch (err) {
      logger.warn({ err }, 'idempotency key sweep failed');
    }
  };
  await refreshBacklog();
  const timers = [
    setInterval(() => void refreshBacklog(), config.EDGE_BACKLOG_REFRESH_S * 1000),
    setInterval(() => void sweepIdempotencyKeys(), IDEMPOTENCY_SWEEP_MS),
  ];
  timers.forEach((t) => t.unref());
  let stopped = false;

  logger.info(
    { store_id: store.store_id, timezone: store.timezone, currency: store.currency },
    'store edge ready',
  );
  return {
    pool,
    services,
    ping: () => databaseAnswers(pool),
    isReady: () => !stopped && databaseAnswered,
    stop: async () => {
      stopped = true;
      timers.forEach((t) => clearInterval(t));
    },
    close: () => pool.end(),
  };
}
