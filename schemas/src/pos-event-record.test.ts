import { AvroSerde, TransientError, ValidationError, WIRE_HEADER_BYTES } from '@retail-stream/runtime';
import avro from 'avsc';
import { describe, expect, it } from 'vitest';
import { catalogue, eventSchema } from './catalogue.ts';
import type { InventoryAdjusted, PaymentCaptured, SaleRecorded } from './generated/events.ts';
import { checkPosEvent, encodeChecked, posEventRecord } from './pos-event-record.ts';

// encodeWith never touches the registry; a client pointed nowhere proves it.
const serde = AvroSerde.fromUrl('http://127.0.0.1:9');
const ids: Record<string, number> = Object.fromEntries(catalogue.storeEventTypes.map((t, i) => [t, 100 + i]));
const idOf = (t: string) => ids[t];

const envelope = {
  event_id: '01936a1e-7c4f-7b3a-9d2e-0123456789ab',
  store_id: 's001',
  terminal_id: 't1',
  cashier_id: 'c100',
  store_seq: 42,
  occurred_at: 1_738_339_200_123,
  trace_id: '4bf92f3577b34da6a3ce929d0e0e4736',
};

const sale: SaleRecorded = {
  ...envelope,
  event_type: 'SaleRecorded',
  transaction_id: 'tx-1',
  currency: 'VND',
  subtotal_minor: 20_000,
  discount_minor: 0,
  tax_minor: 1_818,
  total_minor: 20_000,
  item_count: 2,
  customer_ref: null,
  prescription_code: null,
  lines: [
    {
      line_no: 1,
      sku: 'SKU-NOODLE',
      barcode: '8930000000015',
      product_name: 'Instant noodles',
      category: 'Food',
      quantity: 2,
      unit_price_minor: 10_000,
      discount_minor: 0,
      tax_rate_bp: 1000,
      tax_minor: 1_818,
      line_total_minor: 20_000,
      lots: [],
    },
  ],
  stock: [{ sku: 'SKU-NOODLE', delta: -2, on_hand_after: 98, lots: [] }],
  enrichment: null,
};

const payment: PaymentCaptured = {
  ...envelope,
  store_seq: 43,
  event_type: 'PaymentCaptured',
  transaction_id: 'tx-1',
  payment_id: 'p-1',
  method: 'CASH',
  amount_minor: 20_000,
  currency: 'VND',
  provider_ref: null,
  enrichment: null,
};

const adjustment: InventoryAdjusted = {
  ...envelope,
  store_seq: 44,
  terminal_id: null,
  cashier_id: null,
  event_type: 'InventoryAdjusted',
  adjustment_id: 'adj-1',
  reason: 'DAMAGE',
  note: null,
  stock: [{ sku: 'SKU-TEA', delta: -1, on_hand_after: 10, lots: [] }],
  enrichment: null,
};

/** Decodes with a type built independently from the .avsc text, not the catalogue's instance. */
function decodeIndependently(value: Buffer, eventType: string): unknown {
  const registry: Record<string, avro.Type> = {};
  for (const s of catalogue.schemas)
    avro.Type.forSchema(JSON.parse(s.schemaText) as avro.Schema, { registry });
  const type = registry[eventSchema(eventType).fullName]!;
  return type.fromBuffer(value.subarray(WIRE_HEADER_BYTES));
}

describe('posEventRecord', () => {
  it.each([
    ['SaleRecorded', sale],
    ['PaymentCaptured', payment],
    ['InventoryAdjusted', adjustment],
  ] as const)(
    '%s: key store_id, headers, wire-format value that decodes back to the event',
    (type, event) => {
      const record = posEventRecord(serde, idOf, event);
      expect(record.key).toBe('s001');
      expect(record.headers).toEqual({
        event_type: type,
        event_id: event.event_id,
        trace_id: event.trace_id,
      });
      expect(record.value[0]).toBe(0);
      expect(record.value.readInt32BE(1)).toBe(ids[type]);
      expect(decodeIndependently(record.value, type)).toEqual(event);
    },
  );

  it('writes the same bytes as AvroSerde.encodeWith with the catalogue type (what the relay writes)', () => {
    const record = posEventRecord(serde, idOf, sale);
    expect(
      record.value.equals(serde.encodeWith(ids.SaleRecorded!, eventSchema('SaleRecorded').type, sale)),
    ).toBe(true);
  });

  it('is indifferent to JSON key order (payloads come back from jsonb reordered)', () => {
    const shuffled = Object.fromEntries(Object.entries(payment).reverse());
    expect(
      posEventRecord(serde, idOf, shuffled).value.equals(posEventRecord(serde, idOf, payment).value),
    ).toBe(true);
  });

  it('unknown or non-store event type → ValidationError UNKNOWN_EVENT_TYPE', () => {
    for (const eventType of ['Nope', 'StoreUpserted', 'SaleLine', 42, undefined]) {
      const err = catchError(() => posEventRecord(serde, idOf, { ...payment, event_type: eventType }));
      expect(err).toBeInstanceOf(ValidationError);
      expect(err).toMatchObject({ code: 'UNKNOWN_EVENT_TYPE', details: { paths: ['event_type'] } });
    }
  });

  it('invalid value → ValidationError SCHEMA_INVALID naming the field', () => {
    const bad = { ...sale, lines: [{ ...sale.lines[0]!, quantity: '2' }] };
    const err = catchError(() => posEventRecord(serde, idOf, bad));
    expect(err).toBeInstanceOf(ValidationError);
    expect(err).toMatchObject({ code: 'SCHEMA_INVALID', details: { paths: ['lines.0.quantity'] } });
    expect((err as Error).message).toContain('lines.0.quantity: int expected, got "2"');
  });

  it('schema id not known → TransientError SCHEMA_ID_UNKNOWN', () => {
    const err = catchError(() => posEventRecord(serde, () => undefined, payment));
    expect(err).toBeInstanceOf(TransientError);
    expect(err).toMatchObject({ code: 'SCHEMA_ID_UNKNOWN', retriable: true });
  });

  it('encodeChecked encodes what checkPosEvent accepted', () => {
    const checked = checkPosEvent(adjustment);
    if (!checked.ok) throw new Error(checked.problem.message);
    expect(encodeChecked(serde, idOf, checked.schema, adjustment)).toEqual(
      posEventRecord(serde, idOf, adjustment),
    );
  });
});

describe('checkPosEvent', () => {
  it('accepts valid events and returns their schema', () => {
    const checked = checkPosEvent(sale);
    expect(checked.ok && checked.schema.eventType).toBe('SaleRecorded');
  });

  it('names missing fields, wrong types, bad enum symbols and nullable unions', () => {
    const { store_seq: _drop, ...noSeq } = payment;
    expect(checkPosEvent(noSeq)).toMatchObject({
      ok: false,
      problem: {
        code: 'SCHEMA_INVALID',
        paths: ['store_seq'],
        message: expect.stringContaining('store_seq: missing (long required)'),
      },
    });
    expect(checkPosEvent({ ...payment, method: 'CHEQUE' })).toMatchObject({
      ok: false,
      problem: {
        paths: ['method'],
        message: expect.stringContaining('method: one of CASH|CARD|QR expected, got "CHEQUE"'),
      },
    });
    expect(checkPosEvent({ ...payment, provider_ref: 7 })).toMatchObject({
      ok: false,
      problem: {
        paths: ['provider_ref'],
        message: expect.stringContaining('null or string expected, got 7'),
      },
    });
    expect(checkPosEvent({ ...payment, amount_minor: 1.5, store_seq: 2 ** 60 })).toMatchObject({
      ok: false,
      problem: { paths: ['store_seq', 'amount_minor'] },
    });
  });

  it('refuses non-objects', () => {
    for (const v of [null, 'x', [payment], 3]) {
      expect(checkPosEvent(v)).toMatchObject({
        ok: false,
        problem: { code: 'SCHEMA_INVALID', paths: ['(root)'] },
      });
    }
  });

  it('undeclared fields: ignored by default, refused with noUndeclaredFields (named)', () => {
    const extra = { ...payment, loyalty_points: 5 };
    expect(checkPosEvent(extra).ok).toBe(true);
    expect(checkPosEvent(extra, { noUndeclaredFields: true })).toMatchObject({
      ok: false,
      problem: {
        code: 'SCHEMA_INVALID',
        paths: ['(root)'],
        message: expect.stringContaining('undeclared field(s) loyalty_points'),
      },
    });
    const nested = { ...sale, stock: [{ ...sale.stock[0]!, warehouse: 'w1' }] };
    expect(checkPosEvent(nested, { noUndeclaredFields: true })).toMatchObject({
      ok: false,
      problem: {
        paths: ['stock.0'],
        message: expect.stringContaining('stock.0: undeclared field(s) warehouse'),
      },
    });
  });

  it('caps the message at five issues', () => {
    const bad = { event_type: 'PaymentCaptured' };
    const checked = checkPosEvent(bad);
    expect(checked.ok).toBe(false);
    if (!checked.ok) {
      expect(checked.problem.paths.length).toBeGreaterThan(5);
      expect(checked.problem.message).toMatch(/and \d+ more$/);
    }
  });
});

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected an error');
}
