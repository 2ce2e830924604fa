import { createLogger, type Logger } from '../logger.ts';

/** One JSON log line as a test inspects it. */
export interface LogLine {
  level: string;
  msg: string;
  [k: string]: unknown;
}

/** A logger whose lines a test can inspect (for a service run in the test's own process). */
export function captureLogger(service: string, level = 'info'): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const logger = createLogger({
    service,
    level,
    destination: { write: (s: string) => void lines.push(JSON.parse(s) as LogLine) },
  });
  return { logger, lines };
}

/** Splits a stream of chunks into JSON lines; a line that is not JSON is kept as `{level: 'raw'}`. */
export class JsonLineSplitter {
  private buffered = '';

  constructor(private readonly onLine: (line: LogLine) => void) {}

  push(chunk: Buffer | string): void {
    this.buffered += chunk.toString();
    let nl: number;
    while ((nl = this.buffered.indexOf('\n')) >= 0) {
      const text = this.buffered.slice(0, nl);
      this.buffered = this.buffered.slice(nl + 1);
      if (text.trim() === '') continue;
      try {
        this.onLine(JSON.parse(text) as LogLine);
      } catch {
        this.onLine({ level: 'raw', msg: text });
      }
    }
  }
}
