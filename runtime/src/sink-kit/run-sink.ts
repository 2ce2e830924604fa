import { runService } from '../run-service.ts';
import type { RunningService } from '../running-service.ts';
import type { ServiceRuntime } from '../service-runtime.ts';
import { startSinkService, type SinkSpec } from './start-sink-service.ts';

/**
 * What a sink's main.ts does after parsing its config: runService's wiring (readiness check and
 * ops endpoints first, so /healthz answers while the store is being reached; graceful stop: drain
 * finishes and commits the batch in flight, then close releases the store and the DLQ producer;
 * a non-retriable error ends the process non-zero) around startSinkService. Undefined when
 * shutdown came during startup.
 */
export function runSink<T>(
  rt: ServiceRuntime,
  spec: SinkSpec<T>,
  opsPort: number,
): Promise<RunningService | undefined> {
  return runService(rt, (deps) => startSinkService(spec, deps), {
    name: spec.name,
    opsPort,
    check: 'consumer',
    starting: 'not in the consumer group yet',
    notReady: 'not in the consumer group yet',
    stopHook: `${spec.name}: finish and commit the batch in flight`,
    closeHook: `${spec.name}: store and DLQ producer`,
  });
}
