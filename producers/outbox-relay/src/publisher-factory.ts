import { createKafka, type Logger } from '@retail-stream/runtime';
import type { Kafka } from 'kafkajs';
import type { RelayConfig } from './config.ts';
import { HttpPublisher } from './http-publisher.ts';
import { KafkaPublisher } from './kafka-publisher.ts';
import type { Publisher } from './publisher.ts';

/**
 * RELAY_SYNC_PROTOCOL → Publisher. The seam for stores that cannot reach Kafka: an `HttpPublisher`
 * (POST /v1/ingestion/events to the ingest gateway with the store's API key, acknowledging the
 * prefix of the batch the gateway accepted) implements Publisher and is returned for 'http'; its
 * settings (gateway URL, API key) join config.ts. Nothing else in the relay changes.
 */
export function createPublisher(
  config: RelayConfig,
  logger: Logger,
  overrides: { kafka?: Kafka } = {},
): Publisher {
  switch (config.RELAY_SYNC_PROTOCOL) {
    case 'kafka':
      return new KafkaPublisher({
        kafka: overrides.kafka ?? createKafka(config, 'outbox-relay', logger),
        topic: config.RELAY_TOPIC,
        maxRequestBytes: config.RELAY_MAX_REQUEST_BYTES,
        sendRetries: config.RELAY_KAFKA_SEND_RETRIES,
        // config.ts requires it when RELAY_SYNC_PROTOCOL=kafka.
        signingKey: config.RELAY_SIGNING_KEY!,
        logger: logger.child({ component: 'kafka-publisher' }),
      });
    case 'http':
      // config.ts requires both when RELAY_SYNC_PROTOCOL=http.
      return new HttpPublisher({
        url: config.RELAY_HTTP_URL!,
        apiKey: config.RELAY_HTTP_API_KEY!,
        timeoutMs: config.RELAY_HTTP_TIMEOUT_MS,
        maxEvents: config.RELAY_HTTP_MAX_EVENTS,
        maxBodyBytes: config.RELAY_HTTP_MAX_BODY_BYTES,
        logger: logger.child({ component: 'http-publisher' }),
      });
  }
}
