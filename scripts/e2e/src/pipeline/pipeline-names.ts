import crypto from 'node:crypto';
import * as pharmacy from './national-spec.ts';

/**
 * What a pipeline run owns: its secrets (generated per run, never in the repo) and its names. The
 * demo runs with the default names; the end-to-end test and benchmark add a run suffix to every
 * topic, consumer group, schema, keyspace and store id, so they can run beside a demo.
 */
export interface PipelineSecrets {
  terminalTokenSecret: string;
  customerHmacKey: string;
  qrCallbackSecret: string;
  reportsToken: string;
  /** Read-only store-edge token of the dashboard (GET /v1/sync/status only). */
  monitorToken: string;
  /** Bearer token of the store host's /control API. */
  hostControlToken: string;
  /** Bearer token of the simulator's /api (the control page gets it in its URL fragment). */
  simControlToken: string;
  /** HQ's store-signing master keys (SIGNING_MASTER_KEYS of ingest and the store host). */
  signingMasterKeys: string;
}

export function generateSecrets(): PipelineSecrets {
  const hex = (n: number) => crypto.randomBytes(n).toString('hex');
  return {
    terminalTokenSecret: hex(32),
    customerHmacKey: hex(32),
    qrCallbackSecret: hex(24),
    reportsToken: `rpt_${hex(24)}`,
    monitorToken: `mon_${hex(24)}`,
    hostControlToken: `hct_${hex(24)}`,
    simControlToken: `sct_${hex(24)}`,
    signingMasterKeys: `v1:${hex(32)}`,
  };
}

/** Every name a run owns. */
export interface PipelineNames {
  storePrefix: string;
  topics: {
    pos: string;
    enriched: string;
    dlq: string;
    alerts: string;
    dedupState: string;
    duplicates: string;
    refStores: string;
    refProducts: string;
    kpi: string;
    kpiStoreWindows: string;
    kpiChangelog: string;
    kpiLate: string;
  };
  groups: {
    ingest: string;
    kpi: string;
    kpiChain: string;
    postgres: string;
    clickhouse: string;
    cassandra: string;
  };
  pgSchema: string;
  /** The national pharmacy sync's schema, group and the mock authority's files. */
  national: pharmacy.NationalNames;
  clickhouseDatabase: string;
  cassandraKeyspace: string;
}

export function pipelineNames(runSuffix: string): PipelineNames {
  const t = (name: string) => (runSuffix ? `${name}.${runSuffix}` : name);
  const u = (name: string) => (runSuffix ? `${name}_${runSuffix}` : name);
  return {
    storePrefix: runSuffix ? `e${runSuffix}s` : 's',
    topics: {
      pos: t('retail.pos.events'),
      enriched: t('retail.events.enriched'),
      dlq: t('retail.events.dlq'),
      alerts: t('retail.ops.alerts'),
      dedupState: t('retail.ingest.dedup-state'),
      duplicates: t('retail.ingest.duplicates'),
      refStores: t('retail.ref.stores'),
      refProducts: t('retail.ref.products'),
      kpi: t('retail.kpi.windows'),
      kpiStoreWindows: t('retail.kpi.store-windows'),
      kpiChangelog: t('retail.kpi.changelog'),
      kpiLate: t('retail.kpi.late'),
    },
    // Without a suffix these are the services' own defaults (what an operator sees running one by hand).
    groups: {
      ingest: t('ingest-processor'),
      kpi: t('kpi-windows'),
      kpiChain: t('kpi-windows-chain'),
      postgres: t('postgres-sink'),
      clickhouse: t('clickhouse-sink'),
      cassandra: t('cassandra-sink'),
    },
    pgSchema: u('hq'),
    national: pharmacy.nationalNames(runSuffix),
    clickhouseDatabase: u('retail'),
    cassandraKeyspace: u('retail'),
  };
}
