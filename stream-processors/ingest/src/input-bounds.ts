import { customerRefProblem } from '@retail-stream/runtime';
import { catalogue, type StoreEvent } from '@retail-stream/schemas';
import { moneyCheckOf, type MoneyCheck } from './money-check.ts';

export type BoundsCode = 'NEGATIVE_AMOUNT' | 'EVENT_TOO_OLD' | 'CUSTOMER_REF_NOT_PSEUDONYM';

export interface BoundsContext {
  /** Processing time, epoch ms. */
  now: number;
  /** occurred_at may be at most this old; 0 turns the check off (INGEST_MAX_EVENT_AGE_MS). */
  maxEventAgeMs: number;
}

/**
 * Input a till never writes but a forged or corrupted record can carry, checked after the
 * business rules (so a sale whose totals do not add up stays BUSINESS_INVALID): a negative money
 * field, an event older than the age limit (a replay of old sales into today's KPIs), or a
 * customer_ref that is not the store edge's pseudonym (a raw phone number is personal data).
 * Each has its own dead-letter code so alerts and `retail dlq` can tell them apart. Pure.
 */
export function boundsViolation(
  event: StoreEvent,
  ctx: BoundsContext,
): { code: BoundsCode; message: string } | undefined {
  // The quick check allocates nothing; the path-naming walk runs only for a record being refused.
  const negative = quickCheckOf(event.event_type)(event) ? negativeMoney(event, '') : undefined;
  if (negative) {
    return { code: 'NEGATIVE_AMOUNT', message: `${negative.path}: must be >= 0, got ${negative.value}` };
  }
  if (ctx.maxEventAgeMs > 0 && event.occurred_at < ctx.now - ctx.maxEventAgeMs) {
    return {
      code: 'EVENT_TOO_OLD',
      message: `occurred_at: ${new Date(event.occurred_at).toISOString()} is more than ${ctx.maxEventAgeMs} ms old (INGEST_MAX_EVENT_AGE_MS)`,
    };
  }
  if ('customer_ref' in event) {
    const problem = customerRefProblem(event.customer_ref);
    if (problem) return { code: 'CUSTOMER_REF_NOT_PSEUDONYM', message: problem };
  }
  return undefined;
}

const quickChecks = new Map<string, MoneyCheck>();
const noMoney: MoneyCheck = () => false;

/**
 * The per-record check of an event type, compiled from the catalogue's schema (money-check.ts):
 * the pipeline decodes with that schema and has checked event_type against the record's schema
 * before this runs. A type outside the catalogue gets the generic walk (and is not cached: the
 * map stays as small as the catalogue whatever a record claims).
 */
function quickCheckOf(eventType: string): MoneyCheck {
  const cached = quickChecks.get(eventType);
  if (cached) return cached;
  const schema = catalogue.events.get(eventType);
  if (!schema) return anyNegativeMoney;
  const check = moneyCheckOf(schema.type, anyNegativeMoney) ?? noMoney;
  quickChecks.set(eventType, check);
  return check;
}

/** Whether negativeMoney would find something, without building paths (the per-record cost). */
export function anyNegativeMoney(value: object): boolean {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (typeof item === 'object' && item !== null && anyNegativeMoney(item)) return true;
    }
    return false;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  for (let i = 0; i < keys.length; i++) {
    const v = record[keys[i]!];
    if (typeof v === 'number') {
      if (v < 0 && keys[i]!.endsWith('_minor')) return true;
    } else if (typeof v === 'object' && v !== null && anyNegativeMoney(v)) return true;
  }
  return false;
}

/**
 * Every money field of the catalogue is a `*_minor` long (prices, discounts, taxes, costs, totals,
 * amounts), at any depth (sale and receipt lines): the first negative one, by path. Walking the
 * value instead of listing fields keeps a field added to a schema later covered.
 */
function negativeMoney(value: unknown, path: string): { path: string; value: number } | undefined {
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = negativeMoney(item, `${path}[${i}]`);
      if (found) return found;
    }
    return undefined;
  }
  if (value === null || typeof value !== 'object') return undefined;
  for (const [key, v] of Object.entries(value)) {
    const at = path === '' ? key : `${path}.${key}`;
    if (key.endsWith('_minor') && typeof v === 'number' && v < 0) return { path: at, value: v };
    if (typeof v === 'object' && v !== null) {
      const found = negativeMoney(v, at);
      if (found) return found;
    }
  }
  return undefined;
}
