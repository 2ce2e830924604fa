/** Bytes shown by default; a poison value can be large and the start is what tells what it is. */
export const HEX_DUMP_LIMIT = 512;

/**
 * `hexdump -C` style lines: offset, 16 bytes in hex, the printable ASCII. Bytes past `limit` are
 * summarised in a last line.
 */
export function hexDump(buf: Buffer, limit = HEX_DUMP_LIMIT): string[] {
  const lines: string[] = [];
  const shown = buf.subarray(0, limit);
  for (let at = 0; at < shown.length; at += 16) {
    const row = shown.subarray(at, at + 16);
    const hex = [...row].map((b) => b.toString(16).padStart(2, '0'));
    const left = hex.slice(0, 8).join(' ');
    const right = hex.slice(8).join(' ');
    const ascii = [...row].map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    lines.push(`${at.toString(16).padStart(8, '0')}  ${left.padEnd(23)}  ${right.padEnd(23)}  |${ascii}|`);
  }
  if (buf.length > limit) lines.push(`… ${buf.length - limit} more bytes (${buf.length} in all)`);
  return lines;
}
