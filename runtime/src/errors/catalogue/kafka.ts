import type { ErrorSection } from './entry.ts';

/**
 * Kafka client failures. A broker's protocol error type (NOT_LEADER_OR_FOLLOWER, …) is mapped into
 * this fixed set by `kafkaErrorCode` (errors/kafka-error-code.ts), never spliced into a code.
 */
export const kafkaErrors = {
  KAFKA_UNAVAILABLE: {
    retriable: true,
    meaning: 'Kafka did not answer (connection refused, timeout, retries exhausted).',
    action: 'Check the brokers (`npm run infra:status`); the service backs off and retries.',
  },
  KAFKA_LEADER_MOVED: {
    retriable: true,
    meaning: 'A partition leader moved or is not available yet (broker restart, reassignment).',
    action: 'Passes on its own once the leader is elected; if it persists, check the brokers.',
  },
  KAFKA_NOT_ENOUGH_REPLICAS: {
    retriable: true,
    meaning: 'Fewer in-sync replicas than min.insync.replicas: the broker refuses acks=all writes.',
    action: 'Bring the missing brokers back; the writers retry.',
  },
  KAFKA_UNKNOWN_TOPIC: {
    retriable: true,
    meaning: 'The topic or partition does not exist (yet) on the broker.',
    action: 'Create the topic (services create theirs at start) or check the *_TOPIC settings.',
  },
  KAFKA_SEND_FAILED: {
    retriable: true,
    meaning:
      'Kafka refused or lost a produce request for another reason (the kafkajs type is in the message).',
    action: 'Read the message; the writer retries. If it repeats, check broker logs.',
  },
  KAFKA_MESSAGE_TOO_LARGE: {
    retriable: false,
    http: 413,
    meaning: 'The broker refused a record or request as larger than its message.max.bytes.',
    action:
      'Send smaller batches, or raise the topic max.message.bytes if the records are legitimately large.',
  },
  KAFKA_ADMIN_FAILED: {
    retriable: true,
    meaning: 'A Kafka admin call (offsets, group lag) failed.',
    action: 'Check the brokers; the dashboard retries on its next refresh.',
  },
  KAFKA_CLIENT_UNSUPPORTED: {
    retriable: false,
    meaning: 'The installed kafkajs lacks an internal the assignment reader relies on.',
    action: 'Install the kafkajs version in the lockfile (`npm ci`).',
  },
  DLQ_SEND_FAILED: {
    retriable: true,
    meaning:
      'A dead letter could not be written to the dead-letter topic; the batch is retried, not skipped.',
    action: 'Check the brokers and that the *_DLQ_TOPIC exists.',
  },
} as const satisfies ErrorSection;
