import { describe, expect, it } from 'vitest';
import { encodeProduceRequest } from './kafka-produce-encoding.ts';
import { createRequest, kafkajsCreateRequest } from './kafka-request-framing.ts';
import { kafkajsFile, kafkajsRequire as require } from './kafkajs-internals.ts';
import { seededRandom } from './seeded-random.ts';

const Encoder = require(kafkajsFile('src/protocol/encoder.js')) as new () => {
  writeBuffer(b: Buffer): unknown;
  buf: Buffer;
  buffer: Buffer;
};

function encoderOf(bytes: Buffer) {
  const e = new Encoder();
  e.writeBuffer(bytes);
  return e;
}

describe('createRequest', () => {
  it("frames every request as kafkajs' request.js does, byte for byte", async () => {
    const random = seededRandom(41);
    const sizes = [0, 1, 496, 497, 511, 512, 513, 4_096, 100_000, 900_000];
    const clientIds = ['ingest-processor', '', 'cửa-hàng-01', null, 'x'.repeat(300)];
    for (const size of sizes) {
      const body = Buffer.from(Array.from({ length: size }, () => Math.floor(random() * 256)));
      for (const clientId of clientIds) {
        const args = {
          correlationId: Math.floor(random() * 2 ** 31),
          clientId,
          request: { apiKey: 0, apiVersion: 7, encode: async () => encoderOf(body) },
        };
        const ours = (await createRequest(args)).buffer;
        expect(ours.equals((await kafkajsCreateRequest(args)).buffer), `${size} ${clientId}`).toBe(true);
      }
    }
  });

  it("frames the runtime's own produce encoding the same way (a body that is not a kafkajs Encoder)", async () => {
    const payload = encodeProduceRequest({
      transactionalId: 'txn-1',
      acks: -1,
      timeout: 30_000,
      compression: 0,
      topicData: [
        {
          topic: 'retail.events.enriched',
          partitions: [
            { partition: 3, messages: [{ key: 'S001', value: 'v', headers: { a: 'b' }, timestamp: '1' }] },
          ],
        },
      ],
    } as never);
    expect(payload).toBeDefined();
    const args = {
      correlationId: 2 ** 31 - 1,
      clientId: 'ingest',
      request: { apiKey: 0, apiVersion: 7, encode: () => payload as never },
    };
    expect((await createRequest(args)).buffer.equals((await kafkajsCreateRequest(args)).buffer)).toBe(true);
  });

  it('refuses a body that is not an encoder, as kafkajs does', async () => {
    const args = {
      correlationId: 1,
      clientId: 'c',
      request: { apiKey: 3, apiVersion: 1, encode: async () => ({}) as never },
    };
    await expect(createRequest(args)).rejects.toThrow('value should be an instance of Encoder');
    await expect(kafkajsCreateRequest(args)).rejects.toThrow('value should be an instance of Encoder');
  });
});
