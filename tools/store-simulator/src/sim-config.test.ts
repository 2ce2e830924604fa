import { describe, expect, it } from 'vitest';
import { parseSimArgs } from './sim-config.ts';
import { terminalIds, terminalToken } from './terminal-tokens.ts';
import { hostedStoreIds } from './store-host.ts';

describe('simulator arguments', () => {
  it('parses the documented example and defaults', () => {
    const cli = parseSimArgs([
      '--stores',
      '5',
      '--terminals',
      '3',
      '--rate',
      '20',
      '--duration',
      '60',
      '--offline',
      's003@20s+20s',
    ]);
    expect(cli.options).toMatchObject({
      storeCount: 5,
      terminals: 3,
      rate: 20,
      durationS: 60,
      seed: 42,
      hours: { allDay: true },
      offline: [{ storeId: 's003', atMs: 20_000, durationMs: 20_000 }],
    });
    expect(parseSimArgs(['--store-ids', 's001, s002', '--hours', '08:00-22:00']).options).toMatchObject({
      storeIds: ['s001', 's002'],
      hours: { allDay: false, openMin: 480, closeMin: 1320 },
    });
  });

  it('--every-case scripts one of every case; without it nothing is scripted', () => {
    expect(parseSimArgs([]).options.script).toBeUndefined();
    const kinds = parseSimArgs(['--every-case']).options.script!.map((c) =>
      c.kind === 'refund'
        ? `refund ${c.whole ? 'whole' : 'part'}`
        : (c.void ?? c.payments!.map((p) => p.outcome).join('>')),
    );
    expect(kinds).toEqual([
      'declined>captured',
      'failed>captured',
      'captured',
      'captured',
      'before_payment',
      'after_payment',
      'refund part',
      'refund whole',
    ]);
  });

  it('pharmacies are on by default with a write-off a minute; --pharmacies off and --write-off-every', () => {
    expect(parseSimArgs([]).options).toMatchObject({ pharmacies: true, writeOffEveryS: 60 });
    expect(parseSimArgs(['--pharmacies', 'off', '--write-off-every', '0']).options).toMatchObject({
      pharmacies: false,
      writeOffEveryS: 0,
    });
    expect(() => parseSimArgs(['--pharmacies', 'maybe'])).toThrow(/--pharmacies/);
    expect(() => parseSimArgs(['--write-off-every', '-1'])).toThrow(/--write-off-every/);
  });

  it('names the bad flag', () => {
    expect(() => parseSimArgs(['--rate', '0'])).toThrow(/--rate/);
    expect(() => parseSimArgs(['--offline', 'nope'])).toThrow(/store>@<start>/);
    expect(() => parseSimArgs(['--bogus'])).toThrow();
  });
});

describe('terminal tokens and store ids', () => {
  it('derives one stable, distinct token per store and till from the run secret', () => {
    const secret = 'x'.repeat(32);
    expect(terminalToken(secret, 's001', 'T01')).toBe(terminalToken(secret, 's001', 'T01'));
    expect(terminalToken(secret, 's001', 'T01')).not.toBe(terminalToken(secret, 's002', 'T01'));
    expect(terminalToken(secret, 's001', 'T01')).not.toBe(terminalToken('y'.repeat(32), 's001', 'T01'));
    expect(terminalToken(secret, 's001', 'T01')).toMatch(/^tt_[A-Za-z0-9_-]{43}$/);
    expect(terminalIds(3)).toEqual(['T01', 'T02', 'T03']);
  });

  it('lists STORES or STORE_COUNT ids with the prefix', () => {
    expect(hostedStoreIds({ STORES: undefined, STORE_COUNT: 3, STORE_PREFIX: 's' })).toEqual([
      's001',
      's002',
      's003',
    ]);
    expect(hostedStoreIds({ STORES: ['b', 'a', 'b'], STORE_COUNT: 3, STORE_PREFIX: 's' })).toEqual([
      'b',
      'a',
    ]);
  });
});
