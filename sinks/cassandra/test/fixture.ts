import { afterAll, beforeAll } from 'vitest';
import { SinkTestBed } from './harness.ts';

// Apart from harness.ts because it registers vitest hooks: the benchmark imports the harness.

/**
 * A SinkTestBed set up in beforeAll and torn down in afterAll. Hooks the test file registers later
 * run their afterAll first, so sinks and proxies it started are gone before the teardown.
 */
export function useSinkTestBed(partitions = 2): SinkTestBed {
  const bed = new SinkTestBed();
  beforeAll(async () => {
    await bed.setup(partitions);
  });
  afterAll(async () => {
    await bed.teardown();
  });
  return bed;
}
