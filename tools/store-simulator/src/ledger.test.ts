import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LEDGER_VERSION, LedgerWriter, ledgerLine, parseLedger, type LedgerRecord } from './ledger.ts';

const sale: LedgerRecord = {
  kind: 'sale',
  store_id: 's001',
  terminal_id: 'T01',
  cashier_id: 'Cs001-01',
  transaction_id: '0190f1a2-0000-7000-8000-000000000001',
  status: 'PAID',
  currency: 'VND',
  subtotal_minor: 30_000,
  discount_minor: 0,
  tax_minor: 2_727,
  total_minor: 30_000,
  item_count: 3,
  lines: [
    {
      line_no: 1,
      sku: 'SKU-000001',
      qty: 3,
      unit_price_minor: 10_000,
      discount_minor: 0,
      tax_minor: 2_727,
      line_total_minor: 30_000,
    },
  ],
  payments: [
    { payment_id: 'p1', method: 'CARD', status: 'FAILED', amount_minor: 30_000 },
    { payment_id: 'p2', method: 'CASH', status: 'CAPTURED', amount_minor: 30_000 },
  ],
  finalized_at: '2026-11-22T06:00:00.000Z',
};

describe('ledger format', () => {
  it('is one JSON object per line: v, seq, at first, then the record with integer minor units', () => {
    const line = ledgerLine(sale, 7, new Date('2026-11-22T06:00:01Z'));
    expect(line.endsWith('\n')).toBe(true);
    expect(line.trimEnd()).not.toContain('\n');
    const parsed = JSON.parse(line);
    expect(Object.keys(parsed).slice(0, 4)).toEqual(['v', 'seq', 'at', 'kind']);
    expect(parsed).toEqual({ v: LEDGER_VERSION, seq: 7, at: '2026-11-22T06:00:01.000Z', ...sale });
    expect(Number.isInteger(parsed.total_minor)).toBe(true);
  });

  it('writes a file that parses back to the same records, numbered from 1', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ledger-')), 'sub', 'ledger.jsonl');
    const writer = new LedgerWriter(file);
    const voided: LedgerRecord = {
      kind: 'void',
      store_id: 's001',
      terminal_id: 'T01',
      transaction_id: sale.kind === 'sale' ? sale.transaction_id : '',
      was_paid: true,
      total_minor: 30_000,
      currency: 'VND',
      reason: 'wrong basket',
    };
    writer.write(sale);
    writer.write(voided);
    await writer.close();
    const entries = parseLedger(fs.readFileSync(file, 'utf8'));
    expect(entries.map((e) => [e.seq, e.kind])).toEqual([
      [1, 'sale'],
      [2, 'void'],
    ]);
    expect(entries[1]).toMatchObject(voided);
    expect(writer.records).toBe(2);
  });

  it('refuses lines that are not ledger records of this version, naming the line', () => {
    expect(() => parseLedger('{"v":1,"seq":1,"kind":"sale"}\nnot json\n')).toThrow(
      'ledger line 2 is not JSON',
    );
    expect(() => parseLedger('{"v":2,"seq":1,"kind":"sale"}')).toThrow('ledger line 1 is not a version 1');
    expect(parseLedger('\n\n')).toEqual([]);
  });
});
