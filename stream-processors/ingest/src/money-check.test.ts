import { seededRandom } from '@retail-stream/runtime';
import { catalogue } from '@retail-stream/schemas';
import { StoreEventFactory } from '@retail-stream/schemas/testing';
import avro from 'avsc';
import { describe, expect, it } from 'vitest';
import { anyNegativeMoney } from './input-bounds.ts';
import { moneyCheckOf } from './money-check.ts';

const NOW = 1_763_800_000_000;

/** Every path (keys and array indexes) to a `*_minor` number in a value. */
function moneyPaths(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value)) return value.flatMap((v, i) => moneyPaths(v, [...path, i]));
  if (typeof value !== 'object' || value === null) return [];
  return Object.keys(value).flatMap((k) => {
    const v = (value as Record<string, unknown>)[k];
    if (k.endsWith('_minor') && typeof v === 'number') return [[...path, k]];
    return moneyPaths(v, [...path, k]);
  });
}

function setAt(value: unknown, path: (string | number)[], to: number): void {
  let at = value as Record<string | number, unknown>;
  for (const p of path.slice(0, -1)) at = at[p] as Record<string | number, unknown>;
  at[path[path.length - 1]!] = to;
}

describe('money check compiled from a schema', () => {
  it('answers as the generic walk for every money field of every store event, decoded as ingest decodes', () => {
    const events = new StoreEventFactory('s001', seededRandom(7), 1, () => NOW).oneOfEach();
    expect(new Set(events.map((e) => e.event_type))).toEqual(new Set(catalogue.storeEventTypes));
    const negated = new Set<string>();
    for (const e of events) {
      const type = catalogue.events.get(e.event_type)!.type;
      const compiled = moneyCheckOf(type, anyNegativeMoney);
      const check = compiled ?? (() => false);
      const decode = () => type.fromBuffer(type.toBuffer(e)) as object;
      const clean = decode();
      expect(check(clean), e.event_type).toBe(false);
      expect(anyNegativeMoney(clean)).toBe(false);
      const paths = moneyPaths(clean);
      // No check at all exactly when the event has no money field (a void, a stock count).
      expect(compiled === undefined, e.event_type).toBe(paths.length === 0);
      for (const path of paths) {
        const bad = decode();
        setAt(bad, path, -1);
        expect(check(bad), `${e.event_type} ${path.join('.')}`).toBe(true);
        expect(anyNegativeMoney(bad)).toBe(true);
        negated.add(`${e.event_type}.${String(path[path.length - 1])}`);
      }
    }
    // Every money field the store schemas declare, at any depth, was negated in some event.
    const declared = new Set(
      catalogue.storeEventTypes.flatMap((t) =>
        [...JSON.stringify(catalogue.events.get(t)!.type.schema()).matchAll(/"name":"(\w+_minor)"/g)].map(
          (m) => `${t}.${m[1]}`,
        ),
      ),
    );
    expect(declared.size).toBeGreaterThan(10);
    expect(negated).toEqual(declared);
  });

  it('hands maps, wrapped unions and recursion to the walk, and skips types without money', () => {
    const fallback = (v: object) => anyNegativeMoney(v);
    const map = avro.Type.forSchema({
      type: 'record',
      name: 'M',
      fields: [{ name: 'by_sku', type: { type: 'map', values: 'long' } }],
    });
    const mapCheck = moneyCheckOf(map, fallback)!;
    expect(mapCheck({ by_sku: { a_minor: -1 } })).toBe(true);
    expect(mapCheck({ by_sku: { a_minor: 1, other: -1 } })).toBe(false);
    const tree = avro.Type.forSchema({
      type: 'record',
      name: 'Node',
      fields: [
        { name: 'cost_minor', type: 'long' },
        { name: 'children', type: { type: 'array', items: 'Node' } },
      ],
    });
    const treeCheck = moneyCheckOf(tree, fallback)!;
    expect(
      treeCheck({
        cost_minor: 1,
        children: [{ cost_minor: 2, children: [{ cost_minor: -3, children: [] }] }],
      }),
    ).toBe(true);
    expect(treeCheck({ cost_minor: 1, children: [{ cost_minor: 2, children: [] }] })).toBe(false);
    const optional = avro.Type.forSchema({
      type: 'record',
      name: 'O',
      fields: [
        {
          name: 'extra',
          type: [
            'null',
            { type: 'record', name: 'E', fields: [{ name: 'fee_minor', type: ['null', 'long'] }] },
          ],
          default: null,
        },
      ],
    });
    const optionalCheck = moneyCheckOf(optional, fallback)!;
    expect(optionalCheck({ extra: null })).toBe(false);
    expect(optionalCheck({ extra: { fee_minor: null } })).toBe(false);
    expect(optionalCheck({ extra: { fee_minor: -5 } })).toBe(true);
    const plain = avro.Type.forSchema({ type: 'record', name: 'P', fields: [{ name: 'n', type: 'long' }] });
    expect(moneyCheckOf(plain, fallback)).toBeUndefined();
  });
});
