import { beforeAll, describe, expect, it } from 'vitest';
import { lastSeq, onHand, type Json } from '../test/harness.ts';
import { usePharmacyFixture } from '../test/pharmacy-fixture.ts';
import { useHarness } from '../test/use-harness.ts';

/**
 * Medicines by lot over real HTTP and Postgres (issue 12): receipts with lots and their validation,
 * first-expiry-first-out sales that skip expired lots, a sale the unexpired lots cannot cover, void
 * and refunds putting units back into the lots they came from, EXPIRY/DESTRUCTION write-offs by lot
 * — and the outbox events carrying those lots, decoded through their Avro schemas.
 */
const h = useHarness();
const { today, day, barcodeOf, lots, receipt, paidSale, decodedEventsAfter, lot } = usePharmacyFixture(h);

describe('goods receipts of medicines', () => {
  it('refuses lines whose lots are missing, unexpected, short, duplicated, badly dated or expired, and writes nothing', async () => {
    const before = await lastSeq(h);
    const cases: [Json, number, string, string][] = [
      [{ sku: 'MED-1', quantity: 5, unit_cost_minor: 1 }, 400, 'LOTS_REQUIRED', 'lines.0.lots'],
      [
        { sku: 'SKU-A', quantity: 5, unit_cost_minor: 1, lots: [lot('A1', -100, 300, 5)] },
        400,
        'LOTS_NOT_TRACKED',
        'lines.0.lots',
      ],
      [
        {
          sku: 'MED-1',
          quantity: 5,
          unit_cost_minor: 1,
          lots: [lot('A1', -100, 300, 2), lot('A2', -100, 300, 2)],
        },
        400,
        'LOT_QUANTITY_MISMATCH',
        'lines.0.lots',
      ],
      [
        {
          sku: 'MED-1',
          quantity: 4,
          unit_cost_minor: 1,
          lots: [lot('A1', -100, 300, 2), lot('A1', -100, 300, 2)],
        },
        400,
        'DUPLICATE_LOT',
        'lines.0.lots',
      ],
      [
        { sku: 'MED-1', quantity: 2, unit_cost_minor: 1, lots: [lot('A1', 300, 200, 2)] },
        400,
        'INVALID_LOT_DATES',
        'lines.0.lots.0.expires_on',
      ],
      [
        { sku: 'MED-1', quantity: 2, unit_cost_minor: 1, lots: [lot('A1', 5, 400, 2)] },
        400,
        'INVALID_LOT_DATES',
        'lines.0.lots.0.manufactured_on',
      ],
      [
        { sku: 'MED-1', quantity: 2, unit_cost_minor: 1, lots: [lot('A1', -700, -2, 2)] },
        400,
        'LOT_EXPIRED',
        'lines.0.lots.0.expires_on',
      ],
      [
        {
          sku: 'MED-1',
          quantity: 2,
          unit_cost_minor: 1,
          lots: [{ lot_no: 'A1', manufactured_on: '2026-02-30', expires_on: day(300), quantity: 2 }],
        },
        400,
        'INVALID_INPUT',
        'lines.0.lots.0.manufactured_on',
      ],
    ];
    for (const [line, status, code, field] of cases) {
      const res = await receipt([line]);
      expect({ status: res.status, code: res.body.error.code, field: res.body.error.field }, code).toEqual({
        status,
        code,
        field,
      });
    }
    expect(await lastSeq(h)).toBe(before);
    expect(await lots('MED-1')).toEqual({});
  });

  it('books lots into stock_lots and the GoodsReceived lines; a known lot with other dates is a conflict', async () => {
    const before = await lastSeq(h);
    const res = await receipt([
      { sku: 'SKU-A', quantity: 10, unit_cost_minor: 5_000 },
      {
        sku: 'MED-1',
        quantity: 13,
        unit_cost_minor: 6_000,
        lots: [lot('L-LATE', -30, 400, 10), lot('L-EARLY', -700, 30, 3)],
      },
    ]);
    expect(res.status).toBe(201);
    expect(res.body.lines[1].lots).toEqual([lot('L-LATE', -30, 400, 10), lot('L-EARLY', -700, 30, 3)]);
    expect(await lots('MED-1')).toEqual({ 'L-EARLY': 3, 'L-LATE': 10 });
    const [ev] = await decodedEventsAfter(before);
    expect(ev.event_type).toBe('GoodsReceived');
    expect(ev.lines).toEqual([
      { sku: 'SKU-A', quantity: 10, unit_cost_minor: 5_000, lots: [] },
      {
        sku: 'MED-1',
        quantity: 13,
        unit_cost_minor: 6_000,
        lots: [
          { lot_no: 'L-LATE', manufactured_on: today - 30, expires_on: today + 400, quantity: 10 },
          { lot_no: 'L-EARLY', manufactured_on: today - 700, expires_on: today + 30, quantity: 3 },
        ],
      },
    ]);

    const conflict = await receipt([
      { sku: 'MED-1', quantity: 1, unit_cost_minor: 1, lots: [lot('L-LATE', -31, 400, 1)] },
    ]);
    expect(conflict.status).toBe(409);
    expect(conflict.body.error).toMatchObject({ code: 'LOT_CONFLICT', field: 'lines.0.lots.0.lot_no' });
    expect(await lots('MED-1')).toEqual({ 'L-EARLY': 3, 'L-LATE': 10 });
    expect(await lastSeq(h)).toBe(before + 1);
  });
});

describe('sales of medicines: first expiry first out', () => {
  beforeAll(async () => {
    // An expired lot can only be on the shelf from before it expired: put it there directly.
    await h.db.query(
      `INSERT INTO stock_lots (store_id, sku, lot_no, manufactured_on, expires_on, on_hand)
       VALUES ($1, 'MED-1', 'L-OLD', $2::date, $3::date, 50)`,
      [h.storeId, day(-800), day(-2)],
    );
    await h.db.query(`UPDATE local_inventory SET on_hand = on_hand + 50 WHERE sku = 'MED-1'`);
  });

  it('takes one line from two lots, earliest expiry first, never from the expired lot', async () => {
    const before = await lastSeq(h);
    const { id, fin } = await paidSale(
      [
        ['MED-1', 5],
        ['SKU-A', 1],
      ],
      { prescription_code: 'DT-0001-2026' },
    );
    expect(fin.status).toBe(200);
    expect(await lots('MED-1')).toEqual({ 'L-EARLY': 0, 'L-LATE': 8, 'L-OLD': 50 });
    // The till's answer names the lots and the prescription, exactly as a later GET does.
    expect(fin.body.prescription_code).toBe('DT-0001-2026');
    expect(fin.body.lines.map((l: Json) => l.lots)).toEqual([
      [lot('L-EARLY', -700, 30, 3), lot('L-LATE', -30, 400, 2)],
      [],
    ]);
    expect((await h.call('GET', `/v1/transactions/${id}`)).text).toBe(fin.text);
    const sale = (await decodedEventsAfter(before)).find((e) => e.event_type === 'SaleRecorded')!;
    expect(sale.prescription_code).toBe('DT-0001-2026');
    expect(sale.lines.map((l: Json) => [l.sku, l.lots])).toEqual([
      [
        'MED-1',
        [
          { lot_no: 'L-EARLY', manufactured_on: today - 700, expires_on: today + 30, quantity: 3 },
          { lot_no: 'L-LATE', manufactured_on: today - 30, expires_on: today + 400, quantity: 2 },
        ],
      ],
      ['SKU-A', []],
    ]);
    expect(sale.stock.every((s: Json) => s.lots.length === 0)).toBe(true);
  });

  it('refuses a sale its unexpired lots cannot cover, whatever the expired lots hold, and changes nothing', async () => {
    const before = await lastSeq(h);
    const onHandBefore = await onHand(h, 'MED-1');
    const { id, fin } = await paidSale([['MED-1', 9]]);
    expect(fin.status).toBe(409);
    expect(fin.body.error).toMatchObject({ code: 'INSUFFICIENT_LOT_STOCK', field: 'lines' });
    expect(fin.body.error.message).toContain('MED-1 (8 of 9)');
    expect(await lots('MED-1')).toEqual({ 'L-EARLY': 0, 'L-LATE': 8, 'L-OLD': 50 });
    expect(await onHand(h, 'MED-1')).toBe(onHandBefore);
    expect((await h.call('GET', `/v1/transactions/${id}`)).body.status).toBe('DRAFT');
    // Only the cash payment of that sale was recorded.
    expect((await decodedEventsAfter(before)).map((e) => e.event_type)).toEqual(['PaymentCaptured']);
  });

  it('a void of a paid sale puts the units back into the lots they came from', async () => {
    const { id, fin } = await paidSale([['MED-1', 2]]);
    expect(fin.status).toBe(200);
    expect(await lots('MED-1')).toEqual({ 'L-EARLY': 0, 'L-LATE': 6, 'L-OLD': 50 });
    const before = await lastSeq(h);
    expect(
      (await h.call('POST', `/v1/transactions/${id}/void`, { body: { reason: 'wrong item' } })).status,
    ).toBe(200);
    expect(await lots('MED-1')).toEqual({ 'L-EARLY': 0, 'L-LATE': 8, 'L-OLD': 50 });
    const [voided] = await decodedEventsAfter(before);
    expect(voided).toMatchObject({ event_type: 'SaleVoided', was_paid: true });
    expect(voided.stock).toEqual([{ sku: 'MED-1', delta: 2, on_hand_after: expect.any(Number), lots: [] }]);
  });

  it('refunds return units to their lots in sale order; a refund without restock names no lots', async () => {
    const received = await receipt([
      {
        sku: 'MED-2',
        quantity: 7,
        unit_cost_minor: 1,
        lots: [lot('B-SOON', -600, 60, 2), lot('B-LATER', -10, 300, 5)],
      },
    ]);
    expect(received.status).toBe(201);
    const { id, fin } = await paidSale([['MED-2', 4]]);
    expect(fin.status).toBe(200);
    expect(await lots('MED-2')).toEqual({ 'B-LATER': 3, 'B-SOON': 0 });

    const before = await lastSeq(h);
    const first = await h.call('POST', `/v1/transactions/${id}/refunds`, {
      body: { cashier_id: 'C1', reason: 'returned', lines: [{ line_no: 1, quantity: 3 }] },
    });
    expect(first.status).toBe(201);
    expect(first.body.lines[0].lots).toEqual([lot('B-SOON', -600, 60, 2), lot('B-LATER', -10, 300, 1)]);
    expect(await lots('MED-2')).toEqual({ 'B-LATER': 4, 'B-SOON': 2 });
    const noRestock = await h.call('POST', `/v1/transactions/${id}/refunds`, {
      body: { cashier_id: 'C1', reason: 'opened pack', restock: false },
    });
    expect(noRestock.status).toBe(201);
    expect(await lots('MED-2')).toEqual({ 'B-LATER': 4, 'B-SOON': 2 });
    const refunds = (await decodedEventsAfter(before)).filter((e) => e.event_type === 'SaleRefunded');
    expect(refunds.map((r) => r.lines.map((l: Json) => [l.quantity, l.lots]))).toEqual([
      [
        [
          3,
          [
            { lot_no: 'B-SOON', manufactured_on: today - 600, expires_on: today + 60, quantity: 2 },
            { lot_no: 'B-LATER', manufactured_on: today - 10, expires_on: today + 300, quantity: 1 },
          ],
        ],
      ],
      [[1, []]],
    ]);
    const { rows } = await h.db.query(
      'SELECT lot_no, quantity, refunded_quantity FROM line_item_lots WHERE transaction_id = $1 ORDER BY lot_no',
      [id],
    );
    expect(rows).toEqual([
      { lot_no: 'B-LATER', quantity: 2, refunded_quantity: 2 },
      { lot_no: 'B-SOON', quantity: 2, refunded_quantity: 2 },
    ]);
  });
});

describe('write-offs of medicines by lot', () => {
  const writeOff = (reason: string, lines: Json[]) =>
    h.call('POST', '/v1/inventory/adjustments', { body: { cashier_id: 'C1', reason, lines } });

  it('refuses write-offs without lots, of unknown or short lots, unexpired EXPIRY lots and lots where none belong', async () => {
    const before = await lastSeq(h);
    const cases: [string, Json, number, string, string][] = [
      ['EXPIRY', { sku: 'MED-1', delta: -1 }, 400, 'LOTS_REQUIRED', 'lines.0.lots'],
      [
        'DESTRUCTION',
        { sku: 'MED-1', lots: [{ lot_no: 'NOPE', quantity: 1 }] },
        404,
        'UNKNOWN_LOT',
        'lines.0.lots.0.lot_no',
      ],
      [
        'DESTRUCTION',
        { sku: 'MED-1', lots: [{ lot_no: 'L-LATE', quantity: 9 }] },
        409,
        'INSUFFICIENT_LOT_STOCK',
        'lines.0.lots.0.quantity',
      ],
      [
        'EXPIRY',
        { sku: 'MED-1', lots: [{ lot_no: 'L-LATE', quantity: 1 }] },
        409,
        'LOT_NOT_EXPIRED',
        'lines.0.lots.0.lot_no',
      ],
      [
        'DESTRUCTION',
        { sku: 'MED-1', delta: -2, lots: [{ lot_no: 'L-LATE', quantity: 1 }] },
        400,
        'LOT_QUANTITY_MISMATCH',
        'lines.0.lots',
      ],
      [
        'DESTRUCTION',
        { sku: 'SKU-A', lots: [{ lot_no: 'L-LATE', quantity: 1 }] },
        400,
        'LOTS_NOT_TRACKED',
        'lines.0.lots',
      ],
      [
        'DAMAGE',
        { sku: 'MED-1', delta: -1, lots: [{ lot_no: 'L-LATE', quantity: 1 }] },
        400,
        'LOTS_NOT_TRACKED',
        'lines.0.lots',
      ],
    ];
    for (const [reason, line, status, code, field] of cases) {
      const res = await writeOff(reason, [line]);
      expect({ status: res.status, code: res.body.error.code, field: res.body.error.field }, code).toEqual({
        status,
        code,
        field,
      });
    }
    expect(await lastSeq(h)).toBe(before);
    expect(await lots('MED-1')).toEqual({ 'L-EARLY': 0, 'L-LATE': 8, 'L-OLD': 50 });
  });

  it('EXPIRY and DESTRUCTION take units out of the named lots and InventoryAdjusted names them', async () => {
    const before = await lastSeq(h);
    const onHandBefore = await onHand(h, 'MED-1');
    const expiry = await writeOff('EXPIRY', [{ sku: 'MED-1', lots: [{ lot_no: 'L-OLD', quantity: 50 }] }]);
    expect(expiry.status).toBe(201);
    expect(expiry.body.stock).toEqual([
      { sku: 'MED-1', delta: -50, on_hand_after: onHandBefore - 50, lots: [lot('L-OLD', -800, -2, 50)] },
    ]);
    const destruction = await writeOff('DESTRUCTION', [
      { sku: 'MED-1', delta: -3, lots: [{ lot_no: 'L-LATE', quantity: 3 }] },
      {
        sku: 'MED-2',
        lots: [
          { lot_no: 'B-SOON', quantity: 1 },
          { lot_no: 'B-LATER', quantity: 1 },
        ],
      },
      { sku: 'SKU-A', delta: -1 },
    ]);
    expect(destruction.status).toBe(201);
    expect(await lots('MED-1')).toEqual({ 'L-EARLY': 0, 'L-LATE': 5, 'L-OLD': 0 });
    expect(await lots('MED-2')).toEqual({ 'B-LATER': 3, 'B-SOON': 1 });

    const events = await decodedEventsAfter(before);
    expect(events.map((e) => [e.reason, e.stock.map((s: Json) => [s.sku, s.delta, s.lots])])).toEqual([
      [
        'EXPIRY',
        [
          [
            'MED-1',
            -50,
            [{ lot_no: 'L-OLD', manufactured_on: today - 800, expires_on: today - 2, quantity: 50 }],
          ],
        ],
      ],
      [
        'DESTRUCTION',
        [
          [
            'MED-1',
            -3,
            [{ lot_no: 'L-LATE', manufactured_on: today - 30, expires_on: today + 400, quantity: 3 }],
          ],
          [
            'MED-2',
            -2,
            [
              { lot_no: 'B-SOON', manufactured_on: today - 600, expires_on: today + 60, quantity: 1 },
              { lot_no: 'B-LATER', manufactured_on: today - 10, expires_on: today + 300, quantity: 1 },
            ],
          ],
          ['SKU-A', -1, []],
        ],
      ],
    ]);
  });
});

describe('concurrent sales of the last units of a medicine', () => {
  it('sell each unit once: the sales the lots can cover succeed, the others are refused, no lot goes below 0', async () => {
    expect(await lots('MED-2')).toEqual({ 'B-LATER': 3, 'B-SOON': 1 });
    const carts: string[] = [];
    for (let i = 0; i < 4; i++) {
      const open = await h.call('POST', '/v1/transactions', { body: { cashier_id: 'C1' } });
      await h.call('POST', `/v1/transactions/${open.body.id}/items`, {
        body: { barcode: barcodeOf('MED-2'), quantity: 2 },
      });
      await h.call('POST', `/v1/transactions/${open.body.id}/payments`, { body: { method: 'CASH' } });
      carts.push(open.body.id);
    }
    const results = await Promise.all(
      carts.map((id, i) => h.call('POST', `/v1/transactions/${id}/finalize`, { terminal: `T${i + 1}` })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 200, 409, 409]);
    expect(
      results.filter((r) => r.status === 409).every((r) => r.body.error.code === 'INSUFFICIENT_LOT_STOCK'),
    ).toBe(true);
    expect(await lots('MED-2')).toEqual({ 'B-LATER': 0, 'B-SOON': 0 });
  });
});
