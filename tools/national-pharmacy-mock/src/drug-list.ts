import { readFileSync } from 'node:fs';
import { z } from 'zod';

/**
 * The national drug list, as the codes (`ma_thuoc`) the mock accepts. Entries may be bare codes or
 * objects with `ma_thuoc` (and whatever else the file carries: names are not checked).
 */
const drugEntry = z.union([
  z.string().min(1),
  z.looseObject({ ma_thuoc: z.string().min(1) }).transform((d) => d.ma_thuoc),
]);

export const drugListSchema = z.array(drugEntry).min(1, 'needs at least one drug code');

/** The drugs file: `["VN-123", ...]`, `[{ma_thuoc, ...}]` or `{"drugs": [...]}`. */
export function loadDrugsFile(path: string): string[] {
  const raw: unknown = JSON.parse(readFileSync(path, 'utf8'));
  const list = Array.isArray(raw) ? raw : (raw as { drugs?: unknown }).drugs;
  return drugListSchema.parse(list);
}
