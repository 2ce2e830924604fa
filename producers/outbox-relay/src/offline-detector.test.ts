import { describe, expect, it } from 'vitest';
import { OfflineDetector } from './offline-detector.ts';

describe('OfflineDetector', () => {
  it('starts UNKNOWN and becomes ONLINE on the first success', () => {
    const d = new OfflineDetector(3);
    expect(d.state).toBe('UNKNOWN');
    expect(d.success()).toEqual({ from: 'UNKNOWN', to: 'ONLINE' });
    expect(d.success()).toBeUndefined();
  });

  it('goes OFFLINE only after N consecutive failures, and back ONLINE on one success', () => {
    const d = new OfflineDetector(3);
    d.success();
    expect(d.failure('a')).toBeUndefined();
    expect(d.failure('b')).toBeUndefined();
    expect(d.state).toBe('ONLINE');
    expect(d.failure('c')).toEqual({ from: 'ONLINE', to: 'OFFLINE' });
    expect(d.lastError).toBe('c');
    expect(d.failure('d')).toBeUndefined();
    expect(d.consecutiveFailures).toBe(4);
    expect(d.success()).toEqual({ from: 'OFFLINE', to: 'ONLINE' });
    expect(d.lastError).toBeUndefined();
  });

  it('a success in between resets the count', () => {
    const d = new OfflineDetector(2);
    d.failure('x');
    d.success();
    expect(d.failure('y')).toBeUndefined();
    expect(d.state).toBe('ONLINE');
  });

  it('can start OFFLINE when the destination is down from the beginning', () => {
    const d = new OfflineDetector(2);
    d.failure('x');
    expect(d.failure('x')).toEqual({ from: 'UNKNOWN', to: 'OFFLINE' });
  });

  it('rejects a nonsensical threshold', () => {
    expect(() => new OfflineDetector(0)).toThrow(RangeError);
  });
});
