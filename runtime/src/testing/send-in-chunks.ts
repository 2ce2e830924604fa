import type { Message, Producer } from 'kafkajs';

/**
 * Sends in chunks of `chunkSize` (a produce request stays below the broker's 1 MiB default),
 * each acknowledged by all in-sync replicas before the next.
 */
export async function sendInChunks(
  producer: Producer,
  topic: string,
  messages: readonly Message[],
  chunkSize = 500,
): Promise<void> {
  for (let i = 0; i < messages.length; i += chunkSize) {
    await producer.send({ topic, acks: -1, messages: messages.slice(i, i + chunkSize) });
  }
}
