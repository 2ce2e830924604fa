import { afterAll, beforeAll } from 'vitest';
import { startHarness, type Harness } from './harness.ts';

/**
 * A store edge for the enclosing file or describe block: started before its tests, closed after
 * them. The returned object forwards every property to the running harness, so tests use it as
 * the harness itself (it only exists once beforeAll has run).
 */
export function useHarness(...args: Parameters<typeof startHarness>): Harness {
  let running: Harness | undefined;
  beforeAll(async () => {
    running = await startHarness(...args);
  });
  afterAll(async () => {
    await running?.close();
  });
  return new Proxy({} as Harness, {
    get(_target, property) {
      if (!running)
        throw new Error('the store edge harness is used outside its tests (it starts in beforeAll)');
      return Reflect.get(running, property) as unknown;
    },
  });
}
