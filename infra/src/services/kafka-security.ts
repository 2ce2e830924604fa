import fs from 'node:fs';
import path from 'node:path';
import type { KafkaConfig as KafkaJsConfig, SASLOptions } from 'kafkajs';
import { kafkaCaFile, type InfraConfig } from '../infra-config.ts';
import { ADMIN_PRINCIPAL } from '../kafka-principals.ts';
import { adminPassword, ensureBrokerTls, type KafkaPasswords } from '../kafka-secrets.ts';

/**
 * The SASL/ACL half of the local broker's configuration (issue 13). Clients use the CLIENT
 * listener: SCRAM-SHA-512 over PLAINTEXT, or over TLS with KAFKA_TLS=true. Brokers talk to each
 * other on it as the admin. The CONTROLLER listener takes SASL PLAIN with a static admin user,
 * because SCRAM credentials live in the metadata log the controllers themselves serve; it is never
 * anonymous, since an admin client can address controllers directly (KIP-919).
 */
export interface KafkaSecurityMarker {
  sasl: 'SCRAM-SHA-512';
  tls: boolean;
}

/** Written next to the cluster id once a mode's storage is formatted with the admin's SCRAM credential. */
export const securityMarkerFile = (modeDir: string) => path.join(modeDir, 'security.json');

export function readSecurityMarker(modeDir: string): KafkaSecurityMarker | undefined {
  try {
    return JSON.parse(fs.readFileSync(securityMarkerFile(modeDir), 'utf8')) as KafkaSecurityMarker;
  } catch {
    return undefined;
  }
}

export function writeSecurityMarker(modeDir: string, tls: boolean): void {
  const marker: KafkaSecurityMarker = { sasl: 'SCRAM-SHA-512', tls };
  fs.writeFileSync(securityMarkerFile(modeDir), `${JSON.stringify(marker)}\n`);
}

const jaas = (module: string, entries: Record<string, string>) =>
  `${module} required ${Object.entries(entries)
    .map(([k, v]) => `${k}="${v}"`)
    .join(' ')};`;

/** Listener and authorizer properties; `listeners`/`advertised.listeners` are built by the caller from these names. */
export function securityProperties(
  cfg: InfraConfig,
  pw: KafkaPasswords,
): Record<string, string | number | boolean> {
  const admin = adminPassword(pw);
  const props: Record<string, string | number | boolean> = {
    'listener.security.protocol.map': `CLIENT:${cfg.KAFKA_TLS ? 'SASL_SSL' : 'SASL_PLAINTEXT'},CONTROLLER:SASL_PLAINTEXT`,
    'inter.broker.listener.name': 'CLIENT',
    'sasl.enabled.mechanisms': 'SCRAM-SHA-512',
    'sasl.mechanism.inter.broker.protocol': 'SCRAM-SHA-512',
    'listener.name.client.sasl.enabled.mechanisms': 'SCRAM-SHA-512',
    'listener.name.client.scram-sha-512.sasl.jaas.config': jaas(
      'org.apache.kafka.common.security.scram.ScramLoginModule',
      { username: ADMIN_PRINCIPAL, password: admin },
    ),
    'sasl.mechanism.controller.protocol': 'PLAIN',
    'listener.name.controller.sasl.enabled.mechanisms': 'PLAIN',
    'listener.name.controller.plain.sasl.jaas.config': jaas(
      'org.apache.kafka.common.security.plain.PlainLoginModule',
      { username: ADMIN_PRINCIPAL, password: admin, [`user_${ADMIN_PRINCIPAL}`]: admin },
    ),
    'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
    // Deny by default: a resource nobody granted is refused, not open to all.
    'allow.everyone.if.no.acl.found': false,
    'super.users': `User:${ADMIN_PRINCIPAL}`,
  };
  if (cfg.KAFKA_TLS) {
    const tls = ensureBrokerTls(cfg);
    Object.assign(props, {
      'ssl.keystore.type': 'PKCS12',
      'ssl.keystore.location': tls.keystore,
      'ssl.keystore.password': tls.keystorePassword,
      'ssl.truststore.type': 'PEM',
      'ssl.truststore.location': tls.caFile,
      'ssl.endpoint.identification.algorithm': 'https',
    });
  }
  return props;
}

/** The admin's SCRAM credential, written into the bootstrap metadata at format time (KIP-900). */
export const formatScramArgs = (pw: KafkaPasswords): string[] => [
  '--add-scram',
  `SCRAM-SHA-512=[name=${ADMIN_PRINCIPAL},password=${adminPassword(pw)}]`,
];

/** kafkajs options for a principal of the running local broker. */
export function clientSecurity(
  cfg: InfraConfig,
  marker: KafkaSecurityMarker,
  username: string,
  password: string,
): Pick<KafkaJsConfig, 'sasl' | 'ssl'> {
  const sasl: SASLOptions = { mechanism: 'scram-sha-512', username, password };
  return marker.tls ? { sasl, ssl: { ca: [fs.readFileSync(kafkaCaFile(cfg), 'utf8')] } } : { sasl };
}
