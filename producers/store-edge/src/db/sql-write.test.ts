import { describe, expect, it } from 'vitest';
import { shiftParams } from './sql-write.ts';

describe('shiftParams', () => {
  it('moves every placeholder up by the offset, multi-digit ones included, and leaves the rest alone', () => {
    expect(shiftParams('UPDATE t SET a = $1, b = $2::text WHERE id = $10', 6)).toBe(
      'UPDATE t SET a = $7, b = $8::text WHERE id = $16',
    );
    expect(shiftParams('SELECT $1', 0)).toBe('SELECT $1');
  });
});
