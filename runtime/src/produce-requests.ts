import type { IHeaders, Message, TopicMessages } from 'kafkajs';

/** Kafka record framing (length, attributes, offset/time deltas, header counts). */
const RECORD_OVERHEAD = 64;

export function messageSize(m: Message): number {
  let size = RECORD_OVERHEAD + byteLength(m.key) + byteLength(m.value);
  for (const [k, v] of Object.entries((m.headers ?? {}) as IHeaders)) {
    size += k.length;
    for (const one of Array.isArray(v) ? v : [v]) size += byteLength(one ?? null);
  }
  return size;
}

/**
 * Splits one transaction's output into produce requests of at most maxBytes each, keeping order
 * within every topic. A record batch above the broker's message.max.bytes (1 MiB by default) is
 * refused, and kafkajs sends one batch per partition per request, so a request that stays under
 * the limit in total keeps every batch under it. A single larger record gets a request of its own.
 */
export function produceRequests(
  topicMessages: readonly TopicMessages[],
  maxBytes: number,
): TopicMessages[][] {
  const requests: TopicMessages[][] = [];
  let current: TopicMessages[] = [];
  let bytes = 0;
  for (const { topic, messages } of topicMessages) {
    let part: Message[] = [];
    for (const m of messages) {
      const size = messageSize(m);
      if (bytes + size > maxBytes && (part.length > 0 || current.length > 0)) {
        if (part.length > 0) current.push({ topic, messages: part });
        requests.push(current);
        current = [];
        part = [];
        bytes = 0;
      }
      part.push(m);
      bytes += size;
    }
    if (part.length > 0) current.push({ topic, messages: part });
  }
  if (current.length > 0) requests.push(current);
  return requests;
}

function byteLength(v: Buffer | string | null | undefined): number {
  if (v === null || v === undefined) return 0;
  return typeof v === 'string' ? Buffer.byteLength(v) : v.length;
}
