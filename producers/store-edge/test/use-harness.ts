import { afterAll, beforeAll } from 'vitest';
import { startHarness, type Harness } from './harness.ts';

/**
 * A store edge for the enclosing file or describe block: started before its tests, closed after
 * them. The returned object forwards to the running harness, so tests use it like the harness.
 */
export function useHarness(...args: Parameters<typeof startHarness>): Harness {
  let running: Harness | undefined;
  beforeAll(async () => {
    running = await startHarness(...args);
  });
  afterAll(async () => {
    await running?.close();
  });
  const h = (): Harness => {
    if (!running)
      throw new Error('the store edge harness is used outside its tests (it starts in beforeAll)');
    return running;
  };
  return {
    get storeId() {
      return h().storeId;
    },
    get base() {
      return h().base;
    },
    get edge() {
      return h().edge;
    },
    get metrics() {
      return h().metrics;
    },
    get db() {
      return h().db;
    },
    get tokens() {
      return h().tokens;
    },
    call: (method, path, opts) => h().call(method, path, opts),
    close: () => h().close(),
  };
}
