import type { Logger } from './logger.ts';
import type { RunningService } from './running-service.ts';
import type { ServiceRuntime } from './service-runtime.ts';
import type { ShutdownPhase } from './shutdown.ts';

export interface RunServiceOptions {
  /** The part as log lines name it ('outbox relay'): "<name> started", "<name> could not start". */
  name: string;
  opsPort: number;
  /** The readiness check's name in /readyz. */
  check: string;
  /** The check's detail until the factory resolved; default 'starting'. */
  starting?: string;
  /** The detail when a part without readiness() answers isReady() false; default '<name> not ready'. */
  notReady?: string;
  /** Hook names: what stop and close finish, as the shutdown log shows them. */
  stopHook: string;
  closeHook: string;
  /** Default 'drain' and 'close'; a part that must stop before others flush picks earlier ones. */
  stopPhase?: ShutdownPhase;
  closePhase?: ShutdownPhase;
  /** Fields of the "<name> started" line (topics, store, …); no line when omitted. */
  startedLog?: Record<string, unknown>;
}

/** A part that can say why it is not ready: its reason becomes the readiness check's detail. */
interface ExplainsReadiness {
  readiness(): true | string;
}

function explainsReadiness(s: RunningService): s is RunningService & ExplainsReadiness {
  return typeof (s as Partial<ExplainsReadiness>).readiness === 'function';
}

/**
 * What runService hands a part's `start<Part>`: the same deps shape startInProcess gives it in
 * tests, so a main spreads them in and adds only its config and clients.
 */
export interface RunServiceContext {
  logger: Logger;
  metrics: ServiceRuntime['metrics'];
  /** Aborts startup waits (a dependency not up yet) when the process shuts down. */
  signal: AbortSignal;
  /** A non-retriable error: shut down gracefully and exit 1 (a supervisor restarts the process). */
  onFatal: (err: unknown) => void;
}

/**
 * What every service's main.ts does after parsing its config: readiness check first and ops
 * endpoints up (so /healthz answers while the part waits for its dependencies), start the part,
 * register its graceful stop (stop in 'drain', close in 'close'). A start failure or a fatal error
 * ends the process with exit code 1. Resolves undefined when the shutdown came during startup (then
 * a part that did start is stopped and closed here: its hooks would be too late).
 */
export async function runService<S extends RunningService>(
  rt: ServiceRuntime,
  start: (ctx: RunServiceContext) => Promise<S>,
  opts: RunServiceOptions,
): Promise<S | undefined> {
  // Set once started; the readiness check reads it from the first request on.
  const current: { service?: S } = {};
  const readiness = (s: S): true | string =>
    explainsReadiness(s) ? s.readiness() : s.isReady() || (opts.notReady ?? `${opts.name} not ready`);
  rt.health.addCheck(opts.check, () =>
    current.service ? readiness(current.service) : (opts.starting ?? 'starting'),
  );
  await rt.serve(opts.opsPort);
  const ctx: RunServiceContext = {
    logger: rt.logger,
    metrics: rt.metrics,
    signal: rt.shutdown.signal,
    // The part logged the error where it happened; the shutdown log names the part.
    onFatal: () => void rt.shutdown.trigger(`${opts.name}: non-retriable error`, 1),
  };
  let started: S;
  try {
    started = await start(ctx);
  } catch (err) {
    // A half-started part closed what it opened; a supervisor restarts the process.
    if (!rt.shutdown.isShuttingDown) {
      rt.logger.fatal({ err }, `${opts.name} could not start`);
      await rt.shutdown.trigger('start failed', 1);
    }
    return undefined;
  }
  if (rt.shutdown.isShuttingDown) {
    // The signal came while the part was starting: the hooks below would be too late.
    await started.stop();
    await started.close();
    return undefined;
  }
  current.service = started;
  rt.shutdown.onShutdown(opts.stopHook, () => started.stop(), opts.stopPhase ?? 'drain');
  rt.shutdown.onShutdown(opts.closeHook, () => started.close(), opts.closePhase ?? 'close');
  if (opts.startedLog) rt.logger.info(opts.startedLog, `${opts.name} started`);
  return started;
}
