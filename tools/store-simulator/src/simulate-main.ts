import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  assertCredentialsOffLoopback,
  createServiceRuntime,
  loadConfigOrExit,
  ValidationError,
} from '@retail-stream/runtime';
import { LedgerWriter } from './ledger.ts';
import { formatSummary, ProgressReporter } from './progress.ts';
import { parseSimArgs, simEnvConfig, USAGE, type SimCli } from './sim-config.ts';
import { simulatorRoutes } from './sim-routes.ts';
import { Simulator } from './simulator.ts';

/**
 * npm run simulate -w @retail-stream/store-simulator -- --stores 5 --terminals 3 --rate 20 --duration 60
 * (the multi-store host must be running; see README.md).
 */
const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

let cli: SimCli;
try {
  cli = parseSimArgs(process.argv.slice(2));
} catch (err) {
  process.stderr.write(`${err instanceof ValidationError ? err.message : String(err)}\n${USAGE}\n`);
  process.exit(64); // EX_USAGE
}
if (cli.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const config = loadConfigOrExit(simEnvConfig);
try {
  assertCredentialsOffLoopback(
    config.HTTP_HOST,
    !!config.SIM_CONTROL_TOKEN_SHA256,
    'SIM_CONTROL_TOKEN_SHA256',
  );
} catch (err) {
  process.stderr.write(`store-simulator: ${(err as Error).message}\n`);
  process.exit(78); // EX_CONFIG
}
const rt = createServiceRuntime('store-simulator', config);
const ledgerFile =
  cli.ledger ??
  path.join(
    REPO_ROOT,
    '.data',
    'simulator',
    `ledger-${new Date().toISOString().replace(/[:.]/g, '-')}.jsonl`,
  );
const ledger = new LedgerWriter(ledgerFile);

let sim: Simulator;
try {
  sim = await Simulator.prepare(cli.options, {
    hostUrl: cli.hostUrl ?? config.STORE_HOST_URL,
    hostToken: config.STORE_HOST_CONTROL_TOKEN,
    tokenSecret: config.TERMINAL_TOKEN_SECRET,
    qrSecret: config.QR_CALLBACK_SECRET,
    ledger,
    logger: rt.logger,
    metrics: rt.metrics,
  });
} catch (err) {
  rt.logger.fatal({ err }, 'simulator could not start');
  process.stderr.write(`simulator could not start: ${(err as Error).message}\n`);
  await rt.shutdown.trigger('startup failed', 1);
  throw err;
}

rt.app.use(simulatorRoutes(sim, { tokenSha256: config.SIM_CONTROL_TOKEN_SHA256 }));
const port = await rt.serve(cli.port ?? config.SIM_PORT ?? config.OPS_PORT, { isApi: true });
process.stdout.write(
  `store simulator: ${sim.status().stores.length} store(s) × ${cli.options.terminals} till(s), ` +
    `control page http://${config.HTTP_HOST}:${port}/${config.SIM_CONTROL_TOKEN_SHA256 ? '#token=<SIM_CONTROL_TOKEN>' : ''}, ledger ${ledgerFile}\n`,
);
const progress = new ProgressReporter(() => sim.status(), process.stdout);
progress.start();
rt.shutdown.onShutdown(
  'simulation: finish in-flight customers, close the ledger',
  () => sim.stop('signal'),
  'drain',
);
rt.shutdown.onShutdown(
  'summary',
  () => {
    progress.stop();
    process.stdout.write(`${formatSummary(sim.status())}\n`);
  },
  'flush',
);
if (!cli.paused) sim.start();
await sim.finished;
await rt.shutdown.trigger('run finished', 0);
