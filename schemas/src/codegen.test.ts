import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildCatalogue, catalogue } from './catalogue.ts';
import { GENERATED_FILE, generateTypesSource, renderTypes } from './codegen.ts';
import { EVENT_TYPES, STORE_EVENT_TYPES, type StoreEvent } from './generated/events.ts';

describe('generated TypeScript types', () => {
  it('the committed src/generated/events.ts is up to date (run `npm run generate -w @retail-stream/schemas`)', async () => {
    const expected = await generateTypesSource(catalogue);
    const committed = fs.readFileSync(GENERATED_FILE, 'utf8');
    // Compare line arrays so a failure shows the first stale line, not one huge string.
    expect(
      committed.split('\n'),
      'src/generated/events.ts is stale: npm run generate -w @retail-stream/schemas',
    ).toEqual(expected.split('\n'));
  });

  it('starts with the do-not-edit header and documents the long → number mapping', () => {
    const source = renderTypes(catalogue);
    expect(source.startsWith('// generated — do not edit.')).toBe(true);
    expect(source).toMatch(/long → number is exact/);
  });

  it('has one declaration per named type and a StoreEvent union discriminated by event_type', () => {
    const source = renderTypes(catalogue);
    for (const s of catalogue.schemas) {
      expect(source).toContain(
        s.kind === 'enum' ? `export type ${s.name} = ` : `export interface ${s.name} {`,
      );
    }
    expect(source).toContain("event_type: 'SaleRecorded';");
    expect(source).toContain('terminal_id: string | null;');
    expect(source).toContain('lines: SaleLine[];');
    expect(source).toContain('payments_by_method: Record<string, number>;');
    expect(source).toContain("export type PaymentMethod = 'CASH' | 'CARD' | 'QR';");
    expect(STORE_EVENT_TYPES).toEqual(catalogue.storeEventTypes);
    expect(EVENT_TYPES).toEqual(catalogue.eventTypes);
  });

  it('narrows StoreEvent on event_type (compile-time check, run for coverage)', () => {
    const describeEvent = (e: StoreEvent): string => {
      switch (e.event_type) {
        case 'SaleRecorded':
          return `${e.lines.length} lines`;
        case 'PaymentCaptured':
        case 'PaymentFailed':
          return e.method;
        case 'SaleVoided':
          return String(e.was_paid);
        case 'SaleRefunded':
          return e.refund_id;
        case 'GoodsReceived':
          return e.supplier_id;
        case 'InventoryAdjusted':
          return e.reason;
      }
    };
    const e = { event_type: 'InventoryAdjusted', reason: 'DAMAGE' } as StoreEvent;
    expect(describeEvent(e)).toBe('DAMAGE');
  });

  it('refuses unions avsc would wrap instead of generating a type that does not match the data', () => {
    const odd = buildCatalogue([
      {
        file: 'Odd.avsc',
        text: JSON.stringify({
          type: 'record',
          name: 'Odd',
          namespace: 'retail.events',
          fields: [{ name: 'x', type: ['null', 'string', 'int'], default: null }],
        }),
      },
    ]);
    expect(() => renderTypes(odd)).toThrow(/only \["null", T\] unions/);
  });
});
