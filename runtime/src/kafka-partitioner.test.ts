import { createRequire } from 'node:module';
import { Partitioners, type PartitionerArgs, type PartitionMetadata } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { javaCompatiblePartitioner, murmur2 } from './kafka-partitioner.ts';
import { withProducerDefaults } from './kafkajs-runtime-class.ts';
import { seededRandom } from './seeded-random.ts';

const require = createRequire(import.meta.url);
const kafkajsMurmur2 = require('kafkajs/src/producer/partitioners/default/murmur2.js') as (
  key: unknown,
) => number;

const metadata = (n: number, leaderless: number[] = []): PartitionMetadata[] =>
  Array.from({ length: n }, (_, partitionId) => ({
    partitionId,
    leader: leaderless.includes(partitionId) ? -1 : 1,
    partitionErrorCode: 0,
    replicas: [1],
    isr: [1],
  }));

describe('murmur2', () => {
  it("answers the Java client's values (Kafka's UtilsTest and Akka's Murmur2Spec vectors)", () => {
    const java: Record<string, number> = {
      '21': -973932308,
      foobar: -790332482,
      'a-little-bit-long-string': -985981536,
      'a-little-bit-longer-string': -1486304829,
      lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8: -58897971,
      abc: 479470107,
      '1': -1993445489,
      '12': 126087238,
      '123': -267702483,
      '1234': -1614185708,
      '12345': -1188365604,
    };
    for (const [key, hash] of Object.entries(java)) {
      expect(murmur2(Buffer.from(key)), key).toBe(hash);
      expect(murmur2(key), key).toBe(hash);
    }
  });

  it("equals kafkajs' murmur2 on random bytes of every length mod 4, UTF-8 strings and numbers", () => {
    const random = seededRandom(14);
    for (let i = 0; i < 3_000; i++) {
      const bytes = Buffer.from(Array.from({ length: i % 61 }, () => Math.floor(random() * 256)));
      expect(murmur2(bytes)).toBe(kafkajsMurmur2(bytes));
    }
    for (const key of ['', 'S001', 'store-0042', 'Nhà thuốc Số 1', '店舗-東京-001', '🛒🧾']) {
      expect(murmur2(key), key).toBe(kafkajsMurmur2(key));
    }
    expect(murmur2(0 as unknown as string)).toBe(kafkajsMurmur2(0));
  });
});

describe('javaCompatiblePartitioner', () => {
  it("picks kafkajs DefaultPartitioner's partition for every keyed record", () => {
    const ours = javaCompatiblePartitioner();
    const theirs = Partitioners.DefaultPartitioner();
    for (let n = 1; n <= 12; n++) {
      const partitionMetadata = metadata(n, n > 2 ? [1] : []);
      for (let s = 0; s < 300; s++) {
        const args: PartitionerArgs = {
          topic: 't',
          partitionMetadata,
          message: { key: s % 2 ? `S${String(s).padStart(4, '0')}` : Buffer.from(`store-${s}`), value: 'v' },
        };
        expect(ours(args)).toBe(theirs(args));
      }
    }
  });

  it("keeps a message's own partition, even one without a leader", () => {
    const ours = javaCompatiblePartitioner();
    const message = { key: 'S1', value: 'v', partition: 4 };
    expect(ours({ topic: 't', partitionMetadata: metadata(6, [4]), message })).toBe(4);
  });

  it('spreads keyless records round robin over the partitions that have a leader', () => {
    const ours = javaCompatiblePartitioner();
    const partitionMetadata = metadata(6, [1, 4]);
    const picked = Array.from({ length: 40 }, () =>
      ours({ topic: 't', partitionMetadata, message: { key: null, value: 'v' } }),
    );
    expect(new Set(picked)).toEqual(new Set([0, 2, 3, 5]));
    // Consecutive picks walk the available partitions in order.
    const available = [0, 2, 3, 5];
    for (let i = 1; i < picked.length; i++) {
      expect(available.indexOf(picked[i]!)).toBe((available.indexOf(picked[i - 1]!) + 1) % 4);
    }
  });

  it('is what a runtime producer uses unless it names its own', () => {
    expect(withProducerDefaults({ idempotent: true }).createPartitioner).toBe(javaCompatiblePartitioner);
    const own = Partitioners.LegacyPartitioner;
    expect(withProducerDefaults({ createPartitioner: own }).createPartitioner).toBe(own);
  });
});
