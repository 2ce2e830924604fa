import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChildSpec } from '@retail-stream/scripts/supervisor';
import type { PipelineNames } from './pipeline-names.ts';
import type { PipelinePorts } from './pipeline-spec.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

/** The mock national pharmacy database's API and ops ports (tests and the demo only), the sync's. */
export interface NationalPorts {
  nationalMock: number;
  nationalMockOps: number;
  nationalSyncOps: number;
}

export const DEMO_NATIONAL_PORTS: NationalPorts = {
  nationalMock: 18190,
  nationalMockOps: 9307,
  nationalSyncOps: 9306,
};

/** A run's national pharmacy names: the sync's schema and group, the mock authority's files. */
export interface NationalNames {
  /** The sync's own Postgres schema (documents, attempts). */
  schema: string;
  group: string;
  /** The pharmacies' accounts: the mock's accounts file and the sync's secrets file. */
  accountsFile: string;
  drugsFile: string;
  /** What the mock accepted (the checker reads it). */
  mockStateFile: string;
}

export function nationalNames(runSuffix: string): NationalNames {
  const file = (name: string) =>
    path.join(ROOT, '.data', 'national', `${name}${runSuffix ? `-${runSuffix}` : ''}.json`);
  return {
    schema: runSuffix ? `national_sync_${runSuffix}` : 'national_sync',
    group: runSuffix ? `national-pharmacy-sync.${runSuffix}` : 'national-pharmacy-sync',
    accountsFile: file('accounts'),
    drugsFile: file('drugs'),
    mockStateFile: file('mock-state'),
  };
}

export interface NationalChildrenOptions {
  names: PipelineNames;
  ports: PipelinePorts;
  /** The run's shared environment (endpoints, LOG_LEVEL). */
  base: Record<string, string>;
  /** --stores/--prefix/--skus, as the seed gets them: the same stores are the pharmacies. */
  storeArgs: string[];
  run: (file: string, args?: string[]) => Pick<ChildSpec, 'command' | 'args' | 'cwd'>;
  ready: (port: number) => string;
}

/**
 * The national pharmacy parts of a run: the one-shot that writes the pharmacies' demo accounts
 * and the drug list (and clears the mock's old state), the mock authority (tests and the demo
 * only, 50 ms per call) and the sync that sends to it.
 */
export function nationalChildren(o: NationalChildrenOptions): {
  files: ChildSpec;
  mock: ChildSpec;
  sync: ChildSpec;
} {
  const { names, ports: p, base } = o;
  const f = names.national;
  return {
    files: {
      name: 'national-files',
      ...o.run('scripts/e2e/src/national-files-main.ts', [
        ...o.storeArgs,
        '--accounts',
        f.accountsFile,
        '--drugs',
        f.drugsFile,
        '--reset-state',
        f.mockStateFile,
      ]),
      env: base,
      oneShot: true,
    },
    mock: {
      name: 'national-mock',
      ...o.run('tools/national-pharmacy-mock/src/main.ts'),
      env: {
        ...base,
        OPS_PORT: String(p.nationalMockOps),
        NATIONAL_MOCK_PORT: String(p.nationalMock),
        NATIONAL_MOCK_ACCOUNTS_FILE: f.accountsFile,
        NATIONAL_MOCK_DRUGS_FILE: f.drugsFile,
        NATIONAL_MOCK_STATE_FILE: f.mockStateFile,
        NATIONAL_MOCK_LATENCY_MS: '50',
      },
      readyUrl: o.ready(p.nationalMockOps),
    },
    sync: {
      name: 'sink-national',
      ...o.run('sinks/national-pharmacy/src/main.ts'),
      env: {
        ...base,
        OPS_PORT: String(p.nationalSyncOps),
        NATIONAL_SYNC_PG_SCHEMA: f.schema,
        NATIONAL_SYNC_BASE_URL: `http://127.0.0.1:${p.nationalMock}`,
        NATIONAL_SYNC_ACCOUNTS_FILE: f.accountsFile,
        SINK_GROUP_ID: f.group,
        SINK_EVENTS_TOPIC: names.topics.enriched,
        SINK_DLQ_TOPIC: names.topics.dlq,
      },
      readyUrl: o.ready(p.nationalSyncOps),
    },
  };
}
