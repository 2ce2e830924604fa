import {
  assertCredentialsOffLoopback,
  createKafka,
  createServiceRuntime,
  loadConfigOrExit,
} from '@retail-stream/runtime';
import { dashboardConfig } from './config.ts';
import { mountDashboard } from './dashboard-app.ts';
import { PipelineStatusSource } from './pipeline-status.ts';
import { fetchStoreBacklogs } from './store-backlog.ts';
import { checkWebBuild, DEFAULT_DIST_DIR } from './web-assets.ts';

/**
 * The live dashboard: `npm run build -w @retail-stream/dashboard && npm start -w @retail-stream/dashboard`.
 * Serves the built web app, proxies /api/reports/* to the reports API with the read-only token,
 * and answers /api/pipeline (Kafka admin) and /api/stores/backlog (store edges) itself.
 */
const config = loadConfigOrExit(dashboardConfig);
try {
  // It shows sales and stock of every store: off loopback only behind a login.
  assertCredentialsOffLoopback(config.HTTP_HOST, !!config.DASHBOARD_USERS, 'DASHBOARD_USERS');
} catch (err) {
  process.stderr.write(`dashboard: ${(err as Error).message}\n`);
  process.exit(78); // EX_CONFIG
}
const rt = createServiceRuntime('dashboard', config);

const distDir = config.DASHBOARD_DIST_DIR ?? DEFAULT_DIST_DIR;
try {
  if (checkWebBuild(distDir).stale) {
    rt.logger.warn(
      { distDir },
      'web build is older than web/: run npm run build -w @retail-stream/dashboard',
    );
  }
} catch (err) {
  rt.logger.fatal({ err: (err as Error).message }, 'cannot serve the dashboard');
  process.exit(1);
}

const admin = createKafka(config, 'dashboard', rt.logger).admin();
let adminConnected = false;
const connectAdmin = async () => {
  if (adminConnected) return;
  await admin.connect();
  adminConnected = true;
};
const pipeline = new PipelineStatusSource(admin, {
  groups: config.DASHBOARD_CONSUMER_GROUPS,
  dlqTopic: config.DLQ_TOPIC,
  lateTopic: config.KPI_LATE_TOPIC,
  cacheMs: config.PIPELINE_CACHE_MS,
});

mountDashboard({
  app: rt.app,
  logger: rt.logger,
  metrics: rt.metrics,
  distDir,
  users: config.DASHBOARD_USERS,
  reports: {
    baseUrl: config.REPORTS_API_URL,
    token: config.REPORTS_API_TOKEN,
    timeoutMs: config.REPORTS_TIMEOUT_MS,
  },
  // Kafka being down must not stop the page: the pipeline panel shows the error, the rest works.
  pipeline: async () => {
    await connectAdmin();
    return pipeline.get();
  },
  storeBacklogs: () =>
    fetchStoreBacklogs(config.STORE_EDGE_URLS, {
      token: config.STORE_EDGE_MONITOR_TOKEN ?? config.STORE_EDGE_TOKEN,
      timeoutMs: config.STORE_EDGE_TIMEOUT_MS,
    }),
});

rt.shutdown.onShutdown('kafka admin', () => admin.disconnect(), 'close');
await rt.serve(config.DASHBOARD_PORT, { isApi: true });
rt.logger.info({ reports: config.REPORTS_API_URL, distDir }, 'dashboard started');
