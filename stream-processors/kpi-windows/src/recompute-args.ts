import { ValidationError } from '@retail-stream/runtime';

export interface RecomputeArgs {
  from: number;
  to: number;
  store: string | undefined;
  /** Input records are found by record timestamp (ingest time); read from `from` minus this for clock skew. */
  marginMs: number;
  /** Allow windows that may still be in a running instance's state (see README). */
  force: boolean;
  /** Compute and count, publish nothing (`retail recompute --dry-run`). */
  dryRun?: boolean;
}

/** `--from <iso> --to <iso> [--store <id>] [--margin-min 60] [--force]` */
export function parseRecomputeArgs(argv: readonly string[]): RecomputeArgs {
  const get = (name: string): string | undefined => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const time = (name: string): number => {
    const v = get(name);
    const t = v === undefined ? Number.NaN : Date.parse(v);
    if (!Number.isFinite(t))
      throw new ValidationError('BAD_ARGS', `--${name} needs an ISO 8601 time, e.g. 2026-03-10T00:00:00Z`);
    return t;
  };
  const from = time('from');
  const to = time('to');
  if (to <= from) throw new ValidationError('BAD_ARGS', '--to must be after --from');
  const margin = Number(get('margin-min') ?? '60');
  if (!Number.isFinite(margin) || margin < 0)
    throw new ValidationError('BAD_ARGS', '--margin-min must be a number >= 0');
  const store = get('store');
  if (store !== undefined && !/^[A-Za-z0-9_.-]{1,64}$/.test(store))
    throw new ValidationError('BAD_ARGS', '--store must be a store id');
  return { from, to, store, marginMs: margin * 60_000, force: argv.includes('--force') };
}
