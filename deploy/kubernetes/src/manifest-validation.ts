import fs from 'node:fs';
import path from 'node:path';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject';
import { TriggerAuthentication } from '@kubernetes-models/keda/keda.sh/v1alpha1/TriggerAuthentication';
import { KafkaTopic } from '@kubernetes-models/strimzi-kafka-operator/kafka.strimzi.io/v1beta2/KafkaTopic';
import { KafkaUser } from '@kubernetes-models/strimzi-kafka-operator/kafka.strimzi.io/v1beta2/KafkaUser';
import { parseAllDocuments } from 'yaml';

/**
 * Offline validation of a manifest against the Kubernetes OpenAPI schemas and the Strimzi and KEDA
 * CRD schemas bundled in kubernetes-models (no cluster, no network). The schemas check types,
 * required fields and enums; unknown field names are caught earlier, by tsc's excess-property
 * check on the typed sources in src/ (the schemas allow extra properties, as the API server does
 * without strict field validation).
 */
type Model = new (data: never) => { validate(): void };

const MODELS: Record<string, Model> = {
  'v1/Namespace': Namespace,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'v1/ServiceAccount': ServiceAccount,
  'apps/v1/Deployment': Deployment,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'keda.sh/v1alpha1/ScaledObject': ScaledObject,
  'keda.sh/v1alpha1/TriggerAuthentication': TriggerAuthentication,
  'kafka.strimzi.io/v1beta2/KafkaTopic': KafkaTopic,
  'kafka.strimzi.io/v1beta2/KafkaUser': KafkaUser,
};

export interface ManifestDoc {
  file: string;
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec?: Record<string, unknown>;
  [key: string]: unknown;
}

/** Throws with the file, object and the schema's message when `doc` is not a valid object of its kind. */
export function validateManifest(doc: ManifestDoc): void {
  const Ctor = MODELS[`${doc.apiVersion}/${doc.kind}`];
  if (!Ctor) throw new Error(`${doc.file}: no schema for ${doc.apiVersion} ${doc.kind}`);
  const { file, ...data } = doc;
  try {
    new Ctor(data as never).validate();
  } catch (err) {
    throw new Error(`${file}: ${doc.kind}/${doc.metadata?.name}: ${(err as Error).message}`);
  }
}

/** Every document of every YAML file under `dir` except kustomizations. */
export function readManifests(dir: string): ManifestDoc[] {
  const out: ManifestDoc[] = [];
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules' && entry.name !== 'src') walk(full);
      } else if (entry.name.endsWith('.yaml') && entry.name !== 'kustomization.yaml') {
        for (const doc of parseAllDocuments(fs.readFileSync(full, 'utf8'))) {
          if (doc.errors.length > 0) throw new Error(`${full}: ${doc.errors[0]!.message}`);
          out.push({ ...(doc.toJSON() as ManifestDoc), file: path.relative(dir, full) });
        }
      }
    }
  };
  walk(dir);
  return out;
}
