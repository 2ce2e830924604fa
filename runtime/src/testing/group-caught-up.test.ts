import { describe, expect, it } from 'vitest';
import { partitionDone } from './group-caught-up.ts';

describe('partitionDone', () => {
  it('is done once the committed offset reaches the high watermark', () => {
    expect(partitionDone('10', '0', '10')).toBe(true);
    expect(partitionDone('9', '0', '10')).toBe(false);
  });

  it('treats no commit (-1) as not done unless the partition holds nothing', () => {
    expect(partitionDone('-1', '0', '3')).toBe(false);
    expect(partitionDone('-1', '0', '0')).toBe(true);
    expect(partitionDone('-1', '7', '7')).toBe(true);
  });

  it('compares offsets as numbers, not strings', () => {
    expect(partitionDone('9', '0', '10')).toBe(false);
    expect(partitionDone('100', '0', '99')).toBe(true);
  });
});
