import { logLevel } from 'kafkajs';
import { newKafkaClient } from '../kafka-security-config.ts';

/**
 * Deletes consumer groups a test created (collectors, injectors, services under test), so runs do
 * not leave thousands of dead groups on the shared broker. A group that is gone or still has a
 * member is left alone: cleaning up must never fail a test.
 */
export async function deleteTestGroups(brokers: string[], groupIds: readonly string[]): Promise<void> {
  if (groupIds.length === 0) return;
  const admin = newKafkaClient({
    clientId: 'test-groups-cleanup',
    brokers,
    logLevel: logLevel.NOTHING,
  }).admin();
  await admin.connect();
  try {
    await admin.deleteGroups([...groupIds]).catch(() => undefined);
  } finally {
    await admin.disconnect();
  }
}
