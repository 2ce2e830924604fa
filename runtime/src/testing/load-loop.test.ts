import { describe, expect, it } from 'vitest';
import { startLoadLoop } from './load-loop.ts';
import { waitFor } from './wait-for.ts';

describe('startLoadLoop', () => {
  it('runs rounds until stop() and then starts no more', async () => {
    const seen: number[] = [];
    const loop = startLoadLoop(async (i) => void seen.push(i), { pauseMs: 1 });
    await waitFor(() => loop.rounds >= 3);
    const n = await loop.stop();
    expect(seen).toEqual(Array.from({ length: n }, (_, i) => i));
    await new Promise((r) => setTimeout(r, 10));
    expect(seen).toHaveLength(n);
  });

  it('reports a failed round from stop()', async () => {
    const loop = startLoadLoop(() => Promise.reject(new Error('broker gone')));
    await expect(loop.stop()).rejects.toThrow('broker gone');
  });

  it('fails when it runs out of rounds before stop()', async () => {
    const short = startLoadLoop(async () => undefined, { maxRounds: 2 });
    // The count and the failure change together, so seeing 2 rounds means the loop has failed.
    await waitFor(() => short.rounds === 2);
    await expect(short.stop()).rejects.toThrow('ran all 2 rounds');
  });
});
