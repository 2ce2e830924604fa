import { describe, expect, it } from 'vitest';
import { isYyyyMmDd } from './yyyymmdd.ts';

describe('isYyyyMmDd', () => {
  it.each(['20261206', '20240229', '19991231'])('accepts %s', (s) => expect(isYyyyMmDd(s)).toBe(true));
  it.each(['2026-12-06', '20230229', '20261301', '20261200', '2026126', '06122026x', ''])('refuses %s', (s) =>
    expect(isYyyyMmDd(s)).toBe(false),
  );
});
