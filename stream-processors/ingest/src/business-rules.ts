import type { StoreEvent } from '@retail-stream/schemas';

export interface BusinessRuleContext {
  /** Kafka key of the record (the producer's claim of which store it belongs to). */
  key: string | null;
  /** Processing time, epoch ms. */
  now: number;
  /** How far in the future `occurred_at` may be (store clocks drift). */
  maxFutureSkewMs: number;
  /** The store's trading currency from reference data, when known. */
  storeCurrency?: string | undefined;
}

const ISO_CURRENCY = /^[A-Z]{3}$/;

/**
 * The first business rule a schema-valid store event breaks, as a message naming the rule, or
 * undefined when it breaks none. Pure: the same event and context always give the same answer.
 */
export function businessRuleViolation(event: StoreEvent, ctx: BusinessRuleContext): string | undefined {
  if (event.store_id.trim() === '') return 'store_id: must not be empty';
  if (ctx.key !== event.store_id) {
    return `store_id: ${JSON.stringify(event.store_id)} differs from the record key ${JSON.stringify(ctx.key)}`;
  }
  if (!Number.isInteger(event.store_seq) || event.store_seq < 1) {
    return `store_seq: must be a positive integer, got ${event.store_seq}`;
  }
  if (event.occurred_at > ctx.now + ctx.maxFutureSkewMs) {
    return `occurred_at: ${new Date(event.occurred_at).toISOString()} is more than ${ctx.maxFutureSkewMs} ms in the future`;
  }
  if ('currency' in event) {
    if (!ISO_CURRENCY.test(event.currency)) {
      return `currency: ${JSON.stringify(event.currency)} is not an ISO 4217 code`;
    }
    if (ctx.storeCurrency !== undefined && event.currency !== ctx.storeCurrency) {
      return `currency: ${event.currency} differs from the store's currency ${ctx.storeCurrency}`;
    }
  }
  switch (event.event_type) {
    case 'SaleRecorded': {
      let sum = 0;
      let items = 0;
      for (const l of event.lines) {
        if (l.quantity <= 0) return `lines[${l.line_no}].quantity: must be > 0, got ${l.quantity}`;
        if (l.line_total_minor !== l.quantity * l.unit_price_minor - l.discount_minor) {
          return `lines[${l.line_no}].line_total_minor: ${l.line_total_minor} is not quantity * unit_price_minor - discount_minor`;
        }
        sum += l.line_total_minor;
        items += l.quantity;
      }
      if (sum !== event.total_minor) {
        return `total_minor: ${event.total_minor} differs from the sum of line totals ${sum}`;
      }
      if (items !== event.item_count)
        return `item_count: ${event.item_count} differs from the sum of quantities ${items}`;
      return undefined;
    }
    case 'SaleRefunded': {
      let sum = 0;
      for (const l of event.lines) {
        if (l.quantity <= 0) return `lines[${l.line_no}].quantity: must be > 0, got ${l.quantity}`;
        sum += l.amount_minor;
      }
      if (sum !== event.amount_minor) {
        return `amount_minor: ${event.amount_minor} differs from the sum of line amounts ${sum}`;
      }
      return undefined;
    }
    case 'GoodsReceived': {
      let sum = 0;
      for (const l of event.lines) {
        if (l.quantity <= 0) return `lines[${l.sku}].quantity: must be > 0, got ${l.quantity}`;
        sum += l.quantity * l.unit_cost_minor;
      }
      if (sum !== event.total_cost_minor) {
        return `total_cost_minor: ${event.total_cost_minor} differs from the sum of quantity * unit_cost_minor ${sum}`;
      }
      return undefined;
    }
    case 'PaymentCaptured':
    case 'PaymentFailed':
      if (event.amount_minor <= 0) return `amount_minor: must be > 0, got ${event.amount_minor}`;
      return undefined;
    default:
      return undefined;
  }
}
