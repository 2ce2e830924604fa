import { describe, expect, it } from 'vitest';
import {
  epochDay,
  isExpired,
  isoDate,
  planFefo,
  receiptLineLots,
  refundLots,
  storeDay,
  type SoldLot,
} from './lots.ts';

const today = epochDay('2026-12-06');

describe('lot dates', () => {
  it('converts ISO dates and takes the store-local day', () => {
    expect(isoDate(today)).toBe('2026-12-06');
    expect(epochDay('1970-01-02')).toBe(1);
    // 18:30 UTC is already the next day in Ho Chi Minh City (UTC+7), not yet in UTC.
    expect(storeDay(new Date('2026-12-06T18:30:00Z'), 'Asia/Ho_Chi_Minh')).toBe(today + 1);
    expect(storeDay(new Date('2026-12-06T18:30:00Z'), 'UTC')).toBe(today);
  });

  it('counts a lot as expired from its expiry date on', () => {
    expect(isExpired({ expires_on: today + 1 }, today)).toBe(false);
    expect(isExpired({ expires_on: today }, today)).toBe(true);
  });
});

describe('receipt lots', () => {
  const lot = (lot_no: string, m: string, e: string, quantity: number) => ({
    lot_no,
    manufactured_on: m,
    expires_on: e,
    quantity,
  });

  it('converts valid lots to event lots and leaves other products without', () => {
    expect(
      receiptLineLots(
        { sku: 'M', quantity: 3, lots: [lot('A', '2026-01-01', '2028-01-01', 3)] },
        0,
        true,
        today,
      ),
    ).toEqual([
      {
        lot_no: 'A',
        manufactured_on: epochDay('2026-01-01'),
        expires_on: epochDay('2028-01-01'),
        quantity: 3,
      },
    ]);
    expect(receiptLineLots({ sku: 'S', quantity: 3 }, 0, false, today)).toEqual([]);
  });

  it('refuses each broken rule with its code and field', () => {
    const code = (fn: () => unknown) => {
      try {
        fn();
        return 'none';
      } catch (e) {
        return `${(e as { code: string }).code} ${(e as { field: string }).field}`;
      }
    };
    const ok = lot('A', '2026-01-01', '2028-01-01', 3);
    expect(code(() => receiptLineLots({ sku: 'M', quantity: 3 }, 2, true, today))).toBe(
      'LOTS_REQUIRED lines.2.lots',
    );
    expect(code(() => receiptLineLots({ sku: 'S', quantity: 3, lots: [ok] }, 0, false, today))).toBe(
      'LOTS_NOT_TRACKED lines.0.lots',
    );
    expect(code(() => receiptLineLots({ sku: 'M', quantity: 4, lots: [ok] }, 0, true, today))).toBe(
      'LOT_QUANTITY_MISMATCH lines.0.lots',
    );
    expect(
      code(() => receiptLineLots({ sku: 'M', quantity: 6, lots: [ok, { ...ok }] }, 0, true, today)),
    ).toBe('DUPLICATE_LOT lines.0.lots');
    expect(
      code(() =>
        receiptLineLots(
          { sku: 'M', quantity: 3, lots: [lot('A', '2026-01-01', '2026-01-01', 3)] },
          0,
          true,
          today,
        ),
      ),
    ).toBe('INVALID_LOT_DATES lines.0.lots.0.expires_on');
    expect(
      code(() =>
        receiptLineLots(
          { sku: 'M', quantity: 3, lots: [lot('A', '2026-12-07', '2028-01-01', 3)] },
          0,
          true,
          today,
        ),
      ),
    ).toBe('INVALID_LOT_DATES lines.0.lots.0.manufactured_on');
    expect(
      code(() =>
        receiptLineLots(
          { sku: 'M', quantity: 3, lots: [lot('A', '2024-01-01', '2026-12-06', 3)] },
          0,
          true,
          today,
        ),
      ),
    ).toBe('LOT_EXPIRED lines.0.lots.0.expires_on');
  });
});

describe('refund lots', () => {
  const sold: SoldLot[] = [
    {
      line_no: 1,
      sku: 'M',
      lot_no: 'LATE',
      manufactured_on: 1,
      expires_on: 500,
      quantity: 3,
      refunded_quantity: 0,
    },
    {
      line_no: 1,
      sku: 'M',
      lot_no: 'SOON',
      manufactured_on: 1,
      expires_on: 100,
      quantity: 2,
      refunded_quantity: 1,
    },
  ];

  it('returns units to the lots in sale order, never more than a lot has left to refund', () => {
    expect(refundLots(sold, 3).map((l) => [l.lot_no, l.quantity])).toEqual([
      ['SOON', 1],
      ['LATE', 2],
    ]);
    expect(refundLots(sold, 1).map((l) => [l.lot_no, l.quantity])).toEqual([['SOON', 1]]);
    expect(refundLots([], 2)).toEqual([]);
  });
});

describe('planFefo (finalize, from the lots as read)', () => {
  const stock = (sku: string, lot_no: string, expires: number, on_hand: number) => ({
    sku,
    lot_no,
    manufactured_on: today - 300,
    expires_on: today + expires,
    on_hand,
  });
  const lots = [
    stock('M1', 'LATE', 400, 10),
    stock('M1', 'OLD', 0, 50), // expires today: expired, never sold
    stock('M1', 'EARLY', 30, 3),
    stock('M1', 'EMPTY', 10, 0),
    stock('M2', 'B', 90, 1),
    stock('M2', 'A', 90, 1), // same expiry: lot number decides
  ];

  it("takes each need from its SKU's earliest unexpired lots, skipping expired and empty ones", () => {
    const { taken, short } = planFefo(
      lots,
      [
        { sku: 'M1', quantity: 5 },
        { sku: 'M2', quantity: 1 },
      ],
      today,
    );
    expect(short).toEqual([]);
    expect(taken.map((l) => [l.sku, l.lot_no, l.quantity])).toEqual([
      ['M1', 'EARLY', 3],
      ['M1', 'LATE', 2],
      ['M2', 'A', 1],
    ]);
    expect(taken[0]).toMatchObject({ manufactured_on: today - 300, expires_on: today + 30 });
  });

  it('reports what the unexpired lots cannot cover, whatever the expired ones hold', () => {
    const { short } = planFefo(
      lots,
      [
        { sku: 'M1', quantity: 14 },
        { sku: 'M3', quantity: 1 },
      ],
      today,
    );
    expect(short).toEqual([
      { sku: 'M1', quantity: 14, available: 13 },
      { sku: 'M3', quantity: 1, available: 0 },
    ]);
  });
});
