import { ScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject';
import { TriggerAuthentication } from '@kubernetes-models/keda/keda.sh/v1alpha1/TriggerAuthentication';
import { KafkaTopic } from '@kubernetes-models/strimzi-kafka-operator/kafka.strimzi.io/v1beta2/KafkaTopic';
import { KafkaUser } from '@kubernetes-models/strimzi-kafka-operator/kafka.strimzi.io/v1beta2/KafkaUser';
import { TOPICS } from '@retail-stream/schemas';
import { ADMIN_PRINCIPAL, KAFKA_PRINCIPALS, type KafkaGrant } from '@retail-stream/infra';
import { PIPELINE_PARTITIONS, type ServiceSpec } from './services.ts';
import { labelsOf, NAMESPACE } from './workloads.ts';

/** The Strimzi `Kafka` resource these topics and users belong to (created by the operator's own manifests). */
export const KAFKA_CLUSTER = 'retail-kafka';
const clusterLabel = { 'strimzi.io/cluster': KAFKA_CLUSTER };

const COMPACTED = { 'cleanup.policy': 'compact', 'min.insync.replicas': 2 };
const DELETE_7D = { 'retention.ms': 7 * 24 * 3600 * 1000, 'min.insync.replicas': 2 };

/**
 * Every topic the pipeline writes, with the partitions its code expects: keyed pipeline topics
 * share PIPELINE_PARTITIONS (ingest's dedup changelog must match its input); reference, alert and
 * the chain stage's store-windows topics are single-partition (one ordered stream).
 */
export const KAFKA_TOPICS: { name: string; partitions: number; config: Record<string, string | number> }[] = [
  { name: TOPICS.posEvents, partitions: PIPELINE_PARTITIONS, config: DELETE_7D },
  { name: TOPICS.enrichedEvents, partitions: PIPELINE_PARTITIONS, config: DELETE_7D },
  {
    name: TOPICS.deadLetters,
    partitions: PIPELINE_PARTITIONS,
    config: { ...DELETE_7D, 'retention.ms': 30 * 86_400_000 },
  },
  { name: TOPICS.dlqParking, partitions: PIPELINE_PARTITIONS, config: { ...DELETE_7D, 'retention.ms': -1 } },
  { name: TOPICS.ingestDuplicates, partitions: PIPELINE_PARTITIONS, config: DELETE_7D },
  { name: 'retail.ingest.dedup-state', partitions: PIPELINE_PARTITIONS, config: COMPACTED },
  { name: TOPICS.refStores, partitions: 1, config: COMPACTED },
  { name: TOPICS.refProducts, partitions: 1, config: COMPACTED },
  { name: TOPICS.storeEpochs, partitions: 1, config: COMPACTED },
  { name: TOPICS.opsAlerts, partitions: 1, config: DELETE_7D },
  { name: TOPICS.kpiWindows, partitions: PIPELINE_PARTITIONS, config: DELETE_7D },
  { name: TOPICS.kpiLate, partitions: PIPELINE_PARTITIONS, config: DELETE_7D },
  { name: TOPICS.kpiStoreWindows, partitions: 1, config: COMPACTED },
  { name: TOPICS.kpiChangelog, partitions: PIPELINE_PARTITIONS, config: COMPACTED },
];

/** Kubernetes names are DNS labels: `retail.pos.events` becomes `retail-pos-events`, `spec.topicName` keeps the real name. */
const resourceName = (topic: string) => topic.replaceAll('.', '-').replaceAll('_', '-');

export function kafkaTopics(): KafkaTopic[] {
  return KAFKA_TOPICS.map(
    (t) =>
      new KafkaTopic({
        metadata: { name: resourceName(t.name), namespace: NAMESPACE, labels: clusterLabel },
        spec: { topicName: t.name, partitions: t.partitions, replicas: 3, config: t.config },
      }),
  );
}

const STRIMZI_OPERATION: Record<string, string> = {
  READ: 'Read',
  WRITE: 'Write',
  CREATE: 'Create',
  DELETE: 'Delete',
  DESCRIBE: 'Describe',
  DESCRIBE_CONFIGS: 'DescribeConfigs',
  ALTER: 'Alter',
  IDEMPOTENT_WRITE: 'IdempotentWrite',
};

const STRIMZI_RESOURCE: Record<KafkaGrant['resource'], string> = {
  topic: 'topic',
  group: 'group',
  'transactional-id': 'transactionalId',
  cluster: 'cluster',
};

/** One Strimzi KafkaUser per principal of infra/src/kafka-principals.ts: the same grants, as PREFIXED ACLs. */
export function kafkaUsers(): KafkaUser[] {
  return KAFKA_PRINCIPALS.filter((p) => p.name !== ADMIN_PRINCIPAL).map(
    (p) =>
      new KafkaUser({
        metadata: { name: p.name, namespace: NAMESPACE, labels: clusterLabel },
        spec: {
          authentication: { type: 'scram-sha-512' },
          authorization: {
            type: 'simple',
            acls: p.grants.map((g) => ({
              resource:
                g.resource === 'cluster'
                  ? { type: 'cluster' }
                  : { type: STRIMZI_RESOURCE[g.resource], name: g.name, patternType: 'prefix' },
              operations: g.operations.map((o) => STRIMZI_OPERATION[o]!),
            })),
          },
        },
      } as ConstructorParameters<typeof KafkaUser>[0]),
  );
}

/** KEDA reads consumer lag with the service's own principal (it needs DESCRIBE on the group and topic). */
export function kedaAuthentication(s: ServiceSpec): TriggerAuthentication {
  return new TriggerAuthentication({
    metadata: { name: `${s.name}-kafka`, namespace: NAMESPACE, labels: labelsOf(s) },
    spec: {
      // The user name is the Deployment's own KAFKA_SASL_USERNAME; the password Strimzi's user Secret.
      env: [{ parameter: 'username', name: 'KAFKA_SASL_USERNAME', containerName: s.name }],
      secretTargetRef: [{ parameter: 'password', name: s.kafkaPrincipal!, key: 'password' }],
    },
  });
}

/** Scale on lag, never past the partition count: an extra consumer in the group would sit idle. */
export function scaledObject(s: ServiceSpec): ScaledObject {
  const keda = s.keda!;
  const partitions = KAFKA_TOPICS.find((t) => t.name === keda.topic)!.partitions;
  return new ScaledObject({
    metadata: { name: s.name, namespace: NAMESPACE, labels: labelsOf(s) },
    spec: {
      scaleTargetRef: { name: s.name },
      minReplicaCount: Math.min(s.replicas, partitions),
      maxReplicaCount: partitions,
      // Scaling in rebalances the group: wait for the lag to stay low for 5 minutes first.
      cooldownPeriod: 300,
      triggers: [
        {
          type: 'kafka',
          metadata: {
            bootstrapServers: s.env.KAFKA_BROKERS!,
            consumerGroup: keda.consumerGroup,
            topic: keda.topic,
            lagThreshold: String(keda.lagThreshold),
            allowIdleConsumers: 'false',
            sasl: 'scram_sha512',
          },
          authenticationRef: { name: `${s.name}-kafka` },
        },
      ],
    },
  });
}
