import fs from 'node:fs';
import type { SASLOptions as PltSaslOptions } from '@platformatic/kafka';
import { serviceEnv } from '@retail-stream/infra';
import { kafkaSecurityFromEnv, newKafkaClient, type KafkaSecurityConfig } from '@retail-stream/runtime';
import { logLevel, type Kafka } from 'kafkajs';
import type { ConnectionOptions as TlsOptions } from 'node:tls';

/**
 * One broker and one set of credentials for every client of a run: KAFKA_BROKERS from serviceEnv()
 * (what infra:up started, or the caller's environment), and the KAFKA_SASL_* / KAFKA_SSL* settings
 * it puts into process.env when the stack runs with SASL/SCRAM. Both clients authenticate the same
 * way, so the handshake cost is in both numbers or in neither.
 */
export interface BenchKafkaEnv {
  brokers: string[];
  security: KafkaSecurityConfig;
}

export function benchKafkaEnv(): BenchKafkaEnv {
  const env = serviceEnv();
  const brokers = (env.KAFKA_BROKERS ?? process.env.KAFKA_BROKERS ?? '127.0.0.1:19092').split(',');
  return { brokers, security: kafkaSecurityFromEnv() };
}

/**
 * kafkajs logs each CONCURRENT_TRANSACTIONS answer (the broker still writing the previous
 * transaction's markers) at error and retries after its backoff: counted here, not printed, because
 * these waits are a measured cost of its transactions (the runtime demotes the same log to debug).
 */
export const kafkajsLogCounts = { concurrentTransactions: 0 };

/** A kafkajs client through the runtime's one factory for code outside a service. */
export function kafkajsClient(env: BenchKafkaEnv, clientId: string): Kafka {
  return newKafkaClient(
    {
      clientId,
      brokers: env.brokers,
      requestTimeout: 30_000,
      logLevel: logLevel.ERROR,
      logCreator:
        () =>
        ({ namespace, log }) => {
          const text = `${log.message} ${String(log.error ?? '')}`;
          if (text.includes('another concurrent operation on the same transaction')) {
            // Once per broker answer; the producer's own "failed to send" line repeats it.
            if (namespace === 'Connection') kafkajsLogCounts.concurrentTransactions++;
          } else {
            process.stderr.write(`kafkajs: ${text}\n`);
          }
        },
    },
    env.security,
  );
}

const PLT_MECHANISM = {
  'scram-sha-512': 'SCRAM-SHA-512',
  'scram-sha-256': 'SCRAM-SHA-256',
  plain: 'PLAIN',
} as const;

/** The same settings as @platformatic/kafka connection options (`sasl`, `tls`). */
export function platformaticConnection(env: BenchKafkaEnv): {
  bootstrapBrokers: string[];
  sasl?: PltSaslOptions;
  tls?: TlsOptions;
} {
  const s = env.security;
  const out: { bootstrapBrokers: string[]; sasl?: PltSaslOptions; tls?: TlsOptions } = {
    bootstrapBrokers: env.brokers,
  };
  if (s.KAFKA_SASL_MECHANISM && s.KAFKA_SASL_USERNAME && s.KAFKA_SASL_PASSWORD) {
    out.sasl = {
      mechanism: PLT_MECHANISM[s.KAFKA_SASL_MECHANISM],
      username: s.KAFKA_SASL_USERNAME,
      password: s.KAFKA_SASL_PASSWORD,
    };
  }
  if (s.KAFKA_SSL_CA_FILE) out.tls = { ca: [fs.readFileSync(s.KAFKA_SSL_CA_FILE, 'utf8')] };
  else if (s.KAFKA_SSL) out.tls = {};
  return out;
}
