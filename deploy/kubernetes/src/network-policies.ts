import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { INetworkPolicyEgressRule } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicyEgressRule';
import type { INetworkPolicyIngressRule } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicyIngressRule';
import { SERVICES, type Peer, type ServiceSpec } from './services.ts';
import { labelsOf, NAMESPACE } from './workloads.ts';
import { KAFKA_CLUSTER } from './kafka-resources.ts';

/** Where each peer lives and listens. Databases are expected in namespace `data` with these labels; adjust in an overlay. */
const PEERS: Record<Peer, INetworkPolicyEgressRule> = {
  kafka: {
    to: [
      { podSelector: { matchLabels: { 'strimzi.io/cluster': KAFKA_CLUSTER, 'strimzi.io/kind': 'Kafka' } } },
    ],
    ports: [{ protocol: 'TCP', port: 9092 }],
  },
  'schema-registry': {
    to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'schema-registry' } } }],
    ports: [{ protocol: 'TCP', port: 8081 }],
  },
  postgres: dataPeer('postgres', 5432),
  clickhouse: dataPeer('clickhouse', 8123),
  cassandra: dataPeer('cassandra', 9042),
  'reports-api': {
    to: [{ podSelector: { matchLabels: labelsOf({ name: 'reports-api' }) } }],
    ports: [{ protocol: 'TCP', port: 8090 }],
  },
  'ingest-gateway': {
    to: [{ podSelector: { matchLabels: labelsOf({ name: 'ingest-gateway' }) } }],
    ports: [{ protocol: 'TCP', port: 8090 }],
  },
  // HTTPS to an outside authority: public addresses only, never the cluster's private ranges.
  'national-authority': {
    to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'] } }],
    ports: [{ protocol: 'TCP', port: 443 }],
  },
  // Store edges answer /v1/sync/status on the stores' VPN range; set the real CIDR in an overlay.
  'store-edges': {
    to: [{ ipBlock: { cidr: '10.200.0.0/16' } }],
    ports: [{ protocol: 'TCP', port: 8080 }],
  },
};

function dataPeer(name: string, port: number): INetworkPolicyEgressRule {
  return {
    to: [
      {
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'data' } },
        podSelector: { matchLabels: { 'app.kubernetes.io/name': name } },
      },
    ],
    ports: [{ protocol: 'TCP', port }],
  };
}

const DNS: INetworkPolicyEgressRule = {
  to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } } }],
  ports: [
    { protocol: 'UDP', port: 53 },
    { protocol: 'TCP', port: 53 },
  ],
};

/** Nothing in the namespace talks to anything until a policy below says so. */
export function defaultDeny(): NetworkPolicy {
  return new NetworkPolicy({
    metadata: { name: 'default-deny', namespace: NAMESPACE },
    spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
  });
}

export function servicePolicy(s: ServiceSpec): NetworkPolicy {
  const ingress: INetworkPolicyIngressRule[] = [
    // Prometheus scrapes /metrics from the monitoring namespace; the kubelet's probes are not policed.
    {
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }],
      ports: [{ protocol: 'TCP', port: s.port }],
    },
  ];
  for (const from of s.ingressFrom) {
    ingress.push(
      from === 'world'
        ? { ports: [{ protocol: 'TCP', port: s.port }] }
        : {
            from: [{ podSelector: { matchLabels: labelsOf({ name: from }) } }],
            ports: [{ protocol: 'TCP', port: s.port }],
          },
    );
  }
  return new NetworkPolicy({
    metadata: { name: s.name, namespace: NAMESPACE, labels: labelsOf(s) },
    spec: {
      podSelector: { matchLabels: labelsOf(s) },
      policyTypes: ['Ingress', 'Egress'],
      ingress,
      egress: [DNS, ...s.egress.map((p) => PEERS[p])],
    },
  });
}

export function networkPolicies(services: readonly ServiceSpec[] = SERVICES): NetworkPolicy[] {
  return [defaultDeny(), ...services.map(servicePolicy)];
}
