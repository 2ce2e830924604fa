const COLOURS = [36, 33, 35, 32, 34, 91, 96, 93, 95, 92];

/** `name` padded (or cut) to `width`, coloured with the index-th colour when colour is on. */
export function namePrefix(name: string, width: number, index: number, colour: boolean): string {
  const fixed = name.length > width ? `${name.slice(0, width - 1)}…` : name.padEnd(width);
  return colour ? `\x1b[${COLOURS[index % COLOURS.length]}m${fixed}\x1b[0m │ ` : `${fixed} │ `;
}

/**
 * Splits a child's output into whole lines and writes each with the prefix, so lines of several
 * children never interleave mid-line. A partial last line is held until its newline or flush().
 */
export class LinePrefixer {
  private pending = '';

  constructor(
    private readonly prefix: string,
    private readonly write: (text: string) => void,
  ) {}

  push(chunk: Buffer | string): void {
    const text = this.pending + chunk.toString();
    const lines = text.split('\n');
    this.pending = lines.pop() ?? '';
    if (lines.length > 0) this.write(lines.map((l) => `${this.prefix}${l.replace(/\r$/, '')}\n`).join(''));
  }

  flush(): void {
    if (this.pending !== '') this.write(`${this.prefix}${this.pending}\n`);
    this.pending = '';
  }
}
