import type { ErrorCode } from './catalogue/index.ts';

const LEADER_MOVED = new Set([
  'NOT_LEADER_OR_FOLLOWER',
  'NOT_LEADER_FOR_PARTITION',
  'LEADER_NOT_AVAILABLE',
  'NOT_COORDINATOR',
  'COORDINATOR_NOT_AVAILABLE',
  'COORDINATOR_LOAD_IN_PROGRESS',
  'FENCED_LEADER_EPOCH',
  'UNKNOWN_LEADER_EPOCH',
]);
const NOT_ENOUGH_REPLICAS = new Set(['NOT_ENOUGH_REPLICAS', 'NOT_ENOUGH_REPLICAS_AFTER_APPEND']);
const TOO_LARGE = new Set(['MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE']);
const TIMEOUT = new Set(['REQUEST_TIMED_OUT', 'NETWORK_EXCEPTION']);

/**
 * A kafkajs protocol error type (NOT_LEADER_OR_FOLLOWER, …) as one of the catalogue's fixed Kafka
 * codes; the type itself belongs in the message. Unknown types are KAFKA_SEND_FAILED.
 */
export function kafkaErrorCode(protocolType: string): ErrorCode {
  if (LEADER_MOVED.has(protocolType)) return 'KAFKA_LEADER_MOVED';
  if (NOT_ENOUGH_REPLICAS.has(protocolType)) return 'KAFKA_NOT_ENOUGH_REPLICAS';
  if (TOO_LARGE.has(protocolType)) return 'KAFKA_MESSAGE_TOO_LARGE';
  if (TIMEOUT.has(protocolType)) return 'KAFKA_UNAVAILABLE';
  if (protocolType === 'UNKNOWN_TOPIC_OR_PARTITION') return 'KAFKA_UNKNOWN_TOPIC';
  return 'KAFKA_SEND_FAILED';
}
