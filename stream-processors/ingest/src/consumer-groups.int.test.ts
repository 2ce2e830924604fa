import { logLevel } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { useIngestTestBed } from '../test/fixture.ts';
import { newKafkaClient } from '@retail-stream/runtime';

const bed = useIngestTestBed();
const { config } = bed;

describe('ingest processor: consumer groups', () => {
  it('reads reference data and the dedup changelog by assignment: restarts add no consumer group', async () => {
    await bed.prepare(2);
    const admin = newKafkaClient({
      clientId: 'ingest-it-groups',
      brokers: config.KAFKA_BROKERS,
      logLevel: logLevel.NOTHING,
    }).admin();
    await admin.connect();
    try {
      const groups = async () => new Set((await admin.listGroups()).groups.map((g) => g.groupId));
      const before = await groups();
      for (let i = 0; i < 2; i++) {
        const running = await bed.start(`groups-${i}`);
        await running.stop();
      }
      // Other tests may run at the same time: only groups named after this test's group count.
      const added = [...(await groups())].filter(
        (g) => !before.has(g) && g.startsWith(config.INGEST_GROUP_ID),
      );
      expect(added.filter((g) => g !== config.INGEST_GROUP_ID)).toEqual([]);
    } finally {
      await admin.disconnect();
    }
  });
});
