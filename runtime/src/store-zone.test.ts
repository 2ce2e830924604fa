import { describe, expect, it } from 'vitest';
import { localDateString } from './local-day.ts';
import { DEFAULT_STORE_TIMEZONE, storeTimeZone, storeZoneConfig } from './store-zone.ts';

describe('store zone', () => {
  // 2026-11-21 18:30 UTC is already 2026-11-22 01:30 in Ho Chi Minh City (UTC+7).
  const lateEveningUtc = Date.UTC(2026, 10, 21, 18, 30);
  const known = (timezone: string | null) => ({ enrichment: { store_known: true, timezone } });

  it("a known store's valid zone wins", () => {
    expect(storeTimeZone(known('America/New_York'), 'UTC')).toBe('America/New_York');
    expect(localDateString(lateEveningUtc, storeTimeZone(known('America/New_York'), 'UTC'))).toBe(
      '2026-11-21',
    );
    expect(localDateString(lateEveningUtc, storeTimeZone(known('Asia/Ho_Chi_Minh'), 'UTC'))).toBe(
      '2026-11-22',
    );
  });

  it('an unknown store, a missing zone or a zone Intl does not know takes the default, never UTC', () => {
    expect(storeTimeZone({}, DEFAULT_STORE_TIMEZONE)).toBe('Asia/Ho_Chi_Minh');
    expect(storeTimeZone({ enrichment: null }, 'Europe/Berlin')).toBe('Europe/Berlin');
    expect(storeTimeZone(known(null), 'Europe/Berlin')).toBe('Europe/Berlin');
    expect(storeTimeZone(known('Mars/Olympus_Mons'), 'Europe/Berlin')).toBe('Europe/Berlin');
    // A zone on an event of a store reference data does not know is not trusted.
    expect(
      storeTimeZone({ enrichment: { store_known: false, timezone: 'America/New_York' } }, 'Europe/Berlin'),
    ).toBe('Europe/Berlin');
  });

  it('switches day exactly at local midnight', () => {
    const midnightHcm = Date.UTC(2026, 10, 21, 17, 0); // 00:00 in UTC+7
    expect(localDateString(midnightHcm - 1, 'Asia/Ho_Chi_Minh')).toBe('2026-11-21');
    expect(localDateString(midnightHcm, 'Asia/Ho_Chi_Minh')).toBe('2026-11-22');
  });

  it('STORE_DEFAULT_TIMEZONE defaults to the chain zone and refuses a zone Intl does not know', () => {
    expect(storeZoneConfig.parse({}).STORE_DEFAULT_TIMEZONE).toBe(DEFAULT_STORE_TIMEZONE);
    expect(storeZoneConfig.parse({ STORE_DEFAULT_TIMEZONE: 'UTC' }).STORE_DEFAULT_TIMEZONE).toBe('UTC');
    expect(() => storeZoneConfig.parse({ STORE_DEFAULT_TIMEZONE: 'Mars/Olympus_Mons' })).toThrow(
      /IANA time zone/,
    );
  });
});
