import { AppError, ValidationError } from '@retail-stream/runtime';
import { ShadowConnections } from './connections.ts';
import { whoRuns, type ShadowContext } from './shadow-context.ts';
import { isShadowSink, shadowTarget, type ShadowSink } from './shadow-name.ts';
import { shadowEnv } from './sink-configs.ts';
import { shadowStore } from './shadow-stores.ts';

export type { ShadowContext } from './shadow-context.ts';

/**
 * For `retail replay --shadow NAME`: creates (or, on resume, re-opens) the shadow of `sink` and
 * returns the env overrides that point that sink's config at it (`{ HQ_PG_SCHEMA: 'shadow_x' }`,
 * `{ CLICKHOUSE_DATABASE: … }`, `{ CASSANDRA_KEYSPACE: … }`); the replay then writes through the
 * sink's own code, unchanged.
 *
 * The registry row is claimed first (INSERT … ON CONFLICT DO NOTHING): of two replays racing for
 * one name exactly one creates it. An existing name without `resume` is SHADOW_EXISTS and nothing
 * is changed; so is a schema/database/keyspace of that name the registry does not know (never
 * write into something we did not create). Migration is idempotent, so a resume (or a crash
 * between registering and migrating) just re-runs it.
 */
export async function openShadow(
  ctx: ShadowContext,
  sink: ShadowSink,
  name: string,
  opts: { resume: boolean },
): Promise<Record<string, string>> {
  if (!isShadowSink(sink)) {
    throw new ValidationError(
      'CLI_USAGE',
      `unknown sink '${String(sink)}' (postgres, clickhouse or cassandra)`,
    );
  }
  const target = shadowTarget(name);
  const conn = new ShadowConnections(shadowEnv(ctx.env));
  try {
    const store = shadowStore(conn, sink);
    if (store.live() === target) {
      throw new ValidationError('SHADOW_BAD_NAME', `shadow ${target} would be the live ${sink} store itself`);
    }
    const registry = conn.registry();
    const known = await registry.get(name, sink);
    if (known) {
      if (!opts.resume) {
        throw new AppError(
          'SHADOW_EXISTS',
          `shadow '${name}' of ${sink} already exists (${target}, ${known.status}, created ${known.created_at.toISOString()} by ${known.created_by})`,
          { details: { name, sink, target } },
        );
      }
      if (known.status === 'promoted') {
        throw new AppError(
          'SHADOW_PROMOTED',
          `shadow '${name}' of ${sink} was promoted at ${known.promoted_at?.toISOString()}; drop it first`,
          { details: { name, sink } },
        );
      }
    } else {
      if (await store.exists(target)) {
        throw new AppError(
          'SHADOW_EXISTS',
          `${sink} already has ${target}, which is not a registered shadow; drop it by hand or pick another name`,
          { details: { name, sink, target } },
        );
      }
      if (!(await registry.insert(name, sink, whoRuns(ctx))) && !opts.resume) {
        throw new AppError(
          'SHADOW_EXISTS',
          `shadow '${name}' of ${sink} was created just now by another command`,
          { details: { name, sink, target } },
        );
      }
    }
    await store.createAndMigrate(target);
    return store.envOverride(target);
  } finally {
    await conn.close();
  }
}
