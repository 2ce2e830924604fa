import { describe, expect, it } from 'vitest';
import { parseRecordAddress } from './dlq-filter.ts';
import { hexDump } from './hex-dump.ts';
import { parseOffsetBound } from './purge.ts';

describe('hexDump', () => {
  it('prints offset, hex in two groups of 8 and printable ASCII', () => {
    const lines = hexDump(Buffer.from('{"json":1}\x00\x01 and more bytes'));
    expect(lines[0]).toBe('00000000  7b 22 6a 73 6f 6e 22 3a  31 7d 00 01 20 61 6e 64  |{"json":1}.. and|');
    expect(lines[1]).toMatch(/^00000010 {2}20 6d 6f 72 65 .*\| more bytes\|$/);
  });

  it('summarises what is past the limit', () => {
    const lines = hexDump(Buffer.alloc(40), 32);
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe('… 8 more bytes (40 in all)');
  });
});

describe('offsets on the command line', () => {
  it('parses P:O and P:O,P:O; refuses anything else as a usage error', () => {
    expect(parseRecordAddress('3:1200')).toEqual({ partition: 3, offset: '1200' });
    const bound = parseOffsetBound('0:120,1:80');
    expect(bound).toEqual({
      kind: 'offsets',
      offsets: new Map([
        [0, '120'],
        [1, '80'],
      ]),
    });
    expect(() => parseRecordAddress('3-1200')).toThrow(expect.objectContaining({ code: 'CLI_USAGE' }));
    expect(() => parseOffsetBound('0:1,0:2')).toThrow(/given twice/);
  });
});
