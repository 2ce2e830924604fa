import { ValidationError } from '@retail-stream/runtime';
import { z } from 'zod';

/**
 * Opaque keyset cursors: the sort key of the last item of a page, base64url-encoded JSON, tagged
 * with the endpoint so a cursor of one list is refused by another. Clients must not build them.
 */
export type CursorKey = (string | number)[];

const shape = z.object({
  e: z.string(),
  k: z.array(z.union([z.string().max(256), z.number().finite()])).max(8),
});

export function encodeCursor(endpoint: string, key: CursorKey): string {
  return Buffer.from(JSON.stringify({ e: endpoint, k: key })).toString('base64url');
}

/** The key inside a cursor of `endpoint` with `length` parts; 400 BAD_REQUEST for anything else. */
export function decodeCursor(endpoint: string, cursor: string, length: number): CursorKey {
  const bad = () =>
    new ValidationError('BAD_REQUEST', 'cursor: not a cursor of this list (use next_cursor as given)');
  if (!/^[A-Za-z0-9_-]{1,1024}$/.test(cursor)) throw bad();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw bad();
  }
  const result = shape.safeParse(parsed);
  if (!result.success || result.data.e !== endpoint || result.data.k.length !== length) throw bad();
  return result.data.k;
}
