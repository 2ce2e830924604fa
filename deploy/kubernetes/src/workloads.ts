import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import type { IEnvVar } from 'kubernetes-models/v1/EnvVar';
import { bundlePathOf, bundleRunArgs, SERVICE_PROCESS_ENV } from '@retail-stream/scripts/bundle';
import { heapCapArgs, memoryLimitMiB, type ServiceSpec } from './services.ts';

export const NAMESPACE = 'retail-stream';
/** One image holds the whole workspace; each Deployment runs its own entry point (kustomize `images:` sets the tag). */
export const IMAGE = 'retail-stream';

export const labelsOf = (s: { name: string }) => ({
  'app.kubernetes.io/name': s.name,
  'app.kubernetes.io/part-of': 'retail-stream',
});

export const secretNameOf = (s: ServiceSpec) => `${s.name}-secrets`;

/** Strimzi's User Operator writes each KafkaUser's SCRAM password to a Secret of the user's name. */
function envVar(s: ServiceSpec, name: string): IEnvVar {
  if (name === 'KAFKA_SASL_PASSWORD' && s.kafkaPrincipal) {
    return { name, valueFrom: { secretKeyRef: { name: s.kafkaPrincipal, key: 'password' } } };
  }
  return { name, valueFrom: { secretKeyRef: { name: secretNameOf(s), key: name } } };
}

export function deployment(s: ServiceSpec): Deployment {
  const probe = (path: string, periodSeconds: number, failureThreshold: number) => ({
    httpGet: { path, port: 'http' },
    periodSeconds,
    failureThreshold,
    timeoutSeconds: 2,
  });
  return new Deployment({
    metadata: { name: s.name, namespace: NAMESPACE, labels: labelsOf(s) },
    spec: {
      replicas: s.replicas,
      selector: { matchLabels: labelsOf(s) },
      // A consumer leaving and joining its group costs a rebalance: replace one pod at a time.
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template: {
        metadata: {
          labels: labelsOf(s),
          annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(s.port) },
        },
        spec: {
          serviceAccountName: s.name,
          automountServiceAccountToken: false,
          // SIGTERM starts the service's graceful stop (drain, commit, close) that takes at most
          // SHUTDOWN_TIMEOUT_S; the kubelet must not SIGKILL before it is over.
          terminationGracePeriodSeconds: s.shutdownTimeoutS + 15,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: 10001,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          containers: [
            {
              name: s.name,
              image: IMAGE,
              // The entry's bundle (`npm run build:services` while building the image): no TypeScript
              // loader at run time (service-bundles.ts).
              command: [
                'node',
                ...(s.v8HeapCap ? heapCapArgs(s) : []),
                ...(s.nodeArgs ?? []),
                ...bundleRunArgs(bundlePathOf(s.entry)),
              ],
              ports: [{ name: 'http', containerPort: s.port }],
              env: [
                ...Object.entries({ ...SERVICE_PROCESS_ENV, ...s.env }).map(([name, value]) => ({
                  name,
                  value,
                })),
                ...s.secretEnv.map((name) => envVar(s, name)),
              ],
              resources: {
                requests: { cpu: `${s.cpuMilli}m`, memory: `${s.memoryMiB}Mi` },
                limits: { memory: `${memoryLimitMiB(s)}Mi` },
              },
              // /healthz: the process is alive (restart if not); /readyz: its dependencies answer
              // (take it out of the Service, never restart for it).
              livenessProbe: probe('/healthz', 10, 3),
              readinessProbe: probe('/readyz', 5, 2),
              startupProbe: probe('/healthz', 2, 60),
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ['ALL'] },
              },
              volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
            },
          ],
          volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }],
        },
      },
    },
  });
}

export function service(s: ServiceSpec): Service {
  return new Service({
    metadata: { name: s.name, namespace: NAMESPACE, labels: labelsOf(s) },
    spec: { selector: labelsOf(s), ports: [{ name: 'http', port: s.port, targetPort: 'http' }] },
  });
}

export function serviceAccount(s: ServiceSpec): ServiceAccount {
  return new ServiceAccount({
    metadata: { name: s.name, namespace: NAMESPACE, labels: labelsOf(s) },
    automountServiceAccountToken: false,
  });
}

/** Keeps one pod serving through voluntary disruptions (node drains); single-replica services allow the drain. */
export function disruptionBudget(s: ServiceSpec): PodDisruptionBudget {
  return new PodDisruptionBudget({
    metadata: { name: s.name, namespace: NAMESPACE, labels: labelsOf(s) },
    spec: {
      selector: { matchLabels: labelsOf(s) },
      ...(s.replicas > 1 ? { minAvailable: 1 } : { maxUnavailable: 1 }),
    },
  });
}

/**
 * The Secret's shape with empty values: the operator fills it (`kubectl create secret … --dry-run
 * -o yaml | kubectl apply -f -`, or an external secrets operator); no credential is ever in the repo.
 */
export function secretTemplate(s: ServiceSpec): Secret | undefined {
  const keys = s.secretEnv.filter((k) => !(k === 'KAFKA_SASL_PASSWORD' && s.kafkaPrincipal));
  if (keys.length === 0) return undefined;
  return new Secret({
    metadata: { name: secretNameOf(s), namespace: NAMESPACE, labels: labelsOf(s) },
    type: 'Opaque',
    stringData: Object.fromEntries(keys.map((k) => [k, ''])),
  });
}
