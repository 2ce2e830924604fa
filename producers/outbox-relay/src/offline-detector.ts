export type Connectivity = 'UNKNOWN' | 'ONLINE' | 'OFFLINE';

export interface ConnectivityChange {
  from: Connectivity;
  to: Connectivity;
}

/**
 * ONLINE/OFFLINE from a stream of attempt results (publishes and idle-time probes). One failure is
 * a blip (a broker restart, a leader move); `threshold` failures in a row is an outage the store
 * should see. Any success is ONLINE again. Pure: the health loop feeds it and acts on changes.
 */
export class OfflineDetector {
  private current: Connectivity = 'UNKNOWN';
  private failures = 0;
  private error: string | undefined;

  constructor(private readonly threshold: number) {
    if (!Number.isInteger(threshold) || threshold < 1)
      throw new RangeError('threshold must be a positive integer');
  }

  get state(): Connectivity {
    return this.current;
  }

  get consecutiveFailures(): number {
    return this.failures;
  }

  get lastError(): string | undefined {
    return this.error;
  }

  success(): ConnectivityChange | undefined {
    this.failures = 0;
    this.error = undefined;
    return this.moveTo('ONLINE');
  }

  failure(error: string): ConnectivityChange | undefined {
    this.failures++;
    this.error = error;
    return this.failures >= this.threshold ? this.moveTo('OFFLINE') : undefined;
  }

  private moveTo(to: Connectivity): ConnectivityChange | undefined {
    if (this.current === to) return undefined;
    const change = { from: this.current, to };
    this.current = to;
    return change;
  }
}
