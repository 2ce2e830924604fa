import { describe, expect, it } from 'vitest';
import { isOpen, localMinutes, parseStoreHours } from './store-hours.ts';

describe('store hours', () => {
  it('uses the store-local time zone', () => {
    const at = new Date('2026-03-01T01:30:00Z'); // 08:30 in Ho Chi Minh City (UTC+7)
    expect(localMinutes('Asia/Ho_Chi_Minh', at)).toBe(8 * 60 + 30);
    const hours = parseStoreHours('08:00-22:00');
    expect(isOpen(hours, 'Asia/Ho_Chi_Minh', at)).toBe(true);
    expect(isOpen(hours, 'UTC', at)).toBe(false);
    expect(isOpen(hours, 'Asia/Ho_Chi_Minh', new Date('2026-03-01T15:00:00Z'))).toBe(false); // 22:00 local
  });

  it('handles 24h and opening across midnight', () => {
    expect(isOpen(parseStoreHours('24h'), 'UTC', new Date())).toBe(true);
    const night = parseStoreHours('22:00-06:00');
    expect(isOpen(night, 'UTC', new Date('2026-03-01T23:00:00Z'))).toBe(true);
    expect(isOpen(night, 'UTC', new Date('2026-03-01T05:59:00Z'))).toBe(true);
    expect(isOpen(night, 'UTC', new Date('2026-03-01T12:00:00Z'))).toBe(false);
  });

  it('refuses malformed hours', () => {
    for (const bad of ['', '8-22', '08:00', '25:00-26:00', '08:00-08:00', 'always']) {
      expect(() => parseStoreHours(bad), bad).toThrow(RangeError);
    }
  });
});
