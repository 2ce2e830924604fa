/**
 * A map with a hard size bound (least recently used entry evicted first) and an optional time to
 * live. For caches whose keys come from outside (a schema id in a forged record, a store id in a
 * record key): an attacker who can choose keys must not be able to grow memory without limit.
 */
export interface BoundedCacheOptions<K> {
  /** Most entries kept; the least recently used one goes when a new key would exceed it. */
  max: number;
  /** Entries older than this read as absent (a negative cache that must expire); default: never. */
  ttlMs?: number;
  /** Called once per entry evicted for size (not for TTL expiry or delete): count it. */
  onEvict?: (key: K) => void;
  /** Injectable clock for tests. */
  now?: () => number;
}

export class BoundedCache<K, V> {
  private readonly entries = new Map<K, { value: V; at: number }>();
  private readonly now: () => number;
  /** The most recently used key: a hit on it needs no re-insert (hot loops ask for one key in a row). */
  private newest: K | undefined;

  constructor(private readonly opts: BoundedCacheOptions<K>) {
    if (!Number.isInteger(opts.max) || opts.max < 1) {
      throw new RangeError(`max must be a positive integer, got ${opts.max}`);
    }
    this.now = opts.now ?? Date.now;
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: K): V | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (this.opts.ttlMs !== undefined && this.now() - e.at >= this.opts.ttlMs) {
      this.entries.delete(key);
      return undefined;
    }
    // Re-insert: Map iteration order is insertion order, so the first key is the least recent.
    if (key !== this.newest) {
      this.entries.delete(key);
      this.entries.set(key, e);
      this.newest = key;
    }
    return e.value;
  }

  has(key: K): boolean {
    return this.get(key) !== undefined;
  }

  set(key: K, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, { value, at: this.now() });
    this.newest = key;
    while (this.entries.size > this.opts.max) {
      const oldest = this.entries.keys().next().value as K;
      this.entries.delete(oldest);
      this.opts.onEvict?.(oldest);
    }
  }

  delete(key: K): boolean {
    if (key === this.newest) this.newest = undefined;
    return this.entries.delete(key);
  }

  keys(): IterableIterator<K> {
    return this.entries.keys();
  }
}
