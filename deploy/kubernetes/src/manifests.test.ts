import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { KAFKA_PRINCIPALS } from '@retail-stream/infra';
import { SERVICE_PROCESS_ENV } from '@retail-stream/scripts/bundle';
import { cassandraSinkConfig } from '@retail-stream/cassandra-sink';
import { sinkConfig as clickhouseSinkConfig } from '@retail-stream/clickhouse-sink';
import { dashboardConfig } from '@retail-stream/dashboard';
import { gatewayConfig } from '@retail-stream/ingest-gateway';
import { ingestConfig } from '@retail-stream/ingest-processor';
import { kpiConfig } from '@retail-stream/kpi-windows';
import { nationalSyncConfig } from '@retail-stream/national-pharmacy-sink';
import { relayConfig } from '@retail-stream/outbox-relay';
import { reportsConfig, sinkConfig as postgresSinkConfig } from '@retail-stream/postgres-sink';
import { storeEdgeConfig } from '@retail-stream/store-edge';
import { readManifests, validateManifest, type ManifestDoc } from './manifest-validation.ts';
import { renderFiles } from './render.ts';
import { SERVICES, STORE_SERVICES } from './services.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const docs = readManifests(ROOT);
const ofKind = (kind: string) => docs.filter((d) => d.kind === kind);
const named = (kind: string, name: string) => ofKind(kind).find((d) => d.metadata.name === name);
const ALL = [...SERVICES, ...STORE_SERVICES];

/** Each Deployment's env is checked against the zod schema its process parses at start. */
const CONFIGS: Record<string, z.ZodObject> = {
  'ingest-gateway': gatewayConfig as unknown as z.ZodObject,
  ingest: ingestConfig as unknown as z.ZodObject,
  'kpi-windows': kpiConfig as unknown as z.ZodObject,
  'postgres-sink': postgresSinkConfig as unknown as z.ZodObject,
  'clickhouse-sink': clickhouseSinkConfig as unknown as z.ZodObject,
  'cassandra-sink': cassandraSinkConfig as unknown as z.ZodObject,
  'national-pharmacy-sync': nationalSyncConfig as unknown as z.ZodObject,
  'reports-api': reportsConfig as unknown as z.ZodObject,
  dashboard: dashboardConfig as unknown as z.ZodObject,
  'store-edge': storeEdgeConfig as unknown as z.ZodObject,
  'outbox-relay': relayConfig as unknown as z.ZodObject,
};

type Container = {
  env: { name: string; value?: string; valueFrom?: { secretKeyRef: { name: string; key: string } } }[];
  ports: { containerPort: number }[];
  livenessProbe: { httpGet: { path: string; port: string } };
  readinessProbe: { httpGet: { path: string; port: string } };
};
const podSpec = (d: ManifestDoc) =>
  (d.spec as { template: { spec: { containers: Container[]; terminationGracePeriodSeconds: number } } })
    .template.spec;

describe('kubernetes manifests', () => {
  it('are what the typed sources render (run `npm run k8s:render` after editing src/)', () => {
    for (const [file, text] of renderFiles()) {
      expect(fs.readFileSync(path.join(ROOT, file), 'utf8'), file).toBe(text);
    }
  });

  it('every document validates against the Kubernetes, Strimzi and KEDA schemas, offline', () => {
    expect(docs.length).toBeGreaterThan(80);
    for (const doc of docs) validateManifest(doc);
  });

  it('a wrong type, a missing required field or a bad enum is rejected', () => {
    const deployment = structuredClone(named('Deployment', 'ingest')!);
    podSpec(deployment).containers[0]!.ports[0]!.containerPort = 'http' as unknown as number;
    expect(() => validateManifest(deployment)).toThrow(/containerPort must be integer/);

    const noSelector = structuredClone(named('Deployment', 'ingest')!);
    delete noSelector.spec!.selector;
    expect(() => validateManifest(noSelector)).toThrow(/selector/);

    const topic = structuredClone(ofKind('KafkaTopic')[0]!);
    topic.spec!.partitions = 'twelve';
    expect(() => validateManifest(topic)).toThrow(/partitions must be integer/);

    const user = structuredClone(ofKind('KafkaUser')[0]!);
    (user.spec!.authentication as { type: string }).type = 'scram-sha-999';
    expect(() => validateManifest(user)).toThrow(/authentication/);

    const unknownKind = { ...topic, kind: 'KafkaTopik' };
    expect(() => validateManifest(unknownKind)).toThrow(/no schema/);
  });

  it("each Deployment sets every variable its config requires and no variable its config doesn't know", () => {
    for (const s of ALL) {
      const schema = CONFIGS[s.name];
      expect(schema, `config schema for ${s.name}`).toBeDefined();
      const shape = schema!.shape as Record<string, z.ZodType>;
      const container = podSpec(named('Deployment', s.name)!).containers[0]!;
      const names = container.env.map((e) => e.name);
      const required = Object.keys(shape).filter((k) => !shape[k]!.safeParse(undefined).success);
      expect(
        required.filter((k) => !names.includes(k)),
        `${s.name}: required but not set`,
      ).toEqual([]);
      expect(
        // The process-level settings (read by glibc, not the config) are the one exception.
        names.filter((k) => !(k in shape) && !(k in SERVICE_PROCESS_ENV)),
        `${s.name}: set but unknown to its config`,
      ).toEqual([]);
    }
  });

  it("every Deployment runs with the services' process environment (malloc's fixed mmap threshold)", () => {
    expect(Object.keys(SERVICE_PROCESS_ENV)).toContain('MALLOC_MMAP_THRESHOLD_');
    for (const s of ALL) {
      const env = podSpec(named('Deployment', s.name)!).containers[0]!.env;
      for (const [name, value] of Object.entries(SERVICE_PROCESS_ENV)) {
        expect(env.find((e) => e.name === name)?.value, `${s.name}: ${name}`).toBe(value);
      }
    }
  });

  it('probes and the Service hit the port the process listens on, and shutdown gets its full timeout', () => {
    for (const s of ALL) {
      const pod = podSpec(named('Deployment', s.name)!);
      const c = pod.containers[0]!;
      const port = Number(c.env.find((e) => e.name === s.portKey)!.value);
      expect(c.ports[0]!.containerPort).toBe(port);
      expect(c.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
      expect(c.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
      const shutdown = Number(c.env.find((e) => e.name === 'SHUTDOWN_TIMEOUT_S')!.value);
      expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(shutdown);
      expect((named('Service', s.name)!.spec!.ports as { port: number }[])[0]!.port).toBe(port);
      expect(named('PodDisruptionBudget', s.name), s.name).toBeDefined();
      expect(named('NetworkPolicy', s.name), s.name).toBeDefined();
    }
    expect(named('NetworkPolicy', 'default-deny')!.spec).toEqual({
      podSelector: {},
      policyTypes: ['Ingress', 'Egress'],
    });
  });

  it('no credential is inline: each comes from a Secret that lists the key, or from a Strimzi KafkaUser', () => {
    const secretKeys = new Map(
      ofKind('Secret').map((d) => [d.metadata.name, Object.keys((d.stringData ?? {}) as object)]),
    );
    const users = new Set(ofKind('KafkaUser').map((d) => d.metadata.name));
    for (const s of ALL) {
      for (const e of podSpec(named('Deployment', s.name)!).containers[0]!.env) {
        if (/PASSWORD|TOKEN|SECRET|_KEY|KEYS|PG_URL|ACCOUNTS/.test(e.name)) {
          expect(e.value, `${s.name} ${e.name} inline`).toBeUndefined();
        }
        const ref = e.valueFrom?.secretKeyRef;
        if (!ref) continue;
        if (users.has(ref.name)) expect(ref.key).toBe('password');
        else expect(secretKeys.get(ref.name), `${s.name}: ${ref.name}/${ref.key}`).toContain(ref.key);
      }
    }
    for (const secret of ofKind('Secret')) {
      expect(Object.values(secret.stringData as object).every((v) => v === '')).toBe(true);
    }
  });

  it('KEDA scales each consumer group on lag, never past its topic’s partitions', () => {
    const partitions = new Map(
      ofKind('KafkaTopic').map((t) => [t.spec!.topicName as string, t.spec!.partitions as number]),
    );
    const scaled = ofKind('ScaledObject');
    expect(scaled.map((d) => d.metadata.name).sort()).toEqual(
      ALL.filter((s) => s.keda)
        .map((s) => s.name)
        .sort(),
    );
    for (const so of scaled) {
      const trigger = (so.spec!.triggers as { metadata: Record<string, string> }[])[0]!.metadata;
      expect(so.spec!.maxReplicaCount as number).toBeLessThanOrEqual(partitions.get(trigger.topic!)!);
      const principal = KAFKA_PRINCIPALS.find(
        (p) => p.name === ALL.find((s) => s.name === so.metadata.name)!.kafkaPrincipal,
      );
      const groups = principal!.grants.filter((g) => g.resource === 'group').map((g) => g.name);
      expect(
        groups.some((g) => trigger.consumerGroup!.startsWith(g)),
        so.metadata.name,
      ).toBe(true);
    }
  });

  it('topic partitions match what the processors are configured to create', () => {
    const partitions = (name: string) => named('KafkaTopic', name.replaceAll('.', '-'))!.spec!.partitions;
    const env = (svc: string, key: string) =>
      Number(podSpec(named('Deployment', svc)!).containers[0]!.env.find((e) => e.name === key)!.value);
    expect(partitions('retail.pos.events')).toBe(env('ingest', 'INGEST_TOPIC_PARTITIONS'));
    expect(partitions('retail.ingest.dedup-state')).toBe(partitions('retail.pos.events'));
    expect(partitions('retail.kpi.windows')).toBe(env('kpi-windows', 'KPI_OUTPUT_PARTITIONS'));
    expect(partitions('retail.kpi.changelog')).toBe(partitions('retail.events.enriched'));
  });

  it('each KafkaUser carries exactly the grants of its principal in infra/src/kafka-principals.ts', () => {
    const users = ofKind('KafkaUser');
    expect(users.map((u) => u.metadata.name).sort()).toEqual(
      KAFKA_PRINCIPALS.filter((p) => p.name !== 'admin')
        .map((p) => p.name)
        .sort(),
    );
    for (const user of users) {
      const p = KAFKA_PRINCIPALS.find((x) => x.name === user.metadata.name)!;
      const acls = (
        user.spec!.authorization as { acls: { resource: { name?: string }; operations: string[] }[] }
      ).acls;
      expect(acls.map((a) => [a.resource.name, a.operations.length])).toEqual(
        p.grants.map((g) => [g.resource === 'cluster' ? undefined : g.name, g.operations.length]),
      );
    }
  });

  it('each Kafka-using Deployment runs as its own principal', () => {
    for (const s of ALL.filter((x) => x.kafkaPrincipal)) {
      const env = podSpec(named('Deployment', s.name)!).containers[0]!.env;
      expect(env.find((e) => e.name === 'KAFKA_SASL_USERNAME')!.value).toBe(s.kafkaPrincipal);
      expect(env.find((e) => e.name === 'KAFKA_SASL_PASSWORD')!.valueFrom!.secretKeyRef.name).toBe(
        s.kafkaPrincipal,
      );
    }
  });
});
