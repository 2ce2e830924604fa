import { seededRandom } from '@retail-stream/runtime';

/**
 * The records every client sends: the same bytes in the same order for every run, without holding
 * N records in memory (a 1M × 2.5 KB run would otherwise measure our array, not the client).
 * Values are seeded random bytes (incompressible, like Avro of varied sales; no compression is
 * configured anyway) from a pool of distinct values; keys are ~500 store ids, as in production
 * where the key of every POS event is its store.
 */
export const STORE_COUNT = 500;
const POOL_SIZE = 1024;

export interface BenchRecord {
  key: Buffer;
  value: Buffer;
}

export class RecordSource {
  private readonly keys: Buffer[];
  private readonly values: Buffer[];

  constructor(
    readonly valueBytes: number,
    seed = 14,
  ) {
    const random = seededRandom(seed + valueBytes);
    this.keys = Array.from({ length: STORE_COUNT }, (_, i) =>
      Buffer.from(`store-${String(i + 1).padStart(4, '0')}`),
    );
    this.values = Array.from({ length: POOL_SIZE }, () => {
      const b = Buffer.allocUnsafe(valueBytes);
      for (let i = 0; i < valueBytes; i++) b[i] = Math.floor(random() * 256);
      return b;
    });
  }

  /** Record i (0-based): key round-robin over the stores, value from the pool. */
  at(i: number): BenchRecord {
    return { key: this.keys[i % STORE_COUNT]!, value: this.values[(i * 7919) % POOL_SIZE]! };
  }

  /** Records [from, to) as one array: the chunk one produce call sends. */
  chunk(from: number, to: number): BenchRecord[] {
    const out: BenchRecord[] = [];
    for (let i = from; i < to; i++) out.push(this.at(i));
    return out;
  }
}

/**
 * The "transform" of the consume-transform-produce loop: a new value (a copy with a 16-byte
 * processing stamp appended, as enrichment grows a record) under the same key, so the client has to
 * encode a fresh buffer per record, as our ingest does.
 */
export function transformValue(value: Buffer, offset: bigint): Buffer {
  const out = Buffer.allocUnsafe(value.length + 16);
  value.copy(out, 0);
  out.writeBigInt64BE(offset, value.length);
  out.writeDoubleBE(Date.now(), value.length + 8);
  return out;
}
