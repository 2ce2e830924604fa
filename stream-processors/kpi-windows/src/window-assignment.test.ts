import { describe, expect, it } from 'vitest';
import { isValidTimeZone, localDayBounds } from '@retail-stream/runtime';
import { fixedWindow, localDayWindow, windowKey, windowsFor } from './window-assignment.ts';

const t = (iso: string) => Date.parse(iso);

describe('fixed windows (UTC-aligned)', () => {
  it('assigns M1, M15 and H1 with inclusive start and exclusive end', () => {
    const at = t('2026-03-10T12:34:56.789Z');
    expect(fixedWindow('M1', at)).toEqual({
      size: 'M1',
      start: t('2026-03-10T12:34:00Z'),
      end: t('2026-03-10T12:35:00Z'),
      timezone: null,
    });
    expect(fixedWindow('M15', at)).toMatchObject({
      start: t('2026-03-10T12:30:00Z'),
      end: t('2026-03-10T12:45:00Z'),
    });
    expect(fixedWindow('H1', at)).toMatchObject({
      start: t('2026-03-10T12:00:00Z'),
      end: t('2026-03-10T13:00:00Z'),
    });
  });

  it('puts an event exactly on a boundary in the window that starts there', () => {
    const at = t('2026-03-10T12:45:00Z');
    expect(fixedWindow('M15', at).start).toBe(at);
    expect(fixedWindow('M1', at - 1).end).toBe(at);
  });

  it('gives every event one window of each size', () => {
    const ws = windowsFor(t('2026-03-10T12:34:56Z'), 'Asia/Ho_Chi_Minh');
    expect(ws.map((w) => w.size)).toEqual(['M1', 'M15', 'H1', 'D1_LOCAL']);
    expect(windowKey(ws[0]!)).toBe(`M1|${t('2026-03-10T12:34:00Z')}`);
  });
});

describe('local day (D1_LOCAL)', () => {
  it('Asia/Ho_Chi_Minh (UTC+7): 19:00 local belongs to the day starting 17:00 UTC the day before', () => {
    expect(localDayBounds(t('2026-03-10T12:00:00Z'), 'Asia/Ho_Chi_Minh')).toEqual({
      start: t('2026-03-09T17:00:00Z'),
      end: t('2026-03-10T17:00:00Z'),
    });
    // 17:00 UTC is local midnight: the next day.
    expect(localDayBounds(t('2026-03-10T17:00:00Z'), 'Asia/Ho_Chi_Minh').start).toBe(
      t('2026-03-10T17:00:00Z'),
    );
    expect(localDayBounds(t('2026-03-10T16:59:59.999Z'), 'Asia/Ho_Chi_Minh').end).toBe(
      t('2026-03-10T17:00:00Z'),
    );
  });

  it('Asia/Kolkata (UTC+5:30): half-hour offset', () => {
    expect(localDayBounds(t('2026-03-10T20:00:00Z'), 'Asia/Kolkata')).toEqual({
      start: t('2026-03-10T18:30:00Z'),
      end: t('2026-03-11T18:30:00Z'),
    });
    expect(localDayBounds(t('2026-03-10T18:29:59.999Z'), 'Asia/Kolkata').start).toBe(
      t('2026-03-09T18:30:00Z'),
    );
  });

  it('America/New_York: the spring-forward day has 23 hours, the fall-back day 25', () => {
    const spring = localDayBounds(t('2026-03-08T12:00:00Z'), 'America/New_York');
    expect(spring).toEqual({ start: t('2026-03-08T05:00:00Z'), end: t('2026-03-09T04:00:00Z') });
    expect(spring.end - spring.start).toBe(23 * 3_600_000);
    const fall = localDayBounds(t('2026-11-01T12:00:00Z'), 'America/New_York');
    expect(fall).toEqual({ start: t('2026-11-01T04:00:00Z'), end: t('2026-11-02T05:00:00Z') });
    expect(fall.end - fall.start).toBe(25 * 3_600_000);
    // 23:59:59.999 local on the eve of the change still belongs to the previous day.
    expect(localDayBounds(t('2026-03-08T04:59:59.999Z'), 'America/New_York').end).toBe(
      t('2026-03-08T05:00:00Z'),
    );
    // Right after the jump (03:00 EDT = 07:00Z) is still the same (short) day.
    expect(localDayBounds(t('2026-03-08T07:00:00Z'), 'America/New_York')).toEqual(spring);
  });

  it('days are contiguous: one day ends where the next starts, across a DST change', () => {
    let at = t('2026-03-05T12:00:00Z');
    for (let i = 0; i < 10; i++) {
      const d = localDayBounds(at, 'America/New_York');
      const next = localDayBounds(d.end, 'America/New_York');
      expect(next.start).toBe(d.end);
      at = d.end;
    }
  });

  it('localDayWindow carries the zone; unknown zones are rejected', () => {
    expect(localDayWindow(t('2026-03-10T12:00:00Z'), 'Asia/Kolkata').timezone).toBe('Asia/Kolkata');
    expect(isValidTimeZone('Asia/Ho_Chi_Minh')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus_Mons')).toBe(false);
  });
});
