import { AppError, isRetriable } from '@retail-stream/runtime';
import type { WriteFailure } from '@retail-stream/runtime/sink-kit';

/**
 * ClickHouse error codes that blame a value, not the statement: cannot parse (6, 26, 27, 38, 41,
 * 72), type mismatch or conversion (53, 70), out of range (69, 321), incorrect data (117), a
 * string too large (131), NULL in a non-Nullable column (349), a violated CHECK constraint (469),
 * a throwIf in a MATERIALIZED column (395: how a check is written on servers without constraints,
 * 18.16 among them). The sink sends typed RowBinary and checks each value against its column
 * first (row-binary.ts), so most of these reach it only from checks like those.
 */
const DATA_CODES = new Set([6, 26, 27, 38, 41, 53, 69, 70, 72, 117, 131, 321, 349, 395, 469]);

/**
 * ClickHouse refused a value → poison (the kit isolates and dead-letters the record); no answer or
 * overload → retriable; anything else the server refused (unknown table or column) → a bug.
 */
export function classifyClickhouseWrite(err: unknown): WriteFailure {
  if (isRetriable(err)) return { kind: 'retriable' };
  const code = err instanceof AppError ? err.details?.code : undefined;
  if (typeof code === 'number' && DATA_CODES.has(code))
    return { kind: 'poison', code: 'CLICKHOUSE_DATA_REJECTED' };
  return { kind: 'bug' };
}
