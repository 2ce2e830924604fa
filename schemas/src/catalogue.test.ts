import { AvroSerde } from '@retail-stream/runtime';
import { describe, expect, it } from 'vitest';
import {
  buildCatalogue,
  catalogue,
  ENVELOPE_FIELDS,
  eventSchema,
  eventTypeOfFullName,
  messageKey,
  SchemaCatalogueError,
  subjectOf,
  topicFor,
  type AvroField,
  type NamedSchema,
} from './catalogue.ts';
import type { KpiWindowUpdated, SaleLine, SaleRecorded, StockChange } from './generated/events.ts';

const STORE_EVENTS = [
  'GoodsReceived',
  'InventoryAdjusted',
  'PaymentCaptured',
  'PaymentFailed',
  'SaleRecorded',
  'SaleRefunded',
  'SaleVoided',
];
const STOCK_CHANGING = ['GoodsReceived', 'InventoryAdjusted', 'SaleRecorded', 'SaleRefunded', 'SaleVoided'];

const fields = (s: NamedSchema): readonly AvroField[] => s.schema.fields ?? [];
const records = catalogue.schemas.filter((s) => s.kind === 'record');

describe('catalogue contents', () => {
  it('has every named type, dependencies before dependants', () => {
    expect(catalogue.schemas.map((s) => s.fullName).sort()).toEqual(
      [
        ...[
          ...STORE_EVENTS,
          'StockChange',
          'PaymentMethod',
          'AdjustmentReason',
          'SaleLine',
          'RefundLine',
          'ReceiptLine',
          'Enrichment',
          'ProductRef',
          'LotQuantity',
        ].map((n) => `retail.events.${n}`),
        'retail.ref.StoreUpserted',
        'retail.ref.ProductUpserted',
        'retail.ref.DrugInfo',
        'retail.ops.SequenceGapDetected',
        'retail.kpi.WindowSize',
        'retail.kpi.KpiWindowUpdated',
      ].sort(),
    );
    const seen = new Set<string>();
    for (const s of catalogue.schemas) {
      for (const ref of s.references)
        expect(seen.has(ref.name), `${s.fullName} before ${ref.name}`).toBe(true);
      seen.add(s.fullName);
    }
  });

  it('lists store events, then reference data, then KPI output, with topics and RecordNameStrategy subjects', () => {
    expect(catalogue.storeEventTypes).toEqual(STORE_EVENTS);
    expect(catalogue.eventTypes).toEqual([
      ...STORE_EVENTS,
      'ProductUpserted',
      'SequenceGapDetected',
      'StoreUpserted',
      'KpiWindowUpdated',
    ]);
    for (const t of STORE_EVENTS) {
      expect(topicFor(t)).toBe('retail.pos.events');
      expect(subjectOf(t)).toBe(`retail.events.${t}`);
      expect(eventSchema(t).keyFields).toEqual(['store_id']);
    }
    expect(topicFor('StoreUpserted')).toBe('retail.ref.stores');
    expect(topicFor('ProductUpserted')).toBe('retail.ref.products');
    expect(topicFor('KpiWindowUpdated')).toBe('retail.kpi.windows');
    expect(topicFor('SequenceGapDetected')).toBe('retail.ops.alerts');
    expect(subjectOf('StoreUpserted')).toBe('retail.ref.StoreUpserted');
    expect(subjectOf('KpiWindowUpdated')).toBe('retail.kpi.KpiWindowUpdated');
    expect(() => eventSchema('StockChange')).toThrow(/unknown event type "StockChange"/);
  });

  it('names shared types by full name and records them as Confluent references', () => {
    expect(eventSchema('SaleRecorded').references).toEqual([
      { name: 'retail.events.Enrichment', subject: 'retail.events.Enrichment' },
      { name: 'retail.events.StockChange', subject: 'retail.events.StockChange' },
      { name: 'retail.events.SaleLine', subject: 'retail.events.SaleLine' },
    ]);
    expect(eventSchema('PaymentCaptured').references.map((r) => r.name)).toEqual([
      'retail.events.Enrichment',
      'retail.events.PaymentMethod',
    ]);
    expect(eventSchema('KpiWindowUpdated').references.map((r) => r.name)).toEqual(['retail.kpi.WindowSize']);
    // Every non-primitive type name in a file is written fully qualified.
    for (const s of catalogue.schemas) {
      const names = JSON.stringify(s.schema.fields ?? []).match(/"(?:type|items|values)":"([^"]+)"/g) ?? [];
      for (const n of names) {
        const name = n.split(':')[1]!.replaceAll('"', '');
        if (
          !['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string', 'array', 'map'].includes(
            name,
          )
        ) {
          expect(name, `${s.fullName} uses ${name}`).toMatch(/^retail\.(events|ref|kpi)\.[A-Z]\w+$/);
        }
      }
    }
  });

  it('maps full record names back to event types', () => {
    expect(eventTypeOfFullName('retail.events.SaleVoided')).toBe('SaleVoided');
    expect(eventTypeOfFullName('retail.events.StockChange')).toBeUndefined();
    expect(eventTypeOfFullName('other.SaleVoided')).toBeUndefined();
  });

  it('builds message keys from the key fields', () => {
    expect(messageKey('SaleRecorded', { store_id: 'S001', event_id: 'x' })).toBe('S001');
    expect(messageKey('ProductUpserted', { sku: 'SKU-1' })).toBe('SKU-1');
    expect(
      messageKey('KpiWindowUpdated', { scope: 'chain', window_size: 'H1', window_start: 1_700_000_000_000 }),
    ).toBe('chain|H1|1700000000000');
    expect(() => messageKey('SaleRecorded', {})).toThrow(/store_id/);
  });

  it('freezes the parsed schemas so no consumer can change them for everyone', () => {
    expect(Object.isFrozen(eventSchema('SaleRecorded').schema.fields![0])).toBe(true);
  });
});

describe('conventions', () => {
  it('every store event starts with the envelope, in order, with the agreed types', () => {
    const expected = (eventType: string) => [
      { name: 'event_id', type: 'string' },
      { name: 'event_type', type: 'string' },
      { name: 'store_id', type: 'string' },
      { name: 'terminal_id', type: ['null', 'string'], default: null },
      { name: 'cashier_id', type: ['null', 'string'], default: null },
      { name: 'store_seq', type: 'long' },
      { name: 'occurred_at', type: { type: 'long', logicalType: 'timestamp-millis' } },
      { name: 'trace_id', type: 'string' },
      eventType,
    ];
    for (const eventType of catalogue.storeEventTypes) {
      const s = eventSchema(eventType);
      const envelope = fields(s)
        .slice(0, ENVELOPE_FIELDS.length)
        .map(({ doc: _doc, ...f }) => f);
      expect([...envelope, eventType], eventType).toEqual(expected(eventType));
      expect(fields(s)[1]!.doc, eventType).toContain(`"${eventType}"`);
    }
  });

  it('no other record carries envelope fields by accident of a half-copied envelope', () => {
    for (const s of records.filter((r) => !catalogue.storeEventTypes.includes(r.name))) {
      expect(
        fields(s).map((f) => f.name),
        s.fullName,
      ).not.toContain('event_type');
    }
  });

  it('every money field is a long *_minor with a currency in the same record or the enclosing event', () => {
    const currencyScope = new Map<string, boolean>(); // record → every user has a currency
    const visit = (s: NamedSchema, hasCurrency: boolean) => {
      const here = hasCurrency || fields(s).some((f) => f.name === 'currency' && f.type === 'string');
      for (const f of fields(s)) {
        if (f.name.endsWith('_minor')) {
          expect(f.type, `${s.fullName}.${f.name}`).toBe('long');
          expect(here, `${s.fullName}.${f.name} has no currency in scope`).toBe(true);
        }
      }
      for (const ref of s.references) {
        const nested = catalogue.byFullName.get(ref.name)!;
        if (nested.kind === 'record') {
          currencyScope.set(ref.name, (currencyScope.get(ref.name) ?? true) && here);
          visit(nested, here);
        }
      }
    };
    for (const t of catalogue.eventTypes) visit(eventSchema(t), false);
    expect(currencyScope.get('retail.events.SaleLine')).toBe(true);
    // The one money container not named *_minor: a map of amounts, documented as minor units.
    const byMethod = fields(eventSchema('KpiWindowUpdated')).find((f) => f.name === 'payments_by_method')!;
    expect(byMethod.type).toEqual({ type: 'map', values: 'long' });
    expect(byMethod.doc).toMatch(/minor units/);
  });

  it('uses no floating point anywhere (money and quantities are integers)', () => {
    for (const s of catalogue.schemas)
      expect(JSON.stringify(s.schema), s.fullName).not.toMatch(/"(float|double)"/);
  });

  it('every stock-changing event carries stock: array<StockChange>; payments do not', () => {
    for (const t of catalogue.storeEventTypes) {
      const stock = fields(eventSchema(t)).find((f) => f.name === 'stock');
      if (STOCK_CHANGING.includes(t)) {
        expect(stock?.type, t).toEqual({ type: 'array', items: 'retail.events.StockChange' });
      } else {
        expect(stock, t).toBeUndefined();
      }
    }
  });

  it('timestamps are timestamp-millis longs, names snake_case, and every type is documented', () => {
    for (const s of catalogue.schemas) {
      expect(s.schema.doc, `${s.fullName} doc`).toBeTruthy();
      for (const f of fields(s)) {
        expect(f.name, s.fullName).toMatch(/^[a-z][a-z0-9]*(_[a-z0-9]+)*$/);
        if (/_at$|^window_(start|end)$/.test(f.name)) {
          expect(f.type, `${s.fullName}.${f.name}`).toEqual({
            type: 'long',
            logicalType: 'timestamp-millis',
          });
        }
        if (Array.isArray(f.type) && f.type[0] === 'null')
          expect(f.default, `${s.fullName}.${f.name}`).toBeNull();
      }
    }
    // Settled by the KPI windows processor: no longer a draft, and GMV is the net definition.
    expect(eventSchema('KpiWindowUpdated').schema.doc).not.toMatch(/^DRAFT/);
    expect(eventSchema('KpiWindowUpdated').schema.fields!.find((f) => f.name === 'gmv_minor')!.doc).toMatch(
      /minus SaleRefunded/,
    );
  });
});

describe('Avro round trip', () => {
  const line = (n: number, sku: string, quantity: number, unitPrice: number, discount: number): SaleLine => {
    const total = quantity * unitPrice - discount;
    return {
      line_no: n,
      sku,
      barcode: `893${String(n).padStart(10, '0')}`,
      product_name: `Product ${sku} – phở gói`,
      category: n % 2 ? 'grocery' : 'household',
      quantity,
      unit_price_minor: unitPrice,
      discount_minor: discount,
      tax_rate_bp: n === 5 ? 500 : 1000,
      tax_minor: Math.round((total * (n === 5 ? 500 : 1000)) / (10_000 + (n === 5 ? 500 : 1000))),
      line_total_minor: total,
      lots: [],
    };
  };
  const lines = [
    line(1, 'SKU-0001', 2, 35_000, 0),
    line(2, 'SKU-0002', 1, 129_000, 10_000),
    line(3, 'SKU-0003', 6, 8_500, 0),
    line(4, 'SKU-0004', 1, 2_450_000, 245_000),
    line(5, 'SKU-0005', 3, 12_000, 0),
  ];
  const stock: StockChange[] = lines.map((l, i) => ({
    sku: l.sku,
    delta: -l.quantity,
    on_hand_after: 40 - i * 7,
    lots: [],
  }));
  const sale: SaleRecorded = {
    event_id: '0190f5c2-7b7a-7cc1-9d2e-3f4a5b6c7d8e',
    event_type: 'SaleRecorded',
    store_id: 'HCM-001',
    terminal_id: 'T02',
    cashier_id: null,
    store_seq: 9_007_199_254_740_990, // 2^53 - 2: the largest long avsc encodes (it refuses anything it cannot keep exact)
    occurred_at: Date.UTC(2025, 0, 31, 16, 59, 59, 999),
    trace_id: '4bf92f3577b34da6a3ce929d0e0e4736',
    transaction_id: 'HCM-001-T02-000123',
    currency: 'VND',
    subtotal_minor: lines.reduce((s, l) => s + l.quantity * l.unit_price_minor, 0),
    discount_minor: lines.reduce((s, l) => s + l.discount_minor, 0),
    tax_minor: lines.reduce((s, l) => s + l.tax_minor, 0),
    total_minor: lines.reduce((s, l) => s + l.line_total_minor, 0),
    item_count: lines.reduce((s, l) => s + l.quantity, 0),
    customer_ref: 'hmac-sha256:6f1ed002ab5595859014ebf0951522d9',
    prescription_code: null,
    lines,
    stock,
    enrichment: null,
  };

  it('encodes and decodes a realistic 5-line SaleRecorded losslessly', () => {
    const type = eventSchema('SaleRecorded').type;
    expect(type.isValid(sale)).toBe(true);
    const decoded = type.fromBuffer(type.toBuffer(sale)) as SaleRecorded;
    expect(decoded).toEqual(sale);
    expect(decoded.lines).toHaveLength(5);
    expect(decoded.total_minor).toBe(sale.subtotal_minor - sale.discount_minor);
    // Beyond that avsc refuses rather than rounding.
    expect(type.isValid({ ...sale, store_seq: Number.MAX_SAFE_INTEGER })).toBe(false);
  });

  it('frames it in the Confluent wire format with the runtime serde', () => {
    const serde = new AvroSerde(undefined as never);
    const type = eventSchema('SaleRecorded').type;
    const buf = serde.encodeWith(42, type, sale);
    expect(buf.readInt32BE(1)).toBe(42);
    expect(type.fromBuffer(buf.subarray(5))).toEqual(sale);
    expect(() => serde.encodeWith(42, type, { ...sale, total_minor: 1.5 })).toThrow(/total_minor/);
    expect(() => serde.encodeWith(42, type, { ...sale, lines: [{ ...lines[0], quantity: '2' }] })).toThrow(
      /lines/,
    );
  });

  it('round-trips a KPI window with its map and enum', () => {
    const kpi: KpiWindowUpdated = {
      scope: 'store:HCM-001',
      store_id: 'HCM-001',
      window_size: 'D1_LOCAL',
      window_start: Date.UTC(2025, 0, 30, 17),
      window_end: Date.UTC(2025, 0, 31, 17),
      timezone: 'Asia/Ho_Chi_Minh',
      revision: 3,
      is_final: false,
      gmv_minor: 12_345_000,
      currency: 'VND',
      orders: 17,
      items: 40,
      refunds_minor: 0,
      voids_minor: 35_000,
      refund_count: 0,
      void_count: 1,
      payments_attempted: 19,
      payments_captured: 18,
      payments_by_method: { CASH: 5_000_000, QR: 7_345_000 },
      updated_at: Date.UTC(2025, 0, 31, 3),
    };
    const type = eventSchema('KpiWindowUpdated').type;
    expect(type.fromBuffer(type.toBuffer(kpi))).toEqual(kpi);
    expect(type.isValid({ ...kpi, window_size: 'D7' })).toBe(false);
  });
});

describe('buildCatalogue rejects what would break references or generation', () => {
  const file = (name: string, schema: object) => ({ file: `${name}.avsc`, text: JSON.stringify(schema) });
  const rec = (name: string, fieldList: object[], namespace = 'retail.events') => ({
    type: 'record',
    name,
    namespace,
    doc: 'x',
    fields: fieldList,
  });

  it('an inline named type (it must get its own file)', () => {
    const inline = rec('Outer', [{ name: 'inner', type: rec('Inner', []) }]);
    expect(() => buildCatalogue([file('Outer', inline)])).toThrow(
      /Inner inline; every named type gets its own file/,
    );
  });

  it('a file named differently from its type', () => {
    expect(() => buildCatalogue([file('Wrong', rec('Right', []))])).toThrow(/must be named Right\.avsc/);
  });

  it('a reference no file defines, and a reference cycle', () => {
    expect(() => buildCatalogue([file('A', rec('A', [{ name: 'b', type: 'retail.events.B' }]))])).toThrow(
      /retail\.events\.A references retail\.events\.B, which no \.avsc file defines/,
    );
    const a = rec('A', [{ name: 'b', type: ['null', 'retail.events.B'], default: null }]);
    const b = rec('B', [{ name: 'a', type: ['null', 'retail.events.A'], default: null }]);
    expect(() => buildCatalogue([file('A', a), file('B', b)])).toThrow(SchemaCatalogueError);
    expect(() => buildCatalogue([file('A', a), file('B', b)])).toThrow(/reference cycle/);
  });

  it('a top-level reference record without a topic', () => {
    expect(() =>
      buildCatalogue([file('Shop', rec('Shop', [{ name: 'id', type: 'string' }], 'retail.ref'))]),
    ).toThrow(/without a topic/);
  });

  it('two types with the same simple name (they would collide as TypeScript types)', () => {
    const e1 = { type: 'enum', name: 'Size', namespace: 'retail.events', symbols: ['S'] };
    const e2 = { type: 'enum', name: 'Size', namespace: 'retail.kpi', symbols: ['S'] };
    expect(() =>
      buildCatalogue([file('Size', e1), { file: 'kpi/Size.avsc', text: JSON.stringify(e2) }]),
    ).toThrow(/share the simple name Size/);
  });
});
