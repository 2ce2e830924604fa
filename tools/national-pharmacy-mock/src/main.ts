import { createServiceRuntime, loadConfigOrExit, runService } from '@retail-stream/runtime';
import { faultsFromConfig, nationalMockConfig } from './config.ts';
import { MOCK_NAME, startNationalPharmacyMock } from './start-mock.ts';

/**
 * The mock national pharmacy database for the demo: `npm run national-pharmacy-mock` with
 * NATIONAL_MOCK_ACCOUNTS_FILE and NATIONAL_MOCK_DRUGS_FILE. Never in production config: it accepts
 * what the real authority would and keeps it in memory (and NATIONAL_MOCK_STATE_FILE). See README.md.
 */
const config = loadConfigOrExit(nationalMockConfig);
const rt = createServiceRuntime(MOCK_NAME, config);
await runService(
  rt,
  (deps) =>
    startNationalPharmacyMock({
      accountsFile: config.NATIONAL_MOCK_ACCOUNTS_FILE,
      drugsFile: config.NATIONAL_MOCK_DRUGS_FILE,
      port: config.NATIONAL_MOCK_PORT,
      host: config.HTTP_HOST,
      tokenTtlMs: config.NATIONAL_MOCK_TOKEN_TTL_S * 1000,
      controlToken: config.NATIONAL_MOCK_CONTROL_TOKEN,
      stateFile: config.NATIONAL_MOCK_STATE_FILE,
      faults: faultsFromConfig(config),
      logger: deps.logger,
      metrics: deps.metrics,
    }).then((mock) => {
      deps.logger.info({ port: Number(new URL(mock.url).port), url: mock.url }, 'http listening');
      return mock;
    }),
  {
    name: MOCK_NAME,
    opsPort: config.OPS_PORT,
    check: 'api',
    stopHook: 'mock api',
    closeHook: 'mock state file',
    stopPhase: 'stop-intake',
    startedLog: {
      controlApi: config.NATIONAL_MOCK_CONTROL_TOKEN !== undefined,
      stateFile: config.NATIONAL_MOCK_STATE_FILE,
    },
  },
);
