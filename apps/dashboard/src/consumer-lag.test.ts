import { describe, expect, it } from 'vitest';
import { groupLag, partitionLag, recordCount } from './consumer-lag.ts';

describe('consumer lag arithmetic', () => {
  it('partition lag is log end minus committed position', () => {
    expect(partitionLag('40', { partition: 0, low: '0', high: '100' })).toBe(60);
    expect(partitionLag('100', { partition: 0, low: '0', high: '100' })).toBe(0);
  });

  it('no commit counts the retained log; a position below the log start counts from the start', () => {
    expect(partitionLag(undefined, { partition: 0, low: '20', high: '100' })).toBe(80);
    expect(partitionLag('-1', { partition: 0, low: '20', high: '100' })).toBe(80);
    expect(partitionLag('5', { partition: 0, low: '20', high: '100' })).toBe(80);
  });

  it('never negative (a commit read before a newer end offset)', () => {
    expect(partitionLag('120', { partition: 0, low: '0', high: '100' })).toBe(0);
  });

  it('sums per topic and per group, counting partitions without a commit', () => {
    const bounds = new Map([
      [
        'b.topic',
        [
          { partition: 0, low: '0', high: '10' },
          { partition: 1, low: '0', high: '7' },
        ],
      ],
      ['a.topic', [{ partition: 0, low: '3', high: '50' }]],
    ]);
    const lag = groupLag(
      'g1',
      [
        { topic: 'b.topic', partition: 0, offset: '4' },
        { topic: 'a.topic', partition: 0, offset: '50' },
      ],
      bounds,
    );
    expect(lag).toEqual({
      groupId: 'g1',
      lag: 13,
      topics: [
        { topic: 'a.topic', lag: 0, uncommittedPartitions: 0 },
        { topic: 'b.topic', lag: 13, uncommittedPartitions: 1 },
      ],
    });
  });

  it('record count is end minus start over partitions', () => {
    expect(
      recordCount([
        { partition: 0, low: '5', high: '9' },
        { partition: 1, low: '0', high: '0' },
        { partition: 2, low: '2', high: '12' },
      ]),
    ).toBe(14);
  });
});
