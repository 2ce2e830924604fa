/**
 * What every long-running part's factory returns. Factories are named `start<Part>` (startStoreEdge,
 * startOutboxRelay, startIngestProcessor, startSinkService, …) and resolve once the part is
 * consuming or serving; main.ts registers `stop` in the shutdown phase 'drain' and `close` in
 * 'close', and `isReady` as the readiness check. One shape, so the supervisor, tests and mains treat
 * every part alike.
 */
export interface RunningService {
  /** True while the part does its job (in its consumer group, serving, connected). */
  isReady(): boolean;
  /** Stops intake and finishes the work in flight (a batch and its commit, open requests). */
  stop(): Promise<void>;
  /** Releases clients and pools. Called after stop. */
  close(): Promise<void>;
}
