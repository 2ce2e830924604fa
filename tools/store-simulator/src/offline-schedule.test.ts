import { describe, expect, it } from 'vitest';
import { parseDuration, parseOfflineEpisode, parseOfflineSchedule } from './offline-schedule.ts';

describe('offline schedule', () => {
  it('parses store@start+duration with units', () => {
    expect(parseOfflineEpisode('s003@20s+20s')).toEqual({
      storeId: 's003',
      atMs: 20_000,
      durationMs: 20_000,
    });
    expect(parseOfflineEpisode('hcm_01@1.5m+500ms')).toEqual({
      storeId: 'hcm_01',
      atMs: 90_000,
      durationMs: 500,
    });
    expect(parseOfflineEpisode(' s001@0+2h ')).toEqual({ storeId: 's001', atMs: 0, durationMs: 7_200_000 });
    expect(parseDuration('15')).toBe(15_000);
  });

  it('refuses malformed specs, bad store ids and zero durations', () => {
    for (const bad of [
      's003',
      's003@20s',
      's003+20s',
      '@20s+1s',
      'S003@1s+1s',
      's003@-1s+1s',
      's003@1x+1s',
      's003@1s+0s',
    ]) {
      expect(() => parseOfflineEpisode(bad), bad).toThrow(RangeError);
    }
  });

  it('merges repeated flags and comma lists, sorts by start and refuses overlaps on one store', () => {
    expect(parseOfflineSchedule(['s002@30s+5s,s001@10s+5s', 's001@20s+5s'])).toEqual([
      { storeId: 's001', atMs: 10_000, durationMs: 5_000 },
      { storeId: 's001', atMs: 20_000, durationMs: 5_000 },
      { storeId: 's002', atMs: 30_000, durationMs: 5_000 },
    ]);
    expect(parseOfflineSchedule([])).toEqual([]);
    expect(() => parseOfflineSchedule(['s001@10s+20s', 's001@20s+5s'])).toThrow(/overlap/);
    expect(parseOfflineSchedule(['s001@10s+20s', 's002@20s+5s'])).toHaveLength(2);
  });
});
