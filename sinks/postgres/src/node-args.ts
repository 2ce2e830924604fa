/**
 * Node flags the Postgres sink runs with, wherever it runs (the Kubernetes Deployment, the e2e and
 * demo pipeline, its bench). A 64 MiB semi-space: the sink holds each decoded batch across the
 * awaits of its transaction, so with V8's default young generation most of a batch survives a
 * scavenge, is copied into the old space and dies there, in full collections. With 64 MiB it
 * mostly dies young. Measured (docs/BENCHMARKS.md, 2026-12-07): 0.54–0.61 × `\copy` against
 * 0.48–0.51 without it, peak RSS about the same (505–525 against 503–513 MiB); 32 MiB gained
 * nothing and 128 MiB added 130 MiB of RSS for no more. Not a general setting: ingest, whose
 * records die within a batch, ran slower with it and 90 MiB larger.
 */
export const POSTGRES_SINK_NODE_ARGS: readonly string[] = ['--max-semi-space-size=64'];
