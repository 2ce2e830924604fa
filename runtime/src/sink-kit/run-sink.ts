import type { RunningService } from '../running-service.ts';
import type { ServiceRuntime } from '../service-runtime.ts';
import { startSinkService, type SinkSpec } from './start-sink-service.ts';

/**
 * What a sink's main.ts does after parsing its config: readiness check first and ops endpoints up
 * (so /healthz answers while the store is being reached), start the sink, and register its
 * graceful stop: drain (finish and commit the batch in flight), then close (store, DLQ producer).
 * A non-retriable error ends the process non-zero. Undefined when shutdown came during startup.
 */
export async function runSink<T>(
  rt: ServiceRuntime,
  spec: SinkSpec<T>,
  opsPort: number,
): Promise<RunningService | undefined> {
  let service: RunningService | undefined;
  rt.health.addCheck('consumer', () => (service?.isReady() ? true : 'not in the consumer group yet'));
  await rt.serve(opsPort);
  try {
    service = await startSinkService(spec, {
      logger: rt.logger,
      metrics: rt.metrics,
      signal: rt.shutdown.signal,
      onFatal: () => void rt.shutdown.trigger('non-retriable sink error', 1),
    });
  } catch (err) {
    if (rt.shutdown.isShuttingDown) return undefined;
    throw err;
  }
  const started = service;
  rt.shutdown.onShutdown(
    `${spec.name}: finish and commit the batch in flight`,
    () => started.stop(),
    'drain',
  );
  rt.shutdown.onShutdown(`${spec.name}: store and DLQ producer`, () => started.close(), 'close');
  return started;
}
