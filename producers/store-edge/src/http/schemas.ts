import { z } from 'zod';
import { TERMINAL_ID } from '../terminal-auth.ts';
import { UUID_PATTERN } from '../uuid-v7.ts';

/** Request building blocks shared by the routes. Limits keep every amount far inside 2^53. */
export const MAX_MINOR = 1_000_000_000_000; // 10^12 minor units: a trillion VND per amount

/** Whole minor units from `min` to MAX_MINOR, as a bigint. */
const minorUnits = (min: number) =>
  z
    .number()
    .int()
    .min(min)
    .max(MAX_MINOR)
    .transform((n) => BigInt(n));
export const money = minorUnits(0);
export const positiveMoney = minorUnits(1);
export const quantity = z.number().int().min(1).max(9_999);
export const staffId = z.string().regex(TERMINAL_ID, 'letters, digits, _ or -, at most 64 characters');
export const shortText = z.string().trim().min(1).max(200);
export const sku = z.string().min(1).max(64);
export const barcode = z.string().regex(/^[0-9]{8,14}$/, '8 to 14 digits');
/** Loyalty id as typed or scanned at the till; only its HMAC is kept. */
export const customerId = z.string().trim().min(1).max(128);

export const uuidParam = z.string().regex(UUID_PATTERN, 'a lower-case UUID');
export const idParams = z.object({ id: uuidParam });
export const lineParams = z.object({ id: uuidParam, line_no: z.coerce.number().int().min(1).max(100_000) });

/** A manufacturer's lot (batch) number as printed on the pack (so_lo). */
export const lotNo = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9/._-]{0,39}$/, 'letters, digits, / . _ or -, at most 40');
/** A national e-prescription code (ma_don_thuoc_quoc_gia). */
export const prescriptionCode = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'letters, digits, _ . or -');

export const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD')
  .refine(
    (s) =>
      !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s),
    'a real date',
  );
