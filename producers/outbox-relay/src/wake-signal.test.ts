import { describe, expect, it } from 'vitest';
import { WakeSignal } from './wake-signal.ts';

describe('WakeSignal', () => {
  it('wakes a waiter before its timeout', async () => {
    const w = new WakeSignal();
    const waiting = w.wait(5_000);
    setTimeout(() => w.wake(), 20);
    // 'woken' (not 'timeout') proves it returned before the 5 s timeout: no elapsed-time check.
    expect(await waiting).toBe('woken');
  });

  it('times out without a wake', async () => {
    expect(await new WakeSignal().wait(20)).toBe('timeout');
  });

  it('remembers a wake that came while nobody waited, once', async () => {
    const w = new WakeSignal();
    w.wake();
    w.wake();
    expect(await w.wait(5_000)).toBe('woken');
    expect(await w.wait(10)).toBe('timeout');
  });

  it('clear() forgets a remembered wake', async () => {
    const w = new WakeSignal();
    w.wake();
    w.clear();
    expect(await w.wait(10)).toBe('timeout');
  });

  it('returns at once when aborted', async () => {
    const w = new WakeSignal();
    const ac = new AbortController();
    const waiting = w.wait(5_000, ac.signal);
    ac.abort();
    expect(await waiting).toBe('aborted');
    expect(await w.wait(5_000, ac.signal)).toBe('aborted');
  });
});
