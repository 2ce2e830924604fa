import { describe, expect, it } from 'vitest';
import { storeDay } from './store-day.ts';

describe('storeDay', () => {
  // 2026-11-21 18:30 UTC is already 2026-11-22 01:30 in Ho Chi Minh City (UTC+7).
  const lateEveningUtc = Date.UTC(2026, 10, 21, 18, 30);

  it('uses the store time zone', () => {
    expect(storeDay(lateEveningUtc, 'Asia/Ho_Chi_Minh')).toBe('2026-11-22');
    expect(storeDay(lateEveningUtc, 'America/New_York')).toBe('2026-11-21');
  });

  it('falls back to UTC when the zone is unknown or not a zone', () => {
    expect(storeDay(lateEveningUtc, null)).toBe('2026-11-21');
    expect(storeDay(lateEveningUtc, undefined)).toBe('2026-11-21');
    expect(storeDay(lateEveningUtc, 'Mars/Olympus_Mons')).toBe('2026-11-21');
  });

  it('switches day exactly at local midnight', () => {
    const midnightHcm = Date.UTC(2026, 10, 21, 17, 0); // 00:00 in UTC+7
    expect(storeDay(midnightHcm - 1, 'Asia/Ho_Chi_Minh')).toBe('2026-11-21');
    expect(storeDay(midnightHcm, 'Asia/Ho_Chi_Minh')).toBe('2026-11-22');
  });
});
