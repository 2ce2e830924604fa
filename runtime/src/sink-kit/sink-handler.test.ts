import type { KafkaMessage, Message } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import type { AvroSerde, Decoded } from '../avro-serde.ts';
import type { ConsumedBatch } from '../consumer-runner.ts';
import { readDeadLetter } from '../dead-letter.ts';
import { AppError, TransientError, ValidationError } from '../errors.ts';
import { createLogger } from '../logger.ts';
import { createMetricsRegistry } from '../metrics.ts';
import { sinkMetrics } from '../sink-metrics.ts';
import { createSinkHandler } from './sink-handler.ts';
import type { SinkStore } from './sink-store.ts';

// The serde is the kit's own seam here: JSON instead of Avro, so the handler's logic runs alone.
const jsonSerde = {
  decode: async (buf: Buffer): Promise<Decoded> => {
    const text = buf.toString();
    if (!text.startsWith('{')) throw new ValidationError('NOT_WIRE_FORMAT', 'not json');
    return { schemaId: 1, type: {} as Decoded['type'], value: JSON.parse(text) };
  },
} as unknown as AvroSerde;

function batchOf(values: (string | null)[]): ConsumedBatch {
  const messages = values.map(
    (v, i): KafkaMessage =>
      ({
        offset: String(i),
        key: Buffer.from('k'),
        value: v === null ? null : Buffer.from(v),
        headers: {},
      }) as KafkaMessage,
  );
  return {
    topic: 't',
    partition: 0,
    messages,
    highWatermark: String(values.length),
    heartbeat: async () => undefined,
    isStale: () => false,
  };
}

class Refused extends AppError {
  constructor() {
    super('PG_DATA_REJECTED', 'value refused by the store');
  }
}

function harness(store: Partial<SinkStore<number>>) {
  const sent: Message[] = [];
  const written: number[] = [];
  const full: SinkStore<number> = {
    toItem: (d) => {
      const n = (d.value as { n: number }).n;
      if (n < 0) throw new ValidationError('ROW_INVALID', 'n < 0');
      return n;
    },
    write: async (items) => {
      if (items.includes(13)) throw new Refused();
      written.push(...items);
    },
    classify: (err) =>
      err instanceof Refused
        ? { kind: 'poison', code: 'PG_DATA_REJECTED' }
        : err instanceof TransientError
          ? { kind: 'retriable' }
          : { kind: 'bug' },
    close: async () => undefined,
    ...store,
  };
  const metrics = sinkMetrics(createMetricsRegistry('t', { defaultMetrics: false }));
  const handle = createSinkHandler({
    name: 'test-sink',
    label: 'test',
    store: full,
    serde: jsonSerde,
    deadLetters: { send: async (m) => void sent.push(...m) },
    metrics,
    logger: createLogger({ service: 't', level: 'silent' }),
  });
  return { handle, sent, written, metrics };
}

const json = (n: number) => JSON.stringify({ n });

describe('the sink handler', () => {
  it('dead-letters undecodable, empty and unmappable records, the store-refused one with its reason, and writes the rest', async () => {
    const h = harness({});
    await h.handle(batchOf([json(1), 'garbage', null, json(-1), json(13), json(2), json(3)]));
    expect(h.written).toEqual([1, 2, 3]);
    const reasons = h.sent.map((m) => readDeadLetter(m.headers));
    expect(reasons.map((r) => [r?.sourceOffset, r?.code])).toEqual([
      ['1', 'NOT_WIRE_FORMAT'],
      ['2', 'EMPTY_VALUE'],
      ['3', 'ROW_INVALID'],
      ['4', 'PG_DATA_REJECTED'],
    ]);
    expect(reasons[3]).toMatchObject({ message: 'value refused by the store', processor: 'test-sink' });
    expect(h.sent[3]!.value?.toString()).toBe(json(13));
    const dl = await h.metrics.deadLetters.get();
    expect(dl.values.find((v) => v.labels.code === 'PG_DATA_REJECTED')?.value).toBe(1);
  });

  it('a retriable write failure throws (the runner retries) and dead-letters nothing', async () => {
    const h = harness({
      write: async () => {
        throw new TransientError('PG_UNAVAILABLE', 'down');
      },
    });
    await expect(h.handle(batchOf([json(1), 'garbage']))).rejects.toMatchObject({ code: 'PG_UNAVAILABLE' });
    expect(h.sent).toEqual([]);
  });

  it('a bug throws non-retriable', async () => {
    const h = harness({
      write: async () => {
        throw new Error('relation "x" does not exist');
      },
    });
    await expect(h.handle(batchOf([json(1)]))).rejects.toThrow(/does not exist/);
  });

  it('with writeAlone, a refused shared write is first retried alone (the refusal may be another batch’s)', async () => {
    const alone: number[][] = [];
    const h = harness({
      write: async () => {
        throw new Refused();
      },
      writeAlone: async (items) => {
        alone.push(items);
      },
    });
    await h.handle(batchOf([json(1), json(2)]));
    expect(alone).toEqual([[1, 2]]);
    expect(h.sent).toEqual([]);
  });
});
