import { baseServiceConfig, csv } from '@retail-stream/runtime';
import { z } from 'zod';
import { STORE_ID } from '@retail-stream/schemas';
import { paymentProviderSetting } from './payment-provider-config.ts';
import { parseTerminalTokenEntry, type TerminalToken } from './terminal-auth.ts';

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const terminalTokens = csv.transform((entries, ctx): TerminalToken[] => {
  const tokens: TerminalToken[] = [];
  for (const entry of entries) {
    const parsed = parseTerminalTokenEntry(entry);
    if (typeof parsed === 'string') ctx.addIssue({ code: 'custom', message: parsed });
    else tokens.push(parsed);
  }
  if (new Set(tokens.map((t) => t.tokenSha256)).size !== tokens.length) {
    ctx.addIssue({ code: 'custom', message: 'the same token hash is listed twice' });
  }
  return tokens;
});

export const storeEdgeConfig = baseServiceConfig.extend({
  STORE_ID: z.string().regex(STORE_ID, 'lower-case letters, digits and _, at most 31 characters'),
  /** Admin URL (a role with CREATEDB); the service creates and uses database store_<STORE_ID> on that server. */
  PG_URL: z.string().regex(/^postgres(ql)?:\/\//, 'a postgres:// URL'),
  PG_POOL_MAX: z.coerce.number().int().min(2).max(100).default(10),
  EDGE_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  /** terminal_id:sha256hex(token), comma separated; several entries per terminal allow token rotation. */
  EDGE_TERMINAL_TOKENS: terminalTokens,
  /**
   * monitor_id:sha256hex(token), comma separated: read-only tokens (the HQ dashboard's) allowed
   * only on GET /v1/sync/status; any other route answers 403 to them.
   */
  EDGE_MONITOR_TOKENS: terminalTokens.optional(),
  EDGE_CUSTOMER_HMAC_KEY: z.string().min(32, 'at least 32 characters'),
  /** `fake` (tests and demos) or a real provider; required, no default (payment-provider-config.ts). */
  EDGE_PAYMENT_PROVIDER: paymentProviderSetting,
  EDGE_QR_CALLBACK_SECRET: z.string().min(16, 'at least 16 characters'),
  EDGE_QR_EXPIRY_S: z.coerce.number().int().positive().default(300),
  /** Card tokens the built-in fake acquirer declines (to produce PaymentFailed on demand; `fake` only). */
  EDGE_CARD_DECLINE_TOKENS: csv.default(['tok_declined']),
  /** allow: stock may go negative (a store never refuses a sale); reject: 409 when stock is short. */
  EDGE_INSUFFICIENT_STOCK_POLICY: z.enum(['allow', 'reject']).default('allow'),
  EDGE_BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).max(10_485_760).default(65_536),
  EDGE_IDEMPOTENCY_TTL_H: z.coerce.number().positive().default(72),
  EDGE_BACKLOG_REFRESH_S: z.coerce.number().positive().default(10),
  /** A relay heartbeat older than this reads as OFFLINE in /v1/sync/status. */
  EDGE_RELAY_STALE_AFTER_S: z.coerce.number().positive().default(60),
  /** Used only to create the store row the first time; seeded stores keep their own metadata. */
  STORE_NAME: z.string().min(1).optional(),
  STORE_TIMEZONE: z
    .string()
    .refine(isTimeZone, 'an IANA time zone like Asia/Ho_Chi_Minh')
    .default('Asia/Ho_Chi_Minh'),
  STORE_CURRENCY: z
    .string()
    .regex(/^[A-Z]{3}$/, 'an ISO 4217 code')
    .default('VND'),
  STORE_REGION: z.string().default(''),
});

export type StoreEdgeConfig = z.infer<typeof storeEdgeConfig>;
