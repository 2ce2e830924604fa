import type { ClickHouseClientConfigOptions } from '@clickhouse/client';

/**
 * Options for @clickhouse/client 1.x that behave the same against Debian's ClickHouse 18.16 (the
 * local stack) and a current ClickHouse (docker-compose / production). Probed against 18.16.1 with
 * client 1.23: the client's defaults send no setting 18.16 rejects, so the base is just `url`;
 * the two settings below make behaviour identical on both servers rather than merely not failing.
 *
 * Things 18.16 lacks that callers must avoid (no option can paper over them):
 *  - query_params / `{name:Type}` placeholders: sent as `param_x` and rejected as an unknown
 *    setting. Inline values with sqlString() instead (inserts go through the JSON body anyway).
 *  - JSONCompactEachRow (and the *WithNames* variants): unknown format; use JSONEachRow.
 *  - Decimal columns do not accept JSON strings ("1.50") on insert; send JSON numbers.
 *  - Newer settings (async_insert, input_format_null_as_default, …) fail the whole request.
 *  - Errors are not ClickHouseError with code/type: the client's parser expects the newer
 *    "Code: N. DB::Exception: … (TYPE)" text. Use clickhouseErrorCode().
 */
export function clickhouseClientOptions(url: string): ClickHouseClientConfigOptions {
  return {
    url,
    clickhouse_settings: {
      // Events carry ISO-8601 timestamps (Date.toISOString(): "2024-01-02T03:04:05.123Z"); 18.16's
      // default parser only takes "YYYY-MM-DD hh:mm:ss" and rejects the whole insert. best_effort
      // exists in 18.16 and every later version.
      date_time_input_format: 'best_effort',
      // Without it the server streams rows before it knows the query succeeded; an error halfway
      // through then arrives as plain text inside the JSON stream and surfaces as
      // "SyntaxError: Unexpected token 'C'" instead of the ClickHouse error. With it the server
      // buffers (spilling to a temp file if large) and answers with a proper HTTP error.
      // Override per query with wait_end_of_query: 0 for huge streamed exports.
      wait_end_of_query: 1,
    },
  };
}

/**
 * Numeric ClickHouse error code of a failed client call, on 18.16 ("Code: 60, e.displayText() =
 * DB::Exception: …") and on current servers ("Code: 60. DB::Exception: … (UNKNOWN_TABLE)"), e.g. to
 * tell retriable overload (202, 241, 252) from a broken query. Undefined for network errors.
 */
export function clickhouseErrorCode(err: unknown): number | undefined {
  if (!(err instanceof Error)) return undefined;
  // The message is checked first: on 18.16 the client's parser sometimes half-matches and puts a
  // word from the message into `type`, but the leading code is reliable in both formats.
  const fromMessage = /^(?:Code|Error): (\d+)[.,]/.exec(err.message)?.[1];
  if (fromMessage) return Number(fromMessage);
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && /^\d+$/.test(code) ? Number(code) : undefined;
}

/**
 * A ClickHouse string literal, for the places where 18.16's missing query parameters force a value
 * into SQL text. Backslash escapes are ClickHouse's (not standard SQL's doubled quotes).
 */
export function sqlString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
