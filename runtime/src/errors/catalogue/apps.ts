import type { ErrorSection } from './entry.ts';

/** Apps people use (apps/dashboard) and test drivers (tools/store-simulator). */
export const appErrors = {
  DASHBOARD_NOT_BUILT: {
    retriable: false,
    meaning: "The dashboard's web assets are not built.",
    action: 'Run the dashboard build (see apps/dashboard/README.md) before starting it.',
  },
  REPORTS_API_UNAVAILABLE: {
    retriable: true,
    http: 502,
    meaning: 'The dashboard cannot reach the reports API.',
    action: 'Check the reports API (postgres-sink) and DASHBOARD_REPORTS_URL.',
  },
  INVALID_ARGUMENTS: {
    retriable: false,
    meaning: 'The store simulator got invalid arguments.',
    action: 'Fix the command line (see tools/store-simulator/README.md).',
  },
  STORE_UNREACHABLE: {
    retriable: true,
    meaning: 'The simulator could not reach a store edge after its retries.',
    action: 'Check the store edge is running on the URL the simulator uses.',
  },
  STORE_UNEXPECTED_ANSWER: {
    retriable: false,
    meaning: 'The simulator got a store edge answer its flow did not expect, without a catalogue code.',
    action: 'Read the status and message in the simulator log; usually a simulator/edge version mismatch.',
  },
  INVALID_RATE: {
    retriable: false,
    http: 400,
    meaning: 'Simulator control API: the rate is not a positive number.',
    action: 'Send {"rate": sales per second}.',
  },
  STORE_NOT_FOUND: {
    retriable: false,
    http: 404,
    meaning: 'Simulator control API: this run does not drive that store.',
    action: 'Use a store id of the run (GET the run status).',
  },
  HOST_UNAVAILABLE: {
    retriable: true,
    http: 502,
    meaning: 'Simulator control API: the multi-store host does not answer.',
    action: 'Check the host process.',
  },
} as const satisfies ErrorSection;
